"""A light live chart: plotly.js served once as a static file, only the figure travels.

plotly's ``FigureWidget`` carries the whole 5 MB plotly.js bundle as widget state on
every page view; this widget sends the figure's JSON only.

>>> import plotly.graph_objects as go
>>> chart = Chart(go.Figure(go.Bar(x=["a"], y=[1])))
>>> chart.figure["data"][0]["type"]
'bar'
"""

from __future__ import annotations

import html
import json
import os
import pathlib

import anywidget
import traitlets


def plotly_url() -> str:
    base = os.environ.get("VOILA_BASE_URL") or os.environ.get("ELAN_BASE_URL") or "/"
    return base.rstrip("/") + "/elan/vendor/plotly.min.js"


class Chart(anywidget.AnyWidget):
    """Shows a plotly figure; ``update(fig)`` redraws it in place."""

    _esm = pathlib.Path(__file__).with_name("chart.js")
    figure = traitlets.Dict(help="The figure as plotly JSON (data and layout).").tag(sync=True)
    plotly_url = traitlets.Unicode(help="Where the browser loads plotly.js from.").tag(sync=True)

    def __init__(self, fig=None, **kwargs):
        super().__init__(plotly_url=plotly_url(), **kwargs)
        if fig is not None:
            self.update(fig)

    def update(self, fig) -> None:
        # Through JSON so numpy arrays and dates become plain values the widget can send.
        self.figure = fig if isinstance(fig, dict) else json.loads(fig.to_json())


def label(text: str) -> str:
    """Participant text made safe for a plotly label (plotly reads a subset of HTML)."""
    return html.escape(str(text), quote=False).replace("$", "&#36;")
