"""Files that are not a clean export: each gets one clear sentence in the CLI and the lab, never a traceback."""

from __future__ import annotations

import gzip
import html
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from widgets.core.i18n import Translator
from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.lab import MetricsLab
from widgets.workshops.metrics.tickets import TicketImportError, import_tickets, read_export

ELAN = Path(sys.executable).parent / "elan"
EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
CSV = "id,created,csat\n1,2024-01-02 10:00,5\n2,2024-01-02 11:00,4\n"


def elan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ELAN), "metrics", *args], capture_output=True, text=True, timeout=120)


def random_bytes(seed: int, n: int = 20_000) -> bytes:
    return random.Random(seed).randbytes(n)


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random_bytes(1, 4000)


BAD = {
    "random": (random_bytes(7), "binary data"),
    "png": (png(), "PNG image"),
    "gzip": (gzip.compress(CSV.encode() * 50), "gzip archive"),
    "pdf": (b"%PDF-1.7\n" + random_bytes(2, 2000), "PDF document"),
    "header_only": ("N° ticket;Date de création;Canal;Satisfaction\r\n".encode("cp1252"), "no ticket row"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_gets_one_sentence_in_the_cli(tmp_path, name):
    data, words = BAD[name]
    path = tmp_path / f"{name}.csv"  # renamed .csv, as people do
    path.write_bytes(data)
    done = elan(str(path), "--lang", "en")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and words in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_header_only_file_names_its_columns_split_by_its_semicolons():
    with pytest.raises(TicketImportError) as caught:
        read_export(BAD["header_only"][0])
    assert caught.value.problems[0].key == "error_header_only"
    assert caught.value.problems[0].values["columns"] == "N° ticket, Date de création, Canal, Satisfaction"


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_of_any_seed_never_raise_anything_but_an_import_error(seed):
    data = random_bytes(seed, 3000 + seed * 997)
    with pytest.raises(TicketImportError):
        import_tickets(data)


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_in_the_lab_says_why_and_the_progress_bar_goes(name):
    data, words = BAD[name]
    lab = MetricsLab("en")
    before = len(lab.tickets)
    lab.read_export(data, f"{name}.csv")
    assert words in html.unescape(lab.errors.value)
    assert lab.progress_box.layout.display == "none"
    assert lab.raw is None and len(lab.tickets) == before  # the figures on screen are still the sample's, and said


def test_the_lab_says_it_in_french_too():
    lab = MetricsLab("fr")
    lab.read_export(png(), "export.csv")
    assert "image PNG" in html.unescape(lab.errors.value)


# --- spreadsheets ------------------------------------------------------------------------------------


def workbook(rows: list[list], formulas: dict[str, str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula  # openpyxl writes the formula and no cached result, as scripts do
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ["Ticket", "Created", "CSAT"],
    [1, "2024-01-02 10:00", 5],
    [2, "2024-01-02 11:00", 2],
    [3, "2024-01-03 09:00", 4],
]


def test_a_formula_cell_without_a_saved_value_is_said_not_silently_empty(tmp_path):
    data = workbook(ROWS, {"C4": "=4*1"})
    result = import_tickets(data)
    assert [n.key for n in result.notes] == ["note_formulas_without_value"]
    assert result.notes[0].values == {"n": 1, "cell": "C4"}
    assert "C4" in result.notes[0].text("en")
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(data)
    done = elan(str(path), "--json", "--lang", "en")
    assert any("C4" in note for note in json.loads(done.stdout)["notes"])


def test_a_title_row_above_the_header_is_found_and_said(tmp_path):
    data = workbook([["Tickets — March 2024"], [], *ROWS])
    result = import_tickets(data)
    assert result.skipped == [] and len(result.tickets) == 3
    assert result.notes[0].key == "note_header_row" and result.notes[0].values["row"] == 3
    # Lines are the spreadsheet's rows: the first ticket is on row 4.
    expected = pd.DataFrame(ROWS[1:], columns=ROWS[0])
    assert metrics.csat(result.tickets).value == pytest.approx((expected["CSAT"] >= 4).mean() * 100)
    path = tmp_path / "titled.xlsx"
    path.write_bytes(data)
    done = elan(str(path), "--json", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == 3


def test_the_person_can_name_the_header_row(tmp_path):
    # A title that itself looks like a header ("Ticket", "Created"): the person says which row.
    data = workbook([["Ticket", "Created", "Export"], ["id", "created at", "csat"], [1, "2024-01-02 10:00", 5]])
    assert len(import_tickets(read_export(data, header_row=2)).tickets) == 1
    path = tmp_path / "two.xlsx"
    path.write_bytes(data)
    done = elan(str(path), "--json", "--header-row", "2")
    assert done.returncode == 0, done.stderr and json.loads(done.stdout)["mapping"]["csat"] == "csat"
    lab = MetricsLab("en")
    lab.read_export(data, "two.xlsx")
    assert lab.header_row.layout.display is None  # offered for a spreadsheet
    lab.header_row.value = 2
    assert lab.raw is not None and list(lab.raw.frame.columns) == ["id", "created at", "csat"]
    assert lab.apply_mapping(), lab.errors.value


def test_a_salesforce_footer_is_the_reports_not_skipped_rows(tmp_path):
    footer = (
        '""\n""\n"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
        '"Generated By:  Jane Doe  3/25/2024 5:12 PM"\n"Acme SARL"\n'
    )
    path = tmp_path / "report.csv"
    path.write_text((EXPORTS / "salesforce_cases.csv").read_text() + footer)
    done = elan(str(path), "--json", "--lang", "en")
    data = json.loads(done.stdout)
    assert data["rows"] == 3 and data["skipped"] == []
    assert any("footer" in note and "Confidential" in note for note in data["notes"])


def test_the_lab_shows_the_notes_of_a_file():
    t = Translator("en")
    lab = MetricsLab("en")
    lab.read_export(workbook([["Tickets — March 2024"], *ROWS], {"C4": "=4*1"}), "titled.xlsx")
    assert lab.apply_mapping(), lab.errors.value
    shown = html.unescape(lab.skipped.value)
    assert "C4" in shown and t("metrics.note_header_row", row=2) in shown
