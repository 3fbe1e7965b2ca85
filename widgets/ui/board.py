"""The idea wall on the projector: cards as they arrive, hide one, merge likely duplicates."""

from __future__ import annotations

import ipywidgets as w

from widgets.core.i18n import Translator
from widgets.ui.templating import close_all, render


class CardWall(w.VBox):
    """Live idea cards of one activity, with the trainer's moderation.

    ``dash`` is the :class:`~widgets.ui.dashboard.Dashboard` (actions go through it,
    so the engine checks the trainer); ``update(results)`` takes the ``ideas`` results.
    """

    def __init__(self, dash, activity: str):
        self.dash = dash
        self.activity = activity
        self.t = Translator(dash.lang)
        self.wall = w.HTML()
        self.moderation = w.VBox()
        self.suggestions = w.VBox()
        self.summary = w.HTML()
        self._title = w.HTML(render("board_suggestions.html", t=self.t))
        # Rows are kept and updated in place: a refresh makes no widget for a row it already has
        # and closes the rows it drops (else every refresh leaves dozens of live widgets behind).
        self._merge_rows: dict[tuple, w.HBox] = {}
        self._card_rows: dict[int, w.HBox] = {}
        super().__init__([self.summary, self.wall, self.suggestions, self.moderation])

    def update(self, results: dict) -> None:
        cards = results.get("cards", [])
        by_id = {c["id"]: c for c in cards}
        visible = [c for c in cards if c["status"] == "visible" and not c["merged_into"]]
        merged: dict[int, int] = {}
        for card in cards:
            if card["merged_into"]:
                merged[card["merged_into"]] = merged.get(card["merged_into"], 0) + 1
        _set(
            self.summary,
            render("board_summary.html", t=self.t, visible=len(visible), authors=results.get("authors", 0)),
        )
        _set(self.wall, render("board_wall.html", cards=visible, merged=merged))

        groups = [tuple(group) for group in results.get("duplicates", [])]
        rows = [
            self._merge_row(group, " = ".join(f"« {by_id[i]['text']} »" for i in group if i in by_id))
            for group in groups
        ]
        self._drop(self._merge_rows, set(groups))
        _set_children(self.suggestions, [self._title] + rows if rows else [])

        shown = [card for card in cards if not card["merged_into"]]
        controls = [self._card_row(card) for card in shown]
        self._drop(self._card_rows, {card["id"] for card in shown})
        _set_children(self.moderation, controls)

    def _merge_row(self, group: tuple, texts: str) -> w.HBox:
        row = self._merge_rows.get(group)
        if row is None:
            button = w.Button(description=self.t("core.merge"), layout=w.Layout(width="auto"))
            button.on_click(lambda _, g=list(group): self.dash._act(self.dash.engine.merge, g[1:], g[0]))
            row = self._merge_rows[group] = w.HBox([button, w.Label()])
        _set(row.children[1], texts)
        return row

    def _card_row(self, card: dict) -> w.HBox:
        row = self._card_rows.get(card["id"])
        if row is None:
            button = w.Button(layout=w.Layout(width="110px"))
            label = w.Label(layout=w.Layout(width="auto"))
            row = self._card_rows[card["id"]] = w.HBox([button, label])
            row._elan_hidden = False
            button.on_click(
                lambda _, r=row, c=card["id"]: self.dash._act(
                    self.dash.engine.set_item_status, c, "visible" if r._elan_hidden else "hidden"
                )
            )
        button, label = row.children
        row._elan_hidden = card["status"] == "hidden"
        _set(button, self.t("core.show_card" if row._elan_hidden else "core.hide_card"), "description")
        _set(label, card["text"])
        if row._elan_hidden:
            label.add_class("elan-muted")
        else:
            label.remove_class("elan-muted")
        return row

    @staticmethod
    def _drop(rows: dict, keep: set) -> None:
        for key in [k for k in rows if k not in keep]:
            close_all(rows.pop(key))


def _set(widget: w.Widget, value: str, name: str = "value") -> None:
    """Change a trait only when it differs (an equal value would still be sent to the browser)."""
    if getattr(widget, name) != value:
        setattr(widget, name, value)


def _set_children(box: w.Box, children: list) -> None:
    if list(box.children) != children:
        box.children = children
