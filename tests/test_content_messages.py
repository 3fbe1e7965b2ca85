"""Check messages are keys of the translation files, rendered in the reader's language; never English in Python."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from widgets import content
from widgets.content import sheets
from widgets.core import messages
from widgets.core.i18n import Translator
from widgets.core.messages import Message
from widgets.core.typography import MESSAGES, NBSP

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "widgets"
#: The translation areas that hold the checks' messages.
AREAS = (
    "content_checks",
    "sheets",
    "writing",
    "cases_checks",
    "day_checks",
    "metrics_checks",
    "values_checks",
    "week_checks",
)
#: Where problems are written: every workshop's checks, the loader, the spreadsheet, the writing checks.
SOURCES = [
    *sorted((PACKAGE / "workshops").glob("*/checks.py")),
    PACKAGE / "content" / "__init__.py",
    PACKAGE / "content" / "sheets.py",
    PACKAGE / "content" / "writing.py",
    PACKAGE / "core" / "typography.py",
    PACKAGE / "core" / "glossary.py",
    PACKAGE / "live" / "exercises" / "casebook.py",
]


def _python() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py")))


def _keys_in_code() -> set[str]:
    """Every message key the code names: literal keys, and the families built from the schema's rules and types."""
    pattern = re.compile(rf'"((?:{"|".join(AREAS)})\.\w+)"')
    used = set(pattern.findall(_python()))
    used |= {f"content_checks.type_{name}" for name in content.SCHEMA_TYPES}
    used |= {f"content_checks.schema_{rule}" for rule in content.SCHEMA_RULES}
    return used


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_message_key_the_code_uses_exists_in_french_and_english(lang):
    strings = Translator(lang).strings
    used = _keys_in_code()
    assert len(used) > 100  # the scan finds the keys (a broken pattern would find none and pass)
    assert sorted(key for key in used if key not in strings) == []


def test_every_message_of_the_checks_areas_is_used_by_the_code():
    used = _keys_in_code()
    written = {key for key in Translator("en").strings if key.split(".")[0] in AREAS}
    assert sorted(written - used) == []


def test_the_typography_rules_name_keys():
    assert all(key.startswith("writing.") for key in MESSAGES.values())


def _bare_strings(file: Path) -> list[str]:
    """Where a problem is built with a sentence: ``(path, "text")``, ``(path, f"...")``, or a problem class given one."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    found = []

    def sentence(node) -> bool:
        return isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value
        )

    for node in ast.walk(tree):
        # (field path, message): the path is a tuple, a sum of tuples or a name, never a string itself.
        pair = isinstance(node, ast.Tuple) and len(node.elts) == 2
        if pair and sentence(node.elts[1]) and isinstance(node.elts[0], ast.Tuple | ast.BinOp | ast.Name):
            found.append(f"{file.name}:{node.lineno}")
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("Problem", "SheetProblem", "Finding", "problem") and node.args and sentence(node.args[-1]):
                found.append(f"{file.name}:{node.lineno}")
    return found


def test_no_problem_is_built_from_a_sentence_in_python():
    assert [where for file in SOURCES for where in _bare_strings(file)] == []


def test_the_scan_for_sentences_finds_one(tmp_path):
    old = tmp_path / "checks.py"
    old.write_text(
        "def check(data):\n"
        "    problems = [(('ideas', 0), f\"unknown role '{data}'\")]\n"
        "    problems.append((('ideas',), 'the lowest cost is above the highest'))\n"
        "    return problems + [Problem('f', 1, 'x', 'the file is empty')]\n",
        encoding="utf-8",
    )
    assert _bare_strings(old) == ["checks.py:2", "checks.py:3", "checks.py:4"]


def test_a_check_that_returns_a_bare_string_is_refused(monkeypatch):
    def old_style(data):
        return [(("title",), "an English sentence")]

    data = content.load("workshops")
    monkeypatch.setitem(content._CHECKS, "workshops", [old_style])
    with pytest.raises(TypeError, match="old_style returned 'an English sentence', not a Message"):
        content.problems_at(data)


# --- every kind of broken content gives messages, in both languages ----------------------------


def _bundled(name: str) -> dict:
    if name == content.CATALOGUE:  # read from the manifests, not from a file
        return copy.deepcopy(content.load(name))
    return copy.deepcopy(yaml.safe_load((content.BUNDLED / f"{name}.yaml").read_text(encoding="utf-8")))


def _broken() -> list[dict]:
    case = _bundled("cases/billing-double-charge")
    case["steps"][2]["responses"][1]["next"] = "nowhere"
    case["steps"][0]["responses"] = case["steps"][0]["responses"][:2]
    case["endings"][1]["id"] = case["endings"][0]["id"]
    loop = _bundled("cases/billing-double-charge")
    loop["steps"][2]["responses"][2]["next"] = "opening"
    ideas = _bundled("week/ideas")
    ideas["ideas"][1]["involves"].append("board")
    ideas["ideas"][3]["cost"]["min"] = ideas["ideas"][3]["cost"]["max"] + 1
    ideas["ideas"][4]["id"] = ideas["ideas"][0]["id"]
    week = _bundled("week/week")
    week["examples"][1]["monday"] = "2023-10-09"
    matching = _bundled("metrics/matching")
    matching["values"]["metrics"].append("TELEPATHY")
    brainstorm = _bundled("values/brainstorm")
    brainstorm["values"][1]["id"] = brainstorm["values"][0]["id"]
    brainstorm["cliches"][0]["phrases"]["fr"].append("le la les")
    schema = _bundled("workshops")
    schema["workshops"][0]["minutes"] = 30
    schema["workshops"][0]["colour"] = "red"
    del schema["workshops"][1]["title"]["en"]
    return [case, loop, ideas, week, matching, brainstorm, schema, [1, 2], {"kind": "nothing"}]


def test_every_problem_of_broken_content_is_a_message_rendered_in_both_languages():
    found = [message for doc in _broken() for _, message in content.problems_at(doc)]
    assert len(found) >= 15
    assert all(isinstance(m, Message) for m in found), [m for m in found if not isinstance(m, Message)]
    for message in found:
        french, english = message.render("fr"), message.render("en")
        assert french and english and french != english, message
        assert not re.search(r"\{[a-z_]+\}", english.replace("{workshop}", "")), message  # placeholders filled
    keys = {m.key for m in found}
    assert {"cases_checks.next_unknown", "week_checks.unknown_role", "metrics_checks.unknown_metric"} <= keys
    assert {"content_checks.wrong_type", "content_checks.unknown_field", "content_checks.missing_translation"} <= keys


def test_a_broken_case_reads_in_french_with_the_same_place(tmp_path):
    case = _bundled("cases/billing-double-charge")
    case["steps"][1]["responses"][0]["next"] = "nowhere"
    file = tmp_path / "billing-double-charge.yaml"
    file.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [problem] = content.validate_file(file)
    english, french = problem.render("en"), problem.render("fr")
    where = f"{problem.file}:{problem.line}: [steps[1].responses[0].next] "
    assert english.startswith(where) and french.startswith(where)
    assert english.endswith("next 'nowhere' is neither a step, an ending nor a decision of this case")
    assert french.endswith(f"next «{NBSP}nowhere{NBSP}» n’est ni une étape, ni une fin, ni une décision de ce cas")


def test_str_writes_the_page_language_then_the_configured_one(monkeypatch):
    problem = content.Problem("x.yaml", 3, "title.en", Message("content_checks.missing_translation", lang="en"))
    monkeypatch.setenv("ELAN_LANGUAGE", "en")
    assert str(problem) == "x.yaml:3: [title.en] missing translation 'en'"
    monkeypatch.setenv("ELAN_LANGUAGE", "fr")
    assert str(problem) == f"x.yaml:3: [title.en] traduction manquante «{NBSP}en{NBSP}»"
    messages.use_language("en")  # a dashboard kernel whose page is in English
    try:
        assert str(problem) == "x.yaml:3: [title.en] missing translation 'en'"
        assert str(content.ContentError([problem])) == "x.yaml:3: [title.en] missing translation 'en'"
    finally:
        messages.use_language(None)


def test_the_schema_rules_with_a_message_are_said_in_words():
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 5},
            "ids": {"type": "array", "minItems": 3, "uniqueItems": True},
            "slug": {"type": "string", "pattern": "^[a-z]+$", "minLength": 1},
            "size": {"enum": ["small", "large"]},
        },
        "additionalProperties": False,
    }
    doc = {"n": 9, "ids": ["a", "a"], "slug": "Not A Slug", "size": "huge", "colour": "red", "shade": "dark"}
    found = {
        e.validator: content.schema_message(e) for e in Draft202012Validator(schema).iter_errors(doc) if e.validator
    }
    assert found["maximum"].render("en") == "9 is above the maximum, 5"
    assert found["maximum"].render("fr") == "9 dépasse le maximum, 5"
    assert found["minItems"].render("en") == "['a', 'a']: at least 3 items are needed, found 2"
    assert found["uniqueItems"].render("fr") == f"['a', 'a']{NBSP}: un élément est écrit deux fois"
    assert found["enum"].render("en") == "'huge' is not one of the allowed values: 'small', 'large'"
    assert found["additionalProperties"].render("en") == "unknown fields 'colour', 'shade'"
    assert found["additionalProperties"].render("fr") == "champs inconnus 'colour', 'shade'"
    assert found["pattern"].render("fr").startswith("'Not A Slug' n’a pas la forme attendue")


def test_a_spreadsheet_problem_reads_in_french_with_the_same_sheet_row_and_column():
    problem = sheets.SheetProblem(
        "cases.xlsx", "responses", 12, "G 'feedback.en'", Message("content_checks.missing_translation", lang="en")
    )
    assert (
        problem.render("en")
        == "cases.xlsx: sheet 'responses', row 12, column G 'feedback.en': missing translation 'en'"
    )
    assert problem.render("fr") == (
        f"cases.xlsx: feuille «{NBSP}responses{NBSP}», ligne 12, colonne G 'feedback.en'{NBSP}: "
        f"traduction manquante «{NBSP}en{NBSP}»"
    )
    missing = sheets.SheetProblem(
        "x.xlsx", "ideas", 3, Message("sheets.column_missing", header="id"), Message("sheets.no_file")
    )
    assert (
        missing.render("en")
        == "x.xlsx: sheet 'ideas', row 3, column 'id' (missing: add it): which file: this cell is empty"
    )
    assert "(absente" in missing.render("fr")


def test_a_refused_typography_fix_names_the_file_in_the_reader_s_language(tmp_path):
    from widgets.core.typography import FixRefused

    refused = FixRefused(tmp_path / "values.yaml", "writing.fix_structure")
    assert isinstance(refused, ValueError)
    assert (
        refused.render("en")
        == f"{tmp_path / 'values.yaml'}: a typography fix would change the file's structure; fix it by hand"
    )
    assert refused.render("fr").endswith(
        f"values.yaml: une correction typographique changerait la structure du fichier{NBSP}; corrigez-le à la main"
    )


@pytest.mark.parametrize("command", ["validate", "typography", "content", "cases"])
def test_each_content_command_offers_lang_in_its_help(command, capsys):
    from widgets.ops.cli import main

    with pytest.raises(SystemExit) as exit:
        main([command, "--help"])
    assert exit.value.code == 0  # a setting's help with a % sign once made --help crash
    assert "--lang {fr,fr-CA,en}" in capsys.readouterr().out
