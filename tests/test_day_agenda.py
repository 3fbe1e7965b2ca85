"""The agenda: timings from the guide (one source), end time and slack, half-days, where the day stands."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from widgets import content
from widgets.content import manifests
from widgets.core.errors import Invalid
from widgets.core.paths import GUIDE
from widgets.workshops.day import agenda as ag


def test_workshop_timings_are_the_sum_of_the_guide_steps():
    assert ag.workshop_minutes("values") == 8 + 10 + 8 + 5 + 15 + 12 + 10
    assert ag.workshop_minutes("week") == 5 + 10 + 5 + 15 + 7 + 3
    # Cases: a step timed "per step" follows the number of cases and steps played.
    steps = {s.number: s for s in ag.guide_steps("cases")}
    assert steps[3].per == "step"
    assert (
        ag.workshop_minutes("cases", cases=2, steps=3)
        == sum(s.minutes for s in steps.values()) + (2 * 3 - 1) * steps[3].minutes
    )


def test_both_languages_of_the_guide_give_the_same_minutes():
    for chapter in [m.guide[0] for m in manifests.every()]:
        en = [(s.number, s.minutes, s.per) for s in ag.guide_steps(chapter, "en")]
        assert en == [(s.number, s.minutes, s.per) for s in ag.guide_steps(chapter, "fr")], chapter
        assert en, chapter


def test_changing_the_guide_changes_the_agenda(tmp_path, monkeypatch):
    for lang in ("en", "fr"):
        (tmp_path / lang).mkdir()
        text = (GUIDE / lang / "day.md").read_text(encoding="utf-8")
        (tmp_path / lang / "day.md").write_text(text.replace("(7 min)", "(12 min)", 1), encoding="utf-8")
    monkeypatch.setattr(ag, "GUIDE", tmp_path)
    assert ag.activity_minutes("wordcloud") == 12


def test_the_guide_prints_the_sample_agendas_as_the_model_computes_them():
    for lang in ("en", "fr"):
        chapter = (GUIDE / lang / "day.md").read_text(encoding="utf-8")
        printed = re.findall(r"^\| (\d\d:\d\d) \| (\d\d:\d\d) \| (.+?) \|$", chapter, re.M)
        expected = []
        for sample in content.load("day/agendas")["agendas"]:
            agenda = ag.Agenda.from_dict(sample)
            expected += [
                (f"{s.start:%H:%M}", f"{s.end:%H:%M}", ag.item_title(s.item.kind, s.item.ref, lang))
                for s in agenda.schedule()
            ]
            assert agenda.finish().strftime("%H:%M") in chapter and f" {agenda.slack()} minutes" in chapter
        assert printed == expected, lang


def test_end_time_slack_and_a_second_day():
    agenda = ag.Agenda.from_dict(
        {
            "start": "09:00",
            "end": "10:00",
            "items": [
                {"kind": "workshop", "ref": "metrics"},
                {"kind": "break", "ref": "break"},
                {"kind": "overnight", "start": "08:30"},
                {"kind": "workshop", "ref": "week", "minutes": 50},
            ],
        }
    )
    slots = agenda.schedule(dt.date(2026, 12, 1))
    assert [(s.day, f"{s.start:%d %H:%M}", f"{s.end:%H:%M}") for s in slots] == [
        (0, "01 09:00", "09:55"),
        (0, "01 09:55", "10:10"),
        (1, "02 08:30", "09:20"),
    ]
    assert agenda.days() == 2 and agenda.slack() == 40
    assert (
        ag.Agenda.from_dict(
            {"start": "09:00", "end": "09:30", "items": [{"kind": "workshop", "ref": "values"}]}
        ).slack()
        < 0
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"items": [{"kind": "lecture"}]},
        {"items": [{"kind": "workshop", "ref": "values", "minutes": -5}]},
        {"start": "9h", "items": []},
        {"items": [{"kind": "activity", "ref": "karaoke"}]},
    ],
)
def test_a_bad_agenda_is_refused(bad):
    with pytest.raises(Invalid):
        ag.Agenda.from_dict(bad)


def test_where_the_day_stands():
    agenda = ag.Agenda.from_dict(
        {"start": "09:00", "items": [{"kind": "activity", "ref": "signin"}, {"kind": "workshop", "ref": "values"}]}
    )
    day = dt.date(2026, 12, 1)
    nine = dt.datetime(2026, 12, 1, 9, 0).timestamp()
    assert ag.where_we_are(agenda, {}, nine, day)["next"] == 0
    # The workshop began at 09:15 instead of 09:05 and has run 80 minutes of its 68: 10 + 12 minutes late.
    state = ag.where_we_are(agenda, {"0": nine, "1": nine + 15 * 60}, nine + 95 * 60, day)
    assert state["current"] == 1 and state["late"] == 22 and state["next"] is None


def test_lateness_and_the_projected_end_follow_the_clock():
    """Recomputed from ``now``: each minute an item overruns adds one to the lateness and to the projected end."""
    agenda = ag.Agenda.from_dict(
        {
            "start": "09:00",
            "items": [
                {"kind": "activity", "ref": "signin"},
                {"kind": "workshop", "ref": "values", "minutes": 60},
                {"kind": "break", "ref": "break"},
            ],
        }
    )
    day = dt.date(2026, 12, 1)
    nine = dt.datetime(2026, 12, 1, 9, 0).timestamp()
    before = ag.where_we_are(agenda, {}, nine, day)
    assert before["planned_end"] == "10:20" and before["next"] == 0
    # The workshop began at 09:05 as planned; 112 minutes in (52 over), then one minute more.
    started = {"0": nine, "1": nine + 5 * 60}
    at_52 = ag.where_we_are(agenda, started, nine + (5 + 112) * 60, day)
    at_53 = ag.where_we_are(agenda, started, nine + (5 + 113) * 60, day)
    assert (at_52["late"], at_53["late"]) == (52, 53)
    assert (at_52["planned_end"], at_52["projected_end"], at_53["projected_end"]) == ("10:20", "11:12", "11:13")
    assert at_53["next"] == 2
    # Ahead of plan: the projected end comes earlier.
    early = ag.where_we_are(agenda, {"0": nine - 10 * 60}, nine - 8 * 60, day)
    assert early["late"] == -10 and early["projected_end"] == "10:10"


def test_the_projected_end_is_the_current_days():
    agenda = ag.Agenda.from_dict(
        {
            "start": "09:00",
            "items": [
                {"kind": "workshop", "ref": "values", "minutes": 60},
                {"kind": "overnight", "start": "08:30"},
                {"kind": "workshop", "ref": "metrics", "minutes": 90},
            ],
        }
    )
    day = dt.date(2026, 12, 1)
    second = dt.datetime(2026, 12, 2, 8, 40).timestamp()
    state = ag.where_we_are(agenda, {"2": second}, second + 60, day)
    assert state["late"] == 10 and (state["planned_end"], state["projected_end"]) == ("10:00", "10:10")
