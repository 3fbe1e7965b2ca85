"""Loading organisations' ticket exports: helpdesk shapes, units, bad rows set aside, French Excel CSV, XLSX."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.tickets import (
    FIELDS,
    TicketImportError,
    guess_mapping,
    guess_units,
    import_tickets,
    load_tickets,
    read_export,
    read_table,
)

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "datasets" / "tickets" / "sample_tickets.csv"
EXPORTS = HERE / "fixtures" / "exports"


def problems_of(source, mapping=None) -> TicketImportError:
    with pytest.raises(TicketImportError) as caught:
        load_tickets(source, mapping)
    return caught.value


# --- the exports of widely used helpdesks (fixtures written from their documented fields) -------------

VENDORS = {
    "zendesk.csv": {
        "mapping": {
            "ticket_id": "Id",
            "customer_id": "Requester id",
            "created_at": "Created at",
            "first_response_seconds": "First reply time in minutes",
            "resolved_at": "Solved at",
            "resolution_seconds": "Full resolution time in minutes",
            "status": "Status",
            "channel": "Via",
            "team": "Group",
            "agent": "Assignee",
            "reopened": "Reopens",
            "csat": "Satisfaction Score",
        },
        "units": {"first_response_seconds": "minutes", "resolution_seconds": "minutes"},
        # Good and Bad answered; Offered and Unoffered are no answer.
        "figures": {"CSAT": (50.0, 2), "FRT": (34 * 60, 3), "REOPEN": (100 / 3, 3), "BACKLOG": (1, 4)},
    },
    "freshdesk.csv": {
        "mapping": {
            "ticket_id": "Ticket ID",
            "customer_id": "Contact ID",
            "created_at": "Created time",
            "first_response_seconds": "First response time (in hrs)",
            "resolved_at": "Resolved time",
            "resolution_seconds": "Resolution time (in hrs)",
            "status": "Status",
            "channel": "Source",
            "team": "Group",
            "agent": "Agent",
            "handle_seconds": "Time tracked",
            "contacts": "Customer interactions",
            "csat": "Survey results",
        },
        "units": {"first_response_seconds": "hours", "resolution_seconds": "hours", "handle_seconds": "seconds"},
        "figures": {
            "FRT": (1.5 * 3600, 3),
            "FCR": (50.0, 2),
            "AHT": ((12 * 60 + 35 * 60 + 30 + 5 * 60) / 5, 3),
            "CSAT": (50.0, 2),
        },
    },
    "zoho_desk.csv": {
        "mapping": {
            "ticket_id": "Ticket Id",
            "customer_id": "Email",
            "created_at": "Created Time",
            "first_response_seconds": "First Response Time (in hours)",
            "resolved_at": "Ticket Closed Time",
            "status": "Status",
            "channel": "Channel",
            "team": "Department",
            "agent": "Ticket Owner",
            "reopened": "Number of Reopen",
            "csat": "Happiness Rating",
        },
        "units": {"first_response_seconds": "hours"},
        "figures": {
            "FCR": (50.0, 2),
            "TTR": ((45 * 60 + (2 * 86400 + 6 * 3600 + 25 * 60)) / 2, 2),
            "CSAT": (100 / 3, 3),
        },
    },
    "salesforce_cases.csv": {
        "mapping": {
            "ticket_id": "Case Number",
            "customer_id": "Contact Name",
            "created_at": "Date/Time Opened",
            "resolved_at": "Date/Time Closed",
            "status": "Status",
            "channel": "Case Origin",
            "agent": "Case Owner",
        },
        "units": {},
        "figures": {"TTR": ((5 * 3600 + 35 * 60 + 2 * 86400 + 22 * 3600 + 30 * 60) / 2, 2), "BACKLOG": (1, 3)},
    },
    "hubspot_tickets.csv": {
        "mapping": {
            "ticket_id": "Ticket ID",
            "customer_id": "Associated Contact",
            "created_at": "Create date",
            "first_response_seconds": "Time to first agent reply",
            "resolved_at": "Close date",
            "resolution_seconds": "Time to close",
            "status": "Ticket status",
            "channel": "Source",
            "agent": "Ticket owner",
        },
        "units": {"first_response_seconds": "milliseconds", "resolution_seconds": "milliseconds"},
        "figures": {"FRT": (1800.0, 3), "BACKLOG": (1, 3)},
    },
    "gorgias.csv": {
        "mapping": {
            "ticket_id": "Ticket id",
            "customer_id": "Customer email",
            "created_at": "Created date",
            "first_response_seconds": "First response time (s)",
            "resolved_at": "Closed date",
            "resolution_seconds": "Resolution time (s)",
            "status": "Status",
            "channel": "Channel",
            "team": "Team",
            "agent": "Assignee",
            "csat": "Satisfaction score",
        },
        "units": {"first_response_seconds": "seconds", "resolution_seconds": "seconds"},
        "figures": {"CSAT": (200 / 3, 3), "FRT": (300.0, 3), "BACKLOG": (1, 4)},
    },
}


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_each_helpdesk_export_is_mapped_read_and_computed(name):
    expected = VENDORS[name]
    path = EXPORTS / name
    columns = read_table(path).columns
    assert guess_mapping(columns) == expected["mapping"]
    assert {k: g.unit for k, g in guess_units(expected["mapping"]).items()} == expected["units"]
    result = import_tickets(path)
    assert result.skipped == []
    figures = metrics.compute_all(result.tickets)
    for metric, (value, n) in expected["figures"].items():
        assert figures[metric].value == pytest.approx(value), metric
        assert figures[metric].n == n, metric


def test_zendesk_words_for_satisfaction_and_states_are_read():
    df = import_tickets(EXPORTS / "zendesk.csv").tickets
    assert df["csat"].tolist()[:2] == [5.0, 1.0] and df["csat"].iloc[2:].isna().all()
    assert df["status"].tolist() == [True, True, True, False]
    assert df["reopened"].tolist() == [False, True, False, False]


# --- durations as numbers with a unit ----------------------------------------------------------


def test_durations_in_minutes_guessed_from_the_header():
    text = "Ticket;Créé le;DMT (min);Délai première réponse (minutes)\n1;02/01/2024 10:00;9,9;30\n2;02/01/2024 11:00;10,1;90\n"
    result = import_tickets(io.BytesIO(text.encode("utf-8")))
    assert result.units["handle_seconds"].unit == "minutes" and result.units["handle_seconds"].source == "header"
    assert result.tickets["handle_seconds"].tolist() == pytest.approx([594.0, 606.0])
    aht = metrics.aht(result.tickets)
    assert aht.value == pytest.approx(600.0)  # 10 minutes, not 0.2: the unit is the file's
    assert metrics.frt(result.tickets).value == pytest.approx(3600.0)


def test_durations_in_hours_and_a_unit_changed_by_the_person():
    text = "id,created,resolution time (h),handle time\n1,2024-01-02 10:00,1.5,12\n2,2024-01-02 11:00,4,8\n"
    guessed = import_tickets(io.BytesIO(text.encode()))
    assert guessed.units["resolution_seconds"].unit == "hours"
    assert guessed.tickets["resolution_seconds"].tolist() == [5400.0, 14400.0]
    # No unit in "handle time" and a median of 10: minutes, said as a guess from the values.
    assert (guessed.units["handle_seconds"].unit, guessed.units["handle_seconds"].source) == ("minutes", "assumed")
    chosen = import_tickets(io.BytesIO(text.encode()), units={"handle_seconds": "seconds"})
    assert chosen.tickets["handle_seconds"].tolist() == [12.0, 8.0]
    assert chosen.units["handle_seconds"].source == "chosen"


def test_a_clock_duration_is_read_whatever_the_unit():
    text = "id,created,handle time (min)\n1,2024-01-02 10:00,0:07:30\n2,2024-01-02 11:00,7:30\n3,2024-01-02 12:00,2\n"
    df = import_tickets(io.BytesIO(text.encode())).tickets
    assert df["handle_seconds"].tolist() == [450.0, 450.0, 120.0]


def test_an_unknown_unit_is_refused_by_name():
    text = "id,created,handle time\n1,2024-01-02 10:00,5\n"
    with pytest.raises(TicketImportError) as caught:
        import_tickets(io.BytesIO(text.encode()), units={"handle_seconds": "fortnights"})
    assert "fortnights" in caught.value.messages("en")[0]


# --- FCR, customer, what a file can support -----------------------------------------------------------


def test_fcr_from_contact_counts_without_a_resolution_date():
    text = "Ticket,Date,Contacts\n" + "".join(
        f"{i},2024-01-0{1 + i % 5} 10:00,{1 if i % 4 else 2}\n" for i in range(1, 9)
    )
    df = import_tickets(io.BytesIO(text.encode())).tickets
    fcr = metrics.fcr(df)
    assert fcr.value == pytest.approx(75.0) and fcr.n == 8
    assert fcr.detail["method"] == "contacts" and fcr.detail["scope"] == "all"
    backlog = metrics.backlog(df)
    assert not backlog.ok and backlog.reason == "metrics.reason_missing_backlog"


def test_a_file_with_no_customer_column():
    text = "ticket,created,resolved,csat\n1,2024-01-02 10:00,2024-01-02 12:00,5\n2,2024-01-03 10:00,,4\n"
    result = import_tickets(io.BytesIO(text.encode()))
    assert "customer_id" not in result.tickets
    figures = metrics.compute_all(result.tickets)
    assert figures["CSAT"].value == 100.0
    assert figures["BACKLOG"].value == 1
    for metric in ("CRR", "FCR"):
        assert not figures[metric].ok and figures[metric].value != 0
        assert figures[metric].reason == f"metrics.reason_missing_{metric.lower()}"


def test_a_customer_column_that_is_really_the_ticket_number_gives_no_retention():
    text = "ticket,client,created\n" + "".join(f"{i},{i},2024-0{1 + i % 3}-02 10:00\n" for i in range(1, 10))
    df = import_tickets(
        io.BytesIO(text.encode()), {"ticket_id": "ticket", "customer_id": "client", "created_at": "created"}
    ).tickets
    crr = metrics.crr(df)
    assert not crr.ok and crr.reason == "metrics.reason_no_repeat_customers"


# --- bad rows are set aside, each with its own line -------------------------------------------------


def french_export(rows: int = 30) -> str:
    """A semicolon export with decimal commas and day-first dates; lines 12 and 22 are broken copies."""
    lines = ["N° ticket;Date de création;Canal;DMT (min);Nb contacts;Satisfaction"]
    for i in range(1, rows + 1):
        lines.append(
            f"T{i:03d};{1 + i % 28:02d}/03/2024 09:{i % 60:02d};téléphone;{5 + i % 7},5;{1 + i % 3};{1 + i % 5}"
        )
    # Line 12 is the ticket of line 13, typed with a date that is not one; line 22 that of line 23, cut short.
    lines[11] = "T012;le 12 mars;téléphone;6,5;1;4"
    lines[21] = "T022;23/03/2024 09:22;téléphone"
    return "\n".join(lines) + "\n"


def test_two_malformed_rows_are_skipped_and_reported_by_their_own_line():
    text = french_export()
    result = import_tickets(io.BytesIO(text.encode("cp1252")))
    assert [s.line for s in result.skipped] == [12, 22]
    assert result.rows == 30 and len(result.tickets) == 28
    assert "le 12 mars" in result.skipped[0].text("fr")
    assert "3 cellules" in result.skipped[1].text("fr") and "6" in result.skipped[1].text("fr")
    # The clean copies below the bad rows are kept, not called duplicates.
    assert {"T012", "T022"} <= set(result.tickets["ticket_id"])
    assert result.skipped[0].message("en").startswith("Line 12: column “Date de création”")
    download = result.skipped_csv("fr").splitlines()
    assert download[0].startswith("ligne;motif;N° ticket;Date de création")
    assert download[1].startswith("12;") and "le 12 mars" in download[1]
    assert download[2].startswith("22;")


def test_a_line_with_too_many_cells_is_skipped_with_its_line():
    text = "id,created,csat\n1,2024-01-02 10:00,5\n2,2024-01-02 11:00,4,extra\n3,2024-01-02 12:00,3\n"
    result = import_tickets(io.BytesIO(text.encode()))
    assert [(s.line, s.problems[0].key) for s in result.skipped] == [(3, "error_too_many_fields")]
    assert result.tickets["ticket_id"].tolist() == ["1", "3"]
    assert result.skipped[0].cells == ("2", "2024-01-02 11:00", "4,extra")


def test_line_numbers_follow_quoted_cells_that_span_lines():
    text = 'id,created,note,csat\n1,2024-01-02 10:00,"two\nlines",5\n2,2024-01-02 11:00,x,nine\n'
    result = import_tickets(io.BytesIO(text.encode()), {"ticket_id": "id", "created_at": "created", "csat": "csat"})
    assert result.skipped == [] and [s.line for s in result.left_out] == [4]


def test_duplicates_and_empty_required_values_are_skipped_and_replies_before_creation_left_out():
    text = (
        "ticket_id,customer_id,created_at,first_response_at\n"
        "1,A,2024-01-02 10:00,2024-01-02 09:00\n"
        "2,B,2024-01-02 11:00,\n"
        "2,C,2024-01-02 11:30,\n"
        ",D,2024-01-02 12:00,\n"
    )
    result = import_tickets(io.BytesIO(text.encode()))
    keys = {(s.line, s.problems[0].key) for s in result.skipped}
    assert keys == {(4, "error_duplicate_kept"), (5, "error_empty_required")}
    assert "line 3" in result.skipped[0].text("en")
    # The reply before creation loses its value, not its ticket.
    assert [(s.line, s.problems[0].key) for s in result.left_out] == [(2, "error_before_creation")]
    assert result.tickets["customer_id"].tolist() == ["A", "B"]
    assert result.tickets["first_response_at"].isna().all()


def test_load_tickets_refuses_a_file_with_bad_rows_naming_the_lines():
    rows = "\n".join(f"{i},2024-01-02 10:00,??" for i in range(40))
    error = problems_of(io.BytesIO(f"ticket_id,created_at,csat\n{rows}\n".encode()))
    assert len(error.problems) == 20 and error.more == 20
    assert error.messages("en")[0].startswith("Line 2: column “csat”: “??” is not a rating")
    assert error.messages("en")[-1] == "…and 20 more problems."


def test_a_missing_required_column_is_named():
    text = "client,csat\nA,5\n"
    error = problems_of(io.BytesIO(text.encode()))
    assert [p.key for p in error.problems] == ["error_missing_column", "error_missing_column"]
    assert {p.values["field"] for p in error.problems} == {"ticket_id", "created_at"}
    assert "client, csat" in error.messages("en")[0]


def test_a_mapped_column_absent_from_the_file_is_named():
    text = "id,client,created\n1,A,2024-01-01 10:00\n"
    error = problems_of(io.BytesIO(text.encode()), {"ticket_id": "id", "created_at": "Created On"})
    assert error.problems[0].key == "error_column_not_found"
    assert "Created On" in error.messages("en")[0]


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


def test_tab_and_pipe_separated_files():
    for sep in ("\t", "|"):
        text = sep.join(["ticket", "created", "csat"]) + "\n" + sep.join(["1", "2024-01-02 10:00", "4"]) + "\n"
        assert load_tickets(io.BytesIO(text.encode()))["csat"].tolist() == [4.0]


def test_xlsx_written_with_openpyxl(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Ticket", "Created", "Resolved", "Channel", "Handle time (min)", "Contacts", "Reopened", "NPS"])
    sheet.append(["T1", dt.datetime(2024, 6, 3, 9, 30), dt.datetime(2024, 6, 3, 11, 0), "chat", 7, 1, "non", 10])
    sheet.append(["T2", dt.datetime(2024, 6, 3, 10, 0), None, "phone", dt.time(0, 5, 15), 2, "oui", 4])
    sheet.append([None] * 8)
    sheet.append(["T3", "yesterday", None, "phone", 3, 1, "non", 9])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert guess_mapping(read_table(path).columns)["reopened"] == "Reopened"
    result = import_tickets(path)
    df = result.tickets
    assert df["created_at"].tolist() == [pd.Timestamp("2024-06-03 09:30"), pd.Timestamp("2024-06-03 10:00")]
    assert df["handle_seconds"].tolist() == [420.0, 315.0]
    assert df["reopened"].tolist() == [False, True]
    assert [s.line for s in result.skipped] == [5]  # spreadsheet row 5; the empty row 4 is no ticket
    assert metrics.nps(df).value == 0.0
    assert metrics.fcr(df).value == 100.0  # T1: one contact, resolved; T2 is still open
    # The same bytes without a file name are recognised as a workbook too.
    assert len(import_tickets(path.read_bytes()).tickets) == 2


def test_guess_mapping_reads_french_and_english_names():
    guessed = guess_mapping(
        [
            "Numéro de ticket",
            "Code client",
            "Date d'ouverture",
            "Date de clôture",
            "Canal",
            "Équipe",
            "Conseiller",
            "DMT",
            "Nb contacts",
            "Rouvert",
            "CSAT",
            "Effort client",
            "Commande",
            "Montant commande",
            "Note de recommandation (0-10)",
        ]
    )
    assert guessed == {
        "ticket_id": "Numéro de ticket",
        "customer_id": "Code client",
        "created_at": "Date d'ouverture",
        "resolved_at": "Date de clôture",
        "channel": "Canal",
        "team": "Équipe",
        "agent": "Conseiller",
        "handle_seconds": "DMT",
        "contacts": "Nb contacts",
        "reopened": "Rouvert",
        "nps": "Note de recommandation (0-10)",
        "csat": "CSAT",
        "ces": "Effort client",
        "order_id": "Commande",
        "order_value": "Montant commande",
    }


def test_satisfaction_and_recommendation_columns_are_guessed_from_their_words():
    guessed = guess_mapping(["Ticket", "Date", "Satisfaction client (1 à 5)", "Probabilité de recommandation"])
    assert guessed["csat"] == "Satisfaction client (1 à 5)"
    assert guessed["nps"] == "Probabilité de recommandation"


def test_the_sample_loads_with_the_kit_field_names_unchanged():
    columns = read_table(SAMPLE).columns
    assert guess_mapping(columns) == {f.name: f.name for f in FIELDS if f.name in columns}
    df = load_tickets(SAMPLE)
    assert len(df) > 5000
    assert isinstance(df["channel"].dtype, pd.CategoricalDtype)
    figures = metrics.compute_all(df)
    assert all(f.ok for f in figures.values()), {k: f.reason for k, f in figures.items() if not f.ok}


def test_numbers_read_by_the_csv_reader_and_by_the_text_parsers_agree():
    text = "id;created;csat;amount\n1;2024-01-02 10:00;4;12,5\n2;2024-01-02 11:00;5;3\n"
    fast = read_export(io.BytesIO(text.encode()))
    slow = read_export(io.BytesIO(text.encode()), numeric=())
    assert fast.frame["amount"].dtype == "float64" and slow.frame["amount"].dtype != "float64"
    pd.testing.assert_frame_equal(import_tickets(fast).tickets, import_tickets(slow).tickets)


def test_an_empty_file_is_refused():
    error = problems_of(io.BytesIO(b""))
    assert error.problems[0].key == "error_empty_file"


def test_day_first_dates_read_digit_by_digit_agree_with_strptime():
    stamps = pd.date_range("2023-12-30", periods=3000, freq="7h13min")
    cells = list(stamps.strftime("%d/%m/%Y %H:%M")) + [
        "31/02/2024 10:00",
        "1/2/2024 9:05",
        "",
        "32/01/2024 10:00",
        "31/01/2024 24:00",
        "31/01/2024 14:05:33",
        "3l/01/2024 10:00",
    ]
    text = "id;created\n" + "".join(f"{i};{c}\n" for i, c in enumerate(cells))
    result = import_tickets(io.BytesIO(text.encode()))
    expected = pd.to_datetime(pd.Series(cells).replace("", None), format="%d/%m/%Y %H:%M", errors="coerce")
    read = dict(zip(result.tickets["ticket_id"].astype(int), result.tickets["created_at"]))
    for i, value in enumerate(expected):
        if pd.isna(value):
            assert i not in read or cells[i] == "", cells[i]
        else:
            assert read[i] == value, cells[i]
    # Line 3003 ("1/2/2024 9:05") is read; line 3004 has no date, which is required.
    assert {s.line for s in result.skipped} == {3002, 3004, 3005, 3006, 3007, 3008}


def test_a_long_line_and_a_short_one_that_balance_the_separator_count_are_both_found():
    text = "id,created,csat\n1,2024-01-02 10:00,5,9\n2,2024-01-02 11:00\n3,2024-01-02 12:00,4\n4,2024-01-02 13:00,3\n"
    result = import_tickets(io.BytesIO(text.encode()))
    assert [(s.line, s.problems[0].key) for s in result.skipped] == [
        (2, "error_too_many_fields"),
        (3, "error_too_few_fields"),
    ]
    assert result.tickets["ticket_id"].tolist() == ["3", "4"]


# --- day/month order, decided from the whole column ----------------------------------------------


def us_export(days: int = 40) -> tuple[str, pd.DataFrame]:
    """A month-first export sorted by date whose first rows all fall on days 1-12 of their month."""
    start = pd.Timestamp("2026-01-01 10:57")
    created = [start + pd.Timedelta(hours=8 * i) for i in range(days * 3)]
    resolved = [c + pd.Timedelta(hours=24) for c in created]
    frame = pd.DataFrame({"Ticket ID": range(1, len(created) + 1), "Created": created, "Resolved": resolved})
    text = frame.to_csv(index=False, date_format="%m/%d/%Y %H:%M")
    return text, frame


def test_month_first_dates_are_settled_by_a_day_over_12_anywhere_in_the_column():
    text, frame = us_export()
    assert text.splitlines()[1].startswith("1,01/01/2026 10:57")
    result = import_tickets(io.BytesIO(text.encode()))
    assert result.skipped == [] and result.left_out == []
    assert result.dates.order == "month" and result.dates.source == "file"
    assert result.dates.value.startswith("01/13/2026")  # the first cell that settles it, named with its line
    assert result.tickets["created_at"].tolist() == frame["Created"].tolist()
    ttr = metrics.compute_all(result.tickets)["TTR"]
    expected = (frame["Resolved"] - frame["Created"]).dt.total_seconds().median()
    assert ttr.value == pytest.approx(expected) == 24 * 3600


def test_a_column_that_never_settles_the_order_is_reported_as_ambiguous():
    text = "id,created\n1,01/02/2026 10:00\n2,03/04/2026 11:00\n"
    result = import_tickets(io.BytesIO(text.encode()))
    assert result.dates.source == "ambiguous"
    assert [n.key for n in result.notes] == ["note_dates_ambiguous"]
    assert str(result.tickets.loc[0, "created_at"]) == "2026-02-01 10:00:00"  # read day first, and said so
    chosen = import_tickets(io.BytesIO(text.encode()), dayfirst=False)
    assert chosen.dates.source == "chosen" and chosen.notes == []
    assert str(chosen.tickets.loc[0, "created_at"]) == "2026-01-02 10:00:00"


def test_day_first_settled_by_one_column_holds_for_the_others():
    text = "id,created,resolved\n1,01/02/2026 10:00,01/02/2026 12:00\n2,03/02/2026 11:00,15/02/2026 11:00\n"
    result = import_tickets(io.BytesIO(text.encode()))
    assert (result.dates.order, result.dates.column, result.dates.line) == ("day", "resolved", 3)
    assert str(result.tickets.loc[1, "created_at"]) == "2026-02-03 11:00:00"


def test_dates_that_disagree_follow_most_of_them_and_the_others_are_each_reported():
    rows = [f"{i},{13 + i % 10:02d}/01/2026 10:00" for i in range(5)] + ["9,01/25/2026 10:00"]
    result = import_tickets(io.BytesIO(("id,created\n" + "\n".join(rows) + "\n").encode()))
    assert result.dates.order == "day"
    assert [(s.line, s.problems[0].key) for s in result.skipped] == [(7, "error_bad_value")]


# --- French wordings, written units, duplicates ---------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Délai 1re réponse (min)", "first_response_seconds"),
        ("Délai de 1ère réponse (h)", "first_response_seconds"),
        ("Délai de réponse", "first_response_seconds"),
        ("Temps de première réponse", "first_response_seconds"),
        ("Temps de traitement (min)", "handle_seconds"),
        ("Résolu le", "resolved_at"),
        ("Fermé le", "resolved_at"),
        ("Date de 1re réponse", "first_response_at"),
    ],
)
def test_common_french_wordings_are_recognised(header, field):
    mapping = guess_mapping(["N° ticket", "Date de création", header])
    assert mapping.get(field) == header


def test_durations_are_read_with_their_written_unit_first_then_the_columns():
    text = (
        "id;created;Délai 1re réponse (h)\n"
        "1;2024-01-02 10:00;01:05\n2;2024-01-02 10:00;45 min\n3;2024-01-02 10:00;1h05\n"
        "4;2024-01-02 10:00;1 h 30\n5;2024-01-02 10:00;1,5\n6;2024-01-02 10:00;bientôt\n"
    )
    result = import_tickets(io.BytesIO(text.encode()))
    seconds = result.tickets["first_response_seconds"].tolist()
    assert seconds[:5] == [65 * 60, 45 * 60, 65 * 60, 90 * 60, 90 * 60]
    # The unreadable one loses its value, not its ticket, and is named with its line.
    assert len(result.tickets) == 6 and pd.isna(seconds[5])
    assert [(s.line, s.problems[0].values["value"]) for s in result.left_out] == [(7, "bientôt")]
    assert result.notes[-1].key == "note_values_left_out"


def test_of_two_rows_of_one_ticket_the_complete_one_is_kept_and_both_lines_are_named():
    text = (
        "ticket_id,created_at,handle time (min),csat\n"
        "7,2024-01-02 10:00,n/a,\n"  # line 2: malformed and incomplete
        "8,2024-01-02 10:30,4,5\n"
        "7,2024-01-02 10:00,6,4\n"  # line 4: the same ticket, complete
    )
    result = import_tickets(io.BytesIO(text.encode()))
    row = result.tickets.set_index("ticket_id").loc["7"]
    assert row["handle_seconds"] == 360 and row["csat"] == 4
    assert [(s.line, s.problems[0].key) for s in result.skipped][0] == (2, "error_duplicate_kept")
    message = result.skipped[0].message("en")
    assert message.startswith("Line 2:") and "line 4" in message and "n/a" in message


def test_freshdesk_and_french_survey_labels_are_ratings():
    labels = ["Awesome", "Just Okay", "Not Good", "Extremely Happy", "Très satisfait", "Plutôt insatisfait", "Good"]
    rows = "".join(f"{i},2024-01-02 10:00,{label}\n" for i, label in enumerate(labels))
    result = import_tickets(io.BytesIO(f"Ticket ID,Created time,Survey results\n{rows}".encode()))
    assert result.left_out == [] and result.skipped == []
    assert result.tickets["csat"].tolist() == [5, 3, 1, 5, 5, 2, 5]
