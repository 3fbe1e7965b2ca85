"""Loading an organisation's ticket export (CSV or XLSX) into the kit's ticket fields.

Exports come from many tools and many spreadsheets: comma, semicolon, tab or pipe
separated, decimal commas as French Excel writes them, UTF-8 with or without BOM
or Windows-1252, dates day-first or ISO, durations as two timestamps or as one
number in seconds, minutes or hours. The organisation maps its columns to the
kit's fields (``guess_mapping`` proposes a mapping, ``guess_units`` the unit of
each duration, read from the column's name); ``import_tickets`` then reads every
row it can and sets aside, with their own line number and reason, the rows it
cannot: a bad row never blocks a room. Only a file that cannot be read at all, or
that lacks a required column, raises ``TicketImportError``.

>>> import io
>>> data = "N° ticket;Client;Date de création;Canal;DMT (min)\\n1;C1;31/01/2024 14:05;téléphone;7,5\\n2;C2;hier;chat;3\\n"
>>> result = import_tickets(io.BytesIO(data.encode("cp1252")))
>>> result.mapping["handle_seconds"], result.units["handle_seconds"].unit
('DMT (min)', 'minutes')
>>> str(result.tickets.loc[0, "created_at"]), float(result.tickets.loc[0, "handle_seconds"])
('2024-01-31 14:05:00', 450.0)
>>> [(s.line, s.text("en")) for s in result.skipped]
[(3, 'column “Date de création”: “hier” is not a date and time')]
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from widgets.core.archives import check_zip
from widgets.core.i18n import Translator, pick_language


@dataclass(frozen=True)
class Field:
    """One of the kit's ticket fields: how its values are read and which values make sense."""

    name: str
    kind: str  # id, text, time, number, integer, duration, flag, status, rating
    required: bool = False
    low: float | None = None
    high: float | None = None


FIELDS: tuple[Field, ...] = (
    Field("ticket_id", "id", required=True),
    Field("customer_id", "id"),  # optional: many exports have none; retention and repeat contacts need it
    Field("created_at", "time", required=True),
    Field("first_response_at", "time"),  # first human reply: an auto-reply is not a response
    Field("first_response_seconds", "duration", low=0),  # or the time to it, as the helpdesk computed it
    Field("resolved_at", "time"),
    Field("resolution_seconds", "duration", low=0),
    Field("status", "status"),  # solved/closed or not, when there is no resolution date
    Field("channel", "text"),
    Field("team", "text"),
    Field("agent", "text"),
    Field("handle_seconds", "duration", low=0),  # talk + hold + after-contact work, all contacts together
    Field("contacts", "integer", low=1),  # customer contacts about the issue (1 = solved at first contact)
    Field("reopened", "flag"),
    Field("nps", "integer", low=0, high=10),
    Field("csat", "rating", low=1, high=5),
    Field("ces", "integer", low=1, high=7),  # 7 = "very easy"; reverse a 1 = easy scale before importing
    Field("qa_score", "number", low=0, high=100),  # a 0-1 share is read as a percentage
    Field("order_id", "id"),
    Field("order_value", "number", low=0),
)
BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)
DURATIONS = tuple(f.name for f in FIELDS if f.kind == "duration")
#: Seconds in one of each unit a duration column may be written in.
UNITS: dict[str, float] = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0, "milliseconds": 0.001}
#: Only this many skipped rows are listed on screen; all of them are in the download and the JSON output.
MAX_SHOWN = 20

#: Column names helpdesks and spreadsheets use for each field, in order of preference, compared
#: without case, accents, punctuation, filler words or units ("First reply time in minutes" is
#: "first_reply_time"). From the export and report fields documented by Zendesk, Freshdesk, Zoho
#: Desk, Salesforce Service Cloud (Case), HubSpot (tickets) and Gorgias, and French variants.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket_id": (
        "ticket_id",
        "ticket_number",
        "ticket_reference_id",
        "no_dossier",
        "numero_dossier",
        "identifiant_ticket",
        "ticket_no",
        "no_ticket",
        "numero_ticket",
        "num_ticket",
        "id_ticket",
        "case_number",
        "case_id",
        "incident_id",
        "request_id",
        "id_demande",
        "numero_demande",
        "ticket",
        "id",
        "reference",
        "ref",
    ),
    "customer_id": (
        "customer_id",
        "requester_id",
        "client_id",
        "id_client",
        "numero_client",
        "no_client",
        "code_client",
        "contact_id",
        "account_id",
        "customer",
        "client",
        "requester",
        "demandeur",
        "customer_email",
        "requester_email",
        "contact_email",
        "email",
        "e_mail",
        "courriel",
        "adresse_e_mail",
        "contact_name",
        "contact",
        "associated_contact",
        "account_name",
        "nom_client",
    ),
    "created_at": (
        "created_at",
        "created_time",
        "created_date",
        "created_datetime",
        "opened_datetime",
        "creation_date",
        "create_date",
        "date_time_opened",
        "ticket_created",
        "created",
        "date_creation",
        "date_heure_creation",
        "date_heure_ouverture",
        "cree",
        "cree_le",
        "creation",
        "opened_at",
        "opened",
        "opened_date",
        "date_ouverture",
        "ouvert_le",
        "submitted_at",
        "received_at",
        "date_reception",
        "date",
    ),
    "first_response_at": (
        "first_response_at",
        "first_reply_at",
        "first_responded_at",
        "first_response_date",
        "first_agent_reply_date",
        "first_message_datetime",
        "date_heure_premiere_reponse",
        "repondu_le",
        "first_reply_date",
        "date_premiere_reponse",
        "premiere_reponse_le",
    ),
    "first_response_seconds": (
        "first_reply_time",
        "first_response_time",
        "time_to_first_agent_reply",
        "time_to_first_response",
        "first_response",
        "first_reply",
        "frt",
        "delai_premiere_reponse",
        "temps_premiere_reponse",
        "delai_reponse",
        "temps_reponse",
        "duree_reponse",
        "response_time",
        "reply_time",
        "duree_premiere_reponse",
        "premiere_reponse",
        "dpr",
    ),
    "resolved_at": (
        "resolved_at",
        "solved_at",
        "closed_at",
        "resolved_time",
        "closed_time",
        "ticket_closed_time",
        "closed_datetime",
        "resolved_datetime",
        "date_time_closed",
        "resolution_date",
        "close_date",
        "closed_date",
        "resolved",
        "solved",
        "closed",
        "date_resolution",
        "resolu_le",
        "resolu",
        "ferme_le",
        "date_heure_resolution",
        "date_heure_cloture",
        "date_cloture",
        "cloture_le",
        "date_fermeture",
    ),
    "resolution_seconds": (
        "full_resolution_time",
        "resolution_time",
        "time_to_close",
        "time_to_resolution",
        "first_resolution_time",
        "ttr",
        "temps_resolution",
        "duree_resolution",
        "delai_resolution",
        "duree_totale_resolution",
    ),
    "status": ("status", "ticket_status", "case_status", "statut", "etat", "state", "resolution_status"),
    "channel": (
        "channel",
        "canal",
        "canal_contact",
        "contact_channel",
        "via",
        "source",
        "case_origin",
        "origin",
        "media",
        "medium",
    ),
    "team": ("team", "equipe", "group", "groupe", "department", "departement", "service", "queue", "file_attente"),
    "agent": (
        "agent",
        "assignee",
        "assigned_to",
        "assignee_user",
        "assignee_user_email",
        "assignee_name",
        "ticket_owner",
        "case_owner",
        "owner",
        "attribue_a",
        "conseiller",
        "conseillere",
        "advisor",
        "agent_name",
        "nom_agent",
        "operateur",
    ),
    "handle_seconds": (
        "handle_seconds",
        "handle_time",
        "handling_time",
        "average_handle_time",
        "time_tracked",
        "time_spent",
        "aht",
        "dmt",
        "duree_traitement",
        "temps_traitement",
        "temps_passe",
        "duree_moyenne_traitement",
    ),
    "contacts": (
        "contacts",
        "contact_count",
        "number_of_contacts",
        "contacts_for_issue",
        "customer_interactions",
        "nb_contacts",
        "nombre_contacts",
        "nombre_de_contacts",
        "interactions",
        "nb_interactions",
    ),
    "reopened": (
        "reopened",
        "reopens",
        "reopen",
        "is_reopened",
        "reopen_count",
        "number_of_reopen",
        "reouvert",
        "rouvert",
        "reouverture",
        "reouvertures",
        "nb_reouvertures",
    ),
    "nps": (
        "nps",
        "nps_score",
        "note_nps",
        "likelihood_to_recommend",
        "ltr",
        "recommendation_score",
        "note_recommandation",
        "score_recommandation",
        "recommandation",
        "probabilite_recommandation",
    ),
    "csat": (
        "csat",
        "csat_score",
        "satisfaction_score",
        "satisfaction_rating",
        "customer_satisfaction",
        "satisfaction_survey_score",
        "survey_score",
        "csat_rating",
        "survey_results",
        "happiness_rating",
        "satisfaction",
        "note_satisfaction",
        "satisfaction_client",
        "score_satisfaction",
        "satc",
    ),
    "ces": (
        "ces",
        "ces_score",
        "customer_effort",
        "customer_effort_score",
        "effort",
        "effort_client",
        "score_effort",
        "note_effort",
    ),
    "qa_score": ("qa_score", "qa", "quality_score", "score_qualite", "note_qualite", "qualite", "aq", "note_aq"),
    "order_id": (
        "order_id",
        "order_number",
        "order",
        "commande",
        "numero_commande",
        "no_commande",
        "id_commande",
        "num_commande",
    ),
    "order_value": (
        "order_value",
        "order_amount",
        "order_total",
        "amount",
        "montant",
        "montant_commande",
        "valeur_commande",
        "montant_ttc",
        "panier",
    ),
}
#: Words that, anywhere in a column's name, point to a field when no name above matches.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "nps": ("nps", "recommandation", "recommend"),
    "csat": ("csat", "satisfaction"),
    "ces": ("ces", "effort"),
    "contacts": ("contacts", "recontacts"),
}

#: Unit words in a column's name ("(min)", "in hrs", "en heures"); they are left out when names are compared.
_UNIT_WORDS = {
    "milliseconds": {"ms", "millisecond", "milliseconds", "milliseconde", "millisecondes"},
    "seconds": {"s", "sec", "secs", "second", "seconds", "seconde", "secondes"},
    "minutes": {"min", "mins", "minute", "minutes", "mn"},
    "hours": {"h", "hr", "hrs", "hour", "hours", "heure", "heures"},
    "days": {"day", "days", "jour", "jours", "j"},
}
_UNIT_OF_WORD = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
#: Duration columns documented in a unit their name does not say (HubSpot's times are in milliseconds).
_IMPLIED_UNITS = {"time_to_first_agent_reply": "milliseconds", "time_to_close": "milliseconds"}
#: Words that do not tell fields apart ("Date de création" = "date création", "(in hrs)" = "hrs").
_FILLERS = {"de", "d", "du", "des", "la", "le", "l", "the", "of", "in", "en", "a", "to", "sur", "eur", "euros"}

_TIME_FORMATS = (
    "ISO8601",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%d %b %Y %H:%M",
)
_TRUE = {"1", "true", "vrai", "yes", "oui", "y", "o", "x"}
_FALSE = {"0", "false", "faux", "no", "non", "n"}
#: Ticket states that mean the issue is settled, in the words helpdesks use.
_RESOLVED = {
    "solved",
    "closed",
    "resolved",
    "done",
    "completed",
    "complete",
    "resolu",
    "resolue",
    "ferme",
    "fermee",
    "clos",
    "close",
    "cloture",
    "cloturee",
    "termine",
    "terminee",
    "regle",
    "reglee",
}
#: Satisfaction given in words (Zendesk good/bad, Zoho's happiness rating, Freshdesk's survey), on the 1-5 scale.
_RATING_WORDS = {
    "goodwithcomment": 5,  # Zendesk's older survey states
    "good_with_comment": 5,
    "badwithcomment": 1,
    "bad_with_comment": 1,
    "extremely_happy": 5,  # Freshdesk's survey scales
    "very_happy": 5,
    "extremely_satisfied": 5,
    "very_satisfied": 5,
    "just_okay": 3,
    "neither_satisfied_nor_dissatisfied": 3,
    "extremely_unhappy": 1,
    "very_unhappy": 1,
    "extremely_dissatisfied": 1,
    "very_dissatisfied": 1,
    "tres_satisfait": 5,  # French survey labels
    "tres_satisfaite": 5,
    "plutot_satisfait": 4,
    "plutot_satisfaite": 4,
    "satisfaite": 5,
    "ni_satisfait_ni_insatisfait": 3,
    "peu_satisfait": 2,
    "plutot_insatisfait": 2,
    "pas_satisfait": 1,
    "pas_du_tout_satisfait": 1,
    "tres_insatisfait": 1,
    "insatisfaite": 1,
    "good": 5,
    "great": 5,
    "awesome": 5,
    "happy": 5,
    "satisfied": 5,
    "bon": 5,
    "bien": 5,
    "satisfait": 5,
    "content": 5,
    "okay": 3,
    "ok": 3,
    "neutral": 3,
    "neutre": 3,
    "moyen": 3,
    "bad": 1,
    "not_good": 1,
    "poor": 1,
    "unhappy": 1,
    "dissatisfied": 1,
    "mauvais": 1,
    "insatisfait": 1,
    "mecontent": 1,
}
#: Survey states that are no answer at all ("offered": asked, not answered).
_NO_ANSWER = {"offered", "unoffered", "not_offered", "sent", "envoye", "non_envoye", "no_rating", "sans_reponse"}
_EXPECTED = {
    "time": "expected_time",
    "number": "expected_number",
    "integer": "expected_integer",
    "duration": "expected_duration",
    "flag": "expected_flag",
    "rating": "expected_rating",
}


# --- what goes wrong -------------------------------------------------------------------------


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
        for name, value in values.items():
            if isinstance(value, ImportProblem):  # a row's reason inside "line L: reason"
                values[name] = value.text(lang)
        return t(f"metrics.{self.key}", **values)


class TicketImportError(ValueError):
    """The export cannot be loaded at all; ``problems`` lists why, ``messages(lang)`` says it to people."""

    def __init__(self, problems: list[ImportProblem], more: int = 0):
        self.problems = problems
        self.more = more
        super().__init__("\n".join(self.messages(pick_language())))

    def messages(self, lang: str) -> list[str]:
        out = [p.text(lang) for p in self.problems]
        if self.more:
            out.append(Translator(lang)("metrics.error_more", n=self.more))
        return out


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of the figures: its own line in the file (the header is line 1) and why."""

    line: int
    problems: tuple[ImportProblem, ...]
    cells: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        return "; ".join(p.text(lang) for p in self.problems)

    def message(self, lang: str) -> str:
        return Translator(lang)("metrics.skipped_line", line=self.line, reason=self.text(lang))


@dataclass(frozen=True)
class UnitGuess:
    """The unit a duration column is read in, and where that came from (``header``, ``vendor`` or ``assumed``)."""

    unit: str
    source: str


@dataclass
class RawExport:
    """An export as text cells, with the line each row starts on and the lines the reader could not split."""

    frame: pd.DataFrame
    lines: np.ndarray
    broken: list[SkippedRow] = field(default_factory=list)
    short: np.ndarray | None = None  # per row: how many cells the line really had, when fewer than the header's
    maybe_empty: frozenset[str] | None = None  # text columns that may hold NaN (None: any may)
    decimal: str = "."  # the file's decimal mark, to show numbers as the file wrote them
    notes: list[ImportProblem] = field(default_factory=list)  # a title row, a report footer, formulas with no value


@dataclass
class TicketImport:
    """What ``import_tickets`` made of an export: the tickets, the rows set aside, and how columns were read."""

    tickets: pd.DataFrame
    skipped: list[SkippedRow]
    mapping: dict[str, str]
    units: dict[str, UnitGuess]
    columns: list[str]
    rows: int  # ticket rows in the file, skipped ones included
    left_out: list[SkippedRow] = field(default_factory=list)  # rows kept with a value that did not fit left out
    dates: DateOrder | None = None  # how day/month dates were read
    notes: list[ImportProblem] = field(default_factory=list)  # what the person should know about the whole file

    def skipped_csv(self, lang: str) -> str:
        """The skipped rows as they were in the file, with their line and reason first, to fix and load again."""
        t = Translator(lang)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";" if lang == "fr" else ",")
        writer.writerow([t("metrics.skipped_column_line"), t("metrics.skipped_column_reason"), *self.columns])
        for row in sorted(self.skipped + self.left_out, key=lambda s: s.line):
            writer.writerow([row.line, row.text(lang), *row.cells])
        return out.getvalue()


Progress = Callable[[float, str], None]


def _no_progress(fraction: float, step: str) -> None:
    pass


# --- reading the file ------------------------------------------------------------------


def _raw_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), path.name
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), ""
    data = source.read()
    return (data.encode("utf-8") if isinstance(data, str) else data), getattr(source, "name", "") or ""


def _decode(data: bytes) -> tuple[str, bytes, str]:
    """The text, the bytes it came from without a BOM (line layout is read from the bytes), and their encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), data, "utf-8"
    except UnicodeDecodeError:
        # French Excel on Windows saves "CSV (séparateur: point-virgule)" in Windows-1252.
        return data.decode("cp1252", errors="replace"), data, "cp1252"


def _delimiter(text: str) -> str:
    """The separator that splits the header into the most columns and most sampled rows alike."""
    sample = text[:200_000].splitlines()[:50]
    best, best_width = ",", 0
    for candidate in (";", ",", "\t", "|"):
        rows = list(csv.reader(sample, delimiter=candidate))
        if not rows:
            continue
        width = len(rows[0])
        # One-cell lines (a report's footer, a note) say nothing about a separator that splits the header.
        filled = [r for r in rows[1:] if len(r) > 1 or (r and width == 1)]
        # A header alone (no row yet) is steady: its separator is the one that splits it.
        steady = not filled or sum(len(r) == width for r in filled) >= 0.5 * len(filled)
        if width > best_width and steady:
            best, best_width = candidate, width
    return best


def _layout(data: bytes, text: str, delimiter: str, *, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """First line and number of fields of every record of the file, the header first.

    Without quotes a record is a line, and numpy counts separators per line in a
    fraction of a second for a million lines; with quotes (a separator or a line
    break inside a cell) the csv module reads the records themselves. Unless ``exact``,
    a file whose separator count is exactly lines × (header's width − 1), with no
    blank line, is taken as the clean export it almost surely is (two byte counts, in C);
    the caller asks again with ``exact`` if the reader then disagrees.
    """
    if b'"' not in data:
        sep = delimiter.encode()
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        first_end = data.find(b"\n")
        width = data[:first_end].count(sep) + 1
        second = data[first_end + 1 : data.find(b"\n", first_end + 1)]
        # The first row is checked itself: it is the one a CSV reader could take as holding an index.
        clean = second.count(sep) == width - 1 and data.count(sep) == lines * (width - 1)
        if not exact and clean and b"\n\n" not in data and b"\n\r\n" not in data:
            return np.arange(1, lines + 1), np.full(lines, width)
        buf = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(buf == 10)
        if buf.size and buf[-1] != 10:
            ends = np.append(ends, buf.size)
        starts = np.concatenate(([0], ends[:-1] + 1))
        seps = np.flatnonzero(buf == ord(delimiter))
        # Separators before each line's end, minus those before the previous line's end.
        before_end = np.searchsorted(seps, ends)
        fields = np.diff(before_end, prepend=0) + 1
        length = ends - starts - (buf[np.maximum(ends - 1, 0)] == 13)  # a \r before \n is not content
        fields = np.where(length <= 0, 0, fields)  # a blank line has no field
        return np.arange(1, len(starts) + 1), fields
    lines, fields = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    at = 1
    for record in reader:
        lines.append(at)
        fields.append(0 if not record or record == [""] else len(record))
        at = reader.line_num + 1
    return np.asarray(lines), np.asarray(fields)


#: Leading bytes of files people rename .csv by mistake.
_MAGIC = (
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF", "pdf"),
)


def _not_a_table(data: bytes) -> str | None:
    """What the bytes look like when they cannot be a CSV or XLSX export ("png", "binary"...), else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"PK\x03\x04":
        return None if b"xl/" in data[:65536] or b"[Content_Types].xml" in data[:65536] else "zip"
    head = data[:8192]
    if not head:
        return None
    # Text has no NUL and few control characters; random bytes have one in eight or so.
    controls = sum(head.count(bytes([c])) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))
    return "binary" if b"\0" in head or controls > len(head) // 100 else None


def _read_xlsx(data: bytes, sheet: str | int, header_row: int | None, progress: Progress) -> RawExport:
    """A workbook's sheet as text cells, its header row found under a title, formulas with no value said."""
    progress(0.0, "reading")
    try:
        check_zip(data)  # a few megabytes can unpack to gigabytes of XML: refused before reading
        raw = pd.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=object, engine="openpyxl", header=None)
    except Exception as exc:  # openpyxl raises many kinds; the person needs one message
        raise TicketImportError([ImportProblem("error_unreadable", {"detail": str(exc)})]) from None
    progress(0.5, "reading")
    cells = raw.apply(_cells_as_text) if len(raw) else raw.astype(str)
    notes = []
    at = (header_row - 1) if header_row else find_header_row(cells)
    if at >= len(cells):
        raise TicketImportError([ImportProblem("error_empty_file")])
    if at and not header_row:
        notes.append(ImportProblem("note_header_row", {"row": at + 1}))
    header = [str(c).strip() or f"#{i + 1}" for i, c in enumerate(cells.iloc[at])]
    frame = cells.iloc[at + 1 :].copy()
    frame.columns = _unique(header)
    # Spreadsheet rows: the header is row at + 1; rows with nothing in them are not tickets.
    keep = (frame != "").any(axis=1).to_numpy()
    lines = np.arange(at + 2, at + 2 + len(frame))[keep]
    frame = frame[keep].reset_index(drop=True)
    if frame.empty:
        raise TicketImportError([ImportProblem("error_header_only", {"columns": ", ".join(header)})])
    missing = _formulas_without_value(data, sheet)
    if missing:
        notes.append(ImportProblem("note_formulas_without_value", {"n": len(missing), "cell": missing[0]}))
    return RawExport(frame, lines, notes=notes)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return out


def find_header_row(cells: pd.DataFrame, look: int = 30) -> int:
    """The row (from 0) that names the columns: the first that maps a ticket id and a creation date, else the widest.

    A report's title ("Tickets — March 2024") and a blank row above the header are common in spreadsheets.
    """
    head = cells.iloc[:look]
    widths = (head != "").sum(axis=1).to_numpy()
    for i in range(len(head)):
        mapping = guess_mapping(head.iloc[i].tolist())
        if all(name in mapping for name in REQUIRED):
            return i
    return int(np.argmax(widths)) if len(widths) else 0


_SHEET = re.compile(rb'<sheet [^>]*?r:id="([^"]+)"')
_FORMULA_NO_VALUE = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?>\s*(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)\s*(?:<v\s*/>)?\s*</c>')


def _formulas_without_value(data: bytes, sheet: str | int) -> list[str]:
    """Cells of the sheet that hold a formula but no saved result (written by a program, never opened in Excel)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            workbook = book.read("xl/workbook.xml")
            rels = book.read("xl/_rels/workbook.xml.rels")
            ids = _SHEET.findall(workbook)
            names = re.findall(rb'<sheet [^>]*?name="([^"]+)"', workbook)
            index = sheet if isinstance(sheet, int) else [n.decode() for n in names].index(sheet)
            target = re.search(rb'Id="' + re.escape(ids[index]) + rb'"[^>]*?Target="([^"]+)"', rels)
            if target is None:
                target = re.search(rb'Target="([^"]+)"[^>]*?Id="' + re.escape(ids[index]) + rb'"', rels)
            path = target.group(1).decode().lstrip("/")
            path = path if path.startswith("xl/") else "xl/" + path
            xml = book.read(path)
    except (KeyError, ValueError, IndexError, AttributeError, zipfile.BadZipFile):
        return []
    return [m.decode() for m in _FORMULA_NO_VALUE.findall(xml)]


def read_export(
    source: str | Path | bytes | IO,
    *,
    sheet: str | int = 0,
    numeric: Iterable[str] | None = None,
    header_row: int | None = None,
    progress: Progress = _no_progress,
) -> RawExport:
    """The export as text cells ("" when empty), whatever its format and encoding, and where each row was.

    ``numeric`` names the columns expected to hold plain numbers (default: those
    ``guess_mapping`` gives to number fields): the CSV reader converts them itself, in C,
    with the file's decimal mark; a column where one cell is not a plain number stays
    text and is read by the slower parsers, cell by cell. ``header_row`` (1 = the first)
    says which spreadsheet row holds the column names; by default the row under a title
    is found (``find_header_row``). A file that is not a table at all (an image, an
    archive, random bytes) raises ``TicketImportError`` saying what it looks like.
    """
    data, name = _raw_bytes(source)
    kind = _not_a_table(data)
    if kind:
        raise TicketImportError([ImportProblem("error_not_a_table", {"kind": ImportProblem(f"kind_{kind}")})])
    if data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, sheet, header_row, progress)
    text, data, encoding = _decode(data)
    if not text[:4096].strip() and not text.strip():  # the full strip (a copy) only for a blank start
        raise TicketImportError([ImportProblem("error_empty_file")])
    delimiter = _delimiter(text)
    progress(0.02, "reading")
    starts, fields = _layout(data, text, delimiter)
    width = int(fields[0])
    body, body_fields = starts[1:], fields[1:]
    too_many = body_fields > width
    broken = _broken_lines(text, delimiter, width, body[too_many], body_fields[too_many])
    chunks, total = [], max(1, len(body))
    header = next(csv.reader(io.StringIO(text[:100_000]), delimiter=delimiter), [])
    if numeric is None:
        guessed = guess_mapping([c.strip() for c in header])
        numeric = {c for f, c in guessed.items() if BY_NAME[f].kind in _NUMERIC_KINDS}
    numeric = set(numeric)
    raw_names = [c for c in header if c.strip() in numeric]
    dtypes = {c: str for c in header if c not in raw_names}
    decimal = _decimal(text, delimiter)
    try:
        with warnings.catch_warnings():
            # A long first line in a quoted file makes the reader warn; the layout above has counted it.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            # The parser reads the bytes itself: from a str it would first encode the whole text again.
            reader = pd.read_csv(
                # In UTF-8 the parser decodes in C; Windows-1252 would go through Python's codec, chunk by chunk.
                io.BytesIO(data if encoding == "utf-8" else text.encode("utf-8")),
                encoding="utf-8",
                sep=delimiter,
                index_col=False,  # a long first line must not turn the first column into the index
                skiprows=set((body[too_many] - 1).tolist()) if b'"' not in data else None,  # the long lines, set aside
                dtype=dtypes,
                keep_default_na=False,
                na_values={c: [""] for c in raw_names},
                decimal=decimal,
                skipinitialspace=True,
                skip_blank_lines=False,
                on_bad_lines="skip",
                chunksize=250_000,
            )
            for chunk in reader:
                chunks.append(chunk)
                progress(0.02 + 0.5 * min(1.0, sum(len(c) for c in chunks) / total), "reading")
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise TicketImportError([ImportProblem("error_unreadable", {"detail": str(exc)})]) from None
    if not chunks or not sum(len(c) for c in chunks):
        columns = [c.strip() for c in header]
        if len(columns) > 1:
            raise TicketImportError([ImportProblem("error_header_only", {"columns": ", ".join(columns)})])
        raise TicketImportError([ImportProblem("error_empty_file")])
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    kept_lines, kept_fields = body[~too_many], body_fields[~too_many]
    if len(kept_lines) != len(frame) and b'"' not in data:
        # A line too long and another too short can balance the quick count: count line by line.
        starts, fields = _layout(data, text, delimiter, exact=True)
        body, body_fields = starts[1:], fields[1:]
        too_many = body_fields > width
        broken = _broken_lines(text, delimiter, width, body[too_many], body_fields[too_many])
        kept_lines, kept_fields = body[~too_many], body_fields[~too_many]
    if len(kept_lines) != len(frame):
        # The reader and the layout disagree (an unusual quoting): rows are numbered from the header.
        kept_lines, kept_fields = np.arange(2, len(frame) + 2), np.full(len(frame), width)
    blank = kept_fields == 0
    if blank.any():
        frame, kept_lines, kept_fields = frame[~blank].reset_index(drop=True), kept_lines[~blank], kept_fields[~blank]
    for column in frame.columns:
        # Cells padded by spaces in hand-made files: a column is trimmed when its first rows show some.
        s = frame[column]
        if not pd.api.types.is_numeric_dtype(s) and s.iloc[:1000].str.endswith(" ").any():
            frame[column] = s.str.strip()
    notes = []
    footer = _footer(frame, kept_fields)
    if footer:
        first = str(frame.iloc[len(frame) - footer, 0])
        frame, kept_lines, kept_fields = frame.iloc[:-footer], kept_lines[:-footer], kept_fields[:-footer]
        notes.append(ImportProblem("note_footer", {"n": footer, "first": first}))
    short = np.where(kept_fields < width, kept_fields, -1) if (kept_fields < width).any() else None
    # Only the columns read as numbers have NaN for an empty cell; every other one holds "".
    return RawExport(frame, kept_lines, broken, short, frozenset(c.strip() for c in raw_names), decimal, notes)


_NUMERIC_KINDS = ("number", "integer", "duration", "rating")
#: What a report tool writes under its table (Salesforce: its copyright, "Confidential Information", "Generated By").
_FOOTER = re.compile(r"salesforce\.com|confidential information|generated by|copyright \(c\)", re.IGNORECASE)


def _footer(frame: pd.DataFrame, fields: np.ndarray, look: int = 12) -> int:
    """How many rows at the end are a report's footer: one-cell lines, one of them in a report tool's words."""
    n = 0
    while n < min(look, len(frame)) and fields[len(frame) - 1 - n] <= 1:
        n += 1
    if not n:
        return 0
    cells = frame.iloc[len(frame) - n :, 0].astype(str)
    return n if cells.str.contains(_FOOTER).any() else 0


def _decimal(text: str, delimiter: str) -> str:
    """ "," when numbers in the first lines are written 7,5 (French Excel), else "."."""
    if delimiter == ",":
        return "."
    sample = text[:100_000]
    commas = len(re.findall(rf"(?:^|{re.escape(delimiter)})-?\d+,\d+(?={re.escape(delimiter)}|$)", sample, re.M))
    dots = len(re.findall(rf"(?:^|{re.escape(delimiter)})-?\d+\.\d+(?={re.escape(delimiter)}|$)", sample, re.M))
    return "," if commas > dots else "."


def _broken_lines(text: str, delimiter: str, width: int, lines: np.ndarray, found: np.ndarray) -> list[SkippedRow]:
    """The lines with more cells than the header (the reader leaves them out), as skipped rows."""
    return [
        SkippedRow(
            int(line),
            (ImportProblem("error_too_many_fields", {"width": width, "found": int(n)}),),
            tuple(_split_line(text, int(line), delimiter, width)),
        )
        for line, n in zip(lines, found)
    ]


def _split_line(text: str, line: int, delimiter: str, width: int) -> list[str]:
    """The cells of one line as the header's columns, the overflow kept in the last one."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if not start:  # a record the csv module counted across a lone \r: no cells to show
            return []
    end = text.find("\n", start)
    cells = text[start : end if end >= 0 else len(text)].rstrip("\r").split(delimiter)
    return cells[: width - 1] + [delimiter.join(cells[width - 1 :])]


def read_table(source: str | Path | bytes | IO, *, sheet: str | int = 0) -> pd.DataFrame:
    """The export as a table of text cells ("" when empty), whatever its format and encoding."""
    return read_export(source, sheet=sheet).frame


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


#: "1re réponse", "1ère réponse" and "première réponse" are one name.
_ORDINALS = {"1re": "premiere", "1ere": "premiere", "1er": "premier", "1st": "first"}


def _words(name: str) -> list[str]:
    name = str(name).lower().replace("n°", "no ").replace("nº", "no ")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return [_ORDINALS.get(w, w) for w in re.split(r"[^a-z0-9]+", plain) if w]


def _normal(name: str) -> str:
    """A column name without case, accents, punctuation, filler words, units or scales.

    >>> _normal("N° de ticket"), _normal("First reply time in minutes"), _normal("Satisfaction (1-5)")
    ('no_ticket', 'first_reply_time', 'satisfaction')
    """
    return "_".join(w for w in _words(name) if w not in _FILLERS and w not in _UNIT_OF_WORD and not w.isdigit())


def _unit_word(name: str) -> str | None:
    units = {_UNIT_OF_WORD[w] for w in _words(name) if w in _UNIT_OF_WORD}
    return units.pop() if len(units) == 1 else None


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """A proposed mapping ``{kit field: their column}`` from the column names alone.

    A field takes the column whose name comes first in its list of names, then one
    with a telling word in it; a column serves one field only.

    >>> guess_mapping(["N° de ticket", "Client", "Créé le", "Satisfaction (1-5)", "Montant (€)"])
    {'ticket_id': 'N° de ticket', 'customer_id': 'Client', 'created_at': 'Créé le', 'csat': 'Satisfaction (1-5)', 'order_value': 'Montant (€)'}
    >>> guess_mapping(["Ticket ID", "First response time (in hrs)", "Customer interactions"])
    {'ticket_id': 'Ticket ID', 'first_response_seconds': 'First response time (in hrs)', 'contacts': 'Customer interactions'}
    """
    columns = [str(c) for c in columns]
    normal = {c: _normal(c) for c in columns}
    by_normal: dict[str, str] = {}
    for c in columns:
        by_normal.setdefault(normal[c], c)
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in BY_NAME:
        for synonym in SYNONYMS[name]:
            column = by_normal.get(_normal(synonym))
            if column is not None and column not in taken:
                out[name] = column
                taken.add(column)
                break
    for name, words in KEYWORDS.items():
        if name in out:
            continue
        for column in columns:
            if column not in taken and set(normal[column].split("_")) & set(words):
                out[name] = column
                taken.add(column)
                break
    return {name: out[name] for name in BY_NAME if name in out}


def guess_units(mapping: dict[str, str], raw: pd.DataFrame | None = None) -> dict[str, UnitGuess]:
    """The unit each mapped duration column is read in: said in its name, documented by its helpdesk, or assumed.

    A name with no unit is read in seconds, unless its values say otherwise (a handle
    time whose median is under a minute is in minutes): the guess is shown beside the
    column and the person can change it.

    >>> guess_units({"first_response_seconds": "Délai de première réponse (h)", "handle_seconds": "DMT (min)"})
    {'first_response_seconds': UnitGuess(unit='hours', source='header'), 'handle_seconds': UnitGuess(unit='minutes', source='header')}
    """
    out = {}
    for name in DURATIONS:
        column = mapping.get(name)
        if not column:
            continue
        unit = _unit_word(column)
        if unit:
            out[name] = UnitGuess(unit, "header")
        elif _normal(column) in {_normal(k) for k in _IMPLIED_UNITS}:
            out[name] = UnitGuess(next(u for k, u in _IMPLIED_UNITS.items() if _normal(k) == _normal(column)), "vendor")
        else:
            out[name] = UnitGuess(_unit_from_values(raw, column, name), "assumed")
    return out


def _unit_from_values(raw: pd.DataFrame | None, column: str, name: str) -> str:
    if raw is None or column not in raw:
        return "seconds"
    sample = raw[column].iloc[:2000]
    if pd.api.types.is_numeric_dtype(sample):
        values = sample.dropna()
    else:
        sample = _as_text(sample)
        values = pd.to_numeric(_number_text(sample[sample != ""]), errors="coerce").dropna()
    if name == "handle_seconds" and len(values) and values.median() < 60:
        # Ten seconds of work per issue is not a handle time; ten minutes is.
        return "minutes"
    return "seconds"


# --- parsing -------------------------------------------------------------------------------


def _number_text(s: pd.Series) -> pd.Series:
    """ "1 234,5 €", "1.234,5", "1,234.5" and "1234.5" as "1234.5"."""
    t = s.str.replace(r"[\s\u00a0\u202f'€$£%]", "", regex=True)
    has_comma, has_dot = t.str.contains(",", regex=False), t.str.contains(".", regex=False)
    comma_last = t.str.rfind(",") > t.str.rfind(".")
    european = has_comma & (~has_dot | comma_last)
    t = t.where(~(european & has_dot), t.str.replace(".", "", regex=False))
    t = t.where(~european, t.str.replace(",", ".", regex=False))
    return t.where(european | ~has_comma, t.str.replace(",", "", regex=False))


def _numbers(s: pd.Series) -> pd.Series:
    """Numbers from text cells: the plain ones at C speed, the others ("1 234,5 €") through ``_number_text``."""
    out = pd.to_numeric(s, errors="coerce").astype("float64")
    odd = out.isna() & (s != "")
    if odd.any():
        out[odd] = pd.to_numeric(_number_text(s[odd]), errors="coerce")
    return out


def _parse_time(s: pd.Series, order: str = "day") -> pd.Series:
    """Dates and times in the one format that reads the most of them, among those of the file's date ``order``.

    ``order`` ("day" or "month") is decided from every time column of the file by
    ``date_order``: a sample of the first rows cannot tell 01/02 from 02/01.
    """
    # Plain Python objects: pandas 3.1 parses them several times faster than its string dtype.
    cells = s.to_numpy(dtype=object, copy=True)
    empty = cells == ""
    cells[empty] = None
    filled = s[~empty]
    if filled.empty:
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    sample = filled.iloc[:500]
    aware = sample.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).any()
    best, best_count = _TIME_FORMATS[0], -1
    against = "%m" if order == "day" else "%d"
    for fmt in (f for f in _TIME_FORMATS if not f.startswith(against)):
        count = pd.to_datetime(sample, format=fmt, errors="coerce", utc=aware).notna().sum()
        if count > best_count:
            best, best_count = fmt, count
    fast = None if aware else _day_first(cells, best)
    if fast is not None:
        return pd.Series(fast, index=s.index)
    out = pd.Series(pd.to_datetime(cells, format=best, errors="coerce", utc=aware), index=s.index)
    if aware:
        out = out.dt.tz_localize(None)
    return out


#: Zero-padded layouts read digit by digit: format -> (length, separator, month first).
_DAY_FIRST = {
    f"{first}{sep}{second}{sep}%Y{rest}": (length, sep, first == "%m")
    for sep in "/.-"
    for first, second in (("%d", "%m"), ("%m", "%d"))
    for rest, length in (("", 10), (" %H:%M", 16), (" %H:%M:%S", 19))
}


def _day_first(cells: np.ndarray, fmt: str) -> np.ndarray | None:
    """Day-first dates ("31/01/2024 14:05") computed from their digits, about ten times faster than strptime.

    French exports write every date this way; pandas' ISO parser is fast but its
    strptime for other formats reads a million dates in seconds. Cells of another
    length or with a character out of place go through strptime; an impossible date
    (31/02) is NaT, as strptime makes it. Returns None when the format is not one of these.
    """
    if fmt not in _DAY_FIRST:
        return None
    length, sep, month_first = _DAY_FIRST[fmt]
    filled = np.flatnonzero(cells != None)  # noqa: E711 (an element-wise comparison)
    try:
        raw = cells[filled].astype(f"S{length + 1}")  # one byte more: a longer cell must not pass as truncated
    except (UnicodeEncodeError, ValueError):
        return None
    lengths = np.char.str_len(raw)
    b = raw.view(np.uint8).reshape(len(raw), length + 1)  # one column of bytes per character position
    ok = lengths == length

    def digit(at: int) -> np.ndarray:
        return b[:, at].astype(np.int64) - 48

    def number(*positions):
        value = np.zeros(len(raw), dtype=np.int64)
        for at in positions:
            value = value * 10 + digit(at)
        return value

    digits = [0, 1, 3, 4, 6, 7, 8, 9] + ([11, 12, 14, 15] if length >= 16 else []) + ([17, 18] if length == 19 else [])
    for at in digits:
        ok &= (b[:, at] >= 48) & (b[:, at] <= 57)
    ok &= (b[:, 2] == ord(sep)) & (b[:, 5] == ord(sep))
    if length >= 16:
        ok &= (b[:, 10] == 32) & (b[:, 13] == 58)
    if length == 19:
        ok &= b[:, 16] == 58
    day, month, year = number(0, 1), number(3, 4), number(6, 7, 8, 9)
    if month_first:
        day, month = month, day
    hour = number(11, 12) if length >= 16 else 0
    minute = number(14, 15) if length >= 16 else 0
    second = number(17, 18) if length == 19 else 0
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60) & (second < 60)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    ok &= days.astype("datetime64[M]") == months  # 31/02 rolls into March: not a date
    stamps = days.astype("datetime64[s]") + np.asarray(hour * 3600 + minute * 60 + second).astype("timedelta64[s]")
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[s]")
    out[filled[ok]] = stamps[ok]
    rest = filled[~ok]
    if rest.size:
        # Other lengths ("1/2/2024 9:05") or malformed cells: strptime decides, and NaT marks the bad ones.
        out[rest] = pd.to_datetime(cells[rest], format=fmt, errors="coerce").to_numpy(dtype="datetime64[s]")
    return out


#: A duration written with its units: "45 min", "1h05", "1 h 30", "2 j 3 h", "90 s", "1.5 hrs".
_WRITTEN = re.compile(
    r"^(?:(?P<d>\d+(?:[.,]\d+)?)(?![\d.,])\s*(?:j|d|jours?|days?)\s*)?"
    r"(?:(?P<h>\d+(?:[.,]\d+)?)(?![\d.,])\s*(?:h|hr|hrs|hours?|heures?)\s*)?"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)(?![\d.,])\s*(?P<mu>mn|mins?|minutes?|m)?\s*)?"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)(?![\d.,])\s*(?:s|secs?|seconds?|secondes?)\s*)?$",
    re.IGNORECASE,
)


def _written(cell: str) -> float:
    """Seconds in a duration that says its units, NaN for anything else (a bare "45" has no unit here)."""
    match = _WRITTEN.match(cell.strip())
    if not match or not any(match.group(g) for g in "dhms"):
        return np.nan
    if match.group("m") and not match.group("mu") and not match.group("h"):
        return np.nan  # minutes need their unit unless they follow hours ("1h05")
    seconds = 0.0
    for group, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if match.group(group):
            seconds += float(match.group(group).replace(",", ".")) * size
    return seconds


def _duration(s: pd.Series, unit: str) -> pd.Series:
    """Seconds from a duration that says its unit ("45 min", "1h05"), a clock, or a number in ``unit``.

    A clock of three parts is hours:minutes:seconds; of two, hours:minutes in a column
    of hours or days ("01:05" is 65 minutes) and minutes:seconds in one of seconds or
    minutes ("7:30" is seven and a half minutes).
    """
    out = _numbers(s) * UNITS[unit]
    clocky = out.isna() & s.str.contains(":", regex=False)
    if clocky.any():
        clock = s[clocky].str.strip().str.extract(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:[.,]\d+)?)$")
        three = clock[0].notna()
        big = UNITS[unit] >= 3600
        first, second = clock[1].astype(float), clock[2].str.replace(",", ".", regex=False).astype(float)
        seconds = np.where(
            three,
            clock[0].astype(float).fillna(0) * 3600 + first * 60 + second,
            first * 3600 + second * 60 if big else first * 60 + second,
        )
        out[clocky] = seconds
    rest = out.isna() & (s != "")
    worded = rest & s.where(rest, "").str.contains(r"[A-Za-z]", regex=True) if rest.any() else rest
    if worded.any():
        out[worded] = s[worded].map(_written).astype("float64")
    return out


def _key(s: pd.Series) -> pd.Series:
    return (
        s.str.lower()
        .str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
        .str.strip()
        .str.replace(r"[^a-z0-9]+", "_", regex=True)
    )


def _parse(s: pd.Series, spec: Field, unit: str, order: str = "day") -> tuple[pd.Series, pd.Series]:
    """The values, and the cells that hold no value though they are not empty ("offered" surveys).

    Each distinct cell is parsed once: a yes/no column of a million rows has two, a
    column of dates to the minute a fraction of its rows.
    """
    sample = s.iloc[:5000]
    if len(s) > 5000 and sample.nunique() > 0.5 * len(sample):
        return _parse_cells(s, spec, unit, order)  # mostly distinct (dates to the second): factorising gains nothing
    codes, uniques = pd.factorize(s)
    values, none = _parse_cells(pd.Series(uniques, dtype=s.dtype), spec, unit, order)
    return (
        pd.Series(values.to_numpy()[codes], index=s.index, dtype=values.dtype),
        pd.Series(none.to_numpy()[codes], index=s.index),
    )


def _parse_cells(s: pd.Series, spec: Field, unit: str, order: str = "day") -> tuple[pd.Series, pd.Series]:
    none = pd.Series(False, index=s.index)
    if spec.kind == "time":
        return _parse_time(s, order), none
    if spec.kind == "duration":
        return _duration(s, unit), none
    if spec.kind == "flag":
        low = s.str.lower()
        number = pd.to_numeric(_number_text(low), errors="coerce")
        flag = pd.Series(pd.NA, index=s.index, dtype="boolean")
        flag[low.isin(_TRUE) | (number > 0)] = True
        flag[low.isin(_FALSE) | (number == 0)] = False
        return flag, none
    if spec.kind == "status":
        key = _key(s)
        return pd.Series(key.isin(_RESOLVED).to_numpy(), index=s.index, dtype="boolean").where(s != ""), none
    values = _numbers(s)
    if spec.kind == "rating" and values.isna().any():
        words = values.isna() & (s != "")
        key = _key(s[words])
        values[words] = key.map(_RATING_WORDS).astype("float64")
        none = pd.Series(False, index=s.index)
        none[words] = key.isin(_NO_ANSWER).to_numpy()
    return values, none


@dataclass(frozen=True)
class DateOrder:
    """Whether the file writes dates day-first or month-first, and what settled it.

    ``source`` is ``file`` (a value over 12 in the first or second place: ``column``,
    ``line``, ``value`` name it), ``chosen`` (the person said) or ``ambiguous`` (no value
    tells: read in ``order``, the kit's default, and said so).
    """

    order: str  # "day" or "month"
    source: str
    column: str = ""
    line: int = 0
    value: str = ""


_DAY_MONTH = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}"


def date_order(raw: RawExport, columns: Iterable[str], dayfirst: bool | None = None) -> DateOrder | None:
    """The date order of the whole export, from every cell of its time ``columns``; None when no date is d/m or m/d.

    Only the first ten characters of a cell hold its date, and an export spans few
    distinct days: those are read, once each. A first number over 12 settles day-first,
    a second one over 12 month-first; when cells say both, the order most of them show
    wins (the others are then unreadable values, each reported).
    """
    evidence: dict[str, list[tuple[int, str, str]]] = {"day": [], "month": []}
    any_pair = False
    for column in columns:
        cells = raw.frame[column]
        if pd.api.types.is_numeric_dtype(cells):
            continue
        heads = cells.astype(str).str.slice(0, 10)
        codes, uniques = pd.factorize(heads)
        parts = pd.Series(uniques, dtype=str).str.extract(_DAY_MONTH)
        first, second = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
        any_pair |= bool(first.notna().any())
        for order, hit in (("day", (first > 12) & (second <= 12)), ("month", (second > 12) & (first <= 12))):
            found = np.flatnonzero(hit.to_numpy())
            if found.size:
                row = int(np.flatnonzero(np.isin(codes, found))[0])
                evidence[order].append((int(found.size), column, row))
    if dayfirst is not None:
        return DateOrder("day" if dayfirst else "month", "chosen")
    if not any_pair:
        return None
    days, months = (sum(n for n, _, _ in evidence[o]) for o in ("day", "month"))
    if not days and not months:
        return DateOrder("day", "ambiguous")
    order = "day" if days >= months else "month"
    _, column, row = evidence[order][0]
    return DateOrder(order, "file", column, int(raw.lines[row]), str(raw.frame[column].iloc[row]))


class _Rows:
    """The rows to set aside and the values to leave out, each with every reason found for it.

    A value that does not fit its column (a "n/a" duration, a satisfaction of 9 on 1-5)
    is left out of the metrics that need it, and the ticket still counts in the others;
    a row is set aside only when the ticket itself is unknown (no id or creation date,
    a line cut short, a second copy of a ticket).
    """

    def __init__(self, n: int):
        self.bad = np.zeros(n, dtype=bool)
        self.reasons: list[tuple[np.ndarray, Callable[[int], ImportProblem]]] = []
        self.dropped: dict[str, np.ndarray] = {}  # field -> rows whose value is left out
        self.value_reasons: list[tuple[np.ndarray, Callable[[int], ImportProblem]]] = []

    def add(self, mask: np.ndarray, make: Callable[[int], ImportProblem]) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.bad |= mask
            self.reasons.append((np.flatnonzero(mask), make))

    def values(self, name: str) -> _Values:
        """The same ``add``, for the values of field ``name`` only."""
        return _Values(self, name)

    def drop(self, name: str, mask: np.ndarray, make: Callable[[int], ImportProblem]) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.dropped[name] = self.dropped.get(name, np.zeros(len(mask), dtype=bool)) | mask
            self.value_reasons.append((np.flatnonzero(mask), make))

    def _listed(self, raw: RawExport, reasons, keep) -> list[SkippedRow]:
        found: dict[int, list[ImportProblem]] = {}
        for rows, make in reasons:
            for i in rows.tolist():
                if keep(i):
                    found.setdefault(i, []).append(make(i))
        order = sorted(found)
        values = raw.frame.iloc[order].to_numpy() if order else []
        return [
            SkippedRow(int(raw.lines[i]), tuple(found[i]), tuple("" if pd.isna(v) else str(v) for v in cells))
            for i, cells in zip(order, values)
        ]

    def skipped(self, raw: RawExport) -> list[SkippedRow]:
        """The rows set aside, with the values of theirs that did not fit either."""
        bad = self.bad
        return self._listed(raw, self.reasons + self.value_reasons, lambda i: bad[i])

    def left_out(self, raw: RawExport) -> list[SkippedRow]:
        """The rows kept with one value or more left out, and why."""
        bad = self.bad
        return self._listed(raw, self.value_reasons, lambda i: not bad[i])


@dataclass
class _Values:
    rows: _Rows
    name: str

    def add(self, mask: np.ndarray, make: Callable[[int], ImportProblem]) -> None:
        self.rows.drop(self.name, mask, make)


def import_tickets(
    source: str | Path | bytes | IO | pd.DataFrame | RawExport,
    mapping: dict[str, str] | None = None,
    units: dict[str, str] | None = None,
    *,
    sheet: str | int = 0,
    dayfirst: bool | None = None,
    progress: Progress = _no_progress,
) -> TicketImport:
    """The export as a ticket table in the kit's fields, and the rows it set aside, ready for ``widgets.workshops.metrics.formulas``.

    ``source`` is a path, the bytes of an upload, a file object or an export already
    read; ``mapping`` is ``{kit field: their column}`` (default: ``guess_mapping``);
    ``units`` is ``{duration field: "seconds" | "minutes" | "hours" | ...}`` (default:
    ``guess_units``); ``dayfirst`` says how 01/02 reads (default: decided from the whole
    file, see ``date_order``). Durations are stored in seconds. A value that does not fit
    is left out (``left_out``), a row without a usable id or creation date is skipped
    (``skipped``), each with its own line and reason; unmapped fields are left out; ids
    and labels become categories (fast grouping). Raises ``TicketImportError`` only when
    the file cannot be read or a required column is missing.
    """
    if isinstance(source, RawExport):
        raw = source
    elif isinstance(source, pd.DataFrame):
        raw = RawExport(source.reset_index(drop=True), np.arange(2, len(source) + 2))
    else:
        raw = read_export(source, sheet=sheet, progress=progress)
    frame = raw.frame
    mapping = {k: v for k, v in (guess_mapping(frame.columns) if mapping is None else mapping).items() if v}
    problems = _mapping_problems(frame, mapping, units or {})
    if problems:
        raise TicketImportError(problems)
    if frame.empty and not raw.broken:
        raise TicketImportError([ImportProblem("error_empty_file")])
    chosen = {**guess_units(mapping, frame), **{k: UnitGuess(v, "chosen") for k, v in (units or {}).items()}}
    rows, out = _Rows(len(frame)), {}
    if raw.short is not None:
        width = len(frame.columns)
        rows.add(
            raw.short >= 0,
            lambda r: ImportProblem("error_too_few_fields", {"width": width, "found": int(raw.short[r])}),
        )
    dates = date_order(raw, [c for n, c in mapping.items() if BY_NAME[n].kind == "time"], dayfirst)
    mapped = list(mapping.items())
    for step, (name, column) in enumerate(mapped):
        progress(0.55 + 0.4 * step / max(1, len(mapped)), "parsing")
        spec, column_values = BY_NAME[name], frame[column]
        # A value that does not fit is left out; the ticket goes only when it is a required one.
        target = rows if spec.required else rows.values(name)
        unit = chosen[name].unit if name in chosen else "seconds"
        if pd.api.types.is_numeric_dtype(column_values) and spec.kind in _NUMERIC_KINDS:
            # Read as numbers by the CSV reader already: empty cells are NaN, nothing is malformed.
            values = column_values.astype("float64") * (UNITS[unit] if spec.kind == "duration" else 1.0)
            cells = column_values
            values = _numeric_checks(target, values, spec, column, cells)
            out[name] = values
            continue
        cells = _as_text(column_values, raw.maybe_empty is None or column in raw.maybe_empty)
        empty = (cells == "").to_numpy()
        if spec.required:
            rows.add(
                empty,
                lambda r, column=column, name=name: ImportProblem(
                    "error_empty_required", {"column": column, "field": name}
                ),
            )
        if spec.kind in ("id", "text"):
            out[name] = cells  # "" is no value: the categories below leave it out
            continue
        values, no_answer = _parse(cells, spec, unit, dates.order if dates else "day")
        bad = ~empty & values.isna().to_numpy() & ~no_answer.to_numpy()
        target.add(
            bad,
            lambda r, column=column, kind=spec.kind, cells=cells: ImportProblem(
                "error_bad_value", {"column": column, "value": cells.iloc[r], "expected": _EXPECTED[kind]}
            ),
        )
        if spec.kind in _NUMERIC_KINDS:
            values = _numeric_checks(target, values, spec, column, cells, bad)
        out[name] = values
    table = pd.DataFrame(out, index=frame.index)
    _early_replies(rows, table, mapping)
    _leave_out(table, rows.dropped)
    _duplicates(rows, table, mapping, raw.lines)
    skipped = sorted(raw.broken + rows.skipped(raw), key=lambda s: s.line)
    left_out = rows.left_out(raw)
    if rows.bad.any():
        table = table[~rows.bad].reset_index(drop=True)
    notes = list(raw.notes)
    if dates and dates.source == "ambiguous":
        notes.append(ImportProblem("note_dates_ambiguous"))
    if left_out:
        notes.append(ImportProblem("note_values_left_out", {"n": len(left_out)}))
    progress(1.0, "done")
    return TicketImport(
        _typed(table),
        skipped,
        mapping,
        {k: v for k, v in chosen.items() if k in mapping},
        [str(c) for c in frame.columns],
        len(frame) + len(raw.broken),
        left_out,
        dates,
        notes,
    )


def load_tickets(
    source: str | Path | bytes | IO | pd.DataFrame,
    mapping: dict[str, str] | None = None,
    units: dict[str, str] | None = None,
    *,
    sheet: str | int = 0,
) -> pd.DataFrame:
    """The tickets of a file that must be clean (the bundled sample, a test): any bad row raises.

    Raises ``TicketImportError`` listing the first problems, each with its line.
    """
    result = import_tickets(source, mapping, units, sheet=sheet)
    wrong = sorted(result.skipped + result.left_out, key=lambda s: s.line)
    if wrong:
        problems = [ImportProblem("error_row", {"line": s.line, "reason": s.problems[0]}) for s in wrong[:MAX_SHOWN]]
        raise TicketImportError(problems, more=max(0, len(wrong) - MAX_SHOWN))
    return result.tickets


def _mapping_problems(raw: pd.DataFrame, mapping: dict[str, str], units: dict[str, str]) -> list[ImportProblem]:
    problems = []
    for name, column in mapping.items():
        if name not in BY_NAME:
            problems.append(ImportProblem("error_unknown_field", {"name": name}))
        elif column not in raw.columns:
            problems.append(ImportProblem("error_column_not_found", {"column": column, "field": name}))
    for name, unit in units.items():
        if name not in DURATIONS:
            problems.append(ImportProblem("error_not_a_duration", {"name": name}))
        elif unit not in UNITS:
            problems.append(ImportProblem("error_unknown_unit", {"unit": unit, "units": ", ".join(UNITS)}))
    for name in REQUIRED:
        if name not in mapping:
            problems.append(
                ImportProblem("error_missing_column", {"field": name, "columns": ", ".join(map(str, raw.columns))})
            )
    return problems


def _as_text(s: pd.Series, may_be_nan: bool = True) -> pd.Series:
    """A column as text cells: "" for empty, whole numbers without ".0" (a ticket number read as a number)."""
    if pd.api.types.is_numeric_dtype(s):
        text = s.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
        return text.astype(str)
    if s.dtype == str and (not may_be_nan or not s.hasnans):
        return s
    return s.fillna("").astype(str)


def _numeric_checks(
    rows: _Rows, values: pd.Series, spec: Field, column: str, cells: pd.Series, bad: np.ndarray | None = None
) -> pd.Series:
    """Whole numbers where the field counts things, a 0-1 quality share as %, and the field's range."""
    if spec.kind == "integer":
        fraction = (values.notna() & (values % 1 != 0)).to_numpy()
        if bad is not None:
            fraction = fraction & ~bad
        rows.add(
            fraction,
            lambda r: ImportProblem(
                "error_bad_value", {"column": column, "value": cells.iloc[r], "expected": _EXPECTED["integer"]}
            ),
        )
    if spec.name == "qa_score" and values.max() <= 1:
        values = values * 100  # a 0-1 share
    _range_problems(rows, values, spec, column, cells)
    return values


def _range_problems(rows: _Rows, values: pd.Series, spec: Field, column: str, cells: pd.Series) -> None:
    if spec.low is None and spec.high is None:
        return
    low = -np.inf if spec.low is None else spec.low
    high = np.inf if spec.high is None else spec.high
    outside = (values.notna() & ((values < low) | (values > high))).to_numpy()
    key = "error_below" if spec.high is None else "error_out_of_range"
    rows.add(
        outside,
        lambda r: ImportProblem(
            key, {"column": column, "value": cells.iloc[r], "low": _show(low), "high": _show(high)}
        ),
    )


def _show(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _early_replies(rows: _Rows, table: pd.DataFrame, mapping: dict[str, str]) -> None:
    for name in ("first_response_at", "resolved_at"):
        if name in table:
            # A reply before the ticket exists usually means two columns in different time zones.
            early = (table[name] < table["created_at"]).to_numpy()
            rows.drop(
                name,
                early,
                lambda r, name=name: ImportProblem(
                    "error_before_creation", {"column": mapping[name], "created": mapping["created_at"]}
                ),
            )


def _leave_out(table: pd.DataFrame, dropped: dict[str, np.ndarray]) -> None:
    for name, mask in dropped.items():
        column = table[name]
        if column.dtype == bool or str(column.dtype) == "boolean":
            table[name] = column.astype("boolean").mask(mask)
        else:
            table[name] = column.mask(mask)


def _duplicates(rows: _Rows, table: pd.DataFrame, mapping: dict[str, str], lines: np.ndarray) -> None:
    """Of the rows of one ticket, the most complete is kept (the first of equals); the others name its line."""
    ids = table["ticket_id"].where(~rows.bad) if rows.bad.any() else table["ticket_id"]
    ids = ids.where(ids != "")
    repeated = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not repeated.any():
        return
    filled = pd.DataFrame(
        {n: (table[n] != "") if table[n].dtype == str or table[n].dtype == object else table[n].notna() for n in table}
    )
    candidates = pd.DataFrame({"id": ids, "score": filled.sum(axis=1), "at": np.arange(len(table))})[repeated]
    best = candidates.sort_values(["score", "at"], ascending=[False, True], kind="stable").drop_duplicates("id")
    kept_at = dict(zip(best["id"], best["at"]))
    loser = repeated & ~np.isin(np.arange(len(table)), best["at"].to_numpy())
    rows.add(
        loser,
        lambda r: ImportProblem(
            "error_duplicate_kept",
            {"column": mapping["ticket_id"], "value": ids.iloc[r], "kept": int(lines[kept_at[ids.iloc[r]]])},
        ),
    )


def _categories(s: pd.Series) -> pd.Categorical:
    """Labels as integer codes; a few labels sorted for display, a million customer ids left in file order."""
    codes, uniques = pd.factorize(s)
    blank = np.flatnonzero(uniques == "")
    if blank.size:  # an empty cell is no label: code -1, as pandas marks a missing category
        codes = np.where(codes == blank[0], -1, codes - (codes > blank[0]))
        uniques = np.delete(uniques, blank[0])
    values = pd.Categorical.from_codes(codes, pd.Index(uniques, dtype=str))
    return values.reorder_categories(sorted(uniques)) if len(uniques) <= 10_000 else values


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    for name in ("customer_id", "order_id", "channel", "team", "agent"):
        if name in table:
            table[name] = _categories(table[name])
    if "ticket_id" in table:
        table["ticket_id"] = table["ticket_id"].astype(str)
    return table[[f.name for f in FIELDS if f.name in table]]
