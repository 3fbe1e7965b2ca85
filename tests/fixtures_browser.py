"""Debian's Chromium driven by Playwright (never a downloaded browser), and phone-sized pages.

>>> @pytest.mark.browser
... def test_join_page(elan_server, phone):
...     page = phone()
...     page.goto(elan_server.url + "/join")
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.binaries import missing

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
GUIDE_IMG = ROOT / "facilitator_guide" / "img"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"
)
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PHONE_UA,
}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Outside(AssertionError):
    pass


def _loopback_only(context, seen: list[str]) -> None:
    """Refuse, and remember, every request that would leave 127.0.0.1."""

    def route(route):
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host in ("127.0.0.1",):
            route.continue_()
        else:
            seen.append(url)
            route.abort()

    context.route("**/*", route)


def _report(page, refused: list[str]) -> None:
    """Print what a page says went wrong (pytest shows it with a failed test): script errors, console errors,
    and websockets that closed (a widget's message sent then is lost). What the kit's own security policy
    refused is kept in ``refused``: a page of the kit asking for what its policy forbids is a bug."""
    name = lambda: page.url.split("?")[0]

    def console(msg) -> None:
        if msg.type == "error":
            print(f"[console error] {name()}: {msg.text}")
            blocked = re.search(r"'([^']*)' violates the following Content Security Policy", msg.text)
            # Something from elsewhere refused is the policy at work (a test may try it on purpose).
            if blocked and (urlsplit(blocked[1]).hostname in (None, "127.0.0.1")):
                refused.append(f"{name()}: {msg.text}")

    page.on("pageerror", lambda error: print(f"[page error] {name()}: {error}"))
    page.on("console", console)
    page.on("websocket", lambda ws: ws.on("close", lambda _: print(f"[websocket closed] {name()}: {ws.url}")))


@pytest.fixture
def contexts(browser):
    """Makes browser contexts (``phone=True`` for a 375 px touch phone); checks none went off loopback."""
    made, outside, refused = [], [], []

    def make(*, phone: bool = False, locale: str = "fr-FR", **kw):
        options = {**(PHONE if phone else {"viewport": {"width": 1024, "height": 800}}), "locale": locale, **kw}
        context = browser.new_context(**options)
        _loopback_only(context, outside)
        context.on("page", lambda page: _report(page, refused))
        made.append(context)
        return context

    make.outside = outside
    yield make
    for context in made:
        context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not refused, f"the kit's security policy refused: {refused}"


@pytest.fixture
def phone(contexts):
    """A new page in a phone-sized context: ``page = phone()``."""

    def new_page(**kw):
        return contexts(phone=True, **kw).new_page()

    return new_page


def screenshot(page, name: str, *, guide: bool = False) -> Path:
    """Save a screenshot in tests/artifacts/ (and in the facilitator guide's images when ``guide``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    # The guide's copy is refreshed on request (`make screenshots`) or when missing, so an
    # ordinary test run leaves the working tree as it found it.
    if guide and (os.environ.get("ELAN_UPDATE_SCREENSHOTS") or not (GUIDE_IMG / name).exists()):
        GUIDE_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, GUIDE_IMG / name)
    return path
