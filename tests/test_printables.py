"""Printed role-play cards, observer grids and idea cards: each role sees what it may know, one sheet per page."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.fixtures_browser import ARTIFACTS
from widgets import content
from widgets.live.exercises import casebook
from widgets.ui import printing
from widgets.workshops.cases import printables
from widgets.workshops.week import printables as week_printables


def sections(html: str) -> dict[str, str]:
    """Each printed sheet's HTML, by its role (customer, adviser, observer, grid)."""
    found = re.findall(r'<section class="sheet[^"]*"[^>]*data-role="([a-z]+)">(.*?)</section>', html, flags=re.DOTALL)
    return dict(found)


@pytest.fixture
def case():
    return casebook.get_case("billing-double-charge")


def test_each_role_card_holds_what_that_role_may_know(case):
    cards = sections(printables.case_cards([case], "en"))
    assert set(cards) == {"customer", "adviser", "observer", "grid"}
    opening = case["steps"][0]
    response = opening["responses"][0]
    situation = case["customer"]["situation"]["en"]
    # The customer knows who they are and how to react to each kind of answer, never the expert's feedback.
    assert situation in cards["customer"]
    assert response["text"]["en"] in cards["customer"]
    assert response["feedback"]["en"] not in cards["customer"]
    # The adviser knows the screen (context) and the first message: not the customer's reactions.
    assert case["context"]["en"] in cards["adviser"]
    assert opening["situation"]["en"] in cards["adviser"]
    assert response["text"]["en"] not in cards["adviser"]
    assert "you calm down" not in cards["adviser"]
    # The observer knows the whole situation and what the debrief will look at.
    assert situation in cards["observer"] and case["context"]["en"] in cards["observer"]
    assert case["debrief"]["points"][0]["text"]["en"] in cards["observer"]


def test_the_observer_grid_is_built_from_the_case_competences_and_steps(case):
    grid = sections(printables.case_cards([case], "fr"))["grid"]
    stake = printables.competences(case)
    assert stake  # every bundled case puts competences at stake
    assert grid.count('<tr><th scope="row">') == len(stake) + len(case["debrief"]["principles"])
    assert grid.count('<td class="marks">') == len(stake) * len(case["steps"])
    assert "Étape 5" in grid if len(case["steps"]) >= 5 else "Étape 1" in grid
    still = dict(
        case,
        steps=[
            dict(s, responses=[dict(r, effects=dict(r["effects"], speed=0)) for r in s["responses"]])
            for s in case["steps"]
        ],
    )
    assert "speed" not in printables.competences(still)  # a competence no answer moves is not graded


def test_an_organisation_case_prints_and_its_text_is_escaped(tmp_path, monkeypatch):
    own = yaml.safe_load((content.BUNDLED / "cases" / "billing-double-charge.yaml").read_text(encoding="utf-8"))
    own["id"] = "acme-tags"
    own["customer"]["name"] = "<b>Zoé</b>"
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "acme-tags.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(tmp_path))
    html = printables.case_cards([casebook.get_case("acme-tags")], "fr", roles=("adviser",))
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in html and "<b>Zoé" not in html
    assert set(sections(html)) == {"adviser"}


def test_unknown_papers_and_roles_are_refused(case):
    with pytest.raises(ValueError, match="paper"):
        printables.case_cards([case], "fr", paper="a5")
    with pytest.raises(ValueError, match="role"):
        printables.case_cards([case], "fr", roles=("manager",))


def _pdf(browser, html: str) -> bytes:
    page = browser.new_page()
    try:
        page.set_content(html)
        return page.pdf(prefer_css_page_size=True)
    finally:
        page.close()


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height, in points, of every page of a PDF as Chromium writes it."""
    count = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    boxes = [tuple(float(x) for x in m.split()[2:4]) for m in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)]
    assert len(boxes) == count, (len(boxes), count)
    return boxes


PAPER_POINTS = {"a4": (595.9, 842.0), "letter": (612.0, 792.0)}


@pytest.mark.browser
@pytest.mark.parametrize("paper", printing.PAPERS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_case_card_and_grid_prints_on_one_page_of_its_own(browser, lang, paper):
    cases = casebook.load_cases()
    html = printables.case_cards(cases, lang, paper=paper)
    sheets = html.count('<section class="sheet')
    assert sheets == 4 * len(cases)
    pages = _pages(_pdf(browser, html))
    assert len(pages) == sheets  # one page per card: a card that spills over would add a page
    width, height = PAPER_POINTS[paper]
    assert all(abs(w - width) < 1.5 and abs(h - height) < 1.5 for w, h in pages), pages[:2]


@pytest.mark.browser
@pytest.mark.parametrize("paper", printing.PAPERS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_idea_card_prints_on_one_page_of_its_own(browser, lang, paper):
    html = week_printables.idea_cards(lang, paper=paper)
    ideas = content.load("week/ideas")["ideas"]
    assert html.count('<section class="sheet idea"') == len(ideas)
    assert len(_pages(_pdf(browser, html))) == len(ideas)


@pytest.mark.browser
def test_printed_cards_look_like_cards(browser):
    # A4 at 96 dpi, minus the margins: what a person sees on paper, kept for a look.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 688, "height": 1017})
    try:
        page.emulate_media(media="print")
        page.set_content(printables.case_cards([casebook.get_case("billing-double-charge")], "fr"))
        page.screenshot(path=str(ARTIFACTS / "print-case-cards-fr.png"), full_page=True)
        page.set_content(week_printables.idea_cards("en", ids=[content.load("week/ideas")["ideas"][0]["id"]]))
        page.screenshot(path=str(ARTIFACTS / "print-idea-card-en.png"), full_page=True)
        # Nothing is cut at the right edge: no sheet is wider than the paper.
        assert page.evaluate("Math.max(...[...document.querySelectorAll('.sheet')].map(s => s.scrollWidth))") <= 688
    finally:
        page.close()
