"""A session's results, readable: a report to send (HTML, PDF) and its data (CSV, XLSX).

Everything is read once into a :class:`Report`: the session, then one table per
activity in the order the trainer opened them (a case's steps in their real
order), each row in the session's language with the ids in their own columns,
never an internal id or a re-send nonce in a column a person reads. Workshops and
the training day add their own sections (the philosophy statement, the matching
against the reference, the evaluation, attendance) with :func:`register_section`;
every section can bring its own tables, which become sheets and CSV blocks too.

Names appear only when the session was not anonymous: an anonymous session
exports no name in any format.

>>> from widgets.live.engine import Engine
>>> from widgets.core.settings import Settings
>>> from widgets.live.store import Store
>>> eng = Engine(Store("sqlite://"), Settings(trainer_key="k"))
>>> code = eng.create_session(eng.authenticate("k"), "values", "fr")["code"]
>>> eng.open_activity(eng.authenticate("k"), code, {"kind": "ideas", "id": "cards", "prompt": "Un mot ?"})
>>> _, token = eng.join(code, name="Ana")
>>> _ = eng.submit(code, token, "cards", {"text": "Écoute", "nonce": "n-123"})
>>> text = to_csv(eng, code)
>>> text.startswith("\\ufeff"), text.splitlines()[3]
(True, 'Un mot ?;Cartes proposées;1;Écoute;;affichée;;P1;Ana')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import sqlalchemy as sa

from widgets import content
from widgets.core.errors import Invalid, NotFound
from widgets.core.i18n import LANGUAGES, Translator
from widgets.live import exercises as _kit_kinds  # noqa: F401  (registers the kit's exercise kinds)
from widgets.live import kinds
from widgets.live import store as st
from widgets.live.kinds import Context

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("csv", "xlsx", "html", "pdf", "zip")
#: Debian's chromium prints the report to PDF (see docs/pdf.md for the choice and its figures).
CHROMIUM = os.environ.get("ELAN_CHROMIUM", "/usr/bin/chromium")


@dataclass
class Table:
    """Rows a person reads: ``columns`` are ``(key, header)`` pairs; ids have their own columns."""

    id: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    kind: str = ""
    #: What the table is, for a reader (the kind of activity, or the section it belongs to).
    label: str = ""

    def values(self) -> list[list[Any]]:
        return [[row.get(key, "") for key, _ in self.columns] for row in self.rows]

    def readable(self) -> tuple[list[str], list[list[Any]]]:
        """Headers and values without the id columns (``*_id``): what the printed report shows."""
        keep = [(key, header) for key, header in self.columns if not key.endswith("_id")]
        return [header for _, header in keep], [[row.get(key, "") for key, _ in keep] for row in self.rows]


@dataclass
class Section:
    """A workshop's or the day's own part of the report: printable HTML and its tables."""

    id: str
    title: str
    html: str = ""
    tables: list[Table] = field(default_factory=list)
    order: int = 50


@dataclass
class Report:
    session: dict
    lang: str
    with_names: bool
    participants: list[dict]
    tables: list[Table]
    sections: list[Section] = field(default_factory=list)
    generated: str = ""

    @property
    def title(self) -> str:
        day = self.session["state"].get("data", {}).get("day") or {}
        return day.get("title") or self.session.get("title") or ""


class Source:
    """What a section reads: the session, its trainer data, any activity's results, participants."""

    def __init__(self, engine, session: dict, lang: str, with_names: bool, participants: list[dict]):
        self.engine = engine
        self.session = session
        self.lang = lang
        self.t = Translator(lang)
        self.with_names = with_names
        self.participants = participants

    @property
    def data(self) -> dict:
        return self.session["state"].get("data", {})

    @property
    def specs(self) -> dict:
        return self.session["state"].get("specs", {})

    def results(self, activity: str) -> dict:
        if activity not in self.specs:
            return {}
        return self.engine.results(self.session["code"], activity)

    def responses(self, activity: str) -> list[dict]:
        """Every answer of one activity: ``participant_id``, ``key``, ``value`` (for figures per person)."""
        if activity not in self.specs:
            return []
        r = st.responses
        with self.engine.store.read() as conn:
            query = sa.select(r.c.participant_id, r.c.key, r.c.value).where(
                r.c.session_id == self.session["id"], r.c.activity == activity
            )
            return [dict(row._mapping) for row in conn.execute(query)]

    def text(self, value) -> str:
        return content.text(value, self.lang) if isinstance(value, dict) else ("" if value is None else str(value))

    def render(self, loader: jinja2.BaseLoader, template: str, **values) -> str:
        env = jinja2.Environment(loader=loader, autoescape=True)
        return env.get_template(template).render(lang=self.lang, t=self.t, **values)


#: Section builders: ``fn(source) -> list[Section]`` (empty when the session holds nothing for it).
SECTIONS: list[Callable[[Source], list[Section]]] = []
#: Readable rows per exercise kind: ``fn(ctx, source, numbers) -> (columns, rows)``.
ROWS: dict[str, Callable] = {}


#: Printable documents beside the report: ``name -> fn(engine, code, lang, args) -> html`` (attendance sheets...).
DOCUMENTS: dict[str, Callable] = {}
#: Trainer actions beside the engine's: ``name -> fn(engine, trainer, code, body) -> result`` (validate attendance...).
ACTIONS: dict[str, Callable] = {}


def register_document(name: str) -> Callable:
    """Decorator: a printable document the trainer downloads as HTML or PDF (``GET .../doc/<name>.pdf``)."""

    def wrap(fn):
        DOCUMENTS[name] = fn
        return fn

    return wrap


def register_action(name: str) -> Callable:
    """Decorator: a trainer action over HTTP (``POST .../day/<name>``); it checks the trainer itself."""

    def wrap(fn):
        ACTIONS[name] = fn
        return fn

    return wrap


def document(engine, code: str, name: str, fmt: str, lang: str | None = None, args: dict | None = None):
    """A registered document as HTML text or PDF bytes."""
    if name not in DOCUMENTS:
        raise NotFound("core.error_invalid", field="document")
    lang = lang if lang in LANGUAGES else None
    html = DOCUMENTS[name](engine, code, lang, args or {})
    return html_to_pdf(html) if fmt == "pdf" else html


def register_section(fn: Callable[[Source], list[Section]]) -> Callable:
    """Add a section builder (workshops and the training day call this at import)."""
    if fn not in SECTIONS:
        SECTIONS.append(fn)
    return fn


def register_rows(kind: str) -> Callable:
    """Decorator: the readable rows of an exercise kind's activity."""

    def wrap(fn):
        ROWS[kind] = fn
        return fn

    return wrap


# --- reading the session ------------------------------------------------------------------------


def collect(engine, code: str, lang: str | None = None) -> Report:
    """Everything the exports show, read once; ``lang`` defaults to the session's language."""
    session = engine.session(code)
    lang = lang if lang in LANGUAGES else session["lang"]
    with_names = not session["state"].get("anonymous")
    p = st.participants
    with engine.store.read() as conn:
        people = [
            {
                "id": r.id,
                "number": n,
                "label": f"P{n}",
                "name": (r.name or "") if with_names else "",
                "joined": r.created_at,
            }
            for n, r in enumerate(
                conn.execute(
                    sa.select(p.c.id, p.c.name, p.c.created_at).where(p.c.session_id == session["id"]).order_by(p.c.id)
                ),
                1,
            )
        ]
    source = Source(engine, session, lang, with_names, people)
    numbers = {person["id"]: person for person in people}
    tables = []
    with engine.store.read() as conn:
        for activity, spec in session["state"].get("specs", {}).items():
            builder = ROWS.get(spec.get("kind"))
            if builder is None:
                continue
            ctx = Context(conn, session, spec, None, engine.settings)
            columns, rows = builder(ctx, source, numbers)
            if columns is None:
                continue
            tables.append(
                Table(
                    activity,
                    _activity_title(source, spec),
                    columns,
                    rows,
                    spec.get("kind", ""),
                    _kind_label(source.t, spec.get("kind", "")),
                )
            )
    sections = []
    for build in SECTIONS:
        sections.extend(build(source) or [])
    sections.sort(key=lambda s: s.order)
    for section in sections:
        for table in section.tables:
            table.label = table.label or section.title
    return Report(session, lang, with_names, people, tables, sections, dt.date.today().isoformat())


def _kind_label(t: Translator, kind: str) -> str:
    key = f"report.kind_{kind}"
    return t(key) if key in t.strings else kind


def _activity_title(source: Source, spec: dict) -> str:
    """A title a person reads: the activity's own, else what it is (and what it votes on); never its id."""
    if spec.get("kind") == "choice" and spec.get("title") and spec.get("prompt"):
        return f"{source.text(spec['title'])} — {source.text(spec['prompt'])}"
    own = source.text(spec.get("title") or spec.get("prompt"))
    if own:
        return own
    label = _kind_label(source.t, spec.get("kind", ""))
    of = source.specs.get(spec.get("source") or "")
    if of:
        return source.t(
            "report.kind_of",
            kind=label,
            of=source.text(of.get("title") or of.get("prompt")) or _kind_label(source.t, of.get("kind", "")),
        )
    return label


def _who(source: Source, numbers: dict, participant_id) -> dict:
    person = numbers.get(participant_id)
    if person is None:
        return {"participant": "", "name": ""}
    return {"participant": person["label"], "name": person["name"]}


def _people_columns(t: Translator, source: Source) -> list[tuple[str, str]]:
    columns = [("participant", t("report.col_participant"))]
    if source.with_names:
        columns.append(("name", t("report.col_name")))
    return columns


def _status(t: Translator, card: dict, texts: dict[int, str]) -> str:
    if card.get("merged_into"):
        return t("report.status_merged", text=texts.get(card["merged_into"], ""))
    return t(f"report.status_{card['status']}")


@register_rows("ideas")
def _ideas_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    cards = ctx.items(include_hidden=True)
    texts = {c["id"]: c["text"] for c in cards}
    tags = {str(tag["id"]): source.text(tag.get("label")) for tag in ctx.spec.get("tags") or []}
    rows = []
    for card in cards:
        tag = card["data"].get("tag")
        rows.append(
            {
                "card_id": card["id"],
                "text": card["text"],
                "tag": tags.get(str(tag), "" if tag is None else str(tag)),
                "status": _status(t, card, texts),
                "merged_into": card["merged_into"] or "",
                **_who(source, numbers, card["participant_id"]),
            }
        )
    columns = [
        ("card_id", t("report.col_card_id")),
        ("text", t("report.col_text")),
        ("tag", t("report.col_tag")),
        ("status", t("report.col_status")),
        ("merged_into", t("report.col_merged_into")),
        *_people_columns(t, source),
    ]
    return columns, rows


@register_rows("dots")
def _dots_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    ranking = kinds.get("dots").results(ctx)["ranking"]
    source_spec = source.specs.get(ctx.spec.get("source"), {})
    tags = {str(tag["id"]): source.text(tag.get("label")) for tag in source_spec.get("tags") or []}
    rows = [
        {
            "rank": n,
            "card_id": card["id"],
            "text": card["text"],
            "tag": tags.get(str(card.get("tag")), ""),
            "dots": card["dots"],
            "voters": card["voters"],
        }
        for n, card in enumerate(ranking, 1)
    ]
    columns = [
        ("rank", t("report.col_rank")),
        ("text", t("report.col_text")),
        ("tag", t("report.col_tag")),
        ("dots", t("report.col_dots")),
        ("voters", t("report.col_voters")),
        ("card_id", t("report.col_card_id")),
    ]
    return columns, rows


@register_rows("rate")
def _rate_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    labels = {c["id"]: source.text(c.get("label")) for c in ctx.spec.get("criteria", [])}
    rows = []
    for target in kinds.get("rate").results(ctx)["targets"]:
        for criterion, summary in target["criteria"].items():
            rows.append(
                {
                    "target_id": target["id"],
                    "text": target.get("text", ""),
                    "criterion": labels.get(criterion, criterion),
                    "mean": summary.get("mean") if summary.get("mean") is not None else "",
                    "n": summary.get("n", 0),
                    "overall": target.get("overall") if target.get("overall") is not None else "",
                }
            )
    columns = [
        ("text", t("report.col_text")),
        ("criterion", t("report.col_criterion")),
        ("mean", t("report.col_mean")),
        ("n", t("report.col_answers")),
        ("overall", t("report.col_overall")),
        ("target_id", t("report.col_card_id")),
    ]
    return columns, rows


@register_rows("choice")
def _choice_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    results = kinds.get("choice").results(ctx)
    total = results["answered"] or 0
    rows = []
    for option in ctx.spec.get("options", []):
        n = results["counts"].get(option["id"], 0)
        rows.append(
            {
                "option_id": option["id"],
                "label": source.text(option.get("label")),
                "count": n,
                "share": round(100 * n / total) if total else "",
                "majority": t("report.yes") if results.get("majority") == option["id"] else "",
            }
        )
    columns = [
        ("label", t("report.col_option")),
        ("count", t("report.col_count")),
        ("share", t("report.col_share")),
        ("majority", t("report.col_majority")),
        ("option_id", t("report.col_option_id")),
    ]
    return columns, rows


@register_rows("match")
def _match_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    results = kinds.get("match").results(ctx)
    reference = ctx.spec.get("reference") or {}
    columns_by_id = {c["id"]: source.text(c.get("label")) for c in ctx.spec["columns"]}
    rows = []
    for row in ctx.spec["rows"]:
        answered = results["answered"].get(row["id"], 0)
        for col_id, label in columns_by_id.items():
            n = results["counts"].get(row["id"], {}).get(col_id, 0)
            in_ref = col_id in (reference.get(row["id"]) or [])
            if not n and not in_ref:
                continue
            rows.append(
                {
                    "row_id": row["id"],
                    "row": source.text(row.get("label")),
                    "column_id": col_id,
                    "column": label,
                    "count": n,
                    "share": round(100 * n / answered) if answered else "",
                    "reference": t("report.yes") if in_ref else t("report.no"),
                }
            )
    columns = [
        ("row", t("report.col_row")),
        ("column", t("report.col_column")),
        ("count", t("report.col_count")),
        ("share", t("report.col_share")),
        ("reference", t("report.col_reference")),
        ("row_id", t("report.col_row_id")),
        ("column_id", t("report.col_column_id")),
    ]
    return columns, rows


@register_rows("story")
def _story_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    rows = []
    for item in ctx.items(include_hidden=True):
        data = item["data"]
        rows.append(
            {
                "card_id": item["id"],
                "title": item["text"],
                "colleague": data.get("colleague", "") if source.with_names else "",
                "story": data.get("story", ""),
                "value": data.get("value", ""),
                "status": t(f"report.status_{item['status']}"),
                **_who(source, numbers, item["participant_id"]),
            }
        )
    columns = [
        ("title", t("report.col_title")),
        ("story", t("report.col_story")),
        ("value", t("report.col_value")),
        *([("colleague", t("report.col_colleague"))] if source.with_names else []),
        ("status", t("report.col_status")),
        *_people_columns(t, source),
        ("card_id", t("report.col_card_id")),
    ]
    return columns, rows


@register_rows("caseplay")
def _caseplay_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    rows = []
    for r in sorted(ctx.responses(), key=lambda r: (r["participant_id"], r["key"])):
        for n, play in enumerate((r["value"] or {}).get("plays", []), 1):
            rows.append(
                {
                    "case_id": r["key"].split(":", 1)[-1],
                    "play": n,
                    "path": " → ".join(map(str, play.get("choices", []))),
                    "score": play.get("score", ""),
                    **_who(source, numbers, r["participant_id"]),
                }
            )
    columns = [
        ("case_id", t("report.col_case")),
        ("play", t("report.col_play")),
        ("path", t("report.col_path")),
        ("score", t("report.col_score")),
        *_people_columns(t, source),
    ]
    return columns, rows


@register_rows("cloud")
def _cloud_rows(ctx: Context, source: Source, numbers: dict):
    t = source.t
    cards = ctx.items(include_hidden=True)
    words = kinds.get("cloud").results(ctx)["words"]
    rows = [{"rank": n, "text": w["text"], "count": w["count"]} for n, w in enumerate(words, 1)]
    hidden = [c for c in cards if c["status"] != "visible"]
    rows += [{"rank": "", "text": c["text"], "count": t(f"report.status_{c['status']}")} for c in hidden]
    return [("rank", t("report.col_rank")), ("text", t("report.col_text")), ("count", t("report.col_count"))], rows


@register_rows("commitment")
def _commitment_rows(ctx: Context, source: Source, numbers: dict):
    # Personal cards: what the group committed to, never who wrote which.
    texts = sorted(r["value"] for r in ctx.responses() if r["key"] == "card")
    return [("text", source.t("report.col_text"))], [{"text": text} for text in texts]


def answers_rows(
    ctx: Context, source: Source, numbers: dict, *, labels: dict | None = None, values: Callable | None = None
):
    """One row per participant and key, for kinds whose answers are plain values (a helper for new kinds)."""
    t = source.t
    labels = labels or {}
    rows = []
    for r in sorted(
        ctx.responses(), key=lambda r: (r["participant_id"], list(labels).index(r["key"]) if r["key"] in labels else 0)
    ):
        value = values(r["key"], r["value"]) if values else r["value"]
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False)
        rows.append(
            {
                "question_id": r["key"],
                "question": labels.get(r["key"], r["key"]),
                "answer": value,
                **_who(source, numbers, r["participant_id"]),
            }
        )
    columns = [
        *_people_columns(t, source),
        ("question", t("report.col_question")),
        ("answer", t("report.col_answer")),
        ("question_id", t("report.col_question_id")),
    ]
    return columns, rows


# --- formats ----------------------------------------------------------------------------------------


#: A cell starting with one of these runs as a formula in a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value):
    """A CSV cell kept as text: a leading apostrophe, which spreadsheets read as "this is text"."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def _as_text(cells) -> None:
    """XLSX cells holding text stay text, whatever they start with: a string cell, never a formula.

    Excel's own "quote prefix" keeps such a cell text when someone edits it, and shows no
    apostrophe (a CSV has no cell types: there, :func:`_safe_cell` adds one).
    """
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value[:1] in FORMULA_START:
                cell.quotePrefix = True


def all_tables(report: Report) -> list[Table]:
    """The activity tables, then each section's own, in the report's order."""
    return (
        [table for section in report.sections if section.order < 50 for table in section.tables]
        + report.tables
        + [table for section in report.sections if section.order >= 50 for table in section.tables]
    )


def to_csv(engine, code: str, lang: str | None = None) -> str:
    """One CSV a spreadsheet opens as it is: a BOM, the language's separator, one block per activity.

    Each row says its activity and what kind of table it is; the columns of each
    block are named in the row just before it.
    """
    report = collect(engine, code, lang)
    t = Translator(report.lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=t("report.csv_separator"), lineterminator="\r\n")
    writer.writerow(
        [t("report.title"), report.title or report.session["code"], report.session["code"], report.generated]
    )
    for table in all_tables(report):
        writer.writerow([])
        writer.writerow([t("report.col_activity"), t("report.col_table"), *[header for _, header in table.columns]])
        for values in table.values():
            writer.writerow(
                [_safe_cell(table.title), _safe_cell(_table_label(t, table)), *[_safe_cell(v) for v in values]]
            )
    return "\ufeff" + buffer.getvalue()


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}:\d{2})(?::\d{2})?)?$")


def spreadsheet_cell(value, lang: str):
    """A value as a French (or English) spreadsheet reads it: decimal comma and dd/mm/yyyy in French.

    >>> spreadsheet_cell(4.2, "fr"), spreadsheet_cell("2026-12-01", "fr"), spreadsheet_cell("2026-12-01 09:05", "fr")
    ('4,2', '01/12/2026', '01/12/2026 09:05')
    >>> spreadsheet_cell(60.0, "en"), spreadsheet_cell(True, "fr"), spreadsheet_cell("=1+1", "fr")
    ('60', 1, "'=1+1")
    """
    french = lang.startswith("fr")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if french else text
    if isinstance(value, str):
        match = _ISO_DATE.match(value)
        if match and french:
            year, month, day, clock = match.groups()
            return f"{day}/{month}/{year}" + (f" {clock}" if clock else "")
        return _safe_cell(value)
    return value


def _file_name(title: str, n: int, used: set[str]) -> str:
    """A table's file in the zip: its number and title, without characters a file system refuses."""
    clean = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", title).strip()[:60].strip() or "table"
    name = f"{n:02d} {clean}.csv"
    while name.casefold() in used:
        name = f"{n:02d} {clean} ({len(used)}).csv"
    used.add(name.casefold())
    return name


def to_zip(engine, code: str, lang: str | None = None) -> bytes:
    """One CSV per table in a zip, each opening in a spreadsheet as it is (French Excel included).

    Each file has one header row of column names a trainer reads (no internal ids)
    and one row per line of the table, UTF-8 with a BOM, the language's separator
    (``;`` in French), decimal commas and dd/mm/yyyy dates in French.
    """
    report = collect(engine, code, lang)
    t = Translator(report.lang)
    separator = t("report.csv_separator")
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, table in enumerate(all_tables(report), 1):
            headers, rows = table.readable()
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
            writer.writerow([_safe_cell(h) for h in headers])
            for values in rows:
                writer.writerow([spreadsheet_cell(v, report.lang) for v in values])
            archive.writestr(_file_name(table.title, n, used), "\ufeff" + buffer.getvalue())
    return out.getvalue()


def _table_label(t: Translator, table: Table) -> str:
    return table.label or _kind_label(t, table.kind)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:28] or "-"
    name, n = clean, 2
    while name.lower() in used:
        name, n = f"{clean[:25]} ({n})", n + 1
    used.add(name.lower())
    return name


def to_xlsx(engine, code: str, lang: str | None = None) -> bytes:
    """A workbook: a summary sheet, then one readable sheet per activity and per section table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    report = collect(engine, code, lang)
    t = Translator(report.lang)
    book = Workbook()
    summary = book.active
    used: set[str] = set()
    summary.title = _sheet_title(t("report.sheet_summary"), used)
    summary.append([t("report.title"), report.title or report.session["code"]])
    summary.append([t("report.session_code"), report.session["code"]])
    summary.append([t("report.generated_on"), report.generated])
    summary.append([t("report.participants"), len(report.participants)])
    summary.append([])
    summary.append([t("report.col_sheet"), t("report.col_activity"), t("report.col_table"), t("report.col_rows")])
    bold = Font(bold=True)
    for table in all_tables(report):
        sheet = book.create_sheet(_sheet_title(table.title, used))
        summary.append([sheet.title, table.title, _table_label(t, table), len(table.rows)])
        _as_text(summary[summary.max_row])
        sheet.append([table.title])
        _as_text(sheet[1])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([header for _, header in table.columns])
        for cell in sheet[2]:
            cell.font = bold
        for values in table.values():
            sheet.append(values)
            _as_text(sheet[sheet.max_row])
        sheet.freeze_panes = "A3"
        for i, (key, header) in enumerate(table.columns, 1):
            width = max([len(str(header))] + [len(str(row.get(key, ""))) for row in table.rows[:200]])
            sheet.column_dimensions[sheet.cell(row=2, column=i).column_letter].width = min(60, max(8, width + 2))
            if width > 60:
                for row in sheet.iter_rows(min_row=3, min_col=i, max_col=i):
                    row[0].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


def to_html(engine, code: str, lang: str | None = None) -> str:
    """The report to read, print and send: sections first, then every activity's table."""
    report = collect(engine, code, lang)
    t = Translator(report.lang)
    return (
        _environment()
        .get_template("report.html")
        .render(
            lang=report.lang,
            t=t,
            report=report,
            session=report.session,
            before=[s for s in report.sections if s.order < 50],
            after=[s for s in report.sections if s.order >= 50],
            tables=report.tables,
            markup=markupsafe.Markup,
            kind_label=lambda table: _table_label(t, table),
            # The kit's own style sheet, inlined so the downloaded file prints alone (not participant text).
            css=markupsafe.Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")),
        )
    )


def html_to_pdf(html: str) -> bytes:
    """Print an HTML page to PDF with Debian's chromium (the page's own print CSS applies)."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise Invalid("report.error_no_pdf", path=CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="elan-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        subprocess.run(command, check=False, capture_output=True, timeout=120)
        if not out.is_file() or out.stat().st_size == 0:
            raise Invalid("report.error_no_pdf", path=CHROMIUM)
        return out.read_bytes()


def to_pdf(engine, code: str, lang: str | None = None) -> bytes:
    return html_to_pdf(to_html(engine, code, lang))


def render(engine, code: str, fmt: str, lang: str | None = None):
    """The export in one format (``csv``, ``xlsx``, ``html`` or ``pdf``); ``lang`` defaults to the session's."""
    return {"csv": to_csv, "xlsx": to_xlsx, "html": to_html, "pdf": to_pdf, "zip": to_zip}[fmt](engine, code, lang)
