"""The join panel for the projector: code in large type, QR code, address, who is here."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.core import qr
from widgets.core.i18n import Translator
from widgets.ui.templating import render


class JoinPanel(w.HBox):
    """Shows how to join a session and how many people did; ``show(code, url)``, ``counts(...)``.

    Large (QR code, code and address in big type) while people join; a one-line strip
    afterwards (``set_large(False)``), so the step's result fits the projector unscrolled.
    """

    def __init__(self, lang: str):
        self.t = Translator(lang)
        self.large = True
        self._shown: tuple[str | None, str | None] = (None, None)
        self.qr = w.HTML(layout=w.Layout(width="280px"))
        self.qr.add_class("elan-qr")
        self.text = w.HTML()
        self.count = w.HTML()
        self.count.add_class("elan-counts")
        super().__init__([self.qr, w.VBox([self.text, self.count])], layout=w.Layout(align_items="center"))

    def set_large(self, large: bool) -> None:
        self.large = bool(large)
        self.show(*self._shown)

    def show(self, code: str | None, url: str | None) -> None:
        self._shown = (code, url)
        if not code:
            self.qr.value = ""
            self.text.value = render("join_panel.html", t=self.t, code=None)
            return
        address = url.split("/join/")[0] + "/join"
        if not self.large:
            self.qr.value = ""
            self.qr.layout.width = "0px"
            self.text.value = render("join_panel.html", t=self.t, code=code, address=address, strip=True)
            return
        self.qr.layout.width = "280px"
        # The SVG is made here from our own address: no participant text in it.
        self.qr.value = render("join_qr.html", t=self.t, url=url, svg=qr.svg(url))
        self.text.value = render("join_panel.html", t=self.t, code=code, address=address, strip=False)

    def counts(self, joined: int, connected: int, answered: int) -> None:
        t = self.t
        self.count.value = " · ".join(
            html.escape(s)
            for s in (
                t("core.participants_count", n=joined),
                t("core.connected_count", n=connected),
                t("core.answered_count", n=answered),
            )
        )
