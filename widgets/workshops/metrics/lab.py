"""The metrics lab: every metric's definition and formula, computed on tickets and plotted by channel, week and team.

The same view serves the trainer's dashboard and the self-paced notebook. It starts
on the bundled sample year; an organisation loads its own export (CSV or XLSX),
checks the proposed mapping of its columns to the kit's fields and the unit of each
duration in a preview, and gets every metric the file supports. Rows that do not fit
are set aside with their line and reason (downloadable) and never block the room; a
metric the file cannot support shows "—" with the reason, never 0.

>>> lab = MetricsLab("en")
>>> lab.show("FCR", "channel")
>>> lab.chart.figure["data"][0]["type"]
'bar'
"""

from __future__ import annotations

import base64
import functools
import math

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal

from widgets import content
from widgets.core import i18n
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.ui.chart import Chart, label
from widgets.ui.results import ACCENT, FONT
from widgets.ui.templating import replace_children
from widgets.web import upload
from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.bigfile import BigUpload
from widgets.workshops.metrics.markup import render
from widgets.workshops.metrics.report import duration_unit, figure_notes, show_value
from widgets.workshops.metrics.tickets import (
    BY_NAME,
    FIELDS,
    MAX_SHOWN,
    UNITS,
    ImportProblem,
    RawExport,
    TicketImport,
    TicketImportError,
    date_order,
    guess_mapping,
    guess_units,
    import_tickets,
    load_tickets,
    read_export,
)

#: The groupings the lab offers: the three the workshop asks for first. By adviser only when the
#: organisation's setting allows it (``metrics_by_adviser``): see the facilitator guide for why not.
GROUPS = ("channel", "week", "team", "month")
SECOND = "#f59e0b"


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


def group_label(name, group: str, lang: str, t: Translator) -> str:
    """A group's label: a week as its Monday's date, a known channel or team in words, anything else escaped."""
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return t("metrics.group_none")
    if isinstance(name, pd.Timestamp):
        return name.strftime("%Y-%m-%d")
    key = f"metrics.{group}_{name}"
    return t.strings.get(key) or label(name)


def metric_figure(
    df: pd.DataFrame, metric: str, group: str, lang: str, t: Translator, hours: metrics.BusinessHours | None = None
) -> go.Figure:
    """One metric by channel, by week or by team; durations with their median and 90th percentile."""
    spec = catalogue()[metric]
    x = content.text
    table = metrics.by(df, metric, group, hours=hours)
    unit, divisor, axis = spec["unit"], 1.0, x(spec["abbr"], lang)
    if unit == "seconds":
        scale, divisor = duration_unit(float(table["value"].median()))
        axis = f"{axis} ({t('metrics.unit_' + scale)})"
    names = [group_label(v, group, lang, t) for v in table.index]
    values = (table["value"] / divisor).round(2).tolist()
    fig = go.Figure()
    if group in metrics.PERIODS:
        fig.add_trace(
            go.Scatter(
                x=names,
                y=values,
                mode="lines+markers",
                name=t("metrics.median") if "p90" in table else axis,
                line={"color": ACCENT, "width": 3},
            )
        )
        if "p90" in table:
            fig.add_trace(
                go.Scatter(
                    x=names,
                    y=(table["p90"] / divisor).round(2).tolist(),
                    mode="lines",
                    name=t("metrics.p90"),
                    line={"color": SECOND, "width": 2, "dash": "dot"},
                )
            )
    else:
        text = [show_value(v, unit, lang, t, scale_unit=scale if unit == "seconds" else None) for v in table["value"]]
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                text=text,
                textposition="outside",
                marker_color=ACCENT,
                name=t("metrics.median") if "p90" in table else axis,
            )
        )
        if "p90" in table:
            fig.add_trace(
                go.Scatter(
                    x=names,
                    y=(table["p90"] / divisor).round(2).tolist(),
                    mode="markers",
                    name=t("metrics.p90"),
                    marker={"color": SECOND, "size": 16, "symbol": "diamond"},
                )
            )
    fig.update_layout(
        height=420,
        margin={"l": 20, "r": 20, "t": 30, "b": 20},
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend="p90" in table,
        legend={"orientation": "h", "y": 1.12},
        yaxis={"title": axis, "gridcolor": "#d0d7de", "automargin": True, "rangemode": "tozero"},
    )
    return fig


def trap_figure(df: pd.DataFrame, t: Translator) -> tuple[go.Figure, metrics.Trap]:
    """AHT and FCR week by week on two axes: handle time falls, first contact resolution falls with it."""
    trap = metrics.aht_fcr_trap(df, "week")
    weeks = [d.strftime("%Y-%m-%d") for d in trap.table.index]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=(trap.table["aht"] / 60).round(2).tolist(),
            name=t("metrics.trap_aht_minutes"),
            line={"color": ACCENT, "width": 3},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=trap.table["fcr"].round(1).tolist(),
            name=t("metrics.trap_fcr"),
            yaxis="y2",
            line={"color": SECOND, "width": 3},
        )
    )
    fig.update_layout(
        height=420,
        margin={"l": 20, "r": 20, "t": 30, "b": 20},
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "y": 1.14},
        yaxis={"title": t("metrics.trap_aht_minutes"), "rangemode": "tozero", "gridcolor": "#d0d7de"},
        yaxis2={"title": t("metrics.trap_fcr"), "overlaying": "y", "side": "right", "range": [0, 100]},
    )
    return fig, trap


# --- what a figure rests on ----------------------------------------------------------------------------


def groups_offered(tickets: pd.DataFrame, settings: Settings | None = None) -> list[str]:
    """The groupings the data allows; by adviser only when the organisation's setting says so."""
    allowed = (settings or Settings()).metrics_by_adviser
    wanted = GROUPS + (("agent",) if allowed else ())
    return [g for g in wanted if g in metrics.PERIODS or g in tickets.columns]


def summary_rows(
    tickets: pd.DataFrame,
    lang: str,
    t: Translator,
    hours: metrics.BusinessHours | None,
    business: metrics.BusinessHours,
) -> list[dict]:
    """Every metric of the catalogue over all the tickets: its value, what it rests on, or why there is none."""
    rows = []
    for metric, spec in catalogue().items():
        fig = metrics.figure(tickets, metric, hours=hours)
        if fig.ok:
            value = show_value(fig.value, spec["unit"], lang, t)
            note = t("metrics.based_on", n=format_decimal(fig.n, "#,##0", locale=i18n.babel_locale(lang)))
        else:
            missing = fig.detail.get("field")
            value = t("metrics.no_value")
            note = t(fig.reason or "metrics.reason_no_field", field=t(f"metrics.field_{missing}") if missing else "")
        rows.append(
            {
                "id": metric,
                "ok": fig.ok,
                "abbr": content.text(spec["abbr"], lang),
                "name": content.text(spec["name"], lang),
                "value": value,
                "note": note,
                "definition": figure_notes(fig, t, business),
            }
        )
    return rows


def skipped_html(result: TicketImport, lang: str, t: Translator) -> str:
    """How many rows were set aside, and values left out, the first ones with their line and reason, all to download."""
    n = len(result.skipped)
    total = format_decimal(result.rows, "#,##0", locale=i18n.babel_locale(lang))
    notes = [note.text(lang) for note in result.notes]
    if not n and not result.left_out:
        return render(
            "lab_skipped.html", summary=t("metrics.skipped_none", total=total), lines=[], href="", notes=notes
        )
    data = result.skipped_csv(lang).encode("utf-8-sig")  # the BOM makes Excel read the accents right
    listed = sorted(result.skipped + result.left_out, key=lambda s: s.line)
    summary = (
        t(
            "metrics.skipped_summary_one" if n == 1 else "metrics.skipped_summary",
            n=format_decimal(n, "#,##0", locale=i18n.babel_locale(lang)),
            total=total,
        )
        if n
        else t("metrics.skipped_none", total=total)
    )
    return render(
        "lab_skipped.html",
        summary=summary,
        notes=notes,
        lines=[{"line": s.line, "text": s.message(lang)} for s in listed[:MAX_SHOWN]],
        more=t(
            "metrics.skipped_more", n=format_decimal(len(listed) - MAX_SHOWN, "#,##0", locale=i18n.babel_locale(lang))
        )
        if len(listed) > MAX_SHOWN
        else "",
        href="data:text/csv;base64," + base64.b64encode(data).decode("ascii"),
        download=t("metrics.skipped_download"),
        filename=t("metrics.skipped_filename"),
    )


def _as_written(value, decimal: str) -> str:
    """A cell as the file wrote it: a number the CSV reader converted gets the file's decimal mark back."""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", decimal)
    return str(value)


def _shown(value, kind: str, lang: str, t: Translator) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or pd.isna(value):
        return t("metrics.no_value")
    if kind == "duration":
        return show_value(float(value), "seconds", lang, t, scale_unit="minutes" if value < 3 * 3600 else "hours")
    if kind == "time":
        return f"{value:%Y-%m-%d %H:%M}"
    if kind in ("flag", "status"):
        return t("metrics.yes") if value else t("metrics.no")
    if isinstance(value, float):
        return format_decimal(value, "#,##0.##", locale=i18n.babel_locale(lang))
    return str(value)


# --- the view -------------------------------------------------------------------------------------


class MetricsLab(w.VBox):
    """Data source, column mapping with a preview, every metric's figure, one metric's definition and chart, and the trap."""

    def __init__(self, lang: str, tickets: pd.DataFrame | None = None, *, settings: Settings | None = None):
        self.lang, self.t = lang, Translator(lang)
        t = self.t
        self.settings = settings or Settings()
        self.tickets = sample_tickets() if tickets is None else tickets
        self.raw: RawExport | None = None
        self.result: TicketImport | None = None
        self.available = metrics.metrics_available(self.tickets.columns)

        self.source = w.HTML()
        # The file goes to the server in chunks (a widget message stops near 10 MB), then is read here.
        self.upload = BigUpload(lang)
        self.upload.observe(self._uploaded, names="upload_id")
        self.upload.observe(self._refused, names="error")
        self.sample_button = w.Button(description=t("metrics.use_sample"), layout=w.Layout(width="auto"))
        self.sample_button.on_click(lambda _: self.use_tickets(sample_tickets(), sample=True))
        # Progress while a large file is read and its rows checked (a million rows take seconds).
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout=w.Layout(width="320px"))
        self.progress_text = w.Label()
        self.progress_box = w.HBox([self.progress, self.progress_text], layout=w.Layout(display="none"))
        self.progress_box.add_class("elan-metrics-progress-bar")
        self.mapping: dict[str, w.Dropdown] = {}
        self.units: dict[str, w.Dropdown] = {}
        self.mapping_box = w.VBox()
        self.preview = w.HTML()
        self.apply_button = w.Button(
            description=t("metrics.apply_mapping"),
            button_style="primary",
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        self.apply_button.on_click(lambda _: self.apply_mapping())
        # 01/02: the file decides when a date over 12 tells, else the person does (the note says which).
        self.date_order = w.Dropdown(
            options=[
                (t("metrics.date_order_auto"), ""),
                (t("metrics.dates_day"), "day"),
                (t("metrics.dates_month"), "month"),
            ],
            value="",
            description=t("metrics.date_order_label"),
            style={"description_width": "auto"},
        )
        self.date_order.observe(lambda _: self.refresh_preview(), names="value")
        self.date_note = w.HTML()
        # A spreadsheet with a title above its header: the row is found, or the person names it (0 = find it).
        self.header_row = w.BoundedIntText(
            value=0, min=0, max=1000, description=t("metrics.header_row_label"), style={"description_width": "auto"}
        )
        self.header_row.observe(lambda _: self._reread(), names="value")
        self._last_file: tuple[bytes, str] | None = None
        self.header_row.layout.display = "none"
        read_options = w.HBox([self.date_order, self.header_row], layout=w.Layout(flex_flow="row wrap"))
        # Shown under each file's mapping, kept from one file to the next (the mapping itself is drawn anew).
        self._mapping_kept = (read_options, self.date_note, self.preview, self.apply_button)
        self.errors = w.HTML()
        self.skipped = w.HTML()
        self.summary = w.HTML()
        self.metric = w.ToggleButtons(style={"button_width": "auto"})
        self.group = w.ToggleButtons(style={"button_width": "auto"})
        hours = metrics.BusinessHours()
        self.business_hours = hours
        self.clock = w.ToggleButtons(
            options=[
                (t("metrics.calendar_hours"), False),
                (t("metrics.business_hours", start=f"{hours.start:g} h", end=f"{hours.end:g} h"), True),
            ],
            style={"button_width": "auto"},
        )
        self.clock.observe(lambda _: self._clock_changed(), names="value")
        self.about = w.HTML()
        self.chart = Chart()
        self.trap_text = w.HTML()
        self.trap_chart = Chart()
        self.metric.observe(lambda _: self.redraw(), names="value")
        self.group.observe(lambda _: self.redraw(), names="value")

        data_bar = w.HBox([self.upload, self.sample_button], layout=w.Layout(flex_flow="row wrap"))
        # Every metric's figure on the left, the chosen metric's definition and chart beside it: one projector screen.
        detail = w.VBox(
            [self.metric, self.group, self.clock, self.about, self.chart, self.trap_text, self.trap_chart],
            layout=w.Layout(flex="1 1 640px", min_width="0"),
        )
        self.summary.layout = w.Layout(flex="0 1 auto", margin="0 24px 0 0")
        super().__init__(
            [
                self.source,
                data_bar,
                self.progress_box,
                self.mapping_box,
                self.errors,
                self.skipped,
                w.HBox([self.summary, detail], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
            ]
        )
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
        loaded = t(
            "metrics.loaded",
            n=format_decimal(len(tickets), "#,##0", locale=i18n.babel_locale(self.lang)),
            start=f"{start:%Y-%m-%d}",
            end=f"{end:%Y-%m-%d}",
        )
        self.source.value = render("lab_source.html", where=where, loaded=loaded)
        if sample:
            replace_children(self.mapping_box, [], kept=self._mapping_kept)
            self.errors.value = ""
            self.skipped.value = ""
            self.result = None
        cat = catalogue()
        options = [(content.text(cat[m]["abbr"], self.lang), m) for m in cat if m in self.available]
        current = self.metric.value
        self.metric.unobserve_all("value")
        self.metric.options = options
        self.metric.value = current if current in self.available else (options[0][1] if options else None)
        self.metric.observe(lambda _: self.redraw(), names="value")
        groups = groups_offered(tickets, self.settings)
        current = self.group.value
        self.group.unobserve_all("value")
        self.group.options = [(t(f"metrics.group_{g}"), g) for g in groups]
        self.group.value = current if current in groups else groups[0]
        self.group.observe(lambda _: self.redraw(), names="value")
        self.summary.value = self.summary_html()
        self.redraw()

    def _uploaded(self, change) -> None:
        upload_id = change["new"]
        if not upload_id:
            return
        self.upload.upload_id = ""  # the same file may come again
        try:
            data = upload.take(self.settings, upload_id)
        except KeyError:
            self.errors.value = render("lab_errors.html", messages=[self.t("metrics.upload_unknown")])
            return
        self.read_export(data, self.upload.name)
        # The button's status said "reading it": now it says what came of it.
        self.upload.status = self.t("metrics.upload_not_read") if self.raw is None else ""

    def _refused(self, change) -> None:
        """The server refused the file: said here too, beside the figures still on screen."""
        if change["new"]:
            self.errors.value = render("lab_errors.html", messages=[change["new"]])

    def _progress(self, fraction: float, step: str) -> None:
        self.progress_box.layout.display = None
        self.progress.value = max(0.0, min(1.0, fraction))
        self.progress_text.value = self.t(f"metrics.progress_{step}", percent=int(round(fraction * 100)))

    def _done(self) -> None:
        self.progress_box.layout.display = "none"

    def read_export(self, data: bytes, filename: str = "") -> None:
        """Read an export's columns and propose a mapping with a preview; the person checks it, then applies it."""
        self._last_file = (data, filename)
        # Only a spreadsheet has rows above its header to skip (a CSV's header is its first line).
        self.header_row.layout.display = None if data[:4] == b"PK\x03\x04" else "none"
        try:
            try:
                self.raw = read_export(data, progress=self._progress, header_row=self.header_row.value or None)
            except (ValueError, UnicodeError, LookupError, OSError) as exc:
                if isinstance(exc, TicketImportError):
                    raise
                # A file no check foresaw: one sentence, and the progress bar goes away.
                detail = str(exc) or type(exc).__name__
                raise TicketImportError([ImportProblem("error_unreadable", {"detail": detail})]) from None
        except TicketImportError as exc:
            self.raw = None
            replace_children(self.mapping_box, [], kept=self._mapping_kept)
            self.show_errors(exc)
            self._done()
            return
        self._done()
        self.errors.value = ""
        self.skipped.value = ""
        columns = [str(c) for c in self.raw.frame.columns]
        guessed = guess_mapping(columns)
        not_mapped = self.t("metrics.not_mapped")
        self.mapping, self.units = {}, {}
        rows = []
        for f in FIELDS:
            label_text = self.t(f"metrics.field_{f.name}") + (" *" if f.required else "")
            dropdown = w.Dropdown(
                options=[(not_mapped, "")] + [(c, c) for c in columns],
                value=guessed.get(f.name, ""),
                description=label_text,
                style={"description_width": "300px"},
                layout=w.Layout(width="600px"),
            )
            dropdown.observe(lambda change, name=f.name: self._column_changed(name), names="value")
            self.mapping[f.name] = dropdown
            parts = [dropdown]
            if f.kind == "duration":
                unit = w.Dropdown(
                    options=[(self.t(f"metrics.unit_{u}"), u) for u in UNITS],
                    value="seconds",
                    layout=w.Layout(width="150px"),
                )
                unit.observe(lambda _: self.refresh_preview(), names="value")
                self.units[f.name] = unit
                parts.append(unit)
            rows.append(w.HBox(parts))
        for name in self.units:
            self._column_changed(name, refresh=False)
        title = render(
            "lab_mapping_title.html",
            title=self.t("metrics.mapping_title"),
            name=filename,
            help=self.t("metrics.mapping_help"),
        )
        grid = w.GridBox(rows, layout=w.Layout(grid_template_columns="repeat(auto-fill, 780px)"))
        replace_children(self.mapping_box, [w.HTML(title), grid, *self._mapping_kept], kept=self._mapping_kept)
        self.refresh_preview()

    def _reread(self) -> None:
        if self._last_file is not None:
            self.read_export(*self._last_file)

    def dayfirst(self) -> bool | None:
        """The date order the person chose, None when the file decides."""
        return {"day": True, "month": False}.get(self.date_order.value)

    def _dates_html(self, mapping: dict[str, str]) -> tuple[str, bool | None]:
        """What settles day/month order in the whole file, in words, and the order to read the preview in."""
        columns = [c for n, c in mapping.items() if BY_NAME[n].kind == "time"]
        dates = date_order(self.raw, columns, self.dayfirst())
        if dates is None:
            return "", None
        t = self.t
        order = t(f"metrics.dates_{dates.order}")
        if dates.source == "file":
            text = t("metrics.report_dates", order=order, line=dates.line, value=dates.value, column=dates.column)
        elif dates.source == "chosen":
            text = t("metrics.report_dates_chosen", order=order)
        else:
            text = ImportProblem("note_dates_ambiguous").text(self.lang)
        return render("lab_note.html", text=text, warn=dates.source == "ambiguous"), dates.order == "day"

    def _column_changed(self, name: str, *, refresh: bool = True) -> None:
        """A duration's unit follows its column: re-guessed from the new column's name."""
        if name in self.units and self.raw is not None:
            column = self.mapping[name].value
            guess = guess_units({name: column}, self.raw.frame).get(name) if column else None
            self.units[name].value = guess.unit if guess else "seconds"
        if refresh:
            self.refresh_preview()

    def chosen(self) -> tuple[dict[str, str], dict[str, str]]:
        """The mapping and the units the person has chosen."""
        mapping = {name: d.value for name, d in self.mapping.items() if d.value}
        return mapping, {name: d.value for name, d in self.units.items() if name in mapping}

    def set_mapping(self, mapping: dict[str, str], units: dict[str, str] | None = None) -> None:
        for name, column in mapping.items():
            self.mapping[name].value = column or ""
        for name, unit in (units or {}).items():
            self.units[name].value = unit

    def refresh_preview(self) -> None:
        """The first values of each mapped column, and how the kit reads them (a duration with its unit)."""
        if self.raw is None:
            self.preview.value = ""
            return
        t, lang = self.t, self.lang
        mapping, units = self.chosen()
        head = RawExport(self.raw.frame.head(50), self.raw.lines[:50])
        try:
            self.date_note.value, dayfirst = self._dates_html(mapping) if "created_at" in mapping else ("", None)
            read = import_tickets(head, mapping, units, dayfirst=dayfirst).tickets
        except TicketImportError as exc:
            self.preview.value = render("lab_errors.html", messages=exc.messages(lang))
            return
        guesses = guess_units(mapping, self.raw.frame)
        rows = []
        for name, column in mapping.items():
            kind = BY_NAME[name].kind
            cells = [
                _as_written(v, self.raw.decimal) for v in self.raw.frame[column].head(50) if str(v) not in ("", "nan")
            ][:3]
            values = read[name].dropna().head(3).tolist() if name in read else []
            row = {
                "field": name,
                "label": t(f"metrics.field_{name}"),
                "column": column,
                "cells": " · ".join(cells),
                "read": " · ".join(_shown(v, kind, lang, t) for v in values),
            }
            if name in units:
                source = "chosen" if guesses.get(name) and guesses[name].unit != units[name] else guesses[name].source
                row["unit_source"] = source
                row["unit_note"] = t(f"metrics.unit_source_{source}", unit=t(f"metrics.unit_{units[name]}"))
            rows.append(row)
        self.preview.value = render(
            "lab_preview.html",
            rows=rows,
            caption=t("metrics.preview_title"),
            head_field=t("metrics.preview_field"),
            head_column=t("metrics.preview_column"),
            head_values=t("metrics.preview_values"),
            head_read=t("metrics.preview_read"),
        )

    def apply_mapping(self) -> bool:
        """Load the export with the chosen columns and units; rows that do not fit are set aside, with their line."""
        if self.raw is None:
            return False
        mapping, units = self.chosen()
        try:
            result = import_tickets(self.raw, mapping, units, dayfirst=self.dayfirst(), progress=self._progress)
        except TicketImportError as exc:
            self.show_errors(exc)
            self._done()
            return False
        self.result = result
        self.errors.value = ""
        self.skipped.value = skipped_html(result, self.lang, self.t)
        if result.tickets.empty:
            self.errors.value = render("lab_errors.html", messages=[self.t("metrics.error_no_rows_left")])
            self._done()
            return False
        self._progress(1.0, "computing")
        self.use_tickets(result.tickets)
        self._done()
        return True

    def show_errors(self, exc: TicketImportError) -> None:
        self.errors.value = render("lab_errors.html", messages=exc.messages(self.lang))

    # --- showing -------------------------------------------------------------------------

    def hours(self) -> metrics.BusinessHours | None:
        return self.business_hours if self.clock.value else None

    def summary_html(self) -> str:
        """Every metric over all the tickets: value, what it rests on and the definition used, or why there is none."""
        rows = summary_rows(self.tickets, self.lang, self.t, self.hours(), self.business_hours)
        return render("lab_summary.html", rows=rows)

    def _clock_changed(self) -> None:
        self.summary.value = self.summary_html()
        self.redraw()

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

        def x(key: str) -> str:
            return content.text(spec[key], lang) if spec.get(key) else ""

        fig = metrics.figure(self.tickets, metric, hours=self.hours())
        self.about.value = render(
            "lab_about.html",
            abbr=x("abbr"),
            name=x("name"),
            definition=x("definition"),
            formula=x("formula"),
            scale=x("scale"),
            question=x("question"),
            trap=x("trap"),
            used=figure_notes(fig, t, self.business_hours),
            formula_label=t("metrics.formula"),
            scale_label=t("metrics.scale"),
            question_label=t("metrics.question"),
            trap_label=t("metrics.trap"),
        )
        # Only durations computed here from two timestamps depend on the clock; a helpdesk's durations keep theirs.
        timed = metric in ("FRT", "TTR") and fig.detail.get("clock") in ("calendar", "business")
        self.clock.layout.display = None if timed else "none"
        if group in self.tickets.columns or group in metrics.PERIODS:
            self.chart.update(metric_figure(self.tickets, metric, group, lang, t, self.hours()))
            self.chart.layout.display = None
        else:
            self.chart.layout.display = "none"
        self._draw_trap(metric)

    def _draw_trap(self, metric: str) -> None:
        t = self.t
        if (
            metric not in ("AHT", "FCR")
            or not {"AHT", "FCR"} <= set(self.available)
            or "created_at" not in self.tickets
        ):
            self.trap_text.value = ""
            self.trap_chart.layout.display = "none"
            return
        fig, trap = trap_figure(self.tickets, t)
        self.trap_chart.update(fig)
        self.trap_chart.layout.display = None
        change = {
            k: format_decimal(v, "+#,##0;-#,##0", locale=i18n.babel_locale(self.lang))
            for k, v in trap.change.items()
            if not math.isnan(v)
        }
        said = t(
            "metrics.trap_shown" if trap.shown else "metrics.trap_not_shown",
            aht=change.get("aht", "—"),
            fcr=change.get("fcr", "—"),
            work=change.get("handle_per_ticket", "—"),
        )
        self.trap_text.value = render("lab_trap.html", title=t("metrics.trap_title"), said=said)
