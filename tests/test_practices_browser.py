"""The five-practices self-assessment in Chromium: phones rate the team, the projector shows the room's profile."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join
from widgets import content
from widgets.core.i18n import Translator
from widgets.ui import practices

pytestmark = pytest.mark.browser

WAIT = 15_000  # ms: how long to wait for the page to show something (not a measured target)
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)


def test_phones_rate_the_team_and_the_projector_shows_the_profile_and_the_debrief(elan_server, contexts):
    code = elan_server.create_session("cases", "fr")
    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/cases/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    doc = content.load(practices.CONTENT)
    # Any workshop reaches it from the step menu, first thing or last.
    trainer.locator(".widget-dropdown select").first.select_option(label=content.text(doc["title"], "fr"))
    phones = [contexts(phone=True, locale=locale).new_page() for locale in ("fr-FR", "fr-CA", "en-GB")]
    for page in phones:
        join(page, elan_server, code)
    for page, score in zip(phones, ("2", "3", "4")):
        expect(page.locator("fieldset.card .scale")).to_have_count(5, timeout=WAIT)
        for group in page.locator(".scale").all():
            group.locator("label", has_text=score).click()
            expect(group.locator(f'input[value="{score}"]')).to_be_checked()
    expect(phones[2].locator("fieldset legend")).to_have_text(content.text(doc["target"], "en"))
    screenshot(phones[1], "practices-phone-fr-CA.png")
    t = Translator("fr")
    expect(trainer.locator(".elan-practices")).to_contain_text(t("core.practices_hidden", n=3), timeout=WAIT)
    trainer.locator(f'button:has-text("{t("core.reveal")}")').click()
    expect(trainer.locator(".js-plotly-plot")).to_be_visible(timeout=WAIT)
    expect(trainer.locator(".elan-practices table tr")).to_have_count(6, timeout=WAIT)
    expect(trainer.locator(".elan-practices")).to_contain_text(content.text(doc["debrief"][0], "fr"))
    assert trainer.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(trainer, "practices-projector.png")
    expect(phones[0].locator(".profile li")).to_have_count(5, timeout=WAIT)
    expect(phones[0].locator(".profile li").first).to_contain_text("3 / 5")  # the mean of 2, 3 and 4
    screenshot(phones[0], "practices-phone-profile.png")
