"""The landing page in a real Voilà server and Chromium: it answers, renders, and stays on the server."""

from __future__ import annotations

import pytest

from tests.fixtures_browser import screenshot

pytestmark = pytest.mark.browser


def test_root_answers_with_the_landing_page(elan_server):
    response = elan_server.get("/", allow_redirects=True)
    assert response.status_code == 200
    assert "voila/render/index.ipynb" in response.url


@pytest.mark.parametrize("width, name", [(1280, "landing-desktop.png"), (375, "landing-phone.png")])
def test_landing_page_renders_and_makes_no_outside_request(elan_server, contexts, width, name):
    context = contexts(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{elan_server.url}/?key={elan_server.key}&lang=en")
    page.wait_for_selector(".elan-title", timeout=90_000)
    page.get_by_text("Our service values, voted live").wait_for()
    dashboard_links = page.locator("a", has_text="Trainer dashboard")
    assert dashboard_links.count() == 4
    # The key was exchanged for a cookie: neither the address nor any link carries it.
    assert "key=" not in page.url
    assert elan_server.key not in page.content()
    assert "key=" not in dashboard_links.first.get_attribute("href")
    # The training day that chains the workshops is found from here too.
    assert "day/trainer.ipynb" in page.locator("a", has_text="Plan and run the day").get_attribute("href")
    # The organisation's own content: the case editor and the content forms, side by side on one card.
    own = page.locator("#ws-own-content").locator("xpath=..")
    assert "cases/editor.ipynb" in own.locator("a", has_text="Case editor").get_attribute("href")
    assert "content/editor.ipynb" in own.locator("a", has_text="Examples, ideas and metrics").get_attribute("href")
    page.get_by_text("Français", exact=True).click()
    page.get_by_text("Nos valeurs de service, votées en direct").wait_for()
    page.get_by_text("English").click()
    page.get_by_text("Our service values, voted live").wait_for()
    screenshot(page, name, guide=True)
    # The fixture fails the test if any request tried to leave 127.0.0.1.


def test_landing_without_a_key_offers_no_trainer_dashboard(elan_server, contexts):
    page = contexts(locale="fr-FR").new_page()
    page.goto(f"{elan_server.url}/voila/render/index.ipynb")
    page.wait_for_selector(".elan-title", timeout=90_000)
    page.get_by_text("Nos valeurs de service, votées en direct").wait_for()
    assert page.locator("a", has_text="Tableau de bord d’animation").count() == 0
    assert page.locator("a", has_text="Préparer et animer la journée").count() == 0
    assert page.locator("a", has_text="Éditeur de cas").count() == 0
    assert page.locator("a", has_text="Exemples, idées et indicateurs").count() == 0
    assert page.locator("a", has_text="En autonomie").count() == 4


def test_facilitator_guide_is_served(elan_server):
    response = elan_server.get("/guide/en/")
    assert response.status_code == 200
    assert "Facilitator guide" in response.text
    assert elan_server.get("/guide/fr/nothing-here").status_code == 404
