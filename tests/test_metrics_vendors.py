"""Exports shaped like each helpdesk's own (headers, date formats, rating labels, footers), a few hundred rows each.

Each file is written from a ground truth built with pandas; the kit reads the file as a
trainer would hand it over (no mapping, no unit given) and its figures are compared with
the same metric computed by plain pandas on the ground truth.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.tickets import import_tickets

N = 300


@dataclass
class Truth:
    """What was written: one row per ticket, in the kit's terms, before any vendor formatting."""

    frame: pd.DataFrame

    def median_seconds(self, start: str, end: str) -> float:
        return (self.frame[end] - self.frame[start]).dt.total_seconds().median()


def truth(seed: int, start: str = "2024-03-01 08:00", monotonic: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gaps = rng.integers(5, 240, N) if monotonic else rng.integers(0, 60 * 24 * 60, N)
    created = pd.Timestamp(start) + pd.to_timedelta(np.cumsum(gaps) if monotonic else np.sort(gaps), unit="min")
    first = rng.integers(1, 600, N)  # minutes to the first reply
    resolution = first + rng.integers(10, 4000, N)
    open_ = rng.random(N) < 0.1
    frame = pd.DataFrame(
        {
            "id": np.arange(1000, 1000 + N),
            "created": created.floor("min"),
            "first_minutes": first,
            "resolved": (created + pd.to_timedelta(resolution, unit="min")).floor("min"),
            "open": open_,
            "customer": [f"c{i}" for i in rng.integers(0, 80, N)],
            "contacts": rng.choice([1, 1, 1, 2, 3], N),
            "reopens": rng.choice([0, 0, 0, 0, 1], N),
            "handle_seconds": rng.integers(60, 3600, N),
            "rating": rng.choice([0, 1, 2, 3, 4, 5], N),  # 0: no answer
            "channel": rng.choice(["email", "chat", "phone"], N),
        }
    )
    frame.loc[frame["open"], "resolved"] = pd.NaT
    return frame


def kit_figures(data: bytes) -> tuple[dict, object]:
    result = import_tickets(data)
    assert result.skipped == [] and result.left_out == [], [s.message("en") for s in result.skipped + result.left_out]
    return metrics.compute_all(result.tickets), result


def resolved(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df["open"]]


def csat_of(ratings: pd.Series) -> float:
    answered = ratings[ratings > 0]
    return (answered >= 4).mean() * 100


def ttr(df: pd.DataFrame) -> float:
    done = resolved(df)
    return (done["resolved"] - done["created"]).dt.total_seconds().median()


def test_zendesk_csv():
    df = truth(1)
    # Zendesk's survey: Good or Bad; Offered (asked, no answer) and Unoffered.
    words = df["rating"].map({0: "Unoffered", 1: "Bad", 2: "Bad", 3: "Offered", 4: "Good", 5: "Good"})
    out = pd.DataFrame(
        {
            "Id": df["id"],
            "Requester": df["customer"].str.upper(),
            "Requester id": df["customer"],
            "Group": "Support",
            "Assignee": "Sam",
            "Subject": "Question, with a comma",
            "Status": np.where(df["open"], "open", "closed"),
            "Via": df["channel"].map({"email": "Mail", "chat": "Web Widget", "phone": "Phone call (incoming)"}),
            "Created at": df["created"].dt.strftime("%Y-%m-%d %H:%M"),
            "Solved at": df["resolved"].dt.strftime("%Y-%m-%d %H:%M").fillna(""),
            "Satisfaction Score": words,
            "Reopens": df["reopens"],
            "Replies": df["contacts"],
            "First reply time in minutes": df["first_minutes"],
            "First reply time in minutes within business hours": df["first_minutes"],
            "Full resolution time in minutes": "",
        }
    )
    figures, result = kit_figures(out.to_csv(index=False, quoting=1).encode())
    good, bad = (words == "Good").sum(), (words == "Bad").sum()
    assert figures["CSAT"].value == pytest.approx(good / (good + bad) * 100) and figures["CSAT"].n == good + bad
    assert figures["FRT"].value == pytest.approx(df["first_minutes"].median() * 60)
    assert figures["TTR"].value == pytest.approx(ttr(df))
    done = resolved(df)
    assert figures["REOPEN"].value == pytest.approx((done["reopens"] > 0).mean() * 100)
    assert figures["BACKLOG"].value == df["open"].sum()


def test_freshdesk_csv_with_hh_mm_durations_and_survey_labels():
    df = truth(2)
    labels = df["rating"].map({0: "", 1: "Not Good", 2: "Not Good", 3: "Just Okay", 4: "Awesome", 5: "Awesome"})
    hhmm = lambda minutes: f"{minutes // 60:02d}:{minutes % 60:02d}"
    out = pd.DataFrame(
        {
            "Ticket ID": df["id"],
            "Subject": "Order late",
            "Status": np.where(df["open"], "Open", "Closed"),
            "Priority": "Medium",
            "Source": df["channel"].str.title(),
            "Type": "Question",
            "Agent": "Chloé",
            "Group": "Delivery",
            "Created time": df["created"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Resolved time": df["resolved"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna(""),
            "Closed time": df["resolved"].dt.strftime("%Y-%m-%d %H:%M:%S").fillna(""),
            "First response time (in hrs)": df["first_minutes"].map(hhmm),
            "Resolution time (in hrs)": "",
            "Time tracked": df["handle_seconds"].map(lambda s: f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"),
            "Agent interactions": df["contacts"] + 1,
            "Customer interactions": df["contacts"],
            "Survey results": labels,
            "Full name": df["customer"],
            "Email": df["customer"] + "@example.com",
            "Contact ID": df["customer"],
        }
    )
    figures, result = kit_figures(out.to_csv(index=False).encode())
    assert result.units["first_response_seconds"].unit == "hours"
    answered = labels[labels != ""]
    assert figures["CSAT"].value == pytest.approx((answered == "Awesome").mean() * 100)
    # "01:05" in an hours column is an hour and five minutes.
    assert figures["FRT"].value == pytest.approx(df["first_minutes"].median() * 60)
    assert figures["AHT"].value == pytest.approx(df["handle_seconds"].sum() / df["contacts"].sum())
    done = resolved(df)
    assert figures["FCR"].value == pytest.approx((done["contacts"] == 1).mean() * 100)
    assert figures["TTR"].value == pytest.approx(ttr(df))


def test_hubspot_csv_with_milliseconds():
    df = truth(3)
    out = pd.DataFrame(
        {
            "Ticket ID": df["id"],
            "Ticket name": "Shipping delay",
            "Pipeline": "Support Pipeline",
            "Ticket status": np.where(df["open"], "Waiting on contact", "Closed"),
            "Priority": "MEDIUM",
            "Source": df["channel"].str.title(),
            "Ticket owner": "Rosalie",
            "Create date": df["created"].dt.strftime("%Y-%m-%d %H:%M"),
            "Close date": df["resolved"].dt.strftime("%Y-%m-%d %H:%M").fillna(""),
            "Time to first agent reply": df["first_minutes"] * 60_000,
            "Time to close": "",
            "Associated Contact": df["customer"] + " (" + df["customer"] + "@example.com)",
        }
    )
    figures, result = kit_figures(out.to_csv(index=False).encode())
    assert result.units["first_response_seconds"].unit == "milliseconds"
    assert figures["FRT"].value == pytest.approx(df["first_minutes"].median() * 60)
    assert figures["TTR"].value == pytest.approx(ttr(df))
    assert figures["BACKLOG"].value == df["open"].sum()


def test_zoho_desk_xlsx_with_happiness_ratings():
    df = truth(4)
    happiness = df["rating"].map({0: None, 1: "Bad", 2: "Bad", 3: "Okay", 4: "Good", 5: "Good"})
    book = Workbook()
    sheet = book.active
    header = ["Ticket Id", "Subject", "Status", "Department", "Ticket Owner", "Contact Name", "Email", "Channel"]
    header += ["Created Time", "Ticket Closed Time", "First Response Time (in hours)", "Number of Reopen"]
    sheet.append([*header, "Happiness Rating"])
    for row, mood in zip(df.itertuples(), happiness):
        sheet.append(
            [
                f"ZD-{row.id}",
                "Password reset",
                "Open" if row.open else "Closed",
                "Support",
                "Inès",
                row.customer,
                f"{row.customer}@example.fr",
                row.channel.title(),
                row.created.to_pydatetime(),  # real date cells, as Zoho's XLSX has
                None if row.open else row.resolved.to_pydatetime(),
                round(row.first_minutes / 60, 4),
                row.reopens,
                mood,
            ]
        )
    data = io.BytesIO()
    book.save(data)
    figures, result = kit_figures(data.getvalue())
    answered = happiness.dropna()
    assert figures["CSAT"].value == pytest.approx((answered == "Good").mean() * 100)
    assert figures["TTR"].value == pytest.approx(ttr(df))
    assert figures["FRT"].value == pytest.approx((df["first_minutes"] / 60).round(4).median() * 3600)
    done = resolved(df)
    assert figures["REOPEN"].value == pytest.approx((done["reopens"] > 0).mean() * 100)


def test_salesforce_report_with_us_dates_sorted_and_its_footer():
    df = truth(5, start="2024-01-01 08:00")
    # Sorted by date: the first rows all fall on days 1-12; a sample of them cannot tell the order.
    us = lambda s: s.dt.strftime("%-m/%-d/%Y %-I:%M %p")
    out = pd.DataFrame(
        {
            "Case Number": df["id"].map(lambda i: f"{i:08d}"),
            "Account Name": "Acme SARL",
            "Contact Name": df["customer"],
            "Case Origin": df["channel"].str.title(),
            "Status": np.where(df["open"], "New", "Closed"),
            "Priority": "High",
            "Case Owner": "Maude",
            "Date/Time Opened": us(df["created"]),
            "Date/Time Closed": us(df["resolved"]).fillna(""),
            "Closed": (~df["open"]).astype(int),
        }
    )
    assert int(out["Date/Time Opened"].iloc[: N // 4].str.split("/").str[1].astype(int).max()) <= 12
    footer = (
        '""\n""\n"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
        '"Generated By:  Jane Doe  3/25/2024 5:12 PM"\n"Acme SARL"\n'
    )
    figures, result = kit_figures((out.to_csv(index=False, quoting=1) + footer).encode())
    assert result.dates.order == "month" and result.rows == N
    assert [n.key for n in result.notes] == ["note_footer"]
    assert result.tickets["created_at"].tolist() == df["created"].tolist()
    assert figures["TTR"].value == pytest.approx(ttr(df))
    assert figures["BACKLOG"].value == df["open"].sum()


def test_gorgias_with_its_datetime_fields():
    df = truth(6)
    iso = lambda s: s.dt.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00")
    out = pd.DataFrame(
        {
            "id": df["id"],
            "subject": "Where is my order?",
            "status": np.where(df["open"], "open", "closed"),
            "channel": df["channel"],
            "created_datetime": iso(df["created"]),
            "opened_datetime": iso(df["created"]),
            "closed_datetime": iso(df["resolved"]).fillna(""),
            "assignee_user": "felix@example.com",
            "customer_email": df["customer"] + "@example.com",
            "satisfaction_survey_score": df["rating"]
            .replace(0, np.nan)
            .astype("Int64")
            .astype(str)
            .replace("<NA>", ""),
        }
    )
    figures, result = kit_figures(out.to_csv(index=False).encode())
    assert result.mapping["created_at"] == "created_datetime" and result.mapping["resolved_at"] == "closed_datetime"
    assert figures["CSAT"].value == pytest.approx(csat_of(df["rating"]))
    assert figures["TTR"].value == pytest.approx(ttr(df))
    assert figures["BACKLOG"].value == df["open"].sum()


def test_a_french_export_with_its_own_wordings():
    df = truth(7, start="2024-01-02 08:00", monotonic=False)
    labels = df["rating"].map(
        {0: "", 1: "Très insatisfait", 2: "Plutôt insatisfait", 3: "Ni satisfait ni insatisfait"}
        | {4: "Plutôt satisfait", 5: "Très satisfait"}
    )
    out = pd.DataFrame(
        {
            "N° ticket": df["id"],
            "Client": df["customer"],
            "Date de création": df["created"].dt.strftime("%d/%m/%Y %H:%M"),
            "Canal": df["channel"].map({"email": "courriel", "chat": "clavardage", "phone": "téléphone"}),
            "Délai 1re réponse (min)": df["first_minutes"],
            "Résolu le": df["resolved"].dt.strftime("%d/%m/%Y %H:%M").fillna(""),
            "Temps de traitement (min)": (df["handle_seconds"] / 60)
            .round(1)
            .map(lambda x: f"{x:.1f}".replace(".", ",")),
            "Nb contacts": df["contacts"],
            "Satisfaction": labels,
        }
    )
    data = out.to_csv(index=False, sep=";").encode("cp1252")
    figures, result = kit_figures(data)
    assert result.dates.order == "day" and result.dates.source == "file"
    assert figures["FRT"].value == pytest.approx(df["first_minutes"].median() * 60)
    assert figures["TTR"].value == pytest.approx(ttr(df))
    assert figures["CSAT"].value == pytest.approx(csat_of(df["rating"]))
    handle = (df["handle_seconds"] / 60).round(1) * 60
    assert figures["AHT"].value == pytest.approx(handle.sum() / df["contacts"].sum())
