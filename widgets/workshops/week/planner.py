"""The week planner's widgets, shared by the trainer's dashboard and the solo notebook.

A :class:`WeekPlanner` holds one :class:`~widgets.workshops.week.rules.Plan` and shows it three
ways: the week (placements, the calendar grid, the warnings, the budget), the
year (recurring actions, a twelve-month table) and the files to download. Every
rule it shows comes from :mod:`widgets.workshops.week.rules`; ``on_change(plan)`` is called after
each edit so the owner can keep the plan (the dashboard writes it to the session).

>>> planner = WeekPlanner("en", year=2025)
>>> planner.add("kickoff-breakfast", day=0)
>>> planner.add("internal-awards", day=0)
>>> planner.placement_rows[1].part.value = "morning"
>>> [c.kind for c in planner.conflicts()]
['big_overlap', 'executives_twice']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import ipywidgets as w
from babel.dates import format_time, get_month_names

from widgets import content
from widgets.core import i18n
from widgets.core.errors import Invalid
from widgets.core.i18n import Translator
from widgets.ui.templating import replace_children
from widgets.workshops.week import pricing
from widgets.workshops.week import rules as week
from widgets.workshops.week.export import plan_files

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Calendar time zones offered for the .ics (France, Belgium, Switzerland, Québec and Ontario, then UTC).
TIMEZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "America/Toronto",
    "America/Halifax",
    "America/Vancouver",
    "UTC",
)
_QUANTITY = re.compile(r"^(?P<name>.*?)\s*(?:[×x*]\s*(?P<qty>\d+(?:[.,]\d+)?))?$", re.IGNORECASE)
_ROW_WARNINGS = ("big_overlap", "executives_twice", "owner_twice")


def next_week_year(today: date | None = None) -> int:
    """The year of the next Customer Service Week to come (this year's until its Friday is over).

    >>> next_week_year(date(2025, 10, 10)), next_week_year(date(2025, 10, 11))
    (2025, 2026)
    """
    today = today or date.today()
    return today.year if today <= week.service_week(today.year)[1] else today.year + 1


def parse_materials(text: str) -> list[week.Material] | None:
    """Materials typed as ``item × quantity; item × quantity`` (``x`` or ``*`` also work); empty: the card's own list.

    >>> [(m.name, str(m.quantity)) for m in parse_materials("Banners × 2; balloons x 30 ; cake")]
    [('Banners', '2'), ('balloons', '30'), ('cake', '1')]
    >>> parse_materials("  ") is None
    True
    """
    if not text.strip():
        return None
    out = []
    for part in text.split(";")[:50]:
        found = _QUANTITY.match(" ".join(part.split()))
        name = found["name"].strip()[: week.TEXT_MAX] if found else ""
        if name:
            out.append(week.Material(name, (found["qty"] or "1").replace(",", ".")))
    return out or None


def materials_text(items: list[week.Material] | None) -> str:
    if not items:
        return ""
    return "; ".join(f"{m.name} × {week._quantity(m.quantity)}" for m in items)


def _parse_time(text: str) -> time | None:
    text = text.strip()
    if not text:
        return None
    try:
        hour, minute = (int(x) for x in text.replace("h", ":").split(":"))
        return time(hour, minute)
    except ValueError:
        raise Invalid("week.invalid_time") from None


def _render(name: str, **values) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return env.get_template(name).render(**values)


def card_list_html(ideas: Mapping[str, dict], lang: str) -> str:
    """The content's idea cards with their effort, cost, size, people and remote answer (escaped)."""
    t = Translator(lang)
    roles = {r["id"]: content.text(r["name"], lang) for r in content.load("week/ideas")["roles"]}
    currency = pricing.currency(lang)
    mine = content.organisation_ids("week/ideas")
    cards = []
    for card in ideas.values():
        if "why" not in card:
            continue  # a recurring action or one of the group's own ideas
        cost = card["cost"]
        cards.append(
            {
                "id": card["id"],
                "title": content.text(card["title"], lang),
                "what": content.text(card["what"], lang),
                "effort": t(f"week.effort_{card['effort']}"),
                "cost": t(
                    f"week.cost_per_{cost['per']}",
                    min=week.money(Decimal(str(cost["min"])), currency, lang),
                    max=week.money(Decimal(str(cost["max"])), currency, lang),
                ),
                "size": t(f"week.size_{card['size']}"),
                "big": card["size"] == "big",
                "remote": card["remote"],
                "remote_label": t("week.remote_yes" if card["remote"] else "week.remote_no"),
                "involves": t("week.involves", roles=", ".join(roles.get(r, r) for r in card["involves"])),
                "origin": t("week.from_organisation") if card["id"] in mine else "",
            }
        )
    return _render("week_cards.html", cards=cards)


class _Row:
    """The widgets of one placement."""

    def __init__(self, planner: WeekPlanner, index: int):
        p = planner.plan.placements[index]
        t, lang = planner.t, planner.lang
        days = week.week_days(planner.year)
        narrow = lambda px: w.Layout(width=px)
        self.title = w.HTML(
            _render("week_planner_parts.html", part="row_title", text=week.title(p.idea, planner.ideas, lang)),
            layout=narrow("200px"),
        )
        self.day = w.Dropdown(
            options=[(i18n.format_date(d, "EEE d MMM", lang), i) for i, d in enumerate(days)],
            value=p.day,
            layout=narrow("140px"),
        )
        self.part = w.Dropdown(
            options=[(t(f"week.part_{part}"), part) for part in week.PARTS], value=p.part, layout=narrow("140px")
        )
        self.start = w.Text(
            value=p.start.strftime("%H:%M") if p.start else "",
            placeholder=t("week.start_label"),
            continuous_update=False,
            layout=narrow("80px"),
        )
        self.end = w.Text(
            value=p.end.strftime("%H:%M") if p.end else "",
            placeholder=t("week.end_label"),
            continuous_update=False,
            layout=narrow("80px"),
        )
        self.owner = w.Text(
            value=p.owner,
            placeholder=t("week.owner_label"),
            tooltip=t("week.owner_label"),
            continuous_update=False,
            layout=narrow("150px"),
        )
        self.budget = w.BoundedFloatText(
            value=float(p.budget),
            min=0,
            max=10_000_000,
            step=10,
            description=t("week.budget_label"),
            style={"description_width": "initial"},
            layout=narrow("160px"),
        )
        default = week.placement_materials(dataclasses.replace(p, materials=None), planner.plan, planner.ideas, lang)
        self.materials = w.Text(
            value=materials_text(p.materials),
            continuous_update=False,
            placeholder=materials_text(default) or t("week.materials_hint"),
            tooltip=t("week.materials_hint"),
            layout=narrow("250px"),
        )
        self.remove = w.Button(description=t("week.remove"), layout=narrow("90px"))
        for name in ("day", "part", "start", "end", "owner", "budget", "materials"):
            getattr(self, name).observe(lambda ch, n=name: planner._edit(index, n, ch["new"]), names="value")
        self.remove.on_click(lambda _: planner.remove(index))
        self.box = w.HBox(
            [
                self.title,
                self.day,
                self.part,
                self.start,
                self.end,
                self.owner,
                self.budget,
                self.materials,
                self.remove,
            ],
            layout=w.Layout(
                flex_flow="row wrap", align_items="center", border_bottom="1px solid #d1d5db", padding="4px 0"
            ),
        )
        self.box.add_class("elan-week-row")
        self.show_times(p.part)

    def show_times(self, part: str) -> None:
        for field in (self.start, self.end):
            field.layout.display = None if part == "time" else "none"


class WeekPlanner:
    """One plan, three views: ``week`` (place ideas), ``year_box`` (the other 51 weeks), ``output`` (the files)."""

    def __init__(
        self,
        lang: str,
        *,
        year: int | None = None,
        ideas: Mapping[str, dict] | None = None,
        plan: week.Plan | None = None,
        choices: list[tuple[str, str]] | None = None,
        on_change: Callable[[week.Plan], None] | None = None,
        heading: str = "",
    ):
        self.lang, self.t = lang, Translator(lang)
        self.year = year or next_week_year()
        self.ideas = dict(ideas or week.cards(lang))
        self.plan = plan or week.Plan(currency=pricing.currency(lang))
        self.on_change = on_change
        self.heading = heading
        t = self.t

        # --- the week ---
        self.add_picker = w.Dropdown(description=t("week.idea_label"), layout=w.Layout(width="460px"))
        self.add_button = w.Button(
            description=t("week.add_idea"), button_style="primary", layout=w.Layout(width="auto")
        )
        self.add_picker.add_class("elan-week-add")
        self.add_button.add_class("elan-week-add-button")
        self.add_button.on_click(lambda _: self.add(self.add_picker.value) if self.add_picker.value else None)
        self.budget = w.Text(
            placeholder=t("week.no_budget"),
            description=t("week.plan_budget"),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="220px"),
        )
        self.headcount = w.BoundedIntText(
            min=1,
            max=100000,
            description=t("week.headcount"),
            style={"description_width": "initial"},
            layout=w.Layout(width="200px"),
        )
        self.remote_staff = w.Checkbox(description=t("week.remote_staff"), indent=False)
        self.budget.add_class("elan-week-budget")
        for field in (self.budget, self.headcount, self.remote_staff):
            field.observe(lambda _: self._settings_changed(), names="value")
        self.error = w.HTML()
        self.rows = w.VBox()
        self.placement_rows: list[_Row] = []
        self.board = w.HTML()
        self.board.add_class("elan-week-board-view")
        settings = w.HBox(
            [self.budget, self.headcount, self.remote_staff],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        adder = w.HBox([self.add_picker, self.add_button], layout=w.Layout(flex_flow="row wrap"))
        self.week = w.VBox([self.board, adder, self.error, self.rows, settings])

        # --- the year ---
        self.year_rows = w.VBox()
        self.year_html = w.HTML()
        self.year_box = w.VBox([self.year_html, self.year_rows])

        # --- the files ---
        self.tz = w.Dropdown(
            options=TIMEZONES,
            value=TIMEZONES[0],
            description=t("week.timezone"),
            style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )
        self.tz.observe(lambda _: self.redraw_output(), names="value")
        self.links = w.HTML()
        self.preview = w.HTML()
        self.output = w.VBox([self.links, self.tz, self.preview])

        self.set_choices(choices)
        self.set_plan(self.plan)

    # --- what to show ------------------------------------------------------------------

    def set_choices(self, choices: list[tuple[str, str]] | None) -> None:
        """The ideas offered for placing, as (label, idea id): by default every content idea."""
        if choices is None:
            choices = [(week.title(i, self.ideas, self.lang), i) for i, c in self.ideas.items() if "freq" not in c]
        value = self.add_picker.value
        self.add_picker.options = choices
        ids = [i for _, i in choices]
        self.add_picker.value = value if value in ids else (ids[0] if ids else None)

    def set_ideas(self, ideas: Mapping[str, dict], choices: list[tuple[str, str]] | None = None) -> None:
        before = [c["id"] for c in self.recurring_cards()]
        self.ideas = dict(ideas)
        self.set_choices(choices)
        if [c["id"] for c in self.recurring_cards()] != before:
            self._build_year_rows()  # the group added one of its own recurring actions
        self.redraw()

    def recurring_cards(self) -> list[dict]:
        """The recurring actions to offer: the content's, then the group's own (custom cards with a frequency)."""
        own = [c for c in self.ideas.values() if c.get("custom") and "freq" in c]
        return list(content.load("week/week")["recurring"]) + own

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self._build_rows()
            self.redraw()

    def set_plan(self, plan: week.Plan) -> None:
        """Show another plan (a restarted kernel's, or one another dashboard saved)."""
        self.plan = plan
        for field, value in (
            (self.budget, "" if plan.budget is None else week._quantity(plan.budget)),
            (self.headcount, plan.headcount),
            (self.remote_staff, plan.remote_staff),
        ):
            field.unobserve_all("value")
            field.value = value
            field.observe(lambda _: self._settings_changed(), names="value")
        self._build_rows()
        self._build_year_rows()
        self.redraw()

    # --- edits ------------------------------------------------------------------------------

    def add(self, idea: str, *, day: int = 0, part: str = "morning", owner: str = "", budget=0) -> None:
        """Place an idea on a day (0 = Monday), with the card's default materials."""
        self.plan.placements.append(week.Placement(idea, day=day, part=part, owner=owner, budget=budget))
        self._build_rows()
        self._changed()

    def remove(self, index: int) -> None:
        del self.plan.placements[index]
        self._build_rows()
        self._changed()

    def _edit(self, index: int, field: str, value) -> None:
        placement = self.plan.placements[index]
        try:
            if field in ("start", "end"):
                value = _parse_time(value)
            elif field == "owner":
                value = " ".join(value.split())[: week.TEXT_MAX]
            elif field == "budget":
                value = Decimal(str(value))
            elif field == "materials":
                value = parse_materials(value)
            changed = dataclasses.replace(placement, **{field: value})
        except Invalid as exc:
            key, values = ("week.invalid_time", {}) if field in ("start", "end") else (exc.key, exc.values)
            self.error.value = _render("week_planner_parts.html", part="error", text=self.t(key, **values))
            return
        self.error.value = ""
        self.plan.placements[index] = changed
        if field == "part":
            self.placement_rows[index].show_times(value)
        self._changed()

    def _settings_changed(self) -> None:
        text = self.budget.value.strip().replace(" ", "").replace(",", ".")
        try:
            self.plan.budget = week._money(text, "budget") if text else None
            self.error.value = ""
        except Invalid as exc:
            self.error.value = _render("week_planner_parts.html", part="error", text=self.t(exc.key, **exc.values))
            return
        self.plan.headcount = int(self.headcount.value)
        self.plan.remote_staff = bool(self.remote_staff.value)
        self._changed()

    def _set_recurring(self) -> None:
        actions = []
        for card, keep, owner, budget in self._year_fields:
            if keep.value:
                actions.append(
                    week.recurring_from_card(
                        card, owner=" ".join(owner.value.split())[: week.TEXT_MAX], budget=Decimal(str(budget.value))
                    )
                )
        self.plan.recurring = actions
        self._changed()

    def _changed(self) -> None:
        # Kept first, shown second: what the projector shows is already in the store
        # (a restarted kernel, another dashboard or an export never sees an older plan).
        if self.on_change:
            self.on_change(self.plan)
        self.redraw()

    # --- drawing -------------------------------------------------------------------------------

    def conflicts(self) -> list[week.Conflict]:
        return week.conflicts(self.plan, self.ideas, self.lang)

    def _build_rows(self) -> None:
        self.placement_rows = [_Row(self, i) for i in range(len(self.plan.placements))]
        replace_children(self.rows, [row.box for row in self.placement_rows])

    def _build_year_rows(self) -> None:
        t, lang = self.t, self.lang
        kept = {a.action: a for a in self.plan.recurring}
        self._year_fields, rows = [], []
        for card in self.recurring_cards():
            action = kept.get(card["id"])
            keep = w.Checkbox(
                value=action is not None,
                description=content.text(card["title"], lang),
                indent=False,
                layout=w.Layout(width="420px"),
            )
            owner = w.Text(
                value=action.owner if action else "",
                placeholder=t("week.owner_label"),
                continuous_update=False,
                layout=w.Layout(width="180px"),
            )
            budget = w.BoundedFloatText(
                value=float(action.budget if action else card["cost_per_time"]),
                min=0,
                max=1_000_000,
                description=t("week.budget_each"),
                style={"description_width": "initial"},
                layout=w.Layout(width="260px"),
            )
            for field in (keep, owner, budget):
                field.observe(lambda _: self._set_recurring(), names="value")
            keep.add_class("elan-week-keep")
            self._year_fields.append((card, keep, owner, budget))
            rows.append(
                w.HBox(
                    [keep, w.Label(t(f"week.freq_{card['freq']}"), layout=w.Layout(width="150px")), owner, budget],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                )
            )
        replace_children(self.year_rows, rows)

    def redraw(self) -> None:
        self.board.value = self.board_html()
        self.year_html.value = self.year_table_html()
        self.redraw_output()

    def redraw_output(self) -> None:
        files = self.files()
        labels = {
            "ics": "week.download_ics",
            "html": "week.download_html",
            "csv": "week.download_csv",
            "materials": "week.download_materials",
        }
        self.links.value = _render(
            "week_files.html",
            title=self.t("week.downloads_title"),
            files=[
                {"format": fmt, "href": f.data_uri(), "name": f.name, "label": self.t(labels[fmt])}
                for fmt, f in files.items()
            ],
        )
        page = files["html"].body.decode("utf-8")
        self.preview.value = _render(
            "week_planner_parts.html", part="preview", title=self.t("week.download_html"), page=page
        )

    def files(self):
        return plan_files(self.plan, self.ideas, self.year, self.lang, tz=self.tz.value, heading=self.heading)

    def board_html(self) -> str:
        """The week as a calendar on the projector, the warnings with their explanations, the total."""
        t, lang, plan = self.t, self.lang, self.plan
        found = self.conflicts()
        flagged = {i for c in found if c.kind in _ROW_WARNINGS for i in c.placements}
        rows = []
        for part in ("morning", "afternoon"):
            cells = [[] for _ in range(5)]
            order = sorted(range(len(plan.placements)), key=lambda i: week.slot(plan.placements[i], plan, self.ideas))
            for i in order:
                p = plan.placements[i]
                start, end = week.slot(p, plan, self.ideas)
                # A whole-day or midday action shows in both rows, as on the printed plan.
                if (start < plan.morning[1]) if part == "morning" else (end > plan.morning[1]):
                    cells[p.day].append(
                        {
                            "idea": p.idea,
                            "title": week.title(p.idea, self.ideas, lang),
                            "time": f"{format_time(start, 'short', locale=i18n.babel_locale(lang))}–{format_time(end, 'short', locale=i18n.babel_locale(lang))}",
                            "owner": p.owner,
                            "budget": week.money(p.budget, plan.currency, lang),
                            "remote": t("week.remote_mark") if week.is_remote(p, self.ideas) else "",
                            "big": self.ideas.get(p.idea, {}).get("size") == "big",
                            "warn": i in flagged,
                        }
                    )
            rows.append({"label": t(f"week.part_{part}"), "cells": cells})
        total = week.budget_total(plan)
        if plan.budget is None:
            total_text = t("week.total_week", total=week.money(total, plan.currency, lang))
        else:
            total_text = t(
                "week.total_of_budget",
                total=week.money(total, plan.currency, lang),
                budget=week.money(plan.budget, plan.currency, lang),
            )
            if total <= plan.budget:
                total_text += " · " + t("week.left_over", left=week.money(plan.budget - total, plan.currency, lang))
        return _render(
            "week_board.html",
            heading=t("week.plan_title", year=self.year),
            days=[i18n.format_date(d, "EEEE d MMM", lang) for d in week.week_days(self.year)],
            rows=rows,
            empty=t("week.empty_week") if not plan.placements else "",
            total=total_text,
            over=plan.budget is not None and total > plan.budget,
            warnings=[{"kind": c.kind, "message": c.message(lang), "explanation": c.explanation(lang)} for c in found],
            warnings_title=t("week.conflicts_title"),
            no_warnings=t("week.no_conflicts"),
        )

    def year_table_html(self) -> str:
        """The year as twelve months: the week in October, each recurring action on its days."""
        t, lang = self.t, self.lang
        months = get_month_names("abbreviated", locale=i18n.babel_locale(lang))
        monday, friday = week.service_week(self.year)
        csw = ["" for _ in range(12)]
        csw[9] = f"{monday.day}–{friday.day}"
        rows = [{"title": t("week.week_row"), "owner": "", "cells": csw, "css": "csw"}]
        for action, dates in week.year_view(self.plan, self.year):
            cells = ["" for _ in range(12)]
            for d in dates:
                cells[d.month - 1] = (cells[d.month - 1] + " " + str(d.day)).strip()
            rows.append(
                {"title": week.title(action.action, self.ideas, lang), "owner": action.owner, "cells": cells, "css": ""}
            )
        total = week.year_budget(self.plan, self.year)
        return _render(
            "week_year.html",
            action_title=t("week.action_column"),
            months=[months[m] for m in range(1, 13)],
            rows=rows,
            total=t("week.year_total", total=week.money(total, self.plan.currency, lang)),
        )
