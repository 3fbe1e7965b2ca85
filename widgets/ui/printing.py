"""Printable pages: one sheet per card, A4 or US Letter, from a workshop's Jinja template.

A workshop's template extends ``print/base.html`` (kept here with ``print.css``) and fills
its ``sheets`` block with ``<section class="sheet">`` elements; every value is autoescaped.
"""

from __future__ import annotations

from pathlib import Path

from widgets.core.i18n import Translator
from widgets.ui.templating import environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAPERS = ("a4", "letter")


def render(templates: Path, name: str, lang: str, paper: str, **values) -> str:
    """A printable page from ``templates/name``, in one language, on one paper size."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    env = environment("print", Path(templates), TEMPLATES)  # the workshop's templates, then print/base.html
    return env.get_template(name).render(lang=lang, paper=paper, t=Translator(lang), **values)
