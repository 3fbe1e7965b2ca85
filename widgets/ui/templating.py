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
