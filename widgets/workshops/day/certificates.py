"""Certificates of completion ("attestations de fin de formation"), one per participant who attended.

A certificate states the training's title, dates, duration, objectives, the trainer
and the organisation, and the participant's attendance as the trainer validated
it (half-days present out of the half-days of the training). Only participants
marked present at least once get one; an anonymous session has none.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from widgets.core.errors import Conflict, NotFound
from widgets.core.i18n import Translator
from widgets.live.exercises.quiz import score
from widgets.web.export import Source
from widgets.workshops.day import agenda as ag
from widgets.workshops.day import attendance as att
from widgets.workshops.day import evaluation as ev

#: Short activities whose objective is part of what the training teaches (sign-in, quizzes, evaluation are not).
TEACHING_ACTIVITIES = ("wordcloud", "commitment")
#: The statuses that count as attended: validated present, or validated present after arriving late.
ATTENDED = ("present", "late")
LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")


def duration_text(minutes: int, lang: str) -> str:
    """Hours and minutes with no-break spaces, the way both languages print a training's length.

    >>> duration_text(405, "fr").replace("\\u00a0", " "), duration_text(90, "en").replace("\\u00a0", " ")
    ('6 h 45', '1 h 30')
    """
    return f"{minutes // 60}\u00a0h\u00a0{minutes % 60:02d}"


def hours_decimal(minutes: int, lang: str) -> str:
    """Hours as a number, the way the certificat de réalisation's "durée de ... heures" asks (comma in French).

    >>> hours_decimal(140, "fr"), hours_decimal(90, "en")
    ('2,33', '1.5')
    """
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang.startswith("fr") else text


def certificates(engine, code: str, participant_id: int | None = None, lang: str | None = None) -> list[dict]:
    """The certificates of a session (or of one participant), from the validated attendance."""
    session = engine.session(code)
    if session["state"].get("anonymous"):
        raise Conflict("day.error_anonymous_attendance")
    lang = lang or session["lang"]
    data = session["state"].get("data", {})
    day = att.day_info(data)
    all_halfdays = att.halfdays(day)
    agenda = ag.Agenda.from_dict(data["agenda"]) if data.get("agenda") else None
    minutes = agenda.teaching_minutes() if agenda else 0
    objectives = []
    if agenda:
        # The training's objectives are its workshops' and its opener's and closer's, not the paperwork's.
        for item in agenda.items:
            if item.kind == "workshop" or (item.kind == "activity" and item.ref in TEACHING_ACTIVITIES):
                text = ag.item_objective(item.kind, item.ref, lang)
                if text and text not in objectives:
                    objectives.append(text)
    minutes_of = att.halfday_minutes(data)
    total_minutes = sum(minutes_of.get(h["id"], 0) for h in all_halfdays) or minutes
    people: dict[int, dict] = {}
    for halfday in all_halfdays:
        for row in att.sheet(engine, code, halfday["id"], lang)["rows"]:
            if row["participant_id"] is None:
                continue  # expected, never came: no certificate
            person = people.setdefault(
                row["participant_id"], {"name": row["name"], "present": 0, "minutes": 0, "dates": [], "org": row["org"]}
            )
            if row["status"] in ATTENDED:
                person["present"] += 1
                person["minutes"] += minutes_of.get(halfday["id"], 0)
                person["name"] = row["name"]
                if halfday.get("date") and halfday["date"] not in person["dates"]:
                    person["dates"].append(halfday["date"])
    quiz = _quiz_scores(engine, session)
    out = []
    for pid, person in sorted(people.items(), key=lambda kv: kv[1]["name"].casefold()):
        if person["present"] == 0 or (participant_id is not None and pid != participant_id):
            continue
        out.append(
            {
                "participant_id": pid,
                "name": person["name"],
                "org": person["org"],
                "present": person["present"],
                "halfdays": len(all_halfdays),
                "minutes": person["minutes"],
                "duration": duration_text(total_minutes, lang),
                "attended": duration_text(person["minutes"], lang),
                "hours_decimal": hours_decimal(person["minutes"], lang),
                "first": min(person["dates"]) if person["dates"] else "",
                "last": max(person["dates"]) if person["dates"] else "",
                "objectives": objectives,
                "quiz": quiz.get(pid),
            }
        )
    if participant_id is not None and not out:
        raise NotFound("day.error_no_certificate")
    return out


def _quiz_scores(engine, session: dict) -> dict[int, dict]:
    """Each participant's knowledge check, before and after: the "results of the assessment" a certificate states."""
    specs = session["state"].get("specs", {})
    quiz = specs.get(ev.QUIZ_POST) or specs.get(ev.QUIZ_PRE)
    if not quiz:
        return {}
    key = quiz.get("answer") or {}
    out: dict[int, dict] = {}
    for stage, activity in (("pre", ev.QUIZ_PRE), ("post", ev.QUIZ_POST)):
        source = Source(engine, session, session["lang"], True, [])
        for pid, answers in ev.by_participant(source.responses(activity)).items():
            right, total = score(answers, key)
            if total:  # an unanswered quiz scores nothing, and a certificate never says so
                out.setdefault(pid, {"total": total})[stage] = right
    return out


def certificates_html(engine, code: str, participant_id: int | None = None, lang: str | None = None) -> str:
    """One printable page per certificate (the whole group when no participant is given)."""
    session = engine.session(code)
    lang = lang or session["lang"]
    day = att.day_info(session["state"].get("data", {}))
    env = jinja2.Environment(loader=LOADER, autoescape=True)
    return env.get_template("certificate_day.html").render(
        lang=lang,
        t=Translator(lang),
        day=day,
        session=session,
        certificates=certificates(engine, code, participant_id, lang),
        dates=[att.long_date(d, lang) for d in day.get("dates", [])],
    )
