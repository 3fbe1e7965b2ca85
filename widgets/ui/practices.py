"""The five good practices, as a self-assessment any workshop can open at its start or its end.

Each person rates the team on each practice (the ``rate`` kind, one target: "our team
today"); the projector shows the room's profile (mean, spread, answers per practice)
once the trainer reveals it, with the debrief questions. The practices, the scale
and the questions are content (``datasets/practices/self-assessment.yaml``).

>>> spec = activity("en")
>>> spec["kind"], [c["id"] for c in spec["criteria"]][:2]
('rate', ['leadership', 'people'])
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import plotly.graph_objects as go
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape

from widgets import content
from widgets.core import i18n
from widgets.ui.chart import Chart, label
from widgets.ui.phase import Phase

CONTENT = "practices/self-assessment"
ACTIVITY = "practices"
TEAM = "team"
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())


def activity(lang: str | None = None) -> dict:
    """The ``rate`` activity the phones show: one target (the team), one criterion per practice."""
    doc = content.load(CONTENT)
    return {
        "kind": "rate",
        "id": ACTIVITY,
        "title": doc["title"],
        "prompt": doc["prompt"],
        "targets": [{"id": TEAM, "label": doc["target"]}],
        "criteria": [{"id": p["id"], "label": p["label"], "help": p["help"]} for p in doc["practices"]],
        "scale": doc["scale"],
    }


def profile(results: dict) -> dict[str, dict]:
    """Practice id -> ``{"mean", "spread", "n"}`` for the team (empty entries before anyone answers).

    >>> profile({"targets": [{"id": "team", "criteria": {"people": {"n": 2, "mean": 3.5, "spread": 0.5}}}]})
    {'people': {'n': 2, 'mean': 3.5, 'spread': 0.5}}
    """
    for target in results.get("targets", []):
        if target.get("id") == TEAM:
            return {
                cid: {"n": c["n"], "mean": c["mean"], "spread": c["spread"]} for cid, c in target["criteria"].items()
            }
    return {}


def figure(results: dict, lang: str) -> go.Figure:
    """The room's profile: one bar per practice (mean on the scale), the spread as an error bar."""
    doc = content.load(CONTENT)
    low, high = doc["scale"]
    rows = profile(results)
    practices = doc["practices"][::-1]  # plotly draws the first bar at the bottom
    means = [rows.get(p["id"], {}).get("mean") or 0 for p in practices]
    fig = go.Figure(
        go.Bar(
            x=means,
            y=[label(content.text(p["label"], lang)) for p in practices],
            orientation="h",
            marker_color="#0b5fff",
            error_x={"type": "data", "array": [rows.get(p["id"], {}).get("spread") or 0 for p in practices]},
            text=[format_decimal(m, "0.0", locale=i18n.babel_locale(lang)) if m else "–" for m in means],
            textposition="inside",
            insidetextanchor="start",
        )
    )
    fig.update_xaxes(range=[0, high + 0.5], dtick=1)
    fig.update_yaxes(automargin=True)
    fig.update_layout(
        height=60 * len(practices) + 120,
        margin={"l": 20, "r": 20, "t": 20, "b": 20},
        font={"size": 20},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig


def _number(value: float | None, lang: str) -> str:
    """A mean or a spread the reader's way ("3,5" in French), a dash when nobody answered."""
    return "–" if value is None else format_decimal(value, "0.0#", locale=i18n.babel_locale(lang))


def _build(dash) -> w.Widget:
    box = w.VBox()
    box.chart = Chart()
    box.text = w.HTML()
    box.children = [box.chart, box.text]
    return box


def _refresh(dash) -> None:
    box = dash.widgets_by_phase.get(ACTIVITY)
    if box is None:
        return
    doc = content.load(CONTENT)
    lang = dash.lang
    results = dash.results(ACTIVITY)
    shown = bool(dash.code) and dash.is_revealed(ACTIVITY)
    box.chart.layout.display = None if shown else "none"
    if shown:
        box.chart.update(figure(results, lang))
    rows = profile(results)
    box.text.value = _TEMPLATES.get_template("practices.html").render(
        t=dash.t,
        prompt=content.text(doc["prompt"], lang),
        shown=shown,
        raters=results.get("raters", 0),
        rows=[
            {
                "label": content.text(p["label"], lang),
                "help": content.text(p["help"], lang),
                "mean": _number(rows.get(p["id"], {}).get("mean"), lang),
                "spread": _number(rows.get(p["id"], {}).get("spread"), lang),
                "n": rows.get(p["id"], {}).get("n", 0),
            }
            for p in doc["practices"]
        ],
        debrief=[content.text(q, lang) for q in doc["debrief"]],
        source=content.text(doc["source"], lang),
        notes=content.text(doc["notes"], lang),
    )


def phases() -> list[Phase]:
    """The self-assessment as one dashboard step: rate with the answers hidden, reveal the profile, debrief."""
    doc = content.load(CONTENT)
    return [
        Phase(
            ACTIVITY,
            doc["title"],
            spec=lambda dash: activity(dash.lang),
            build=_build,
            refresh=_refresh,
            chapter="practices",
            guide=guide_steps,
        )
    ]


def guide_steps(dash) -> tuple[int, int]:
    """The practices chapter's steps: teach and rate (1-2) until the profile is shown, then read and debrief (3-4)."""
    return (3, 4) if dash.code and dash.is_revealed(ACTIVITY) else (1, 2)
