"""The self-paced notebooks are short lessons in the Carpentries' shape, readable in JupyterLab and in Voilà."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from widgets.core.i18n import Translator

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "workshops").glob("*/solo.ipynb"))
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)


def markdown(nb) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.parent.name)
def test_each_lesson_has_the_carpentries_shape(path):
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    title = cells[0].source
    assert title.startswith("# ")
    assert re.search(r"Durée\u00a0:\*\* \d+ min de lecture · \d+ min d’exercices", title)
    assert re.search(r"Time:\*\* \d+ min reading · \d+ min exercises", title)
    assert "### Questions" in cells[1].source and "### Objectifs · Objectives" in cells[1].source
    code = [i for i, cell in enumerate(cells) if cell.cell_type == "code"]
    assert len(code) == 1, "one exercise widget: the rest is narrative"
    at = code[0]
    # Narrative that teaches before the exercise and between its parts, a challenge with its solution, key points.
    assert sum(cell.cell_type == "markdown" for cell in cells[2:at]) >= 2
    after = markdown(nbformat.from_dict({**nb, "cells": cells[at + 1 :]}))
    assert any("Exercice 2 · Exercise 2" in text for text in after)
    assert any("<details><summary>Solution</summary>" in text for text in after)
    assert cells[-1].source.startswith("## Points clés · Key points")
    assert len(cells[at].source.splitlines()) <= 3  # thin: an import and the view


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.parent.name)
def test_each_lesson_is_in_both_languages_with_french_typography(path):
    nb = nbformat.read(path, as_version=4)
    for text in markdown(nb):
        french = [
            line for line in text.splitlines() if line.strip() and not line.lstrip().startswith((">", "*", "#", "<"))
        ]
        english = [line for line in text.splitlines() if line.lstrip().startswith(("> ", "*"))]
        assert english or text.startswith("# "), text[:80]
        for line in french:
            # A no-break space (or a narrow one) before : ; ! ? in French; never a plain space.
            assert not re.search(r" [:;!?](\s|$)", line), line
            assert "« " not in line and " »" not in line, line


@pytest.mark.browser
def test_a_lesson_reads_as_a_voila_app(elan_server, contexts):
    page = contexts(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{elan_server.url}/voila/render/cases/solo.ipynb?lang=en")
    expect(page.locator("h3", has_text="Questions")).to_be_visible(timeout=KERNEL_WAIT)
    expect(page.locator("h2", has_text="Points clés · Key points")).to_have_count(1)
    play = page.locator("button", has_text=Translator("en")("cases.solo_play"))
    expect(play.first).to_be_visible(timeout=KERNEL_WAIT)  # the exercise widget, between the narrative cells
    assert page.locator("details").count() == 1  # the challenge's solution stays folded
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0  # no code on the page
    page.locator("h2", has_text="Exercice 2").scroll_into_view_if_needed()
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "lesson-cases-voila.png"))
