"""The metrics lab: every metric's definition and formula, computed on tickets and plotted by channel, week and team.

The same view serves the trainer's dashboard and the self-paced notebook. It starts
on the bundled sample year; an organisation loads its own export (CSV or XLSX),
maps its columns to the kit's fields (prefilled by ``guess_mapping``) and gets,
when something does not fit, one message per problem naming the column and the row.

>>> lab = MetricsLab("en")
>>> lab.show("FCR", "channel")
>>> lab.chart.figure["data"][0]["type"]
'bar'
"""

from __future__ import annotations

import functools
import html
import math

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal

from widgets import content
from widgets.workshops.metrics import formulas as metrics
from widgets.core.i18n import Translator
from widgets.workshops.metrics.tickets import FIELDS, TicketImportError, guess_mapping, load_tickets, read_table
from widgets.ui.chart import Chart, label
from widgets.ui.results import ACCENT, FONT
from widgets.core import i18n

#: The groupings the lab offers: the three the workshop asks for first.
GROUPS = ("channel", "week", "team", "month")
SECOND = "#f59e0b"


def _e(text) -> str:
    return html.escape(str(text))


def sample_path():
    return content.data_file("tickets/sample_tickets.csv")


@functools.lru_cache(maxsize=2)
def _sample(path: str) -> pd.DataFrame:
    return load_tickets(path)


def sample_tickets() -> pd.DataFrame:
    """The bundled sample year of tickets (read once per kernel)."""
    return _sample(str(sample_path()))


def catalogue() -> dict[str, dict]:
    """The metrics the lab computes, as described in ``datasets/metrics/metrics.yaml``."""
    return {m["id"]: m for m in content.load("metrics/metrics")["metrics"] if m.get("computed")}


# --- showing values ----------------------------------------------------------------------------


def duration_unit(seconds: float) -> tuple[str, float]:
    """Minutes for short durations, hours for long ones (an e-mail reply in minutes is unreadable)."""
    if not math.isnan(seconds) and seconds >= 3 * 3600:
        return "hours", 3600.0
    return "minutes", 60.0


def show_value(value: float, unit: str, lang: str, t: Translator, *, scale_unit: str | None = None) -> str:
    """A metric's value as people read it: ``74,2 %``, ``+23``, ``6,5 min``; the dash when it cannot be computed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("metrics.no_value")
    if unit == "seconds":
        scale_unit, divisor = (scale_unit, 3600.0 if scale_unit == "hours" else 60.0) if scale_unit else duration_unit(value)
        return t(f"metrics.value_{scale_unit}", value=format_decimal(value / divisor, "#,##0.0", locale=i18n.babel_locale(lang)))
    if unit == "points":
        return t("metrics.value_points", value=format_decimal(value, "+#,##0;-#,##0", locale=i18n.babel_locale(lang)))
    if unit == "count":
        return t("metrics.value_count", value=format_decimal(value, "#,##0", locale=i18n.babel_locale(lang)))
    pattern = "#,##0.00" if unit == "currency" else "#,##0.0"
    return t(f"metrics.value_{unit}", value=format_decimal(value, pattern, locale=i18n.babel_locale(lang)))


def group_label(name, group: str, lang: str, t: Translator) -> str:
    """A group's label: a week as its Monday's date, a known channel or team in words, anything else escaped."""
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return t("metrics.group_none")
    if isinstance(name, pd.Timestamp):
        return name.strftime("%Y-%m-%d")
    key = f"metrics.{group}_{name}"
    return t.strings.get(key) or label(name)


def metric_figure(df: pd.DataFrame, metric: str, group: str, lang: str, t: Translator,
                  hours: metrics.BusinessHours | None = None) -> go.Figure:
    """One metric by channel, by week or by team; durations with their median and 90th percentile."""
    spec = catalogue()[metric]
    x = content.text
    table = metrics.by(df, metric, group, hours=hours)
    unit, divisor, axis = spec["unit"], 1.0, x(spec["abbr"], lang)
    if unit == "seconds":
        scale, divisor = duration_unit(float(table["value"].median()))
        axis = f'{axis} ({t("metrics.unit_" + scale)})'
    names = [group_label(v, group, lang, t) for v in table.index]
    values = (table["value"] / divisor).round(2).tolist()
    fig = go.Figure()
    if group in metrics.PERIODS:
        fig.add_trace(go.Scatter(x=names, y=values, mode="lines+markers", name=t("metrics.median") if "p90" in table else axis,
                                 line={"color": ACCENT, "width": 3}))
        if "p90" in table:
            fig.add_trace(go.Scatter(x=names, y=(table["p90"] / divisor).round(2).tolist(), mode="lines", name=t("metrics.p90"),
                                     line={"color": SECOND, "width": 2, "dash": "dot"}))
    else:
        text = [show_value(v, unit, lang, t, scale_unit=scale if unit == "seconds" else None) for v in table["value"]]
        fig.add_trace(go.Bar(x=names, y=values, text=text, textposition="outside", marker_color=ACCENT,
                             name=t("metrics.median") if "p90" in table else axis))
        if "p90" in table:
            fig.add_trace(go.Scatter(x=names, y=(table["p90"] / divisor).round(2).tolist(), mode="markers", name=t("metrics.p90"),
                                     marker={"color": SECOND, "size": 16, "symbol": "diamond"}))
    fig.update_layout(height=420, margin={"l": 20, "r": 20, "t": 30, "b": 20}, font=FONT, paper_bgcolor="white",
                      plot_bgcolor="white", showlegend="p90" in table, legend={"orientation": "h", "y": 1.12},
                      yaxis={"title": axis, "gridcolor": "#d0d7de", "automargin": True, "rangemode": "tozero"})
    return fig


def trap_figure(df: pd.DataFrame, t: Translator) -> tuple[go.Figure, metrics.Trap]:
    """AHT and FCR week by week on two axes: handle time falls, first contact resolution falls with it."""
    trap = metrics.aht_fcr_trap(df, "week")
    weeks = [d.strftime("%Y-%m-%d") for d in trap.table.index]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=weeks, y=(trap.table["aht"] / 60).round(2).tolist(), name=t("metrics.trap_aht_minutes"),
                             line={"color": ACCENT, "width": 3}))
    fig.add_trace(go.Scatter(x=weeks, y=trap.table["fcr"].round(1).tolist(), name=t("metrics.trap_fcr"), yaxis="y2",
                             line={"color": SECOND, "width": 3}))
    fig.update_layout(height=420, margin={"l": 20, "r": 20, "t": 30, "b": 20}, font=FONT, paper_bgcolor="white",
                      plot_bgcolor="white", legend={"orientation": "h", "y": 1.14},
                      yaxis={"title": t("metrics.trap_aht_minutes"), "rangemode": "tozero", "gridcolor": "#d0d7de"},
                      yaxis2={"title": t("metrics.trap_fcr"), "overlaying": "y", "side": "right", "range": [0, 100]})
    return fig, trap


# --- the view -------------------------------------------------------------------------------------


class MetricsLab(w.VBox):
    """Data source, column mapping, every metric's figure, one metric's definition and chart, and the trap."""

    def __init__(self, lang: str, tickets: pd.DataFrame | None = None):
        self.lang, self.t = lang, Translator(lang)
        t = self.t
        self.tickets = sample_tickets() if tickets is None else tickets
        self.raw: pd.DataFrame | None = None
        self.available = metrics.metrics_available(self.tickets.columns)

        self.source = w.HTML()
        self.upload = w.FileUpload(accept=".csv,.xlsx,.xlsm,.txt", multiple=False, description=t("metrics.load_export"),
                                   layout=w.Layout(width="auto"))
        self.upload.observe(self._uploaded, names="value")
        self.sample_button = w.Button(description=t("metrics.use_sample"), layout=w.Layout(width="auto"))
        self.sample_button.on_click(lambda _: self.use_tickets(sample_tickets(), sample=True))
        self.mapping: dict[str, w.Dropdown] = {}
        self.mapping_box = w.VBox()
        self.apply_button = w.Button(description=t("metrics.apply_mapping"), button_style="primary")
        self.apply_button.on_click(lambda _: self.apply_mapping())
        self.errors = w.HTML()
        self.summary = w.HTML()
        self.metric = w.ToggleButtons(style={"button_width": "auto"})
        self.group = w.ToggleButtons(options=[(t(f"metrics.group_{g}"), g) for g in GROUPS], style={"button_width": "auto"})
        hours = metrics.BusinessHours()
        self.business_hours = hours
        self.clock = w.ToggleButtons(options=[(t("metrics.calendar_hours"), False),
                                              (t("metrics.business_hours", start=f"{hours.start:g} h", end=f"{hours.end:g} h"), True)],
                                     style={"button_width": "auto"})
        self.clock.observe(lambda _: self.redraw(), names="value")
        self.about = w.HTML()
        self.chart = Chart()
        self.trap_text = w.HTML()
        self.trap_chart = Chart()
        self.metric.observe(lambda _: self.redraw(), names="value")
        self.group.observe(lambda _: self.redraw(), names="value")

        data_bar = w.HBox([self.upload, self.sample_button], layout=w.Layout(flex_flow="row wrap"))
        # Every metric's figure on the left, the chosen metric's definition and chart beside it: one projector screen.
        detail = w.VBox([self.metric, self.group, self.clock, self.about, self.chart, self.trap_text, self.trap_chart],
                        layout=w.Layout(flex="1 1 640px", min_width="0"))
        self.summary.layout = w.Layout(flex="0 0 auto", margin="0 24px 0 0")
        super().__init__([
            self.source, data_bar, self.mapping_box,
            self.errors, w.HBox([self.summary, detail], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
        ])
        self.add_class("elan-metrics-lab")
        self.use_tickets(self.tickets, sample=tickets is None)

    # --- data ----------------------------------------------------------------------------

    def use_tickets(self, tickets: pd.DataFrame, *, sample: bool = False) -> None:
        """Compute and show every metric the tickets allow."""
        t = self.t
        self.tickets = tickets
        self.available = metrics.metrics_available(tickets.columns)
        start, end = tickets["created_at"].min(), tickets["created_at"].max()
        where = t("metrics.sample_data") if sample else t("metrics.own_data")
        self.source.value = (f'<p class="elan-big"><strong>{_e(where)}</strong> · '
                             f'{_e(t("metrics.loaded", n=format_decimal(len(tickets), "#,##0", locale=i18n.babel_locale(self.lang)), start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"))}</p>')
        if sample:
            self.mapping_box.children = []
            self.errors.value = ""
        cat = catalogue()
        options = [(content.text(cat[m]["abbr"], self.lang), m) for m in cat if m in self.available]
        current = self.metric.value
        self.metric.unobserve_all("value")
        self.metric.options = options
        self.metric.value = current if current in self.available else (options[0][1] if options else None)
        self.metric.observe(lambda _: self.redraw(), names="value")
        self.summary.value = self.summary_html()
        self.redraw()

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self.read_export(bytes(upload["content"]), upload.get("name", ""))

    def read_export(self, data: bytes, name: str = "") -> None:
        """Read an export's columns and propose a mapping; the person checks it, then applies it."""
        try:
            self.raw = read_table(data)
        except TicketImportError as exc:
            self.raw = None
            self.mapping_box.children = []
            self.show_errors(exc)
            return
        self.errors.value = ""
        guessed = guess_mapping(self.raw.columns)
        not_mapped = self.t("metrics.not_mapped")
        self.mapping = {}
        rows = []
        for f in FIELDS:
            label_text = self.t(f"metrics.field_{f.name}") + (" *" if f.required else "")
            dropdown = w.Dropdown(options=[(not_mapped, "")] + [(str(c), str(c)) for c in self.raw.columns],
                                  value=guessed.get(f.name, ""), description=label_text,
                                  style={"description_width": "320px"}, layout=w.Layout(width="640px"))
            self.mapping[f.name] = dropdown
            rows.append(dropdown)
        title = (f'<h4 class="elan-title">{_e(self.t("metrics.mapping_title"))} · {_e(name)}</h4>'
                 f'<p class="elan-muted">{_e(self.t("metrics.mapping_help"))}</p>')
        self.mapping_box.children = [w.HTML(title), w.GridBox(rows, layout=w.Layout(grid_template_columns="repeat(auto-fill, 660px)")),
                                     self.apply_button]

    def set_mapping(self, mapping: dict[str, str]) -> None:
        for name, column in mapping.items():
            self.mapping[name].value = column or ""

    def apply_mapping(self) -> bool:
        """Load the export with the chosen columns; on failure, say which column and row."""
        if self.raw is None:
            return False
        chosen = {name: d.value for name, d in self.mapping.items() if d.value}
        try:
            tickets = load_tickets(self.raw, chosen)
        except TicketImportError as exc:
            self.show_errors(exc)
            return False
        self.errors.value = ""
        self.use_tickets(tickets)
        return True

    def show_errors(self, exc: TicketImportError) -> None:
        items = "".join(f"<li>{_e(m)}</li>" for m in exc.messages(self.lang))
        self.errors.value = f'<div class="elan-error elan-big" role="alert"><ul>{items}</ul></div>'

    # --- showing -------------------------------------------------------------------------

    def summary_html(self) -> str:
        """Every metric over all the tickets: value, what it rests on, or why it cannot be computed."""
        t, lang, cat = self.t, self.lang, catalogue()
        figures = metrics.compute_all(self.tickets)
        rows = []
        for metric, spec in cat.items():
            fig = figures.get(metric) or metrics.figure(self.tickets, metric)
            if fig.ok:
                value, note = show_value(fig.value, spec["unit"], lang, t), t("metrics.based_on", n=format_decimal(fig.n, "#,##0", locale=i18n.babel_locale(lang)))
            else:
                missing = fig.detail.get("field")
                value = t("metrics.no_value")
                note = t(fig.reason or "metrics.reason_no_field", field=t(f"metrics.field_{missing}") if missing else "")
            rows.append(f'<tr data-metric="{_e(metric)}"><th style="text-align:left" title="{_e(content.text(spec["name"], lang))}">{_e(content.text(spec["abbr"], lang))}</th>'
                        f'<td class="elan-metrics-value" style="padding:0 12px;white-space:nowrap">{_e(value)}</td>'
                        f'<td class="elan-muted" style="white-space:nowrap">{_e(note)}</td></tr>')
        return f'<table class="elan-big elan-metrics-summary">{"".join(rows)}</table>'

    def show(self, metric: str, group: str) -> None:
        self.metric.value = metric
        self.group.value = group
        self.redraw()

    def redraw(self) -> None:
        metric, group, t, lang = self.metric.value, self.group.value, self.t, self.lang
        if not metric:
            self.about.value = ""
            return
        spec = catalogue()[metric]
        x = lambda key: _e(content.text(spec[key], lang)) if spec.get(key) else ""  # noqa: E731
        parts = [f'<h3 class="elan-title">{x("abbr")} · {x("name")}</h3>',
                 f'<p class="elan-big">{x("definition")}</p>',
                 f'<p class="elan-big"><strong>{_e(t("metrics.formula"))}</strong> {x("formula")}</p>',
                 f'<p class="elan-big"><strong>{_e(t("metrics.scale"))}</strong> {x("scale")}</p>']
        if spec.get("question"):
            parts.append(f'<p class="elan-big"><strong>{_e(t("metrics.question"))}</strong> {x("question")}</p>')
        parts.append(f'<p class="elan-big elan-metrics-trap"><strong>{_e(t("metrics.trap"))}</strong> {x("trap")}</p>')
        self.about.value = "".join(parts)
        # Only durations depend on the clock (FRT, resolution time).
        self.clock.layout.display = None if spec["unit"] == "seconds" and metric != "AHT" else "none"
        if group in self.tickets.columns or group in metrics.PERIODS:
            hours = self.business_hours if self.clock.value else None
            self.chart.update(metric_figure(self.tickets, metric, group, lang, t, hours))
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
        self._draw_trap(metric)

    def _draw_trap(self, metric: str) -> None:
        t = self.t
        if metric not in ("AHT", "FCR") or not {"AHT", "FCR"} <= set(self.available):
            self.trap_text.value = ""
            self.trap_chart.layout.display = "none"
            return
        fig, trap = trap_figure(self.tickets, t)
        self.trap_chart.update(fig)
        self.trap_chart.layout.display = None
        change = {k: format_decimal(v, "+#,##0;-#,##0", locale=i18n.babel_locale(self.lang)) for k, v in trap.change.items() if not math.isnan(v)}
        said = t("metrics.trap_shown" if trap.shown else "metrics.trap_not_shown", aht=change.get("aht", "—"),
                 fcr=change.get("fcr", "—"), work=change.get("handle_per_ticket", "—"))
        self.trap_text.value = (f'<h3 class="elan-title">{_e(t("metrics.trap_title"))}</h3>'
                                f'<p class="elan-big">{_e(said)}</p>')
