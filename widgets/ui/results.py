"""Result charts for the projector: ranked bars, a choice distribution, a heatmap, rating spreads.

Each function turns an exercise's results into a plotly figure; participant text
goes through :func:`widgets.ui.chart.label` first.
"""

from __future__ import annotations

import plotly.graph_objects as go

from widgets.ui.chart import label

FONT = {"size": 20}
ACCENT = "#0b5fff"


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 20, "r": 20, "t": 20, "b": 20},
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig


def _whole_numbers(update, top: int) -> None:
    # Dots and answers are counted in whole numbers: no 0.5 ticks on the axis.
    update(tickformat="d", rangemode="tozero", tick0=0, dtick=1 if top <= 12 else None)


def ranking_bars(results: dict, top: int = 12) -> go.Figure:
    """Dot-vote ranking, best at the top."""
    rows = results.get("ranking", [])[:top]
    fig = go.Figure(
        go.Bar(
            x=[r["dots"] for r in rows][::-1],
            y=[label(r["text"]) for r in rows][::-1],
            orientation="h",
            marker_color=ACCENT,
            text=[r["dots"] for r in rows][::-1],
            textposition="outside",
        )
    )
    fig.update_yaxes(automargin=True)
    _whole_numbers(fig.update_xaxes, max([r["dots"] for r in rows], default=0))
    return _layout(fig, max(240, 48 * len(rows) + 60))


def choice_bars(results: dict, labels: dict[str, str]) -> go.Figure:
    """How many chose each option (options in their order)."""
    counts = results.get("counts", {})
    fig = go.Figure(
        go.Bar(
            x=[label(labels.get(k, k)) for k in counts],
            y=list(counts.values()),
            marker_color=ACCENT,
            text=list(counts.values()),
            textposition="outside",
        )
    )
    _whole_numbers(fig.update_yaxes, max(counts.values(), default=0))
    return _layout(fig, 360)


def heatmap(
    results: dict,
    rows: list[tuple[str, str]],
    columns: list[tuple[str, str]],
    reference: dict[str, list[str]] | None = None,
) -> go.Figure:
    """Share of participants who matched each row to each column; reference cells outlined."""
    counts, answered = results.get("counts", {}), results.get("answered", {})
    z, text = [], []
    for row_id, _ in rows:
        n = answered.get(row_id, 0) or 0
        line = [round(100 * counts.get(row_id, {}).get(col_id, 0) / n) if n else 0 for col_id, _ in columns]
        z.append(line)
        text.append([f"{v} %" for v in line])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[label(c) for _, c in columns],
            y=[label(r) for _, r in rows],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=100,
            showscale=False,
        )
    )
    if reference:
        xs, ys = [], []
        for i, (row_id, _) in enumerate(rows):
            for j, (col_id, _) in enumerate(columns):
                if col_id in reference.get(row_id, []):
                    xs.append(j)
                    ys.append(i)
        for x, y in zip(xs, ys):
            fig.add_shape(
                type="rect", x0=x - 0.5, x1=x + 0.5, y0=y - 0.5, y1=y + 0.5, line={"color": "#f59e0b", "width": 4}
            )
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, max(300, 60 * len(rows) + 80))


def rating_spread(results: dict, criteria: list[tuple[str, str]]) -> go.Figure:
    """Mean and spread (standard deviation) of each target on each criterion."""
    fig = go.Figure()
    targets = results.get("targets", [])
    for crit_id, crit_label in criteria:
        fig.add_trace(
            go.Bar(
                name=label(crit_label),
                x=[label(t.get("text") or t.get("id")) for t in targets],
                y=[t["criteria"][crit_id]["mean"] or 0 for t in targets],
                error_y={"type": "data", "array": [t["criteria"][crit_id]["spread"] or 0 for t in targets]},
            )
        )
    fig.update_layout(barmode="group", yaxis={"range": [0, 5.5]})
    return _layout(fig, 420)


def radar(profile: dict[str, float], labels: dict[str, str]) -> go.Figure:
    """A competence profile (0-100) as a radar."""
    keys = list(profile)
    fig = go.Figure(
        go.Scatterpolar(
            r=[profile[k] for k in keys] + [profile[keys[0]]] if keys else [],
            theta=[labels.get(k, k) for k in keys] + [labels.get(keys[0], keys[0])] if keys else [],
            fill="toself",
            line_color=ACCENT,
        )
    )
    fig.update_layout(polar={"radialaxis": {"range": [0, 100]}}, showlegend=False)
    return _layout(fig, 420)
