"""Customer Service Week planner rules: the week's dates, the plan, its conflicts and its exports.

The week is the first full Monday-to-Friday week of October (the ICSA's
definition): it starts on the first Monday of October. Counting Monday to Sunday
gives the same Monday, so both readings of "first full week" agree. The French
AFRC week is the week right after.

>>> service_week(2018)
(datetime.date(2018, 10, 1), datetime.date(2018, 10, 5))
>>> service_week(2024)
(datetime.date(2024, 10, 7), datetime.date(2024, 10, 11))
>>> french_week(2018)
(datetime.date(2018, 10, 8), datetime.date(2018, 10, 12))

A plan places idea cards (``cards()``: the content's ideas and recurring actions,
plus the group's own ideas made with :func:`custom_idea`) on the days of the week:

>>> plan = Plan(placements=[Placement("kickoff-breakfast", day=0, owner="Ana", budget=120)], budget=100)
>>> budget_total(plan)
Decimal('120')
>>> [c.kind for c in conflicts(plan, cards(), "en")]
['over_budget', 'no_remote']
"""

from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_time, get_day_names
from babel.numbers import format_currency

from widgets import content
from widgets.core import i18n
from widgets.core.errors import Invalid
from widgets.core.i18n import Translator
from widgets.workshops.week import pricing

TEMPLATES = Path(__file__).resolve().parent / "templates"
PARTS = ("morning", "afternoon", "day", "time")
FREQS = ("weekly", "monthly", "quarterly")
CONFLICT_KINDS = ("big_overlap", "over_budget", "no_remote", "executives_twice", "owner_twice")
#: The role whose double booking the planner warns about (see ``datasets/week/ideas.yaml``).
EXECUTIVES = "executives"
TEXT_MAX = 200
MAX_PLACEMENTS = 200
MAX_RECURRING = 50
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# --- the dates -------------------------------------------------------------------


def service_week(year: int) -> tuple[date, date]:
    """Monday and Friday of Customer Service Week: the first full Monday-to-Friday week of October."""
    first = date(year, 10, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return monday, monday + timedelta(days=4)


def french_week(year: int) -> tuple[date, date]:
    """Monday and Friday of the week right after, when the French AFRC holds its own week."""
    monday = service_week(year)[0] + timedelta(days=7)
    return monday, monday + timedelta(days=4)


def week_days(year: int) -> list[date]:
    """The five days of the week, Monday first; a placement's ``day`` indexes this list."""
    monday = service_week(year)[0]
    return [monday + timedelta(days=i) for i in range(5)]


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (1-4, or -1 for the last) ``weekday`` (0 = Monday) of a month.

    >>> nth_weekday(2024, 10, 0, 1), nth_weekday(2024, 10, 3, -1)
    (datetime.date(2024, 10, 7), datetime.date(2024, 10, 31))
    """
    if nth == -1:
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


# --- the plan --------------------------------------------------------------------


def _money(value: Any, field_name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid("core.error_invalid", field=field_name) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise Invalid("core.error_invalid", field=field_name)
    return amount


@dataclass
class Material:
    """Something to order for one placement: name, quantity and cost of one unit."""

    name: str
    quantity: Decimal
    unit_cost: Decimal = Decimal(0)

    def __post_init__(self):
        self.quantity = _money(self.quantity, "quantity")
        self.unit_cost = _money(self.unit_cost, "unit_cost")

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_cost


@dataclass
class Placement:
    """One idea placed on a day of the week (0 = Monday ... 4 = Friday).

    ``part`` is ``morning``, ``afternoon``, ``day`` (both halves) or ``time`` (from
    ``start`` to ``end``; without ``end`` the card's typical duration). ``materials``
    left as None means the card's own list, sized to the team; ``remote`` left as
    None means the card's own answer (set it when the team adapted the idea).
    """

    idea: str
    day: int
    part: str = "morning"
    start: time | None = None
    end: time | None = None
    owner: str = ""
    budget: Decimal = Decimal(0)
    materials: list[Material] | None = None
    remote: bool | None = None
    note: str = ""

    def __post_init__(self):
        if not isinstance(self.idea, str) or not self.idea:
            raise Invalid("core.error_invalid", field="idea")
        _int(self.day, "day", 0, 4)
        if self.part not in PARTS:
            raise Invalid("core.error_invalid", field="part")
        if self.start and self.end and self.end <= self.start:
            raise Invalid("core.error_invalid", field="end")
        self.budget = _money(self.budget, "budget")


@dataclass
class Recurring:
    """A recognition action for the other 51 weeks: the ``nth`` ``weekday`` of a month, or every week.

    Monthly and quarterly actions run from ``start_month`` to December; weekly ones
    from the first such weekday of ``start_month``. ``budget`` is per occurrence.
    """

    action: str
    freq: str = "monthly"
    weekday: int = 1
    nth: int = 1
    start: time = time(10, 0)
    minutes: int = 30
    owner: str = ""
    budget: Decimal = Decimal(0)
    start_month: int = 1

    def __post_init__(self):
        if self.freq not in FREQS:
            raise Invalid("core.error_invalid", field="freq")
        if self.nth not in (1, 2, 3, 4, -1):
            raise Invalid("core.error_invalid", field="nth")
        _int(self.weekday, "weekday", 0, 4)
        _int(self.minutes, "minutes", 5, 480)
        _int(self.start_month, "start_month", 1, 12)
        self.budget = _money(self.budget, "budget")


@dataclass
class Plan:
    """The group's week: placements, recurring actions, the money set aside and the team it is for."""

    placements: list[Placement] = field(default_factory=list)
    recurring: list[Recurring] = field(default_factory=list)
    budget: Decimal | None = None
    currency: str = "EUR"
    headcount: int = 10
    remote_staff: bool = True
    morning: tuple[time, time] = (time(9, 0), time(12, 0))
    afternoon: tuple[time, time] = (time(13, 30), time(17, 0))
    uid: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    def __post_init__(self):
        if self.budget is not None:
            self.budget = _money(self.budget, "budget")

    def to_dict(self) -> dict:
        """JSON-ready form (times as ``HH:MM``, amounts as strings), for the session store."""

        def plain(value):
            if isinstance(value, time):
                return value.strftime("%H:%M")
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return plain(asdict(self))

    @classmethod
    def from_dict(cls, data: Any) -> Plan:
        """A plan from :meth:`to_dict`'s form (or a form sent by a page); refuses what is malformed."""
        return _plan_from_dict(data)


def custom_idea(card_id: str, text: str, *, size: str = "small", remote: bool = True, involves=()) -> dict:
    """A card for one of the group's own ideas (an engine item's text), to add to ``cards``.

    >>> custom_idea("item-4", "Quiz <b>", remote=False)["title"]
    'Quiz <b>'
    """
    return {
        "id": card_id,
        "title": text,
        "size": size,
        "remote": remote,
        "involves": list(involves),
        "duration_minutes": 60,
        "materials": [],
        "custom": True,
    }


def cards(lang: str = "") -> dict[str, dict]:
    """The content's idea cards and recurring actions, by id (from ``datasets/week/``).

    With ``lang``, their amounts are in that edition's currency (:mod:`.pricing`).
    """
    out = {idea["id"]: idea for idea in content.load("week/ideas")["ideas"]}
    out.update({action["id"]: action for action in content.load("week/week")["recurring"]})
    return {key: pricing.card(card, lang) for key, card in out.items()} if lang else out


def recurring_from_card(card: Mapping, **changes) -> Recurring:
    """A :class:`Recurring` with a content action's default day, time and cost."""
    hour, minute = map(int, card["start"].split(":"))
    values = {
        "action": card["id"],
        "freq": card["freq"],
        "weekday": card["weekday"],
        "nth": card["nth"],
        "start": time(hour, minute),
        "minutes": card["minutes"],
        "budget": card["cost_per_time"],
    }
    values.update(changes)
    return Recurring(**values)


# --- time slots and conflicts ----------------------------------------------------------


def slot(placement: Placement, plan: Plan, ideas: Mapping[str, dict]) -> tuple[time, time]:
    """Start and end time of a placement on its day."""
    if placement.part == "morning":
        return plan.morning
    if placement.part == "afternoon":
        return plan.afternoon
    if placement.part == "day":
        return plan.morning[0], plan.afternoon[1]
    start = placement.start or plan.morning[0]
    if placement.end:
        return start, placement.end
    minutes = int(ideas.get(placement.idea, {}).get("duration_minutes", 60))
    end = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    return start, end.time() if end.date() == date(2000, 1, 1) else time(23, 59)


def _overlap(a: Placement, b: Placement, plan: Plan, ideas) -> time | None:
    """When two placements first overlap, or None."""
    if a.day != b.day:
        return None
    (a0, a1), (b0, b1) = slot(a, plan, ideas), slot(b, plan, ideas)
    return max(a0, b0) if a0 < b1 and b0 < a1 else None


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def is_remote(placement: Placement, ideas: Mapping[str, dict]) -> bool:
    if placement.remote is not None:
        return placement.remote
    return bool(ideas.get(placement.idea, {}).get("remote"))


def title(card_id: str, ideas: Mapping[str, dict], lang: str) -> str:
    """A card's title in one language (the group's own ideas have a single text)."""
    card = ideas.get(card_id)
    return content.text(card["title"], lang) if card else card_id


def money(amount: Decimal, currency: str, lang: str) -> str:
    """An amount as people read it in one language.

    >>> money(Decimal("1250.5"), "EUR", "en")
    '€1,250.50'
    """
    return format_currency(amount, currency, locale=i18n.babel_locale(lang))


@dataclass(frozen=True)
class Conflict:
    """A warning about the plan: ``key`` names its interface string, ``values`` fill it in."""

    kind: str
    values: dict
    placements: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return f"week.conflict_{self.kind}"

    def message(self, lang: str) -> str:
        return Translator(lang)(self.key, **self.values)

    def explanation(self, lang: str) -> str:
        """Why it matters and what to do, from ``datasets/week/week.yaml``."""
        return content.text(content.load("week/week")["conflicts"][self.kind], lang)


def conflicts(plan: Plan, ideas: Mapping[str, dict], lang: str = "fr") -> list[Conflict]:
    """Every warning about the plan, in plan order; the values are written in ``lang``."""
    found: list[Conflict] = []
    days = get_day_names("wide", locale=i18n.babel_locale(lang))
    items = plan.placements
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            at = _overlap(a, b, plan, ideas)
            if at is None:
                continue
            card_a, card_b = ideas.get(a.idea, {}), ideas.get(b.idea, {})
            values = {
                "a": title(a.idea, ideas, lang),
                "b": title(b.idea, ideas, lang),
                "day": days[a.day],
                "time": format_time(at, "short", locale=i18n.babel_locale(lang)),
            }
            if card_a.get("size") == "big" and card_b.get("size") == "big":
                found.append(Conflict("big_overlap", values, (i, j)))
            if EXECUTIVES in card_a.get("involves", ()) and EXECUTIVES in card_b.get("involves", ()):
                found.append(Conflict("executives_twice", values, (i, j)))
            if a.owner.strip() and _fold(a.owner) == _fold(b.owner):
                found.append(Conflict("owner_twice", {**values, "owner": a.owner.strip()}, (i, j)))
    total = budget_total(plan)
    if plan.budget is not None and total > plan.budget:
        found.append(
            Conflict(
                "over_budget",
                {
                    "total": money(total, plan.currency, lang),
                    "budget": money(plan.budget, plan.currency, lang),
                    "over": money(total - plan.budget, plan.currency, lang),
                },
                tuple(range(len(items))),
            )
        )
    if plan.remote_staff and items and not any(is_remote(p, ideas) for p in items):
        found.append(Conflict("no_remote", {}, tuple(range(len(items)))))
    return found


# --- money, materials and the year ------------------------------------------------------


def budget_total(plan: Plan) -> Decimal:
    """What the week's placements cost together."""
    return sum((p.budget for p in plan.placements), Decimal(0))


def occurrences(action: Recurring, year: int) -> list[date]:
    """Every date of a recurring action in one year."""
    if action.freq == "weekly":
        day = nth_weekday(year, action.start_month, action.weekday, 1)
        out = []
        while day.year == year:
            out.append(day)
            day += timedelta(days=7)
        return out
    step = 3 if action.freq == "quarterly" else 1
    return [nth_weekday(year, m, action.weekday, action.nth) for m in range(action.start_month, 13, step)]


def year_view(plan: Plan, year: int) -> list[tuple[Recurring, list[date]]]:
    """Each recurring action of the plan with the dates it falls on in ``year``."""
    return [(action, occurrences(action, year)) for action in plan.recurring]


def year_budget(plan: Plan, year: int) -> Decimal:
    """What the recurring actions cost over the year."""
    return sum((a.budget * len(dates) for a, dates in year_view(plan, year)), Decimal(0))


def placement_materials(placement: Placement, plan: Plan, ideas: Mapping[str, dict], lang: str) -> list[Material]:
    """A placement's materials: its own list, or its card's list sized to the team."""
    if placement.materials is not None:
        return placement.materials
    out = []
    for item in ideas.get(placement.idea, {}).get("materials", []):
        quantity = Decimal(str(item["quantity"])) * (plan.headcount if item["per"] == "person" else 1)
        out.append(Material(content.text(item["name"], lang), quantity, Decimal(str(item["unit_cost"]))))
    return out


@dataclass(frozen=True)
class MaterialLine:
    """One line of the order: a material, how many, what it costs, which ideas need it."""

    name: str
    quantity: Decimal
    unit_cost: Decimal
    total: Decimal
    ideas: tuple[str, ...]


def materials(plan: Plan, ideas: Mapping[str, dict], lang: str) -> tuple[list[MaterialLine], Decimal]:
    """The materials to order for the week, same name and price merged, and their total cost."""
    lines: dict[tuple, dict] = {}
    for placement in plan.placements:
        for item in placement_materials(placement, plan, ideas, lang):
            key = (_fold(item.name), item.unit_cost)
            line = lines.setdefault(
                key, {"name": item.name, "quantity": Decimal(0), "unit_cost": item.unit_cost, "ideas": []}
            )
            line["quantity"] += item.quantity
            name = title(placement.idea, ideas, lang)
            if name not in line["ideas"]:
                line["ideas"].append(name)
    out = [
        MaterialLine(l["name"], l["quantity"], l["unit_cost"], l["quantity"] * l["unit_cost"], tuple(l["ideas"]))
        for l in lines.values()
    ]
    return out, sum((l.total for l in out), Decimal(0))


# --- exports -------------------------------------------------------------------------


def _description(lines: list[str]) -> str:
    return "\n".join(line for line in lines if line)


def _placement_description(p: Placement, plan: Plan, ideas, lang: str, t: Translator) -> str:
    card = ideas.get(p.idea, {})
    stuff = ", ".join(f"{m.name} × {_quantity(m.quantity)}" for m in placement_materials(p, plan, ideas, lang))
    return _description(
        [
            content.text(card["what"], lang) if "what" in card else "",
            t("week.owner_line", owner=p.owner.strip() or t("week.no_owner")),
            t("week.budget_line", budget=money(p.budget, plan.currency, lang)),
            t("week.materials_line", materials=stuff) if stuff else "",
            t("week.note_line", note=p.note) if p.note else "",
        ]
    )


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def to_ics(
    plan: Plan,
    ideas: Mapping[str, dict],
    year: int,
    lang: str,
    tz: str = "Europe/Paris",
    *,
    stamp: datetime | None = None,
) -> bytes:
    """The week's events and the year's recurring actions (as RRULEs) as an iCalendar file.

    Times are local to ``tz``, stated with TZID and a VTIMEZONE; ``stamp`` (DTSTAMP)
    defaults to now. UIDs are stable per plan, so a re-import updates the events.
    """
    from icalendar import Calendar, Event, vRecur

    t = Translator(lang)
    zone = ZoneInfo(tz)
    stamp = stamp or datetime.now(ZoneInfo("UTC"))
    cal = Calendar()
    cal.add("prodid", "-//Élan//Customer Service Week planner//" + lang.upper())
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("week.ics_calendar_name", year=year))
    cal.add("x-wr-timezone", tz)
    monday, friday = service_week(year)
    banner = Event()
    banner.add("uid", f"{plan.uid}-{year}-week@elan")
    banner.add("dtstamp", stamp)
    banner.add("summary", t("week.ics_week_banner", year=year))
    banner.add("dtstart", monday)
    banner.add("dtend", friday + timedelta(days=1))
    banner.add("transp", "TRANSPARENT")
    cal.add_component(banner)
    days = week_days(year)
    for i, p in enumerate(plan.placements):
        start, end = slot(p, plan, ideas)
        event = Event()
        event.add("uid", f"{plan.uid}-{year}-{i}@elan")
        event.add("dtstamp", stamp)
        event.add("summary", title(p.idea, ideas, lang))
        event.add("dtstart", datetime.combine(days[p.day], start, zone))
        event.add("dtend", datetime.combine(days[p.day], end, zone))
        event.add("description", _placement_description(p, plan, ideas, lang, t))
        if p.owner.strip():
            event.add("contact", p.owner.strip())
        event.add("categories", [t("week.ics_category")])
        cal.add_component(event)
    until = datetime(year, 12, 31, 23, 59, 59, tzinfo=zone).astimezone(ZoneInfo("UTC"))
    for i, (action, dates) in enumerate(year_view(plan, year)):
        if not dates:
            continue
        card = ideas.get(action.action, {})
        first = datetime.combine(dates[0], action.start, zone)
        rule = {"freq": "weekly" if action.freq == "weekly" else "monthly", "until": until}
        if action.freq == "weekly":
            rule["byday"] = _ICAL_DAYS[action.weekday]
        else:
            rule["byday"] = f"{action.nth}{_ICAL_DAYS[action.weekday]}"
            if action.freq == "quarterly":
                rule["interval"] = 3
        event = Event()
        event.add("uid", f"{plan.uid}-{year}-r{i}@elan")
        event.add("dtstamp", stamp)
        event.add("summary", title(action.action, ideas, lang))
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(minutes=action.minutes))
        event.add("rrule", vRecur(rule))
        event.add(
            "description",
            _description(
                [
                    content.text(card["what"], lang) if "what" in card else "",
                    t("week.owner_line", owner=action.owner.strip() or t("week.no_owner")),
                    t("week.budget_each_line", budget=money(action.budget, plan.currency, lang)),
                ]
            ),
        )
        if action.owner.strip():
            event.add("contact", action.owner.strip())
        event.add("categories", [t("week.ics_category")])
        cal.add_component(event)
    # The VTIMEZONE covers the plan's year only: shorter, and right beyond 2038 too.
    cal.add_missing_timezones(first_date=date(year - 1, 12, 1), last_date=date(year + 1, 1, 31))
    return cal.to_ical()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text a spreadsheet will not run: a leading formula sign gets a quote before it."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(amount: Decimal, lang: str) -> str:
    text = f"{amount:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


CSV_COLUMNS = ("kind", "date", "start", "end", "activity", "owner", "budget", "currency", "materials", "remote", "note")


def csv_rows(plan: Plan, ideas: Mapping[str, dict], year: int, lang: str) -> list[dict]:
    """The rows of :func:`to_csv`, keyed by ``CSV_COLUMNS``: the week's placements by time, then each recurrence."""
    t = Translator(lang)
    days = week_days(year)
    rows = []
    order = sorted(
        range(len(plan.placements)), key=lambda i: (plan.placements[i].day, slot(plan.placements[i], plan, ideas))
    )
    for i in order:
        p = plan.placements[i]
        start, end = slot(p, plan, ideas)
        stuff = placement_materials(p, plan, ideas, lang)
        rows.append(
            {
                "kind": t("week.kind_week"),
                "date": days[p.day].isoformat(),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "activity": title(p.idea, ideas, lang),
                "owner": p.owner.strip(),
                "budget": _number(p.budget, lang),
                "currency": plan.currency,
                "materials": " | ".join(f"{m.name} × {_quantity(m.quantity)}" for m in stuff),
                "remote": t("week.yes") if is_remote(p, ideas) else t("week.no"),
                "note": p.note,
            }
        )
    recurrences = []
    for action, dates in year_view(plan, year):
        end = (datetime.combine(date(2000, 1, 1), action.start) + timedelta(minutes=action.minutes)).time()
        card = ideas.get(action.action, {})
        for day in dates:
            recurrences.append(
                {
                    "kind": t("week.kind_recurring"),
                    "date": day.isoformat(),
                    "start": action.start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                    "activity": title(action.action, ideas, lang),
                    "owner": action.owner.strip(),
                    "budget": _number(action.budget, lang),
                    "currency": plan.currency,
                    "materials": "",
                    "remote": t("week.yes") if card.get("remote", True) else t("week.no"),
                    "note": "",
                }
            )
    rows.extend(sorted(recurrences, key=lambda r: (r["date"], r["start"])))
    return rows


def to_csv(plan: Plan, ideas: Mapping[str, dict], year: int, lang: str) -> bytes:
    """The plan as CSV for a spreadsheet: UTF-8 with BOM; ``;`` and decimal commas in French."""
    t = Translator(lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([t(f"week.col_{c}") for c in CSV_COLUMNS])
    for row in csv_rows(plan, ideas, year, lang):
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def plan_html(plan: Plan, ideas: Mapping[str, dict], year: int, lang: str, *, heading: str = "") -> str:
    """The printable one-page plan (``widgets/templates/week_plan.html``); all text is escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    t = Translator(lang)
    days = week_days(year)
    grid = []
    for part in ("morning", "afternoon"):
        row = []
        for d in range(5):
            cell = []
            for p in sorted((p for p in plan.placements if p.day == d), key=lambda p: slot(p, plan, ideas)):
                start, end = slot(p, plan, ideas)
                # A whole-day or midday placement shows in both rows.
                if (start < plan.morning[1]) if part == "morning" else (end > plan.morning[1]):
                    cell.append(
                        {
                            "title": title(p.idea, ideas, lang),
                            "time": f"{format_time(start, 'short', locale=i18n.babel_locale(lang))}–{format_time(end, 'short', locale=i18n.babel_locale(lang))}",
                            "owner": p.owner.strip(),
                            "budget": money(p.budget, plan.currency, lang),
                            "remote": is_remote(p, ideas),
                            "note": p.note,
                        }
                    )
            row.append(cell)
        grid.append({"label": t(f"week.part_{part}"), "cells": row})
    lines, materials_total = materials(plan, ideas, lang)
    monday, friday = service_week(year)
    fr_monday, fr_friday = french_week(year)
    recurring = [
        {
            "title": title(a.action, ideas, lang),
            "rule": t(f"week.freq_{a.freq}"),
            "count": len(dates),
            "first": i18n.format_date(dates[0], "d MMM", lang) if dates else "",
            "owner": a.owner.strip(),
            "budget": money(a.budget * len(dates), plan.currency, lang),
        }
        for a, dates in year_view(plan, year)
    ]
    return env.get_template("week_plan.html").render(
        lang=lang,
        t=t,
        heading=heading or t("week.plan_title", year=year),
        dates=t(
            "week.dates", start=i18n.format_date(monday, "d MMMM", lang), end=i18n.format_date(friday, "d MMMM y", lang)
        ),
        french=t(
            "week.french_dates",
            start=i18n.format_date(fr_monday, "d MMMM", lang),
            end=i18n.format_date(fr_friday, "d MMMM y", lang),
        ),
        days=[i18n.format_date(d, "EEEE d", lang) for d in days],
        grid=grid,
        conflicts=[c.message(lang) for c in conflicts(plan, ideas, lang)],
        total=money(budget_total(plan), plan.currency, lang),
        budget=money(plan.budget, plan.currency, lang) if plan.budget is not None else "",
        year_total=money(year_budget(plan, year), plan.currency, lang),
        materials=[
            {
                "name": l.name,
                "quantity": _quantity(l.quantity),
                "total": money(l.total, plan.currency, lang),
                "ideas": ", ".join(l.ideas),
            }
            for l in lines
        ],
        materials_total=money(materials_total, plan.currency, lang),
        recurring=recurring,
    )


# --- reading a plan sent as JSON ------------------------------------------------------------


def _text(value: Any, field_name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        raise Invalid("core.error_invalid", field=field_name)
    return " ".join(value.split()) if field_name != "note" else value.strip()


def _time(value: Any, field_name: str) -> time | None:
    if value is None or isinstance(value, time):
        return value
    try:
        hour, minute = (int(x) for x in str(value).split(":"))
        return time(hour, minute)
    except ValueError:
        raise Invalid("core.error_invalid", field=field_name) from None


def _int(value: Any, field_name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid("core.error_invalid", field=field_name)
    return value


def _plan_from_dict(data: Any) -> Plan:
    if not isinstance(data, dict):
        raise Invalid("core.error_invalid", field="plan")
    # Bounded: a page could otherwise send a plan the quadratic conflict check chokes on.
    if len(data.get("placements") or []) > MAX_PLACEMENTS or len(data.get("recurring") or []) > MAX_RECURRING:
        raise Invalid("core.error_invalid", field="plan")
    placements = []
    for raw in data.get("placements") or []:
        if not isinstance(raw, dict):
            raise Invalid("core.error_invalid", field="placements")
        stuff = raw.get("materials")
        if stuff is not None:
            if not isinstance(stuff, list) or len(stuff) > 50 or not all(isinstance(m, dict) for m in stuff):
                raise Invalid("core.error_invalid", field="materials")
            stuff = [Material(_text(m.get("name"), "name"), m.get("quantity", 1), m.get("unit_cost", 0)) for m in stuff]
        placements.append(
            Placement(
                idea=_text(raw.get("idea"), "idea"),
                day=raw.get("day"),
                part=raw.get("part", "morning"),
                start=_time(raw.get("start"), "start"),
                end=_time(raw.get("end"), "end"),
                owner=_text(raw.get("owner"), "owner"),
                budget=raw.get("budget") or 0,
                materials=stuff,
                remote=raw.get("remote") if isinstance(raw.get("remote"), bool) else None,
                note=_text(raw.get("note"), "note"),
            )
        )
    recurring = []
    for raw in data.get("recurring") or []:
        if not isinstance(raw, dict):
            raise Invalid("core.error_invalid", field="recurring")
        recurring.append(
            Recurring(
                action=_text(raw.get("action"), "action"),
                freq=raw.get("freq", "monthly"),
                weekday=raw.get("weekday", 1),
                nth=raw.get("nth", 1),
                start=_time(raw.get("start", "10:00"), "start"),
                minutes=raw.get("minutes", 30),
                owner=_text(raw.get("owner"), "owner"),
                budget=raw.get("budget") or 0,
                start_month=raw.get("start_month", 1),
            )
        )
    hours = {}
    for name in ("morning", "afternoon"):
        if name in data:
            pair = data[name]
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise Invalid("core.error_invalid", field=name)
            hours[name] = (_time(pair[0], name), _time(pair[1], name))
    currency = data.get("currency", "EUR")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise Invalid("core.error_invalid", field="currency")
    uid = data.get("uid") or uuid.uuid4().hex[:16]
    if not isinstance(uid, str) or not uid.isalnum() or len(uid) > 40:
        raise Invalid("core.error_invalid", field="uid")
    return Plan(
        placements=placements,
        recurring=recurring,
        budget=data.get("budget"),
        currency=currency.upper(),
        headcount=_int(data.get("headcount", 10), "headcount", 1, 100000),
        remote_staff=bool(data.get("remote_staff", True)),
        uid=uid,
        **hours,
    )
