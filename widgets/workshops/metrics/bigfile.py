"""The lab's file button: the browser sends the file to the server in chunks, with progress, then the kernel reads it.

A widget's own upload travels in one websocket message, which the server drops past
about 10 MB: the person saw nothing happen. Here the page sends the file itself
(``widgets.web.upload``), shows how much has arrived, and says why when the server
refuses it (too large for this page, too many uploads); the kernel gets only the
upload's id and reads the file from the server's disk.
"""

from __future__ import annotations

import os
import pathlib

import anywidget
import traitlets

from widgets.core.i18n import Translator

#: The interface strings the page needs, by the keys the server's refusals use.
_TEXTS = (
    "load_export",
    "upload_sending",
    "upload_received",
    "upload_failed",
    "upload_empty",
    "upload_busy",
    "upload_too_many",
    "upload_full",
    "upload_unknown",
    "upload_out_of_order",
    "error_too_large",
)


def uploads_url() -> str:
    base = os.environ.get("VOILA_BASE_URL") or os.environ.get("ELAN_BASE_URL") or "/"
    return base.rstrip("/") + "/elan/api/uploads"


class BigUpload(anywidget.AnyWidget):
    """A file button whose file goes to the server in chunks; ``upload_id`` and ``name`` are set once it has arrived."""

    _esm = pathlib.Path(__file__).with_name("bigfile.js")
    _css = pathlib.Path(__file__).with_name("bigfile.css")
    url = traitlets.Unicode().tag(sync=True)
    accept = traitlets.Unicode(".csv,.xlsx,.xlsm,.txt").tag(sync=True)
    texts = traitlets.Dict().tag(sync=True)
    upload_id = traitlets.Unicode("").tag(sync=True)
    name = traitlets.Unicode("").tag(sync=True)
    size = traitlets.Int(0).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)  # the refusal, as the page showed it
    status = traitlets.Unicode("").tag(sync=True)  # what the kernel made of the file, shown in place of "reading it"

    def __init__(self, lang: str, **kwargs):
        t = Translator(lang)
        texts = {f"metrics.{key}": t.strings[f"metrics.{key}"] for key in _TEXTS}
        super().__init__(url=uploads_url(), texts=texts, **kwargs)
