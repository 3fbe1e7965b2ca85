"""Metric formulas on small hand-computed ticket tables, and scoring a matching against the reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from widgets.live.exercises.match import Match, score
from widgets.workshops.metrics import formulas as m
from widgets.workshops.metrics.matching import match_spec

T0 = pd.Timestamp("2024-03-04 09:00")  # a Monday


def tickets(n: int, **columns) -> pd.DataFrame:
    """``n`` tickets created an hour apart, plus the given columns."""
    base = {
        "ticket_id": [f"T{i}" for i in range(n)],
        "customer_id": [f"C{i}" for i in range(n)],
        "created_at": [T0 + pd.Timedelta(hours=i) for i in range(n)],
    }
    base.update(columns)
    return pd.DataFrame(base)


# --- survey metrics ------------------------------------------------------------------------


def test_nps_counts_boundaries_and_ignores_missing_answers():
    # 10, 9 promoters; 8, 7 passives; 6, 0 detractors; one ticket without an answer.
    f = m.nps(tickets(7, nps=[10, 9, 8, 7, 6, 0, None]))
    assert f.value == 0.0
    assert (f.n, f.missing) == (6, 1)
    assert f.detail["promoters"] == pytest.approx(100 * 2 / 6)
    assert f.detail["detractors"] == pytest.approx(100 * 2 / 6)


def test_nps_single_answer_and_no_answer():
    assert m.nps(tickets(1, nps=[9])).value == 100.0
    assert m.nps(tickets(1, nps=[6])).value == -100.0
    empty = m.nps(tickets(2, nps=[None, None]))
    assert math.isnan(empty.value)
    assert empty.reason == "metrics.reason_no_answers"
    assert empty.missing == 2


def test_csat_is_the_share_of_4_and_5():
    f = m.csat(tickets(5, csat=[5, 4, 3, None, 1]))
    assert f.value == 50.0
    assert (f.n, f.missing) == (4, 1)


def test_ces_is_the_mean_answer():
    assert m.ces(tickets(3, ces=[7, 5, None])).value == 6.0


def test_qa_is_the_mean_of_graded_tickets_only():
    f = m.qa(tickets(4, qa_score=[80, 100, None, None]))
    assert (f.value, f.n, f.missing) == (90.0, 2, 2)


def test_a_missing_column_is_a_reason_not_an_error():
    f = m.csat(tickets(2))
    assert math.isnan(f.value)
    assert f.reason == "metrics.reason_no_field"
    assert f.detail["field"] == "csat"


# --- handling ---------------------------------------------------------------------------------


def test_aht_divides_total_handle_time_by_contacts():
    df = tickets(3, handle_seconds=[600, 300, None], contacts=[2, 1, 1])
    f = m.aht(df)
    assert f.value == 300.0  # (600 + 300) / (2 + 1)
    assert f.missing == 1
    assert f.detail["contacts"] == "column"


def test_aht_without_contact_counts_assumes_one_contact_and_says_so():
    f = m.aht(tickets(2, handle_seconds=[600, 300]))
    assert f.value == 450.0
    assert f.detail["contacts"] == "assumed_one"


def test_fcr_from_contact_counts_and_reopen_flags():
    resolved = [T0 + pd.Timedelta(days=1)] * 4 + [pd.NaT]
    df = tickets(
        5,
        resolved_at=resolved,
        contacts=[1, 2, 1, None, 1],
        reopened=pd.array([False, False, True, False, False], dtype="boolean"),
    )
    f = m.fcr(df)
    # Only the first ticket: one contact, not reopened. Ticket 4 has no count: unknown; ticket 5 is open.
    assert f.value == pytest.approx(100 / 3)
    assert (f.n, f.missing) == (3, 2)
    assert f.detail["method"] == "contacts+reopened"


def test_fcr_from_repeat_contacts_within_the_window():
    day = pd.Timedelta(days=1)
    df = pd.DataFrame(
        {
            "ticket_id": ["a", "b", "c", "d"],
            "customer_id": ["A", "A", "B", "Z"],
            "created_at": [T0, T0 + 3 * day, T0, T0 + 40 * day],
            "resolved_at": [T0 + day, T0 + 4 * day, T0 + day, T0 + 41 * day],
        }
    )
    f = m.fcr(df, window_days=7)
    # a: A came back two days after resolution → not FCR; b, c: nobody came back → FCR;
    # d: resolved less than a window before the data ends → cannot be judged.
    assert f.value == pytest.approx(200 / 3)
    assert (f.n, f.missing) == (3, 1)
    assert f.detail["method"] == "repeat_contact"


def test_reopen_rate_counts_resolved_tickets_only():
    df = tickets(4, resolved_at=[T0, T0, T0, pd.NaT], reopened=pd.array([True, False, None, True], dtype="boolean"))
    f = m.reopen_rate(df)
    assert f.value == 50.0
    assert (f.n, f.missing) == (2, 1)


# --- durations ------------------------------------------------------------------------------


def test_frt_median_and_p90_interpolate_like_numpy_with_ties():
    waits = [60, 120, 120, 300]
    df = tickets(5, first_response_at=[T0 + pd.Timedelta(hours=i, seconds=w) for i, w in enumerate(waits)] + [pd.NaT])
    f = m.frt(df)
    assert f.value == 120.0
    assert f.detail["p90"] == pytest.approx(246.0)  # 120 + 0.7 × (300 − 120)
    assert f.detail["p90"] == pytest.approx(np.quantile(waits, 0.9))
    assert (f.n, f.missing) == (4, 1)
    assert f.detail["business_hours"] is False


def test_frt_single_ticket():
    f = m.frt(tickets(1, first_response_at=[T0 + pd.Timedelta(minutes=5)]))
    assert f.value == f.detail["p90"] == 300.0


def test_frt_in_business_hours_skips_nights_and_weekends():
    friday_5pm = pd.Timestamp("2024-03-08 17:00")
    monday_10am = pd.Timestamp("2024-03-11 10:00")
    df = pd.DataFrame({"created_at": [friday_5pm], "first_response_at": [monday_10am]})
    assert m.frt(df).value == 65 * 3600
    assert m.frt(df, hours=m.BusinessHours(9, 18)).value == 2 * 3600
    saturday = pd.DataFrame({"created_at": [pd.Timestamp("2024-03-09 11:00")], "first_response_at": [monday_10am]})
    assert m.frt(saturday, hours=m.BusinessHours(9, 18)).value == 3600


def test_time_to_resolution_leaves_open_tickets_out():
    df = tickets(3, resolved_at=[T0 + pd.Timedelta(hours=2), T0 + pd.Timedelta(hours=1, minutes=30), pd.NaT])
    f = m.resolution_time(df)
    # ticket 0: 2 h; ticket 1 (created at T0 + 1 h): 30 min
    assert f.value == pytest.approx((7200 + 1800) / 2)
    assert f.missing == 1


# --- orders and customers ---------------------------------------------------------------------


def test_aov_counts_an_order_once_even_on_several_tickets():
    df = tickets(4, order_id=["O1", "O1", "O2", None], order_value=[100.0, 100.0, 50.0, None])
    assert m.aov(df).value == 75.0
    assert m.aov(df).n == 2
    without_ids = df.drop(columns="order_id")
    assert m.aov(without_ids).value == pytest.approx(250 / 3)


def test_retention_rate_formula():
    assert m.retention_rate(200, 190, 30) == 80.0
    assert math.isnan(m.retention_rate(0, 10, 10))


def test_crr_per_quarter_takes_new_customers_out():
    q = lambda month: pd.Timestamp(f"2024-{month:02d}-15")
    df = pd.DataFrame(
        {
            "ticket_id": list("abcdefg"),
            "customer_id": ["A", "B", "D", "A", "C", "A", "D"],
            "created_at": [q(1), q(2), q(3), q(4), q(5), q(7), q(8)],
        }
    )
    table = m.by(df, "CRR", "quarter")
    # Q1: A, B, D (start of the data: no customers before). Q2: A stays, C is new → (2 − 1) / 3.
    # Q3: A stays, D comes back after a silent quarter: neither at start nor new → 1 / 2.
    assert math.isnan(table["value"].iloc[0])
    assert table["reason"].iloc[0] == "metrics.reason_no_start_customers"
    assert table["value"].iloc[1] == pytest.approx(100 / 3)
    assert table[["start", "end", "new"]].iloc[1].tolist() == [3, 2, 1]
    assert table["value"].iloc[2] == 50.0
    # Q3's tickets stop on 15 August, half its days: the figure is the last full quarter's, and says so.
    latest = m.crr(df)
    assert latest.value == pytest.approx(100 / 3)
    assert latest.detail["partial_skipped"] == pd.Timestamp("2024-07-01") and latest.detail["partial_days"] == 46
    # With a ticket on 30 September Q3 is full: its own figure.
    full = pd.concat(
        [df, pd.DataFrame({"ticket_id": ["h"], "customer_id": ["E"], "created_at": [q(9) + pd.Timedelta(days=15)]})]
    )
    assert m.crr(full).value == 50.0 and "partial_days" not in m.crr(full).detail


def test_crr_over_one_or_two_days_of_a_new_quarter_is_never_shown_as_that_quarters_figure():
    days = pd.date_range("2024-01-01", "2024-07-02", freq="D")
    df = pd.DataFrame({"ticket_id": range(len(days)), "customer_id": [f"C{i % 40}" for i in range(len(days))]})
    df["created_at"] = days
    fig = m.crr(df)
    assert fig.detail["partial_skipped"] == pd.Timestamp("2024-07-01") and fig.detail["partial_days"] == 2
    assert fig.detail["period_start"] == pd.Timestamp("2024-04-01") and fig.value == 100.0
    # Independently: every one of the 40 customers comes back each quarter.
    q1 = set(df[df.created_at < "2024-04-01"].customer_id)
    q2 = set(df[(df.created_at >= "2024-04-01") & (df.created_at < "2024-07-01")].customer_id)
    assert fig.value == len(q1 & q2) / len(q1) * 100


def test_backlog_counts_tickets_open_at_the_end():
    day = pd.Timedelta(days=1)
    df = tickets(4, resolved_at=[T0 + 0.5 * day, pd.NaT, T0 + 10 * day, pd.NaT])
    df.loc[3, "created_at"] = T0 + 8 * day  # second week
    # When the data ends (ticket 2 resolved on day 10) tickets 1 and 3 are open.
    assert m.backlog(df).value == 2.0
    weekly = m.by(df, "BACKLOG", "week")
    # End of week 1: tickets 1 and 2 open. End of week 2 (ticket 2 resolved on 14 March): 1 and 3.
    assert weekly["value"].tolist() == [2.0, 2.0]
    assert weekly["n"].tolist() == [3, 4]


# --- groups ------------------------------------------------------------------------------------


def test_by_channel_keeps_empty_categories_with_a_reason():
    df = tickets(
        3, csat=[5, 2, None], channel=pd.Categorical(["chat", "chat", "email"], categories=["chat", "email", "phone"])
    )
    table = m.by(df, "CSAT", "channel")
    assert table.index.tolist() == ["chat", "email", "phone"]
    assert table.loc["chat", "value"] == 50.0
    assert table.loc["email", "reason"] == "metrics.reason_no_answers"
    assert table.loc["phone", "reason"] == "metrics.reason_no_tickets"
    assert table.loc["phone", "n"] == 0


def test_by_week_keeps_weeks_without_tickets():
    df = pd.DataFrame({"created_at": [T0, T0 + pd.Timedelta(days=15)], "csat": [5, 1]})
    table = m.by(df, "csat", "week")
    assert [d.strftime("%Y-%m-%d") for d in table.index] == ["2024-03-04", "2024-03-11", "2024-03-18"]
    assert table["value"].tolist()[0] == 100.0
    assert table["reason"].tolist()[1] == "metrics.reason_no_tickets"


def test_tickets_without_a_group_form_their_own_group():
    df = tickets(3, csat=[5, 4, 1], team=["a", None, "a"])
    table = m.by(df, "CSAT", "team")
    assert table.index[0] == "a" and pd.isna(table.index[1])
    assert table["value"].tolist() == [50.0, 100.0]


def test_grouped_quantiles_match_pandas():
    rng = np.random.default_rng(3)
    n = 500
    df = pd.DataFrame(
        {
            "created_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
            "channel": rng.choice(["phone", "chat", "email"], n),
        }
    )
    df["first_response_at"] = df["created_at"] + pd.to_timedelta(rng.integers(0, 5000, n), unit="s")
    ours = m.by(df, "FRT", "channel")
    waits = (df["first_response_at"] - df["created_at"]).dt.total_seconds()
    theirs = waits.groupby(df["channel"]).quantile([0.5, 0.9]).unstack()
    assert np.allclose(ours["value"], theirs[0.5])
    assert np.allclose(ours["p90"], theirs[0.9])


def test_compute_all_gives_every_metric():
    df = tickets(2, csat=[5, None], handle_seconds=[100, 200])
    figures = m.compute_all(df)
    assert set(figures) == set(m.METRICS)
    assert figures["CSAT"].value == 100.0
    assert figures["NPS"].reason == "metrics.reason_no_field"


def test_metrics_available_follow_the_columns():
    assert "FRT" not in m.metrics_available(["ticket_id", "customer_id", "created_at"])
    assert "FRT" in m.metrics_available(["ticket_id", "customer_id", "created_at", "first_response_at"])


# --- the trap -------------------------------------------------------------------------------------


def _weeks(aht_per_contact: list[float], contacts: list[int]) -> pd.DataFrame:
    rows = []
    for week, (handle, count) in enumerate(zip(aht_per_contact, contacts)):
        for i in range(4):
            again = i < count  # `count` of the 4 tickets of the week needed a second contact
            rows.append(
                {
                    "created_at": T0 + pd.Timedelta(weeks=week, hours=i),
                    "resolved_at": T0 + pd.Timedelta(weeks=week, hours=i + 1),
                    "contacts": 2 if again else 1,
                    "handle_seconds": handle * (2 if again else 1),
                }
            )
    return pd.DataFrame(rows)


def test_the_trap_shows_when_aht_and_fcr_fall_together():
    trap = m.aht_fcr_trap(_weeks([400, 400, 300, 300], [1, 1, 3, 3]))
    assert trap.shown
    assert trap.change["aht"] == pytest.approx(-25.0)
    assert trap.change["fcr"] < 0
    assert trap.table["fcr"].tolist() == [75.0, 75.0, 25.0, 25.0]


def test_no_trap_when_fcr_holds():
    trap = m.aht_fcr_trap(_weeks([400, 400, 300, 300], [1, 1, 1, 1]))
    assert not trap.shown


# --- the matching ---------------------------------------------------------------------------------


def test_scoring_a_matching_against_the_reference():
    reference = match_spec("values", "en")["reference"]
    assert score(reference, reference)["score"] == 100
    answer = {row: list(cols) for row, cols in reference.items()}
    answer["speed"] = ["FRT", "AHT", "BACKLOG"]  # forgot TTR, added the backlog
    result = score(answer, reference)
    assert result["rows"]["speed"] == {"missed": ["TTR"], "extra": ["BACKLOG"]}
    assert result["correct"] == sum(map(len, reference.values())) - 1
    assert 0 < result["score"] < 100


def test_the_seed_table_is_in_the_reference():
    reference = match_spec("values", "fr")["reference"]
    assert {"NPS", "QA"} <= set(reference["integrity"])
    assert {"FCR", "CSAT"} <= set(reference["quality"])
    assert {"FRT", "AHT"} <= set(reference["speed"])
    assert {"CRR", "AOV"} <= set(reference["loyalty"])
    assert reference["autonomy"] == ["CES"]


@pytest.mark.parametrize("round_name", ["values", "teams"])
def test_match_specs_are_valid_match_activities(round_name):
    spec = match_spec(round_name, "fr")
    Match().check_spec(spec)
    rows = {r["id"] for r in spec["rows"]}
    columns = {c["id"] for c in spec["columns"]}
    assert set(spec["reference"]) <= rows
    assert all(set(cols) <= columns for cols in spec["reference"].values())
    for row, cols in spec["reference"].items():
        assert set(spec["answer"]["reasons"][row]) == set(cols)


def test_the_teams_round_asks_one_metric_at_a_time():
    spec = match_spec("teams", "en")
    assert [r["id"] for r in spec["rows"]][:4] == ["CSAT", "NPS", "CES", "CRR"]
    assert spec["reference"]["CSAT"] == ["support", "product"]
    assert spec["reference"]["ATTRITION"] == ["hr"]


# --- what a file supports: durations given by the helpdesk, status instead of dates, no customer --------------


def test_frt_and_resolution_time_from_the_helpdesks_durations_keep_its_clock():
    df = tickets(4, first_response_seconds=[60.0, 120.0, None, 600.0], resolution_seconds=[3600.0, None, 7200.0, 60.0])
    frt = m.frt(df, hours=m.BusinessHours())
    assert frt.value == 120.0 and frt.n == 3 and frt.detail["clock"] == "file"
    assert m.resolution_time(df).value == 3600.0
    stamps = tickets(2, first_response_at=[T0 + pd.Timedelta(minutes=5), T0 + pd.Timedelta(hours=1, minutes=1)])
    assert m.frt(stamps).detail["clock"] == "calendar"
    assert m.frt(stamps, hours=m.BusinessHours()).detail["clock"] == "business"


def test_backlog_from_a_status_and_no_backlog_without_one():
    df = tickets(5, status=pd.array([True, False, True, None, False], dtype="boolean"))
    assert m.backlog(df).value == 3  # two open, one without a status: not known to be resolved
    by_week = m.by(df, "BACKLOG", "week")
    assert by_week["value"].iloc[-1] == 3
    bare = m.backlog(tickets(5))
    assert not bare.ok and bare.reason == "metrics.reason_missing_backlog" and bare.n == 0


def test_fcr_scope_follows_what_the_file_says_about_resolution():
    contacts = [1, 1, 2, 1]
    with_status = m.fcr(tickets(4, contacts=contacts, status=pd.array([True, False, True, True], dtype="boolean")))
    assert with_status.value == pytest.approx(200 / 3) and with_status.detail["scope"] == "resolved"
    everything = m.fcr(tickets(4, contacts=contacts))
    assert everything.value == 75.0 and everything.detail["scope"] == "all"


def test_no_customer_column_means_no_retention_and_no_repeat_contact_fcr():
    df = tickets(6).drop(columns="customer_id")
    for metric in ("CRR", "FCR"):
        f = m.figure(df, metric)
        assert math.isnan(f.value) and f.reason == f"metrics.reason_missing_{metric.lower()}"
    assert "CRR" not in m.metrics_available(df.columns)


def test_fcr_change_is_in_points_and_aht_change_in_percent():
    weeks = [T0 + pd.Timedelta(days=7 * w) for w in range(4) for _ in range(4)]
    contacts = [1, 1, 1, 2] * 2 + [1, 1, 2, 2] * 2  # FCR 75 % then 50 %
    handle = [600.0] * 8 + [450.0] * 8
    df = pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(16)],
            "created_at": weeks,
            "resolved_at": weeks,
            "contacts": contacts,
            "handle_seconds": handle,
        }
    )
    trap = m.aht_fcr_trap(df, "week")
    assert trap.change["fcr"] == pytest.approx(-25.0)  # points, not −33 %
    assert trap.change["aht"] < 0
