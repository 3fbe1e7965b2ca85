"""A signature pad on the trainer's screen: the trainer signs each half-day's sheet on the device.

The strokes travel as numbers (0..1 across the pad, as a participant's phone sends
them) and are checked like a participant's by :func:`attendance.sign_as_trainer`.

>>> pad = SignaturePad(label="Signature")
>>> pad.strokes
[]
"""

from __future__ import annotations

import pathlib

import anywidget
import traitlets


class SignaturePad(anywidget.AnyWidget):
    _esm = pathlib.Path(__file__).with_name("signature_pad.js")
    _css = pathlib.Path(__file__).with_name("signature_pad.css")
    strokes = traitlets.List(help="What was drawn: strokes of [x, y] points from 0 to 1.").tag(sync=True)
    label = traitlets.Unicode(help="What the pad is, for screen readers.").tag(sync=True)
    clear_label = traitlets.Unicode("×").tag(sync=True)

    def clear(self) -> None:
        self.strokes = []
