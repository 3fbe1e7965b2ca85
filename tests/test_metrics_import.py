"""Loading organisations' ticket exports: mappings, French Excel CSV, XLSX, and clear errors."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.tickets import FIELDS, TicketImportError, guess_mapping, load_tickets, read_table

SAMPLE = Path(__file__).resolve().parent.parent / "datasets" / "tickets" / "sample_tickets.csv"


def problems_of(source, mapping=None) -> TicketImportError:
    with pytest.raises(TicketImportError) as caught:
        load_tickets(source, mapping)
    return caught.value


def test_columns_with_other_names_mapped_by_the_user(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Ref,Who,Opened,Answered,Happy\n"
        "A-1,acme,2024-05-02 09:00:00,2024-05-02 09:03:00,5\n"
        "A-2,acme,2024-05-02 10:00:00,,2\n",
        encoding="utf-8",
    )
    mapping = {"ticket_id": "Ref", "customer_id": "Who", "created_at": "Opened",
               "first_response_at": "Answered", "csat": "Happy"}
    df = load_tickets(path, mapping)
    assert list(df.columns) == ["ticket_id", "customer_id", "created_at", "first_response_at", "csat"]
    assert df["csat"].tolist() == [5.0, 2.0]
    assert pd.isna(df.loc[1, "first_response_at"])
    assert metrics.frt(df).value == 180.0
    assert metrics.csat(df).value == 50.0


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_semicolon_csv_with_decimal_commas_as_french_excel_writes_it(encoding):
    text = (
        "N° de ticket;Client;Date de création;Canal;Durée de traitement;Montant;Note qualité\n"
        "1;Dupré SARL;31/01/2024 14:05;téléphone;0:07:30;1 234,50 €;0,85\n"
        "2;Café Léa;01/02/2024 09:12;courriel;320;89,9;0,9\n"
    )
    df = load_tickets(io.BytesIO(text.encode(encoding)))
    assert df["created_at"].tolist() == [pd.Timestamp("2024-01-31 14:05"), pd.Timestamp("2024-02-01 09:12")]
    assert df["handle_seconds"].tolist() == [450.0, 320.0]
    assert df["order_value"].tolist() == [1234.5, 89.9]
    assert df["qa_score"].tolist() == pytest.approx([85.0, 90.0])  # a 0-1 share read as a percentage
    assert df["customer_id"].tolist() == ["Dupré SARL", "Café Léa"]
    assert df["channel"].tolist() == ["téléphone", "courriel"]


def test_a_missing_required_column_is_named():
    text = "ticket,date,csat\n1,2024-01-01 10:00,5\n"
    error = problems_of(io.BytesIO(text.encode()))
    assert [p.key for p in error.problems] == ["error_missing_column"]
    assert error.problems[0].values["field"] == "customer_id"
    (message,) = error.messages("en")
    assert "customer" in message and "ticket, date, csat" in message
    assert "client" in error.messages("fr")[0]


def test_a_mapped_column_absent_from_the_file_is_named():
    text = "id,client,created\n1,A,2024-01-01 10:00\n"
    error = problems_of(io.BytesIO(text.encode()), {"ticket_id": "id", "customer_id": "client", "created_at": "Created On"})
    assert error.problems[0].key == "error_column_not_found"
    assert "Created On" in error.messages("en")[0]


def test_a_malformed_value_names_the_column_and_the_row():
    text = (
        "ticket;client;créé le;satisfaction;NPS\n"
        "1;A;02/01/2024 10:00;5;9\n"
        "2;B;02/01/2024 11:00;très bien;9\n"
        "3;C;le 3 janvier;4;11\n"
    )
    error = problems_of(io.BytesIO(text.encode("utf-8")))
    # Compared without the typography (no-break spaces, curly apostrophes), which the writing checks own.
    messages = [m.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'") for m in error.messages("fr")]
    assert "Ligne 3, colonne « satisfaction » : « très bien » n'est pas un nombre entier." in messages
    assert any(m.startswith("Ligne 4, colonne « créé le »") for m in messages)
    assert any(m.startswith("Ligne 4, colonne « NPS » : 11 est hors de l'intervalle 0 à 10") for m in messages)
    english = error.messages("en")
    assert "Row 3, column “satisfaction”: “très bien” is not a whole number." in english


def test_empty_required_values_duplicates_and_replies_before_creation_are_refused():
    text = (
        "ticket_id,customer_id,created_at,first_response_at\n"
        "1,A,2024-01-02 10:00,2024-01-02 09:00\n"
        "1,B,2024-01-02 11:00,\n"
        "3,,2024-01-02 12:00,\n"
    )
    keys = {(p.key, p.values.get("row")) for p in problems_of(io.BytesIO(text.encode())).problems}
    assert ("error_before_creation", 2) in keys
    assert ("error_duplicate_id", 3) in keys
    assert ("error_empty_required", 4) in keys


def test_many_problems_are_listed_up_to_a_limit_and_counted():
    rows = "\n".join(f"{i},A,2024-01-02 10:00,bad" for i in range(40))
    error = problems_of(io.BytesIO(f"ticket_id,customer_id,created_at,csat\n{rows}\n".encode()))
    assert len(error.problems) == 20
    assert error.more == 20
    assert error.messages("en")[-1] == "…and 20 more problems."


def test_xlsx_written_with_openpyxl(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Ticket", "Customer", "Created", "Resolved", "Channel", "Handle time", "Reopened", "NPS"])
    sheet.append(["T1", "C1", dt.datetime(2024, 6, 3, 9, 30), dt.datetime(2024, 6, 3, 11, 0), "chat", 420, "non", 10])
    sheet.append(["T2", "C2", dt.datetime(2024, 6, 3, 10, 0), None, "phone", dt.time(0, 5, 15), "oui", 4])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert guess_mapping(read_table(path).columns)["reopened"] == "Reopened"
    df = load_tickets(path)
    assert df["created_at"].tolist() == [pd.Timestamp("2024-06-03 09:30"), pd.Timestamp("2024-06-03 10:00")]
    assert df["handle_seconds"].tolist() == [420.0, 315.0]
    assert df["reopened"].tolist() == [False, True]
    assert metrics.nps(df).value == 0.0
    # The same bytes without a file name are recognised as a workbook too.
    assert len(load_tickets(path.read_bytes())) == 2


def test_guess_mapping_reads_french_and_english_names():
    guessed = guess_mapping(["Numéro de ticket", "Code client", "Date d'ouverture", "Date de clôture",
                             "Canal", "Équipe", "Conseiller", "DMT", "Nb contacts", "Rouvert", "CSAT",
                             "Effort client", "Commande", "Montant commande"])
    assert guessed == {
        "ticket_id": "Numéro de ticket", "customer_id": "Code client", "created_at": "Date d'ouverture",
        "resolved_at": "Date de clôture", "channel": "Canal", "team": "Équipe", "agent": "Conseiller",
        "handle_seconds": "DMT", "contacts": "Nb contacts", "reopened": "Rouvert", "csat": "CSAT",
        "ces": "Effort client", "order_id": "Commande", "order_value": "Montant commande",
    }


def test_the_sample_loads_with_the_kit_field_names_unchanged():
    columns = read_table(SAMPLE).columns
    assert guess_mapping(columns) == {f.name: f.name for f in FIELDS}
    df = load_tickets(SAMPLE)
    assert len(df) > 5000
    assert isinstance(df["channel"].dtype, pd.CategoricalDtype)
    figures = metrics.compute_all(df)
    assert all(f.ok for f in figures.values()), {k: f.reason for k, f in figures.items() if not f.ok}


def test_an_empty_file_is_refused():
    error = problems_of(io.BytesIO(b""))
    assert error.problems[0].key == "error_empty_file"
