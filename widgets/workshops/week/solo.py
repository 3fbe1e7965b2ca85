"""The week planner for a team lead alone: the same dates, cards, planner, year view and files as the live workshop.

It opens on the example plan of ``datasets/week/demo.yaml`` so the screens are
never empty; "Clear the plan" starts from a blank week.

>>> solo = SoloWeek("en")
>>> solo.own_ideas.value = "Team quiz\\n\\nteam quiz\\nPizza lunch"
>>> [solo.planner.ideas[i]["title"] for i in ("own-0", "own-1")]
['Team quiz', 'Pizza lunch']
"""

from __future__ import annotations

import os

import ipywidgets as w

from widgets import content
from widgets.core.errors import Invalid
from widgets.core.i18n import Translator, pick_language
from widgets.core.settings import Settings
from widgets.core.text import clean_text, duplicate_key
from widgets.ui.trainer import query
from widgets.workshops.week import pricing
from widgets.workshops.week import rules as week
from widgets.workshops.week.dashboard import _html, dates_html
from widgets.workshops.week.planner import WeekPlanner, card_list_html, next_week_year

OWN_MAX = 20


def own_cards(text: str) -> dict[str, dict]:
    """The learner's own ideas, one per line (duplicates once), as planner cards ``own-0``, ``own-1``..."""
    out, seen = {}, set()
    for line in text.splitlines():
        try:
            idea = clean_text(line, 80)
        except Invalid:
            continue  # an empty or over-long line is left out
        if duplicate_key(idea) not in seen and len(out) < OWN_MAX:
            seen.add(duplicate_key(idea))
            out[f"own-{len(out)}"] = week.custom_idea(f"own-{len(out)}", idea)
    return out


def example_plan(lang: str) -> tuple[str, week.Plan]:
    """The example's own ideas (one per line) and its plan."""
    sample = content.load("week/demo")
    cards = week.cards(lang)
    plan = week.Plan.from_dict(
        {
            **{k: v for k, v in sample["plan"].items() if k not in ("placements", "recurring")},
            **({"budget": pricing.convert(sample["plan"]["budget"], lang)} if "budget" in sample["plan"] else {}),
            "currency": pricing.currency(lang),
            "placements": [
                {**p, **({"budget": pricing.convert(p["budget"], lang)} if "budget" in p else {})}
                for p in sample["plan"]["placements"]
            ],
        }
    )
    plan.recurring = [
        week.recurring_from_card(cards[r["action"]], owner=r.get("owner", "")) for r in sample["plan"]["recurring"]
    ]
    return "\n".join(content.text(t, lang) for t in sample["ideas"]), plan


class SoloWeek(w.VBox):
    """Year, ideas, week, year and files on one page; every change redraws what depends on it."""

    def __init__(self, lang: str):
        self.lang, self.t = lang, Translator(lang)
        t = self.t
        ideas_text, plan = example_plan(lang)
        self.planner = WeekPlanner(lang, year=next_week_year(), plan=plan)
        self.year = w.BoundedIntText(
            value=self.planner.year,
            min=1984,
            max=2100,
            description=t("week.year_label"),
            layout=w.Layout(width="220px"),
        )
        self.dates = w.HTML(dates_html(self.planner.year, lang))
        self.year.observe(lambda ch: self._year(int(ch["new"])), names="value")
        self.own_ideas = w.Textarea(
            value=ideas_text,
            description=t("week.own_ideas"),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="95%", height="110px"),
        )
        self.own_ideas.observe(lambda _: self._ideas(), names="value")
        clear = w.Button(description=t("week.clear_plan"), layout=w.Layout(width="auto"))
        clear.on_click(lambda _: self.planner.set_plan(week.Plan(currency=self.planner.plan.currency)))
        heading = lambda key: w.HTML(str(_html().title(t(key))))
        super().__init__(
            [
                w.HTML(str(_html().message(t("week.solo_intro"), "big"))),
                self.year,
                self.dates,
                heading("week.solo_ideas"),
                w.HTML(card_list_html(week.cards(lang), lang)),
                self.own_ideas,
                heading("week.solo_week"),
                self.planner.week,
                clear,
                heading("week.solo_year"),
                self.planner.year_box,
                heading("week.solo_output"),
                self.planner.output,
            ]
        )
        self._ideas()

    def _year(self, year: int) -> None:
        self.dates.value = dates_html(year, self.lang)
        self.planner.set_year(year)

    def _ideas(self) -> None:
        ideas = {**week.cards(self.lang), **own_cards(self.own_ideas.value)}
        choices = [(week.title(i, ideas, self.lang), i) for i, c in ideas.items() if "freq" not in c]
        self.planner.set_ideas(ideas, choices)


def solo_planner(lang: str | None = None) -> SoloWeek:
    """The self-paced notebook's view, in the language asked, of the page's address or of the browser."""
    lang = pick_language(lang, query().get("lang"), os.environ.get("HTTP_ACCEPT_LANGUAGE"), default=Settings().language)
    return SoloWeek(lang)
