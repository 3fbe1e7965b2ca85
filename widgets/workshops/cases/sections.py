"""The cases workshop's section of the session report (:mod:`widgets.web.export`): each case's path.

For each case played live: the group's choice at each step, the turning step, the ending and
the room's competence profile, by the workshop's own debrief (:mod:`widgets.workshops.cases.report`).
It returns nothing when the session played no case, so one report serves a single workshop and
a whole day (the training day imports this module to register it).
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from widgets.core.errors import EngineError
from widgets.live.exercises import casebook
from widgets.web.export import Section, Source, Table, register_section
from widgets.workshops.cases import report as cases_report

__all__ = ["cases_section"]

LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")


def _case_plays(source: Source) -> dict[str, list[str]]:
    """For each case played live, the group's choice at each step, in the order the steps were opened."""
    plays: dict[str, list[str]] = {}
    for activity, spec in source.specs.items():
        if spec.get("kind") != "choice" or ":" not in activity:
            continue
        case_id = activity.split(":")[0]
        majority = source.results(activity).get("majority")
        plays.setdefault(case_id, [])
        if majority:
            plays[case_id].append(majority)
    current = source.data.get("case") or {}
    if current.get("id") and current.get("choices"):
        plays[current["id"]] = list(current["choices"])  # the path the trainer walked (ties settled by hand)
    return plays


def _fallback_debriefs(source: Source) -> list[dict]:
    """Paths read from the step activities alone, for a session that kept no case runs (opened by hand)."""
    out = []
    for case_id, choices in _case_plays(source).items():
        try:
            case = casebook.get_case(case_id)
            walked = casebook.walk(case, choices)
        except (KeyError, EngineError, ValueError):
            continue
        if not walked.path:
            continue
        play = {"id": case_id, "run": 1, "choices": list(walked.choices), "picks": ["majority"] * len(walked.choices)}
        counts = {step: source.results(f"{case_id}:{step}").get("counts", {}) for step in walked.path}
        out.append(cases_report.run_debrief(case, play, counts, source.lang))
    return out


@register_section
def cases_section(source: Source) -> list[Section]:
    """Each case's path, turning step and the room's profile, by the cases workshop's own debrief."""
    t = source.t
    if not any(spec.get("kind") == "choice" and ":" in activity for activity, spec in source.specs.items()):
        return []
    debriefs = cases_report.session_debriefs(source.engine, source.session["code"], source.lang) or _fallback_debriefs(
        source
    )
    if not debriefs:
        return []
    rows = []
    for debrief in debriefs:
        for step in debrief["steps"]:
            rows.append(
                {
                    "case": debrief["title"],
                    "step": step["number"],
                    "situation": step["situation"],
                    "choice": step["chosen"]["text"],
                    "count": f"{step['chosen']['count']}/{step['answered']}" if step["answered"] else "",
                    "turning": t("report.yes") if step["turning"] else "",
                    "case_id": debrief["id"],
                    "step_id": step["id"],
                    "choice_id": step["chosen"]["id"],
                }
            )
    table = Table(
        "cases-paths",
        t("cases.report_paths"),
        [
            ("case", t("report.col_case")),
            ("step", t("cases.report_col_step")),
            ("situation", t("cases.report_col_situation")),
            ("choice", t("cases.report_col_group_choice")),
            ("count", t("report.col_count")),
            ("turning", t("cases.report_col_turning")),
            ("case_id", t("cases.report_col_case_id")),
            ("step_id", t("cases.report_col_step_id")),
            ("choice_id", t("report.col_option_id")),
        ],
        rows,
    )
    html = source.render(LOADER, "report_cases.html", debriefs=debriefs)
    return [Section("cases", t("cases.report_section"), html, [table], order=30)]
