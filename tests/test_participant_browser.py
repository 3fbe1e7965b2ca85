"""The participant page in Chromium: joining, ideas, dots, reloads, hostile text, offline, languages, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

STRINGS = {lang: Translator(lang).area("core") for lang in ("fr", "en")}
IDEAS = {
    "kind": "ideas",
    "id": "ideas",
    "prompt": {"fr": "Ce que nos clients doivent penser", "en": "What customers should think"},
}
DOTS = {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3}
HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "javascript:alert(1)", "$x$", "&amp;"]
WAIT = 15_000  # ms: how long to wait for the page to show something (not a measured target)


def watch_dialogs(page) -> list:
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def join(page, server, code, *, name="", by_link=True, lang=None):
    """Open the join page (by link or by typing the code) and join; waits for the activity."""
    query = f"?lang={lang}" if lang else ""
    if by_link:
        page.goto(f"{server.url}/join/{code}{query}")
        expect(page.locator("#join-code")).to_have_value(code)
    else:
        page.goto(f"{server.url}/join{query}")
        page.fill("#join-code", f" {code[:3].lower()} {code[3:].lower()}")
    if name:
        page.fill("#join-name", name)
    page.click("#join-form button[type=submit]")
    expect(page.locator("#activity")).to_be_visible(timeout=WAIT)
    expect(page.locator("#session-code")).to_have_text(code)


def send_idea(page, text):
    before = page.locator("ul.mine li").count()
    page.fill("#idea-text", text)
    page.click("#activity form button[type=submit]")
    expect(page.locator("ul.mine li")).to_have_count(before + 1, timeout=WAIT)


def token_of(page, code) -> str:
    return page.evaluate("code => localStorage.getItem(`elan:${code}:token`)", code)


def test_three_participants_ideas_then_dots(elan_server, contexts, phone):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    ana = phone()
    ben = contexts().new_page()
    cleo = contexts(locale="en-GB").new_page()
    dialogs = [watch_dialogs(p) for p in (ana, ben, cleo)]

    # Ana types the code on her phone; Ben and Cléo follow the link of the QR code.
    ana.goto(f"{elan_server.url}/join")
    ana.fill("#join-code", f" {code[:3].lower()} {code[3:].lower()}")
    ana.fill("#join-name", "Ana")
    screenshot(ana, "join-phone.png", guide=True)
    ana.click("#join-form button[type=submit]")
    expect(ana.locator("#idea-text")).to_be_visible(timeout=WAIT)
    assert ana.url.endswith(f"/join/{code}")
    join(ben, elan_server, code, name="Ben")
    join(cleo, elan_server, code, lang="en")
    expect(cleo.locator("#activity h1, #activity .prompt").first).to_have_text(IDEAS["prompt"]["en"])
    assert elan_server.results(code)["counts"]["joined"] == 3

    send_idea(ana, "Écoute")
    send_idea(ben, "Rapidité")
    send_idea(cleo, "Ownership")
    screenshot(ana, "ideas-phone.png", guide=True)
    for text in HOSTILE:
        send_idea(ana, text)
    # Participant text is shown as text: literally, and no element or script came from it.
    assert ana.locator("ul.mine li span").all_text_contents() == ["Écoute", *HOSTILE]
    assert ana.locator("#activity img, #activity script").count() == 0
    screenshot(ana, "ideas-phone-hostile.png")
    cards = {c["text"]: c["id"] for c in elan_server.results(code, "ideas")["results"]["cards"]}
    assert set(cards) == {"Écoute", "Rapidité", "Ownership", *HOSTILE}

    # The trainer opens the vote: every page switches to it by itself.
    elan_server.trainer(code, "open", spec=DOTS)
    for page in (ana, ben, cleo):
        expect(page.locator("ul.cards li")).to_have_count(len(cards), timeout=WAIT)
    labels = ben.locator("ul.cards .label").all_text_contents()
    assert set(labels) == set(cards)
    assert ben.locator("#activity img, #activity script").count() == 0

    def vote(page, text):
        row = page.locator("ul.cards li").filter(has=page.locator(".label", has_text=text)).first
        counter = page.locator(".counter").text_content()
        row.locator(".dot-add").click()
        expect(page.locator(".counter")).not_to_have_text(counter, timeout=WAIT)
        expect(row.locator(".dots")).to_have_text("●")

    vote(ana, "Écoute")
    vote(ben, "Écoute")
    vote(ben, "Rapidité")
    vote(cleo, HOSTILE[0])
    ranking = {r["text"]: r["dots"] for r in elan_server.results(code, "vote")["results"]["ranking"]}
    assert ranking["Écoute"] == 2 and ranking["Rapidité"] == 1 and ranking[HOSTILE[0]] == 1

    # Ana reloads: the same participant, her dot still placed, nothing counted twice.
    before = token_of(ana, code)
    ana.reload()
    row = ana.locator("ul.cards li").filter(has=ana.locator(".label", has_text="Écoute")).first
    expect(row.locator(".dots")).to_have_text("●", timeout=WAIT)
    assert token_of(ana, code) == before
    assert ana.locator(".counter").text_content() == Translator("fr")("core.dots_left", n=2, budget=3)
    row.locator(".dot-add").click()  # a second dot on one card is refused
    expect(ana.locator("#activity .error[role=alert]")).to_have_text(
        STRINGS["fr"]["error_one_dot_per_card"], timeout=WAIT
    )
    after = elan_server.results(code, "vote")
    assert {r["text"]: r["dots"] for r in after["results"]["ranking"]}["Écoute"] == 2
    assert after["counts"]["joined"] == 3
    assert not any(dialogs), dialogs


def test_hand_made_trainer_requests_from_the_page_are_refused(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    page = contexts().new_page()
    join(page, elan_server, code, name="Mallory")
    before = elan_server.results(code)
    statuses = page.evaluate(
        """async (code) => {
            const token = localStorage.getItem(`elan:${code}:token`);
            const out = [];
            for (const [action, body] of [["close", {}], ["reveal", {activity: "ideas"}], ["input", {open: false}],
                                          ["option", {name: "show_names", value: true}]]) {
              for (const headers of [{"X-Elan-Token": token}, {"X-Elan-Key": token}]) {
                const r = await fetch(`/elan/api/s/${code}/trainer/${action}`, {method: "POST",
                  headers: {"Content-Type": "application/json", ...headers}, body: JSON.stringify(body)});
                out.push(r.status);
              }
            }
            const r = await fetch(`/elan/api/s/${code}/results`, {headers: {"X-Elan-Key": token}});
            out.push(r.status);
            return out;
        }""",
        code,
    )
    assert statuses == [403] * len(statuses)
    after = elan_server.results(code)
    assert (after["seq"], after["state"]) == (before["seq"], before["state"])
    expect(page.locator("#idea-text")).to_be_enabled()


def test_connection_lost_and_back(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    context = contexts()
    page = context.new_page()
    join(page, elan_server, code)
    expect(page.locator("#idea-text")).to_be_visible()
    status = page.locator("#status")
    expect(status).to_be_hidden()
    context.set_offline(True)
    expect(status).to_have_text(STRINGS["fr"]["offline"], timeout=WAIT)
    # A card written while offline waits on the phone and is sent once when the network is back.
    page.fill("#idea-text", "écrite hors ligne")
    page.click("#activity form button[type=submit]")
    expect(page.locator("#activity .error[role=alert]")).to_have_text(STRINGS["fr"]["offline"])
    context.set_offline(False)
    expect(status).to_have_text(STRINGS["fr"]["online"], timeout=WAIT)
    expect(page.locator("ul.mine li span")).to_have_text(["écrite hors ligne"], timeout=WAIT)
    assert [c["text"] for c in elan_server.results(code)["results"]["cards"]] == ["écrite hors ligne"]


def test_french_and_english(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    page = contexts(locale="fr-FR").new_page()
    page.goto(f"{elan_server.url}/join/{code}")
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("#join-form h1")).to_have_text(STRINGS["fr"]["join_title"])
    page.select_option("#lang-switch", "en")
    expect(page.locator("#join-form h1")).to_have_text(STRINGS["en"]["join_title"])
    expect(page.locator("#join-form button")).to_have_text(STRINGS["en"]["join_button"])
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#join-form button[type=submit]")
    expect(page.locator("#activity .waiting")).to_have_text(STRINGS["en"]["waiting"], timeout=WAIT)
    elan_server.trainer(code, "open", spec=IDEAS)
    expect(page.locator("#activity .prompt")).to_have_text(IDEAS["prompt"]["en"], timeout=WAIT)
    expect(page.locator("#activity button[type=submit]")).to_have_text(STRINGS["en"]["send"])
    page.select_option("#lang-switch", "fr")
    expect(page.locator("#activity .prompt")).to_have_text(IDEAS["prompt"]["fr"], timeout=WAIT)
    expect(page.locator("#activity button[type=submit]")).to_have_text(STRINGS["fr"]["send"])
    # The choice is kept: the page comes back in French after a reload.
    page.reload()
    expect(page.locator("#activity .prompt")).to_have_text(IDEAS["prompt"]["fr"], timeout=WAIT)


def _axe(page) -> list[dict]:
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_audit(elan_server, contexts, scheme):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    page = contexts(phone=True, color_scheme=scheme).new_page()
    page.goto(f"{elan_server.url}/join/{code}")
    assert _axe(page) == []
    page.click("#join-form button[type=submit]")
    send_idea(page, "Écoute")
    assert _axe(page) == []
    elan_server.trainer(code, "open", spec=DOTS)
    expect(page.locator("ul.cards li")).to_have_count(1, timeout=WAIT)
    assert _axe(page) == []


def test_the_audit_finds_a_violation(elan_server, contexts):
    """The audit above is able to fail: an unlabelled field is a critical violation."""
    page = contexts().new_page()
    page.goto(f"{elan_server.url}/join")
    page.evaluate("document.querySelector('label[for=join-code]').remove()")
    assert any(v["id"] == "label" for v in _axe(page))


def test_page_weight_under_200_kb(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=DOTS | {"source": "ideas"})
    page = contexts(phone=True).new_page()
    sizes = []

    def finished(request):
        if "/feed" in request.url:
            return  # the live stream never ends; it carries a few bytes per event
        s = request.sizes()
        sizes.append((request.url, s["responseBodySize"] + s["responseHeadersSize"]))

    page.on("requestfinished", finished)
    page.goto(f"{elan_server.url}/join/{code}")
    page.click("#join-form button[type=submit]")
    expect(page.locator("#activity .counter")).to_be_visible(timeout=WAIT)
    page.wait_for_load_state("networkidle")
    total = sum(size for _, size in sizes)
    assert any(url.endswith("/app.js") for url, _ in sizes)
    assert total < 200 * 1024, sorted(sizes, key=lambda s: -s[1])


def test_nothing_leaves_loopback(elan_server, contexts):
    """Pages make no request beyond 127.0.0.1; the guard that checks it does see one."""
    page = contexts(phone=True).new_page()
    page.goto(f"{elan_server.url}/join")
    assert contexts.outside == []
    # An image from elsewhere is already refused by the page's Content-Security-Policy...
    page.evaluate("new Image().src = 'http://example.invalid/pixel.png'")
    # ...so the guard is shown a navigation, which no page policy stops.
    with pytest.raises(Exception):
        page.goto("http://example.invalid/")
    assert contexts.outside == ["http://example.invalid/"]
    contexts.outside.clear()
