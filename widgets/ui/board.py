"""The idea wall on the projector: cards as they arrive, hide one, merge likely duplicates."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.core.i18n import Translator


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
        super().__init__([self.summary, self.wall, self.suggestions, self.moderation])

    def update(self, results: dict) -> None:
        cards = results.get("cards", [])
        by_id = {c["id"]: c for c in cards}
        visible = [c for c in cards if c["status"] == "visible" and not c["merged_into"]]
        merged = {}
        for card in cards:
            if card["merged_into"]:
                merged.setdefault(card["merged_into"], []).append(card)
        self.summary.value = f'<p class="elan-counts">{len(visible)} · {html.escape(self.t("core.participants_count", n=results.get("authors", 0)))}</p>'
        tiles = []
        for card in visible:
            extra = f' <span class="elan-muted">+{len(merged[card["id"]])}</span>' if card["id"] in merged else ""
            author = f'<br><small class="elan-muted">{html.escape(card["author"])}</small>' if card.get("author") else ""
            tiles.append(f'<div class="elan-card" data-card="{card["id"]}">{html.escape(card["text"])}{extra}{author}</div>')
        self.wall.value = f'<div class="elan-wall">{"".join(tiles)}</div>'

        rows = []
        for group in results.get("duplicates", []):
            texts = " = ".join(f"« {by_id[i]['text']} »" for i in group if i in by_id)
            button = w.Button(description=self.t("core.merge"), layout=w.Layout(width="auto"))
            button.on_click(lambda _, g=list(group): self.dash._act(self.dash.engine.merge, g[1:], g[0]))
            rows.append(w.HBox([button, w.Label(texts)]))
        self.suggestions.children = (
            [w.HTML(f"<h3>{html.escape(self.t('core.merge_suggestions'))}</h3>")] + rows if rows else []
        )

        controls = []
        for card in cards:
            if card["merged_into"]:
                continue
            hidden = card["status"] == "hidden"
            button = w.Button(
                description=self.t("core.show_card" if hidden else "core.hide_card"),
                layout=w.Layout(width="110px"),
            )
            button.on_click(
                lambda _, c=card["id"], h=hidden: self.dash._act(
                    self.dash.engine.set_item_status, c, "visible" if h else "hidden"
                )
            )
            label = w.Label(card["text"], layout=w.Layout(width="auto"))
            if hidden:
                label.add_class("elan-muted")
            controls.append(w.HBox([button, label]))
        self.moderation.children = controls
