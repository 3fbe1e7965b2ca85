"""Printable pages: one sheet per card, A4 or US Letter, from a workshop's Jinja template.

A workshop's template extends ``print/base.html`` (kept here with ``print.css``) and fills
its ``sheets`` block with ``<section class="sheet">`` elements; every value is autoescaped.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from widgets.core.i18n import Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAPERS = ("a4", "letter")


def render(templates: Path, name: str, lang: str, paper: str, **values) -> str:
    """A printable page from ``templates/name``, in one language, on one paper size."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), jinja2.FileSystemLoader(str(TEMPLATES))]),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name).render(lang=lang, paper=paper, t=Translator(lang), **values)
