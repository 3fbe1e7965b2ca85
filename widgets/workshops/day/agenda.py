"""The agenda of a training day: workshops, short activities and breaks, timed from the guide.

One source for timings: the facilitator guide. A workshop lasts the sum of the
steps of its chapter's script (``### 3. Dot voting (8 min)``); a short activity
lasts its step of the chapter "Running a training day" (``day.md``, the step named
in ``datasets/day/activities.yaml``); a break lasts what the content gives. The
trainer may set an item's minutes by hand; the guide's figure stays beside it.

>>> agenda = Agenda.from_dict({"start": "09:00", "end": "12:30", "items": [
...     {"kind": "activity", "ref": "signin"}, {"kind": "workshop", "ref": "values"},
...     {"kind": "break", "ref": "break"}, {"kind": "activity", "ref": "evaluation"}]})
>>> [(s.item.ref, s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in agenda.schedule()]
[('signin', '09:00', '09:05'), ('values', '09:05', '10:13'), ('break', '10:13', '10:28'), ('evaluation', '10:28', '10:35')]
>>> agenda.slack()
115
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from widgets import content
from widgets.core.errors import Invalid
from widgets.core.paths import GUIDE

#: How each kind of item finds its minutes: a workshop's chapter, a step of the day's chapter, a break's content.
KINDS = ("workshop", "activity", "break", "overnight")
_STEP = re.compile(r"^###\s+(\d+)\.\s+(.*?)\s*\((\d+)(?:\s*(?:to|à|-)\s*(\d+))?\s*min(?:utes?)?\b([^)]*)\)\s*$")
#: A step timed "per case" or "per step" is multiplied by the number of cases or steps played.
_PER_CASE = re.compile(r"\b(per case|par cas)\b")
_PER_STEP = re.compile(r"\b(per step|par étape)\b")


@dataclass(frozen=True)
class GuideStep:
    number: int
    title: str
    minutes: int
    per: str = ""  # "", "case" or "step"


@functools.cache
def _chapter_steps(path: str, mtime: float) -> tuple[GuideStep, ...]:
    steps = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _STEP.match(line.strip())
        if not match:
            continue
        number, title, low, _high, rest = match.groups()
        per = "case" if _PER_CASE.search(rest) else "step" if _PER_STEP.search(rest) else ""
        steps.append(GuideStep(int(number), title, int(low), per))
    return tuple(steps)


def guide_steps(chapter: str, lang: str = "en") -> tuple[GuideStep, ...]:
    """The timed steps of a chapter's script, as its headings give them (the lower figure of a range)."""
    path = GUIDE / lang / f"{chapter}.md"
    if not path.is_file():
        raise Invalid("day.error_no_chapter", chapter=chapter)
    return _chapter_steps(str(path), path.stat().st_mtime)


def workshop_minutes(workshop: str, *, cases: int = 1, steps: int = 3) -> int:
    """A workshop's length from its chapter: the sum of its steps (``cases`` and ``steps`` for the cases workshop)."""
    if workshop not in {w["id"] for w in content.load("workshops")["workshops"]}:
        raise Invalid("day.error_unknown_item", ref=workshop)
    total = 0
    for step in guide_steps(workshop):
        factor = cases if step.per == "case" else cases * steps if step.per == "step" else 1
        total += step.minutes * factor
    return total


def activity_minutes(activity: str) -> int:
    found = {a["id"]: a for a in content.load("day/activities")["activities"]}
    if activity not in found:
        raise Invalid("day.error_unknown_item", ref=activity)
    steps = {s.number: s for s in guide_steps("day")}
    step = steps.get(found[activity]["step"])
    if step is None:
        raise Invalid("day.error_no_step", ref=activity, step=found[activity]["step"])
    return step.minutes


def break_minutes(ref: str) -> int:
    found = {b["id"]: b for b in content.load("day/activities")["breaks"]}
    if ref not in found:
        raise Invalid("day.error_unknown_item", ref=ref)
    return found[ref]["minutes"]


def guide_minutes(kind: str, ref: str) -> int:
    """What the guide (or the content, for breaks) says an item takes."""
    if kind == "workshop":
        return workshop_minutes(ref)
    if kind == "activity":
        return activity_minutes(ref)
    if kind == "break":
        return break_minutes(ref)
    return 0


def item_title(kind: str, ref: str, lang: str) -> str:
    if kind == "workshop":
        titles = {w["id"]: w["title"] for w in content.load("workshops")["workshops"]}
        return content.text(titles.get(ref, ref), lang)
    doc = content.load("day/activities")
    for entry in doc["activities"] + doc["breaks"]:
        if entry["id"] == ref:
            return content.text(entry["title"], lang)
    return ref


def item_objective(kind: str, ref: str, lang: str) -> str:
    if kind == "workshop":
        purposes = {w["id"]: w["purpose"] for w in content.load("workshops")["workshops"]}
        return content.text(purposes.get(ref, ""), lang)
    for entry in content.load("day/activities")["activities"]:
        if entry["id"] == ref:
            return content.text(entry["objective"], lang)
    return ""


@dataclass
class Item:
    kind: str
    ref: str = ""
    minutes: int | None = None  # None: the guide's figure
    start: str = ""  # only for "overnight": the next day's start

    @property
    def planned(self) -> int:
        return self.minutes if self.minutes is not None else guide_minutes(self.kind, self.ref)


@dataclass(frozen=True)
class Slot:
    index: int
    item: Item
    day: int
    start: dt.datetime
    end: dt.datetime


def _time(value: str, field_name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid("day.error_time", field=field_name, value=value) from None


@dataclass
class Agenda:
    """A programme: items in order from ``start``; ``end`` is when the day must finish (for the slack)."""

    items: list[Item] = field(default_factory=list)
    start: str = "09:00"
    end: str = "17:00"

    @classmethod
    def from_dict(cls, data: dict) -> Agenda:
        if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
            raise Invalid("day.error_agenda")
        items = []
        for n, raw in enumerate(data.get("items", [])):
            if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
                raise Invalid("day.error_item", n=n + 1)
            minutes = raw.get("minutes")
            if minutes is not None and not (isinstance(minutes, int) and 0 < minutes <= 600):
                raise Invalid("day.error_item", n=n + 1)
            item = Item(raw["kind"], str(raw.get("ref", "")), minutes, str(raw.get("start", "")))
            if item.kind == "overnight":
                _time(item.start or data.get("start", "09:00"), "start")
            else:
                item.planned  # noqa: B018  (an unknown workshop or activity is refused here, by name)
            items.append(item)
        agenda = cls(items, str(data.get("start", "09:00")), str(data.get("end", "17:00")))
        _time(agenda.start, "start")
        _time(agenda.end, "end")
        return agenda

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "items": [{k: v for k, v in asdict(item).items() if v not in ("", None)} for item in self.items],
        }

    def schedule(self, first_day: dt.date | None = None) -> list[Slot]:
        day = first_day or dt.date(2000, 1, 3)
        clock = dt.datetime.combine(day, _time(self.start, "start"))
        out, n = [], 0
        for index, item in enumerate(self.items):
            if item.kind == "overnight":
                n += 1
                clock = dt.datetime.combine(day + dt.timedelta(days=n), _time(item.start or self.start, "start"))
                continue
            end = clock + dt.timedelta(minutes=item.planned)
            out.append(Slot(index, item, n, clock, end))
            clock = end
        return out

    def days(self) -> int:
        return 1 + sum(1 for item in self.items if item.kind == "overnight")

    def finish(self) -> dt.time:
        slots = self.schedule()
        return slots[-1].end.time() if slots else _time(self.start, "start")

    def slack(self) -> int:
        """Minutes left before the planned end on the last day (negative: the programme runs over)."""
        slots = self.schedule()
        last = slots[-1].end if slots else dt.datetime.combine(dt.date(2000, 1, 3), _time(self.start, "start"))
        target = dt.datetime.combine(last.date(), _time(self.end, "end"))
        return round((target - last).total_seconds() / 60)

    def teaching_minutes(self) -> int:
        """The training's duration for a certificate: everything but breaks."""
        return sum(slot.item.planned for slot in self.schedule() if slot.item.kind != "break")

    def workshops(self) -> list[str]:
        return [item.ref for item in self.items if item.kind == "workshop"]


def where_we_are(agenda: Agenda, started: dict, now: float, first_day: dt.date, tz: dt.tzinfo | None = None) -> dict:
    """Where the day stands against the plan.

    ``started`` maps an item's index (as text) to the time (epoch seconds) the trainer
    moved to it. The current item is the last one started; ``late`` is how many
    minutes after its planned start it began plus how far it has run over its
    planned length (negative: ahead of plan).
    """
    slots = agenda.schedule(first_day)
    begun = [(int(i), at) for i, at in started.items() if str(i).isdigit()]
    if not begun:
        return {
            "current": None,
            "late": 0,
            "next": slots[0].index if slots else None,
            "planned_end": max(s.end for s in slots if s.day == 0).strftime("%H:%M") if slots else None,
        }
    index, at = max(begun, key=lambda pair: pair[1])
    slot = next((s for s in slots if s.index == index), None)
    if slot is None:
        return {"current": index, "late": 0, "next": None}
    # The programme's times are the room's wall clock (``tz``, the day's time zone), whatever the server's.
    began_late = (at - slot.start.replace(tzinfo=tz).timestamp()) / 60
    overrun = max(0.0, (now - at) / 60 - slot.item.planned)
    later = [s.index for s in slots if s.index > index]
    late = round(began_late + overrun)
    # The day ends when its last item does, moved by what the room is behind (or ahead) now.
    day_end = max(s.end for s in slots if s.day == slot.day)
    return {
        "current": index,
        "late": late,
        "next": later[0] if later else None,
        "elapsed": round((now - at) / 60),
        "planned": slot.item.planned,
        "planned_end": day_end.strftime("%H:%M"),
        "projected_end": (day_end + dt.timedelta(minutes=late)).strftime("%H:%M"),
    }


#: A half-day that starts at or after this hour is an afternoon.
AFTERNOON = dt.time(13, 0)


def halves(agenda: Agenda) -> dict[int, str]:
    """Which half-day each item falls in (``d1-am``, ``d1-pm``...): lunch splits a day, else 13:00 does."""
    out, after_lunch = {}, set()
    for slot in agenda.schedule():
        if slot.item.kind == "break" and slot.item.ref == "lunch":
            after_lunch.add(slot.day)
            continue
        part = "pm" if slot.day in after_lunch or slot.start.time() >= AFTERNOON else "am"
        out[slot.index] = f"d{slot.day + 1}-{part}"
    return out


def halfdays_of(agenda: Agenda, dates: list[str]) -> list[dict]:
    """The half-days the programme covers, with their times, one attendance sheet each.

    >>> a = Agenda.from_dict({"start": "09:00", "items": [{"kind": "workshop", "ref": "values", "minutes": 180},
    ...     {"kind": "break", "ref": "lunch"}, {"kind": "break", "ref": "break"}]})
    >>> [(h["id"], h["start"], h["end"]) for h in halfdays_of(a, ["2026-12-01"])]
    [('d1-am', '09:00', '12:00'), ('d1-pm', '13:00', '13:15')]
    """
    parts = halves(agenda)
    out: dict[str, dict] = {}
    for slot in agenda.schedule():
        key = parts.get(slot.index)
        if key is None:
            continue  # lunch belongs to neither half
        date = dates[slot.day] if slot.day < len(dates) else ""
        entry = out.setdefault(key, {"id": key, "date": date, "start": slot.start.strftime("%H:%M"), "end": ""})
        entry["end"] = slot.end.strftime("%H:%M")
    return list(out.values())


def programme(agenda: Agenda, day: dict, lang: str) -> dict:
    """What the participants' programme shows: the facts of the day, its objectives, and each day's timings."""
    days: list[dict] = []
    objectives: list[str] = []
    dates = list(day.get("dates") or [])
    for slot in agenda.schedule():
        while len(days) <= slot.day:
            days.append({"date": dates[len(days)] if len(days) < len(dates) else "", "slots": []})
        objective = item_objective(slot.item.kind, slot.item.ref, lang) if slot.item.kind != "break" else ""
        if objective and slot.item.kind == "workshop" and objective not in objectives:  # the programme's objectives
            objectives.append(objective)
        days[slot.day]["slots"].append(
            {
                "start": slot.start.strftime("%H:%M"),
                "end": slot.end.strftime("%H:%M"),
                "title": item_title(slot.item.kind, slot.item.ref, lang),
                "objective": objective,
                "kind": slot.item.kind,
                "minutes": slot.item.planned,
            }
        )
    return {
        "days": days,
        "objectives": objectives,
        "finish": agenda.finish().strftime("%H:%M"),
        "slack": agenda.slack(),
        "teaching": agenda.teaching_minutes(),
    }
