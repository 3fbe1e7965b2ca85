"""HTML fragments of the trainer's views, from Jinja templates in ``widgets/ui/templates/`` (autoescaped)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Literal

import ipywidgets as w
import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"

Output = Literal["html", "print", "text"]
#: One set-up per kind of output. HTML fragments and printable pages are autoescaped (participant
#: text stays text) and their styles live in files beside the templates; "text" writes files that are
#: not HTML (YAML, JSON, Python, Markdown a tool generates), where a missing value is an error.
_SETTINGS: dict[str, dict[str, Any]] = {
    "html": {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
    "print": {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True},
    "text": {"autoescape": False, "keep_trailing_newline": True, "undefined": jinja2.StrictUndefined},
}


@functools.cache
def environment(output: Output, *folders: Path) -> jinja2.Environment:
    """The Jinja environment for one kind of output over folders of templates (the first wins), made once.

    >>> environment("html", TEMPLATES).autoescape, environment("text", TEMPLATES).autoescape
    (True, False)
    """
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder in folders])
    return jinja2.Environment(loader=loader, **_SETTINGS[output])


@functools.cache
def macros(folder: Path, name: str):
    """The macros of ``folder/name`` (a workshop's HTML pieces), autoescaped, loaded once."""
    return environment("html", folder).get_template(name).module


def render(name: str, **values) -> str:
    """A fragment: participant text in ``values`` stays text (autoescape)."""
    return environment("html", TEMPLATES).get_template(name).render(**values)


def _parts(widget: w.Widget):
    """What a widget is made of, each a widget of its own in the browser: its children, layout and style."""
    yield from getattr(widget, "children", ())
    for name in ("layout", "style"):
        part = getattr(widget, name, None)
        if isinstance(part, w.Widget):
            yield part


def close_all(widget: w.Widget, keep: frozenset[int] = frozenset()) -> None:
    """Close a widget and what it is made of, except the widgets whose ``id`` is in ``keep``.

    A replaced widget left open lives on in the kernel and in the browser's widget manager: a form drawn
    again at each change would pile up hundreds of them a minute. A layout or style given to several
    widgets must not be closed with one of them: the kit builds each where it is used.
    """
    if id(widget) in keep:
        return
    for part in list(_parts(widget)):
        close_all(part, keep)
    widget.close()


def replace_children(box: w.Box, children: list, *, kept: tuple = ()) -> None:
    """Show ``children`` in ``box``; what it showed before is closed at the next replacement, unless shown again.

    For boxes whose children are made anew at each drawing: a widget closed here cannot be shown again, so the
    widgets the box shows now and then (a preview, a button) are named in ``kept`` and never closed.
    Closing waits one drawing: a click on a button the browser still shows, sent just as the kernel drew the
    box again, reaches its handler instead of a closed widget (it would be lost, unseen).

    >>> box = w.VBox([w.HTML("first")])
    >>> first, kept = box.children[0], w.HTML("kept")
    >>> replace_children(box, [kept])
    >>> first.comm is not None  # retired, still answering a late click
    True
    >>> replace_children(box, [kept, w.HTML("third")])
    >>> first.comm is None, first.layout.comm is None, kept.comm is not None
    (True, True, True)
    """
    children = list(children)
    old = list(box.children)
    if old == children:
        return
    box.children = children
    shown, stack = set(), [*children, *kept]
    while stack:
        widget = stack.pop()
        if id(widget) not in shown:
            shown.add(id(widget))
            stack.extend(_parts(widget))
    keep = frozenset(shown)
    for widget in getattr(box, "_elan_retired", ()):
        close_all(widget, keep)
    box._elan_retired = [widget for widget in old if id(widget) not in keep]
