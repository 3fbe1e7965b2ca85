"""A trainer signs in through the organisation's provider in Debian's chromium.

The provider (tests/fixtures_oidc.py) is on ``localhost`` and the kit on ``127.0.0.1``: two
sites, so the browser applies SameSite as it would with a real provider. The trainer opens a
trainer page, is sent to the provider's form, comes back and lands on the dashboard; someone
without the claim sees the refused page, which is looked at on a phone in light and dark.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.fixtures_browser import screenshot
from tests.fixtures_oidc import TRAINER_PAGE
from tests.test_participant_browser import _axe

pytestmark = pytest.mark.browser


@pytest.fixture
def two_sites(browser):
    """Browser contexts that may reach the kit and the provider (both on loopback), nothing else.

    The provider's test form asks for a stylesheet from a CDN: refused like anything else off the
    loopback, but only the kit's own pages asking for such a thing fail the test.
    """
    made, outside = [], []

    def make(**options):
        context = browser.new_context(**options)

        def route(route):
            if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                if urlsplit(route.request.frame.url).hostname == "127.0.0.1":
                    outside.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert not outside, f"requests left the loopback: {outside}"


def through_provider(page, server, sub: str) -> None:
    page.goto(server.url + TRAINER_PAGE)
    page.wait_for_url("http://localhost:*/oauth2/authorize*", timeout=30_000)
    page.fill("input[name=sub]", sub)
    page.click("button[type=submit]:not([name])")


def test_trainer_signs_in_and_lands_on_the_dashboard(oidc_server, two_sites):
    page = two_sites(viewport={"width": 1280, "height": 720}, locale="fr-FR").new_page()
    through_provider(page, oidc_server, "ana")
    # Back on the kit: the page that moves on by itself, then the dashboard with its kernel.
    page.wait_for_url(oidc_server.url + TRAINER_PAGE, timeout=60_000)
    page.locator(".widget-button:visible").first.wait_for(timeout=120_000)  # drawn by its kernel
    assert "Clé formateur requise" not in page.content()
    cookies = {c["name"]: c for c in page.context.cookies(oidc_server.url)}
    assert cookies["elan_trainer"]["httpOnly"] and cookies["elan_trainer"]["value"].startswith("elan-s1.")
    assert "elan_oidc" not in cookies  # the flow's cookie is spent
    screenshot(page, "oidc-signed-in-1280.png")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_refused_page_on_a_phone(oidc_server, two_sites, scheme, locale):
    context = two_sites(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale=locale, color_scheme=scheme
    )
    page = context.new_page()
    through_provider(page, oidc_server, "carl")
    page.wait_for_url(oidc_server.url + "/elan/oidc/callback*", timeout=30_000)
    heading = page.locator("h1")
    assert heading.inner_text() == ("Connexion refusée" if locale == "fr-FR" else "Sign-in refused")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert _axe(page) == []
    assert "elan_trainer" not in {c["name"] for c in context.cookies(oidc_server.url)}
    screenshot(page, f"oidc-refused-{locale}-{scheme}-375.png")
