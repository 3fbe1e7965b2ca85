"""The participant page's plumbing in Chromium: one request per tap, one live channel after rejoining, errors shown."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.workshops.cases import dashboard as cases

pytestmark = pytest.mark.browser

WAIT = 15_000  # ms: how long to wait for the page to show something (not a measured target)

# Counts the page's live channels and its online/offline listeners, as the page itself creates them.
WATCH = """
window.__sources = [];
const NativeSource = window.EventSource;
window.EventSource = class extends NativeSource {
  constructor(...args) { super(...args); window.__sources.push(this); }
};
window.__listeners = { online: 0, offline: 0 };
const nativeAdd = window.addEventListener.bind(window);
const nativeRemove = window.removeEventListener.bind(window);
window.addEventListener = (type, fn, options) => {
  if (type in window.__listeners) window.__listeners[type] += 1;
  return nativeAdd(type, fn, options);
};
window.removeEventListener = (type, fn, options) => {
  if (type in window.__listeners) window.__listeners[type] -= 1;
  return nativeRemove(type, fn, options);
};
"""
IDEAS = {"kind": "ideas", "id": "ideas", "prompt": {"fr": "Idées", "en": "Ideas"}}
DOTS = {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3}
CHOICE = {
    "kind": "choice",
    "id": "poll",
    "options": [{"id": "a", "label": {"fr": "Oui", "en": "Yes"}}, {"id": "b", "label": {"fr": "Non", "en": "No"}}],
}


def _api_calls(page) -> list[tuple[str, str]]:
    calls = []
    page.on(
        "request", lambda r: calls.append((r.method, r.url.split("/elan/api/")[-1])) if "/elan/api/" in r.url else None
    )
    return calls


def test_a_tap_costs_one_post_and_nothing_else(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    for text in ("Écoute", "Rapidité"):
        elan_server.trainer(code, "add-item", activity="ideas", text=text)
    elan_server.trainer(code, "open", spec=DOTS)
    page = contexts(phone=True).new_page()
    join(page, elan_server, code)
    expect(page.locator("ul.cards li")).to_have_count(2, timeout=WAIT)
    page.wait_for_timeout(500)  # the first reads are over
    calls = _api_calls(page)
    page.locator("ul.cards li").first.locator(".dot-add").click()
    expect(page.locator("ul.cards li").first.locator(".dots")).to_have_text("●", timeout=WAIT)
    page.wait_for_timeout(800)  # time for any extra read the page would make
    assert calls == [("POST", f"s/{code}/submit")]

    elan_server.trainer(code, "open", spec=CHOICE)
    expect(page.locator("button.option")).to_have_count(2, timeout=WAIT)
    page.wait_for_timeout(500)
    calls.clear()
    page.locator("button.option", has_text="Oui").click()
    expect(page.locator("button.option.selected")).to_contain_text("Oui", timeout=WAIT)
    page.wait_for_timeout(800)
    assert calls == [("POST", f"s/{code}/submit")]
    # The answer is really kept: a reload shows it from the server.
    page.reload()
    expect(page.locator("button.option.selected")).to_contain_text("Oui", timeout=WAIT)


def test_rejoining_leaves_one_live_channel_and_one_pair_of_network_listeners(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    context = contexts(phone=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    join(page, elan_server, code)
    token = page.evaluate("code => localStorage.getItem(`elan:${code}:token`)", code)
    me = elan_server.state(code, token)["participant"]["id"]
    # The participant's data is deleted on request: the page's place is gone.
    subprocess.run(
        [sys.executable, "-m", "widgets.ops.cli", "forget", code, str(me), "--data-dir", str(elan_server.data_dir)],
        check=True,
        capture_output=True,
    )
    elan_server.trainer(code, "open", spec=CHOICE)  # the page hears a change, reads its state: 403
    expect(page.locator("#join-form")).to_be_visible(timeout=WAIT)
    page.click("#join-form button[type=submit]")  # joins again, as a new participant
    expect(page.locator("button.option")).to_have_count(2, timeout=WAIT)
    # The new channel opens once the page has its new state (later on a busy machine): wait for it, not a second.
    page.wait_for_function(
        "window.__sources.length >= 2 && window.__sources.filter(s => s.readyState !== 2).length === 1", timeout=WAIT
    )
    sources = page.evaluate("window.__sources.map(s => s.readyState)")
    assert len(sources) >= 2 and sources.count(2) == len(sources) - 1, sources  # every old one CLOSED
    assert page.evaluate("window.__listeners") == {"online": 1, "offline": 1}
    elan_server.trainer(code, "open", spec=IDEAS)  # the one live channel still works
    expect(page.locator("#idea-text")).to_be_visible(timeout=WAIT)


def test_a_refused_rating_says_why_and_shows_the_score_kept(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    spec = {
        "kind": "rate",
        "id": "rate",
        "targets": [{"id": "team", "label": {"fr": "Équipe", "en": "Team"}}],
        "criteria": [{"id": "c", "label": {"fr": "Critère", "en": "Criterion"}}],
        "scale": [1, 5],
    }
    elan_server.trainer(code, "open", spec=spec)
    page = contexts(phone=True).new_page()
    join(page, elan_server, code)
    page.locator(".scale label", has_text="4").click()
    page.wait_for_timeout(500)
    elan_server.trainer(code, "input", open=False)  # closed just as the participant taps
    page.evaluate("document.querySelector('.scale input[value=\"2\"]').disabled = false")  # the page had not heard yet
    page.locator(".scale label", has_text="2").click()
    expect(page.locator("#activity .error[role=alert]").first).to_have_text(
        Translator("fr")("core.error_input_closed"), timeout=WAIT
    )
    assert page.locator('.scale input[value="4"]').is_checked()


def test_a_story_names_the_field_too_long_and_an_approved_long_word_wraps_with_badges_in_the_readers_language(
    elan_server, contexts
):
    code = elan_server.create_session("cases", "fr")
    spec = cases.story_spec(SimpleNamespace(engine=SimpleNamespace(settings=Settings())))
    elan_server.trainer(code, "open", spec=spec)
    page = contexts(phone=True, locale="en-GB").new_page()
    join(page, elan_server, code)
    t = Translator("en")
    expect(page.locator("#story-colleague")).to_be_visible(timeout=WAIT)
    page.locator("#story-colleague").fill("Bénédicte-Alexandrine de la Fontaine-Marchal")  # 44 characters
    expect(page.locator("#story-colleague-count")).to_have_text(t("core.characters_over", n=4, max=40))
    long_word = "Thank" + "y" * 259 + "ou!!!!"  # 270 characters: within the 280 a story may have
    page.locator("#story-title").fill("Called back the same evening")
    page.locator("#story-text").fill(long_word)
    page.select_option("#story-value", index=1)
    page.click("#activity form button[type=submit]")
    alert = page.locator("#activity .error[role=alert]")
    expect(alert).to_contain_text(t("core.error_too_long", max=40), timeout=WAIT)
    expect(alert).to_contain_text(t("cases.story_colleague"))  # names the field
    assert page.locator("#story-colleague").input_value().endswith("Marchal")  # nothing cut
    page.locator("#story-colleague").fill("Bénédicte")
    page.click("#activity form button[type=submit]")
    expect(page.locator(".story-form [role=status]")).to_be_visible(timeout=WAIT)
    mine = page.locator("ul.mine li[data-story]")
    expect(mine).to_have_count(1, timeout=WAIT)
    elan_server.trainer(code, "item", item=int(mine.get_attribute("data-story")), status="visible")  # approved
    wall = page.locator(".story-wall article")
    expect(wall).to_have_count(1, timeout=WAIT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for link in page.locator(".story-wall a.badge-link").all():
        assert link.get_attribute("href").endswith("?lang=en")
    screenshot(page, "story-wall-long-word-phone.png")
