"""The metrics workshop's HTML snippets, from the Jinja templates beside this module (every value escaped).

>>> render("text.html", text="<b>", css="elan-big")
'<p class="elan-big">&lt;b&gt;</p>'
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )


def render(template: str, /, **values) -> str:
    """One of the workshop's templates, rendered with ``values`` (escaped by Jinja's autoescape)."""
    return _environment().get_template(template).render(**values).strip()
