"""The week workshop's dashboard and solo planner without a browser: every phase in demo mode, edits, exports."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from widgets import content
from widgets.ui.dashboard import Dashboard
from widgets.ui.trainer import Viewer
from widgets.workshops.week import dashboard as workshop
from widgets.workshops.week import rules as week
from widgets.workshops.week.planner import WeekPlanner, next_week_year, parse_materials
from widgets.workshops.week.solo import SoloWeek, own_cards


@pytest.fixture(scope="module")
def demo():
    return workshop.trainer_dashboard("en")


def test_demo_dashboard_builds_every_phase(demo):
    assert [p.id for p in demo.phases] == ["dates", "ideas", "vote", "plan", "year", "output", "practices"]
    for i, phase in enumerate(demo.phases):
        demo.go(i)
        assert demo.message.value == "", phase.id
        assert demo.widgets_by_phase[phase.id] is demo.body.children[0]
    dates = demo.widgets_by_phase["dates"].html.value
    monday, friday = week.service_week(workshop.year(demo))
    assert f"Monday {monday.day} October" in dates and "1984" in dates and "1992" in dates
    # The ten cards and the room's own ideas share one list; the vote is revealed with its chart.
    cards = demo.results(workshop.IDEAS)["cards"]
    assert len([c for c in cards if c.get("card")]) == 10
    assert len([c for c in cards if not c.get("card")]) == len(content.load("week/demo")["ideas"])
    vote = demo.widgets_by_phase["vote"]
    assert vote.chart.figure["data"][0]["type"] == "bar" and vote.chart.layout.display is None
    planner = workshop.planner(demo)
    assert planner.add_picker.options[0][1] == "kickoff-breakfast"  # most dots first
    assert "elan-week-chip" in planner.board.value and 'data-conflict="big_overlap"' in planner.board.value
    assert "Camille" in planner.year_html.value or "Lucie" in planner.year_html.value
    assert planner.links.value.count('class="elan-week-download"') == 4


def test_vote_results_stay_hidden_until_revealed(demo):
    demo.go(2)
    demo.engine.reveal(demo.trainer, demo.code, workshop.VOTE, False)
    workshop.refresh_vote(demo)
    box = demo.widgets_by_phase["vote"]
    assert box.chart.layout.display == "none" and "hidden" in box.status.value
    demo.engine.reveal(demo.trainer, demo.code, workshop.VOTE, True)
    workshop.refresh_vote(demo)
    assert box.chart.layout.display is None


def test_placing_ideas_updates_conflicts_and_totals():
    planner = WeekPlanner("en", year=2025)
    planner.budget.value = "500"
    planner.add("kickoff-breakfast")
    planner.placement_rows[0].budget.value = 300
    assert "€300.00 of the €500.00" in planner.board.value and "€200.00 left" in planner.board.value
    planner.add("internal-awards")
    row = planner.placement_rows[1]
    row.budget.value = 400
    # Both big, both with the executives, both on Monday morning.
    assert {c.kind for c in planner.conflicts()} == {"big_overlap", "executives_twice", "over_budget"}
    assert "over" in planner.board.value and 'data-conflict="over_budget"' in planner.board.value
    row.day.value = 4
    assert {c.kind for c in planner.conflicts()} == {"over_budget"}
    row.budget.value = 100
    assert planner.conflicts() == [] and "No conflicts found." in planner.board.value
    planner.placement_rows[0].owner.value = "Ana"
    row.owner.value = " ana "
    row.day.value = 0
    assert "owner_twice" in {c.kind for c in planner.conflicts()}
    planner.remove(1)
    # The breakfast alone is on site only: remote colleagues would be left out.
    assert len(planner.plan.placements) == 1 and [c.kind for c in planner.conflicts()] == ["no_remote"]


def test_times_and_bad_input_are_refused_with_a_message():
    planner = WeekPlanner("fr", year=2025)
    planner.add("peer-cards")
    row = planner.placement_rows[0]
    row.part.value = "time"
    assert row.start.layout.display is None
    row.start.value = "14:30"
    row.end.value = "13:00"  # before the start: refused, the plan keeps its last good state
    assert "HH:MM" in planner.error.value or "invalide" in planner.error.value.lower()
    assert planner.plan.placements[0].end is None
    row.end.value = "15:15"
    assert (
        planner.error.value == "" and week.slot(planner.plan.placements[0], planner.plan, planner.ideas)[1].hour == 15
    )


def test_dashboard_keeps_the_plan_in_the_session(sqlite_engine):
    """A second dashboard on the same session (a restarted kernel) resumes the trainer's plan."""
    trainer = sqlite_engine.authenticate("test-key")
    viewer = Viewer(sqlite_engine, trainer, "test-key", "en", False, None, "/", "http://localhost")
    first = Dashboard(workshop.WORKSHOP, workshop.phases(), viewer=viewer)
    first.start_session()
    first.go(1)  # the ideas: the ten cards join the session
    first.go(3)
    planner = workshop.planner(first)
    planner.add("trading-spaces", day=2)
    planner.placement_rows[0].owner.value = "Karim"
    kept = sqlite_engine.session(first.code)["state"]["data"]["plan"]
    assert kept["placements"][0]["idea"] == "trading-spaces" and kept["placements"][0]["owner"] == "Karim"
    again = Dashboard(workshop.WORKSHOP, workshop.phases(), viewer=viewer)
    assert again.code == first.code and again.phase.id == "plan"
    assert workshop.planner(again).plan.to_dict() == planner.plan.to_dict()


def test_exported_ics_parses_back_to_the_same_events(demo):
    planner = workshop.planner(demo)
    planner.tz.value = "America/Toronto"
    files = planner.files()
    link = next(part for part in planner.links.value.split("<li>") if 'data-format="ics"' in part)
    assert 'download="customer-service-week-' in link
    body = base64.b64decode(link.split("base64,")[1].split('"')[0])
    assert body == files["ics"].body or Calendar.from_ical(body).walk("VEVENT")  # stamps may differ by a second
    cal = Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    zone = ZoneInfo("America/Toronto")
    days = week.week_days(planner.year)
    placed = [e for e in events if "RRULE" not in e and e.get("dtstart").dt.__class__ is datetime]
    assert len(placed) == len(planner.plan.placements)
    expected = set()
    for p in planner.plan.placements:
        start, end = week.slot(p, planner.plan, planner.ideas)
        expected.add(
            (
                week.title(p.idea, planner.ideas, "en"),
                datetime.combine(days[p.day], start, zone),
                datetime.combine(days[p.day], end, zone),
            )
        )
    got = {(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in placed}
    assert got == expected
    assert all(e["DTSTART"].params["TZID"] == "America/Toronto" for e in placed)
    repeating = [e for e in events if "RRULE" in e]
    assert {str(e["SUMMARY"]) for e in repeating} == {
        week.title(a.action, planner.ideas, "en") for a in planner.plan.recurring
    }
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "America/Toronto"


def test_other_files_follow_the_plan(demo):
    planner = workshop.planner(demo)
    files = planner.files()
    rows = list(csv.reader(io.StringIO(files["csv"].body.decode("utf-8-sig"))))
    assert len([r for r in rows[1:] if r[0] == "The week"]) == len(planner.plan.placements)
    materials = list(csv.reader(io.StringIO(files["materials"].body.decode("utf-8-sig"))))
    lines, total = week.materials(planner.plan, planner.ideas, "en")
    assert len(materials) == len(lines) + 2 and materials[-1][3] == f"{total:.2f}"
    page = files["html"].body.decode("utf-8")
    assert "Camille" in page and "<script" not in page


def test_participant_text_is_escaped_everywhere():
    hostile = "<img src=x onerror=alert(1)>"
    ideas = {**week.cards(), "item-9": week.custom_idea("item-9", hostile)}
    planner = WeekPlanner("en", year=2025, ideas=ideas)
    planner.add("item-9")
    planner.placement_rows[0].owner.value = "<b>Bob</b>"
    for shown in (planner.board.value, planner.rows.children[0].children[0].value, planner.preview.value):
        assert "<img" not in shown and "<b>Bob" not in shown
    assert "&lt;img" in planner.board.value
    assert hostile in planner.files()["ics"].body.decode("utf-8")  # a calendar holds plain text, as typed


def test_year_view_lists_every_date():
    planner = WeekPlanner("en", year=2025)
    keep = {card["id"]: box for card, box, _, _ in planner._year_fields}
    keep["monthly-peer-cards"].value = True
    keep["good-catch-wall"].value = True
    assert [a.action for a in planner.plan.recurring] == ["monthly-peer-cards", "good-catch-wall"]
    (peer, dates), (wall, fridays) = week.year_view(planner.plan, 2025)
    assert len(dates) == 12 and len(fridays) == 52
    assert planner.year_html.value.count('class="on"') == 12 + 12 + 1  # peer cards, the wall, the week
    assert "Recognition through the year" in planner.year_html.value


def test_next_week_year_and_materials_parsing():
    assert next_week_year(date(2024, 1, 5)) == 2024
    assert next_week_year(date(2024, 10, 11)) == 2024 and next_week_year(date(2024, 10, 12)) == 2025
    assert [(m.name, str(m.quantity)) for m in parse_materials("Mugs × 12; =cmd x 2")] == [
        ("Mugs", "12"),
        ("=cmd", "2"),
    ]
    assert parse_materials("") is None


def test_solo_planner_uses_own_ideas_and_exports():
    solo = SoloWeek("fr")
    assert solo.planner.plan.placements, "the example plan is shown"
    solo.own_ideas.value = "Quiz client\nquiz clients\n\nPétanque"
    assert list(own_cards(solo.own_ideas.value)) == ["own-0", "own-1"]
    assert ("Pétanque", "own-1") in solo.planner.add_picker.options
    solo.planner.set_plan(week.Plan())
    solo.planner.add("own-1", day=3)
    solo.year.value = 2028
    cal = Calendar.from_ical(solo.planner.files()["ics"].body)
    event = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Pétanque")
    assert event["DTSTART"].dt.date() == week.week_days(2028)[3]
    assert "2028" in solo.dates.value
