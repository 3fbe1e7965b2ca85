"""The landing page: the workshops, their purpose and length, and links to each."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets import content
from widgets.core.i18n import Translator
from widgets.ui.trainer import current


def landing(lang: str | None = None) -> w.VBox:
    """The workshops as cards, with a language switch (the browser's language by default)."""
    viewer = current(lang)
    box = w.VBox()
    switch = w.ToggleButtons(options=[("Français", "fr"), ("English", "en")], value=viewer.lang)

    def draw(lang: str) -> None:
        t = Translator(lang)
        workshops = content.load("workshops")["workshops"]
        base = viewer.base_url + "voila/render/"
        cards = []
        for ws in workshops:
            links = []
            if viewer.is_trainer:
                links.append((f"{base}{ws['dashboard']}?lang={lang}", t("core.landing_open_dashboard")))
            if ws.get("solo"):
                links.append((f"{base}{ws['solo']}?lang={lang}", t("core.landing_open_solo")))
            guide = ws["guide"].removesuffix(".md")
            links.append((f"{viewer.base_url}guide/{lang}/{guide}", t("core.landing_guide")))
            link_html = " · ".join(f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for href, label in links)
            group = content.text(ws.get("group"), lang) if ws.get("group") else ""
            cards.append(
                '<section class="elan-card" style="max-width:none">'
                f'<h2>{html.escape(content.text(ws["title"], lang))}</h2>'
                f'<p>{html.escape(content.text(ws["purpose"], lang))}</p>'
                f'<p class="elan-muted">{html.escape(t("core.landing_minutes", minutes=ws["minutes"]))}'
                f'{" · " + html.escape(group) if group else ""}</p>'
                f"<p>{link_html}</p></section>"
            )
        join = viewer.public_url.rstrip("/") + viewer.base_url + "join"
        box.children = [
            w.HTML(f'<h1 class="elan-title">{html.escape(t("core.landing_title"))}</h1>'
                   f'<p class="elan-big">{html.escape(t("core.landing_intro"))}</p>'),
            switch,
            w.HTML("".join(cards)),
            w.HTML(f'<p class="elan-big">{html.escape(t("core.landing_participants_address"))} '
                   f'<strong>{html.escape(join)}</strong></p>'),
        ]

    switch.observe(lambda ch: draw(ch["new"]), names="value")
    draw(viewer.lang)
    return box
