"""The case editor without a browser: the form edits the case, checks run as it changes, saving keeps comments."""

from __future__ import annotations

import pytest

from widgets import content
from widgets.live.exercises import casebook
from widgets.workshops.cases.editor import CaseEditor, branches, missing_translations


@pytest.fixture
def editor(english_messages):
    # An English page: in a dashboard's kernel the page's language is the messages' (widgets.ui.trainer.current).
    return CaseEditor("en", casebook.get_case("billing-double-charge"))


def test_a_kit_case_opens_with_no_problem_and_every_path_ending(editor):
    assert editor.problems() == []
    found = branches(editor.case)
    assert found["dead_ends"] == [] and found["unreachable"] == []
    assert len(found["paths"]) == len(casebook.all_paths(editor.case))
    assert "elan-editor-dead-end" not in editor.graph.value
    assert not editor.save_button.disabled


def test_a_missing_translation_is_highlighted_and_reported(editor):
    area = editor.texts[("steps", 0, "situation", "en")]
    area.value = ""
    assert ("steps", 0, "situation", "en") in missing_translations(editor.case)
    assert "elan-editor-missing" in area._dom_classes
    assert "steps[0].situation.en" in editor.checks.value
    assert editor.save_button.disabled
    area.value = "Hello?"
    assert "elan-editor-missing" not in area._dom_classes


def test_a_renamed_step_leaves_dead_ends_that_are_flagged_then_fixed(editor):
    second = editor.case["steps"][1]["id"]
    editor.set_id(("steps", 1, "id"), "renamed")
    found = branches(editor.case)
    assert found["dead_ends"] and all(r for _, r in found["dead_ends"])
    assert "dead end" in editor.graph.value
    assert f"next &#39;{second}&#39; is neither a step" in editor.checks.value  # escaped, as shown
    editor.set_id(("steps", 1, "id"), second)
    assert branches(editor.case)["dead_ends"] == [] and editor.problems() == []


def test_saving_writes_the_organisation_folder_keeping_comments(editor, tmp_path, monkeypatch):
    assert editor.save() is None and "No organisation folder" in editor.message.value
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(tmp_path))
    target = tmp_path / "cases" / "billing-double-charge.yaml"
    target.parent.mkdir()
    kit = (content.BUNDLED / "cases" / "billing-double-charge.yaml").read_text(encoding="utf-8")
    target.write_text("# Acme's version of the double charge.\n" + kit, encoding="utf-8")
    editor.texts[("title", "en")].value = "An add-on billed twice, at Acme"
    assert editor.save() == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Acme's version of the double charge.")
    assert content.validate_file(target) == []
    assert casebook.get_case("billing-double-charge")["title"]["en"] == "An add-on billed twice, at Acme"
    assert content.origin("cases/billing-double-charge") == content.ORGANISATION


def test_a_removed_ending_leaves_dead_ends_and_the_case_can_be_tried_once_fixed(editor):
    ending = editor.case["endings"][-1]["id"]
    editor.remove("endings", len(editor.case["endings"]) - 1)
    assert branches(editor.case)["dead_ends"] and editor.save_button.disabled and editor.try_button.disabled
    editor.try_it()
    assert editor.player.children == ()
    editor.case["endings"].append(casebook.get_case("billing-double-charge")["endings"][-1])
    editor.build()
    assert editor.problems() == [] and ending in {e["id"] for e in editor.case["endings"]}
    editor.try_it()
    [player] = editor.player.children
    player.begin()
    first = casebook.step(editor.case, player.walked().current)["responses"][0]
    player.answer(first["id"])
    assert first["feedback"]["en"][:20] in player.view.value  # the expert's explanation, as a learner reads it
    assert player.token is None


def open_widgets() -> int:
    # ipywidgets' own registry of the widgets still open (in a kernel, each is a model in the browser too).
    from ipywidgets.widgets.widget import _instances

    return len(_instances)


def test_drawing_the_form_again_closes_the_widgets_it_replaces(editor):
    before = editor.form.children
    editor.add_response(0)
    # Kept open for one drawing (a click sent as the form was drawn again still lands), then closed.
    assert all(part.comm is not None for part in before)
    editor.remove_response(0, len(editor.case["steps"][0]["responses"]) - 1)
    assert all(part.comm is None and part.layout.comm is None for part in before)
    # An hour of editing draws the form hundreds of times: what is open stays what is shown.
    open_after_one = open_widgets()
    for _ in range(5):
        editor.add_response(0)
        editor.remove_response(0, len(editor.case["steps"][0]["responses"]) - 1)
    assert open_widgets() == open_after_one


def test_quebec_texts_are_offered_kept_in_sight_and_never_written_empty(english_messages):
    # A case with no Québec text of its own (the billing case has its amounts in dollars for fr-CA).
    editor = CaseEditor("en", casebook.get_case("shop-return-partly-wrong"))
    assert not any("fr-CA" in path for path in editor.texts)
    path = ("steps", 0, "situation")
    assert path + ("fr-CA",) not in editor.texts  # a France-only organisation does not see them
    editor.variants.value = True
    editor.texts[path + ("fr-CA",)].value = "Le client vous écrit un courriel."
    assert editor.problems() == []  # the other Québec texts may stay empty: they read the French
    assert content.text(editor.case["steps"][0]["situation"], "fr-CA") == "Le client vous écrit un courriel."
    editor.texts[path + ("fr-CA",)].value = "Le client vous écrit."
    # Opened again without asking: the case has a Québec text, so they are all shown.
    again = CaseEditor("en", editor.case)
    assert again.variants.value and again.texts[path + ("fr-CA",)].value == "Le client vous écrit."
    # Emptied: the Québec text goes, the French is read again (never an empty text for a Québec room).
    assert again.variants.disabled  # held on while the case has one, and says so
    again.texts[path + ("fr-CA",)].value = " "
    assert "fr-CA" not in again.case["steps"][0]["situation"]
    assert not again.variants.disabled
    again.variants.value = False  # the trainer's choice again: the boxes go
    assert path + ("fr-CA",) not in again.texts
    assert again.problems() == []
