"""Texts that never leak or vanish, in Chromium: each phone in its own language, long words that wrap, long pastes refused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import join
from widgets import content
from widgets.core.i18n import Translator
from widgets.workshops.values import dashboard as values
from widgets.workshops.week import dashboard as week

pytestmark = pytest.mark.browser

WAIT = 15_000  # ms: how long to wait for the page to show something (not a measured target)
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
LONG_WORD = "Service" + "x" * 287 + "fin300"  # 300 characters, no space to break at
assert len(LONG_WORD) == 300


class ApiDash(SimpleNamespace):
    """The few calls a workshop's activity makes on its dashboard, made through the running server's trainer API."""

    def __init__(self, server, code: str, lang: str):
        super().__init__(server=server, code=code, lang=lang, trainer=None)
        self.engine = SimpleNamespace(
            add_item=lambda trainer, code, activity, text, data=None: server.trainer(
                code, "add-item", activity=activity, text=text, data=data
            ),
            session=lambda code: {"lang": lang},
        )

    def results(self, activity=None):
        return self.server.results(self.code, activity).get("results", {})

    def stored(self):
        return self.server.results(self.code)["state"].get("data", {})

    def keep(self, key, value):
        self.server.trainer(self.code, "data", key=key, value=value)


def _open(server, code, spec):
    server.trainer(code, "open", spec=spec)


def _body_text(page) -> str:
    return page.locator("#activity").inner_text()


def _only_its_language(page, lang: str, texts: list[dict]) -> None:
    """Every content text shows in ``lang``; none shows in another language where the two differ."""
    shown = _body_text(page)
    for text in texts:
        mine = content.text(text, lang)
        assert mine in shown, f"{lang}: missing {mine!r}"
        for other in ("fr", "fr-CA", "en"):
            theirs = content.text(text, other)
            if other != lang and theirs != mine and theirs not in mine:
                assert theirs not in shown, f"{lang} page shows the {other} text {theirs!r}"


def test_a_fr_ca_phone_and_an_en_phone_see_only_their_language_in_the_week_planner(elan_server, contexts):
    code = elan_server.create_session("week", "fr")  # the trainer works in France's French
    dash = ApiDash(elan_server, code, "fr")
    _open(elan_server, code, week.ideas_spec(dash))  # the real spec, with its ten starter cards
    québec = contexts(phone=True, locale="fr-CA").new_page()  # the browser asks for fr-CA: nothing to pick
    english = contexts(phone=True, locale="en-GB").new_page()
    join(québec, elan_server, code)
    join(english, elan_server, code)
    assert québec.evaluate("document.documentElement.lang") == "fr-CA"
    assert québec.locator("#lang-switch").input_value() == "fr-CA"
    prompt = week._texts("week.ideas_prompt")
    expect(québec.locator("#activity .prompt")).to_have_text(prompt["fr-CA"], timeout=WAIT)
    expect(english.locator("#activity .prompt")).to_have_text(prompt["en"], timeout=WAIT)
    expect(québec.locator("#idea-text-count")).to_have_text(Translator("fr-CA")("core.characters_left", n=80))

    _open(elan_server, code, week.vote_spec(dash))
    titles = [card["title"] for card in content.load("week/ideas")["ideas"]]
    for page, lang in ((québec, "fr-CA"), (english, "en")):
        expect(page.locator("ul.cards li")).to_have_count(len(titles), timeout=WAIT)
        labels = page.locator("ul.cards .label").all_text_contents()
        assert labels == [content.text(t, lang) for t in titles]
        _only_its_language(page, lang, [week.vote_spec(dash)["prompt"], *titles])
    assert Translator("fr-CA")("core.dots_left", n=3, budget=3) in _body_text(québec)
    assert "Dots left: 3 of 3" in _body_text(english)
    screenshot(québec, "week-phone-fr-CA.png")
    screenshot(english, "week-phone-en.png")


def test_a_fr_ca_phone_and_an_en_phone_see_only_their_language_in_the_values_brainstorm(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    dash = ApiDash(elan_server, code, "fr")
    spec = values.brainstorm_spec(dash)
    _open(elan_server, code, spec)
    québec = contexts(phone=True, locale="fr-CA").new_page()
    english = contexts(phone=True, locale="fr-FR").new_page()
    join(québec, elan_server, code)
    join(english, elan_server, code, lang="en")  # a French browser whose owner picks English
    for page, lang in ((québec, "fr-CA"), (english, "en")):
        expect(page.locator("#idea-text")).to_be_visible(timeout=WAIT)
        _only_its_language(page, lang, [spec["prompt"], *spec["hint"]])
    # Switching language on the phone redraws everything in the new one.
    english.select_option("#lang-switch", "fr-CA")
    expect(english.locator("#activity .prompt")).to_have_text(content.text(spec["prompt"], "fr-CA"), timeout=WAIT)
    english.select_option("#lang-switch", "en")
    expect(english.locator("#activity .prompt")).to_have_text(content.text(spec["prompt"], "en"), timeout=WAIT)
    expect(english.locator("#activity button[type=submit]")).to_have_text("Send")


def test_an_over_long_paste_is_kept_and_refused_with_a_visible_message_and_a_blank_send_says_why(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    spec = values.brainstorm_spec(ApiDash(elan_server, code, "fr"))  # 80 characters a card
    _open(elan_server, code, spec)
    page = contexts(phone=True).new_page()
    join(page, elan_server, code)
    t = Translator("fr")
    page.click("#activity form button[type=submit]")  # nothing written
    expect(page.locator("#activity .error[role=alert]")).to_have_text(t("core.error_empty"), timeout=WAIT)
    pasted = ("Prendre le temps d’écouter la vraie demande du client avant de répondre, " * 4)[:280]
    page.locator("#idea-text").fill(pasted)  # what a paste does: the whole text lands in the field
    assert page.locator("#idea-text").input_value() == pasted  # nothing cut
    counter = page.locator("#idea-text-count")
    expect(counter).to_have_text(t("core.characters_over", n=200, max=80))
    expect(counter).to_have_class("counter-line error")
    assert page.locator("#idea-text").get_attribute("aria-invalid") == "true"
    page.click("#activity form button[type=submit]")
    alert = page.locator("#activity .error[role=alert]")
    expect(alert).to_have_text(t("core.error_too_long", max=80))
    expect(alert).to_be_visible()
    assert page.locator("#idea-text").input_value() == pasted  # still there, to shorten
    assert elan_server.results(code, spec["id"])["results"]["cards"] == []  # and nothing was sent
    screenshot(page, "ideas-phone-too-long.png")
    page.locator("#idea-text").fill(pasted[:80])
    expect(counter).to_have_text(t("core.characters_left", n=0))
    page.click("#activity form button[type=submit]")
    expect(page.locator("ul.mine li")).to_have_count(1, timeout=WAIT)


def test_a_300_character_word_wraps_on_the_phone_and_the_projector(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    spec = values.brainstorm_spec(ApiDash(elan_server, code, "fr"))
    _open(elan_server, code, spec)
    elan_server.trainer(code, "add-item", activity=spec["id"], text=LONG_WORD)
    elan_server.trainer(code, "add-item", activity=spec["id"], text="Écoute")
    _open(elan_server, code, values.vote_spec(ApiDash(elan_server, code, "fr")))
    phone = contexts(phone=True).new_page()
    join(phone, elan_server, code)
    expect(phone.locator("ul.cards li")).to_have_count(2, timeout=WAIT)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the phone page is {width} px wide"
    box = phone.locator("ul.cards .label", has_text="fin300").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] > 100  # broken over many lines
    screenshot(phone, "long-word-phone.png")

    trainer = contexts(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(f"{elan_server.url}/voila/render/values/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    trainer.locator(f'button[title="{Translator("fr")("core.next")}"]').first.click()  # step 2: the brainstorm's wall
    card = trainer.locator(".elan-card", has_text="fin300").first
    expect(card).to_be_visible(timeout=WAIT)
    width = trainer.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the projector page is {width} px wide"
    box = card.bounding_box()
    assert box["x"] + box["width"] <= 1280 and box["height"] > 60
    screenshot(trainer, "long-word-projector.png")
