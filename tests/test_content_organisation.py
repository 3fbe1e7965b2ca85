"""An organisation's content folder layered over the kit's: it adds, replaces and hides; errors name file, line, field."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from widgets import content
from widgets.core.typography import NBSP as NB
from widgets.live.exercises import casebook

KIT_CASE = content.BUNDLED / "cases" / "billing-double-charge.yaml"


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def own_case(case_id: str = "acme-late-delivery") -> dict:
    case = yaml.safe_load(KIT_CASE.read_text(encoding="utf-8"))
    case["id"] = case_id
    case["title"] = {"fr": "Livraison en retard chez Acme", "en": "A late delivery at Acme"}
    return case


def elan(*args, cwd, env_dir=None):
    env = {k: v for k, v in os.environ.items() if k != "ELAN_CONTENT_DIR"}
    if env_dir:
        env["ELAN_CONTENT_DIR"] = str(env_dir)
    return subprocess.run(
        [sys.executable, "-m", "widgets.ops.cli", *args], check=False, cwd=cwd, capture_output=True, text=True, env=env
    )


def test_an_organisation_adds_a_case(org):
    write(org / "cases" / "acme-late-delivery.yaml", own_case())
    ids = [c["id"] for c in casebook.load_cases()]
    assert "acme-late-delivery" in ids
    assert "billing-double-charge" in ids  # the kit's cases are still there
    assert casebook.get_case("acme-late-delivery")["title"]["en"] == "A late delivery at Acme"
    assert content.origin("cases/acme-late-delivery") == content.ORGANISATION
    assert content.origin("cases/billing-double-charge") == content.KIT


def test_an_organisation_replaces_one_example_and_keeps_the_others(org):
    kit = content.load("values/examples")
    write(
        org / "values" / "examples.yaml",
        """# Our own wording of the Disney screen.
kind: philosophy-examples
screens:
  - id: disney
    type: example
    organisation: {fr: "Disney, vu par Acme", en: "Disney, as Acme sees it"}
    vision: {fr: "Créer du bonheur", en: "Create happiness"}
    takeaway: {fr: "Une vision courte sert de filtre.", en: "A short vision works as a filter."}
    source: {fr: "Formation interne Acme", en: "Acme internal training"}
""",
    )
    merged = content.load("values/examples")
    assert [s["id"] for s in merged["screens"]] == [s["id"] for s in kit["screens"]]  # same place, same order
    disney = next(s for s in merged["screens"] if s["id"] == "disney")
    assert disney["organisation"]["en"] == "Disney, as Acme sees it"
    assert merged["title"] == kit["title"]  # what the layer does not say stays the kit's
    assert content.origin("values/examples", "disney") == content.ORGANISATION
    assert content.origin("values/examples", "ritz-carlton") == content.KIT
    listed = {(name, item): where for name, item, where in content.inventory()}
    assert listed[("values/examples", "disney")] == "organisation"
    assert listed[("values/examples", "ritz-carlton")] == "kit"


def test_an_organisation_hides_a_built_in_case_and_an_idea(org):
    write(
        org / "organisation.yaml",
        "kind: organisation\nhide:\n  cases: [wrong-advice-fine]\n  week/ideas: [kickoff-breakfast]\n",
    )
    ids = [c["id"] for c in casebook.load_cases()]
    assert "wrong-advice-fine" not in ids and "billing-double-charge" in ids
    with pytest.raises(KeyError):
        casebook.get_case("wrong-advice-fine")
    ideas = [i["id"] for i in content.load("week/ideas")["ideas"]]
    assert "kickoff-breakfast" not in ideas and ideas
    assert content.validate_organisation(org) == []


def test_the_organisation_folder_replaces_a_kit_case_whole(org):
    case = own_case("billing-double-charge")
    write(org / "cases" / "billing-double-charge.yaml", case)
    assert casebook.get_case("billing-double-charge")["title"]["fr"] == "Livraison en retard chez Acme"
    assert len([c for c in casebook.load_cases() if c["id"] == "billing-double-charge"]) == 1


def test_validate_names_file_line_and_field_of_a_broken_organisation_case(org, tmp_path):
    case = own_case()
    write(org / "cases" / "acme-late-delivery.yaml", case)
    path = org / "cases" / "acme-late-delivery.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    # Drop the English title: the line that held it is where the problem is.
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("en: A late delivery at Acme"))
    del lines[at]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = elan("validate", "--content-dir", str(org), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    title_line = next(i for i, line in enumerate(lines, 1) if line.startswith("title:"))
    assert f"acme-late-delivery.yaml:{title_line}: [title.en] missing translation 'en'" in result.stdout
    # The same problem for a French administrator: same file, line and field, French words.
    french = elan("validate", "--content-dir", str(org), "--lang", "fr", cwd=tmp_path)
    assert french.returncode == 1
    assert f"acme-late-delivery.yaml:{title_line}: [title.en] traduction manquante «{NB}en{NB}»" in french.stdout
    assert "missing" not in french.stdout


def test_validate_maps_a_merged_file_problem_to_the_organisation_line(org, tmp_path):
    write(
        org / "values" / "examples.yaml",
        "kind: philosophy-examples\nscreens:\n  - id: disney\n    type: example\n"
        "    organisation: {fr: D, en: D}\n    vision: {fr: v, en: v}\n    takeaway: {fr: t, en: t}\n"
        "    source: {fr: s, en: s}\n  - id: acme\n    type: figure\n    figure: {fr: 9 sur 10, en: 9 in 10}\n"
        "    source: {fr: s, en: s}\n",
    )
    result = elan("validate", "--lang", "en", cwd=tmp_path, env_dir=org)
    assert result.returncode == 1
    assert "examples.yaml:9: [screens[1].claim] missing required field 'claim'" in result.stdout


def test_validate_reports_a_misspelt_hidden_case_and_a_clashing_id(org, tmp_path):
    write(org / "organisation.yaml", "kind: organisation\nhide:\n  cases: [wrong-advise-fine]\n")
    write(org / "cases" / "my-billing.yaml", own_case("billing-double-charge"))
    found = content.validate_organisation(org)
    problems = [p.render("en") for p in found]
    assert any(
        "organisation.yaml:3: [hide.cases[0]] the kit's 'cases' has no 'wrong-advise-fine'" in p for p in problems
    )
    assert any(
        "my-billing.yaml:" in p and "[id] id 'billing-double-charge' is already the kit's" in p for p in problems
    )
    french = [p.render("fr") for p in found]
    assert any(
        f"organisation.yaml:3: [hide.cases[0]] «{NB}cases{NB}» du kit n’a pas de «{NB}wrong-advise-fine{NB}»" in p
        for p in french
    )
    assert any("my-billing.yaml:" in p and f"[id] l’id «{NB}billing-double-charge{NB}» est déjà" in p for p in french)


def test_a_folder_inside_the_kit_is_refused(tmp_path):
    problems = content.validate_organisation(content.BUNDLED / "cases")
    assert "an upgrade would replace it" in problems[0].text("en")
    assert "une mise à jour le remplacerait" in problems[0].text("fr")


def _snapshot(root: Path) -> dict:
    return {
        p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_an_upgrade_of_the_kit_leaves_the_organisation_folder_untouched(tmp_path, monkeypatch):
    # The kit as installed (its datasets/ inside the package), and an organisation's folder beside it.
    kit = tmp_path / "site-packages" / "datasets"
    shutil.copytree(content.BUNDLED, kit)
    monkeypatch.setattr(content, "BUNDLED", kit)
    org = tmp_path / "acme-content"
    write(org / "cases" / "acme-late-delivery.yaml", own_case())
    write(org / "organisation.yaml", "kind: organisation\nhide:\n  cases: [wrong-advice-fine]\n")
    write(org / "week" / "ideas.yaml", {"kind": "week-ideas", "currency": "CAD"})
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(org))
    before = _snapshot(org)
    assert content.validate_organisation(org) == []

    # The upgrade: the package's datasets/ is replaced by the new release's, which has one more idea.
    new_release = tmp_path / "new-release" / "datasets"
    shutil.copytree(content.BUNDLED, new_release)
    ideas = yaml.safe_load((new_release / "week" / "ideas.yaml").read_text(encoding="utf-8"))
    extra = dict(ideas["ideas"][0], id="new-in-this-release")
    ideas["ideas"].append(extra)
    write(new_release / "week" / "ideas.yaml", ideas)
    shutil.rmtree(kit)
    shutil.copytree(new_release, kit)

    # Everything the kit does with content: validate, load, list.
    assert content.validate_organisation(org) == []
    merged = content.load("week/ideas")
    content.inventory()
    casebook.load_cases()
    assert _snapshot(org) == before
    assert merged["currency"] == "CAD"  # the organisation's choice survives the upgrade
    assert "new-in-this-release" in [i["id"] for i in merged["ideas"]]  # and the new release's content arrives
    assert "acme-late-delivery" in [c["id"] for c in casebook.load_cases()]
    assert "wrong-advice-fine" not in [c["id"] for c in casebook.load_cases()]


def test_a_data_file_comes_from_the_organisation_when_it_has_one(org):
    kit = content.data_file("tickets/sample_tickets.csv")
    assert kit == content.BUNDLED / "tickets" / "sample_tickets.csv" and kit.is_file()
    (org / "tickets").mkdir()
    (org / "tickets" / "sample_tickets.csv").write_text("id\n1\n", encoding="utf-8")
    assert content.data_file("tickets/sample_tickets.csv") == org / "tickets" / "sample_tickets.csv"


def test_an_organisation_s_typography_and_house_words_are_advice_that_typography_fix_applies(org, tmp_path):
    case = own_case()
    case["context"]["fr"] = "Répondez par courriel : le client attend !"  # plain spaces, and a word the kit avoids
    path = write(org / "cases" / "acme-late-delivery.yaml", case)
    # The server plays the case as written: validate must not refuse it either.
    assert casebook.get_case("acme-late-delivery")["context"]["fr"].startswith("Répondez par courriel")
    result = elan("validate", "--content-dir", str(org), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    advice = [line for line in result.stdout.splitlines() if "acme-late-delivery.yaml" in line]
    assert advice and all(line.endswith("(advice)") for line in advice)
    assert any("[typography]" in line for line in advice) and any("[glossary]" in line for line in advice)
    assert "elan typography --fix" in result.stderr
    fixed = elan("typography", "--fix", str(org), "--lang", "en", cwd=tmp_path)
    # Applied on request only: the typography, and the glossary's word if the organisation wants it.
    assert f"{NB}: le client attend{NB}!" in path.read_text(encoding="utf-8"), fixed.stdout + fixed.stderr
    again = elan("validate", "--content-dir", str(org), "--lang", "en", cwd=tmp_path)
    assert again.returncode == 0 and "[typography]" not in again.stdout


def test_the_kit_s_own_texts_keep_typography_as_an_error(tmp_path):
    from widgets.content import writing
    from widgets.core.paths import GUIDE

    assert writing.is_kits(content.BUNDLED / "cases" / "billing-double-charge.yaml")
    assert writing.is_kits(GUIDE / "fr" / "cases.md")
    outside = write(
        tmp_path / "acme" / "notes.yaml", 'kind: notes\nsample:\n  fr: "Répondez vite : merci !"\n  en: x\n'
    )
    assert not writing.is_kits(outside)
    # Spelt otherwise, the same file is still outside the kit.
    assert not writing.is_kits(tmp_path / "acme" / "." / ".." / "acme" / "notes.yaml")
    errors, advice = writing.split([outside])
    assert not errors and advice and all(f.file.endswith("notes.yaml") for f in advice)
