"""The week's console in a Québec session, in Voilà: the idea cards' costs in dollars, never in euros."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import ARTIFACTS, screenshot
from tests.test_participant_browser import _axe
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

CORE = Translator("fr-CA").area("core")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000


@pytest.mark.parametrize(("size", "scheme"), [((1280, 720), "light"), ((1920, 1080), "dark")])
def test_the_quebec_week_console_prices_the_ideas_in_dollars(elan_server, contexts, size, scheme):
    code = elan_server.create_session("week", "fr-CA")
    width, height = size
    trainer = contexts(viewport={"width": width, "height": height}, color_scheme=scheme).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/week/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr-CA")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    trainer.locator(f'button[title="{CORE["next"]}"]').click()
    cards = trainer.locator(".elan-week-card")
    expect(cards).to_have_count(10, timeout=WAIT)
    text = cards.all_inner_texts()
    assert all("€" not in card for card in text), text
    assert sum("$" in card for card in text) >= 8, text  # a free idea may say so without an amount
    assert _axe(trainer) == []
    # The card stays white in a dark console: its text must stay dark too (it was light grey on white).
    rgb = cards.nth(0).evaluate("c => getComputedStyle(c).color").removeprefix("rgb(").rstrip(")").split(",")
    assert sum(int(v) for v in rgb) < 200, rgb
    screenshot(trainer, f"week-ideas-fr-CA-{width}.png")
    cards.nth(0).scroll_into_view_if_needed()
    trainer.screenshot(path=str(ARTIFACTS / f"week-ideas-fr-CA-{width}-cards.png"))
