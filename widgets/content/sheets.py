"""Content as a spreadsheet and back: cases, week ideas and values examples for those who prefer Excel.

One sheet per kind of row: a case workbook has ``cases`` (one row per case), ``steps``,
``responses`` (one row per response) and ``endings``; an ideas workbook has ``file``,
``roles``, ``ideas`` and ``materials``. A column is a field's path (``feedback.en``,
``effects.empathy``, ``questions.2.fr``); a value that is not a text or a number (a list
of ids, an empty list) is written as JSON in its cell, so every field the kit reads, and
any field it does not know yet, comes back verbatim. Reading a workbook gives exactly the
documents that were written, and every problem names the sheet, the row and the column.

>>> docs = [{"kind": "week-ideas", "currency": "EUR", "ideas": [{"id": "a", "title": {"fr": "x", "en": "y"}}]}]
>>> rows = document_rows(docs, "file", ["week/ideas"])
>>> [(sheet, rows[sheet][0][1]) for sheet in rows]
[('file', {'file': 'week/ideas', 'kind': 'week-ideas', 'currency': 'EUR'}), ('ideas', {'file': 'week/ideas', 'id': 'a', 'title.fr': 'x', 'title.en': 'y'})]
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from widgets import content
from widgets.content import saving
from widgets.core.archives import ArchiveTooLarge, check_zip
from widgets.core.messages import Message, render


@dataclass(frozen=True)
class Kind:
    """What one workbook holds: the documents of a folder (cases) or one document (ideas, examples)."""

    name: str
    kind: str
    first_sheet: str
    folder: str = ""
    document: str = ""

    def names(self) -> list[str]:
        if self.document:
            return [self.document]
        return [n for n in content.names(self.folder) if content.load(n).get("kind") == self.kind]


KINDS = {
    "cases": Kind("cases", "case", "cases", folder="cases"),
    "ideas": Kind("ideas", "week-ideas", "file", document="week/ideas"),
    "examples": Kind("examples", "philosophy-examples", "file", document="values/examples"),
}
FILE = "file"
JSON = ":json"


@dataclass
class SheetProblem:
    """One thing wrong in a workbook: the sheet, the row, the column, and what.

    ``message`` (and a missing column's name) are :class:`~widgets.core.messages.Message`
    objects: ``str(problem)`` writes them in the configured language, ``render(lang)`` in the reader's.
    """

    workbook: str
    sheet: str
    row: int
    column: str | Message
    message: Message

    def render(self, lang: str | None = None) -> str:
        """``workbook: sheet 's', row n, column C 'header': message``, in ``lang``."""
        if self.row and self.column:
            key = "sheets.where_cell"
        elif self.row:
            key = "sheets.where_row"
        elif self.column:
            key = "sheets.where_column"
        else:
            key = "sheets.where_sheet"
        if not self.sheet:
            return f"{self.workbook}: {render(self.message, lang)}"
        where = Message(key, sheet=self.sheet, row=self.row, column=self.column).render(lang)
        return f"{self.workbook}: {where} {render(self.message, lang)}"

    def __str__(self) -> str:
        return self.render()


class SheetError(ValueError):
    """Raised when a workbook does not read back into valid content; carries every problem."""

    def __init__(self, problems: list[SheetProblem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


# --- documents -> rows -------------------------------------------------------


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "id" in i for i in value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value is not None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A field's cells: texts and numbers one per column, lists of mappings by position, the rest as JSON.

    >>> flatten({"text": {"fr": "a", "en": "b"}, "qs": [{"fr": "c", "en": "d"}], "ids": ["x", "y"]})
    {'text.fr': 'a', 'text.en': 'b', 'qs.1.fr': 'c', 'qs.1.en': 'd', 'ids:json': '["x", "y"]'}
    """
    if isinstance(value, dict) and value and all(isinstance(k, str) and not k.isdigit() for k in value):
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict) and i for i in value):
        out = {}
        for i, item in enumerate(value, 1):
            out.update(flatten(item, f"{prefix}.{i}"))
        return out
    if _is_scalar(value) and not (isinstance(value, str) and value == ""):
        return {prefix: value}
    return {prefix + JSON: json.dumps(value, ensure_ascii=False)}


def _singular(key: str) -> str:
    return key.removesuffix("s")


def document_rows(docs: list[dict], first_sheet: str, names: list[str]) -> dict[str, list[tuple[str, dict]]]:
    """Sheets of rows for documents: ``{sheet: [(parent path, {column: value})]}``, in the documents' order."""
    sheets: dict[str, list[tuple[str, dict]]] = {first_sheet: []}

    def items(key: str, values: list, parent: dict) -> None:
        rows = sheets.setdefault(key, [])
        for item in values:
            row = dict(parent)
            nested = []
            for name, value in item.items():
                if _keyed(value):
                    nested.append((name, value))
                else:
                    row.update(flatten(value, name))
            rows.append((key, row))
            for name, value in nested:
                items(name, value, {**parent, _singular(key): item["id"]})

    for name, doc in zip(names, docs, strict=True):
        row = {FILE: name}
        nested = []
        for key, value in doc.items():
            if _keyed(value):
                nested.append((key, value))
            else:
                row.update(flatten(value, key))
        sheets[first_sheet].append(("", row))
        for key, value in nested:
            items(key, value, {FILE: name})
    return sheets


def write_workbook(kind: str, path: Path) -> Path:
    """Write the merged content of one kind (``cases``, ``ideas``, ``examples``) to an XLSX file."""
    spec = KINDS[kind]
    names = spec.names()
    return write_documents([content.load(n) for n in names], names, spec.first_sheet, path)


def write_documents(docs: list[dict], names: list[str], first_sheet: str, path: Path) -> Path:
    """Write documents (named ``cases/<id>``...) to an XLSX file, one sheet per kind of row."""
    sheets = document_rows(docs, first_sheet, names)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        columns: list[str] = []
        for _, row in rows:
            columns.extend(c for c in row if c not in columns)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, (_, row) in enumerate(rows, 2):
            for c, column in enumerate(columns, 1):
                if column in row:
                    cell = sheet.cell(row=r, column=c, value=row[column])
                    # A text that starts with "=" is a text, not a formula for the spreadsheet to compute.
                    if isinstance(row[column], str):
                        cell.data_type = "s"
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c, column in enumerate(columns, 1):
            wide = column.endswith((".fr", ".en", JSON))
            sheet.column_dimensions[get_column_letter(c)].width = 60 if wide else max(12, len(column) + 2)
        sheet.freeze_panes = "B2"
    path = Path(path)
    book.save(path)
    return path


# --- rows -> documents -------------------------------------------------------


@dataclass
class Reading:
    """Documents read from a workbook, and which cell each of their fields came from."""

    workbook: str
    docs: dict[str, dict] = field(default_factory=dict)
    cells: dict[str, dict[tuple, tuple[str, int, str]]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    problems: list[SheetProblem] = field(default_factory=list)

    def problem(self, sheet: str, row: int, column: str | Message, message: Message) -> None:
        self.problems.append(SheetProblem(self.workbook, sheet, row, column, message))

    def column_name(self, sheet: str, header: str) -> str | Message:
        headers = self.columns.get(sheet, [])
        if header in headers:
            return f"{get_column_letter(headers.index(header) + 1)} '{header}'"
        return Message("sheets.column_missing", header=header)


def _path(header: str) -> tuple[tuple, bool]:
    is_json = header.endswith(JSON)
    parts = tuple(int(p) - 1 if p.isdigit() else p for p in header.removesuffix(JSON).split("."))
    return parts, is_json


def _put(target: dict, path: tuple, value: Any) -> None:
    node: Any = target
    for part, nxt in itertools.pairwise(path):
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(nxt, int) else {})
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


def _rows(sheet) -> tuple[list[str], list[tuple[int, dict]]]:
    grid = list(sheet.iter_rows(values_only=True))
    if not grid:
        return [], []
    headers = [str(h).strip() if h is not None else "" for h in grid[0]]
    out = []
    for r, values in enumerate(grid[1:], 2):
        row = {h: v for h, v in zip(headers, values, strict=False) if v is not None and v != ""}
        if row:
            out.append((r, row))
    return headers, out


def _item(reading: Reading, sheet: str, r: int, row: dict, skip: set[str]) -> tuple[dict, dict]:
    item: dict = {}
    where: dict = {}
    for header, value in row.items():
        if header in skip:
            continue
        if not header:
            reading.problem(sheet, r, "", Message("sheets.no_header"))
            continue
        try:
            path, is_json = _path(header)
        except ValueError:
            reading.problem(sheet, r, reading.column_name(sheet, header), Message("sheets.not_a_path"))
            continue
        if is_json:
            try:
                value = json.loads(value) if isinstance(value, str) else value
            except json.JSONDecodeError as exc:
                column = reading.column_name(sheet, header)
                reading.problem(sheet, r, column, Message("sheets.not_json", detail=exc.msg, at=exc.pos + 1))
                continue
        try:
            _put(item, path, value)
        except (AttributeError, TypeError, IndexError):
            reading.problem(sheet, r, reading.column_name(sheet, header), Message("sheets.clash"))
            continue
        where[path] = (sheet, r, header)
    return item, where


def read_workbook(path: Path, kind: str | None = None) -> Reading:
    """The documents of a workbook written by ``write_workbook`` (and perhaps edited), with their problems."""
    path = Path(path)
    reading = Reading(path.name)
    try:
        check_zip(path)  # before openpyxl unpacks anything: a few megabytes can hold gigabytes of XML
    except ArchiveTooLarge as exc:
        reading.problem("", 0, "", exc.message())
        return reading
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:  # what openpyxl raises for a non-workbook
        reading.problem("", 0, "", Message("sheets.not_xlsx", detail=str(exc)))
        return reading
    sheets = {}
    for sheet in book.worksheets:
        headers, rows = _rows(sheet)
        reading.columns[sheet.title] = headers
        sheets[sheet.title] = rows
    book.close()
    if kind is None:
        kind = next((k for k, spec in KINDS.items() if _holds(sheets, spec)), "")
    if kind not in KINDS:
        reading.problem("", 0, "", Message("sheets.unknown_kind"))
        return reading
    spec = KINDS[kind]
    if spec.first_sheet not in sheets:
        reading.problem(spec.first_sheet, 0, "", Message("sheets.sheet_missing"))
        return reading
    # The first sheet: one row per document.
    for r, row in sheets[spec.first_sheet]:
        doc, where = _item(reading, spec.first_sheet, r, row, {FILE})
        name = str(row.get(FILE) or "").strip()
        if not name and spec.folder and isinstance(doc.get("id"), str):
            name = f"{spec.folder}/{doc['id']}"
        if not name:
            reading.problem(spec.first_sheet, r, reading.column_name(spec.first_sheet, FILE), Message("sheets.no_file"))
            continue
        if not content_name(name):
            column = reading.column_name(spec.first_sheet, FILE)
            reading.problem(spec.first_sheet, r, column, Message("sheets.file_outside", name=name))
            continue
        if name in reading.docs:
            reading.problem(
                spec.first_sheet, r, reading.column_name(spec.first_sheet, FILE), Message("sheets.two_rows", name=name)
            )
            continue
        reading.docs[name] = doc
        reading.cells[name] = {(): (spec.first_sheet, r, ""), **where}
    # The other sheets: items of a document, or of an item of a document (responses of a step).
    parents = {spec.first_sheet: ((), None)}
    pending = [s for s in sheets if s != spec.first_sheet]
    singulars = {_singular(t): t for t in sheets}
    progress = True
    while pending and progress:
        progress = False
        for title in list(pending):
            headers = reading.columns[title]
            parent_column = headers[1] if len(headers) > 1 and headers[1] in singulars else None
            parent_sheet = singulars[parent_column] if parent_column else spec.first_sheet
            if parent_sheet not in parents:
                continue
            _read_items(reading, title, sheets[title], parent_column, parent_sheet, parents)
            parents[title] = (parent_sheet, parent_column)
            pending.remove(title)
            progress = True
    for title in pending:
        reading.problem(title, 1, "B", Message("sheets.orphan_sheet"))
    return reading


def _holds(sheets: dict, spec: Kind) -> bool:
    return spec.kind in {row.get("kind") for _, row in sheets.get(spec.first_sheet) or []}


def _read_items(reading: Reading, title: str, rows: list, parent_column: str | None, parent_sheet: str, parents):
    for r, row in rows:
        name = str(row.get(FILE) or "").strip()
        if name not in reading.docs:
            column = reading.column_name(title, FILE)
            message = (
                Message("sheets.no_parent_file", sheet=next(iter(parents)), name=name)
                if name
                else Message("sheets.no_file")
            )
            reading.problem(title, r, column, message)
            continue
        doc, cells = reading.docs[name], reading.cells[name]
        base: tuple = ()
        if parent_column:
            parent_id = row.get(parent_column)
            found = _find_item(doc, parent_sheet, parent_id)
            if found is None:
                column = reading.column_name(title, parent_column)
                message = Message("sheets.no_parent_id", sheet=parent_sheet, id=parent_id, name=name)
                reading.problem(title, r, column, message)
                continue
            base = found
        item, where = _item(reading, title, r, row, {FILE, parent_column})
        container = _at(doc, base)
        values = container.setdefault(title, [])
        path = base + (title, len(values))
        values.append(item)
        cells[path] = (title, r, "")
        cells.update({path + p: cell for p, cell in where.items()})


def _at(doc: dict, path: tuple) -> Any:
    node: Any = doc
    for part in path:
        node = node[part]
    return node


def _find_item(doc: dict, sheet: str, item_id: Any) -> tuple | None:
    """The path of the item with that id in a list named ``sheet``, anywhere in the document."""

    def walk(node: Any, path: tuple):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == sheet and isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, dict) and item.get("id") == item_id:
                            return path + (key, i)
                found = walk(value, path + (key,))
                if found:
                    return found
        return None

    return walk(doc, ())


def check(reading: Reading) -> list[SheetProblem]:
    """Every problem of the documents read, each at the sheet, row and column it came from."""
    problems = list(reading.problems)
    for name, doc in reading.docs.items():
        cells = reading.cells[name]
        for path, message in content.problems_at(doc):
            problems.append(_locate(reading, cells, path, message))
    root = content.organisation_dir()
    documents = content.hidden(root)[0] if root else frozenset()
    for name in reading.docs:
        if name in documents:
            sheet, r, _ = reading.cells[name][()]
            message = Message("sheets.hidden", name=name)
            problems.append(SheetProblem(reading.workbook, sheet, r, reading.column_name(sheet, FILE), message))
    ids: dict[str, str] = {}
    for name, doc in reading.docs.items():
        if "id" in doc and doc.get("kind") == "case":
            if doc["id"] in ids:
                sheet, r, _ = reading.cells[name][()]
                problems.append(SheetProblem(reading.workbook, sheet, r, "", Message("sheets.id_twice", id=doc["id"])))
            ids[doc["id"]] = name
    return problems


def _locate(reading: Reading, cells: dict, path: tuple, message: Message) -> SheetProblem:
    for n in range(len(path), -1, -1):
        if path[:n] in cells:
            sheet, r, header = cells[path[:n]]
            if not header and n < len(path):
                rest = ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in path[n:])
                header = rest
            column = reading.column_name(sheet, header) if header else ""
            return SheetProblem(reading.workbook, sheet, r, column, message)
    return SheetProblem(reading.workbook, "", 0, "", message)


# --- writing into the organisation's folder ------------------------------------


@dataclass
class Outcome:
    """What an import did: files written, documents left as they were, kit items with no row (kept)."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


# The organisation's YAML is written through ``saving``: one round-trip writer for every tool.
_yaml = saving.round_trip
_update = saving.update_in_place
#: Kept for writers that imported it from here.
update_in_place = saving.update_in_place


def _layer(current: dict, doc: dict, layer: dict, outcome: Outcome, name: str) -> dict:
    """The organisation's layer for a kit document, changed only where the workbook differs from the content now."""
    for key, value in doc.items():
        now = current.get(key)
        if value == now:
            continue
        if _keyed(value) and _keyed(now):
            mine = layer.setdefault(key, [])
            for item in value:
                before = next((i for i in now if i["id"] == item["id"]), None)
                if item == before:
                    continue
                at = next((i for i, old in enumerate(mine) if old.get("id") == item["id"]), None)
                if at is None:
                    mine.append(item)
                else:
                    mine[at] = _update(mine[at], item)
            seen = {i["id"] for i in value}
            outcome.kept.extend(f"{name}: {i['id']}" for i in now if i["id"] not in seen)
        else:
            layer[key] = _update(layer[key], value) if key in layer else value
    return layer


def content_name(name: str) -> bool:
    """Whether a ``file`` cell names a document inside the content folder (``week/ideas``).

    >>> [content_name(n) for n in ("week/ideas", "../x", "/abs/x", "cases/..", "c:x", "a\\b", "cases//x")]
    [True, False, False, False, False, False, False]
    """
    parts = name.split("/")
    return (
        bool(name)
        and all(_NAME_PART.fullmatch(p) for p in parts)
        and all(p not in (".", "..") for p in parts)
        and len(name) <= 200
    )


_NAME_PART = re.compile(r"[\w][\w.-]*")


def import_reading(reading: Reading, root: Path) -> Outcome:
    """Write what a checked workbook changes into the organisation's folder; the kit's own files are never written.

    A document whose name would leave the folder (``../x``, ``/abs/x``) is refused before anything is
    written (:func:`content_name` already flagged it as a problem of its row)."""
    root = Path(root).resolve()
    outcome = Outcome()
    yaml = _yaml()
    for name in reading.docs:
        target = (root / f"{name}.yaml").resolve()
        if not content_name(name) or not target.is_relative_to(root):
            raise ValueError(f"{name!r} leaves the content folder")
    for name, doc in reading.docs.items():
        try:
            current = content.load(name)
        except FileNotFoundError:
            current = None
        if current == doc:
            outcome.unchanged.append(name)
            continue
        target = root / f"{name}.yaml"
        existing = saving.load(target) if target.exists() else None
        if current is None or "id" in doc or content.origin(name) == content.ORGANISATION and not _in_kit(name):
            data = _update(existing, doc) if existing is not None else doc
        else:
            data = _layer(current, doc, existing if existing is not None else {"kind": doc["kind"]}, outcome, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as fh:
            yaml.dump(data, fh)
        outcome.written.append(target)
    return outcome


def _in_kit(name: str) -> bool:
    return any((content.BUNDLED / f"{name}{suffix}").is_file() for suffix in (".yaml", ".yml"))


# --- the ``elan content`` command ----------------------------------------------


def command(args, t) -> int:
    """``elan content export KIND FILE.xlsx``, ``elan content import FILE.xlsx``, ``elan content list``."""
    if args.action == "list":
        for name, item, where in content.inventory():
            print(f"{name}{'#' + item if item else ''}\t{t('content.origin_' + where)}")
        return 0
    if args.action == "export":
        path = write_workbook(args.kind, Path(args.file))
        rows = sum(max(0, sheet.max_row - 1) for sheet in openpyxl.load_workbook(path).worksheets)
        print(t("content.exported", kind=args.kind, n=rows, path=path))
        return 0
    root = content.organisation_dir()
    if root is None:
        print(t("content.no_folder"), file=sys.stderr)
        return 2
    reading = read_workbook(Path(args.file))
    problems = check(reading)
    for problem in problems:
        print(problem.render(t.lang))
    if problems:
        print(t("content.problems", n=len(problems)), file=sys.stderr)
        return 1
    outcome = import_reading(reading, root)
    print(t("content.imported", n=len(outcome.written)))
    for path in outcome.written:
        print(t("content.written", path=path))
    print(t("content.unchanged", n=len(outcome.unchanged)))
    if outcome.kept:
        print(t("content.kept", items=", ".join(outcome.kept)))
    return 0
