"""The case editor's inline checks speak the page's language, whatever the server's default language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.fixtures_server import ElanServer

pytestmark = pytest.mark.browser

KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)


@pytest.fixture
def server(tmp_path):
    # The server's own language is French: an English page must still read English checks.
    running = ElanServer(tmp_path / "data", env={"ELAN_LANGUAGE": "fr"}).start()
    yield running
    running.stop()


@pytest.mark.parametrize(
    "lang, said, not_said",
    [("en", "this text is empty", "ce texte est vide"), ("fr", "ce texte est vide", "this text is empty")],
)
def test_the_editor_checks_are_in_the_page_language(server, contexts, lang, said, not_said):
    page = contexts(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/voila/render/cases/editor.ipynb?key={server.key}&lang={lang}")
    checks = page.locator(".elan-editor-checks")
    expect(checks).to_contain_text("context.fr", timeout=KERNEL_WAIT)
    expect(checks).to_contain_text(said)
    expect(checks).not_to_contain_text(not_said)
    screenshot(page, f"editor-checks-{lang}.png")
