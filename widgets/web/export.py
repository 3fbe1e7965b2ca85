"""A session's raw results as CSV, XLSX or a readable HTML report.

Rows are the cards sent and the answers given, one per line, with the
participant's number; names appear only when the session was not anonymous.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import jinja2
import sqlalchemy as sa

from widgets.live import store as st
from widgets.core.i18n import Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
COLUMNS = ("session", "workshop", "activity", "kind", "participant", "name", "key", "value", "text", "status", "time")


def rows(engine, code: str) -> tuple[dict, list[dict], bool]:
    """The session, its rows, and whether names may be exported."""
    session = engine.session(code)
    with_names = not session["state"].get("anonymous")
    with engine.store.read() as conn:
        names = {
            r.id: r.name
            for r in conn.execute(
                sa.select(st.participants.c.id, st.participants.c.name).where(
                    st.participants.c.session_id == session["id"]
                )
            )
        }
        items = conn.execute(
            sa.select(st.items).where(st.items.c.session_id == session["id"]).order_by(st.items.c.id)
        ).all()
        answers = conn.execute(
            sa.select(st.responses)
            .where(st.responses.c.session_id == session["id"])
            .order_by(st.responses.c.activity, st.responses.c.participant_id, st.responses.c.key)
        ).all()
    out = []
    for item in items:
        out.append(
            {
                "activity": item.activity,
                "kind": "card",
                "participant": item.participant_id or "",
                "name": names.get(item.participant_id) if with_names else "",
                "key": item.id,
                "value": json.dumps(item.data, ensure_ascii=False) if item.data else "",
                "text": item.text,
                "status": item.status if not item.merged_into else f"merged:{item.merged_into}",
                "time": _iso(item.created_at),
            }
        )
    for answer in answers:
        value = answer.value
        out.append(
            {
                "activity": answer.activity,
                "kind": "answer",
                "participant": answer.participant_id,
                "name": names.get(answer.participant_id) if with_names else "",
                "key": answer.key,
                "value": value if isinstance(value, (int, float, str)) else json.dumps(value, ensure_ascii=False),
                "text": "",
                "status": "",
                "time": _iso(answer.updated_at),
            }
        )
    for row in out:
        row["session"] = session["code"]
        row["workshop"] = session["workshop"]
        row["name"] = row["name"] or ""
    return session, out, with_names


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")


def _safe_cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(engine, code: str, lang: str) -> str:
    _, data, with_names = rows(engine, code)
    t = Translator(lang)
    columns = [c for c in COLUMNS if with_names or c != "name"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(f"core.column_{c}") for c in columns])
    for row in data:
        writer.writerow([_safe_cell(row[c]) for c in columns])
    return buffer.getvalue()


def to_xlsx(engine, code: str, lang: str) -> bytes:
    from openpyxl import Workbook

    _, data, with_names = rows(engine, code)
    t = Translator(lang)
    columns = [c for c in COLUMNS if with_names or c != "name"]
    book = Workbook()
    sheet = book.active
    sheet.title = code[:31]
    sheet.append([t(f"core.column_{c}") for c in columns])
    for row in data:
        sheet.append([_safe_cell(row[c]) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(engine, code: str, lang: str) -> str:
    session, data, with_names = rows(engine, code)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    activities: dict[str, dict] = {}
    for row in data:
        entry = activities.setdefault(row["activity"], {"id": row["activity"], "items": [], "responses": []})
        if row["kind"] == "card":
            entry["items"].append(row)
        else:
            entry["responses"].append(row)
    participants = len({r["participant"] for r in data if r["participant"] != ""})
    return env.get_template("report.html").render(
        lang=lang,
        t=Translator(lang),
        session=session,
        activities=list(activities.values()),
        with_names=with_names,
        participants=participants,
        generated=dt.date.today().isoformat(),
    )


def render(engine, code: str, fmt: str, lang: str):
    return {"csv": to_csv, "xlsx": to_xlsx, "html": to_html}[fmt](engine, code, lang)
