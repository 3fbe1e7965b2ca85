"""The values workshop's trainer dashboard: from the room's words to a service philosophy statement.

Six steps (nine screens): why a philosophy (the examples, one per screen), the
brainstorm, the dot vote, keep five, action statements (written, then voted),
the vision (written, then rated on the three criteria) and the statement, with
its downloads. What the trainer decides (the values kept, the chosen statements
and vision, the purpose) is kept with ``engine.set_data``, so a restarted kernel
resumes where the session was.

>>> dash = trainer_dashboard("en")          # no trainer key: demo mode, sample answers
>>> [v.name for v in statement(dash).values][:2]
['Listening', 'Speed']
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import ipywidgets as w

from widgets import content
from widgets.core.errors import EngineError, Invalid
from widgets.core.i18n import Translator
from widgets.core.text import duplicate_key
from widgets.ui.board import CardWall
from widgets.ui.chart import Chart
from widgets.ui.dashboard import Dashboard, Phase
from widgets.ui.results import rating_spread
from widgets.ui.templating import close_all, macros
from widgets.ui.vote import DotVoteResults
from widgets.workshops.values import philosophy

WORKSHOP = "values"
CARDS, VOTE, ACTIONS, ACTION_VOTE, VISIONS, VISION_RATE = (
    "cards",
    "vote",
    "actions",
    "action_vote",
    "visions",
    "vision_rate",
)
EXAMPLES = "values/examples"


TEMPLATES = Path(__file__).resolve().parent / "templates"
#: How many values a session may keep, and dots a person may place: the bounds of the trainer's choices.
KEEP_RANGE, DOTS_RANGE = (2, 10), (1, 20)


def _doc() -> dict:
    return content.load(philosophy.CONTENT)


def _html(name: str = "dashboard.html"):
    """The workshop's HTML pieces: the macros of ``templates/<name>`` (autoescaped); the solo view's are ``solo.html``."""
    return macros(TEMPLATES, name)


# --- what the session holds -------------------------------------------------------------


def vote_settings(dash) -> tuple[int, bool]:
    saved = dash.stored().get("dots") or {}
    return int(saved.get("budget") or _doc()["dots"]), bool(saved.get("stack", False))


def keep_count(dash) -> int:
    """How many values the group keeps: the trainer's choice for this session, else the content's default."""
    return int(dash.stored().get("keep_n") or _doc()["keep"])


def _adjust(dash) -> dict:
    saved = dash.stored().get("keep_adjust") or {}
    return {"add": list(saved.get("add") or []), "remove": list(saved.get("remove") or [])}


def computed_kept(dash) -> list[dict]:
    """The values as the vote and the trainer's adjustment give them now."""
    ranking = dash.results(VOTE).get("ranking", [])
    try:
        return philosophy.keep_top(ranking, keep_count(dash), _adjust(dash))
    except Invalid:
        return philosophy.keep_top(ranking, keep_count(dash))


def kept(dash) -> list[dict]:
    """The team's values: frozen when the action statements open, else as computed now."""
    saved = dash.stored().get("kept")
    return saved if saved else computed_kept(dash)


def _slim(cards: list[dict]) -> list[dict]:
    return [{"id": c["id"], "text": c["text"], "dots": c.get("dots", 0), "voters": c.get("voters", 0)} for c in cards]


def chosen_actions(dash) -> dict[str, str]:
    saved = dash.stored().get("actions")
    if saved:
        return saved
    return philosophy.best_actions(dash.results(ACTION_VOTE).get("ranking", []))


def chosen_vision(dash) -> str:
    saved = dash.stored().get("vision")
    if saved:
        return saved
    best = philosophy.best_proposal(dash.results(VISION_RATE).get("targets", []))
    return best["text"] if best else ""


def statement(dash) -> philosophy.Statement:
    """The service philosophy statement as the session stands."""
    data = dash.stored()
    return philosophy.from_session(
        kept(dash),
        chosen_actions(dash),
        chosen_vision(dash),
        purpose=data.get("purpose", ""),
        organisation=data.get("organisation", ""),
    )


# --- the activities participants see ----------------------------------------------------------


def brainstorm_spec(dash) -> dict:
    doc = _doc()
    return {
        "kind": "ideas",
        "id": CARDS,
        "prompt": doc["question"],
        "hint": [doc["card_hint"]],
        "max_per_participant": 12,
        "max_length": 80,
    }


def vote_spec(dash) -> dict:
    budget, stack = vote_settings(dash)
    return {
        "kind": "dots",
        "id": VOTE,
        "source": CARDS,
        "budget": budget,
        "stack": stack,
        "prompt": _doc()["prompts"]["vote"],
    }


def actions_spec(dash) -> dict:
    doc = _doc()
    values = kept(dash)
    if dash.code and dash.phase.id == "actions":
        # Opening the statements freezes the values: the tags must not move under the room's feet.
        values = computed_kept(dash)
        dash.keep("kept", _slim(values))
    return {
        "kind": "ideas",
        "id": ACTIONS,
        "prompt": doc["prompts"]["actions"],
        "tags": [{"id": str(v["id"]), "label": v["text"]} for v in values],
        "hint": doc["action_hints"]["advice"],
        "max_per_participant": 10,
        "max_length": 200,
    }


def action_vote_spec(dash) -> dict:
    return {
        "kind": "dots",
        "id": ACTION_VOTE,
        "source": ACTIONS,
        "budget": max(1, len(kept(dash))),
        "stack": False,
        "prompt": _doc()["prompts"]["action_vote"],
    }


def vision_spec(dash) -> dict:
    return {
        "kind": "ideas",
        "id": VISIONS,
        "prompt": _doc()["prompts"]["vision"],
        "max_per_participant": 3,
        "max_length": 160,
    }


def rate_spec(dash) -> dict:
    doc = _doc()
    return {
        "kind": "rate",
        "id": VISION_RATE,
        "source": VISIONS,
        "scale": [1, 5],
        "prompt": doc["prompts"]["rate"],
        "criteria": [{"id": c["id"], "label": c["label"]} for c in doc["criteria"]],
    }


# --- 1. why a philosophy -----------------------------------------------------------------


def _screen_html(screen: dict, lang: str, t, n: int, total: int) -> str:
    texts = {
        key: content.text(value, lang) for key, value in screen.items() if key not in ("id", "type", "points", "url")
    }
    texts["points"] = [content.text(point, lang) for point in screen.get("points", [])]
    source = t("values.source", source=content.text(screen["source"], lang))
    if content.origin(EXAMPLES, screen["id"]) == content.ORGANISATION:
        source = f"{t('values.from_organisation')} · {source}"  # each item says where it comes from
    return str(_html().screen(dict(texts, type=screen["type"]), source, t("values.screen_of", n=n, total=total)))


def build_why(dash) -> w.Widget:
    screens = content.load(EXAMPLES)["screens"]
    view = w.HTML()
    prev, nxt = (
        w.Button(description=d, tooltip=dash.t(k), layout=w.Layout(width="120px", height="56px"))
        for d, k in (("◀", "core.previous"), ("▶", "core.next"))
    )

    def show(i: int) -> None:
        i = max(0, min(len(screens) - 1, i))
        dash.data["why"] = i
        view.value = _screen_html(screens[i], dash.lang, dash.t, i + 1, len(screens))

    prev.on_click(lambda _: show(dash.data.get("why", 0) - 1))
    nxt.on_click(lambda _: show(dash.data.get("why", 0) + 1))
    prev.add_class("elan-values-prev")
    nxt.add_class("elan-values-next")
    show(dash.data.get("why", 0))
    return w.VBox([view, w.HBox([prev, nxt])])


# --- 2. brainstorm ------------------------------------------------------------------------------


def word_cloud(results: dict) -> list[tuple[str, int]]:
    """The room's words: each visible card with how many cards were merged into it, most first."""
    cards = results.get("cards", [])
    weight = {c["id"]: 1 for c in cards if c["status"] == "visible" and not c["merged_into"]}
    for c in cards:
        if c["merged_into"] in weight:
            weight[c["merged_into"]] += 1
    text = {c["id"]: c["text"] for c in cards}
    return sorted(((text[i], n) for i, n in weight.items()), key=lambda pair: (-pair[1], pair[0].lower()))


#: The word cloud's type sizes (``size-0`` to ``size-7`` in the dashboard's CSS): the most-cited word is the largest.
CLOUD_SIZES = 8


def _cloud_html(words: list[tuple[str, int]], title: str) -> str:
    if not words:
        return ""
    top = max(n for _, n in words)
    sized = [{"text": word, "size": round((CLOUD_SIZES - 1) * (n - 1) / max(1, top - 1))} for word, n in words]
    return str(_html().cloud(title, sized))


def _cliches_html(dash, results: dict) -> str:
    seen, items = set(), []
    for card in results.get("cards", []):
        if card["status"] != "visible" or card["merged_into"]:
            continue
        cliche = philosophy.find_cliche(card["text"])
        if cliche and cliche["id"] not in seen:
            seen.add(cliche["id"])
            items.append(
                {
                    "card": card["text"],
                    "why": content.text(cliche["why"], dash.lang),
                    "prompts": [content.text(p, dash.lang) for p in cliche["prompts"]],
                }
            )
    return str(_html().cliches(dash.t("values.cliche_spotted"), items, dash.lang)) if items else ""


def build_brainstorm(dash) -> w.Widget:
    box = w.VBox()
    box.question = w.HTML(str(_html().message(content.text(_doc()["question"], dash.lang), "title")))
    box.cloud, box.cliches = w.HTML(), w.HTML()
    box.wall = CardWall(dash, CARDS)
    box.children = [box.question, box.cloud, box.cliches, box.wall]
    return box


def refresh_brainstorm(dash) -> None:
    box = dash.widgets_by_phase.get("brainstorm")
    if box is None:
        return
    results = dash.results(CARDS)
    box.wall.update(results)
    box.cloud.value = _cloud_html(word_cloud(results), dash.t("values.word_cloud"))
    box.cliches.value = _cliches_html(dash, results)


# --- 3. dot vote ------------------------------------------------------------------------------------


def build_vote(dash) -> w.Widget:
    budget, stack = vote_settings(dash)
    budget_field = w.BoundedIntText(
        value=budget,
        min=DOTS_RANGE[0],
        max=DOTS_RANGE[1],
        description=dash.t("values.budget"),
        style={"description_width": "initial"},
        layout=w.Layout(width="240px"),
    )
    stack_box = w.Checkbox(value=stack, description=dash.t("values.stack"), indent=False)
    apply = w.Button(description=dash.t("values.apply_vote_settings"))
    settings = w.HBox([budget_field, stack_box, apply], layout=w.Layout(align_items="center", flex_flow="row wrap"))
    rule = w.HTML(str(_html().message(dash.t("values.tie_break_rule"))))
    box = DotVoteResults(dash, VOTE, "values", above=[settings], below=[rule])
    box.budget, box.stack = budget_field, stack_box

    def on_apply(_):
        dash.keep("dots", {"budget": int(box.budget.value), "stack": bool(box.stack.value)})
        dash._act(dash.engine.open_activity, vote_spec(dash), phase="vote", open=True)

    apply.on_click(on_apply)
    return box


def refresh_vote(dash) -> None:
    box = dash.widgets_by_phase.get("vote")
    if box is not None:
        box.refresh()


# --- 4. keep five ---------------------------------------------------------------------------------


def build_keep(dash) -> w.Widget:
    box = w.VBox()
    box.kept, box.tie, box.rows, box.help = w.HTML(), w.HTML(), w.VBox(), w.HTML()
    # A session choice, not content: a short workshop may keep three values, a long one seven.
    box.count = w.BoundedIntText(
        value=keep_count(dash),
        min=KEEP_RANGE[0],
        max=KEEP_RANGE[1],
        description=dash.t("values.keep_count"),
        style={"description_width": "initial"},
        layout=w.Layout(width="260px"),
    )
    box.count.add_class("elan-values-keep-count")
    apply = w.Button(description=dash.t("values.apply_keep_count"))
    apply.add_class("elan-values-keep-apply")
    apply.on_click(lambda _: set_keep_count(dash, int(box.count.value)))
    settings = w.HBox([box.count, apply], layout=w.Layout(align_items="center", flex_flow="row wrap"))
    box.keep_rows = {}  # card id -> its row, updated in place by refresh_keep
    box.children = [box.kept, box.tie, settings, box.help, box.rows]
    return box


def set_keep_count(dash, n: int) -> None:
    """The trainer's choice of how many values to keep; the values already frozen follow it."""
    n = max(KEEP_RANGE[0], min(KEEP_RANGE[1], int(n)))
    adjust = _adjust(dash)
    if len(adjust["add"]) > n:
        dash.message.value = str(_html().message(dash.t("values.error_too_many_kept", max=n), "error"))
        return
    dash.keep("keep_n", n)
    if dash.stored().get("kept"):
        dash.keep("kept", _slim(computed_kept(dash)))
    refresh_keep(dash)


def _toggle_kept(dash, card_id, keep: bool) -> None:
    adjust = _adjust(dash)
    if keep:
        if card_id in adjust["remove"]:
            adjust["remove"].remove(card_id)
        else:
            adjust["add"].append(card_id)
    else:
        if card_id in adjust["add"]:
            adjust["add"].remove(card_id)
        else:
            adjust["remove"].append(card_id)
    ranking = dash.results(VOTE).get("ranking", [])
    try:
        philosophy.keep_top(ranking, keep_count(dash), adjust)
    except Invalid as exc:
        dash.message.value = str(_html().message(dash.t(exc.key, **exc.values), "error"))
        return
    dash.keep("keep_adjust", adjust)
    if dash.stored().get("kept"):
        dash.keep("kept", _slim(computed_kept(dash)))


def refresh_keep(dash) -> None:
    box = dash.widgets_by_phase.get("keep")
    if box is None:
        return
    n = keep_count(dash)
    if box.count.value != n:
        box.count.value = n
    box.help.value = str(_html().message(dash.t("values.keep_help", n=n)))
    ranking = dash.results(VOTE).get("ranking", [])
    values = computed_kept(dash)
    ids = {v["id"] for v in values}
    listed = [{"text": v["text"], "dots": dash.t("values.dots_count", n=v.get("dots", 0))} for v in values]
    box.kept.value = str(_html().kept(dash.t("values.kept_title", n=len(values)), listed))
    tied = philosophy.tied_at_cut(ranking, n)
    if tied:
        names = ", ".join(c["text"] for c in ranking if c["id"] in tied)
        box.tie.value = str(_html().tie(dash.t("values.tie_at_cut"), dash.t("values.tied_cards", cards=names)))
    else:
        box.tie.value = ""
    listed = ranking[: n + 7]
    rows = [_keep_row(dash, box, card, card["id"] in ids) for card in listed]
    _drop_rows(box.keep_rows, {card["id"] for card in listed})
    _set_children(box.rows, rows)


def _keep_row(dash, box, card: dict, inside: bool) -> w.HBox:
    """One ranked card's row, kept across refreshes (keyed by card) and updated in place."""
    row = box.keep_rows.get(card["id"])
    if row is None:
        button = w.Button(layout=w.Layout(width="120px"))
        row = box.keep_rows[card["id"]] = w.HBox([button, w.Label()], layout=w.Layout(align_items="center"))
        row._elan_inside = inside
        button.on_click(lambda _, r=row, c=card["id"]: _toggle_kept(dash, c, not r._elan_inside))
    button, label = row.children
    row._elan_inside = inside
    _set(button, dash.t("values.drop_value" if inside else "values.keep_value"), "description")
    _set(button, "" if inside else "info", "button_style")
    _set(label, f"{card['text']} · {dash.t('values.dots_count', n=card['dots'])}")
    return row


def _drop_rows(rows: dict, keep: set) -> None:
    """Close the rows no longer shown (a replaced widget left open lives on in the kernel)."""
    for key in [k for k in rows if k not in keep]:
        close_all(rows.pop(key))


def _set(widget: w.Widget, value, name: str = "value") -> None:
    """Change a trait only when it differs (an equal value would still be sent to the browser)."""
    if getattr(widget, name) != value:
        setattr(widget, name, value)


def _set_children(box: w.Box, children: list) -> None:
    if list(box.children) != children:
        box.children = children


# --- 5. action statements -------------------------------------------------------------------------


def build_actions(dash) -> w.Widget:
    box = w.VBox()
    box.grouped = w.HTML()
    box.wall = CardWall(dash, ACTIONS)
    moderation = w.Accordion([box.wall])
    moderation.set_title(0, dash.t("values.moderation"))
    moderation.selected_index = None
    box.children = [box.grouped, moderation]
    return box


def _grouped_html(dash, values: list[dict], cards: list[dict], dots: dict | None = None) -> str:
    groups = []
    for value in values:
        tiles = []
        for card in (c for c in cards if str(c.get("tag")) == str(value["id"])):
            hint = philosophy.check_action_statement(card["text"], dash.lang)
            tiles.append(
                {
                    "text": card["text"],
                    "count": dash.t("values.dots_count", n=dots[card["id"]]) if dots and card["id"] in dots else "",
                    "hint": dash.t(hint) if hint else "",
                }
            )
        groups.append({"value": value["text"], "tiles": tiles})
    return str(_html().grouped(groups, dash.t("values.no_proposal")))


def refresh_actions(dash) -> None:
    box = dash.widgets_by_phase.get("actions")
    if box is None:
        return
    results = dash.results(ACTIONS)
    box.wall.update(results)
    cards = [c for c in results.get("cards", []) if c["status"] == "visible" and not c["merged_into"]]
    box.grouped.value = _grouped_html(dash, kept(dash), cards)


def build_action_vote(dash) -> w.Widget:
    box = w.VBox()
    box.status, box.grouped, box.pickers = w.HTML(), w.HTML(), w.VBox()
    save = w.Button(description=dash.t("values.save_actions"), button_style="primary", layout=w.Layout(width="auto"))

    def on_save(_):
        chosen = {tag: picker.value for tag, picker in box.picker_by_tag.items() if picker.value}
        dash.keep("actions", chosen)
        box.note.value = str(_html().message(dash.t("values.saved"), "counts"))

    save.on_click(on_save)
    box.picker_by_tag = {}  # kept value id -> its picker, updated in place by refresh_action_vote
    box.picker_heading = w.HTML(str(_html().heading(dash.t("values.chosen_action"))))
    box.note = w.HTML()  # apart from the live redraws, which would wipe it
    box.children = [box.status, box.grouped, box.pickers, save, box.note]
    return box


def refresh_action_vote(dash) -> None:
    box = dash.widgets_by_phase.get("action_vote")
    if box is None:
        return
    results = dash.results(ACTION_VOTE)
    ranking = results.get("ranking", [])
    values = kept(dash)
    if not dash.is_revealed(ACTION_VOTE):
        box.status.value = str(_html().message(dash.t("values.votes_hidden", n=results.get("voters", 0)), "big"))
        box.grouped.value = ""
    else:
        box.status.value = ""
        dots = {c["id"]: c["dots"] for c in ranking}
        box.grouped.value = _grouped_html(dash, values, ranking, dots)
    chosen = chosen_actions(dash)
    tags = [str(value["id"]) for value in values]
    rows = [_action_picker(box, value, ranking, chosen.get(str(value["id"]), "")) for value in values]
    _drop_rows(box.picker_by_tag, set(tags))
    _set_children(box.pickers, [box.picker_heading] + rows)


def _action_picker(box, value: dict, ranking: list[dict], saved: str) -> w.Dropdown:
    """A kept value's action-statement picker, kept across refreshes (keyed by value) and updated in place.

    A choice the trainer has made but not saved yet survives a refresh while it is still an option.
    """
    tag = str(value["id"])
    options = [c["text"] for c in ranking if str(c.get("tag")) == tag]
    if saved and saved not in options:
        options.insert(0, saved)
    choices = tuple([("—", "")] + [(text, text) for text in options])
    picker = box.picker_by_tag.get(tag)
    if picker is None:
        picker = box.picker_by_tag[tag] = w.Dropdown(
            options=choices,
            value=saved,
            description=value["text"],
            style={"description_width": "180px"},
            layout=w.Layout(width="95%"),
        )
        picker._elan_saved = saved
        return picker
    # The trainer's unsaved choice stays, unless the saved choice itself changed (saved elsewhere).
    wanted = picker.value if picker._elan_saved == saved else saved
    if wanted not in [v for _, v in choices]:
        wanted = saved
    if tuple(picker.options) != choices:
        with picker.hold_sync():
            picker.options = choices  # this selects the first option: put the choice back
            picker.value = wanted
    else:
        _set(picker, wanted)
    picker._elan_saved = saved
    _set(picker, value["text"], "description")
    return picker


# --- 6. vision --------------------------------------------------------------------------------------


def build_vision(dash) -> w.Widget:
    box = w.VBox()
    box.wall = CardWall(dash, VISIONS)
    box.children = [box.wall]
    return box


def refresh_vision(dash) -> None:
    box = dash.widgets_by_phase.get("vision")
    if box is not None:
        box.wall.update(dash.results(VISIONS))


def _criteria(lang: str) -> list[tuple[str, str]]:
    return [(c["id"], content.text(c["label"], lang)) for c in _doc()["criteria"]]


def build_rate(dash) -> w.Widget:
    box = w.VBox()
    questions = [
        {"label": content.text(c["label"], dash.lang), "question": content.text(c["question"], dash.lang)}
        for c in _doc()["criteria"]
    ]
    box.status, box.table, box.chart = w.HTML(), w.HTML(), Chart()
    box.picker = w.Dropdown(
        description=dash.t("values.vision_title"), style={"description_width": "initial"}, layout=w.Layout(width="95%")
    )
    save = w.Button(description=dash.t("values.save_vision"), button_style="primary", layout=w.Layout(width="auto"))

    def on_save(_):
        if box.picker.value:
            dash.keep("vision", box.picker.value)
            box.note.value = str(_html().message(dash.t("values.saved"), "counts"))

    save.on_click(on_save)
    box.note = w.HTML()
    box.children = [
        w.HTML(str(_html().questions(questions))),
        box.status,
        box.chart,
        box.table,
        box.picker,
        save,
        box.note,
    ]
    return box


def _rating_table(dash, targets: list[dict]) -> str:
    t = dash.t
    criteria = _criteria(dash.lang)

    def shown(number) -> str:
        return "–" if number is None else str(number)

    rows = [
        {
            "text": target.get("text", ""),
            "cells": [
                {"mean": shown(target["criteria"][cid]["mean"]), "spread": shown(target["criteria"][cid]["spread"])}
                for cid, _ in criteria
            ],
            "overall": shown(target.get("overall")),
        }
        for target in targets
    ]
    return str(
        _html().rating_table(
            t("values.column_proposal"),
            t("values.column_average"),
            [label for _, label in criteria],
            rows,
            t("values.vision_tie_break"),
        )
    )


def refresh_rate(dash) -> None:
    box = dash.widgets_by_phase.get("vision_rate")
    if box is None:
        return
    results = dash.results(VISION_RATE)
    targets = results.get("targets", [])
    shown = dash.is_revealed(VISION_RATE)
    box.chart.layout.display = None if shown else "none"
    if shown:
        box.chart.update(rating_spread(results, _criteria(dash.lang)))
        box.table.value = _rating_table(dash, targets)
        best = philosophy.best_proposal(targets)
        box.status.value = str(_html().best(dash.t("values.vision_best"), best["text"], dash.lang)) if best else ""
    else:
        box.table.value = ""
        box.status.value = str(_html().message(dash.t("values.votes_hidden", n=results.get("raters", 0)), "big"))
    current = chosen_vision(dash)
    options = [t["text"] for t in targets]
    if current and current not in options:
        options.insert(0, current)
    box.picker.options = [("—", "")] + [(text, text) for text in options]
    box.picker.value = current if current in options else ""


# --- 7. the statement ---------------------------------------------------------------------------


def downloads(statement_: philosophy.Statement, lang: str, *, date: str | None = None) -> dict[str, tuple[str, str]]:
    """The statement's files: format -> (file name, data URI), each from the export functions."""
    date = date or dt.date.today().isoformat()
    files = {
        "html": ("text/html", philosophy.to_html(statement_, lang, date=date)),
        "md": ("text/markdown", philosophy.to_markdown(statement_, lang, date=date)),
        "csv": ("text/csv", philosophy.to_csv(philosophy.statement_rows(statement_))),
    }
    name = "philosophie-de-service" if lang == "fr" else "service-philosophy"
    return {
        fmt: (f"{name}.{fmt}", f"data:{mime};charset=utf-8;base64,{base64.b64encode(body.encode()).decode()}")
        for fmt, (mime, body) in files.items()
    }


def statement_html(statement_: philosophy.Statement, lang: str, t) -> str:
    """A projector preview of the statement (every text escaped)."""
    doc = _doc()
    sections = {s["id"]: s for s in doc["template"]["sections"]}
    title = content.text(doc["template"]["title"], lang)
    if statement_.organisation:
        title = t("values.title_with_organisation", title=title, organisation=statement_.organisation)

    def section(key: str, filled: bool, **values) -> dict:
        placeholder = "" if filled else content.text(sections[key]["placeholder"], lang)
        return {"id": key, "title": content.text(sections[key]["title"], lang), "placeholder": placeholder, **values}

    action_placeholder = content.text(sections["actions"]["placeholder"], lang)
    parts = [
        section("purpose", bool(statement_.purpose), text=statement_.purpose),
        section("vision", bool(statement_.vision), text=statement_.vision),
        section("values", bool(statement_.values), entries=[v.name for v in statement_.values]),
        section(
            "actions",
            True,
            entries=[{"name": v.name, "action": v.action or action_placeholder} for v in statement_.values],
        ),
    ]
    return str(_html().statement(title, parts, lang))


def links_html(files: dict[str, tuple[str, str]], t, lang: str = "fr") -> str:
    labels = {"html": "values.download_html", "md": "values.download_markdown", "csv": "values.download_csv"}
    listed = [{"format": fmt, "href": uri, "name": name, "label": t(labels[fmt])} for fmt, (name, uri) in files.items()]
    return str(_html().links(t("values.download_title"), listed, t("values.print_hint"), lang))


def build_output(dash) -> w.Widget:
    box = w.VBox()
    data = dash.stored()
    box.purpose = w.Textarea(
        value=data.get("purpose", ""),
        description=dash.t("values.purpose_label"),
        style={"description_width": "160px"},
        layout=w.Layout(width="95%", height="70px"),
    )
    box.organisation = w.Text(
        value=data.get("organisation", ""),
        description=dash.t("values.organisation_label"),
        style={"description_width": "160px"},
        layout=w.Layout(width="60%"),
    )
    update = w.Button(
        description=dash.t("values.update_statement"), button_style="primary", layout=w.Layout(width="auto")
    )

    def on_update(_):
        dash.keep("purpose", box.purpose.value.strip()[:400])
        dash.keep("organisation", box.organisation.value.strip()[:120])
        refresh_output(dash)

    update.on_click(on_update)
    box.preview, box.links = w.HTML(), w.HTML()
    box.children = [box.links, box.preview, box.organisation, box.purpose, update]
    return box


def refresh_output(dash) -> None:
    box = dash.widgets_by_phase.get("output")
    if box is None:
        return
    current = statement(dash)
    box.preview.value = statement_html(current, dash.lang, dash.t)
    # The files in the session's language (the dashboard may be shown in another one).
    box.links.value = links_html(downloads(current, _lang(dash)), dash.t, dash.lang)


def _lang(dash) -> str:
    return dash.engine.session(dash.code)["lang"] if dash.code else dash.lang


# --- demo mode: sample answers from the content -----------------------------------------------------

#: Which common values (by position in the content list) each sample participant proposes and votes for.
_DEMO_CARDS = [[5, 8, 4], [5, 6, 0], [8, 5, 9], [4, 7, 1], [6, 2, 5], [3, 8]]
_DEMO_VOTES = [[5, 8, 4, 6, 0], [5, 8, 6, 4, 9], [5, 4, 8, 7, 0], [8, 5, 6, 4, 0], [5, 8, 4, 6, 3], [5, 6, 8]]


def _demo_people(dash) -> list[str]:
    if "demo_tokens" not in dash.data:
        dash.data["demo_tokens"] = [dash.engine.join(dash.code)[1] for _ in _DEMO_CARDS]
    return dash.data["demo_tokens"]


def _demo_open(dash, phase_id: str, spec: dict) -> None:
    dash.engine.open_activity(dash.trainer, dash.code, spec, phase=phase_id)


def _submit(dash, token: str, activity: str, payload: dict) -> None:
    try:
        dash.engine.submit(dash.code, token, activity, payload)
    except EngineError:
        pass  # a sample answer the rules refuse is simply left out


def demo_brainstorm(dash) -> None:
    doc, lang = _doc(), dash.lang
    names = [content.text(v["name"], lang) for v in doc["values"]]
    _demo_open(dash, "brainstorm", brainstorm_spec(dash))
    sent = set()
    for token, picks in zip(_demo_people(dash), _DEMO_CARDS):
        for i in picks:
            # A word sent again comes in lower case: the kit proposes them as duplicates.
            text = names[i % len(names)]
            if i in sent:
                text = text.lower()
            sent.add(i)
            _submit(dash, token, CARDS, {"text": text})
    for group in dash.results(CARDS)["duplicates"]:
        dash.engine.merge(dash.trainer, dash.code, group[1:], group[0])


def demo_vote(dash) -> None:
    _demo_open(dash, "vote", vote_spec(dash))
    by_key = {
        duplicate_key(c["text"]): c["id"]
        for c in dash.results(CARDS)["cards"]
        if c["status"] == "visible" and not c["merged_into"]
    }
    names = [content.text(v["name"], dash.lang) for v in _doc()["values"]]
    for token, picks in zip(_demo_people(dash), _DEMO_VOTES):
        for i in picks:
            card = by_key.get(duplicate_key(names[i % len(names)]))
            if card is not None:
                _submit(dash, token, VOTE, {"item": card, "dots": 1})
    dash.engine.reveal(dash.trainer, dash.code, VOTE)


def demo_actions(dash) -> None:
    doc, lang = _doc(), dash.lang
    values = computed_kept(dash)
    dash.engine.set_data(dash.trainer, dash.code, "kept", _slim(values))
    _demo_open(dash, "actions", actions_spec(dash))
    by_key = {duplicate_key(content.text(v["name"], lang)): v for v in doc["values"]}
    tokens = _demo_people(dash)
    for n, value in enumerate(values):
        known = by_key.get(duplicate_key(value["text"]))
        if not known:
            continue
        # The content's statement, and a weaker one (the meaning, not an action) to show the hint.
        _submit(
            dash,
            tokens[n % len(tokens)],
            ACTIONS,
            {"text": content.text(known["action"], lang), "tag": str(value["id"])},
        )
        _submit(
            dash,
            tokens[(n + 1) % len(tokens)],
            ACTIONS,
            {"text": content.text(known["meaning"], lang), "tag": str(value["id"])},
        )


def demo_action_vote(dash) -> None:
    _demo_open(dash, "action_vote", action_vote_spec(dash))
    cards = dash.results(ACTIONS)["cards"]
    for person, token in enumerate(_demo_people(dash)):
        seen = set()
        for card in cards:
            # Most people prefer the action statement; one person in three prefers the other.
            wants_first = person % 3 != 2
            first = card["tag"] not in seen
            if first == wants_first:
                _submit(dash, token, ACTION_VOTE, {"item": card["id"], "dots": 1})
            seen.add(card["tag"])
    dash.engine.reveal(dash.trainer, dash.code, ACTION_VOTE)


def demo_vision(dash) -> None:
    _demo_open(dash, "vision", vision_spec(dash))
    for token, text in zip(_demo_people(dash), _doc().get("samples", {}).get("visions", [])):
        _submit(dash, token, VISIONS, {"text": content.text(text, dash.lang)})


def demo_rate(dash) -> None:
    _demo_open(dash, "vision_rate", rate_spec(dash))
    targets = dash.results(VISION_RATE)["targets"]
    criteria = [c["id"] for c in _doc()["criteria"]]
    for person, token in enumerate(_demo_people(dash)):
        for t_index, target in enumerate(targets):
            for c_index, criterion in enumerate(criteria):
                score = max(1, min(5, 5 - t_index + (person + c_index) % 2 - 1))
                _submit(dash, token, VISION_RATE, {"target": target["id"], "criterion": criterion, "score": score})
    dash.engine.reveal(dash.trainer, dash.code, VISION_RATE)
    dash.session = dash.engine.session(dash.code)


# --- the dashboard ------------------------------------------------------------------------------


def _title(phase_id: str) -> dict:
    return {lang: Translator(lang)(f"values.phase_{phase_id}") for lang in content.LANGUAGES}


def phases() -> list[Phase]:
    """The workshop's screens, in the order the trainer runs them."""
    return [
        Phase("why", content.load(EXAMPLES)["title"], build=build_why, guide=1),
        Phase(
            "brainstorm",
            _title("brainstorm"),
            spec=brainstorm_spec,
            build=build_brainstorm,
            refresh=refresh_brainstorm,
            demo=demo_brainstorm,
            guide=2,
        ),
        Phase("vote", _title("vote"), spec=vote_spec, build=build_vote, refresh=refresh_vote, demo=demo_vote, guide=3),
        Phase("keep", _title("keep"), build=build_keep, refresh=refresh_keep, guide=4),
        Phase(
            "actions",
            _title("actions"),
            spec=actions_spec,
            build=build_actions,
            refresh=refresh_actions,
            demo=demo_actions,
            guide=5,
        ),
        Phase(
            "action_vote",
            _title("action_vote"),
            spec=action_vote_spec,
            build=build_action_vote,
            refresh=refresh_action_vote,
            demo=demo_action_vote,
            guide=5,  # the guide times proposing and voting as one step
        ),
        Phase(
            "vision",
            _title("vision"),
            spec=vision_spec,
            build=build_vision,
            refresh=refresh_vision,
            demo=demo_vision,
            guide=6,
        ),
        Phase(
            "vision_rate",
            _title("vision_rate"),
            spec=rate_spec,
            build=build_rate,
            refresh=refresh_rate,
            demo=demo_rate,
            guide=6,
        ),
        Phase("output", _title("output"), build=build_output, refresh=refresh_output, guide=7),
    ]


def trainer_dashboard(lang: str | None = None) -> Dashboard:
    """The values workshop's dashboard (demo mode with sample answers when opened without a trainer key)."""
    title = content.load("workshops")["workshops"]
    title = next(ws["title"] for ws in title if ws["id"] == WORKSHOP)
    return Dashboard(WORKSHOP, phases(), lang=lang, title=title)
