"""The stage, the console and the phone remote, in Debian's Chromium against a real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.test_participant_browser import _axe
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

STAGE = {lang: Translator(lang).area("stage") for lang in ("fr", "en")}
CONSOLE = Translator("en").area("console")
CORE = Translator("en").area("core")
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000
CHOICE = {
    "kind": "choice",
    "id": "channel",
    "prompt": {
        "fr": "Quel canal nos clients préfèrent-ils pour une réclamation urgente\u202f?",
        "en": "Which channel do our customers prefer for an urgent complaint?",
    },
    "options": [
        {"id": "A", "label": {"fr": "Téléphone", "en": "Phone"}},
        {"id": "B", "label": {"fr": "Courriel", "en": "E-mail, answered within the hour by the on-call team"}},
        {"id": "C", "label": {"fr": "Réseaux sociaux", "en": "Social media"}},
    ],
}


def _no_control_key_or_token(page, secrets: list[str]) -> None:
    assert page.locator("button, input, select, textarea, form, a[href]").count() == 0
    html = page.content()
    assert "key=" not in page.url and "token" not in page.url
    for secret in secrets:
        assert secret not in html and secret not in page.url


def test_stage_follows_three_phones_without_control_key_or_token(elan_server, contexts):
    code = elan_server.create_session("values", "en")
    elan_server.trainer(code, "open", spec=CHOICE)
    stage = contexts(viewport={"width": 1280, "height": 720}, locale="en-GB").new_page()
    stage.goto(f"{elan_server.url}/stage/{code}")
    # Nobody has joined yet: the join strip is up, with the code.
    expect(stage.locator("#join")).to_be_visible(timeout=WAIT)
    expect(stage.locator("#join .code")).to_have_text(code)
    expect(stage.locator("#prompt")).to_have_text(CHOICE["prompt"]["en"])
    phones = [elan_server.join(code, name=name) for name in ("Ana", "Ben", "Cléo")]
    for phone, option in zip(phones, "ABC"):
        r = elan_server.api(
            "POST",
            f"s/{code}/submit",
            json={"activity": "channel", "payload": {"option": option}},
            headers={"X-Elan-Token": phone["token"]},
        )
        assert r.status_code == 200, r.text
    expect(stage.locator("#counts")).to_have_text(STAGE["en"]["counts"].format(joined=3, answered=3), timeout=WAIT)
    # Before the reveal the room sees how many answered, not what.
    expect(stage.locator(".results .row")).to_have_count(0)
    elan_server.trainer(code, "reveal", activity="channel", revealed=True)
    expect(stage.locator(".results .row")).to_have_count(3, timeout=WAIT)
    # One answer each: said as a tie, never as a majority.
    expect(stage.locator(".tie")).to_contain_text(STAGE["en"]["tie"].split("{")[0], timeout=WAIT)
    expect(stage.locator(".row.tied")).to_have_count(3)
    _no_control_key_or_token(stage, [elan_server.key] + [p["token"] for p in phones])

    # Large type from the back of the room, labels never cut.
    size = stage.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 28, size
    cut = stage.evaluate(
        "[...document.querySelectorAll('.row .label, #prompt')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1).length"
    )
    assert cut == 0
    # A reload shows the same thing (nothing lives only in the page).
    stage.reload()
    expect(stage.locator(".results .row")).to_have_count(3, timeout=WAIT)
    assert _axe(stage) == []

    # The trainer hides the join strip once people are in; the stage follows.
    elan_server.trainer(code, "input", open=False)
    expect(stage.locator("#phase-state")).to_have_text(STAGE["en"]["answers_closed"], timeout=WAIT)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_stage_screenshots_light_and_dark(elan_server, contexts, theme):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=CHOICE)
    for index, option in enumerate("AABAC"):
        phone = elan_server.join(code, name=f"P{index}")
        elan_server.api(
            "POST",
            f"s/{code}/submit",
            json={"activity": "channel", "payload": {"option": option}},
            headers={"X-Elan-Token": phone["token"]},
        )
    elan_server.trainer(code, "reveal", activity="channel", revealed=True)
    for width, height in ((1920, 1080), (1280, 720)):
        page = contexts(viewport={"width": width, "height": height}, color_scheme=theme).new_page()
        page.goto(f"{elan_server.url}/stage/{code}?theme={theme}")
        expect(page.locator(".results .row")).to_have_count(3, timeout=WAIT)
        page.wait_for_timeout(800)  # let the bars' animation end before the picture
        if width == 1280:
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 28
            assert _axe(page) == []
        screenshot(page, f"stage-{width}-{theme}.png", guide=True)


def _console(contexts, elan_server, code, viewport=None, **kw):
    page = contexts(viewport=viewport or {"width": 1400, "height": 1000}, locale="en-GB", **kw).new_page()
    page.goto(f"{elan_server.url}/voila/render/values/trainer.ipynb?key={elan_server.key}&code={code}&lang=en")
    expect(page.locator(".elan-status .elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    return page


def _button(page, text: str):
    return page.locator("button", has_text=re.compile("^" + re.escape(text) + "$"))


def test_console_confirms_reopens_keeps_revealed_answers_closed_and_presents(elan_server, contexts, phone):
    code = elan_server.create_session("values", "en")
    console = _console(contexts, elan_server, code, viewport={"width": 1280, "height": 800})
    expect(console.locator(".elan-shortcuts")).to_contain_text(CONSOLE["shortcuts"])
    expect(console.locator(".elan-script")).to_contain_text("Why a philosophy")
    ana = phone(locale="en-GB")
    ana.goto(f"{elan_server.url}/join/{code}")
    ana.fill("#join-name", "Ana")
    ana.click("#join-form button[type=submit]")

    # Next step: the brainstorm, answers open on Ana's phone.
    console.keyboard.press("ArrowRight")
    expect(console.locator(".elan-script")).to_contain_text("Brainstorm", timeout=WAIT)
    expect(ana.locator("#activity textarea, #activity input").first).to_be_visible(timeout=WAIT)
    # Reveal with the keyboard, go on, come back: the revealed step stays closed.
    expect(_button(console, CORE["reveal"])).to_be_enabled(timeout=WAIT)
    console.keyboard.press("r")
    expect(_button(console, CORE["hide_results"])).to_be_visible(timeout=WAIT)
    # Revealing closed the answers: the console says so and offers to open them again.
    expect(_button(console, CORE["open_input"])).to_be_visible(timeout=WAIT)
    console.keyboard.press("ArrowRight")
    expect(console.locator(".elan-script")).to_contain_text("Dot voting", timeout=WAIT)
    console.keyboard.press("ArrowLeft")
    expect(console.locator(".elan-script")).to_contain_text("Brainstorm", timeout=WAIT)
    expect(_button(console, CORE["open_input"])).to_be_visible(timeout=WAIT)
    assert elan_server.results(code)["state"]["open"] is False

    # Ending asks first; cancelling changes nothing.
    console.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the trainer had scrolled down to the script
    _button(console, CONSOLE["end_session"]).click()
    expect(console.locator(".elan-confirm-text")).to_contain_text(code)
    # In view, the focus on it (on Cancel), every button's label whole.
    expect(console.locator(".elan-confirm")).to_be_in_viewport()
    expect(console.locator(".elan-confirm-no")).to_be_focused(timeout=WAIT)
    yes = _button(console, CONSOLE["confirm_end_yes"].format(code=code))
    expect(yes).to_be_in_viewport()
    for button in (yes, _button(console, CONSOLE["cancel"])):
        assert button.evaluate(
            "b => b.scrollWidth <= b.clientWidth + 1 && b.getBoundingClientRect().right <= innerWidth"
        )
    screenshot(console, "console-confirm-end.png")
    _button(console, CONSOLE["cancel"]).click()
    expect(console.locator(".elan-confirm")).to_be_hidden()
    _button(console, CONSOLE["end_session"]).click()
    _button(console, CONSOLE["confirm_end_yes"].format(code=code)).click()
    expect(console.locator(".elan-badge")).to_have_text(CONSOLE["state_ended"], timeout=WAIT)
    expect(ana.locator("#activity")).to_contain_text(CORE["session_closed"], timeout=WAIT)
    # Reopened: the same code, and Ana's phone resumes.
    _button(console, CONSOLE["reopen_session"]).click()
    expect(console.locator(".elan-badge")).to_have_text(CONSOLE["state_running"], timeout=WAIT)
    # No reload: the phone's live feed brings the session back.
    expect(ana.locator("#activity")).not_to_contain_text(CORE["session_closed"], timeout=WAIT)
    expect(ana.locator("#activity")).to_contain_text("What do we want customers", timeout=WAIT)
    # The preview is the stage itself, following the session.
    preview = console.frame_locator(".elan-stage-frame iframe")
    expect(preview.locator("#prompt")).to_have_text(re.compile("customers"), timeout=WAIT)
    expect(preview.locator("#phase-state")).not_to_have_text(STAGE["en"]["ended"], timeout=WAIT)
    screenshot(console, "console.png", guide=True)

    # Presentation mode: the stage full screen, every control hidden; Esc brings the console back.
    console.keyboard.press("p")
    expect(console.locator("#elan-present")).to_be_visible()
    expect(console.frame_locator("#elan-present").locator("#prompt")).not_to_be_empty(timeout=WAIT)
    for cls in ("elan-k-next", "elan-k-prev", "elan-end", "elan-pair", "elan-k-reveal"):
        expect(console.locator(f".{cls}")).to_be_hidden()
    expect(console.locator(".elan-script")).to_be_hidden()
    console.keyboard.press("Escape")
    expect(console.locator(".elan-k-next")).to_be_visible()
    expect(console.locator("#elan-present")).to_have_count(0)

    # A new session while one runs asks first, then gives a new code.
    _button(console, CONSOLE["new_session"]).click()
    expect(console.locator(".elan-confirm-text")).to_contain_text(code)
    expect(console.locator(".elan-confirm-no")).to_be_focused(timeout=WAIT)
    _button(console, CONSOLE["confirm_new_yes"].format(code=code)).click()
    expect(console.locator(".elan-status .elan-code")).not_to_have_text(code, timeout=WAIT)


def test_phone_remote_pairs_drives_and_stops_once_revoked(elan_server, contexts, phone):
    code = elan_server.create_session("values", "en")
    participant = elan_server.join(code, name="Ana")
    console = _console(contexts, elan_server, code)
    # Never on the stage: the pairing QR lives on the console only.
    _button(console, CONSOLE["pair_remote"]).click()
    link = console.locator("a.elan-remote-link")
    expect(link).to_be_visible(timeout=WAIT)
    url = link.get_attribute("href")
    assert f"/remote/{code}#" in url
    remote = phone(locale="en-GB")
    remote.goto(url)
    expect(remote.locator("#panel")).to_be_visible(timeout=WAIT)
    assert "#" not in remote.url  # the credential left the address bar
    expect(remote.locator("#next")).to_be_enabled(timeout=WAIT)  # the console is open: steps can change
    assert remote.locator("#console-note").is_hidden()
    remote.click("#next")
    expect(console.locator(".elan-script")).to_contain_text("Brainstorm", timeout=WAIT)
    expect(remote.locator("#step")).to_contain_text("2", timeout=WAIT)
    remote.click("#reveal")
    expect(_button(console, CORE["hide_results"])).to_be_visible(timeout=WAIT)
    remote.click("#timer")
    expect(console.locator(".elan-timer")).to_be_visible(timeout=WAIT)
    assert _axe(remote) == []
    screenshot(remote, "remote-phone.png", guide=True)
    # A participant's token is not a remote credential.
    r = elan_server.api(
        "POST", f"s/{code}/remote", json={"action": "next"}, headers={"X-Elan-Remote": participant["token"]}
    )
    assert r.status_code == 403
    r = elan_server.api(
        "POST", f"s/{code}/remote", json={"action": "next"}, headers={"X-Elan-Token": participant["token"]}
    )
    assert r.status_code == 403
    # Revoked from the console: the phone's next request is refused.
    _button(console, CONSOLE["revoke_remote"]).click()
    expect(console.locator("a.elan-remote-link")).to_have_count(0, timeout=WAIT)
    remote.click("#next")
    expect(remote.locator("#error")).to_be_visible(timeout=WAIT)
    stage = contexts(viewport={"width": 1280, "height": 720}).new_page()
    stage.goto(f"{elan_server.url}/stage/{code}")
    expect(stage.locator("#prompt")).not_to_be_empty(timeout=WAIT)
    _no_control_key_or_token(stage, [elan_server.key, url.split("#")[1].split(".")[1], participant["token"]])
    assert stage.locator("svg").count() == 0  # the only QR code on the stage is the join one (an image)


def test_console_and_landing_pass_axe_and_landing_links_look_like_links(elan_server, contexts):
    code = elan_server.create_session("values", "en")
    console = _console(contexts, elan_server, code)
    assert _axe(console) == []
    landing = contexts(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    landing.goto(f"{elan_server.url}/?key={elan_server.key}&lang=en")
    link = landing.locator(".elan-links a").first
    expect(link).to_be_visible(timeout=KERNEL_WAIT)
    assert landing.locator("h1").count() == 1
    style = link.evaluate("a => [getComputedStyle(a).textDecorationLine, getComputedStyle(a).color]")
    assert "underline" in style[0] and style[1] != "rgb(0, 0, 0)"
    # No default grey ipywidgets button: the language switch wears the kit's colours.
    grey = landing.locator(".elan-lang-switch button").first.evaluate("b => getComputedStyle(b).backgroundColor")
    assert grey not in ("rgb(238, 238, 238)", "rgb(189, 189, 189)")
    assert _axe(landing) == []


def test_unknown_codes_are_404_and_remote_api_needs_a_credential(elan_server):
    assert elan_server.get("/stage/NOSUCH").status_code == 404
    assert elan_server.get("/remote/NOSUCH").status_code == 404
    code = elan_server.create_session("values", "en")
    assert elan_server.api("GET", f"s/{code}/remote").status_code == 403
    assert (
        elan_server.api(
            "POST", f"s/{code}/remote", json={"action": "next"}, headers={"X-Elan-Remote": "1.forged"}
        ).status_code
        == 403
    )
    view = elan_server.api("GET", f"s/{code}/stage").json()
    assert view["join"] is True and "remotes" not in str(view) and elan_server.key not in str(view)


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(...)``/``rgba(...)`` colour."""
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css_colour)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_trainer_pages_follow_a_laptop_in_dark_mode(elan_server, contexts):
    """A dark laptop: the page goes dark as a whole (not the kit's dark boxes on Jupyter's white page),
    labels and the script read light on dark, and axe finds no serious or critical violation."""
    code = elan_server.create_session("values", "en")
    console = _console(contexts, elan_server, code, color_scheme="dark")
    page = contexts(viewport={"width": 1440, "height": 900}, locale="en-GB", color_scheme="dark").new_page()
    pages = [(console, ".elan-script-body")]
    for notebook, marker in (("cases/editor.ipynb", ".elan-editor-graph"), ("content/editor.ipynb", ".elan-forms")):
        tab = page if notebook.startswith("cases") else page.context.new_page()
        tab.goto(f"{elan_server.url}/voila/render/{notebook}?key={elan_server.key}&lang=en")
        expect(tab.locator(marker).first).to_be_visible(timeout=KERNEL_WAIT)
        pages.append((tab, marker))
    for tab, marker in pages:
        body = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        cells = tab.evaluate("getComputedStyle(document.querySelector('#rendered_cells')).backgroundColor")
        text = tab.locator(marker).first.evaluate("n => getComputedStyle(n).color")
        assert _luminance(body) < 0.05 and (cells == "rgba(0, 0, 0, 0)" or _luminance(cells) < 0.05), (body, cells)
        assert _luminance(text) > 0.5, f"{marker}: text {text} on a dark page"
        label = tab.locator(".widget-label").first
        if label.count():
            assert _luminance(label.evaluate("n => getComputedStyle(n).color")) > 0.5
        assert _axe(tab) == [], marker
    screenshot(console, "console-dark.png")
    screenshot(pages[1][0], "editor-dark.png")
    screenshot(pages[2][0], "content-forms-dark.png")


def test_the_remote_says_when_no_console_is_open_and_the_rest_still_works(elan_server, phone):
    from widgets.core.settings import Settings
    from widgets.live.accounts import Trainer
    from widgets.live.engine import Engine
    from widgets.live.store import Store

    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec={"kind": "ideas", "id": "ideas"})
    settings = Settings(data_dir=str(elan_server.data_dir), trainer_key=elan_server.key)
    engine = Engine(Store(settings.effective_database_url()), settings)
    try:
        credential = engine.pair_remote(Trainer(None), code)  # paired, then the console was closed
    finally:
        engine.store.dispose()
    remote = phone(locale="fr-FR")
    remote.goto(f"{elan_server.url}/remote/{code}#{credential}")
    expect(remote.locator("#panel")).to_be_visible(timeout=WAIT)
    expect(remote.locator("#console-note")).to_have_text(Translator("fr")("remote.console_closed"), timeout=WAIT)
    expect(remote.locator("#next")).to_be_disabled()
    expect(remote.locator("#prev")).to_be_disabled()
    remote.click("#timer")  # what needs no console works from the phone
    expect(remote.locator("#timer-left")).to_have_text(re.compile(r"^[45]:\d\d$"), timeout=WAIT)
    assert elan_server.results(code)["state"]["timer"]["seconds"] == 300
    assert _axe(remote) == []
