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
import time
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
from widgets.live.exercises.signin import clean_strokes
from widgets.live.privacy import register_scrubber
from widgets.web.export import Section, Source, Table, register_action, register_section
from widgets.workshops.day import agenda as ag
from widgets.workshops.day import roster as rs

LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")
STATUSES = ("pending", "present", "late", "absent")
#: Signed this long after the half-day began (and after the first signatures): late, with the time.
LATE_AFTER = dt.timedelta(minutes=10)
#: A signature this long before the start or after the end of its half-day is flagged on the sheet.
SIGN_MARGIN = dt.timedelta(minutes=30)
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


def mark(
    engine,
    trainer,
    code: str,
    halfday: str,
    participant_id: int,
    status: str,
    name: str | None = None,
    arrival: str | None = None,
) -> dict:
    """The trainer validates (``present``, ``late`` at ``arrival``), marks ``absent`` or reopens (``pending``) one line.

    The trainer may also correct the name."""
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
    if status == "late" and arrival is not None:
        try:
            entry["time"] = dt.time.fromisoformat(str(arrival)).strftime("%H:%M")
        except ValueError:
            raise Invalid("core.error_invalid", field="time") from None
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


def halfday_minutes(data: dict) -> dict[str, int]:
    """Each half-day's training time as the programme gives it: its items' minutes, breaks left out.

    A certificate's hours are the sum of the half-days attended, so a morning of
    09:30-12:05 with a 15-minute break counts 2 h 20, whatever the afternoon lasts.
    """
    if not data.get("agenda"):
        return {}
    agenda = ag.Agenda.from_dict(data["agenda"])
    parts = ag.halves(agenda)
    out: dict[str, int] = {}
    for slot in agenda.schedule():
        key = parts.get(slot.index)
        if key is None:
            continue
        out.setdefault(key, 0)
        if slot.item.kind != "break":
            out[key] += slot.item.planned
    return out


def _all_signatures(engine, session: dict, ids: list[str]) -> dict[str, dict[int, dict]]:
    return {hid: _signatures(engine, session, f"signin-{hid}") for hid in ids}


def _clock(at: float, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(at, zone)


def _window(halfday: dict, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        date = dt.date.fromisoformat(halfday.get("date") or "")
        start = dt.datetime.combine(date, dt.time.fromisoformat(halfday["start"]), zone)
        end = dt.datetime.combine(date, dt.time.fromisoformat(halfday["end"]), zone)
    except (KeyError, TypeError, ValueError):
        return None
    return start, end


def people(engine, session: dict) -> list[dict]:
    """Everyone expected on every half-day: the roster (matched or not), then whoever else signed or was marked.

    Each is ``{participant_id, roster, name, names}``: ``name`` is the one every sheet
    prints (the roster's, else the trainer's correction, else the first signature's,
    so the afternoon reuses the morning's), ``names`` what they signed with.
    """
    data = session["state"].get("data", {})
    day = day_info(data)
    ids = [h["id"] for h in halfdays(day)]
    signed = _all_signatures(engine, session, ids)
    marks = data.get("attendance") or {}
    joined = _participants(engine, session)
    signed_names: dict[int, list[str]] = {}
    for hid in ids:
        for pid, value in signed[hid].items():
            signed_names.setdefault(pid, []).append(value.get("name") or "")
    entries = rs.roster(data)
    links = rs.matched(entries, joined, signed_names)
    by_key = {entry["key"]: pid for pid, entry in links.items()}
    out = []
    for entry in entries:
        pid = by_key.get(entry["key"])
        out.append({"participant_id": pid, "roster": entry, "name": rs.full_name(entry)})
    for n, person in enumerate(joined, 1):
        pid = person["id"]
        if pid in links:
            continue
        corrected = [(marks.get(hid) or {}).get(str(pid), {}).get("name") for hid in ids]
        took_part = pid in signed_names or any(str(pid) in (marks.get(hid) or {}) for hid in ids)
        if not took_part:
            continue  # joined, never signed, never marked: a phone, not a learner
        name = next((c for c in corrected if c), None) or next(
            (x for x in signed_names.get(pid, []) if x), person["name"] or f"P{n}"
        )
        out.append({"participant_id": pid, "roster": None, "name": name})
    return out


def sheet(engine, code: str, halfday_id: str, lang: str | None = None) -> dict:
    """Everything the attendance sheet of one half-day shows: everyone expected, present, late or absent."""
    session = engine.session(code)
    if session["state"].get("anonymous"):
        raise Conflict("day.error_anonymous_attendance")
    lang = lang or session["lang"]
    t = Translator(lang)
    data = session["state"].get("data", {})
    day = day_info(data)
    halfday = next((h for h in halfdays(day) if h["id"] == halfday_id), None)
    if halfday is None:
        raise NotFound("day.error_unknown_halfday", halfday=halfday_id)
    signed = _signatures(engine, session, f"signin-{halfday_id}")
    marks = (data.get("attendance") or {}).get(halfday_id) or {}
    zone = ZoneInfo(day.get("timezone") or "Europe/Paris")
    window = _window(halfday, zone)
    first_signed = min((v["at"] for v in signed.values()), default=None)
    rows = []
    for n, person in enumerate(people(engine, session), 1):
        pid = person["participant_id"]
        signature = signed.get(pid) if pid is not None else None
        decided = (marks.get(str(pid)) or {}) if pid is not None else {}
        status = decided.get("status") or ("pending" if signature else "absent")
        name = person["name"] if person["roster"] else decided.get("name") or person["name"]
        at = _clock(signature["at"], zone) if signature else None
        signed_at = at.strftime("%H:%M") if at else ""
        arrival = decided.get("time") or ""
        if status in ("present", "pending") and at and window and first_signed is not None:
            # Late: signed well after both the half-day's start and the first signatures (the sheet going round).
            begun = max(window[0], _clock(first_signed, zone))
            if at - begun > LATE_AFTER:
                arrival = signed_at
                if status == "present":
                    status = "late"
        outside = bool(at and window and not (window[0] - SIGN_MARGIN <= at <= window[1] + SIGN_MARGIN))
        label = t(f"day.attendance_{status}")
        if status == "late" and arrival:
            label = t("day.attendance_late_at", time=arrival)
        rows.append(
            {
                "participant_id": pid,
                "number": f"P{n}",
                "name": name,
                "time": signed_at,
                "arrival": arrival,
                "signature": signature_path(signature["strokes"], 100 * PAD_RATIO, 100)
                if signature and status != "absent"
                else "",
                "status": status,
                "status_label": label,
                "outside": outside,
                "corrected": bool(decided.get("name")) and decided.get("name") != (signature or {}).get("name"),
                "org": (person["roster"] or {}).get("org", ""),
            }
        )
    rows.sort(key=lambda r: r["name"].casefold())
    trainer_sig = (data.get("trainer_signatures") or {}).get(halfday_id)
    return {
        "day": day,
        "halfday": halfday,
        "minutes": halfday_minutes(data).get(halfday_id, 0),
        "rows": rows,
        "session": session,
        "lang": lang,
        "counts": {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES},
        "outside": sum(1 for r in rows if r["outside"]),
        "trainer_signature": {
            "name": trainer_sig.get("name", ""),
            "time": _clock(trainer_sig["at"], zone).strftime("%d/%m/%Y %H:%M"),
            "path": signature_path(trainer_sig["strokes"], 100 * PAD_RATIO, 100),
        }
        if trainer_sig
        else None,
    }


def sign_as_trainer(engine, trainer, code: str, halfday: str, strokes, name: str | None = None) -> dict:
    """The trainer signs one half-day's sheet on the device (strokes as a participant's), replacing a former one."""
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    if session["state"].get("anonymous"):
        raise Conflict("day.error_anonymous_attendance")
    data = session["state"].get("data", {})
    if halfday not in {h["id"] for h in halfdays(day_info(data))}:
        raise NotFound("day.error_unknown_halfday", halfday=halfday)
    signatures = dict(data.get("trainer_signatures") or {})
    signer = clean_text(name, 80) if isinstance(name, str) and name.strip() else day_info(data).get("trainer", "")
    signatures[halfday] = {"name": signer, "strokes": clean_strokes(strokes), "at": time.time()}
    engine.set_data(trainer, code, "trainer_signatures", signatures, public=False)
    return {"halfday": halfday, "name": signer}


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
        lang=lang,
        t=Translator(lang),
        sheets=sheets,
        ratio=PAD_RATIO,
        format_date=lambda iso: long_date(iso, lang),
        hours=hours_text,
    )


def hours_text(minutes: int) -> str:
    """Hours and minutes with no-break spaces (``2 h 20``), the way both languages print a training's length."""
    return f"{minutes // 60}\u00a0h\u00a0{minutes % 60:02d}"


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
    entries = state.get("data", {}).get("roster")
    if entries:
        # The roster names people too: all of it goes with an anonymous session, one line with one person forgotten.
        if participant_id is None:
            state["data"].pop("roster")
        else:
            state["data"]["roster"] = [e for e in entries if e.get("participant") != participant_id]
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
                    ("org", t("day.col_org")),
                    ("time", t("day.col_signed_at")),
                    ("status_label", t("report.col_status")),
                ],
                found["rows"],
            )
        )
    if not tables:
        return []
    html = source.render(LOADER, "report_attendance.html", summary=summary)  # counts include the absent expected
    return [Section("attendance", t("day.section_attendance"), html, tables, order=70)]


@register_action("trainer-sign")
def _trainer_sign_action(engine, trainer, code, body):
    return sign_as_trainer(engine, trainer, code, str(body.get("halfday", "")), body.get("strokes"), body.get("name"))
