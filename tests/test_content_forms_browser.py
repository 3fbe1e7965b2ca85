"""A trainer edits the organisation's examples and ideas in the content forms (Voilà, Chromium), and the room gets them."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.fixtures_browser import screenshot
from tests.fixtures_server import ElanServer
from tests.test_participant_browser import _axe
from widgets import content

pytestmark = pytest.mark.browser

KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000


@pytest.fixture
def server(tmp_path):
    # A short folder name, as an organisation would have: the screenshots show it.
    org = Path(tempfile.mkdtemp(prefix="acme-contenu-"))
    running = ElanServer(tmp_path / "data", env={"ELAN_CONTENT_DIR": str(org)}).start()
    yield running, org
    running.stop()
    shutil.rmtree(org)


def field(page, *path, kind="textarea"):
    return page.locator(f".elan-forms-{'-'.join(str(p) for p in path)} {kind}")


def row(page, item_id):
    return page.locator(f".elan-forms-row-{item_id}")


def open_forms(page, srv, lang="fr"):
    page.goto(f"{srv.url}/voila/render/content/editor.ipynb?key={srv.key}&lang={lang}")
    expect(page.locator(".elan-forms-document select")).to_be_visible(timeout=KERNEL_WAIT)


def test_a_trainer_adds_an_idea_replaces_and_hides_examples_and_the_room_gets_them(server, contexts):
    srv, org = server
    page = contexts(viewport={"width": 1440, "height": 900}).new_page()
    open_forms(page, srv)

    # The values examples: Disney replaced by Acme's copy, Nintendo hidden.
    expect(row(page, "disney").locator(".elan-forms-origin")).to_have_text("kit", timeout=WAIT)
    row(page, "disney").locator(".elan-forms-replace").click()
    expect(row(page, "disney").locator(".elan-forms-origin")).to_have_text("remplacé", timeout=WAIT)
    field(page, "organisation", "fr").fill("Disney, vu par Acme")
    field(page, "organisation", "en").fill("Disney, as Acme sees it")
    row(page, "nintendo").locator(".elan-forms-hide").click()
    expect(row(page, "nintendo").locator(".elan-forms-origin")).to_have_text("masqué", timeout=WAIT)
    expect(page.locator(".elan-forms-ok")).to_be_visible(timeout=WAIT)
    page.locator(".elan-forms-save").click()
    expect(page.locator(".elan-forms-message .elan-forms-saved")).to_contain_text("examples.yaml", timeout=WAIT)

    # The week's ideas: a new one, first broken (a role no one has, the English of "why" left out).
    page.locator(".elan-forms-document select").select_option(
        label="Semaine du service client : les idées de célébration"
    )
    expect(row(page, "kickoff-breakfast")).to_be_visible(timeout=WAIT)
    page.locator(".elan-forms-new-id input").fill("acme-quiz")
    page.locator(".elan-forms-add").click()
    expect(row(page, "acme-quiz").locator(".elan-forms-origin")).to_have_text("organisation", timeout=WAIT)
    for name in ("title", "what", "why"):
        field(page, name, "fr").fill(f"Quiz Acme ({name})")
    field(page, "title", "en").fill("Acme quiz (title)")
    field(page, "what", "en").fill("Acme quiz (what)")
    involves = field(page, "involves", kind="input")
    involves.fill("personne")
    involves.press("Enter")
    expect(page.locator(".elan-forms-why-en.elan-editor-missing")).to_be_visible(timeout=WAIT)
    expect(page.locator(".elan-forms-checks")).to_contain_text("ideas[10].why.en", timeout=WAIT)
    # The page is French: so are the checks (the same messages as elan validate --lang fr).
    expect(page.locator(".elan-forms-checks")).to_contain_text("traduction manquante")
    expect(page.locator(".elan-forms-save")).to_be_disabled()
    screenshot(page, "content-forms-flagged.png")
    field(page, "why", "en").fill("Acme quiz (why)")
    expect(page.locator(".elan-forms-why-en.elan-editor-missing")).to_have_count(0, timeout=WAIT)
    # The schema is content now; the week's own check names the unknown role, as elan validate does.
    expect(page.locator(".elan-forms-checks")).to_contain_text("rôle inconnu", timeout=WAIT)
    expect(page.locator(".elan-forms-checks")).to_contain_text("personne")
    expect(page.locator(".elan-forms-save")).to_be_disabled()
    assert not (org / "week" / "ideas.yaml").exists()
    involves.fill("all-staff, front-line")
    involves.press("Enter")
    expect(page.locator(".elan-forms-ok")).to_be_visible(timeout=WAIT)
    page.locator(".elan-forms-save").click()
    expect(page.locator(".elan-forms-message .elan-forms-saved")).to_contain_text("ideas.yaml", timeout=WAIT)
    screenshot(page, "content-forms.png", guide=True)

    saved = yaml.safe_load((org / "week" / "ideas.yaml").read_text(encoding="utf-8"))
    assert [i["id"] for i in saved["ideas"]] == ["acme-quiz"]
    assert saved["ideas"][0]["involves"] == ["all-staff", "front-line"]
    hidden = yaml.safe_load((org / "organisation.yaml").read_text(encoding="utf-8"))["hide"]
    assert hidden == {"values/examples": ["nintendo"]}

    # Opened again (a new kernel reads the folder): the merged content, each item with its origin.
    again = contexts(viewport={"width": 1440, "height": 900}).new_page()
    open_forms(again, srv, lang="en")
    expect(row(again, "disney").locator(".elan-forms-origin")).to_have_text("replaced", timeout=WAIT)
    expect(row(again, "disney")).to_contain_text("Disney, as Acme sees it")
    expect(row(again, "nintendo").locator(".elan-forms-origin")).to_have_text("hidden")
    expect(row(again, "ritz-carlton").locator(".elan-forms-origin")).to_have_text("kit")
    again.locator(".elan-forms-document select").select_option(label="Customer Service Week: the celebration ideas")
    expect(row(again, "acme-quiz").locator(".elan-forms-origin")).to_have_text("organisation", timeout=WAIT)
    expect(row(again, "acme-quiz")).to_contain_text("Acme quiz (title)")
    row(again, "acme-quiz").locator(".elan-forms-edit").click()
    expect(field(again, "title", "en")).to_have_value("Acme quiz (title)", timeout=WAIT)
    # The Québec texts, asked for: a third box beside each pair, which may stay empty.
    assert field(again, "title", "fr-CA").count() == 0
    again.locator(".elan-forms-variants input").check()
    field(again, "title", "fr-CA").fill("Quiz Acme (titre du Québec)")
    expect(field(again, "what", "fr-CA")).to_have_value("")
    expect(again.locator(".elan-forms-ok")).to_be_visible(timeout=WAIT)
    screenshot(again, "content-forms-quebec.png")
    assert _axe(again) == []
    # On a smaller screen: the same list and form, the missing translation in view.
    small = contexts(viewport={"width": 1280, "height": 720}).new_page()
    open_forms(small, srv, lang="en")
    small.locator(".elan-forms-document select").select_option(label="Customer Service Week: the celebration ideas")
    row(small, "acme-quiz").locator(".elan-forms-edit").click()
    field(small, "why", "en").fill("")
    expect(small.locator(".elan-forms-why-en.elan-editor-missing")).to_be_visible(timeout=WAIT)
    screenshot(small, "content-forms-1280.png")
    assert _axe(small) == []


def test_the_cases_dashboard_shows_the_organisation_s_case_with_a_badge(server, contexts):
    srv, org = server
    case = yaml.safe_load((content.BUNDLED / "cases" / "billing-double-charge.yaml").read_text(encoding="utf-8"))
    case["id"] = "acme-late-delivery"
    case["title"] = {"fr": "Livraison en retard chez Acme", "en": "A late delivery at Acme"}
    (org / "cases").mkdir()
    (org / "cases" / "acme-late-delivery.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    code = srv.create_session("cases", "en")
    page = contexts(viewport={"width": 1440, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{srv.url}/voila/render/cases/trainer.ipynb?key={srv.key}&code={code}&lang=en")
    mine = page.locator(".elan-case-acme-late-delivery")
    expect(mine.locator(".elan-origin-organisation")).to_have_text("Your organisation’s case", timeout=KERNEL_WAIT)
    expect(page.locator(".elan-case-billing-double-charge .elan-origin")).to_have_count(0)
    mine.scroll_into_view_if_needed()
    screenshot(page, "cases-pick-origin.png")
