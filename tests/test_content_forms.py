"""The content forms without a browser: add, replace, hide, restore; checks as elan validate; YAML kept readable."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from widgets import content
from widgets.content import layers
from widgets.ui.forms import ContentForms, half_written

# The checks' texts are read in English (the forms' and editor's pages here are English).
pytestmark = pytest.mark.usefixtures("english_messages")


def kit_hashes() -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in content.content_files(content.BUNDLED)}


def fill_idea(forms: ContentForms, title: str = "Quiz Acme") -> None:
    for name in ("title", "what", "why"):
        forms.texts[(name, "fr")].value = f"{title} : {name}"
        forms.texts[(name, "en")].value = f"{title}: {name}"
    forms.set(("involves",), ["all-staff"])


def test_an_organisation_adds_an_idea_replaces_an_example_and_hides_one(org):
    before = kit_hashes()
    ideas = ContentForms("en", "week/ideas")
    ideas.add("acme-quiz")
    fill_idea(ideas)
    assert ideas.problems() == []
    assert ideas.save()
    examples = ContentForms("fr", "values/examples")
    examples.act("replace", "disney")
    examples.texts[("organisation", "fr")].value = "Disney, vu par Acme"
    examples.texts[("organisation", "en")].value = "Disney, as Acme sees it"
    examples.act("hide", "nintendo")
    assert examples.save()

    # The content reloaded, as the room gets it: merged, with each item's origin.
    merged = content.load("week/ideas")
    assert merged["ideas"][-1]["id"] == "acme-quiz"
    assert merged["ideas"][-1]["title"] == {"fr": "Quiz Acme : title", "en": "Quiz Acme: title"}
    assert content.origin("week/ideas", "acme-quiz") == content.ORGANISATION
    assert content.origin("week/ideas", "kickoff-breakfast") == content.KIT
    screens = content.load("values/examples")["screens"]
    assert "nintendo" not in [s["id"] for s in screens]
    disney = next(s for s in screens if s["id"] == "disney")
    assert disney["organisation"]["en"] == "Disney, as Acme sees it"
    assert content.origin("values/examples", "disney") == content.ORGANISATION
    origins = layers.Layered("values/examples").origins()[("screens",)]
    assert (origins["disney"], origins["nintendo"], origins["ritz-carlton"]) == ("replaced", "hidden", "kit")
    assert layers.Layered("week/ideas").origins()[("ideas",)]["acme-quiz"] == "organisation"
    # Only the organisation's folder was written; the folder checks clean.
    assert sorted(p.relative_to(org).as_posix() for p in org.rglob("*.yaml")) == [
        "organisation.yaml",
        "values/examples.yaml",
        "week/ideas.yaml",
    ]
    assert kit_hashes() == before
    assert content.validate_organisation(org) == []
    # The forms, opened again, list the items with the same origins.
    again = ContentForms("en", "values/examples")
    classes = {row._dom_classes[1]: row._dom_classes[2] for row in again.rows.children}
    assert classes["elan-forms-row-disney"] == "elan-forms-origin-replaced"
    assert classes["elan-forms-row-nintendo"] == "elan-forms-origin-hidden"
    assert classes["elan-forms-row-ritz-carlton"] == "elan-forms-origin-kit"


def validate_output(org, tmp_path, layer: dict) -> str:
    """``elan validate`` on a layer written by hand (as a trainer without the forms would write it)."""
    target = org / "week" / "ideas.yaml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(yaml.safe_dump(layer, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "ELAN_CONTENT_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "widgets.ops.cli", "validate", "--content-dir", str(org), "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    target.unlink()
    assert result.returncode == 1
    return result.stdout


def test_a_broken_entry_is_flagged_with_validate_s_message_and_not_saved(org, tmp_path):
    forms = ContentForms("en", "week/ideas")
    forms.add("acme-quiz")
    fill_idea(forms)
    # A role no one has: the week's own check (not the schema) flags it.
    forms.set(("involves",), ["nobody"])
    shown = [(p["item"], p["field"], str(p["text"])) for p in forms.problems()]
    assert [(item, field) for item, field, _ in shown] == [("acme-quiz", "ideas[10].involves[0]")]
    assert shown[0][2].startswith("unknown role 'nobody' (known: all-staff, ")
    assert "unknown role &#39;nobody&#39;" in forms.checks.value
    assert forms.save_button.disabled
    assert forms.save() is None and "nothing was saved" in forms.message.value
    assert not (org / "week" / "ideas.yaml").exists()
    assert f"[ideas[0].involves[0]] {shown[0][2]}" in validate_output(org, tmp_path, forms.doc._layer())
    # A text written in French only: highlighted, and said as validate says it.
    forms.set(("involves",), ["all-staff"])
    forms.texts[("why", "en")].value = ""
    assert ("why", "en") in half_written(forms.working)
    assert "elan-editor-missing" in forms.texts[("why", "en")]._dom_classes
    assert "elan-editor-missing" not in forms.texts[("why", "fr")]._dom_classes
    shown = [(p["item"], p["field"], str(p["text"])) for p in forms.problems()]
    assert shown == [("acme-quiz", "ideas[10].why.en", "missing translation 'en'")]
    assert "[ideas[0].why.en] missing translation 'en'" in validate_output(org, tmp_path, forms.doc._layer())
    assert forms.save() is None and not (org / "week" / "ideas.yaml").exists()
    forms.texts[("why", "en")].value = "Because"
    assert "elan-editor-missing" not in forms.texts[("why", "en")]._dom_classes
    assert forms.problems() == [] and not forms.save_button.disabled


def test_restoring_a_kit_item_and_removing_an_added_one_leave_the_kit_s_content(org):
    forms = ContentForms("en", "week/ideas")
    forms.act("replace", "kickoff-breakfast")
    forms.texts[("title", "en")].value = "Acme breakfast"
    forms.act("hide", "leader-notes")
    forms.add("acme-quiz")
    fill_idea(forms)
    forms.save()
    assert content.load("week/ideas")["ideas"][0]["title"]["en"] == "Acme breakfast"
    forms.act("restore", "kickoff-breakfast")
    forms.act("restore", "leader-notes")
    forms.act("remove", "acme-quiz")
    forms.save()
    kit = content.load_file(content.BUNDLED / "week" / "ideas.yaml")
    assert content.load("week/ideas") == kit
    assert "hide" not in yaml.safe_load((org / "organisation.yaml").read_text(encoding="utf-8"))


def test_saving_keeps_the_organisation_s_comments_and_order(org):
    (org / "week").mkdir()
    (org / "week" / "ideas.yaml").write_text(
        "# Acme's ideas, reviewed by the HR team.\nkind: week-ideas\ncurrency: CAD  # Montréal office\n",
        encoding="utf-8",
    )
    (org / "organisation.yaml").write_text(
        "kind: organisation\n# What Acme does not use.\nhide:\n  cases: [wrong-advice-fine]\n", encoding="utf-8"
    )
    forms = ContentForms("en", "week/ideas")
    forms.add("acme-quiz")
    fill_idea(forms)
    forms.act("hide", "dress-up-day")
    forms.save()
    text = (org / "week" / "ideas.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# Acme's ideas, reviewed by the HR team.\nkind: week-ideas\ncurrency: CAD  # Montréal office\n"
    )
    assert "ideas:\n  - id: acme-quiz\n" in text  # block style, readable
    org_text = (org / "organisation.yaml").read_text(encoding="utf-8")
    assert "# What Acme does not use." in org_text and "wrong-advice-fine" in org_text
    assert content.hidden(org)[1]["week/ideas"] == frozenset({"dress-up-day"})
    assert content.load("week/ideas")["currency"] == "CAD"


def test_a_matching_item_is_replaced_and_hidden_within_its_round(org):
    forms = ContentForms("en", "metrics/matching")
    assert forms.list_picker.options[0][1] == ("values", "items")
    forms.act("replace", "speed")
    forms.texts[("name", "en")].value = "Speed, the Acme way"
    forms.list_picker.value = ("teams", "items")
    assert "elan-forms-row-design" in {c for r in forms.rows.children for c in r._dom_classes}
    forms.act("hide", "design")
    # The teams round offers a metric only the design team links: hidden, the round's check says so.
    assert [(p["field"], str(p["text"])) for p in forms.problems()] == [
        ("teams.metrics[6]", "'REPEAT' is offered but neither linked nor listed under unmatched with a reason")
    ]
    assert forms.save() is None and not (org / "metrics").exists()
    forms.act("restore", "design")
    assert forms.save()
    merged = content.load("metrics/matching")
    speed = next(i for i in merged["values"]["items"] if i["id"] == "speed")
    assert speed["name"]["en"] == "Speed, the Acme way"
    assert (
        merged["values"]["title"] == content.load_file(content.BUNDLED / "metrics" / "matching.yaml")["values"]["title"]
    )
    assert content.origin("metrics/matching", "speed") == content.ORGANISATION
    assert content.origin("metrics/matching", "quality") == content.KIT
    layer = yaml.safe_load((org / "metrics" / "matching.yaml").read_text(encoding="utf-8"))
    assert [i["id"] for i in layer["values"]["items"]] == ["speed"] and "teams" not in layer
    assert content.validate_organisation(org) == []


def test_a_taken_or_malformed_id_is_refused_with_a_message(org):
    forms = ContentForms("en", "week/ideas")
    forms.add("kickoff-breakfast")
    assert "already taken" in forms.message.value and forms.working is None
    forms.add("Not An Id")
    assert "will not do as an id" in forms.message.value


def test_without_an_organisation_folder_nothing_is_written(monkeypatch):
    monkeypatch.delenv("ELAN_CONTENT_DIR", raising=False)
    before = kit_hashes()
    forms = ContentForms("en", "week/ideas")
    forms.add("acme-quiz")
    fill_idea(forms)
    assert forms.save_button.disabled
    assert forms.save() is None and "No organisation folder" in forms.message.value
    assert kit_hashes() == before


def test_hiding_only_writes_organisation_yaml_and_no_empty_layer(org):
    forms = ContentForms("en", "values/examples")
    forms.act("hide", "nintendo")
    assert forms.save() and sorted(p.name for p in org.rglob("*.yaml")) == ["organisation.yaml"]
    assert content.origin("values/examples") == content.KIT  # the document is still the kit's, one item hidden
    forms.act("restore", "nintendo")
    assert forms.save() == [org / "organisation.yaml"] and "hide" not in (org / "organisation.yaml").read_text()
    assert forms.save() == [] and "Nothing to save" in forms.message.value


def test_the_kit_folder_itself_is_refused_as_the_organisation_s(monkeypatch):
    doc = layers.Layered("week/ideas", root=content.BUNDLED)
    with pytest.raises(layers.NoFolder):
        doc.save()


def test_a_broken_organisation_file_is_named_and_nothing_is_changed(org):
    (org / "week").mkdir()
    broken = "kind: week-ideas\nideas:\n  - id: acme-quiz\n    title: [unclosed\n"
    (org / "week" / "ideas.yaml").write_text(broken, encoding="utf-8")
    forms = ContentForms("en", "week/ideas")
    assert forms.doc is None and forms.rows.children == ()
    assert "does not read" in forms.checks.value and "ideas.yaml:" in forms.checks.value
    assert "YAML syntax error" in forms.checks.value
    assert forms.save_button.disabled and forms.save() is None
    forms.add("other")
    assert (org / "week" / "ideas.yaml").read_text(encoding="utf-8") == broken
    forms.document.value = "values/examples"  # the other documents still open
    assert forms.doc is not None and forms.rows.children


def find(widget, cls: str):
    """The widget with a class below ``widget`` (the form's own buttons, clicked as a trainer would)."""
    if cls in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find(child, cls)
        if found is not None:
            return found
    return None


def test_a_list_of_texts_gets_an_entry_and_loses_one(org):
    forms = ContentForms("en", "values/examples")
    forms.act("replace", "disney")
    points = len(forms.working["points"])
    find(forms.form, "elan-forms-points-add").click()
    forms.texts[("points", points, "fr")].value = "Un point d’Acme."
    assert "missing translation 'en'" in " ".join(str(p["text"]) for p in forms.problems())
    forms.texts[("points", points, "en")].value = "An Acme point."
    find(forms.form, "elan-forms-points-remove-0").click()
    assert forms.problems() == [] and forms.save()
    disney = next(s for s in content.load("values/examples")["screens"] if s["id"] == "disney")
    assert len(disney["points"]) == points and disney["points"][-1]["en"] == "An Acme point."


def test_an_upgrade_of_the_kit_keeps_what_the_forms_saved(org, tmp_path, monkeypatch):
    forms = ContentForms("en", "week/ideas")
    forms.add("acme-quiz")
    fill_idea(forms)
    forms.act("hide", "dress-up-day")
    forms.save()
    before = {p: p.read_bytes() for p in org.rglob("*") if p.is_file()}
    # The new release: the kit's ideas gain one; the package's datasets/ is replaced by it.
    kit = tmp_path / "new-release" / "datasets"
    shutil.copytree(content.BUNDLED, kit)
    ideas = yaml.safe_load((kit / "week" / "ideas.yaml").read_text(encoding="utf-8"))
    ideas["ideas"].append(dict(ideas["ideas"][0], id="new-in-this-release"))
    (kit / "week" / "ideas.yaml").write_text(yaml.safe_dump(ideas, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(content, "BUNDLED", kit)
    again = ContentForms("en", "week/ideas")
    origins = again.doc.origins()[("ideas",)]
    assert (origins["acme-quiz"], origins["dress-up-day"], origins["new-in-this-release"]) == (
        "organisation",
        "hidden",
        "kit",
    )
    merged = [i["id"] for i in content.load("week/ideas")["ideas"]]
    assert "new-in-this-release" in merged and "acme-quiz" in merged and "dress-up-day" not in merged
    assert {p: p.read_bytes() for p in org.rglob("*") if p.is_file()} == before


def test_a_screen_s_form_offers_the_fields_of_its_kind(org):
    forms = ContentForms("en", "values/examples")
    forms.add("acme-figure")
    assert ("vision", "en") in forms.texts and ("figure", "en") not in forms.texts
    assert "missing required field 'organisation'" in [str(p["text"]) for p in forms.problems()]
    find(forms.form, "elan-forms-type").value = "figure"
    assert ("figure", "en") in forms.texts and ("vision", "en") not in forms.texts
    for name, fr, en in (("figure", "9 sur 10", "9 in 10"), ("claim", "Nos clients", "Our customers")):
        forms.texts[(name, "fr")].value, forms.texts[(name, "en")].value = fr, en
    forms.texts[("source", "fr")].value, forms.texts[("source", "en")].value = "Acme, 2026", "Acme, 2026"
    assert forms.problems() == [] and forms.save()
    figure = content.load("values/examples")["screens"][-1]
    assert figure == {
        "id": "acme-figure",
        "type": "figure",
        "figure": {"fr": "9 sur 10", "en": "9 in 10"},
        "claim": {"fr": "Nos clients", "en": "Our customers"},
        "source": {"fr": "Acme, 2026", "en": "Acme, 2026"},
    }
    # A matching value takes a statement; a team, its activities.
    matching = ContentForms("en", "metrics/matching")
    matching.act("replace", "speed")
    assert ("statement", "en") in matching.texts and ("activities", "en") not in matching.texts


def test_the_rows_and_form_drawn_again_close_the_widgets_they_replace(org):
    from ipywidgets.widgets.widget import _instances  # ipywidgets' registry of the widgets still open

    examples = ContentForms("en", "values/examples")
    examples.act("replace", "disney")
    rows, form = examples.rows.children, examples.form.children
    examples.act("hide", "nintendo")
    examples.act("restore", "nintendo")  # closed at the second drawing after them (the first keeps a late click)
    assert all(part.comm is None for part in rows)
    examples.act("edit", "disney")
    examples.act("edit", "disney")
    assert all(part.comm is None for part in form)
    counts = []
    for _ in range(4):
        examples.act("restore", "nintendo")
        examples.act("hide", "nintendo")
        examples.act("edit", "disney")
        counts.append(len(_instances))
    assert counts[1:] == counts[:1] * 3  # what is open stays what is shown (and the drawing before)


def test_quebec_texts_are_shown_when_asked_or_when_an_item_has_some_and_never_required(org):
    ideas = ContentForms("en", "week/ideas")
    ideas.add("acme-quiz")
    fill_idea(ideas)
    assert ("title", "fr-CA") not in ideas.texts  # a France-only organisation does not see them
    ideas.variants.value = True
    ideas.texts[("title", "fr-CA")].value = "Quiz Acme : le courriel du lundi"
    assert ideas.problems() == [] and half_written(ideas.working) == set()  # the others may stay empty
    assert ideas.save()
    saved = yaml.safe_load((org / "week" / "ideas.yaml").read_text(encoding="utf-8"))["ideas"][0]
    assert saved["title"]["fr-CA"] == "Quiz Acme : le courriel du lundi"
    assert "fr-CA" not in saved["what"]  # left empty: not written, the French is read
    assert content.text(content.load("week/ideas")["ideas"][-1]["title"], "fr-CA") == "Quiz Acme : le courriel du lundi"

    # Opened again by someone who did not ask for them: the item has one, so they are shown.
    again = ContentForms("en", "week/ideas")
    again.act("edit", "acme-quiz")
    assert again.variants.value
    assert again.texts[("title", "fr-CA")].value == "Quiz Acme : le courriel du lundi"
    # Held on while there are some, saying why (a click that did nothing would say nothing); emptied, free again.
    assert again.variants.disabled and "empty them all" in again.variants.description
    again.texts[("title", "fr-CA")].value = ""
    assert not again.variants.disabled and again.variants.description.startswith("Also write")
    # A Québec trainer's page shows them from the start.
    assert ContentForms("fr-CA", "week/ideas").variants.value
