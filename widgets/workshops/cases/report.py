"""The debrief of the cases a room played: its path with the alternatives not taken, the turning step, the profile.

Each case run of a session (a case played from its first step; a replay is a new
run) becomes one debrief: every step in the order played, the response the room
went on with and the ones it did not take (with how many chose each and the
letter they had on the screens), the step whose answer settled the ending
(:func:`widgets.live.exercises.casebook.turning_step`), the room's competence profile with the
competences' names, and the trainer's debrief questions. The same debriefs make
a printable HTML report (one case per page) and a CSV whose rows name responses
by id and text, in the session's language, never by a letter alone.

>>> import types
>>> case = casebook.get_case("billing-double-charge")
>>> play = {"id": case["id"], "run": 1, "choices": ["own-it", "refund-now", "check-rest"], "picks": ["majority"] * 3}
>>> report = run_debrief(case, play, {}, "en")
>>> [row["chosen"]["id"] for row in report["steps"]], report["ending"]["id"]
(['own-it', 'refund-now', 'check-rest'], 'loyal')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from string import ascii_uppercase

import jinja2

from widgets import content
from widgets.core.i18n import Translator
from widgets.live.exercises import casebook

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Where the dashboard keeps every run of the session: ``{"<case>:<run>": play}``.
RUNS = "case_runs"
CSV_COLUMNS = (
    "case",
    "run",
    "step_order",
    "step",
    "situation",
    "letter",
    "response",
    "text",
    "chosen",
    "count",
    "answered",
    "how",
    "turning",
    "ending",
)


def letter(index: int) -> str:
    return ascii_uppercase[index]


def order_of(case: dict, play: dict, step_id: str, seed: str | None = None) -> list[str]:
    """The order a step's responses were shown in: as recorded with the play, else the seed's, else the file's."""
    recorded = (play.get("orders") or {}).get(step_id)
    ids = [r["id"] for r in casebook.step(case, step_id)["responses"]]
    if recorded and sorted(recorded) == sorted(ids):
        return list(recorded)
    return casebook.shown_order(case, step_id, seed) if seed else ids


def run_debrief(case: dict, play: dict, counts: dict[str, dict[str, int]], lang: str) -> dict:
    """One case run's debrief as plain data (texts already in ``lang``); see the module docstring."""
    t = Translator(lang)
    x = lambda value: content.text(value, lang)
    choices = list(play.get("choices", []))
    walked = casebook.walk(case, choices)
    turning = casebook.turning_step(case, choices) if walked.done else None
    picks = list(play.get("picks", []))
    steps = []
    for i, (step_id, choice) in enumerate(zip(walked.path, walked.choices)):
        item = casebook.step(case, step_id)
        here = counts.get(step_id, {})
        options = []
        for position, response_id in enumerate(order_of(case, play, step_id)):
            response = casebook.response(case, step_id, response_id)
            options.append(
                {
                    "letter": letter(position),
                    "id": response_id,
                    "text": x(response["text"]),
                    "feedback": x(response["feedback"]),
                    "count": int(here.get(response_id, 0)),
                    "chosen": response_id == choice,
                }
            )
        how = picks[i] if i < len(picks) else "trainer"
        steps.append(
            {
                "number": i + 1,
                "id": step_id,
                "situation": x(item["situation"]),
                "chosen": next(o for o in options if o["chosen"]),
                "others": [o for o in options if not o["chosen"]],
                "options": options,
                "answered": sum(int(n) for n in here.values()),
                "how": t(f"cases.pick_{how}"),
                "turning": i == turning,
                "mood": t("cases.mood_" + walked.moods[i + 1]),
            }
        )
    profile = casebook.room_profile(case, counts) if counts else casebook.scores(case, choices)
    end = casebook.ending(case, walked.ending) if walked.done else None
    lens = case["debrief"]["lens"]
    return {
        "id": case["id"],
        "run": play.get("run", 1),
        "title": x(case["title"]),
        "sector": t("cases.sector_" + case["sector"]),
        "channel": t("cases.channel_" + case["channel"]),
        "customer": case["customer"]["name"],
        "situation": x(case["customer"]["situation"]),
        "context": x(case["context"]),
        "steps": steps,
        "done": walked.done,
        "turning": turning,
        "ending": {
            "id": end["id"],
            "title": x(end["title"]),
            "outcome": x(end["outcome"]),
            "type": t("cases.ending_" + end["type"]),
            "kind": end["type"],
        }
        if end
        else None,
        "mood": t("cases.mood_" + walked.customer),
        "profile": [
            {"id": c, "label": t(f"cases.competence_{c}"), "value": round(float(profile[c]))}
            for c in casebook.COMPETENCES
        ],
        "questions": [x(q) for q in end["questions"]] if end else [],
        "points": [
            {"principle": t("cases.principle_" + p["principle"]), "text": x(p["text"])}
            for p in case["debrief"]["points"]
        ],
        "lens": {"name": t("cases.lens_" + lens["model"]), "note": x(lens["note"])},
        **_notes(case.get("notes") or {}, x, t("cases.notes_edition")),
        "sources": list(case.get("notes", {}).get("sources", [])),
    }


def _notes(notes: dict, x, edition: str) -> dict:
    """The trainer's notes: France's law then Québec's, or for the Québec edition Québec's first, France's as a comparison."""
    here, quebec = (x(notes["text"]) if notes.get("text") else ""), (x(notes["quebec"]) if notes.get("quebec") else "")
    if edition == "quebec" and quebec:
        return {"notes": quebec, "quebec": "", "france": here}
    return {"notes": here, "quebec": quebec, "france": ""}


def session_runs(engine, code: str) -> list[dict]:
    """Every case run kept in the session, in the order they were started (the current one included)."""
    data = engine.session(code)["state"].get("data", {})
    runs = dict(data.get(RUNS) or {})
    current = data.get("case")
    if current and current.get("id"):
        runs[f"{current['id']}:{current.get('run', 1)}"] = current
    return [play for play in runs.values() if play.get("started")]


def activity_id(case_id: str, step_id: str, run: int) -> str:
    """``<case>:<step>``; a replay of the same case gets ``:<run>`` so its answers start afresh."""
    return f"{case_id}:{step_id}" if run <= 1 else f"{case_id}:{step_id}:{run}"


def session_debriefs(engine, code: str, lang: str) -> list[dict]:
    """The debrief of every case run of a session that has at least one step answered."""
    out = []
    for play in session_runs(engine, code):
        try:
            case = casebook.get_case(play["id"])
            walked = casebook.walk(case, play.get("choices", []))
        except (KeyError, ValueError):
            continue  # a case removed from the content folder since: nothing to debrief
        if not walked.path:
            continue
        counts = {
            s: engine.results(code, activity_id(case["id"], s, play.get("run", 1))).get("counts", {})
            for s in walked.path
        }
        out.append(run_debrief(case, play, counts, lang))
    return out


def to_html(debriefs: list[dict], lang: str, *, code: str = "", date: str | None = None) -> str:
    """A printable report: one case per page (the CSS breaks pages between cases)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("cases_debrief.html").render(
        lang=lang, t=Translator(lang), debriefs=debriefs, code=code, date=date or dt.date.today().isoformat()
    )


def to_csv(debriefs: list[dict], lang: str) -> str:
    """One row per response shown at each step played; headers and texts in ``lang``."""
    t = Translator(lang)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([t(f"cases.csv_{column}") for column in CSV_COLUMNS])
    for report in debriefs:
        for row in report["steps"]:
            for option in row["options"]:
                writer.writerow(
                    [
                        report["title"],
                        report["run"],
                        row["number"],
                        row["id"],
                        row["situation"],
                        option["letter"],
                        option["id"],
                        option["text"],
                        t("cases.csv_yes") if option["chosen"] else "",
                        option["count"],
                        row["answered"],
                        row["how"] if option["chosen"] else "",
                        t("cases.csv_yes") if row["turning"] else "",
                        report["ending"]["title"] if report["ending"] else "",
                    ]
                )
    return out.getvalue()
