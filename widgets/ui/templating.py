"""HTML fragments of the trainer's views, from Jinja templates in ``widgets/ui/templates/`` (autoescaped)."""

from __future__ import annotations

import functools
from pathlib import Path

import ipywidgets as w
import jinja2

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@functools.cache
def macros(folder: Path, name: str):
    """The macros of ``folder/name`` (a workshop's HTML pieces), autoescaped, loaded once."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    return env.get_template(name).module


def render(name: str, **values) -> str:
    """A fragment: participant text in ``values`` stays text (autoescape)."""
    return _TEMPLATES.get_template(name).render(**values)


def close_all(widget: w.Widget) -> None:
    """Close a widget and everything inside it (a replaced widget left open lives on in the kernel)."""
    for child in getattr(widget, "children", ()):
        close_all(child)
    widget.close()
