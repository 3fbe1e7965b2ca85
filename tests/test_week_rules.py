"""Customer Service Week rules: dates, conflicts, budgets and the exports, with no store and no browser."""

from __future__ import annotations

import calendar
import csv
import io
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from markupsafe import escape

from widgets.core.errors import Invalid
from widgets.workshops.week import rules as week
from widgets.workshops.week.rules import Material, Placement, Plan, Recurring

HOSTILE = 'Quiz <b>éclair</b>, "vite"; fin\\ du\nprogramme — Québec & Cie'
STAMP = datetime(2024, 9, 1, 8, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(scope="module")
def cards():
    out = week.cards()
    out["item-7"] = week.custom_idea("item-7", HOSTILE, size="big", remote=False)
    return out


# --- dates ---------------------------------------------------------------------------


def first_full_week_by_calendar(year: int) -> tuple[date, date]:
    """Independent reading of the rule: the first row of October's calendar with Monday to Friday all in October."""
    for row in calendar.Calendar(firstweekday=0).monthdayscalendar(year, 10):
        if all(row[:5]):
            return date(year, 10, row[0]), date(year, 10, row[4])
    raise AssertionError("no full week")


@pytest.mark.parametrize("year", range(2020, 2041))
def test_service_week_matches_an_independent_computation(year):
    monday, friday = week.service_week(year)
    assert (monday, friday) == first_full_week_by_calendar(year)
    assert monday.weekday() == 0 and friday.weekday() == 4
    assert monday.month == friday.month == 10
    # Monday-to-Sunday reading: the Sunday is still in October, so it names the same week.
    assert (monday + timedelta(days=6)).month == 10
    assert (monday - timedelta(days=7)).month == 9


@pytest.mark.parametrize(
    "year, monday, friday, first_of_october",
    [
        (2018, date(2018, 10, 1), date(2018, 10, 5), "Monday"),
        (2020, date(2020, 10, 5), date(2020, 10, 9), "Thursday"),
        (2021, date(2021, 10, 4), date(2021, 10, 8), "Friday"),
        (2022, date(2022, 10, 3), date(2022, 10, 7), "Saturday"),
        (2023, date(2023, 10, 2), date(2023, 10, 6), "Sunday"),
        (2024, date(2024, 10, 7), date(2024, 10, 11), "Tuesday"),
        (2028, date(2028, 10, 2), date(2028, 10, 6), "Sunday"),
        (2033, date(2033, 10, 3), date(2033, 10, 7), "Saturday"),
    ],
)
def test_known_weeks(year, monday, friday, first_of_october):
    assert calendar.day_name[date(year, 10, 1).weekday()] == first_of_october
    assert week.service_week(year) == (monday, friday)


def test_french_week_is_the_week_after():
    assert week.french_week(2018) == (date(2018, 10, 8), date(2018, 10, 12))
    for year in range(2020, 2041):
        monday, _ = week.service_week(year)
        assert week.french_week(year) == (monday + timedelta(days=7), monday + timedelta(days=11))


def test_week_days_are_monday_to_friday():
    assert week.week_days(2023) == [date(2023, 10, d) for d in range(2, 7)]


@pytest.mark.parametrize("year", [2023, 2024, 2040])
@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("weekday", range(5))
def test_nth_weekday(year, month, weekday):
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    for nth in (1, 2, 3, 4):
        assert week.nth_weekday(year, month, weekday, nth) == days[nth - 1]
    assert week.nth_weekday(year, month, weekday, -1) == days[-1]


# --- conflicts ------------------------------------------------------------------------


def kinds(plan, cards, lang="en"):
    return [c.kind for c in week.conflicts(plan, cards, lang)]


def test_two_big_events_at_the_same_time(cards):
    plan = Plan([Placement("kickoff-breakfast", 0), Placement("charity-fundraiser", 0)], remote_staff=False)
    found = week.conflicts(plan, cards, "en")
    assert [c.kind for c in found] == ["big_overlap"]
    assert found[0].placements == (0, 1)
    assert found[0].values["a"] == "Kick-off breakfast" and found[0].values["day"] == "Monday"


@pytest.mark.parametrize(
    "second",
    [
        Placement("charity-fundraiser", 0, part="afternoon"),  # other half-day
        Placement("charity-fundraiser", 1),  # other day
        Placement("peer-cards", 0),  # a small action
        Placement("charity-fundraiser", 0, part="time", start=time(12, 0), end=time(13, 0)),  # right after
    ],
)
def test_big_events_apart_are_no_conflict(cards, second):
    plan = Plan([Placement("kickoff-breakfast", 0), second], remote_staff=False)
    assert "big_overlap" not in kinds(plan, cards)


def test_a_whole_day_overlaps_both_halves(cards):
    plan = Plan(
        [Placement("internal-awards", 2, part="day"), Placement("customer-speaker", 2, part="afternoon")],
        remote_staff=False,
    )
    assert "big_overlap" in kinds(plan, cards)


def test_a_set_time_uses_the_card_duration(cards):
    # The breakfast lasts 60 minutes: 9:00-10:00 then 10:00 is free, 9:30 is not.
    base = Placement("kickoff-breakfast", 0, part="time", start=time(9, 0))
    after = Placement("customer-speaker", 0, part="time", start=time(10, 0))
    during = Placement("customer-speaker", 0, part="time", start=time(9, 30))
    assert kinds(Plan([base, after], remote_staff=False), cards) == []
    assert "big_overlap" in kinds(Plan([base, during], remote_staff=False), cards)


def test_the_groups_own_big_idea_counts(cards):
    plan = Plan([Placement("item-7", 3), Placement("internal-awards", 3)], remote_staff=False)
    assert kinds(plan, cards) == ["big_overlap"]


def test_executives_needed_twice_at_once(cards):
    plan = Plan([Placement("trading-spaces", 1), Placement("leader-notes", 1)], remote_staff=False)
    assert kinds(plan, cards) == ["executives_twice"]


def test_executives_at_different_times_or_not_needed(cards):
    apart = Plan([Placement("trading-spaces", 1), Placement("leader-notes", 1, part="afternoon")], remote_staff=False)
    without = Plan([Placement("trading-spaces", 1), Placement("dress-up-day", 1, part="day")], remote_staff=False)
    assert kinds(apart, cards) == []
    assert kinds(without, cards) == []


def test_owner_booked_twice(cards):
    plan = Plan(
        [
            Placement("peer-cards", 4, owner="Léa Tremblay"),
            Placement("dress-up-day", 4, part="day", owner=" léa  TREMBLAY "),
        ],
        remote_staff=False,
    )
    found = week.conflicts(plan, cards, "fr")
    assert [c.kind for c in found] == ["owner_twice"]
    assert found[0].values["owner"] == "Léa Tremblay"


@pytest.mark.parametrize("owners", [("Léa", "Marc"), ("", ""), ("Léa", "")])
def test_different_or_missing_owners_are_no_conflict(cards, owners):
    plan = Plan(
        [Placement("peer-cards", 4, owner=owners[0]), Placement("dress-up-day", 4, part="day", owner=owners[1])],
        remote_staff=False,
    )
    assert kinds(plan, cards) == []


def test_same_owner_on_other_days_is_fine(cards):
    plan = Plan(
        [Placement("peer-cards", 0, owner="Léa"), Placement("dress-up-day", 1, owner="Léa")], remote_staff=False
    )
    assert kinds(plan, cards) == []


@pytest.mark.parametrize("budget, over", [(Decimal("99.99"), True), (Decimal("100"), False), (None, False)])
def test_budget_exceeded(cards, budget, over):
    plan = Plan(
        [Placement("peer-cards", 0, budget=Decimal("60.50")), Placement("dress-up-day", 1, budget="39.50")],
        budget=budget,
        remote_staff=False,
    )
    assert ("over_budget" in kinds(plan, cards)) is over


def test_budget_message_gives_the_amounts(cards):
    plan = Plan([Placement("peer-cards", 0, budget=150)], budget=100, remote_staff=False)
    (found,) = week.conflicts(plan, cards, "en")
    assert found.message("en") == "The plan costs €150.00, €50.00 more than the €100.00 set aside."
    assert "50,00" in found.message("fr") or "50,00" in week.conflicts(plan, cards, "fr")[0].message("fr")


def test_no_activity_for_remote_staff(cards):
    on_site = Plan([Placement("kickoff-breakfast", 0), Placement("item-7", 1)])
    assert kinds(on_site, cards) == ["no_remote"]


@pytest.mark.parametrize(
    "plan",
    [
        Plan([Placement("kickoff-breakfast", 0)], remote_staff=False),  # nobody works remotely
        Plan([Placement("kickoff-breakfast", 0), Placement("peer-cards", 1)]),  # one remote-friendly card
        Plan([Placement("kickoff-breakfast", 0, remote=True)]),  # the team adapted it
        Plan([]),  # nothing planned yet
    ],
)
def test_remote_staff_covered(cards, plan):
    assert "no_remote" not in kinds(plan, cards)


def test_every_conflict_has_a_message_and_an_explanation_in_both_languages(cards):
    plan = Plan(
        [
            Placement("kickoff-breakfast", 0, owner="Ana", budget=500),
            Placement("customer-speaker", 0, owner="ana", remote=False),
        ],
        budget=100,
    )
    found = week.conflicts(plan, cards, "fr")
    assert sorted(c.kind for c in found) == sorted(week.CONFLICT_KINDS)
    for lang in ("fr", "en"):
        for conflict in week.conflicts(plan, cards, lang):
            message = conflict.message(lang)
            assert message and "{" not in message
            assert conflict.key == f"week.conflict_{conflict.kind}"
            assert len(conflict.explanation(lang)) > 40


# --- money and the year ------------------------------------------------------------------


def test_budget_total_is_exact():
    plan = Plan([Placement("a", 0, budget="0.1"), Placement("b", 1, budget="0.2"), Placement("c", 2)])
    assert week.budget_total(plan) == Decimal("0.3")
    assert week.budget_total(Plan()) == Decimal(0)


def test_placements_and_actions_refuse_impossible_values():
    for make in (
        lambda: Placement("x", 5),
        lambda: Placement("x", 0, part="night"),
        lambda: Recurring("x", "daily"),
        lambda: Recurring("x", "monthly", nth=0),
        lambda: Recurring("x", "weekly", weekday=6),
    ):
        with pytest.raises(Invalid):
            make()


@pytest.mark.parametrize("bad", [-1, "abc", float("nan"), "1e12"])
def test_budget_refuses_nonsense(bad):
    with pytest.raises(Invalid):
        Placement("a", 0, budget=bad)


def test_year_view_dates():
    monthly = Recurring("monthly-peer-cards", "monthly", weekday=1, nth=1)
    quarterly = Recurring("quarterly-trading-spaces", "quarterly", weekday=2, nth=2, start_month=2)
    last = Recurring("monthly-leader-note", "monthly", weekday=3, nth=-1, start_month=10)
    weekly = Recurring("good-catch-wall", "weekly", weekday=4)
    view = {r.action: dates for r, dates in week.year_view(Plan(recurring=[monthly, quarterly, last, weekly]), 2024)}
    assert view["monthly-peer-cards"][:3] == [date(2024, 1, 2), date(2024, 2, 6), date(2024, 3, 5)]
    assert len(view["monthly-peer-cards"]) == 12
    assert view["quarterly-trading-spaces"] == [
        date(2024, 2, 14),
        date(2024, 5, 8),
        date(2024, 8, 14),
        date(2024, 11, 13),
    ]
    assert view["monthly-leader-note"] == [date(2024, 10, 31), date(2024, 11, 28), date(2024, 12, 26)]
    fridays = view["good-catch-wall"]
    assert fridays[0] == date(2024, 1, 5) and fridays[-1] == date(2024, 12, 27) and len(fridays) == 52
    assert all(d.weekday() == 4 for d in fridays)


def test_year_budget_counts_every_occurrence():
    plan = Plan(
        recurring=[Recurring("x", "monthly", budget=20, start_month=7), Recurring("y", "quarterly", budget="12.5")]
    )
    assert week.year_budget(plan, 2025) == Decimal(20 * 6) + Decimal("12.5") * 4


def test_materials_sized_to_the_team_and_merged(cards):
    plan = Plan(
        [
            Placement("kickoff-breakfast", 0),
            Placement("peer-cards", 1),
            Placement("item-7", 2, materials=[Material("Viennoiseries", 4, "1.2"), Material("Ballons", 10, "0.3")]),
        ],
        headcount=12,
    )
    lines, total = week.materials(plan, cards, "fr")
    by_name = {line.name: line for line in lines}
    assert by_name["Viennoiseries"].quantity == 2 * 12 + 4  # the same item at the same price is one line
    assert set(by_name["Viennoiseries"].ideas) == {"Petit-déjeuner de lancement", HOSTILE}
    assert by_name["Décoration des tables"].quantity == 1
    assert by_name["Cartes de remerciement vierges"].quantity == 24
    assert total == sum(line.total for line in lines)
    assert total == Decimal("28") * Decimal("1.2") + 12 * Decimal("1.5") + 30 + 24 * Decimal("0.8") + 15 + 3


# --- the plan as data ---------------------------------------------------------------------


def test_plan_round_trips_through_json(cards):
    import json

    plan = full_plan(cards)
    for p in plan.placements:
        p.owner = " ".join(p.owner.split())
    for r in plan.recurring:
        r.owner = " ".join(r.owner.split())
    plan.placements[0].materials = [Material("Ballons", 10, "0.3")]
    plan.placements[1].remote = True
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan
    assert again.placements[1].note == HOSTILE  # a note keeps its lines


def test_plan_from_a_page_folds_names_onto_one_line():
    plan = Plan.from_dict({"placements": [{"idea": "peer-cards", "day": 0, "owner": " Léa\n  Roy "}]})
    assert plan.placements[0].owner == "Léa Roy"


@pytest.mark.parametrize(
    "change",
    [
        {"placements": [{"idea": "x", "day": 5}]},
        {"placements": [{"idea": "x", "day": 0, "part": "evening"}]},
        {"placements": [{"idea": "x", "day": 0, "part": "time", "start": "10:00", "end": "09:00"}]},
        {"placements": [{"idea": "x", "day": 0, "owner": "x" * 500}]},
        {"placements": [{"idea": "x", "day": 0, "budget": -3}]},
        {"recurring": [{"action": "x", "freq": "daily"}]},
        {"recurring": [{"action": "x", "nth": 5}]},
        {"headcount": 0},
        {"currency": "€"},
        {"uid": "../etc"},
        {"placements": [{"idea": "", "day": 0}]},
        {"placements": [{"idea": "x", "day": "1"}]},
        {"placements": [{"idea": "x", "day": 0}] * 201},
        {"recurring": [{"action": "x", "start_month": 13}]},
        [],
    ],
)
def test_malformed_plans_are_refused(change):
    with pytest.raises(Invalid):
        Plan.from_dict(change)


# --- exports -------------------------------------------------------------------------------


def full_plan(cards) -> Plan:
    return Plan(
        placements=[
            Placement("kickoff-breakfast", 0, owner="Ana", budget="180"),
            Placement(
                "item-7",
                2,
                part="time",
                start=time(14, 0),
                end=time(15, 30),
                owner=HOSTILE,
                budget="12.5",
                note=HOSTILE,
            ),
            Placement("dress-up-day", 4, part="day", owner="Marc; Jo, et al."),
        ],
        recurring=[
            week.recurring_from_card(cards["monthly-peer-cards"], owner="Léa"),
            week.recurring_from_card(cards["quarterly-trading-spaces"], start_month=1),
            week.recurring_from_card(cards["monthly-leader-note"], start_month=11),
            week.recurring_from_card(cards["good-catch-wall"], owner=HOSTILE),
        ],
        budget=Decimal("150"),
        uid="plan1",
    )


@pytest.mark.parametrize("lang, tz", [("fr", "Europe/Paris"), ("en", "America/Toronto"), ("fr", "America/Montreal")])
@pytest.mark.parametrize("year", [2024, 2033, 2040])
def test_ics_round_trip(cards, lang, tz, year):
    plan = full_plan(cards)
    raw = week.to_ics(plan, cards, year, lang, tz, stamp=STAMP)
    parsed = Calendar.from_ical(raw)
    zone = ZoneInfo(tz)

    # The time zone is stated: a VTIMEZONE, and a TZID on every timed event.
    assert [str(z["TZID"]) for z in parsed.walk("VTIMEZONE")] == [tz]
    events = parsed.walk("VEVENT")
    assert len(events) == 1 + len(plan.placements) + len(plan.recurring)
    assert len({str(e["UID"]) for e in events}) == len(events)

    banner, placed, recurring = events[0], events[1 : 1 + len(plan.placements)], events[1 + len(plan.placements) :]
    monday, friday = week.service_week(year)
    assert banner.decoded("DTSTART") == monday and banner.decoded("DTEND") == friday + timedelta(days=1)

    days = week.week_days(year)
    for event, placement in zip(placed, plan.placements):
        start, end = week.slot(placement, plan, cards)
        assert str(event["SUMMARY"]) == week.title(placement.idea, cards, lang)
        assert event["DTSTART"].params["TZID"] == tz
        assert event.decoded("DTSTART") == datetime.combine(days[placement.day], start, zone)
        assert event.decoded("DTEND") == datetime.combine(days[placement.day], end, zone)
        assert event.decoded("DTSTART").utcoffset() == datetime.combine(days[placement.day], start, zone).utcoffset()
        description = str(event["DESCRIPTION"])
        assert placement.owner.strip() in description
        if placement.owner:
            assert str(event["CONTACT"]) == placement.owner.strip()
    hostile = placed[1]
    assert str(hostile["SUMMARY"]) == HOSTILE
    assert HOSTILE in str(hostile["DESCRIPTION"])
    assert str(placed[2]["CONTACT"]) == "Marc; Jo, et al."

    # Every recurrence, expanded from its RRULE, falls on the year view's dates.
    for event, (action, dates) in zip(recurring, week.year_view(plan, year)):
        assert str(event["SUMMARY"]) == week.title(action.action, cards, lang)
        start = event.decoded("DTSTART")
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
        expanded = list(rule)
        assert [d.date() for d in expanded] == dates
        assert all(d.time() == action.start and d.tzinfo is not None for d in expanded)
        assert event.decoded("DTEND") - start == timedelta(minutes=action.minutes)
    assert str(recurring[3]["CONTACT"]) == HOSTILE


def test_ics_text_is_escaped_on_the_wire(cards):
    raw = week.to_ics(full_plan(cards), cards, 2024, "fr", stamp=STAMP).decode("utf-8")
    unfolded = re.sub(r"\r\n[ \t]", "", raw)
    summary = next(line for line in unfolded.split("\r\n") if line.startswith("SUMMARY:Quiz"))
    assert summary == 'SUMMARY:Quiz <b>éclair</b>\\, "vite"\\; fin\\\\ du\\nprogramme — Québec & Cie'
    # No content line is broken by the participant's newline.
    assert all(re.match(r"^[A-Z-]+[;:]", line) for line in unfolded.split("\r\n") if line)


def test_ics_is_the_same_for_the_same_plan(cards):
    plan = full_plan(cards)
    assert week.to_ics(plan, cards, 2024, "en", stamp=STAMP) == week.to_ics(plan, cards, 2024, "en", stamp=STAMP)


@pytest.mark.parametrize("lang, delimiter", [("fr", ";"), ("en", ",")])
def test_csv_round_trip(cards, lang, delimiter):
    plan = full_plan(cards)
    raw = week.to_csv(plan, cards, 2024, lang)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read the accents right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    from widgets.core.i18n import Translator

    t = Translator(lang)
    assert rows[0] == [t(f"week.col_{c}") for c in week.CSV_COLUMNS]
    expected = week.csv_rows(plan, cards, 2024, lang)
    assert len(rows) - 1 == len(expected) == len(plan.placements) + sum(len(d) for _, d in week.year_view(plan, 2024))
    for row, want in zip(rows[1:], expected):
        assert row == [want[c] for c in week.CSV_COLUMNS]
    first = dict(zip(week.CSV_COLUMNS, rows[1]))
    assert first["date"] == "2024-10-07" and first["start"] == "09:00" and first["end"] == "12:00"
    assert first["budget"] == ("180,00" if lang == "fr" else "180.00")
    hostile = dict(zip(week.CSV_COLUMNS, rows[2]))
    assert hostile["activity"] == HOSTILE and hostile["note"] == HOSTILE


def test_csv_neutralises_formulas(cards):
    plan = Plan([Placement("peer-cards", 0, owner='=HYPERLINK("http://x","clic")', note="+1")])
    rows = list(csv.reader(io.StringIO(week.to_csv(plan, cards, 2024, "en").decode("utf-8-sig"))))
    row = dict(zip(week.CSV_COLUMNS, rows[1]))
    assert row["owner"] == '\'=HYPERLINK("http://x","clic")' and row["note"] == "'+1"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plan_html_escapes_participant_text(cards, lang):
    plan = full_plan(cards)
    plan.placements.append(Placement("item-7", 2, part="afternoon", owner="<script>alert(1)</script>"))
    html = week.plan_html(plan, cards, 2024, lang)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>éclair</b>" not in html and "&lt;b&gt;éclair&lt;/b&gt;" in html
    assert "@page" in html and "A4" in html
    assert f'<html lang="{lang}">' in html
    messages = [c.message(lang) for c in week.conflicts(plan, cards, lang)]
    assert any(HOSTILE in m for m in messages)  # the group's own idea is named in a warning...
    for message in messages:
        assert str(escape(message)) in html  # ...and the warning is shown escaped


def test_plan_html_shows_the_week(cards):
    html = week.plan_html(full_plan(cards), cards, 2024, "fr")
    assert "Notre Semaine du service client 2024" in html
    assert "lundi 7" in html and "vendredi 11" in html
    assert "Petit-déjeuner de lancement" in html and "Les 51 autres semaines" in html
    assert "Cartes de merci entre collègues, chaque mois" in html
    assert "12 fois" in html  # the monthly peer cards
