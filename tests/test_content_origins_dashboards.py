"""Where the trainer picks items, each says where it comes from: the organisation's cases, ideas and examples."""

from __future__ import annotations

import types

import pytest
import yaml

from widgets import content
from widgets.core.i18n import Translator
from widgets.workshops.cases import dashboard as cases
from widgets.workshops.values import dashboard as values
from widgets.workshops.week import dashboard as week_dashboard
from widgets.workshops.week import rules as week
from widgets.workshops.week.planner import card_list_html

KIT_CASE = content.BUNDLED / "cases" / "billing-double-charge.yaml"
IDEA = {
    "id": "acme-quiz",
    "title": {"fr": "Le quiz Acme", "en": "The Acme quiz"},
    "what": {"fr": "Un quiz sur nos produits.", "en": "A quiz on our products."},
    "why": {"fr": "Pour apprendre en jouant.", "en": "To learn while playing."},
    "effort": "low",
    "cost": {"min": 0, "max": 50, "per": "event"},
    "involves": ["all-staff"],
    "remote": True,
    "size": "small",
    "duration_minutes": 30,
    "materials": [],
}


@pytest.fixture
def org(tmp_path, monkeypatch):
    root = tmp_path / "acme-content"
    case = yaml.safe_load(KIT_CASE.read_text(encoding="utf-8"))
    case["id"] = "acme-late-delivery"
    case["title"] = {"fr": "Livraison en retard chez Acme", "en": "A late delivery at Acme"}
    for name, data in {
        "cases/acme-late-delivery.yaml": case,
        "week/ideas.yaml": {"kind": "week-ideas", "ideas": [IDEA]},
        "values/examples.yaml": {
            "kind": "philosophy-examples",
            "screens": [
                dict(
                    next(s for s in content.load("values/examples")["screens"] if s["id"] == "disney"),
                    organisation={"fr": "Disney, vu par Acme", "en": "Disney, as Acme sees it"},
                )
            ],
        },
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(root))
    return root


def cards_of(pick) -> dict[str, str]:
    """Each case card's HTML, by case id."""
    grid = pick.children[1]
    out = {}
    for card in grid.children:
        [cls] = [c for c in card._dom_classes if c.startswith("elan-case-")]
        out[cls.removeprefix("elan-case-")] = card.children[0].value
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_cases_dashboard_marks_the_organisation_s_cases_in_the_trainer_s_language(org, lang):
    t = Translator(lang)
    pick = cases.build_pick(types.SimpleNamespace(t=t, lang=lang))
    cards = cards_of(pick)
    assert 'data-origin="organisation"' in cards["acme-late-delivery"]
    badge = f'<span class="elan-origin elan-origin-organisation">{t("cases.from_organisation")}</span>'
    assert badge in cards["acme-late-delivery"]
    assert 'data-origin="kit"' in cards["billing-double-charge"]
    assert "elan-origin-organisation" not in cards["billing-double-charge"]
    assert t("cases.from_organisation") not in cards["billing-double-charge"]
    assert t("cases.from_organisation") != Translator("fr" if lang == "en" else "en")("cases.from_organisation")


def test_a_kit_case_replaced_by_the_organisation_is_marked_too(org):
    (org / "cases" / "billing-double-charge.yaml").write_text(KIT_CASE.read_text(encoding="utf-8"), encoding="utf-8")
    cards = cards_of(cases.build_pick(types.SimpleNamespace(t=Translator("en"), lang="en")))
    assert 'data-origin="organisation"' in cards["billing-double-charge"]
    assert 'data-origin="kit"' in cards["wrong-advice-fine"]


def test_without_an_organisation_folder_no_case_is_marked(monkeypatch):
    monkeypatch.delenv("ELAN_CONTENT_DIR", raising=False)
    cards = cards_of(cases.build_pick(types.SimpleNamespace(t=Translator("en"), lang="en")))
    assert all('data-origin="kit"' in html and "elan-origin-" not in html for html in cards.values())


def test_the_week_s_idea_cards_and_the_plan_s_picker_mark_the_organisation_s_ideas(org):
    html = card_list_html(week.cards(), "fr")
    card = {c.split('"', 1)[0]: c for c in html.split('data-card="')[1:]}
    tag = f'<span class="tag origin">{Translator("fr")("week.from_organisation")}</span>'
    assert tag in card["acme-quiz"] and "Le quiz Acme" in card["acme-quiz"]
    assert [i for i, c in card.items() if tag in c] == ["acme-quiz"]
    dash = week_dashboard.trainer_dashboard("en")
    dash.go(1)  # the ideas: the content's cards, the organisation's among them, join the session
    _, choices = week_dashboard.session_ideas(dash)
    labels = {idea: label for label, idea in choices}
    assert labels["acme-quiz"].startswith(Translator("en")("week.idea_from_organisation", title="The Acme quiz"))
    assert "organisation" not in labels["kickoff-breakfast"]


def test_the_values_examples_say_which_are_the_organisation_s(org):
    screens = {s["id"]: s for s in content.load("values/examples")["screens"]}
    for lang in ("fr", "en"):
        t = Translator(lang)
        assert t("values.from_organisation") in values._screen_html(screens["disney"], lang, t, 2, 10)
        assert t("values.from_organisation") not in values._screen_html(screens["ritz-carlton"], lang, t, 1, 10)
