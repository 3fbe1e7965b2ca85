"""``elan metrics FILE``: every metric an export supports, with n and the definition used, for analysts.

    elan metrics export.csv
    elan metrics export.csv --map customer_id="Code client" --unit handle_seconds=minutes --json

The columns are guessed as in the lab; ``--map field=column`` overrides one field (an
empty column unmaps it) and ``--unit field=unit`` the unit of a duration. Dates like
01/02 are read in the order the whole file shows (a day over 12 settles it); when no
date tells, they are read day first and the report says so: ``--dayfirst`` or
``--monthfirst`` decide. ``--header-row N`` names a spreadsheet's header row when the
one found under a title is not it. With ``--json``
the output is ``{"rows": N, "skipped": [{"line": L, "reason": "..."}], "metrics":
{"CSAT": {"value": V, "n": N, ...}, ...}}`` (and ``left_out``: values left out of tickets kept, ``notes``,
``dates``) with the ids of ``datasets/metrics/metrics.yaml``;
a metric the file cannot support has ``"value": null`` and its ``reason``.

>>> data = report_data(SAMPLE_TEXT.encode(), lang="en")
>>> data["rows"], data["metrics"]["CSAT"]
(3, {'value': 50.0, 'n': 2, 'unit': 'percent'})
>>> data["metrics"]["BACKLOG"]["value"], data["metrics"]["BACKLOG"]["reason"]
(None, 'No resolution date or status: the backlog needs one.')
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd
from babel.numbers import format_decimal

from widgets import content
from widgets.core import i18n
from widgets.core.i18n import Translator
from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.tickets import TicketImportError, guess_mapping, import_tickets, read_export

SAMPLE_TEXT = "id,created,csat,contacts\n1,2024-01-02 10:00,5,1\n2,2024-01-02 11:00,2,2\n3,2024-01-03 09:00,,1\n"


class UsageError(ValueError):
    """A ``--map`` or ``--unit`` that is not ``name=value``."""


def pairs(items: list[str] | None, option: str) -> dict[str, str]:
    """``["a=b", "c="]`` as ``{"a": "b", "c": ""}``; the value may itself contain "=".

    >>> pairs(["customer_id=Code client", "agent="], "--map")
    {'customer_id': 'Code client', 'agent': ''}
    """
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{option} {item!r}: expected FIELD=VALUE")
        out[name.strip()] = value.strip()
    return out


def catalogue() -> dict[str, dict]:
    return {m["id"]: m for m in content.load("metrics/metrics")["metrics"] if m.get("computed")}


def figure_notes(fig: metrics.Figure, t: Translator, hours: metrics.BusinessHours | None = None) -> list[str]:
    """The definition used, beside the figure: FCR's evidence and scope, a duration's clock, AHT's contacts."""
    notes, detail = [], fig.detail
    if not fig.ok:
        return notes
    hours = hours or metrics.BusinessHours()
    if fig.metric == "FCR" and detail.get("method"):
        notes.append(
            t(f"metrics.fcr_method_{detail['method']}", days=detail.get("window_days", metrics.FCR_WINDOW_DAYS))
        )
        if detail.get("scope") == "all":
            notes.append(t("metrics.fcr_scope_all"))
    if fig.metric in ("FRT", "TTR") and detail.get("clock"):
        notes.append(t(f"metrics.clock_{detail['clock']}", start=f"{hours.start:g} h", end=f"{hours.end:g} h"))
    if fig.metric == "CRR" and detail.get("partial_days") is not None:
        period = t(f"metrics.period_{detail.get('period', 'quarter')}")
        if detail.get("partial_skipped") is not None:
            notes.append(
                t(
                    "metrics.crr_partial_skipped",
                    period=period,
                    start=f"{pd.Timestamp(detail['partial_skipped']):%Y-%m-%d}",
                    days=detail["partial_days"],
                    full=f"{pd.Timestamp(detail['period_start']):%Y-%m-%d}",
                )
            )
        else:
            notes.append(
                t(
                    "metrics.crr_partial",
                    period=period,
                    start=f"{pd.Timestamp(detail['period_start']):%Y-%m-%d}",
                    days=detail["partial_days"],
                )
            )
    if fig.metric == "AHT" and detail.get("contacts") == "assumed_one":
        notes.append(t("metrics.aht_contacts_assumed_one"))
    return notes


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
        scale_unit, divisor = (
            (scale_unit, 3600.0 if scale_unit == "hours" else 60.0) if scale_unit else duration_unit(value)
        )
        return t(
            f"metrics.value_{scale_unit}",
            value=format_decimal(value / divisor, "#,##0.0", locale=i18n.babel_locale(lang)),
        )
    if unit == "points":
        return t("metrics.value_points", value=format_decimal(value, "+#,##0;-#,##0", locale=i18n.babel_locale(lang)))
    if unit == "count":
        return t("metrics.value_count", value=format_decimal(value, "#,##0", locale=i18n.babel_locale(lang)))
    pattern = "#,##0.00" if unit == "currency" else "#,##0.0"
    return t(f"metrics.value_{unit}", value=format_decimal(value, pattern, locale=i18n.babel_locale(lang)))


def report_data(
    source,
    mapping: dict[str, str] | None = None,
    units: dict[str, str] | None = None,
    *,
    lang: str = "en",
    dayfirst: bool | None = None,
    header_row: int | None = None,
) -> dict:
    """What ``elan metrics --json`` prints: rows, skipped rows, values left out, notes, and every metric."""
    t = Translator(lang)
    raw = read_export(source, header_row=header_row)
    chosen = {**guess_mapping(raw.frame.columns), **(mapping or {})}
    result = import_tickets(raw, {k: v for k, v in chosen.items() if v}, units or {}, dayfirst=dayfirst)
    out_metrics = {}
    for metric, spec in catalogue().items():
        fig = metrics.figure(result.tickets, metric)
        entry: dict = {
            "value": None if math.isnan(fig.value) else round(float(fig.value), 4),
            "n": int(fig.n),
            "unit": spec["unit"],
        }
        if not fig.ok:
            field = fig.detail.get("field")
            entry["reason"] = t(
                fig.reason or "metrics.reason_no_field", field=t(f"metrics.field_{field}") if field else ""
            )
        definition = " ".join(figure_notes(fig, t))
        if definition:
            entry["definition"] = definition
        out_metrics[metric] = entry
    return {
        "rows": result.rows,
        "skipped": [{"line": s.line, "reason": s.text(lang)} for s in result.skipped],
        "left_out": [{"line": s.line, "reason": s.text(lang)} for s in result.left_out],
        "notes": [note.text(lang) for note in result.notes],
        "dates": _dates(result.dates, t),
        "metrics": out_metrics,
        "mapping": result.mapping,
        "units": {name: guess.unit for name, guess in result.units.items()},
    }


def _dates(dates, t: Translator) -> dict | None:
    """How day/month dates were read, and what settled it, in words."""
    if dates is None:
        return None
    order = t(f"metrics.dates_{dates.order}")
    if dates.source == "file":
        text = t("metrics.report_dates", order=order, line=dates.line, value=dates.value, column=dates.column)
    elif dates.source == "chosen":
        text = t("metrics.report_dates_chosen", order=order)
    else:
        text = ""  # said in the notes
    return {"order": dates.order, "source": dates.source, "text": text}


def _value(entry: dict, lang: str, t: Translator) -> str:
    return show_value(float("nan") if entry["value"] is None else entry["value"], entry["unit"], lang, t)


def report_text(data: dict, lang: str) -> str:
    """The report as people read it: one metric a line, then its definition or the reason for its dash."""
    t, cat = Translator(lang), catalogue()
    lines = [
        t(
            "metrics.report_rows",
            rows=format_decimal(data["rows"], "#,##0", locale=i18n.babel_locale(lang)),
            read=format_decimal(data["rows"] - len(data["skipped"]), "#,##0", locale=i18n.babel_locale(lang)),
        )
    ]
    lines += data.get("notes", [])
    if data.get("dates") and data["dates"]["text"]:
        lines.append(data["dates"]["text"])
    for metric, entry in data["metrics"].items():
        name, abbr = content.text(cat[metric]["name"], lang), content.text(cat[metric]["abbr"], lang)
        name = name if abbr in name else f"{name} ({abbr})"
        n = (
            t("metrics.based_on", n=format_decimal(entry["n"], "#,##0", locale=i18n.babel_locale(lang)))
            if entry["value"] is not None
            else ""
        )
        lines.append(f"{metric:<8} {_value(entry, lang, t):>12}  {n:<12} {name}")
        for note in (entry.get("definition"), entry.get("reason")):
            if note:
                lines.append(f"{'':<8} {'':>12}  {note}")
    if data["skipped"]:
        lines.append("")
        lines.append(
            t("metrics.report_skipped", n=format_decimal(len(data["skipped"]), "#,##0", locale=i18n.babel_locale(lang)))
        )
        lines += [t("metrics.skipped_line", line=s["line"], reason=s["reason"]) for s in data["skipped"]]
    if data.get("left_out"):
        lines.append("")
        n = format_decimal(len(data["left_out"]), "#,##0", locale=i18n.babel_locale(lang))
        lines.append(t("metrics.report_left_out", n=n))
        lines += [t("metrics.skipped_line", line=s["line"], reason=s["reason"]) for s in data["left_out"]]
    return "\n".join(lines)


def main(args) -> int:
    """Run ``elan metrics`` with parsed arguments (``file``, ``map``, ``unit``, ``json``, ``lang``, ``dayfirst``)."""
    lang = args.lang or "en"
    try:
        mapping, units = pairs(args.map, "--map"), pairs(args.unit, "--unit")
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    path = Path(args.file)
    if not path.is_file():
        print(Translator(lang)("metrics.report_no_file", path=str(path)), file=sys.stderr)
        return 2
    try:
        data = report_data(
            path,
            mapping,
            units,
            lang=lang,
            dayfirst=getattr(args, "dayfirst", None),
            header_row=getattr(args, "header_row", None),
        )
    except TicketImportError as exc:
        print("\n".join(exc.messages(lang)), file=sys.stderr)
        return 1
    except (ValueError, UnicodeError, OSError, LookupError) as exc:
        # A file no check foresaw still gets one sentence, never a traceback.
        print(Translator(lang)("metrics.error_unreadable", detail=str(exc) or type(exc).__name__), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report_text(data, lang))
    return 0
