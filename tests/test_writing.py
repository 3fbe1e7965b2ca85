"""French typography, the glossaries, plurals and the fr-CA variant: checked with file and line, fixed safely."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from widgets import content
from widgets.content import manifests, writing
from widgets.core import glossary, typography
from widgets.core.i18n import Translator, catalog, format_date, pick_language
from widgets.core.languages import LANGUAGES, chain
from widgets.core.paths import GUIDE

ROOT = Path(__file__).resolve().parent.parent
NB = "\u00a0"


def _elan(*args, cwd):
    return subprocess.run([sys.executable, "-m", "widgets.ops.cli", *args], cwd=cwd, capture_output=True, text=True)


# --- the check names file, line and fix -------------------------------------------------------


def test_a_wrong_space_is_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "values.yaml"
    bad.write_text(
        "kind: glossary\nlang: fr\nterms:\n  - concept: dot\n    use: point\n"
        'texts:\n  - fr: "Bonjour"\n    en: Hello\n  - fr: "Résultats : bons"\n    en: "Results: good"\n',
        encoding="utf-8",
    )
    found = typography.check_file(bad, "values.yaml")
    assert [(f.file, f.line) for f in found] == [("values.yaml", 9)]
    english, french = found[0].message.render("en"), found[0].message.render("fr")
    assert "no-break space" in english and f"Résultats{NB}:".replace(NB, "⍽") in english
    # The same finding for a French reader: the rule and the fix in French, the same line.
    assert french.startswith("une espace insécable précède") and "écrivez '" in french and "Résultats⍽:" in french
    assert found[0].render("fr").startswith("values.yaml:9: [typography] une espace insécable")


def test_a_straight_apostrophe_is_reported_with_file_and_line(tmp_path):
    chapter = tmp_path / "fr" / "values.md"
    chapter.parent.mkdir()
    chapter.write_text("# Titre\n\nUn texte juste.\n\nL'écoute d’abord.\n", encoding="utf-8")
    found = typography.check_file(chapter, "fr/values.md")
    assert [(f.line, "curly" in f.message.render("en")) for f in found] == [(5, True)]
    assert "L’écoute" in found[0].message.render("en")
    assert found[0].message.render("fr").startswith("l’apostrophe est courbe")


def test_a_term_of_the_other_variant_is_reported_with_file_and_line(tmp_path):
    strings = tmp_path / "locales" / "demo.fr.json"
    strings.parent.mkdir()
    strings.write_text('{\n  "a": "Bonjour",\n  "b": "Écrivez-nous par courriel."\n}\n', encoding="utf-8")
    found = glossary.check_file(strings, "demo.fr.json")
    assert [(f.file, f.line) for f in found] == [("demo.fr.json", 3)]
    english = found[0].message.render("en")
    assert "'courriel'" in english and "'e-mail'" in english
    assert f"«{NB}courriel{NB}» n’est pas le mot de fr" in found[0].message.render("fr")
    québec = tmp_path / "locales" / "demo.fr-CA.json"
    québec.write_text('{\n  "b": "Écrivez-nous par e-mail."\n}\n', encoding="utf-8")
    assert [(f.line, "'courriel'" in f.message.render("en")) for f in glossary.check_file(québec)] == [(2, True)]


def test_elan_validate_reports_typography_and_glossary_with_file_and_line(tmp_path):
    bad = tmp_path / "demo.yaml"
    bad.write_text(
        "kind: glossary\nlang: fr\nterms:\n  - concept: dot\n    use: point\n"
        'sample:\n  fr: "Envoyez un courriel !"\n  en: Send an email!\n',
        encoding="utf-8",
    )
    result = _elan("validate", str(bad), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1
    assert "demo.yaml:7: [typography]" in result.stdout
    assert "demo.yaml:7: [glossary] 'courriel'" in result.stdout
    french = _elan("typography", str(bad), "--lang", "fr", cwd=tmp_path)
    assert french.returncode == 1
    assert "demo.yaml:7: [typography] une espace insécable" in french.stdout
    assert f"demo.yaml:7: [glossary] «{NB}courriel{NB}»" in french.stdout


@pytest.mark.parametrize(
    "before, after",
    [
        ("Note : voir plus bas ; merci !", f"Note{NB}: voir plus bas{NB}; merci{NB}!"),
        ("résultats: 3", f"résultats{NB}: 3"),
        ("« écoute »", f"«{NB}écoute{NB}»"),
        ("«écoute»", f"«{NB}écoute{NB}»"),
        ("l'écoute", "l’écoute"),
        ("lundi 1 octobre", "lundi 1er octobre"),
        ("la 1ère fois, la 2ème fois", "la 1re fois, la 2e fois"),
        ("68% des appels", f"68{NB}% des appels"),
        ('il dit "bonjour"', f"il dit «{NB}bonjour{NB}»"),
        (f"« Il a dit «{NB}oui{NB}» hier »", f"«{NB}Il a dit “oui” hier{NB}»"),
    ],
)
def test_french_rules(before, after):
    assert typography.fix_text(before, "fr") == after
    assert typography.scan(after, "fr") == []  # a fixed text is clean: the fix is idempotent


@pytest.mark.parametrize(
    "text",
    [
        "Ouvrez https://example.org/a?b=c:d et `make serve` ou {name} : {n}",
        "à 10:30, ratio 3:1",
        "Déjà correct{NB}: rien à faire{NB}!".replace("{NB}", NB),
    ],
)
def test_what_is_not_prose_is_left_alone(text):
    fixed = typography.fix_text(text, "fr")
    for kept in ("https://example.org/a?b=c:d", "{name}", "10:30", "3:1"):
        if kept in text:
            assert kept in fixed


def test_markdown_code_urls_and_tables_are_left_alone(tmp_path):
    chapter = tmp_path / "fr" / "x.md"
    chapter.parent.mkdir()
    raw = (
        "Texte : oui\n\n```bash\necho 'a : b'\n```\n\n| a | b |\n| :-- | --: |\n| x | y |\n\n"
        "Voir [le guide](https://example.org/a:b) et `l'option : x`.\n"
    )
    chapter.write_text(raw, encoding="utf-8")
    assert typography.fix_file(chapter) == 1
    fixed = chapter.read_text(encoding="utf-8")
    assert fixed == raw.replace("Texte : oui", f"Texte{NB}: oui", 1)
    assert typography.fix_file(chapter) == 0


def test_yaml_keys_other_languages_and_quoting_styles_survive_the_fixer(tmp_path):
    file = tmp_path / "c.yaml"
    raw = (
        "kind: x\nnote: 'clé : pas un texte'\nitems:\n"
        "  - fr: 'L''écoute : d''abord'\n    en: 'Listening: first'\n"
        '  - fr: "Il dit \\"oui\\" : bien"\n    en: "He says \\"yes\\": good"\n'
        "  - fr: |\n      Bloc : texte l'a\n    en: |\n      Block: text\n"
    )
    file.write_text(raw, encoding="utf-8")
    before = yaml.safe_load(raw)
    assert typography.fix_file(file) > 0
    after = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert after["note"] == before["note"]
    assert [i["en"] for i in after["items"]] == [i["en"] for i in before["items"]]
    assert after["items"][0]["fr"] == f"L’écoute{NB}: d’abord"
    assert after["items"][1]["fr"] == f'Il dit "oui"{NB}: bien'
    assert after["items"][2]["fr"] == f"Bloc{NB}: texte l’a\n"
    assert typography.fix_file(file) == 0


def test_the_fixer_makes_the_whole_kit_pass_and_changes_nothing_the_second_time(tmp_path):
    """What the last step of a merge runs: `elan typography --fix`, then `elan validate` passes."""
    for folder in ("datasets", "facilitator_guide", "widgets"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "_bundle"))
    roots = [tmp_path / "datasets", tmp_path / "facilitator_guide", tmp_path / "widgets"]
    writing.fix(roots)
    assert writing.fix(roots) == 0
    assert [str(f) for f in writing.check(roots)] == []
    assert content.validate_tree(tmp_path / "datasets") == []
    for file in (tmp_path / "widgets").rglob("locales/*.json"):
        json.loads(file.read_text(encoding="utf-8"))


def test_the_kits_own_texts_outside_cases_and_metrics_are_clean():
    others = ("datasets/cases", "datasets/metrics", "cases.md", "metrics.md", "locales/cases.", "locales/metrics.")
    files = [f for f in writing.files(writing.default_roots()) if not any(o in str(f) for o in others)]
    assert len(files) > 20
    found = [str(f) for file in files for f in typography.check_file(file) + glossary.check_file(file)]
    assert found == []


# --- plurals, ordinals, languages ---------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, key, n, expected",
    [
        ("fr", "values.dots_count", 0, "0 point"),
        ("fr", "values.dots_count", 1, "1 point"),
        ("fr", "values.dots_count", 2, "2 points"),
        ("en", "values.dots_count", 1, "1 dot"),
        ("en", "values.dots_count", 0, "0 dots"),
        ("fr", "core.answered_count", 1, "1 a répondu"),
        ("fr", "core.answered_count", 5, "5 ont répondu"),
        ("fr-CA", "core.participants_count", 1, "1 participant"),
    ],
)
def test_counts_follow_the_languages_plural_rule(lang, key, n, expected):
    assert Translator(lang)(key, n=n) == expected


def test_the_first_of_the_month_is_1er_in_french():
    assert format_date(dt.date(2026, 10, 1), "EEEE d MMMM", "fr") == "jeudi 1er octobre"
    assert format_date(dt.date(2026, 10, 1), "EEEE d MMMM", "fr-CA") == "jeudi 1er octobre"
    assert format_date(dt.date(2026, 10, 2), "EEEE d MMMM", "fr") == "vendredi 2 octobre"
    assert format_date(dt.date(2026, 10, 1), "d MMMM y", "en") == "1 October 2026"


def test_fr_ca_is_data_picked_by_the_browser_and_falls_back_to_fr():
    assert "fr-CA" in LANGUAGES and chain("fr-CA") == ("fr-CA", "fr")
    assert pick_language(None, "fr-CA,fr;q=0.9,en;q=0.5") == "fr-CA"
    assert pick_language("fr-ca") == "fr-CA"
    assert pick_language("fr-BE") == "fr"
    québec, france = catalog("fr-CA"), catalog("fr")
    assert set(québec) == set(france)
    assert québec["core.join_title"] == france["core.join_title"]  # the same text: read from fr
    assert québec["cases.channel_chat"] == "Clavardage"  # a word of the glossary
    assert québec["core.qr_alt"].startswith("Code QR")


def test_no_interface_string_shows_a_fr_ca_reader_a_france_word():
    québec = glossary.glossaries()["fr-CA"]
    shown = [(k, w) for k, v in catalog("fr-CA").items() for _, w, _ in québec.avoided(v)]
    assert shown == []


def test_a_content_text_may_carry_its_own_fr_ca_variant_else_reads_fr_through_the_glossary():
    assert (
        content.text({"fr": "Par e-mail ou par chat", "en": "By email or chat"}, "fr-CA")
        == "Par courriel ou par clavardage"
    )
    assert content.text({"fr": "Prix : 10 €", "fr-CA": "Prix : 10 $", "en": "Price: 10"}, "fr-CA") == "Prix : 10 $"
    spec = content.with_variants({"title": {"fr": "Le chat", "en": "Chat"}, "n": 3})
    assert spec == {"title": {"fr": "Le chat", "fr-CA": "Le clavardage", "en": "Chat"}, "n": 3}


# --- the guide in every language ----------------------------------------------------------------


def _chapters(lang: str) -> set[str]:
    return {p.name for p in (GUIDE / lang).glob("*.md")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_guide_chapter_exists_in_every_language_or_falls_back_explicitly(lang):
    """A variant's folder lists in FALLBACK.md the chapters it takes from its fallback, unchanged."""
    every = set().union(*(_chapters(code) for code in LANGUAGES if not chain(code)[1:]))
    own = _chapters(lang) - {"FALLBACK.md"}
    parents = chain(lang)[1:]
    if not parents:
        assert own == every, f"{lang}: missing {sorted(every - own)}"
        return
    listed = set()
    fallback_file = GUIDE / lang / "FALLBACK.md"
    assert fallback_file.is_file(), f"{lang}: no FALLBACK.md listing the chapters read from {parents[0]}"
    for line in fallback_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("- ") and line.strip().endswith(".md"):
            listed.add(line[2:].strip().strip("`"))
    assert own | listed == _chapters(parents[0]), (
        f"{lang}: neither written nor listed: {sorted(_chapters(parents[0]) - own - listed)}"
    )
    assert not own & listed, f"{lang}: written and listed as fallback: {sorted(own & listed)}"


@pytest.mark.parametrize("workshop", manifests.ids("workshop"))
def test_every_dashboard_runs_in_fr_ca(workshop):
    """A Québec trainer's browser asks for fr-CA: every step builds, dates and money included (Babel's fr_CA)."""
    module = importlib.import_module(f"widgets.workshops.{workshop}.dashboard")
    dash = module.trainer_dashboard("fr-CA")
    for index, phase in enumerate(dash.phases):
        dash.go(index)
        assert dash.message.value == "", (phase.id, dash.message.value)
