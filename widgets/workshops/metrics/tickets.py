"""Loading an organisation's ticket export (CSV or XLSX) into the kit's ticket fields.

Exports come from many tools and many spreadsheets: comma or semicolon separated,
decimal commas as French Excel writes them, UTF-8 with or without BOM or
Windows-1252, dates day-first or ISO. The organisation maps its columns to the
kit's fields (``guess_mapping`` proposes a mapping); anything that does not fit
raises one ``TicketImportError`` listing every problem, each naming the column and
the spreadsheet row (the header is row 1), in the trainer's language.

>>> import io
>>> data = "N° ticket;Client;Date de création;Canal;DMT\\n1;C1;31/01/2024 14:05;téléphone;7:30\\n"
>>> mapping = guess_mapping(read_table(io.BytesIO(data.encode("cp1252"))).columns)
>>> mapping["created_at"], mapping["handle_seconds"]
('Date de création', 'DMT')
>>> t = load_tickets(io.BytesIO(data.encode("cp1252")))
>>> str(t.loc[0, "created_at"]), float(t.loc[0, "handle_seconds"])
('2024-01-31 14:05:00', 450.0)
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable

import numpy as np
import pandas as pd

from widgets.core.i18n import Translator, pick_language


@dataclass(frozen=True)
class Field:
    """One of the kit's ticket fields: how its values are read and which values make sense."""

    name: str
    kind: str  # id, text, time, number, integer, duration, flag
    required: bool = False
    low: float | None = None
    high: float | None = None


FIELDS: tuple[Field, ...] = (
    Field("ticket_id", "id", required=True),
    Field("customer_id", "id", required=True),
    Field("created_at", "time", required=True),
    Field("first_response_at", "time"),  # first human reply: an auto-reply is not a response
    Field("resolved_at", "time"),
    Field("channel", "text"),
    Field("team", "text"),
    Field("agent", "text"),
    Field("handle_seconds", "duration", low=0),  # talk + hold + after-contact work, all contacts together
    Field("contacts", "integer", low=1),  # customer contacts about the issue (1 = solved at first contact)
    Field("reopened", "flag"),
    Field("nps", "integer", low=0, high=10),
    Field("csat", "integer", low=1, high=5),
    Field("ces", "integer", low=1, high=7),  # 7 = "very easy"; reverse a 1 = easy scale before importing
    Field("qa_score", "number", low=0, high=100),  # a 0-1 share is read as a percentage
    Field("order_id", "id"),
    Field("order_value", "number", low=0),
)
BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)
#: Only this many problems are listed; the rest are counted.
MAX_PROBLEMS = 20

#: Column names tools and spreadsheets use for each field, compared without case, accents or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket_id", "ticket", "id", "ticket_number", "ticket_no", "n_ticket", "no_ticket", "numero_ticket",
                  "numero_de_ticket", "num_ticket", "id_ticket", "case_id", "case_number", "incident_id", "id_demande",
                  "numero_demande", "reference", "ref"),
    "customer_id": ("customer_id", "customer", "client", "client_id", "id_client", "numero_client", "no_client",
                    "n_client", "code_client", "requester", "requester_id", "demandeur", "contact_id", "account_id"),
    "created_at": ("created_at", "created", "creation", "date_creation", "date_de_creation", "cree_le", "opened",
                   "opened_at", "date_ouverture", "date_d_ouverture", "ouvert_le", "submitted_at", "received_at",
                   "date_reception", "created_date", "creation_date", "date"),
    "first_response_at": ("first_response_at", "first_reply_at", "first_response", "first_reply", "first_response_date",
                          "premiere_reponse", "date_premiere_reponse", "date_de_premiere_reponse", "premiere_reponse_le"),
    "resolved_at": ("resolved_at", "resolved", "solved_at", "solved", "closed_at", "closed", "resolution_date",
                    "date_resolution", "date_de_resolution", "resolu_le", "date_cloture", "date_de_cloture", "cloture_le"),
    "channel": ("channel", "canal", "canal_de_contact", "contact_channel", "via", "source", "media", "medium"),
    "team": ("team", "equipe", "group", "groupe", "service", "queue", "file_d_attente"),
    "agent": ("agent", "assignee", "assigned_to", "attribue_a", "conseiller", "conseillere", "advisor", "owner",
              "agent_name", "nom_agent", "operateur"),
    "handle_seconds": ("handle_seconds", "handle_time", "handling_time", "handle_time_seconds", "aht", "dmt",
                       "duree_traitement", "duree_de_traitement", "temps_de_traitement"),
    "contacts": ("contacts", "contact_count", "contacts_for_issue", "nb_contacts", "nombre_de_contacts",
                 "interactions", "nb_interactions"),
    "reopened": ("reopened", "reopen", "is_reopened", "reopens", "reouvert", "rouvert", "reouverture"),
    "nps": ("nps", "nps_score", "note_nps", "recommandation", "likelihood_to_recommend", "ltr"),
    "csat": ("csat", "csat_score", "satisfaction", "satisfaction_score", "note_satisfaction", "satc"),
    "ces": ("ces", "ces_score", "effort", "customer_effort", "effort_client", "score_effort"),
    "qa_score": ("qa_score", "qa", "quality_score", "score_qualite", "note_qualite", "qualite", "aq", "note_aq"),
    "order_id": ("order_id", "order", "order_number", "commande", "numero_commande", "no_commande", "n_commande",
                 "id_commande", "num_commande"),
    "order_value": ("order_value", "order_amount", "order_total", "amount", "montant", "montant_commande",
                    "valeur_commande", "montant_ttc", "panier"),
}

_TIME_FORMATS = (
    "ISO8601",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
)
_TRUE = {"1", "true", "vrai", "yes", "oui", "y", "o", "x"}
_FALSE = {"0", "false", "faux", "no", "non", "n"}
_EXPECTED = {"time": "expected_time", "number": "expected_number", "integer": "expected_integer",
             "duration": "expected_duration", "flag": "expected_flag"}


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in an export: an interface-string key (``metrics.*``) and the values it names."""

    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        t = Translator(lang)
        values = dict(self.values)
        if "field" in values:
            values["field"] = t(f"metrics.field_{values['field']}")
        if "expected" in values:
            values["expected"] = t(f"metrics.{values['expected']}")
        return t(f"metrics.{self.key}", **values)


class TicketImportError(ValueError):
    """The export cannot be loaded as it is; ``problems`` lists why, ``messages(lang)`` says it to people."""

    def __init__(self, problems: list[ImportProblem], more: int = 0):
        self.problems = problems
        self.more = more
        super().__init__("\n".join(self.messages(pick_language())))

    def messages(self, lang: str) -> list[str]:
        out = [p.text(lang) for p in self.problems]
        if self.more:
            out.append(Translator(lang)("metrics.error_more", n=self.more))
        return out


class _Problems:
    """Collects problems, keeping the first ``MAX_PROBLEMS`` and counting the rest (a million bad rows stay cheap)."""

    def __init__(self):
        self.listed: list[ImportProblem] = []
        self.more = 0

    def rows(self, mask: np.ndarray, make) -> None:
        rows = _rows(mask)
        room = max(0, MAX_PROBLEMS - len(self.listed))
        self.listed += [make(int(r)) for r in rows[:room]]
        self.more += max(0, rows.size - room)

    def raise_any(self) -> None:
        if self.listed:
            raise TicketImportError(self.listed, more=self.more)


# --- reading the file ------------------------------------------------------------------


def _raw_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), path.name
    if isinstance(source, (bytes, bytearray)):
        return bytes(source), ""
    data = source.read()
    return (data.encode("utf-8") if isinstance(data, str) else data), getattr(source, "name", "") or ""


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # French Excel on Windows saves "CSV (séparateur: point-virgule)" in Windows-1252.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The separator that splits the header into the most columns and every sampled row alike."""
    sample = text.splitlines()[:50]
    best, best_width = ",", 0
    for candidate in (";", ",", "\t", "|"):
        rows = list(csv.reader(sample, delimiter=candidate))
        if not rows:
            continue
        width = len(rows[0])
        steady = sum(len(r) == width for r in rows[1:] if r) >= 0.9 * max(1, sum(1 for r in rows[1:] if r))
        if width > best_width and steady:
            best, best_width = candidate, width
    return best


def read_table(source: str | Path | bytes | IO, *, sheet: str | int = 0) -> pd.DataFrame:
    """The export as a table of text cells ("" when empty), whatever its format and encoding."""
    data, name = _raw_bytes(source)
    if data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        try:
            raw = pd.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds; the person needs one message
            raise TicketImportError([ImportProblem("error_unreadable", {"detail": str(exc)})]) from None
        return raw.rename(columns=str).apply(_cells_as_text)
    text = _decode(data)
    if not text.strip():
        raise TicketImportError([ImportProblem("error_empty_file")])
    try:
        raw = pd.read_csv(io.StringIO(text), sep=_delimiter(text), dtype=str, keep_default_na=False,
                          na_filter=False, skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise TicketImportError([ImportProblem("error_unreadable", {"detail": str(exc)})]) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw.apply(lambda s: s.str.strip())


def _cells_as_text(s: pd.Series) -> pd.Series:
    """Spreadsheet cells (numbers, dates, text) as the text the parsers read."""
    def one(value):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if hasattr(value, "isoformat"):
            return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "year") else value.isoformat()
        return str(value).strip()

    return s.map(one).astype(str)


# --- mapping -------------------------------------------------------------------------------


#: Words that do not tell fields apart ("Date de création" = "date création").
_FILLERS = {"de", "d", "du", "des", "la", "le", "l", "the", "of", "eur", "euros"}


def _normal(name: str) -> str:
    """A column name without case, accents, punctuation or filler words: "N° de ticket" → "no_ticket"."""
    name = str(name).lower().replace("n°", "no ").replace("nº", "no ")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "_".join(w for w in re.split(r"[^a-z0-9]+", plain) if w and w not in _FILLERS)


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """A proposed mapping ``{kit field: their column}`` from the column names alone.

    >>> guess_mapping(["N° de ticket", "Client", "Créé le", "Satisfaction", "Montant (€)"])
    {'ticket_id': 'N° de ticket', 'customer_id': 'Client', 'created_at': 'Créé le', 'csat': 'Satisfaction', 'order_value': 'Montant (€)'}
    """
    columns = list(columns)
    normal = {c: _normal(c) for c in columns}
    taken: set[str] = set()
    out = {}
    for name in BY_NAME:
        wanted = {_normal(s) for s in SYNONYMS[name]}
        for column in columns:
            if column not in taken and normal[column] in wanted:
                out[name] = column
                taken.add(column)
                break
    return out


# --- parsing -------------------------------------------------------------------------------


def _rows(mask: np.ndarray) -> np.ndarray:
    # Spreadsheet row numbers: the header is row 1, the first ticket row 2.
    return np.flatnonzero(mask) + 2


def _number_text(s: pd.Series) -> pd.Series:
    """"1 234,5 €", "1.234,5", "1,234.5" and "1234.5" as "1234.5"."""
    t = s.str.replace(r"[\s\u00a0\u202f'€$£%]", "", regex=True)
    has_comma, has_dot = t.str.contains(",", regex=False), t.str.contains(".", regex=False)
    comma_last = t.str.rfind(",") > t.str.rfind(".")
    european = has_comma & (~has_dot | comma_last)
    t = t.where(~(european & has_dot), t.str.replace(".", "", regex=False))
    t = t.where(~european, t.str.replace(",", ".", regex=False))
    return t.where(european | ~has_comma, t.str.replace(",", "", regex=False))


def _parse_time(s: pd.Series) -> pd.Series:
    """Dates and times in the one format that reads the most of them (day-first before month-first)."""
    filled = s[s != ""]
    if filled.empty:
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    sample = filled.iloc[:500]
    aware = sample.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).any()
    best, best_count = _TIME_FORMATS[0], -1
    for fmt in _TIME_FORMATS:
        count = pd.to_datetime(sample, format=fmt, errors="coerce", utc=aware).notna().sum()
        if count > best_count:
            best, best_count = fmt, count
    out = pd.to_datetime(s.where(s != ""), format=best, errors="coerce", utc=aware)
    if aware:
        out = out.dt.tz_localize(None)
    return out


def _parse(s: pd.Series, spec: Field) -> pd.Series:
    if spec.kind == "time":
        return _parse_time(s)
    if spec.kind == "flag":
        low = s.str.lower()
        number = pd.to_numeric(_number_text(low), errors="coerce")
        flag = pd.Series(pd.NA, index=s.index, dtype="boolean")
        flag[low.isin(_TRUE) | (number > 0)] = True
        flag[low.isin(_FALSE) | (number == 0)] = False
        return flag
    if spec.kind == "duration":
        clock = s.str.extract(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:[.,]\d+)?)$")
        seconds = (clock[0].astype(float).fillna(0) * 3600 + clock[1].astype(float) * 60
                   + clock[2].str.replace(",", ".", regex=False).astype(float))
        return seconds.where(clock[1].notna(), pd.to_numeric(_number_text(s), errors="coerce"))
    return pd.to_numeric(_number_text(s), errors="coerce").astype("float64")


def load_tickets(source: str | Path | bytes | IO | pd.DataFrame, mapping: dict[str, str] | None = None,
                 *, sheet: str | int = 0) -> pd.DataFrame:
    """The export as a ticket table in the kit's fields, ready for ``widgets.workshops.metrics.formulas``.

    ``source`` is a path, the bytes of an upload, a file object or a table already
    read; ``mapping`` is ``{kit field: their column}`` (default: ``guess_mapping``).
    Unmapped fields are left out; ids and labels become categories (fast grouping).
    Raises ``TicketImportError`` naming every missing column and malformed value.
    """
    raw = source if isinstance(source, pd.DataFrame) else read_table(source, sheet=sheet)
    mapping = {k: v for k, v in (guess_mapping(raw.columns) if mapping is None else mapping).items() if v}
    problems = _mapping_problems(raw, mapping)
    if problems:
        raise TicketImportError(problems)
    if raw.empty:
        raise TicketImportError([ImportProblem("error_empty_file")])
    out, problems = {}, _Problems()
    for name, column in mapping.items():
        spec, cells = BY_NAME[name], raw[column].astype(str).str.strip()
        empty = (cells == "").to_numpy()
        if spec.required:
            problems.rows(empty, lambda r: ImportProblem("error_empty_required", {"row": r, "column": column, "field": name}))
        if spec.kind in ("id", "text"):
            out[name] = cells.where(~empty)
            continue
        values = _parse(cells, spec)
        bad = ~empty & values.isna().to_numpy()
        if spec.kind == "integer":
            bad |= ~empty & ~bad & (values.fillna(0) % 1 != 0).to_numpy()
        problems.rows(bad, lambda r: ImportProblem("error_bad_value", {
            "row": r, "column": column, "value": cells.iloc[r - 2], "expected": _EXPECTED[spec.kind]}))
        if spec.name == "qa_score" and values.max() <= 1:
            values = values * 100  # a 0-1 share
        _range_problems(problems, values, spec, column, cells)
        out[name] = values
    table = pd.DataFrame(out, index=raw.index)
    _consistency_problems(problems, table, mapping)
    problems.raise_any()
    return _typed(table)


def _mapping_problems(raw: pd.DataFrame, mapping: dict[str, str]) -> list[ImportProblem]:
    problems = []
    for name, column in mapping.items():
        if name not in BY_NAME:
            problems.append(ImportProblem("error_unknown_field", {"name": name}))
        elif column not in raw.columns:
            problems.append(ImportProblem("error_column_not_found", {"column": column, "field": name}))
    for name in REQUIRED:
        if name not in mapping:
            problems.append(ImportProblem("error_missing_column", {"field": name, "columns": ", ".join(map(str, raw.columns))}))
    return problems


def _range_problems(problems: _Problems, values: pd.Series, spec: Field, column: str, cells: pd.Series) -> None:
    if spec.low is None and spec.high is None:
        return
    low = -np.inf if spec.low is None else spec.low
    high = np.inf if spec.high is None else spec.high
    outside = (values.notna() & ((values < low) | (values > high))).to_numpy()
    key = "error_below" if spec.high is None else "error_out_of_range"
    problems.rows(outside, lambda r: ImportProblem(key, {"row": r, "column": column, "value": cells.iloc[r - 2],
                                                         "low": _show(low), "high": _show(high)}))


def _show(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _consistency_problems(problems: _Problems, table: pd.DataFrame, mapping: dict[str, str]) -> None:
    ids = table["ticket_id"]
    repeated = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
    if repeated.any():
        first_row = {v: i + 2 for i, v in reversed(list(enumerate(ids)))}
        problems.rows(repeated, lambda r: ImportProblem("error_duplicate_id", {
            "row": r, "column": mapping["ticket_id"], "value": ids.iloc[r - 2], "first": first_row[ids.iloc[r - 2]]}))
    for name in ("first_response_at", "resolved_at"):
        if name in table:
            # A reply before the ticket exists usually means two columns in different time zones.
            early = (table[name] < table["created_at"]).to_numpy()
            problems.rows(early, lambda r, name=name: ImportProblem("error_before_creation", {
                "row": r, "column": mapping[name], "created": mapping["created_at"]}))


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for name in ("customer_id", "order_id", "channel", "team", "agent"):
        if name in table:
            table[name] = table[name].astype("category")
    if "ticket_id" in table:
        table["ticket_id"] = table["ticket_id"].astype(str)
    return table[[f.name for f in FIELDS if f.name in table]]
