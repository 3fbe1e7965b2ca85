"""The week in Québec: budgets in dollars on the console, the solo planner, printed cards and exports, never euros."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from widgets import content
from widgets.workshops.week import dashboard as workshop
from widgets.workshops.week import pricing
from widgets.workshops.week import rules as week
from widgets.workshops.week.printables import idea_cards
from widgets.workshops.week.solo import SoloWeek


def texts(widget) -> list[str]:
    """Every text a widget tree shows: HTML and labels, descriptions, options, values."""
    out = []
    for attr in ("value", "description", "placeholder", "tooltip"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            out.append(value)
    for option in getattr(widget, "options", ()) or ():
        out.append(str(option[0] if isinstance(option, tuple) else option))
    for child in getattr(widget, "children", ()) or ():
        out.extend(texts(child))
    return out


@pytest.fixture(scope="module")
def quebec():
    return workshop.trainer_dashboard("fr-CA")


def test_each_edition_has_its_currency_and_amounts_a_budget_would_write():
    assert [pricing.currency(lang) for lang in ("fr", "en", "fr-CA")] == ["EUR", "EUR", "CAD"]
    france, quebec = week.cards("fr"), week.cards("fr-CA")
    assert france["kickoff-breakfast"]["cost"] == {"min": 6, "max": 15, "per": "person"}
    assert quebec["kickoff-breakfast"]["cost"] == {"min": 9, "max": 23, "per": "person"}
    assert content.load("week/ideas")["ideas"][0]["cost"]["min"] == 6, "the content itself is left as written"
    for card in quebec.values():
        for material in card.get("materials", []):
            assert Decimal(str(material["unit_cost"])) % Decimal("0.25") == 0, (card["id"], material)
    assert week.money(Decimal(9), pricing.currency("fr-CA"), "fr-CA").endswith("$")


def test_the_quebec_cards_say_dejeuner_for_the_morning_meal():
    """In Québec the morning meal is the déjeuner (the dîner is at noon): no France 'petit-déjeuner' on a card."""
    for card in content.load("week/ideas")["ideas"]:
        for field in ("title", "what", "why", "remote_tip"):
            if field in card:
                assert "petit-déjeuner" not in content.text(card[field], "fr-CA").lower(), (card["id"], field)
    assert content.text(content.load("week/ideas")["ideas"][0]["title"], "fr") == "Petit-déjeuner de lancement"


def test_a_file_already_in_dollars_is_shown_as_written(monkeypatch):
    doc = content.load("week/ideas")
    in_dollars = {**doc, "currency": "CAD"}
    monkeypatch.setattr(
        pricing.content, "load", lambda name: in_dollars if name == "week/ideas" else content.load(name)
    )
    assert pricing.currency("fr-CA") == "CAD" and pricing.convert(6, "fr-CA") == 6
    assert pricing.currency("fr") == "CAD", "the file's own currency everywhere else"


def test_the_quebec_console_shows_dollars_and_no_euro(quebec):
    shown = []
    for i, phase in enumerate(quebec.phases):
        quebec.go(i)
        assert quebec.message.value == "", phase.id
        shown += texts(quebec.widgets_by_phase[phase.id])
    planner = workshop.planner(quebec)
    assert planner.plan.currency == "CAD" and planner.plan.budget == 2250  # the demo's 1 500 € envelope
    page = "\n".join(shown)
    assert "€" not in page and "EUR" not in page
    assert "$" in page
    # What phones and the stage read comes from the session: its activities and the kept plan.
    session = json.dumps(quebec.engine.session(quebec.code), ensure_ascii=False, default=str)
    assert "€" not in session and '"currency": "CAD"' in session
    for name, file in planner.files().items():
        body = file.body.decode() if isinstance(file.body, bytes) else str(file.body)
        assert "€" not in body and "EUR" not in body, name


def test_the_quebec_solo_planner_and_printed_cards_show_dollars():
    solo = SoloWeek("fr-CA")
    page = "\n".join(texts(solo))
    assert solo.planner.plan.currency == "CAD" and "€" not in page and "$" in page
    cards = idea_cards("fr-CA")
    assert "€" not in cards and "$" in cards
    assert "€" in idea_cards("fr"), "France keeps its euros"
