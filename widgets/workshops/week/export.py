"""The files a week plan leaves with: the calendar, the one-page plan, the CSV and the materials to order.

The formats themselves are written by :mod:`widgets.workshops.week.rules` (``to_ics``, ``to_csv``,
``plan_html``); this module names the files, adds the materials list and turns
each file into a link a browser can download without a server round trip.

>>> from widgets.workshops.week.rules import Placement, Plan, cards
>>> files = plan_files(Plan([Placement("peer-cards", day=1)]), cards(), 2025, "en")
>>> sorted(files), files["ics"].name
(['csv', 'html', 'ics', 'materials'], 'customer-service-week-2025.ics')
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from widgets.core.i18n import Translator
from widgets.workshops.week import rules as week

MATERIAL_COLUMNS = ("material", "quantity", "unit_cost", "cost", "col_currency", "for_ideas")


@dataclass(frozen=True)
class PlanFile:
    """One download: its file name, media type and bytes."""

    name: str
    mime: str
    body: bytes

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.body).decode('ascii')}"


def materials_csv(plan: week.Plan, ideas: Mapping[str, dict], lang: str) -> bytes:
    """The order list as CSV (same conventions as :func:`widgets.workshops.week.rules.to_csv`), with its total on the last line."""
    t = Translator(lang)
    lines, total = week.materials(plan, ideas, lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([t(f"week.{c}") for c in MATERIAL_COLUMNS])
    for line in lines:
        writer.writerow(
            [
                week._cell(line.name),
                week._quantity(line.quantity),
                week._number(line.unit_cost, lang),
                week._number(line.total, lang),
                plan.currency,
                week._cell(", ".join(line.ideas)),
            ]
        )
    writer.writerow(["", "", "", week._number(total, lang), plan.currency, ""])
    return out.getvalue().encode("utf-8-sig")


def plan_files(
    plan: week.Plan, ideas: Mapping[str, dict], year: int, lang: str, *, tz: str = "Europe/Paris", heading: str = ""
) -> dict[str, PlanFile]:
    """Every file of the plan, by format: ``ics``, ``html``, ``csv``, ``materials``."""
    t = Translator(lang)
    stem = t("week.file_name", year=year)
    return {
        "ics": PlanFile(f"{stem}.ics", "text/calendar", week.to_ics(plan, ideas, year, lang, tz)),
        "html": PlanFile(
            f"{stem}.html", "text/html", week.plan_html(plan, ideas, year, lang, heading=heading).encode("utf-8")
        ),
        "csv": PlanFile(f"{stem}.csv", "text/csv", week.to_csv(plan, ideas, year, lang)),
        "materials": PlanFile(
            f"{t('week.materials_file_name', year=year)}.csv", "text/csv", materials_csv(plan, ideas, lang)
        ),
    }
