"""Customer Service Week content: the bundled files validate, and broken copies are reported clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from widgets import content
from widgets.content import validate_file, validate_tree
from widgets.core.i18n import Translator
from widgets.workshops.week import rules as week

WEEK = content.BUNDLED / "week"
ROOT = Path(__file__).resolve().parent.parent


def test_bundled_week_content_validates():
    assert [str(p) for p in validate_tree(WEEK)] == []


def test_the_ten_ideas_of_the_source():
    ideas = content.load("week/ideas")["ideas"]
    assert [i["id"] for i in ideas] == [
        "kickoff-breakfast",
        "trading-spaces",
        "dress-up-day",
        "internal-awards",
        "external-recognition",
        "leader-notes",
        "peer-cards",
        "charity-fundraiser",
        "customer-speaker",
        "recognise-customers",
    ]
    # Conflict detection needs both sizes, both remote answers and ideas that need the executives.
    assert {i["size"] for i in ideas} == {"big", "small"}
    assert {i["remote"] for i in ideas} == {True, False}
    assert sum(week.EXECUTIVES in i["involves"] for i in ideas) >= 2


def texts(node, path=()):
    if isinstance(node, dict) and set(node) == {"fr", "en"}:
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from texts(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, path + (i,))


@pytest.mark.parametrize("name", ["week/ideas", "week/week"])
def test_every_text_is_written_in_both_languages(name):
    found = list(texts(content.load(name)))
    assert len(found) > 10
    for path, text in found:
        assert text["fr"].strip() != text["en"].strip(), path
        # French typography: no plain space before double punctuation.
        assert not re.search(r" [:;!?»]", text["fr"]), (path, text["fr"])


def test_facts_name_the_founding_dates():
    facts = {f["id"]: f for f in content.load("week/week")["facts"]}
    assert facts["icsa-founded"]["year"] == 1984
    assert facts["us-congress"]["year"] == 1992
    assert "1984" in facts["icsa-founded"]["text"]["fr"] and "1992" in facts["us-congress"]["text"]["en"]


def test_recurring_actions_load_as_plan_actions():
    cards = week.cards()
    for action in content.load("week/week")["recurring"]:
        recurring = week.recurring_from_card(action)
        assert recurring.freq in week.FREQS
        assert len(week.occurrences(recurring, 2025)) >= 4
        assert week.title(action["id"], cards, "fr") == action["title"]["fr"]


def test_every_conflict_kind_has_an_explanation_and_a_message():
    explanations = content.load("week/week")["conflicts"]
    assert set(explanations) == set(week.CONFLICT_KINDS)
    for lang in ("fr", "en"):
        strings = Translator(lang).area("week")
        for kind in week.CONFLICT_KINDS:
            assert f"conflict_{kind}" in strings


def test_locale_files_have_the_same_keys_and_cover_the_code():
    fr = Translator("fr").area("week")
    en = Translator("en").area("week")
    assert set(fr) == set(en)
    for key in fr:
        assert sorted(re.findall(r"{(\w+)}", fr[key])) == sorted(re.findall(r"{(\w+)}", en[key])), key
    used = set()
    for source in (
        ROOT / "widgets" / "workshops" / "week" / "rules.py",
        ROOT / "widgets" / "workshops" / "week" / "templates" / "week_plan.html",
    ):
        used |= set(re.findall(r'"week\.(\w+)"', source.read_text(encoding="utf-8")))
    used |= {f"col_{c}" for c in week.CSV_COLUMNS} | {f"part_{p}" for p in ("morning", "afternoon")}
    used |= {f"freq_{f}" for f in week.FREQS}
    assert used - set(fr) == set()


# --- broken copies ---------------------------------------------------------------------------


def broken_copy(tmp_path, name, change):
    data = yaml.safe_load((WEEK / name).read_text(encoding="utf-8"))
    change(data)
    file = tmp_path / name
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def messages(file, lang="en"):
    return [(p.field, p.text(lang), p.line) for p in validate_file(file)]


def test_missing_translation_names_the_field(tmp_path):
    file = broken_copy(tmp_path, "ideas.yaml", lambda d: d["ideas"][2]["why"].pop("en"))
    (problem,) = messages(file)
    assert problem[0] == "ideas[2].why.en" and "missing translation" in problem[1] and problem[2] > 0


def test_unknown_role_and_duplicate_id(tmp_path):
    def change(data):
        data["ideas"][1]["involves"].append("board")
        data["ideas"][4]["id"] = data["ideas"][0]["id"]

    found = messages(broken_copy(tmp_path, "ideas.yaml", change))
    assert (
        "ideas[1].involves[2]",
        "unknown role 'board' (known: all-staff, communications, customers, executives, front-line, managers)",
    ) in [p[:2] for p in found]
    assert any(p[0] == "ideas[4].id" and "used twice" in p[1] for p in found)


def test_cost_range_the_wrong_way_round(tmp_path):
    file = broken_copy(tmp_path, "ideas.yaml", lambda d: d["ideas"][3]["cost"].update(min=2000))
    assert [p[:2] for p in messages(file)] == [("ideas[3].cost.min", "the lowest cost is above the highest")]


@pytest.mark.parametrize("bad", [{"size": "huge"}, {"effort": "none"}, {"remote": "yes"}])
def test_schema_refuses_bad_values(tmp_path, bad):
    file = broken_copy(tmp_path, "ideas.yaml", lambda d: d["ideas"][0].update(bad))
    (problem,) = messages(file)
    assert problem[0] == f"ideas[0].{next(iter(bad))}"


def test_an_example_week_that_contradicts_the_rule(tmp_path):
    file = broken_copy(tmp_path, "week.yaml", lambda d: d["examples"][1].update(monday="2023-10-09"))
    assert [p[:2] for p in messages(file)] == [
        ("examples[1].monday", "the rule gives 2023-10-02 for 2023, not 2023-10-09")
    ]
    assert [p[:2] for p in messages(file, "fr")] == [
        ("examples[1].monday", "la règle donne 2023-10-02 pour 2023, pas 2023-10-09")
    ]


def test_a_missing_conflict_explanation(tmp_path):
    file = broken_copy(tmp_path, "week.yaml", lambda d: d["conflicts"].pop("no_remote"))
    assert [p[:2] for p in messages(file)] == [("conflicts.no_remote", "missing required field 'no_remote'")]
