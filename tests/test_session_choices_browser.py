"""The trainer allows the group's own recurring actions in Voilà; a phone proposes one; it lands in the year."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join, send_idea
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

WEEK = Translator("fr").area("week")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000


def test_the_group_proposes_a_recurring_action_once_the_trainer_allows_it(elan_server, contexts, phone):
    code = elan_server.create_session("week", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/week/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    ana = phone()
    join(ana, elan_server, code, name="Ana")
    trainer.locator("select").first.select_option(label=Translator("fr")("week.phase_year"))
    allow = trainer.locator(".elan-week-allow-recurring input")
    expect(allow).to_be_visible(timeout=WAIT)
    expect(ana.locator("#idea-text")).to_have_count(0)  # not allowed yet: the phone waits
    allow.check()
    expect(ana.locator("#idea-text")).to_be_visible(timeout=WAIT)
    send_idea(ana, "Café <merci> du vendredi")
    assert elan_server.results(code)["state"]["data"]["own_recurring"] is True
    # The trainer's list follows the store (the dashboard refreshes from the feed).
    pick = trainer.locator(".elan-week-add-own-action").locator("xpath=..").locator("select").first
    expect(pick.locator("option")).to_have_count(1, timeout=WAIT)
    trainer.locator(".elan-week-add-own-action").click()
    expect(trainer.locator(".elan-week-year")).to_contain_text("Café <merci> du vendredi", timeout=WAIT)
    assert trainer.locator(".elan-week-year b, .elan-week-year merci").count() == 0  # the room's text stays text
    trainer.locator("h2.elan-title").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(trainer, "week-own-recurring.png")
    screenshot(ana, "week-own-recurring-phone.png")
    plan = elan_server.results(code)["state"]["data"]["plan"]
    assert any(r["action"].startswith("own-1-") for r in plan["recurring"])
