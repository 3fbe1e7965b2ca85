"""The fr-CA edition is Québec's: dollars and Québec's institutions on phones and the stage, the OQLF's spaces."""

from __future__ import annotations

import re

import pytest

from widgets import content
from widgets.core import glossary, typography
from widgets.core.i18n import catalog
from widgets.live.exercises import casebook
from widgets.workshops.cases import dashboard as cases
from widgets.workshops.cases import report

#: What a Québec room must not read as its own: money and institutions of France.
FRANCE_ONLY = re.compile(
    r"€|\bHT\b|\bTTC\b|\bSMS\b|médiateur|Code de la consommation|Légifrance|mobile français|Qualiopi|\bOPCO\b"
    r"|\bAFRC\b|trêve hivernale|chèque énergie|\bla box\b|animateur ou l’animatrice",
    re.IGNORECASE,
)
CASES = casebook.load_cases()
QUEBEC = [case for case in CASES if casebook.offered(case, "fr-CA")]


def _shown_texts(node, path=()):
    """Every text map of a case that a participant or the stage reads (the trainer's notes are not)."""
    if isinstance(node, dict):
        if "fr" in node and "en" in node and all(isinstance(v, str) for v in node.values()):
            yield path, node
            return
        for key, value in node.items():
            if key not in ("notes", "left_out_note"):
                yield from _shown_texts(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _shown_texts(value, (*path, i))


@pytest.mark.parametrize("case", QUEBEC, ids=[c["id"] for c in QUEBEC])
def test_a_case_offered_in_quebec_reads_in_dollars_with_quebec_institutions(case):
    for path, value in _shown_texts(case):
        text = content.text(value, "fr-CA")
        assert not FRANCE_ONLY.search(text), f"{case['id']} {path}: {text}"
        assert not typography.scan(text, "fr-CA"), f"{case['id']} {path}: not Québec typography: {text!r}"


def test_a_france_only_case_is_left_out_of_a_quebec_session_with_a_note():
    france_only = [case for case in CASES if not casebook.offered(case, "fr-CA")]
    assert {c["id"] for c in france_only} >= {"energy-vulnerable-customer", "wrong-advice-fine"}
    for case in france_only:
        assert casebook.offered(case, "fr") and casebook.offered(case, "en")
        assert content.text(case["left_out_note"], "fr-CA")
    # Every case that keeps a France-only fact on a participant's screen is marked so.
    for case in CASES:
        if casebook.offered(case, "fr-CA"):
            continue
        assert any(FRANCE_ONLY.search(content.text(v, "fr")) for _, v in _shown_texts(case)) or case.get("notes")
    dash = cases.trainer_dashboard("fr-CA")
    pick = cases.build_pick(dash)
    shown = " ".join(getattr(child, "value", "") for child in pick.children)
    cards = " ".join(c.children[0].value for c in pick.children[1].children)
    for case in france_only:
        assert content.text(case["title"], "fr-CA") not in cards
        assert content.text(case["title"], "fr-CA") in shown
    assert all(content.text(c["title"], "fr-CA") in cards for c in QUEBEC)
    assert casebook.offered(casebook.get_case(cases.play_state(dash)["id"]), "fr-CA")  # the demo plays one too


def test_the_quebec_debrief_gives_quebec_law_first_and_france_as_a_comparison():
    case = casebook.get_case("parcel-not-received")
    play = {"id": case["id"], "run": 1, "choices": [], "picks": []}
    quebec = report.run_debrief(case, play, {}, "fr-CA")
    assert quebec["notes"].startswith("Au Québec") and "1456" in quebec["notes"] and "L216-4" in quebec["france"]
    france = report.run_debrief(case, play, {}, "fr")
    assert "L216-4" in france["notes"] and "54.9" in france["quebec"] and not france["france"]
    html = report.to_html([quebec], "fr-CA")
    assert html.index("1456") < html.index("L216-4")


@pytest.mark.parametrize("case_id", ["bank-account-takeover", "app-outage-social"])
def test_a_case_handling_account_data_gives_quebec_its_privacy_law(case_id):
    case = casebook.get_case(case_id)
    play = {"id": case["id"], "run": 1, "choices": [], "picks": []}
    quebec = report.run_debrief(case, play, {}, "fr-CA")["notes"]
    # A caisse is under Québec's private-sector act (as Loi 25 updated it), a chartered bank under the federal one.
    assert (
        "Loi\u00a025" in quebec and "renseignements personnels dans le secteur privé" in quebec and "LPRPDE" in quebec
    )
    assert "RGPD" not in quebec and "CNIL" not in quebec
    english = content.text(case["notes"]["quebec"], "en")
    assert "Law 25" in english and "PIPEDA" in english
    assert any("P-39.1" in source["title"] for source in case["notes"]["sources"])


def test_interface_strings_in_quebec_french_name_no_france_only_fact_and_follow_the_oqlf():
    strings = catalog("fr-CA")
    for key, text in strings.items():
        if key.startswith(("writing.", "glossary.")):
            continue  # the rules' own explanations quote what they forbid
        assert not FRANCE_ONLY.search(text), f"{key}: {text}"
        assert not typography.scan(text, "fr-CA"), f"{key}: {text!r}"


def test_a_france_text_reads_with_quebec_spaces_and_words():
    nb, nn = "\u00a0", "\u202f"
    quebec = glossary.localize(f"Pourquoi{nb}? Voici{nb}: un SMS{nb}; la box{nb}!", "fr-CA")
    assert quebec == f"Pourquoi{nn}? Voici{nb}: un texto{nn}; le modem{nn}!"
    assert [e.rule for e in typography.scan(f"Pourquoi{nb}?", "fr-CA")] == ["quebec-space"]
    assert not typography.scan(f"Pourquoi{nb}?", "fr")


def test_france_salutes_a_beau_geste_and_quebec_a_bon_coup():
    from widgets.core.paths import GUIDE

    france, quebec = catalog("fr"), catalog("fr-CA")
    assert not [k for k, v in france.items() if re.search(r"\bbons? coups?\b", v, re.I)]
    assert "beaux gestes" in france["cases.story_wall"] and "bons coups" in quebec["cases.story_wall"]
    guide = (GUIDE / "fr" / "cases.md").read_text(encoding="utf-8")
    assert not re.search(r"\bbons? coups?\b|\bsouligner\b", guide, re.I)


def test_a_percentage_never_wraps_away_from_its_number_in_quebec():
    from widgets.core.i18n import Translator

    nb, nn = "\u00a0", "\u202f"
    # A placeholder's number comes in later: a plain space before its "%" is refused in French.
    assert [e.rule for e in typography.scan("Votre score : {score} %", "fr")] == ["space-before", "percent-fr"]
    assert typography.regional(f"Taux : {{rate}} % et 20{nb}%", "fr-CA") == f"Taux : {{rate}}{nn}% et 20{nn}%"
    assert [e.rule for e in typography.scan(f"20{nb}%", "fr-CA")] == ["quebec-percent"]
    assert typography.regional("width: 50%", "fr-CA") == "width: 50%", "none is allowed, and nothing is added"
    percents = {k: v for k, v in catalog("fr-CA").items() if re.search(r"[\d}]\s%", v)}
    assert percents, "the interface formats percentages"
    for key, text in percents.items():
        assert not re.search(rf"[\d}}][ {nb}]%", text), f"{key}: {text!r}"
    assert Translator("fr-CA")("core.your_score", score=8) == f"Votre score{nb}: 8{nn}%"
    assert Translator("fr")("core.your_score", score=8) == f"Votre score{nb}: 8{nb}%"
