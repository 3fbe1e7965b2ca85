"""The printable week plan fits on one A4 page, even full, as Chromium prints it."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal

import pytest

from widgets.workshops.week import rules as week
from widgets.workshops.week.rules import Material, Placement, Plan


def busy_plan(cards) -> Plan:
    """Two actions every half-day, the group's own ideas, every recurring action and many materials."""
    ideas = [card for card in cards if "what" in cards[card] and "freq" not in cards[card]]
    placements = []
    for day in range(5):
        placements.append(Placement(ideas[day], day, owner="Marie-Ève Tremblay-Gagnon", budget=100))
        placements.append(
            Placement(
                ideas[day + 5],
                day,
                part="afternoon",
                owner="Jean-Philippe Côté",
                budget=250,
                note="Réserver la grande salle du 3e étage",
            )
        )
        placements.append(
            Placement(
                "item-1",
                day,
                part="time",
                start=time(10, 30),
                owner="Léa",
                materials=[Material(f"Ballons lot {day}", 30, "0.2")],
            )
        )
    recurring = [week.recurring_from_card(cards[c], owner="Sophie") for c in cards if "freq" in cards[c]]
    return Plan(placements, recurring, budget=Decimal(1000), headcount=40)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_busy_plan_prints_on_one_page(browser, lang):
    cards = week.cards()
    cards["item-1"] = week.custom_idea("item-1", "Quiz <b>éclair</b> sur nos clients préférés de l'année", size="big")
    html = week.plan_html(busy_plan(cards), cards, 2024, lang)
    page = browser.new_page()
    try:
        page.set_content(html)
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.close()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
