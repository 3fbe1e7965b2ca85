"""The landing page: the workshops, their purpose and length, and links to each."""

from __future__ import annotations

import ipywidgets as w

from widgets import content
from widgets.content import manifests
from widgets.core.i18n import Translator
from widgets.core.languages import LANGUAGES, NAMES
from widgets.ui.templating import render
from widgets.ui.trainer import current


def landing(lang: str | None = None) -> w.VBox:
    """The workshops as cards, with a language switch (the browser's language by default)."""
    viewer = current(lang)
    box = w.VBox()
    switch = w.ToggleButtons(
        options=[(NAMES[code], code) for code in LANGUAGES], value=viewer.lang, style={"button_width": "auto"}
    )

    switch.add_class("elan-lang-switch")
    intro, cards, join = w.HTML(), w.HTML(), w.HTML()
    box.children = [intro, switch, cards, join]

    def draw(lang: str) -> None:
        t = Translator(lang)
        base = viewer.base_url + "voila/render/"
        out = []
        for ws in manifests.workshops():
            links = []
            if viewer.is_trainer:
                links.append((f"{base}{ws.dashboard}?lang={lang}", t("core.landing_open_dashboard")))
            if ws.solo:
                links.append((f"{base}{ws.solo}?lang={lang}", t("core.landing_open_solo")))
            links.append((f"{viewer.base_url}guide/{lang}/{ws.guide[0]}", t("core.landing_guide")))
            out.append(_card(ws, lang, t("core.landing_minutes", minutes=ws.minutes), links))
        if viewer.is_trainer:
            # The programme (the day) chains the workshops: composed and run from its own trainer page.
            for day in manifests.programme():
                links = [
                    (f"{base}{day.dashboard}?lang={lang}", t("core.landing_open_day")),
                    (f"{viewer.base_url}guide/{lang}/{day.guide[0]}", t("core.landing_guide")),
                ]
                out.append(_card(day, lang, content.text(day.length, lang) if day.length else "", links))
            # The organisation's own content, without YAML: the case editor and the content forms side by side.
            out.append(
                {
                    "id": "own-content",
                    "title": t("core.landing_own_title"),
                    "purpose": t("core.landing_own_purpose"),
                    "minutes": t("core.landing_own_length"),
                    "group": "",
                    "links": [
                        (f"{base}cases/editor.ipynb?lang={lang}", t("core.landing_open_case_editor")),
                        (f"{base}content/editor.ipynb?lang={lang}", t("core.landing_open_content_forms")),
                        (f"{viewer.base_url}guide/{lang}/own-cases", t("core.landing_guide")),
                    ],
                }
            )
        # Updated in place: switching languages makes no new widget.
        intro.value = render("landing_intro.html", t=t)
        cards.value = render("landing_cards.html", cards=out, lang=lang)
        join.value = render("landing_join.html", t=t, join=viewer.public_url.rstrip("/") + viewer.base_url + "join")

    switch.observe(lambda ch: draw(ch["new"]), names="value")
    draw(viewer.lang)
    return box


def _card(ws: manifests.Manifest, lang: str, length: str, links: list[tuple[str, str]]) -> dict:
    """One workshop's card, its texts in ``lang``."""
    return {
        "id": ws.id,
        "title": content.text(ws.title, lang),
        "purpose": content.text(ws.purpose, lang),
        "minutes": length,
        "group": content.text(ws.group, lang) if ws.group else "",
        "links": links,
    }
