"""The roster: who is expected at the training, entered or imported before the day.

An attendance sheet must list everyone expected, absent ones included, so the
trainer enters the expected participants (first name, last name, and the employer
or funder a certificat de réalisation names) or imports them from a spreadsheet
(CSV or XLSX, one person a row). Each entry is matched to the participant who
joins: by the trainer, or by name when the name someone signs with is the
entry's (accents, case and word order aside). The roster lives in
``state["data"]["roster"]``, a list of ``{key, first, last, org, participant}``.

>>> normal("  Zoé   DUVAL ") == normal("duval zoe")
True
>>> parse_csv("Prénom;Nom\\nZoé;Duval\\n".encode())
[{'first': 'Zoé', 'last': 'Duval', 'org': ''}]
"""

from __future__ import annotations

import base64
import csv
import io
import unicodedata
import zipfile

from widgets.core.errors import Forbidden, Invalid, NotFound
from widgets.core.text import clean_text
from widgets.web.export import register_action

MAX_ENTRIES = 300
NAME_MAX = 80
FILE_MAX = 2_000_000  # a roster is a few kilobytes; anything bigger is not one
UNPACKED_MAX = 20_000_000  # an XLSX is a zip: refuse one that grows past this once unpacked
#: Column headings a trainer's spreadsheet may use, in either language, for each field.
HEADINGS = {
    "first": ("prénom", "prenom", "first name", "firstname", "given name"),
    "last": ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
    "org": ("employeur", "entreprise", "financeur", "organisme", "employer", "company", "funder"),
}


def normal(name: str) -> str:
    """A name compared without accents, case or word order."""
    bare = unicodedata.normalize("NFKD", name or "")
    bare = "".join(c for c in bare if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(bare.replace("-", " ").split()))


def full_name(entry: dict) -> str:
    return " ".join(part for part in (entry.get("first"), entry.get("last")) if part)


def _clean_entry(raw, n: int) -> dict:
    if not isinstance(raw, dict):
        raise Invalid("day.error_roster_row", row=n)
    out = {}
    for field in ("first", "last", "org"):
        value = raw.get(field) or ""
        if not isinstance(value, str):
            raise Invalid("day.error_roster_row", row=n)
        out[field] = clean_text(value, NAME_MAX) if value.strip() else ""
        if len(" ".join(value.split())) > NAME_MAX:
            raise Invalid("day.error_roster_long", row=n, max=NAME_MAX)
    if not (out["first"] or out["last"]):
        raise Invalid("day.error_roster_row", row=n)
    return out


def _field_of(heading: str) -> str | None:
    key = " ".join(str(heading or "").replace("_", " ").split()).casefold()
    return next((field for field, names in HEADINGS.items() if key in names), None)


def _rows_to_entries(rows: list[list]) -> list[dict]:
    """Rows of a sheet, the first one the headings; every non-empty row becomes an entry or a named error."""
    if not rows:
        raise Invalid("day.error_roster_headings")
    fields = [_field_of(h) for h in rows[0]]
    if "first" not in fields and "last" not in fields:
        raise Invalid("day.error_roster_headings")
    out = []
    for n, row in enumerate(rows[1:], 2):
        cells = ["" if v is None else str(v).strip() for v in row]
        if not any(cells):
            continue  # a blank line between people is no person
        entry = {"first": "", "last": "", "org": ""}
        for field, value in zip(fields, cells):
            if field and value:
                entry[field] = value
        if not (entry["first"] or entry["last"]):
            raise Invalid("day.error_roster_row", row=n)
        out.append(_clean_entry(entry, n))
    return out


def parse_csv(raw: bytes) -> list[dict]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # French Excel's "CSV (séparateur : point-virgule)" without UTF-8
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return _rows_to_entries(list(csv.reader(io.StringIO(text), delimiter=delimiter)))


def parse_xlsx(raw: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > UNPACKED_MAX:
                raise Invalid("day.error_roster_file")
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Invalid("day.error_roster_file") from None
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    return _rows_to_entries(rows)


def parse(filename: str, raw: bytes) -> list[dict]:
    """The entries of a spreadsheet (CSV or XLSX); a row without a name is refused by its number, never skipped."""
    if len(raw) > FILE_MAX:
        raise Invalid("day.error_roster_file")
    if filename.lower().endswith(".xlsx") or raw[:2] == b"PK":
        entries = parse_xlsx(raw)
    else:
        entries = parse_csv(raw)
    if len(entries) > MAX_ENTRIES:
        raise Invalid("day.error_roster_size", max=MAX_ENTRIES)
    return entries


def roster(data: dict) -> list[dict]:
    return [dict(e) for e in data.get("roster") or []]


def _require(engine, trainer, code: str) -> dict:
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    if session["state"].get("anonymous"):
        from widgets.core.errors import Conflict

        raise Conflict("day.error_anonymous_attendance")
    return session


def set_roster(engine, trainer, code: str, entries) -> list[dict]:
    """Replace the roster; entries already matched to a participant keep their match (same name)."""
    session = _require(engine, trainer, code)
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise Invalid("day.error_roster_size", max=MAX_ENTRIES)
    clean = [_clean_entry(raw, n) for n, raw in enumerate(entries, 1)]
    before = {normal(full_name(e)): e.get("participant") for e in roster(session["state"].get("data", {}))}
    out = []
    for n, entry in enumerate(clean, 1):
        out.append({"key": f"r{n}", **entry, "participant": before.get(normal(full_name(entry)))})
    engine.set_data(trainer, code, "roster", out, public=False)
    return out


def link(engine, trainer, code: str, key: str, participant_id: int | None) -> list[dict]:
    """The trainer matches a roster entry to a participant who joined (or undoes it with ``None``)."""
    session = _require(engine, trainer, code)
    entries = roster(session["state"].get("data", {}))
    if key not in {e["key"] for e in entries}:
        raise NotFound("day.error_roster_entry")
    if participant_id is not None:
        ids = {p["id"] for p in engine.participants(trainer, code)}
        if participant_id not in ids:
            raise NotFound("core.error_not_participant")
    for entry in entries:
        if entry["key"] == key:
            entry["participant"] = participant_id
        elif participant_id is not None and entry.get("participant") == participant_id:
            entry["participant"] = None  # one person, one line
    engine.set_data(trainer, code, "roster", entries, public=False)
    return entries


def matched(entries: list[dict], people: list[dict], signed_names: dict[int, list[str]]) -> dict[int, dict]:
    """Participant id -> roster entry: the trainer's links first, then a unique match on a name they gave."""
    out = {e["participant"]: e for e in entries if e.get("participant") is not None}
    taken = {e["key"] for e in out.values()}
    by_name: dict[str, list[dict]] = {}
    for entry in entries:
        if entry["key"] not in taken:
            by_name.setdefault(normal(full_name(entry)), []).append(entry)
    for person in people:
        if person["id"] in out:
            continue
        for name in [*signed_names.get(person["id"], []), person.get("name") or ""]:
            found = by_name.get(normal(name)) or []
            if len(found) == 1 and found[0]["key"] not in taken:
                out[person["id"]] = found[0]
                taken.add(found[0]["key"])
                break
    return out


@register_action("roster")
def _roster_action(engine, trainer, code, body):
    if "entries" in body:
        return {"roster": set_roster(engine, trainer, code, body["entries"])}
    if "file" in body:  # a spreadsheet sent as base64 by the console's upload box
        try:
            raw = base64.b64decode(str(body["file"]), validate=True)
        except ValueError:
            raise Invalid("day.error_roster_file") from None
        entries = parse(str(body.get("filename") or ""), raw)
        return {"roster": set_roster(engine, trainer, code, entries)}
    if "key" in body:
        participant = body.get("participant")
        if participant is not None and not isinstance(participant, int):
            raise Invalid("core.error_invalid", field="participant")
        return {"roster": link(engine, trainer, code, str(body["key"]), participant)}
    raise Invalid("core.error_invalid", field="entries")
