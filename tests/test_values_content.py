"""Content of the values workshop: the bundled files load, and broken copies are refused with clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from widgets import content
from widgets.core.i18n import Translator, placeholders

pytestmark = pytest.mark.usefixtures("english_messages")

VALUES = content.BUNDLED / "values"


def test_bundled_values_content_is_valid():
    assert content.validate_tree(VALUES) == []


def test_examples_cover_the_source_companies_and_cite_every_figure():
    doc = content.load("values/examples")
    screens = {screen["id"]: screen for screen in doc["screens"]}
    for company in ("ritz-carlton", "disney", "nintendo", "nextiva", "apple-retail", "zappos"):
        assert screens[company]["type"] == "example"
    figures = [s for s in doc["screens"] if s["type"] == "figure"]
    assert {s["id"].split("-")[0] for s in figures} >= {"mckinsey", "bain", "microsoft", "gallup"}
    for screen in doc["screens"]:
        assert screen["source"]["fr"] and screen["source"]["en"]
    # Disney's screen carries its vision and the four letters of CARE.
    assert [p["en"][0] for p in screens["disney"]["points"]] == list("CARE")
    assert "happiness" in screens["disney"]["vision"]["en"]


def test_brainstorm_has_the_question_five_kept_the_three_criteria_and_the_template():
    doc = content.load("values/brainstorm")
    assert doc["question"]["fr"].endswith("?") and doc["question"]["en"].endswith("?")
    assert doc["keep"] == 5
    assert [c["id"] for c in doc["criteria"]] == ["simple", "service", "identity"]
    assert [s["id"] for s in doc["template"]["sections"]] == ["purpose", "vision", "values", "actions"]
    names = {v["id"] for v in doc["values"]}
    assert {"honesty", "respect", "integrity", "autonomy", "quality", "listening", "personalisation"} <= names
    assert "always-right" in {c["id"] for c in doc["cliches"]}


@pytest.mark.parametrize("name", ["values/examples", "values/brainstorm"])
def test_french_texts_are_written_in_french(name):
    texts = list(content.texts(content.load(name)))
    assert texts
    french = " ".join(t["fr"] for _, t in texts)
    assert re.search(r"[éèàçêôû]", french), "French texts need their accents"
    # Sentences are translated, not copied: few texts may be the same in both languages.
    same = [path for path, t in texts if t["fr"] == t["en"] and len(t["fr"].split()) > 2]
    assert same == []


def test_locales_have_the_same_keys_and_placeholders():
    fr = Translator("fr").area("values")
    en = Translator("en").area("values")
    assert fr.keys() == en.keys()
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key


# --- broken copies ------------------------------------------------------------------


def _broken(tmp_path: Path, name: str, change) -> list[str]:
    data = yaml.safe_load((VALUES / f"{name}.yaml").read_text(encoding="utf-8"))
    change(data)
    file = tmp_path / f"{name}.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [str(problem) for problem in content.validate_file(file)]


def test_a_missing_translation_is_named(tmp_path):
    problems = _broken(tmp_path, "brainstorm", lambda d: d["question"].pop("en"))
    assert any("[question.en]" in p and "missing translation" in p for p in problems)


def test_a_figure_without_source_is_refused(tmp_path):
    problems = _broken(tmp_path, "examples", lambda d: d["screens"][-1].pop("source"))
    assert any("source" in p for p in problems)


def test_an_example_screen_needs_its_vision(tmp_path):
    problems = _broken(tmp_path, "examples", lambda d: d["screens"][0].pop("vision"))
    assert any("vision" in p for p in problems)


def test_duplicate_ids_are_refused(tmp_path):
    def twice(d):
        d["values"][1]["id"] = d["values"][0]["id"]

    problems = _broken(tmp_path, "brainstorm", twice)
    assert any("[values[1].id]" in p and "unique" in p for p in problems)
    problems = _broken(tmp_path, "examples", lambda d: d["screens"].append(dict(d["screens"][0])))
    assert any("unique" in p for p in problems)


def test_template_sections_must_be_the_four_in_order(tmp_path):
    problems = _broken(tmp_path, "brainstorm", lambda d: d["template"]["sections"].reverse())
    assert any("[template.sections]" in p and "purpose, vision, values, actions" in p for p in problems)


def test_an_example_action_that_breaks_its_own_advice_is_refused(tmp_path):
    def vague(d):
        d["values"][0]["action"]["fr"] = "La transparence avant tout."

    problems = _broken(tmp_path, "brainstorm", vague)
    assert any("[values[0].action.fr]" in p for p in problems)


def test_a_cliche_phrase_of_small_words_is_refused(tmp_path):
    problems = _broken(tmp_path, "brainstorm", lambda d: d["cliches"][0]["phrases"]["fr"].append("le la les"))
    assert any("match every card" in p for p in problems)


def test_errors_name_the_file_and_line(tmp_path):
    problems = _broken(tmp_path, "brainstorm", lambda d: d.__setitem__("keep", 0))
    assert problems and re.match(r".*brainstorm\.yaml:\d+: \[keep\]", problems[0])
