"""What a probe of the running kit tried in a real browser: TeX in cards, the trainer key in addresses.

Debian's Chromium against a real ``elan serve``; the payloads are the probe's own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from widgets.core.i18n import Translator

pytestmark = pytest.mark.browser

CORE = Translator("fr").area("core")
KERNEL_WAIT = 90_000
WAIT = 15_000
TEX = [
    r"$\href{https://evil.example/x}{CLICK}$",
    r"$\color{red}{\Huge PWNED}$",
    r"$\rule{900px}{600px}$",
    r"$x$",
    r"\(\Huge inline\)",
]


def _cards(elan_server, code: str, texts: list[str]) -> list[int]:
    ids = []
    for n, text in enumerate(texts):
        token = elan_server.join(code, f"P{n}")["token"]
        activity = elan_server.state(code, token)["activity"]["id"]
        r = elan_server.submit(code, token, activity, {"text": text})
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    return ids


def test_participant_tex_shows_as_plain_text_on_the_trainer_dashboard(elan_server, contexts):
    code = elan_server.create_session("values", "fr")
    context = contexts(viewport={"width": 1280, "height": 1000})
    trainer = context.new_page()
    trainer.goto(f"{elan_server.url}/voila/render/values/trainer.ipynb?key={elan_server.key}&code={code}&lang=fr")
    expect(trainer.locator(".elan-code")).to_have_text(code, timeout=KERNEL_WAIT)
    trainer.locator(f'button[title="{CORE["next"]}"]:not(.elan-values-next)').click()
    # Wait until the brainstorm is open for the phones, then the room sends the probe's cards.
    for _ in range(50):
        if elan_server.results(code)["state"].get("open"):
            break
        trainer.wait_for_timeout(200)
    ids = _cards(elan_server, code, TEX)
    elan_server.trainer(code, "item", item=ids[3], status="hidden")  # the probe's hidden "$x$"
    for text in TEX[:3]:
        expect(trainer.locator(".elan-wall")).to_contain_text(text, timeout=WAIT)
    labels = trainer.locator(".widget-label")
    expect(labels.filter(has_text=TEX[3])).to_have_count(1, timeout=WAIT)
    page_text = trainer.locator("body").inner_text()
    for text in TEX:
        assert text in page_text, text
    # Nothing was typeset: no maths element, no link to the participant's address, no giant text.
    assert (
        trainer.locator(
            "mjx-container, .MathJax, .MathJax_Display, .MathJax_CHTML, svg[role=img] g[data-mml-node]"
        ).count()
        == 0
    )
    assert trainer.locator('a[href*="evil.example"]').count() == 0
    biggest = trainer.evaluate(
        "Math.max(...[...document.querySelectorAll('#rendered_cells *')].map(e => parseFloat(getComputedStyle(e).fontSize) || 0))"
    )
    assert biggest < 80, biggest
    screenshot(trainer, "hardening-tex-as-text.png")


def test_the_printed_trainer_address_leaves_no_key_behind(elan_server, contexts):
    context = contexts(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{elan_server.url}/?key={elan_server.key}&lang=en")
    page.wait_for_selector(".elan-title", timeout=KERNEL_WAIT)
    assert "key=" not in page.url and elan_server.key not in page.url
    cookie = next(c for c in context.cookies() if c["name"] == "elan_trainer")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("elan_trainer") == -1  # not readable by scripts
    # The exchange page and the dashboard pages say no-referrer: the old address goes nowhere.
    html_pages = [r for r in responses if "text/html" in (r.headers.get("content-type") or "")]
    assert html_pages and all(r.headers.get("referrer-policy") == "no-referrer" for r in html_pages)
    # Back in history is not the address with the key.
    assert page.evaluate("history.length") <= 2
    # The landing page's dashboard link needs no key: the cookie opens it.
    link = page.locator("a", has_text="Trainer dashboard").first
    assert "key" not in link.get_attribute("href")
    with page.expect_navigation(timeout=KERNEL_WAIT) as navigation:
        link.click()
    assert navigation.value.status == 200
    assert "key=" not in page.url
    page.wait_for_selector("#rendered_cells", state="visible", timeout=KERNEL_WAIT)
    assert elan_server.key not in page.content()
    assert elan_server.key not in elan_server.log().split("Ctrl-C", 1)[-1], "the key is in a log line"


def test_a_link_from_another_site_still_opens_the_dashboard(elan_server, contexts):
    """The printed address clicked in a mail or a chat (another site): SameSite=Strict must not lock it out."""
    context = contexts(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    mail = f'<a id="go" href="{elan_server.url}/?key={elan_server.key}">Élan</a>'
    # A page of another site, answered inside the browser (nothing leaves the machine).
    page.route("http://mail.example/**", lambda route: route.fulfill(body=mail, content_type="text/html"))
    page.goto("http://mail.example/inbox")
    page.click("#go")
    page.wait_for_selector(".elan-title", timeout=KERNEL_WAIT)
    assert page.locator("a", has_text="Tableau de bord d’animation").count() == 4


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_busy_and_key_pages_read_well_on_a_phone(elan_server, contexts, scheme):
    """The server's own notices: busy (429), key needed (403), moving on; 375 px, light and dark, axe-clean."""
    from tests.test_participant_browser import _axe

    context = contexts(phone=True, locale="en-GB", color_scheme=scheme)
    page = context.new_page()
    # A made-up key: the "key needed" notice; this server's caps are lifted, so the busy page
    # is seen through a request the caps would refuse, rendered by the same template.
    response = page.goto(f"{elan_server.url}/voila/render/values/trainer.ipynb?key=wrong-key&lang=en")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text(Translator("en")("core.trainer_key_title"))
    assert _axe(page) == []
    screenshot(page, f"notice-key-needed-{scheme}.png")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
    assert size >= 16
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
