"""The Customer Service Week workshop's trainer dashboard: the dates, ideas, the vote, the plan, the year, the files.

The ten idea cards of the content are added to the session as cards of the
``ideas`` activity, so the room's own ideas from phones join the same list and
the same dot vote. What the trainer decides (the year, the plan with its
recurring actions) is kept with ``engine.set_data``, so a restarted kernel
resumes where the session was.

>>> dash = trainer_dashboard("en")          # no trainer key: demo mode, sample room and plan
>>> planner(dash).plan.placements[0].idea
'kickoff-breakfast'
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import ipywidgets as w

from widgets import content
from widgets.core import i18n
from widgets.core.errors import EngineError, Invalid
from widgets.core.i18n import Translator
from widgets.ui.board import CardWall
from widgets.ui.dashboard import Dashboard, Phase
from widgets.ui.templating import macros
from widgets.ui.vote import DotVoteResults
from widgets.workshops.week import pricing
from widgets.workshops.week import rules as week
from widgets.workshops.week.planner import WeekPlanner, card_list_html, next_week_year
from widgets.workshops.week.printables import idea_cards

WORKSHOP = "week"
IDEAS, VOTE = "week_ideas", "week_vote"
#: The facts the dates screen tells (ids in ``datasets/week/week.yaml``).
FACTS = ("icsa-founded", "us-congress", "employees-first")


TEMPLATES = Path(__file__).resolve().parent / "templates"
RECURRING = "week_recurring"
#: Dots a person may place: the bounds of the trainer's choice.
DOTS_RANGE = (1, 10)


def _html():
    """The dashboard's HTML pieces: the macros of ``templates/week_dashboard.html`` (autoescaped)."""
    return macros(TEMPLATES, "week_dashboard.html")


def _texts(key: str) -> dict:
    """An interface string in every language (an activity's prompt is shown in the session's language)."""
    return {lang: Translator(lang)(key) for lang in content.LANGUAGES}


# --- what the session holds -------------------------------------------------------------------


def _session_lang(dash) -> str:
    return dash.engine.session(dash.code)["lang"] if dash.code else dash.lang


def own_remote(dash) -> bool:
    """The trainer's choice: are the group's own ideas remote-friendly (True) or on-site only?"""
    return bool(dash.stored().get("own_remote", True))


def own_recurring(dash) -> bool:
    """The trainer's choice: may the group add recurring actions of its own, beside the content's?"""
    return bool(dash.stored().get("own_recurring", False))


def own_action_card(action_id: str, text: str, freq: str, *, remote: bool = True) -> dict:
    """A recurring action of the group's own, shaped like the content's (first Tuesday, 10:00, 30 minutes)."""
    return {
        "id": action_id,
        "title": text,
        "freq": freq,
        "weekday": 1,
        "nth": 1,
        "start": "10:00",
        "minutes": 30,
        "cost_per_time": 0,
        "remote": remote,
        "custom": True,
    }


def year(dash) -> int:
    return int(dash.stored().get("year") or next_week_year())


def seed_cards(dash) -> None:
    """Add the content's ten ideas to the session's idea cards, once."""
    cards = dash.results(IDEAS).get("cards", [])
    if any(c.get("card") for c in cards):
        return
    lang = _session_lang(dash)
    for card in content.load("week/ideas")["ideas"]:
        # Each phone shows the card in its own language: the card keeps its title in all of them.
        texts = {code: content.text(card["title"], code) for code in content.LANGUAGES}
        dash.engine.add_item(dash.trainer, dash.code, IDEAS, texts[lang], data={"card": card["id"], "texts": texts})


def idea_id(card: dict) -> str:
    """The planner's id of a session card: the content's id, or ``item-<n>`` for the room's own."""
    return card.get("card") or f"item-{card['id']}"


def session_ideas(dash) -> tuple[dict, list[tuple[str, str]]]:
    """Every card the plan may name, and the visible ones to offer, most dots first."""
    ideas = week.cards(_session_lang(dash))
    cards = dash.results(IDEAS).get("cards", [])
    remote = own_remote(dash)
    for card in cards:
        if not card.get("card"):
            ideas[idea_id(card)] = week.custom_idea(idea_id(card), card["text"], remote=remote)
    for action in dash.stored().get("own_actions") or []:
        ideas[action["id"]] = own_action_card(action["id"], action["text"], action["freq"], remote=remote)
    dots = {r["id"]: r["dots"] for r in dash.results(VOTE).get("ranking", [])}
    visible = [c for c in cards if c["status"] == "visible" and not c["merged_into"]]
    visible.sort(key=lambda c: -dots.get(c["id"], 0))
    # The organisation's own ideas say so where the trainer picks them for the plan.
    mine = content.organisation_ids("week/ideas")

    def name(i: str) -> str:
        title = week.title(i, ideas, dash.lang)
        return dash.t("week.idea_from_organisation", title=title) if i in mine else title

    choices = []
    for card in visible:
        label = name(idea_id(card))
        label = dash.t("week.dots_label", title=label, n=dots[card["id"]]) if dots.get(card["id"]) else label
        choices.append((label, idea_id(card)))
    if not choices:
        choices = [(name(i), i) for i, c in ideas.items() if "why" in c]
    return ideas, choices


def planner(dash) -> WeekPlanner:
    """The session's planner, made once per dashboard from the plan kept in the session."""
    if "planner" not in dash.data:
        ideas, choices = session_ideas(dash)
        plan = None
        try:
            plan = week.Plan.from_dict(dash.stored()["plan"]) if dash.stored().get("plan") else None
        except Invalid:
            plan = None  # a damaged plan: start a new one rather than fail the dashboard
        dash.data["planner"] = WeekPlanner(
            dash.lang,
            year=year(dash),
            ideas=ideas,
            plan=plan,
            choices=choices,
            on_change=lambda p: dash.keep("plan", p.to_dict()),
        )
    return dash.data["planner"]


def sync_planner(dash) -> None:
    """Take what the store says now: new cards and votes, another kernel's plan or year."""
    if "planner" not in dash.data:
        return
    p = dash.data["planner"]
    ideas, choices = session_ideas(dash)
    if ideas != p.ideas or choices != list(p.add_picker.options):
        p.set_ideas(ideas, choices)
    p.set_year(year(dash))
    stored = dash.stored().get("plan")
    if stored and stored != p.plan.to_dict():
        try:
            p.set_plan(week.Plan.from_dict(stored))
        except Invalid:
            pass


# --- 1. the dates ---------------------------------------------------------------------------------


def dates_html(year_: int, lang: str) -> str:
    """The week's dates, the French week, the rule and where the week comes from (escaped)."""
    t = Translator(lang)
    doc = content.load("week/week")
    monday, friday = week.service_week(year_)
    fr_monday, fr_friday = week.french_week(year_)
    facts = {f["id"]: f for f in doc["facts"]}
    listed = [
        {"year": int(f["year"]) if f.get("year") else "", "text": content.text(f["text"], lang)}
        for f in (facts[i] for i in FACTS)
    ]
    return str(
        _html().dates(
            t(
                "week.dates",
                start=i18n.format_date(monday, "d MMMM", lang),
                end=i18n.format_date(friday, "d MMMM y", lang),
            ),
            t(
                "week.french_dates",
                start=i18n.format_date(fr_monday, "d MMMM", lang),
                end=i18n.format_date(fr_friday, "d MMMM y", lang),
            ),
            t("week.rule_title"),
            content.text(doc["rule"], lang),
            t("week.facts_title"),
            listed,
        )
    )


def build_dates(dash) -> w.Widget:
    box = w.VBox()
    box.year = w.BoundedIntText(
        value=year(dash), min=1984, max=2100, description=dash.t("week.year_label"), layout=w.Layout(width="220px")
    )
    box.year.add_class("elan-week-year-input")
    box.html = w.HTML(dates_html(year(dash), dash.lang))

    def on_year(change):
        dash.keep("year", int(change["new"]))
        box.html.value = dates_html(int(change["new"]), dash.lang)
        if "planner" in dash.data:
            dash.data["planner"].set_year(int(change["new"]))

    box.year.observe(on_year, names="value")
    box.children = [box.year, box.html]
    return box


def refresh_dates(dash) -> None:
    box = dash.widgets_by_phase.get("dates")
    if box is not None and box.year.value != year(dash):
        box.year.value = year(dash)


# --- 2. ideas ---------------------------------------------------------------------------------------


def ideas_spec(dash) -> dict:
    if dash.code:
        seed_cards(dash)
    return {
        "kind": "ideas",
        "id": IDEAS,
        "prompt": _texts("week.ideas_prompt"),
        "max_per_participant": 5,
        "max_length": 80,
    }


def build_ideas(dash) -> w.Widget:
    box = w.VBox()
    box.wall = CardWall(dash, IDEAS)
    box.empty = w.HTML()
    cards = w.HTML(card_list_html(week.cards(dash.lang), dash.lang))
    # A session choice: the group's own ideas count as remote-friendly, or on-site only, in the plan's checks.
    box.remote = w.ToggleButtons(
        options=[(dash.t("week.own_onsite"), False), (dash.t("week.own_remote"), True)],
        value=own_remote(dash),
        description=dash.t("week.own_ideas_are"),
        style={"description_width": "initial", "button_width": "auto"},
    )
    box.remote.add_class("elan-week-own-remote")
    box.remote.observe(lambda change: set_own_remote(dash, bool(change["new"])), names="value")
    box.children = [
        w.HTML(str(_html().heading(dash.t("week.room_ideas")))),
        box.remote,
        box.empty,
        box.wall,
        w.HTML(str(_html().heading(dash.t("week.cards_title")))),
        w.HTML(print_link(dash.lang)),
        cards,
    ]
    return box


def print_link(lang: str) -> str:
    """A link to the idea cards as a printable page (one card per sheet), for a paper vote or a wall."""
    page = idea_cards(lang).encode("utf-8")
    href = "data:text/html;charset=utf-8;base64," + base64.b64encode(page).decode("ascii")
    name = "cartes-idees.html" if lang == "fr" else "idea-cards.html"
    return str(_html().download(Translator(lang)("week.print_cards"), name, href))


def set_own_remote(dash, remote: bool) -> None:
    dash.keep("own_remote", bool(remote))
    sync_planner(dash)


def refresh_ideas(dash) -> None:
    box = dash.widgets_by_phase.get("ideas")
    if box is None:
        return
    results = dash.results(IDEAS)
    # The content's cards are shown with their details below; the wall is the room's own.
    own = [c for c in results.get("cards", []) if not c.get("card")]
    ids = {c["id"] for c in own}
    box.wall.update(
        {**results, "cards": own, "duplicates": [g for g in results.get("duplicates", []) if set(g) <= ids]}
    )
    box.empty.value = "" if own else str(_html().message(dash.t("week.no_room_ideas")))
    if box.remote.value != own_remote(dash):
        box.remote.value = own_remote(dash)


# --- 3. the vote ---------------------------------------------------------------------------------------


def vote_budget(count: int) -> int:
    """Dots per person: about a third of the cards, from 3 to 5.

    >>> vote_budget(10), vote_budget(14), vote_budget(40)
    (3, 5, 5)
    """
    return max(3, min(5, round(count / 3)))


def vote_spec(dash) -> dict:
    budget = dash.stored().get("dots")
    if not budget:
        cards = [c for c in dash.results(IDEAS).get("cards", []) if c["status"] == "visible" and not c["merged_into"]]
        budget = vote_budget(len(cards))
        dash.keep("dots", budget)
    return {
        "kind": "dots",
        "id": VOTE,
        "source": IDEAS,
        "budget": int(budget),
        "stack": False,
        "prompt": _texts("week.vote_prompt"),
    }


def build_vote(dash) -> w.Widget:
    budget = int(dash.stored().get("dots") or vote_budget(len(dash.results(IDEAS).get("cards", []))))
    field = w.BoundedIntText(
        value=budget,
        min=DOTS_RANGE[0],
        max=DOTS_RANGE[1],
        description=dash.t("week.dots_each"),
        style={"description_width": "initial"},
        layout=w.Layout(width="240px"),
    )
    field.add_class("elan-week-dots")
    apply = w.Button(description=dash.t("week.apply"))
    apply.add_class("elan-week-dots-apply")
    settings = w.HBox([field, apply], layout=w.Layout(align_items="center", flex_flow="row wrap"))
    box = DotVoteResults(dash, VOTE, "week", above=[settings])
    box.dots = field

    def on_apply(_):
        dash.keep("dots", int(field.value))
        dash._act(dash.engine.open_activity, vote_spec(dash), phase="vote", open=True)

    apply.on_click(on_apply)
    return box


def refresh_vote(dash) -> None:
    box = dash.widgets_by_phase.get("vote")
    if box is not None:
        box.refresh()


# --- 4-6. the plan, the year, the files ----------------------------------------------------------------


def build_plan(dash) -> w.Widget:
    return planner(dash).week


def year_spec(dash) -> dict | None:
    """The group proposes recurring actions of its own from phones, when the trainer allows it."""
    if not own_recurring(dash):
        return None
    return {
        "kind": "ideas",
        "id": RECURRING,
        "prompt": _texts("week.recurring_prompt"),
        "max_per_participant": 3,
        "max_length": 80,
    }


def build_year(dash) -> w.Widget:
    box = w.VBox()
    box.allow = w.Checkbox(
        value=own_recurring(dash),
        description=dash.t("week.allow_own_recurring"),
        indent=False,
        layout=w.Layout(width="auto"),
    )
    box.allow.add_class("elan-week-allow-recurring")
    box.allow.observe(lambda change: set_own_recurring(dash, bool(change["new"])), names="value")
    box.wall = CardWall(dash, RECURRING)
    box.pick = w.Dropdown(
        description=dash.t("week.own_action"), style={"description_width": "initial"}, layout=w.Layout(width="460px")
    )
    box.freq = w.Dropdown(
        options=[(dash.t(f"week.freq_{f}"), f) for f in week.FREQS], value="monthly", layout=w.Layout(width="200px")
    )
    add = w.Button(description=dash.t("week.add_own_action"), button_style="primary", layout=w.Layout(width="auto"))
    add.add_class("elan-week-add-own-action")
    add.on_click(lambda _: add_own_action(dash, box.pick.value, box.freq.value) if box.pick.value else None)
    box.own = w.VBox([box.wall, w.HBox([box.pick, box.freq, add], layout=w.Layout(flex_flow="row wrap"))])
    box.children = [box.allow, box.own, planner(dash).year_box]
    refresh_year(dash, box)
    return box


def set_own_recurring(dash, allowed: bool) -> None:
    """The trainer's choice; phones see the proposal form at once, or stop seeing it."""
    dash.keep("own_recurring", bool(allowed))
    if dash.code and dash.phase.id == "year":
        spec = year_spec(dash)
        if spec:
            dash._act(dash.engine.open_activity, spec, phase="year", open=True)
        else:
            dash._act(
                dash.engine.open_activity,
                {"kind": "info", "id": "year", "title": _title("year")},
                phase="year",
                open=False,
            )
    refresh_year(dash)


def add_own_action(dash, text: str, freq: str) -> str:
    """Add one of the group's proposals to the year as a recurring action; returns its id."""
    text = " ".join(str(text or "").split())[: week.TEXT_MAX]
    if not text or freq not in week.FREQS:
        return ""
    actions = list(dash.stored().get("own_actions") or [])
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "action"
    action_id = f"own-{len(actions) + 1}-{slug}"
    actions.append({"id": action_id, "text": text, "freq": freq})
    dash.keep("own_actions", actions)
    p = planner(dash)
    ideas, choices = session_ideas(dash)
    p.set_ideas(ideas, choices)
    p.plan.recurring.append(week.recurring_from_card(ideas[action_id]))
    p._changed()
    p._build_year_rows()
    return action_id


def refresh_year(dash, box=None) -> None:
    box = box or dash.widgets_by_phase.get("year")
    sync_planner(dash)
    if box is None:
        return
    allowed = own_recurring(dash)
    if box.allow.value != allowed:
        box.allow.value = allowed
    box.own.layout.display = None if allowed else "none"
    results = dash.results(RECURRING) if dash.code else {}
    box.wall.update(results)
    taken = {a["text"] for a in dash.stored().get("own_actions") or []}
    offered = [
        c["text"]
        for c in results.get("cards", [])
        if c["status"] == "visible" and not c["merged_into"] and c["text"] not in taken
    ]
    if list(box.pick.options) != offered:
        box.pick.options = offered
        box.pick.value = offered[0] if offered else None


def build_output(dash) -> w.Widget:
    return planner(dash).output


# --- demo mode: a sample room and plan from datasets/week/demo.yaml ------------------------------------------


def _demo() -> dict:
    return content.load("week/demo")


def _demo_people(dash) -> list[str]:
    if "demo_tokens" not in dash.data:
        dash.data["demo_tokens"] = [dash.engine.join(dash.code)[1] for _ in _demo()["votes"]]
    return dash.data["demo_tokens"]


def _submit(dash, token: str, activity: str, payload: dict) -> None:
    try:
        dash.engine.submit(dash.code, token, activity, payload)
    except EngineError:
        pass  # a sample answer the rules refuse is simply left out


def _demo_ids(dash) -> dict[str, str]:
    """``own-N`` of the demo file -> the planner's id of that card in this session."""
    own = [c for c in dash.results(IDEAS).get("cards", []) if not c.get("card")]
    return {f"own-{n}": idea_id(c) for n, c in enumerate(own)}


def demo_ideas(dash) -> None:
    dash.engine.open_activity(dash.trainer, dash.code, ideas_spec(dash), phase="ideas")
    lang = _session_lang(dash)
    for token, text in zip(_demo_people(dash), _demo()["ideas"]):
        _submit(dash, token, IDEAS, {"text": content.text(text, lang)})


def demo_vote(dash) -> None:
    dash.engine.open_activity(dash.trainer, dash.code, vote_spec(dash), phase="vote")
    items = {idea_id(c): c["id"] for c in dash.results(IDEAS).get("cards", [])}
    own = _demo_ids(dash)
    for token, picks in zip(_demo_people(dash), _demo()["votes"]):
        for pick in picks:
            item = items.get(own.get(pick, pick))
            if item is not None:
                _submit(dash, token, VOTE, {"item": item, "dots": 1})
    dash.engine.reveal(dash.trainer, dash.code, VOTE)


def demo_plan(dash) -> None:
    sample = _demo()["plan"]
    own = _demo_ids(dash)
    lang = _session_lang(dash)
    cards = week.cards(lang)
    plan = {
        **{k: v for k, v in sample.items() if k not in ("placements", "recurring")},
        **({"budget": pricing.convert(sample["budget"], lang)} if "budget" in sample else {}),
        "currency": pricing.currency(lang),
        "placements": [
            {
                **p,
                "idea": own.get(p["idea"], p["idea"]),
                **({"budget": pricing.convert(p["budget"], lang)} if "budget" in p else {}),
            }
            for p in sample["placements"]
        ],
        "recurring": [
            week.recurring_from_card(cards[r["action"]], owner=r.get("owner", "")) for r in sample["recurring"]
        ],
    }
    plan["recurring"] = week.Plan(recurring=plan["recurring"]).to_dict()["recurring"]
    dash.engine.set_data(dash.trainer, dash.code, "plan", week.Plan.from_dict(plan).to_dict())
    dash.engine.open_activity(
        dash.trainer, dash.code, {"kind": "info", "id": "plan", "title": _title("plan")}, phase="plan", open=False
    )
    dash.session = dash.engine.session(dash.code)


# --- the dashboard ------------------------------------------------------------------------------------------


def _title(phase_id: str) -> dict:
    return _texts(f"week.phase_{phase_id}")


def refresh_planner(dash) -> None:
    sync_planner(dash)


def phases() -> list[Phase]:
    """The workshop's screens, in the order the trainer runs them."""
    return [
        Phase("dates", _title("dates"), build=build_dates, refresh=refresh_dates),
        Phase("ideas", _title("ideas"), spec=ideas_spec, build=build_ideas, refresh=refresh_ideas, demo=demo_ideas),
        Phase("vote", _title("vote"), spec=vote_spec, build=build_vote, refresh=refresh_vote, demo=demo_vote),
        Phase("plan", _title("plan"), build=build_plan, refresh=refresh_planner, demo=demo_plan),
        Phase("year", _title("year"), spec=year_spec, build=build_year, refresh=refresh_year),
        Phase("output", _title("output"), build=build_output, refresh=refresh_planner),
    ]


def trainer_dashboard(lang: str | None = None) -> Dashboard:
    """The week workshop's dashboard (demo mode with a sample room and plan when opened without a trainer key)."""
    title = next(ws["title"] for ws in content.load("workshops")["workshops"] if ws["id"] == WORKSHOP)
    return Dashboard(WORKSHOP, phases(), lang=lang, title=title)
