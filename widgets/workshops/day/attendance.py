"""Attendance: each half-day's sign-in, the trainer's validation, and the printable sheet.

Participants sign on their phone (a ``signin`` activity per half-day: name and a
signature drawn with a finger, kept as strokes). The trainer then validates each
line, corrects a misspelt name, or marks someone absent; the decisions live in the
session (``state["data"]["attendance"][halfday][participant] = {status, name}``).
The sheet lists every participant of the session with the time they signed, their
signature redrawn from its strokes, and the trainer's decision. Attendance exists
only where names are kept: an anonymous session has none.

>>> day = {"title": "Relation client", "dates": ["2026-12-01"], "halfdays": [
...     {"id": "d1-am", "date": "2026-12-01", "start": "09:00", "end": "12:30"}]}
>>> signin_spec(halfdays(day)[0], "fr")["id"]
'signin-d1-am'
>>> signature_path([[[0, 0], [0.5, 1]], [[1, 0]]], 200, 80)
'M0 0L100 80M200 0'
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import sqlalchemy as sa
from babel.dates import format_date

from widgets import content
from widgets.core import i18n
from widgets.core.errors import Conflict, Forbidden, Invalid, NotFound
from widgets.core.i18n import Translator
from widgets.core.text import clean_text
from widgets.live import store as st
from widgets.live.privacy import register_scrubber
from widgets.web.export import Section, Source, Table, register_section

LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")
STATUSES = ("pending", "present", "absent")
PAD_RATIO = 2.5  # the signature pad is 2.5 times wider than tall, on the phone and on the sheet


def day_info(data: dict) -> dict:
    """The training's facts as the trainer entered them (title, organisation, trainer, place, dates, half-days)."""
    day = dict(data.get("day") or {})
    day.setdefault("halfdays", [])
    day.setdefault("dates", sorted({h["date"] for h in day["halfdays"] if h.get("date")}))
    day.setdefault("timezone", "Europe/Paris")
    return day


def halfdays(day: dict) -> list[dict]:
    return list(day.get("halfdays") or [])


def signin_spec(halfday: dict, lang: str | None = None) -> dict:
    """The ``signin`` activity of one half-day; its texts come from ``datasets/day/attendance.yaml``."""
    doc = content.load("day/attendance")
    return {
        "kind": "signin",
        "id": f"signin-{halfday['id']}",
        "title": doc["title"],
        "prompt": doc["prompt"],
        "halfday": {k: halfday.get(k, "") for k in ("id", "date", "start", "end")},
        "labels": doc["labels"],
    }


def signature_path(strokes: list, width: float, height: float) -> str:
    """SVG path data for strokes in 0..1 coordinates (numbers only: nothing from the participant is text here)."""
    parts = []
    for stroke in strokes:
        for n, (x, y) in enumerate(stroke):
            parts.append(f"{'M' if n == 0 else 'L'}{round(float(x) * width, 1):g} {round(float(y) * height, 1):g}")
    return "".join(parts)


def mark(engine, trainer, code: str, halfday: str, participant_id: int, status: str, name: str | None = None) -> dict:
    """The trainer validates (``present``), marks ``absent`` or reopens (``pending``) one line; may correct the name."""
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    if session["state"].get("anonymous"):
        raise Conflict("day.error_anonymous_attendance")
    if status not in STATUSES:
        raise Invalid("core.error_invalid", field="status")
    if halfday not in {h["id"] for h in halfdays(day_info(session["state"].get("data", {})))}:
        raise NotFound("day.error_unknown_halfday", halfday=halfday)
    ids = {p["id"] for p in _participants(engine, session)}
    if participant_id not in ids:
        raise NotFound("core.error_not_participant")
    entry = {"status": status}
    if name is not None:
        entry["name"] = clean_text(name, 80)
    attendance = dict(session["state"].get("data", {}).get("attendance") or {})
    lines = dict(attendance.get(halfday) or {})
    previous = lines.get(str(participant_id)) or {}
    if "name" not in entry and previous.get("name"):
        entry["name"] = previous["name"]
    entry["at"] = st.now()
    lines[str(participant_id)] = entry
    attendance[halfday] = lines
    engine.set_data(trainer, code, "attendance", attendance, public=False)
    return entry


def _participants(engine, session: dict) -> list[dict]:
    p = st.participants
    with engine.store.read() as conn:
        rows = conn.execute(
            sa.select(p.c.id, p.c.name, p.c.created_at).where(p.c.session_id == session["id"]).order_by(p.c.id)
        )
        return [dict(row._mapping) for row in rows]


def _signatures(engine, session: dict, activity: str) -> dict[int, dict]:
    r = st.responses
    with engine.store.read() as conn:
        rows = conn.execute(
            sa.select(r.c.participant_id, r.c.value).where(
                r.c.session_id == session["id"], r.c.activity == activity, r.c.key == "signature"
            )
        )
        return {row.participant_id: row.value for row in rows}


def sheet(engine, code: str, halfday_id: str, lang: str | None = None) -> dict:
    """Everything the attendance sheet of one half-day shows."""
    session = engine.session(code)
    if session["state"].get("anonymous"):
        raise Conflict("day.error_anonymous_attendance")
    lang = lang or session["lang"]
    t = Translator(lang)
    day = day_info(session["state"].get("data", {}))
    halfday = next((h for h in halfdays(day) if h["id"] == halfday_id), None)
    if halfday is None:
        raise NotFound("day.error_unknown_halfday", halfday=halfday_id)
    signed = _signatures(engine, session, f"signin-{halfday_id}")
    marks = (session["state"].get("data", {}).get("attendance") or {}).get(halfday_id) or {}
    zone = ZoneInfo(day.get("timezone") or "Europe/Paris")
    rows = []
    for n, person in enumerate(_participants(engine, session), 1):
        signature = signed.get(person["id"])
        decided = marks.get(str(person["id"])) or {}
        if not signature and not decided:
            continue  # joined, never signed, not marked: not on this half-day's sheet
        status = decided.get("status") or "pending"
        name = decided.get("name") or (signature or {}).get("name") or person["name"] or f"P{n}"
        time = dt.datetime.fromtimestamp(signature["at"], zone).strftime("%H:%M") if signature else ""
        rows.append(
            {
                "participant_id": person["id"],
                "number": f"P{n}",
                "name": name,
                "time": time,
                "signature": signature_path(signature["strokes"], 100 * PAD_RATIO, 100)
                if signature and status != "absent"
                else "",
                "status": status,
                "status_label": t(f"day.attendance_{status}"),
                "corrected": bool(decided.get("name")) and decided.get("name") != (signature or {}).get("name"),
            }
        )
    rows.sort(key=lambda r: r["name"].casefold())
    return {
        "day": day,
        "halfday": halfday,
        "rows": rows,
        "session": session,
        "lang": lang,
        "counts": {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES},
    }


def sheet_html(engine, code: str, halfday_id: str | None = None, lang: str | None = None) -> str:
    """The printable sheets: one half-day, or every half-day one page each."""
    session = engine.session(code)
    day = day_info(session["state"].get("data", {}))
    ids = [halfday_id] if halfday_id else [h["id"] for h in halfdays(day)]
    if not ids:
        raise NotFound("day.error_unknown_halfday", halfday="")
    sheets = [sheet(engine, code, hid, lang) for hid in ids]
    lang = sheets[0]["lang"]
    env = jinja2.Environment(loader=LOADER, autoescape=True)
    return env.get_template("attendance.html").render(
        lang=lang, t=Translator(lang), sheets=sheets, ratio=PAD_RATIO, format_date=lambda iso: long_date(iso, lang)
    )


def long_date(iso: str, lang: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
        if lang.startswith("fr"):  # France and Québec: "jeudi 1er octobre 2026"
            return i18n.format_date(day, "EEEE d MMMM y", lang)
        return format_date(day, "full", locale="en_GB")
    except (TypeError, ValueError):
        return iso or ""


@register_scrubber
def forget_names(conn, session: dict, state: dict, participant_id: int | None) -> None:
    """Signatures and the trainer's attendance lines go with the names (a session made anonymous, or one person forgotten)."""
    r = st.responses
    where = [r.c.session_id == session["id"], r.c.key == "signature"]
    if participant_id is not None:
        where.append(r.c.participant_id == participant_id)
    signin = [a for a, spec in state.get("specs", {}).items() if spec.get("kind") == "signin"]
    if signin:
        conn.execute(r.delete().where(*where, r.c.activity.in_(signin)))
    lines = state.get("data", {}).get("attendance")
    if not lines:
        return
    if participant_id is None:
        state["data"].pop("attendance")
    else:
        for marks in lines.values():
            marks.pop(str(participant_id), None)


@register_section
def attendance_section(source: Source) -> list[Section]:
    if not source.with_names:
        return []
    day = day_info(source.data)
    t = source.t
    tables, summary = [], []
    for halfday in halfdays(day):
        if f"signin-{halfday['id']}" not in source.specs and halfday["id"] not in (source.data.get("attendance") or {}):
            continue
        found = sheet(source.engine, source.session["code"], halfday["id"], source.lang)
        label = f"{long_date(halfday.get('date', ''), source.lang)} {halfday.get('start', '')}-{halfday.get('end', '')}"
        summary.append({"label": label, **found["counts"]})
        tables.append(
            Table(
                f"attendance-{halfday['id']}",
                t("day.attendance_of", halfday=label),
                [
                    ("name", t("report.col_name")),
                    ("time", t("day.col_signed_at")),
                    ("status_label", t("report.col_status")),
                    ("participant_id", t("day.col_participant_id")),
                ],
                found["rows"],
            )
        )
    if not tables:
        return []
    html = source.render(LOADER, "report_attendance.html", summary=summary)
    return [Section("attendance", t("day.section_attendance"), html, tables, order=70)]
