"""What each workshop produced, as sections of the session report (:mod:`widgets.web.export`).

Each builder reads the session as the workshop keeps it (its activities and the
trainer's decisions in ``state["data"]``) and returns nothing when the session
holds nothing for it, so one report serves a single workshop and a whole day.

* values: the ranking of the dot vote and the service philosophy statement;
* matching (metrics): each matching round as a heatmap against the reference;
* cases: in the cases workshop's own module (:mod:`widgets.workshops.cases.sections`);
* week: the week plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from widgets import content
from widgets.core.errors import EngineError, Invalid
from widgets.web.export import Section, Source, Table, register_section
from widgets.workshops.values import philosophy
from widgets.workshops.week import rules as week

#: The week workshop's idea cards (``widgets.workshops.week.dashboard.IDEAS``; its dashboard module is not loaded here).
WEEK_IDEAS = "week_ideas"
LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")


# --- values -------------------------------------------------------------------------------------------


def values_statement(source: Source) -> tuple[list[dict], philosophy.Statement] | None:
    """The ranking and the statement, decided the way the values dashboard decides them."""
    specs, data = source.specs, source.data
    if specs.get("vote", {}).get("source") != "cards" and not data.get("kept"):
        return None
    doc = content.load(philosophy.CONTENT)
    ranking = source.results("vote").get("ranking", []) if "vote" in specs else []
    kept = data.get("kept")
    if not kept:
        adjust = data.get("keep_adjust") or {}
        try:
            kept = philosophy.keep_top(ranking, doc["keep"], {"add": adjust.get("add"), "remove": adjust.get("remove")})
        except Invalid:
            kept = philosophy.keep_top(ranking, doc["keep"])
    actions = data.get("actions") or philosophy.best_actions(source.results("action_vote").get("ranking", []))
    vision = data.get("vision")
    if not vision:
        best = philosophy.best_proposal(source.results("vision_rate").get("targets", []))
        vision = best["text"] if best else ""
    statement = philosophy.from_session(
        kept, actions, vision, purpose=data.get("purpose", ""), organisation=data.get("organisation", "")
    )
    kept_ids = {card["id"] for card in kept}
    rows = [
        {
            "rank": n,
            "card_id": card["id"],
            "text": card["text"],
            "dots": card.get("dots", 0),
            "voters": card.get("voters", 0),
            "kept": source.t("report.yes") if card["id"] in kept_ids else "",
        }
        for n, card in enumerate(ranking, 1)
    ]
    if not ranking:
        rows = [
            {
                "rank": n,
                "card_id": card["id"],
                "text": card["text"],
                "dots": card.get("dots", 0),
                "voters": card.get("voters", 0),
                "kept": source.t("report.yes"),
            }
            for n, card in enumerate(kept, 1)
        ]
    return rows, statement


@register_section
def values_section(source: Source) -> list[Section]:
    found = values_statement(source)
    if found is None:
        return []
    rows, statement = found
    t = source.t
    ranking = Table(
        "values-ranking",
        t("day.values_ranking"),
        [
            ("rank", t("report.col_rank")),
            ("text", t("day.col_value")),
            ("dots", t("report.col_dots")),
            ("voters", t("report.col_voters")),
            ("kept", t("day.col_kept")),
            ("card_id", t("report.col_card_id")),
        ],
        rows,
    )
    philo_rows = [{"position": n, "value": v.name, "action": v.action} for n, v in enumerate(statement.values, 1)]
    philo = Table(
        "values-statement",
        t("day.values_statement"),
        [("position", t("report.col_rank")), ("value", t("day.col_value")), ("action", t("day.col_action"))],
        philo_rows,
    )
    if statement.vision:
        philo.rows.append({"position": "", "value": t("day.vision"), "action": statement.vision})
    html = source.render(LOADER, "report_values.html", ranking=rows, statement=statement)
    return [Section("values", t("day.section_values"), html, [ranking, philo], order=10)]


# --- matching ---------------------------------------------------------------------------------------


@register_section
def matching_section(source: Source) -> list[Section]:
    grids = []
    for activity, spec in source.specs.items():
        if spec.get("kind") != "match":
            continue
        results = source.results(activity)
        reference = spec.get("reference") or {}
        columns = [{"id": c["id"], "label": source.text(c.get("label"))} for c in spec["columns"]]
        rows = []
        for row in spec["rows"]:
            answered = results.get("answered", {}).get(row["id"], 0)
            cells = []
            for col in columns:
                n = results.get("counts", {}).get(row["id"], {}).get(col["id"], 0)
                cells.append(
                    {
                        "share": round(100 * n / answered) if answered else None,
                        "ref": col["id"] in (reference.get(row["id"]) or []),
                    }
                )
            rows.append({"label": source.text(row.get("label")), "answered": answered, "cells": cells})
        grids.append(
            {
                "title": source.text(spec.get("title") or spec.get("prompt")) or activity,
                "columns": columns,
                "rows": rows,
                "participants": results.get("participants", 0),
            }
        )
    if not grids:
        return []
    html = source.render(LOADER, "report_matching.html", grids=grids)
    return [Section("matching", source.t("day.section_matching"), html, order=20)]


# --- week ------------------------------------------------------------------------------------------------


@register_section
def week_section(source: Source) -> list[Section]:
    saved = source.data.get("plan")
    if not saved:
        return []
    t = source.t
    ideas = week.cards()
    if WEEK_IDEAS in source.specs:
        for card in source.results(WEEK_IDEAS).get("cards", []):
            if not card.get("card"):
                ideas[f"item-{card['id']}"] = week.custom_idea(f"item-{card['id']}", card["text"])
    try:
        plan = week.Plan.from_dict(saved)
        year = int(source.data.get("year") or dt.date.today().year)
        rows = week.csv_rows(plan, ideas, year, source.lang)
    except (EngineError, ValueError, TypeError, KeyError):
        return []
    columns = [(c, t(f"week.col_{c}")) for c in week.CSV_COLUMNS]
    table = Table("week-plan", t("day.week_plan"), columns, rows)
    html = source.render(LOADER, "report_week.html", columns=columns, rows=rows, year=year)
    return [Section("week", t("day.section_week"), html, [table], order=40)]
