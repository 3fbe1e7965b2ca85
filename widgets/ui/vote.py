"""A dot vote on the projector: how many have voted while results are hidden, the ranking once revealed."""

from __future__ import annotations

import ipywidgets as w

from widgets.ui.chart import Chart
from widgets.ui.results import ranking_bars
from widgets.ui.templating import render


class DotVoteResults(w.VBox):
    """Live results of one ``dots`` activity; ``refresh()`` redraws them from the store.

    ``area`` names the workshop's strings ``<area>.voters_count`` and ``<area>.votes_hidden``.
    Hidden by default (to avoid group-think), shown when the trainer reveals them.
    """

    def __init__(self, dash, activity: str, area: str, *, above: list | None = None, below: list | None = None):
        self.dash, self.activity, self.area = dash, activity, area
        self.status = w.HTML()
        self.chart = Chart()
        super().__init__([*(above or []), self.status, self.chart, *(below or [])])

    def refresh(self) -> None:
        results = self.dash.results(self.activity)
        voters = results.get("voters", 0)
        shown = self.dash.is_revealed(self.activity)
        self.chart.layout.display = None if shown else "none"
        if shown:
            self.chart.update(ranking_bars(results))
            text = self.dash.t(f"{self.area}.voters_count", n=voters)
        else:
            text = self.dash.t(f"{self.area}.votes_hidden", n=voters)
        self.status.value = render("vote_status.html", shown=shown, text=text)
