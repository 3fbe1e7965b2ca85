"""The case studies workshop's trainer dashboard: a branching complaint played live, then good catches.

Three screens: pick a case (cards with sector, channel, difficulty); play it (the
context, then each step: the customer's words on the projector, a response
chosen on every phone, the room's distribution and the feedback once revealed,
then the room's majority or the trainer's pick leads on; at the ending the
room’s path with the alternatives not taken and the turning step, the outcome,
the competence profile, the debrief and its printable report); and the
good-catch wall, where the trainer approves stories and downloads their badges.

The path so far is kept with ``engine.set_data`` (key ``case``), so a restarted
kernel resumes on the same step; every run of the session is kept too (key
``case_runs``) for the debrief report. Responses are shown in an order shuffled
per session (:func:`widgets.live.exercises.casebook.shown_order` seeded with the session code
and the run): the projector and every phone show the same order, a reload shows
it again, and the order is recorded with the play so the debrief names the
response, not only its letter. The rules (where a response leads, the scores)
are :mod:`widgets.live.exercises.casebook`'s.

>>> dash = trainer_dashboard("en")          # no trainer key: demo mode, a case played with sample answers
>>> play_state(dash)["choices"] != [] and casebook.walk(current_case(dash), play_state(dash)["choices"]).done
True
"""

from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets as w
import plotly.graph_objects as go

from widgets import content
from widgets.core.i18n import Translator
from widgets.live.exercises import casebook, story
from widgets.ui.chart import Chart
from widgets.ui.dashboard import Dashboard, Phase
from widgets.ui.results import FONT, choice_bars
from widgets.ui.templating import close_all, macros
from widgets.web import badges
from widgets.workshops.cases import report as cases_report
from widgets.workshops.cases.report import activity_id, letter, order_of

WORKSHOP = "cases"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CATCHES = "catches"
#: The story form's texts, sent to the phones with the activity (the page itself only knows the core strings).
STORY_LABELS = (
    "story_colleague",
    "story_title",
    "story_text",
    "story_value",
    "story_send",
    "story_sent",
    "story_hint",
    "story_mine",
    "story_status_pending",
    "story_status_visible",
    "story_status_hidden",
    "story_wall",
    "story_badge_svg",
    "story_badge_png",
    "story_certificate",
    "story_pick_value",
    "story_fill_all",
)


def _html():
    """The dashboard's HTML pieces: the macros of ``templates/dashboard.html`` (autoescaped)."""
    return macros(TEMPLATES, "dashboard.html")


def _message(text: str, css: str = "elan-big", tag: str = "p") -> str:
    return str(_html().message(text, css, tag))


def _both(key: str, **values) -> dict:
    """An interface string in every language, for a spec the phones translate themselves."""
    return {lang: Translator(lang)(key, **values) for lang in content.LANGUAGES}


# --- what the session holds ------------------------------------------------------------------


def play_state(dash) -> dict:
    """``{"id", "run", "started", "choices", "picks"}`` of the case being played, or ``{}``."""
    return dict(dash.stored().get("case") or {})


def seed(dash, play: dict) -> str:
    """What shuffles the responses of a run: the session code and the run (the demo has a session code too)."""
    return f"{dash.code or 'demo'}/{play.get('run', 1)}"


def _save_play(dash, play: dict) -> None:
    case = casebook.get_case(play["id"])
    walked = casebook.walk(case, play.get("choices", []))
    if walked.current:
        # The order shown is recorded the moment a step is shown; the debrief reads it back.
        orders = dict(play.get("orders") or {})
        orders.setdefault(walked.current, casebook.shown_order(case, walked.current, seed(dash, play)))
        play["orders"] = orders
    dash._act(dash.engine.set_data, "case", play)
    runs = dict(dash.stored().get(cases_report.RUNS) or {})
    runs[f"{play['id']}:{play.get('run', 1)}"] = play
    dash._act(dash.engine.set_data, cases_report.RUNS, runs, public=False)


def current_case(dash) -> dict | None:
    play = play_state(dash)
    try:
        return casebook.get_case(play["id"]) if play.get("id") else None
    except KeyError:
        return None


def step_spec(case: dict, step_id: str, run: int, *, revealed: bool = False, order: list[str] | None = None) -> dict:
    """The ``choice`` activity of one step, its responses in ``order`` (the shuffled order shown to the room).

    The feedback travels only once revealed (the phones show it then). The letter
    is part of each label, so the projector's "B" is the phones' "B".
    """
    item = casebook.step(case, step_id)
    order = order or [r["id"] for r in item["responses"]]
    options = []
    for i, response_id in enumerate(order):
        response = casebook.response(case, step_id, response_id)
        option = {
            "id": response["id"],
            "label": {lang: f"{letter(i)}. {text}" for lang, text in response["text"].items()},
        }
        if revealed:
            option["feedback"] = response["feedback"]
        options.append(option)
    return {
        "kind": "choice",
        "id": activity_id(case["id"], step_id, run),
        "title": case["title"],
        "prompt": item["situation"],
        "options": options,
    }


def room_counts(dash, case: dict, play: dict) -> dict[str, dict[str, int]]:
    """How many chose each response at each step the room answered (the input of ``room_profile``)."""
    walked = casebook.walk(case, play.get("choices", []))
    steps = list(walked.path) + ([walked.current] if walked.current else [])
    return {s: dash.results(activity_id(case["id"], s, play.get("run", 1))).get("counts", {}) for s in steps}


def profile(dash) -> dict[str, float]:
    """The room's competence profile on the case being played (0-100 per competence)."""
    case, play = current_case(dash), play_state(dash)
    if not case:
        return dict.fromkeys(casebook.COMPETENCES, 0.0)
    return casebook.room_profile(case, room_counts(dash, case, play))


def competence_labels(t) -> dict[str, str]:
    return {c: t(f"cases.competence_{c}") for c in casebook.COMPETENCES}


# --- the trainer's moves ------------------------------------------------------------------------


def _open(dash, spec: dict, *, open: bool = True) -> None:
    dash._act(dash.engine.open_activity, spec, phase="play", open=open)


def _info(case: dict, title: dict, prompt: dict) -> dict:
    return {"kind": "info", "id": f"{case['id']}#info", "title": title, "prompt": prompt}


def choose_case(dash, case_id: str) -> None:
    """Start (or start again) a case: its context on the projector, the phones wait."""
    casebook.get_case(case_id)  # an unknown case fails here, before anything is saved
    _save_play(dash, {"id": case_id, "run": _next_run(dash, case_id), "started": False, "choices": [], "picks": []})
    ids = [p.id for p in dash.phases]
    if dash.phase.id != "play":
        dash.go(ids.index("play"))
    else:
        _open(dash, play_spec(dash), open=False)
        refresh_play(dash)


def _next_run(dash, case_id: str) -> int:
    """A case played earlier in the session keeps its answers: a new run numbers its activities afresh."""
    specs = dash.engine.session(dash.code)["state"]["specs"] if dash.code else {}
    runs = [0]
    for activity in specs:
        parts = activity.split(":")
        if parts[0] == case_id and len(parts) in (2, 3):
            runs.append(int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 1)
    return max(runs) + 1


def start_case(dash) -> None:
    play = play_state(dash)
    play["started"] = True
    _save_play(dash, play)
    _open(dash, play_spec(dash))
    refresh_play(dash)


def reveal_step(dash) -> None:
    """The room's choices and every response's feedback, on the projector and the phones."""
    case, play = current_case(dash), play_state(dash)
    walked = casebook.walk(case, play["choices"])
    if walked.current is None:
        return
    spec = step_spec(
        case, walked.current, play["run"], revealed=True, order=order_of(case, play, walked.current, seed(dash, play))
    )
    _open(dash, spec, open=False)
    dash._act(dash.engine.reveal, spec["id"], True)
    refresh_play(dash)


def advance(dash, response_id: str, pick: str) -> None:
    """Go on with ``response_id``: ``pick`` says whose choice it was (``majority`` or ``trainer``)."""
    case, play = current_case(dash), play_state(dash)
    casebook.walk(case, play["choices"] + [response_id])  # refuses a response the step does not offer
    play["choices"] = play["choices"] + [response_id]
    play["picks"] = play.get("picks", []) + [pick]  # majority, tie (the trainer settled it) or trainer
    _save_play(dash, play)
    _open(dash, play_spec(dash), open=not casebook.walk(case, play["choices"]).done)
    refresh_play(dash)


def leaders(counts: dict[str, int]) -> list[str]:
    """The most chosen responses: one is a majority, several a tie, none when nobody answered.

    >>> leaders({"a": 3, "b": 3, "c": 0}), leaders({"a": 1, "b": 4}), leaders({"a": 0})
    (['a', 'b'], ['b'], [])
    """
    top = max(counts.values(), default=0)
    return [k for k, n in counts.items() if n == top] if top else []


def follow_majority(dash) -> str | None:
    """Follow the room's most chosen response; None when nobody answered or on a tie (the trainer then picks)."""
    case, play = current_case(dash), play_state(dash)
    walked = casebook.walk(case, play["choices"])
    if walked.current is None:
        return None
    top = leaders(dash.results(activity_id(case["id"], walked.current, play["run"])).get("counts", {}))
    if len(top) != 1:
        return None
    advance(dash, top[0], "majority")
    return top[0]


def back(dash) -> None:
    play = play_state(dash)
    if play.get("choices"):
        play["choices"], play["picks"] = play["choices"][:-1], play.get("picks", [])[:-1]
    else:
        play["started"] = False
    _save_play(dash, play)
    _open(dash, play_spec(dash), open=bool(play.get("started")))
    refresh_play(dash)


def step_back(dash) -> bool:
    """← in a case: back one case step (then to its context); False at the context, so ← leaves the case."""
    play = play_state(dash)
    if not current_case(dash) or not play.get("started"):
        return False
    back(dash)
    return True


def play_spec(dash) -> dict | None:
    """What the phones show now: the case's title and context, a step to answer, or the ending."""
    case, play = current_case(dash), play_state(dash)
    if not case:
        return None
    if not play.get("started"):
        return _info(case, case["title"], case["context"])
    walked = casebook.walk(case, play["choices"])
    if walked.done:
        return ending_spec(dash, case, play, walked)
    spec_id = activity_id(case["id"], walked.current, play["run"])
    revealed = bool(dash.code) and spec_id in dash.engine.session(dash.code)["state"].get("revealed", [])
    return step_spec(
        case,
        walked.current,
        play["run"],
        revealed=revealed,
        order=order_of(case, play, walked.current, seed(dash, play)),
    )


def ending_spec(dash, case: dict, play: dict, walked: casebook.Walk) -> dict:
    """The ending card (kind ``caseend``): the phones read its title and outcome, the projector the whole card."""
    end = casebook.ending(case, walked.ending)
    steps = [
        {
            "step": step_id,
            "activity": activity_id(case["id"], step_id, play["run"]),
            "order": order_of(case, play, step_id, seed(dash, play)),
        }
        for step_id in walked.path
    ]
    return {
        "kind": "caseend",
        "id": f"{case['id']}#end:{play['run']}",
        "title": end["title"],
        "prompt": end["outcome"],
        "case": case["id"],
        "choices": list(walked.choices),
        "steps": steps,
    }


# --- 1. pick a case ----------------------------------------------------------------------------


def _case_card(case: dict, t, lang: str, origin: str = content.KIT) -> str:
    stars = "●" * case["difficulty"] + "○" * (3 - case["difficulty"])
    return str(
        _html().case_card(
            content.text(case["title"], lang),
            t("cases.sector_" + case["sector"]),
            t("cases.channel_" + case["channel"]),
            stars,
            t("cases.difficulty_" + str(case["difficulty"])),
            t("cases.minutes", n=case["minutes"]) if case.get("minutes") else "",
            origin,
            # The organisation's own cases (added, or in place of the kit's) carry a badge; the kit's do not.
            t("cases.from_organisation") if origin == content.ORGANISATION else "",
        )
    )


def build_pick(dash) -> w.Widget:
    cards = []
    origins = content.origins_by_id("cases")
    cases = casebook.load_cases()
    # A case whose facts hold only in France is not offered to a Québec session; the trainer is told which and why.
    left_out = [case for case in cases if not casebook.offered(case, dash.lang)]
    for case in (case for case in cases if casebook.offered(case, dash.lang)):
        button = w.Button(
            description=dash.t("cases.pick_button"), button_style="primary", layout=w.Layout(width="auto")
        )
        button.add_class("elan-cases-pick")
        button.on_click(lambda _, cid=case["id"]: choose_case(dash, cid))
        cards.append(
            w.VBox(
                [w.HTML(_case_card(case, dash.t, dash.lang, origins.get(case["id"], content.KIT))), button],
                layout=w.Layout(width="370px", margin="4px"),
            )
        )
        cards[-1].add_class(f"elan-case-{case['id']}")
    notes = [
        dash.t(
            "cases.left_out_case",
            title=content.text(case["title"], dash.lang),
            why=content.text(case.get("left_out_note") or {"fr": "", "en": ""}, dash.lang),
        )
        for case in left_out
    ]
    return w.VBox(
        [
            w.HTML(_message(dash.t("cases.pick_help"))),
            w.HBox(cards, layout=w.Layout(flex_flow="row wrap")),
            w.HTML(str(_html().left_out(dash.t("cases.left_out", n=len(left_out)), notes)) if left_out else ""),
        ]
    )


# --- 2. play ------------------------------------------------------------------------------------------


def build_play(dash) -> w.Widget:
    box = w.VBox()
    box.head, box.main, box.status, box.feedback, box.ending = (w.HTML() for _ in range(5))
    box.chart, box.radar = Chart(), Chart()
    box.controls = w.HBox(layout=w.Layout(flex_flow="row wrap", align_items="center"))
    # The controls by key, updated in place at each refresh; a control no longer shown is closed
    # (else every refresh leaves its buttons alive in the kernel).
    box.keyed = {}
    box.children = [box.head, box.main, box.status, box.chart, box.feedback, box.controls, box.ending, box.radar]
    return box


def _set(widget: w.Widget, value, name: str = "value") -> None:
    """Change a trait only when it differs (an equal value would still be sent to the browser)."""
    if getattr(widget, name) != value:
        setattr(widget, name, value)


def _button(box, text: str, on_click, css: str, style: str = "") -> w.Button:
    """The play screen's button with class ``css`` (its key), created once; a click runs the latest ``on_click``."""
    button = box.keyed.get(css)
    if button is None:
        button = box.keyed[css] = w.Button(layout=w.Layout(width="auto", height="48px"))
        button.add_class(css)
        button.on_click(lambda b: b._elan_action())
    _set(button, text, "description")
    _set(button, style, "button_style")
    button._elan_action = on_click
    return button


def _note(box, key: str, text: str, css: str) -> w.HTML:
    """A line of text among the play screen's controls, kept by ``key`` like the buttons."""
    note = box.keyed.get(key)
    if note is None:
        note = box.keyed[key] = w.HTML()
    _set(note, _message(text, css, "span"))
    return note


def _show_controls(box, controls: list) -> None:
    """Show ``controls`` and close the keyed ones that are no longer among them."""
    kept = {id(c) for c in controls}
    for key in [k for k, c in box.keyed.items() if id(c) not in kept]:
        close_all(box.keyed.pop(key))
    if list(box.controls.children) != controls:
        box.controls.children = controls


def _head_html(case: dict, walked, t, lang: str) -> str:
    stars = "●" * case["difficulty"] + "○" * (3 - case["difficulty"])
    return str(
        _html().head(
            content.text(case["title"], lang),
            t("cases.sector_" + case["sector"]),
            t("cases.channel_" + case["channel"]),
            stars,
            t("cases.customer", name=case["customer"]["name"]),
            t("cases.mood_now", mood=t("cases.mood_" + walked.customer)),
        )
    )


def _response_rows(case: dict, step_id: str, order: list[str], lang: str, counts: dict | None, t) -> list[dict]:
    """The step's responses in the room's order; counts, the leading mark and feedback once revealed."""
    rows = []
    top = leaders(counts or {})
    for i, response_id in enumerate(order):
        response = casebook.response(case, step_id, response_id)
        shown = counts is not None
        mark = ""
        if shown and response["id"] in top:
            mark = t("cases.majority" if len(top) == 1 else "cases.tie")
        rows.append(
            {
                "id": response["id"],
                "letter": letter(i),
                "text": content.text(response["text"], lang),
                "count": t("cases.answered", n=counts.get(response["id"], 0)) if shown else None,
                "mark": mark,
                "feedback": content.text(response["feedback"], lang) if shown else None,
            }
        )
    return rows


def refresh_play(dash) -> None:
    box = dash.widgets_by_phase.get("play")
    if box is None:
        return
    t, lang = dash.t, dash.lang
    case, play = current_case(dash), play_state(dash)
    box.chart.layout.display = box.radar.layout.display = "none"
    _set(box.status, "")
    _set(box.feedback, "")
    if not case:
        _set(box.ending, "")
        _set(box.head, "")
        _set(box.main, _message(t("cases.no_case")))
        _show_controls(box, [])
        return
    walked = casebook.walk(case, play.get("choices", []))
    _set(box.head, _head_html(case, walked, t, lang))
    if not play.get("started"):
        _set(box.ending, "")
        _set(
            box.main,
            str(
                _html().context(
                    t("cases.context_title"),
                    content.text(case["context"], lang),
                    case["customer"]["name"],
                    content.text(case["customer"]["situation"], lang),
                )
            ),
        )
        _show_controls(
            box, [_button(box, t("cases.start_case"), lambda: start_case(dash), "elan-cases-start", "primary")]
        )
        return
    back_button = _button(box, t("cases.back_step"), lambda: back(dash), "elan-cases-back")
    if walked.done:
        _set(box.main, "")
        _draw_ending(dash, box, case, play, walked)
        _show_controls(
            box,
            [
                back_button,
                _button(box, t("cases.play_again"), lambda: choose_case(dash, case["id"]), "elan-cases-again"),
                _button(box, t("cases.another_case"), lambda: dash.go(0), "elan-cases-another"),
            ],
        )
        return
    _set(box.ending, "")
    item = casebook.step(case, walked.current)
    activity = activity_id(case["id"], walked.current, play["run"])
    results = dash.results(activity)
    shown = activity in dash.engine.session(dash.code)["state"].get("revealed", [])
    n = results.get("answered", 0)
    order = order_of(case, play, walked.current, seed(dash, play))
    counts = {rid: results.get("counts", {}).get(rid, 0) for rid in order}
    _set(
        box.main,
        str(
            _html().step(
                t("cases.step_of", n=len(walked.path) + 1),
                content.text(item["situation"], lang),
                _response_rows(case, walked.current, order, lang, counts if shown else None, t),
            )
        ),
    )
    labels = {rid: letter(i) for i, rid in enumerate(order)}
    if shown:
        box.chart.layout.display = None
        box.chart.update(choice_bars({"counts": counts}, labels))
        _set(box.status, _message(t("cases.answered", n=n), "elan-counts"))
        top = leaders(counts)
        controls = [back_button]
        if len(top) == 1:
            controls.append(
                _button(
                    box,
                    t("cases.follow_majority", letter=labels[top[0]]),
                    lambda: follow_majority(dash),
                    "elan-cases-majority",
                    "primary",
                )
            )
        elif top:
            tie = t("cases.tie_help", letters=", ".join(labels[r] for r in top))
            controls.append(_note(box, "tie", tie, "elan-big elan-cases-tie"))
        else:
            controls.append(_note(box, "no-majority", t("cases.no_majority"), "elan-big"))
        controls.append(_note(box, "explore-help", t("cases.explore_help"), "elan-muted"))
        for rid in order:
            pick = "tie" if len(top) > 1 and rid in top else "trainer"
            controls.append(
                _button(
                    box,
                    t("cases.explore", letter=labels[rid]),
                    lambda rid=rid, pick=pick: advance(dash, rid, pick),
                    f"elan-cases-explore-{labels[rid]}",
                )
            )
        _show_controls(box, controls)
    else:
        _set(box.status, _message(t("cases.choices_hidden", n=n), "elan-big elan-cases-hidden"))
        _show_controls(
            box,
            [
                back_button,
                _button(box, t("cases.reveal_feedback"), lambda: reveal_step(dash), "elan-cases-reveal", "warning"),
            ],
        )


def profile_bars(profile: dict[str, float], labels: dict[str, str]) -> go.Figure:
    """The room's competence profile as horizontal bars: long labels stay whole (a radar clipped them)."""
    keys = list(profile)[::-1]
    fig = go.Figure(
        go.Bar(
            x=[profile[k] for k in keys],
            y=[labels.get(k, k) for k in keys],
            orientation="h",
            marker_color="#0b5fff",
            text=[f"{round(profile[k])}" for k in keys],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(range=[0, 110], tickvals=[0, 25, 50, 75, 100])
    fig.update_yaxes(automargin=True, ticksuffix="  ")
    fig.update_layout(
        height=80 * len(keys) + 60,
        margin={"l": 20, "r": 40, "t": 10, "b": 30},
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=False,
    )
    return fig


def debrief_files(dash) -> dict[str, tuple[str, str]]:
    """The session's case debrief: format -> (file name, data URI), HTML (printable) and CSV, in the session's language.

    The trainer's screen may be in another language than the room's; the files go to the room, so they
    follow the session.
    """
    lang = (dash.session or {}).get("lang") or dash.lang
    debriefs = cases_report.session_debriefs(dash.engine, dash.code, lang) if dash.code else []
    files = {
        "html": ("text/html", cases_report.to_html(debriefs, lang, code=dash.code or "")),
        "csv": ("text/csv", cases_report.to_csv(debriefs, lang)),
    }
    name = Translator(lang)("cases.report_file", code=dash.code or "demo")
    return {
        fmt: (f"{name}.{fmt}", f"data:{mime};charset=utf-8;base64,{base64.b64encode(body.encode()).decode()}")
        for fmt, (mime, body) in files.items()
    }


def _draw_ending(dash, box, case: dict, play: dict, walked) -> None:
    t, lang = dash.t, dash.lang
    counts = room_counts(dash, case, play)
    report = cases_report.run_debrief(case, play, counts, lang)
    end = report["ending"]
    ending = {
        "outcome_line": t("cases.outcome_line", title=end["title"]),
        "kind": end["kind"],
        "type": end["type"],
        "outcome": end["outcome"],
        "mood": t("cases.mood_now", mood=report["mood"]),
        "path_title": t("cases.path_title"),
        "turning_label": t("cases.turning_step"),
        "rows": [dict(row, number=t("cases.step_of", n=row["number"])) for row in report["steps"]],
        "questions_title": t("cases.questions_title"),
        "questions": report["questions"] + [t("cases.question_turning")],
        "debrief_title": t("cases.debrief_title"),
        "points": [p["text"] for p in report["points"]],
        "principles_title": t("cases.principles_title"),
        "principles": [t("cases.principle_" + p) for p in case["debrief"]["principles"]],
        "lens_title": t("cases.lens_title"),
        "lens_name": report["lens"]["name"],
        "lens_note": report["lens"]["note"],
        "download_title": t("cases.download_title"),
        "links": [
            {"format": fmt, "uri": uri, "name": name, "label": t("cases.download_" + fmt)}
            for fmt, (name, uri) in debrief_files(dash).items()
        ],
        "profile_title": t("cases.profile_title"),
    }
    _set(box.ending, str(_html().ending(ending)))
    box.radar.layout.display = None
    box.radar.update(profile_bars(casebook.room_profile(case, counts), competence_labels(t)))


# --- 3. good catches --------------------------------------------------------------------------------


def story_spec(dash) -> dict:
    values = content.load_file(badges.BADGES / "badges.yaml")["values"]
    return {
        "kind": "story",
        "id": CATCHES,
        "prompt": _both("cases.story_prompt"),
        "values": [{"id": v["id"], "label": v["label"]} for v in values],
        "labels": {key: _both(f"cases.{key}") for key in STORY_LABELS},
        "max_length": min(story.STORY_MAX, dash.engine.settings.max_text_length),
        "name_max": story.NAME_MAX,
        "title_max": story.TITLE_MAX,
    }


def build_wall(dash) -> w.Widget:
    box = w.VBox()
    box.summary, box.wall = w.HTML(), w.HTML()
    box.queue = w.VBox()
    # The pending stories' rows by story id, updated in place; a row leaves (and is closed) once its story is moderated.
    box.rows = {}
    box.none_pending = w.HTML()
    moderation = w.Accordion([box.queue])
    moderation.set_title(0, dash.t("cases.moderation"))
    moderation.selected_index = None
    box.moderation = moderation
    box.children = [
        w.HTML(_message(dash.t("cases.story_prompt"))),
        box.summary,
        box.wall,
        moderation,
    ]
    return box


def badge_links(dash, item: dict) -> list[dict]:
    """A story's badge (SVG, PNG) and certificate links; none in demo mode."""
    if dash.viewer.demo or not dash.code:
        return []
    base = f"{dash.viewer.base_url}elan/api/s/{dash.code}/badge/{item['id']}"
    return [
        {
            "href": f"{base}.svg?lang={dash.lang}",
            "label": dash.t("cases.story_badge_svg"),
            "download": f"badge-{item['id']}.svg",
        },
        {
            "href": f"{base}.png?lang={dash.lang}",
            "label": dash.t("cases.story_badge_png"),
            "download": f"badge-{item['id']}.png",
        },
        {"href": f"{base}.html?lang={dash.lang}", "label": dash.t("cases.story_certificate"), "download": ""},
    ]


def _pending_row(dash, box, item: dict, label: str) -> w.HBox:
    """The moderation row of a pending story, created once and kept while the story waits."""
    row = box.rows.get(item["id"])
    if row is None:
        t = dash.t
        approve = w.Button(description=t("cases.approve"), button_style="success", layout=w.Layout(width="120px"))
        approve.add_class("elan-cases-approve")
        hide = w.Button(description=t("cases.hide"), layout=w.Layout(width="150px"))
        approve.on_click(lambda _, i=item["id"]: dash._act(dash.engine.set_item_status, i, "visible"))
        hide.on_click(lambda _, i=item["id"]: dash._act(dash.engine.set_item_status, i, "hidden"))
        text = w.HTML(layout=w.Layout(width="auto"))
        row = box.rows[item["id"]] = w.HBox([approve, hide, text], layout=w.Layout(align_items="center"))
    _set(row.children[2], str(_html().pending_story(item["title"], item["colleague"], label, item["story"])))
    return row


def refresh_wall(dash) -> None:
    box = dash.widgets_by_phase.get("wall")
    if box is None or not dash.code:
        return
    t, markup = dash.t, _html()
    stories = story.moderation_queue(dash.engine, dash.trainer, dash.code, CATCHES)
    approved = [s for s in stories if s["status"] == "visible"]
    pending = [s for s in stories if s["status"] == "pending"]
    cards = []
    for item in approved:
        label, color = badges.value_of(item["value"], dash.lang)
        cards.append(dict(item, label=label, color=color, links=badge_links(dash, item)))
    pending_line = t("cases.pending_count", n=len(pending)) if pending else ""
    _set(box.summary, str(markup.wall_summary(t("cases.wall_approved", n=len(approved)), pending_line)))
    _set(box.wall, str(markup.wall(cards, t("cases.wall_empty"))))
    rows = [_pending_row(dash, box, item, badges.value_of(item["value"], dash.lang)[0]) for item in pending]
    for key in [k for k in box.rows if k not in {item["id"] for item in pending}]:
        close_all(box.rows.pop(key))
    _set(box.none_pending, _message(t("cases.wall_none_pending"), "elan-muted"))
    children = rows or [box.none_pending]
    if list(box.queue.children) != children:
        box.queue.children = children
    box.moderation.set_title(0, f"{t('cases.moderation')} — {t('cases.wall_pending', n=len(pending))}")


# --- demo mode: a case played with sample answers -----------------------------------------------------

#: The response (by position) each sample participant picks; shifted at each step so the room is not unanimous.
_DEMO_PICKS = [0, 1, 0, 0, 2, 0, 1]


def demo_play(dash) -> None:
    case = min((c for c in casebook.load_cases() if casebook.offered(c, dash.lang)), key=lambda c: c["difficulty"])
    tokens = [dash.engine.join(dash.code)[1] for _ in _DEMO_PICKS]
    dash.engine.set_data(
        dash.trainer,
        dash.code,
        "case",
        {"id": case["id"], "run": 1, "started": True, "choices": [], "picks": [], "orders": {}},
    )
    for step_number in range(10):
        play = play_state(dash)
        walked = casebook.walk(case, play["choices"])
        if walked.done:
            break
        order = casebook.shown_order(case, walked.current, seed(dash, play))
        spec = step_spec(case, walked.current, 1, order=order)
        dash.engine.open_activity(dash.trainer, dash.code, spec, phase="play")
        for person, token in enumerate(tokens):
            pick = _DEMO_PICKS[(person + step_number) % len(_DEMO_PICKS)] % len(order)
            dash.engine.submit(dash.code, token, spec["id"], {"option": order[pick]})
        dash.engine.open_activity(
            dash.trainer,
            dash.code,
            step_spec(case, walked.current, 1, revealed=True, order=order),
            phase="play",
            open=False,
        )
        dash.engine.reveal(dash.trainer, dash.code, spec["id"])
        counts = dash.engine.results(dash.code, spec["id"])["counts"]
        top = leaders(counts)
        played = {
            **play,
            "choices": play["choices"] + [top[0]],
            "picks": play["picks"] + ["majority" if len(top) == 1 else "tie"],
            "orders": {**play.get("orders", {}), walked.current: order},
        }
        dash.engine.set_data(dash.trainer, dash.code, "case", played)
        dash.engine.set_data(dash.trainer, dash.code, cases_report.RUNS, {f"{case['id']}:1": played}, public=False)
    dash.engine.open_activity(dash.trainer, dash.code, play_spec(dash), phase="play", open=False)
    dash.session = dash.engine.session(dash.code)
    dash.index = [p.id for p in dash.phases].index("play")


# --- the dashboard -------------------------------------------------------------------------------------


def guide_step(dash) -> int:
    """The guide's step for the case phase: 2 while the case is read, 3 during its steps, 4 at its ending."""
    case, play = current_case(dash), play_state(dash)
    if not case or not play.get("started"):
        return 2
    return 4 if casebook.walk(case, play.get("choices", [])).done else 3


def case_steps(dash) -> int:
    """How many steps the case chosen asks on its longest path (the guide times each one); 3 before a choice."""
    case = current_case(dash)
    return max(len(path.path) for path in casebook.all_paths(case)) if case else 3


def phases() -> list[Phase]:
    """The workshop's screens, in the order the trainer runs them, each at its step of the guide's script."""
    return [
        Phase("pick", _both("cases.phase_pick"), build=build_pick, guide=1),
        Phase(
            "play",
            _both("cases.phase_play"),
            spec=play_spec,
            build=build_play,
            refresh=refresh_play,
            demo=demo_play,
            guide=guide_step,
            back=step_back,
        ),
        Phase("wall", _both("cases.phase_wall"), spec=story_spec, build=build_wall, refresh=refresh_wall, guide=5),
    ]


def trainer_dashboard(lang: str | None = None) -> Dashboard:
    """The case studies dashboard (demo mode with a case played by sample answers when opened without a trainer key)."""
    workshops = content.load("workshops")["workshops"]
    title = next(ws["title"] for ws in workshops if ws["id"] == WORKSHOP)
    return Dashboard(WORKSHOP, phases(), lang=lang, title=title, per_step=case_steps)
