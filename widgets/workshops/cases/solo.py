"""The case studies for one learner, and the cohort's results for the onboarding lead.

A learner plays a case alone: the feedback after each response, a score per
competence at the ending, and replays to explore other branches. Each finished
path is saved in the store (a session of mode ``solo`` is the cohort, the
learner one of its participants, with a name), so the lead's cohort notebook
shows who played what. The cohort comes from the page address (``?code=``);
without it the learner still plays, unsaved. Run headless (nbval, JupyterLab),
everything runs on a private in-memory store.

>>> solo = SoloCases("en")                  # demo: an in-memory cohort
>>> solo.start_case("billing-double-charge"); solo.begin()
>>> solo.answer("own-it")["id"], solo.walked().current
('own-it', 'check')
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

import ipywidgets as w
import jinja2

from widgets import content
from widgets.core.errors import EngineError
from widgets.core.i18n import Translator, pick_language
from widgets.core.settings import Settings
from widgets.live.engine import Engine
from widgets.live.exercises import casebook
from widgets.live.exercises.caseplay import cohort_average, learner_summary
from widgets.live.store import Store
from widgets.ui.chart import Chart
from widgets.ui.templating import macros, replace_children
from widgets.ui.trainer import current, query
from widgets.workshops.cases.dashboard import competence_labels, profile_bars
from widgets.workshops.cases.report import letter

WORKSHOP = "cases"
ACTIVITY = "solo"
SOLO_PAGE = "voila/render/cases/solo.ipynb"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _html():
    """The view's HTML pieces: the macros of ``templates/solo.html`` (autoescaped)."""
    return macros(TEMPLATES, "solo.html")


def _message(text: str, css: str = "elan-big", tag: str = "p") -> str:
    return str(_html().message(text, css, tag))


def _in_server() -> bool:
    return "VOILA_BASE_URL" in os.environ or "VOILA_SERVER_URL" in os.environ


def cohort_spec() -> dict:
    """The cohort's one activity: finished paths (a phone that opens the cohort's code is told where to play)."""
    return {
        "kind": "caseplay",
        "id": ACTIVITY,
        "prompt": {lang: Translator(lang)("cases.solo_intro") for lang in content.LANGUAGES},
    }


def create_cohort(engine: Engine, trainer, lang: str) -> str:
    """A new cohort (a ``solo`` session with its activity open); its code."""
    session = engine.create_session(trainer, WORKSHOP, lang, mode="solo")
    engine.open_activity(trainer, session["code"], cohort_spec(), phase="solo")
    return session["code"]


def _demo_engine() -> tuple[Engine, str]:
    engine = Engine(Store("sqlite://"), Settings(trainer_key="demo", data_dir=Settings().data_dir))
    return engine, create_cohort(engine, engine.authenticate("demo"), "fr")


# --- the learner ---------------------------------------------------------------------------------


class SoloCases(w.VBox):
    """Pick a case, play it step by step, see the scores, replay; finished paths go to the cohort."""

    def __init__(
        self,
        lang: str,
        *,
        engine: Engine | None = None,
        code: str | None = None,
        demo: bool | None = None,
        learner: str | None = None,
    ):
        self.lang, self.t = lang, Translator(lang)
        demo = (not _in_server()) if demo is None else demo
        self.demo = demo
        if demo and engine is None:
            engine, code = _demo_engine()
        self.engine, self.code, self.token = engine, code, None
        self.case: dict | None = None
        self.choices: list[str] = []
        self.started = False
        self.pending: str | None = None  # a response chosen, its feedback on screen
        self.plays: dict[str, list[dict]] = {}
        # Each learner sees the responses in an order of their own (named learners keep it across reloads).
        self.seed = secrets.token_hex(8)
        t = self.t

        self.name = w.Text(
            description=t("cases.solo_name"), style={"description_width": "initial"}, layout=w.Layout(width="340px")
        )
        self.name.add_class("elan-cases-solo-name")
        self.join_button = w.Button(description=t("cases.solo_start"), button_style="primary")
        self.join_button.on_click(lambda _: self.join(self.name.value))
        self.notice = w.HTML()
        self.picker = w.VBox()
        self.view = w.HTML()
        self.buttons = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.chart = Chart()
        self.chart.layout.display = "none"
        self.identity = w.VBox()
        super().__init__(
            [
                w.HTML(_message(t("cases.solo_intro"))),
                self.identity,
                self.notice,
                self.picker,
                self.view,
                self.chart,
                self.buttons,
            ]
        )
        if self.engine is None:
            self.notice.value = _message(t("cases.solo_no_cohort"), "elan-muted")
        elif demo:
            self.join("")
        else:
            # A learner who comes back (another day, another device) types the personal code given at the start.
            self.code_field = w.Text(
                description=t("learner.code_label"),
                style={"description_width": "initial"},
                layout=w.Layout(width="420px"),
            )
            self.code_field.add_class("elan-cases-solo-code-field")
            resume = w.Button(description=t("learner.continue"))
            resume.add_class("elan-cases-solo-resume")
            resume.on_click(lambda _: self.resume(self.code_field.value))
            self.identity.children = [
                w.HBox([self.name, self.join_button], layout=w.Layout(align_items="center")),
                w.HTML(_message(t("cases.solo_name_needed"), "elan-muted")),
                w.HBox([self.code_field, resume], layout=w.Layout(align_items="center")),
            ]
            if learner:
                self.resume(learner)
        self.draw_picker()

    # --- the cohort --------------------------------------------------------------------------

    def join(self, name: str) -> None:
        """Join the cohort under a name (anonymous only in demo mode)."""
        if self.engine is None or not self.code:
            return
        try:
            _, self.token = self.engine.join(self.code, name=name or None)
        except EngineError as exc:
            self.notice.value = _message(self.t(exc.key, **exc.values), "elan-error")
            return
        if name:
            self.seed = f"{self.code}/{name.strip().casefold()}"
        self.identity.children = (
            [w.HTML(self.learner_html(name))]
            if not self.demo
            else ([w.HTML(_message(self.t("cases.solo_hello", name=name)))] if name else [])
        )
        self.notice.value = _message(self.t("cases.solo_cohort", code=self.code), "elan-muted")
        self.draw_picker()

    # --- the learner's own link: progress follows the learner, not the kernel ----------------------

    def personal_link(self) -> str:
        """The solo page for this cohort and this learner: opened anywhere, it continues the same progress."""
        settings = Settings()
        base = (settings.public_url or "").rstrip("/") + settings.base_url
        return f"{base}{SOLO_PAGE}?{urlencode({'code': self.code, 'lang': self.lang, 'learner': self.token})}"

    def learner_html(self, name: str, played: int = 0) -> str:
        t = self.t
        if played:
            hello = t("learner.welcome_back", name=name or "", n=played)
        else:
            hello = t("learner.hello", name=name) if name else t("learner.hello_anonymous")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        return env.get_template("solo_learner.html").render(
            hello=hello,
            keep_it=t("learner.keep_it"),
            link=self.personal_link(),
            link_label=t("learner.link"),
            code_label=t("learner.code"),
            code=self.token,
        )

    def resume(self, token: str) -> bool:
        """Continue as the learner whose personal code (or link) this is: same row in the cohort, plays restored."""
        token = (token or "").strip()
        if self.engine is None or not self.code or not token:
            return False
        try:
            state = self.engine.participant_state(self.code, token, touch=False)
        except EngineError:
            self.notice.value = _message(self.t("learner.unknown_code"), "elan-error")
            return False
        self.token = token
        cases = (state.get("view") or {}).get("cases", {})
        self.plays = {case_id: list(plays) for case_id, plays in cases.items() if plays}
        name = state["participant"]["name"] or ""
        if name:
            self.seed = f"{self.code}/{name.strip().casefold()}"  # the same order of answers as on the first device
        self.identity.children = [w.HTML(self.learner_html(name, played=len(self.plays)))]
        self.notice.value = _message(self.t("cases.solo_cohort", code=self.code), "elan-muted")
        self.draw_picker()
        return True

    def save(self) -> None:
        if not self.token:
            return
        try:
            self.engine.submit(self.code, self.token, ACTIVITY, {"case": self.case["id"], "choices": self.choices})
            self.notice.value = _message(self.t("cases.solo_saved"), "elan-counts")
        except EngineError as exc:
            self.notice.value = _message(self.t(exc.key, **exc.values), "elan-error")

    # --- the rules, through casebook ---------------------------------------------------------------

    def start_case(self, case_id: str) -> None:
        self.case, self.choices, self.started, self.pending = casebook.get_case(case_id), [], False, None
        self.draw()

    def begin(self) -> None:
        self.started = True
        self.draw()

    def walked(self) -> casebook.Walk:
        return casebook.walk(self.case, self.choices)

    def order(self) -> list[str]:
        """The current step's response ids in the order this learner sees them."""
        return casebook.shown_order(self.case, self.walked().current, self.seed)

    def answer(self, response_id: str) -> dict:
        """Choose a response at the current step; its feedback shows until the learner goes on."""
        chosen = casebook.response(self.case, self.walked().current, response_id)
        self.choices = self.choices + [response_id]
        self.pending = response_id
        if self.walked().done:
            entry = {
                "choices": list(self.choices),
                "ending": self.walked().ending,
                "scores": casebook.scores(self.case, self.choices),
            }
            self.plays.setdefault(self.case["id"], []).append(entry)
            self.save()
        self.draw()
        return chosen

    def go_on(self) -> None:
        self.pending = None
        self.draw()

    # --- drawing --------------------------------------------------------------------------------------

    def draw_picker(self) -> None:
        t = self.t
        rows = []
        for case in (c for c in casebook.load_cases() if casebook.offered(c, self.lang)):
            stars = "●" * case["difficulty"] + "○" * (3 - case["difficulty"])
            played = t("cases.solo_played") if self.plays.get(case["id"]) else ""
            button = w.Button(description=t("cases.solo_play"), layout=w.Layout(width="110px"))
            button.add_class(f"elan-cases-solo-{case['id']}")
            button.on_click(lambda _, cid=case["id"]: self.start_case(cid))
            rows.append(
                w.HBox(
                    [
                        button,
                        w.HTML(
                            str(
                                _html().picker_row(
                                    content.text(case["title"], self.lang),
                                    t("cases.sector_" + case["sector"]),
                                    t("cases.channel_" + case["channel"]),
                                    stars,
                                    played,
                                )
                            )
                        ),
                    ],
                    layout=w.Layout(align_items="center"),
                )
            )
        replace_children(self.picker, [w.HTML(_message(t("cases.solo_pick"), "elan-title", "h2")), *rows])

    def _button(self, text: str, action, css: str, style: str = "") -> w.Button:
        button = w.Button(description=text, button_style=style, layout=w.Layout(width="auto", height="48px"))
        button.add_class(css)
        button.on_click(lambda _: action())
        return button

    def draw(self) -> None:
        t, lang, case = self.t, self.lang, self.case
        x = lambda value: content.text(value, lang)
        self.chart.layout.display = "none"
        if case is None:
            self.view.value = ""
            replace_children(self.buttons, [])
            return
        replace_children(self.picker, [])
        walked = self.walked()
        head = str(
            _html().head(
                x(case["title"]),
                t("cases.customer", name=case["customer"]["name"]),
                t("cases.mood_now", mood=t("cases.mood_" + walked.customer)),
            )
        )
        if not self.started:
            self.view.value = head + str(_html().context(x(case["context"]), x(case["customer"]["situation"])))
            begin = self._button(t("cases.start_case"), self.begin, "elan-cases-solo-begin", "primary")
            replace_children(self.buttons, [begin])
            return
        if self.pending:
            step_id = walked.path[-1]
            chosen = casebook.response(case, step_id, self.pending)
            self.view.value = head + str(
                _html().feedback(
                    t("cases.solo_your_choice"), x(chosen["text"]), t("cases.solo_feedback"), x(chosen["feedback"])
                )
            )
            go_on = self._button(t("cases.solo_continue"), self.go_on, "elan-cases-solo-continue", "primary")
            replace_children(self.buttons, [go_on])
            return
        if walked.done:
            self._draw_ending(head, walked)
            return
        item = casebook.step(case, walked.current)
        order = [casebook.response(case, walked.current, rid) for rid in self.order()]
        responses = [{"id": r["id"], "letter": letter(i), "text": x(r["text"])} for i, r in enumerate(order)]
        self.view.value = head + str(
            _html().step(
                t("cases.step_of", n=len(walked.path) + 1),
                x(item["situation"]),
                t("cases.choose_response"),
                responses,
            )
        )
        replace_children(
            self.buttons,
            [
                self._button(
                    letter(i), lambda rid=r["id"]: self.answer(rid), f"elan-cases-solo-answer-{letter(i)}", "primary"
                )
                for i, r in enumerate(order)
            ],
        )
        for button, r in zip(self.buttons.children, order):
            button.add_class(
                f"elan-cases-solo-response-{r['id']}"
            )  # the response behind the letter, for tests and styling

    def _draw_ending(self, head: str, walked: casebook.Walk) -> None:
        t, lang, case = self.t, self.lang, self.case
        x = lambda value: content.text(value, lang)
        end = casebook.ending(case, walked.ending)
        scores = casebook.scores(case, self.choices)
        labels = competence_labels(t)
        found = {p["ending"] for p in self.plays.get(case["id"], [])}
        turning = casebook.turning_step(case, self.choices)
        ending = {
            "title": x(end["title"]),
            "type": t("cases.ending_" + end["type"]),
            "outcome": x(end["outcome"]),
            "scores_title": t("cases.solo_scores"),
            "scores": [{"id": c, "label": labels[c], "score": scores[c]} for c in casebook.COMPETENCES],
            "endings": t("cases.solo_endings", n=len(found), total=len(case["endings"])),
            "turning": t("cases.solo_turning", n=turning + 1) if turning is not None else "",
            "questions_title": t("cases.solo_questions"),
            "questions": [x(q) for q in end["questions"]],
        }
        self.view.value = head + str(_html().ending(ending))
        self.chart.layout.display = None
        self.chart.update(profile_bars({c: scores[c] for c in casebook.COMPETENCES}, labels))
        replace_children(
            self.buttons,
            [
                self._button(
                    t("cases.solo_replay"), lambda: self.start_case(case["id"]), "elan-cases-solo-replay", "primary"
                ),
                self._button(t("cases.solo_other"), self.pick_again, "elan-cases-solo-other"),
            ],
        )

    def pick_again(self) -> None:
        self.case = None
        self.draw()
        self.draw_picker()


def solo_notebook(lang: str | None = None) -> SoloCases:
    """The self-paced notebook's view: the cohort from the page address (``?code=``), in the language asked."""
    q = query()
    settings = Settings()
    lang = pick_language(lang, q.get("lang"), os.environ.get("HTTP_ACCEPT_LANGUAGE"), default=settings.language)
    if not _in_server():
        return SoloCases(lang, demo=True)
    code, engine = q.get("code"), None
    if code:
        engine = Engine.from_settings(settings)
        try:
            session = engine.session(code)
            if session["mode"] != "solo" or session["closed_at"] is not None:
                engine, code = None, None
            else:
                code = session["code"]
        except EngineError:
            engine, code = None, None
    return SoloCases(lang, engine=engine, code=code, demo=False, learner=q.get("learner") if engine else None)


# --- the onboarding lead ------------------------------------------------------------------------------


def cohort_rows(results: dict) -> list[dict]:
    return [learner_summary(learner) for learner in results.get("learners", [])]


class Cohort(w.VBox):
    """A cohort's learners: cases played, paths, endings found and scores per competence."""

    def __init__(self, lang: str | None = None):
        self.viewer = current(lang)
        self.lang, self.t = self.viewer.lang, Translator(self.viewer.lang)
        self.engine, self.trainer = self.viewer.engine, self.viewer.trainer
        self.code: str | None = None
        self.head, self.table = w.HTML(), w.HTML()
        self.create = w.Button(
            description=self.t("cases.cohort_create"), button_style="primary", layout=w.Layout(width="auto")
        )
        self.create.on_click(lambda _: self.new_cohort())
        self.reload = w.Button(description="↻", tooltip=self.t("core.next"), layout=w.Layout(width="60px"))
        self.reload.on_click(lambda _: self.refresh())
        self.chart = Chart()
        super().__init__([self.head, w.HBox([self.create, self.reload]), self.table, self.chart])
        if self.viewer.demo:
            self._demo()
        else:
            self._resume()
        self.refresh()

    def _resume(self) -> None:
        found = None
        if self.viewer.code:
            try:
                found = self.engine.session(self.viewer.code)
            except EngineError:
                found = None
        if found is None or found["mode"] != "solo" or not self.trainer.may_drive(found):
            cohorts = [s for s in self.engine.sessions_of(self.trainer, workshop=WORKSHOP) if s["mode"] == "solo"]
            found = cohorts[0] if cohorts else None
        self.code = found["code"] if found else None

    def new_cohort(self) -> None:
        self.code = create_cohort(self.engine, self.trainer, self.lang)
        self.refresh()

    def link(self) -> str:
        base = (self.viewer.public_url or "").rstrip("/") + self.viewer.base_url
        return f"{base}{SOLO_PAGE}?code={self.code}&lang={self.lang}"

    def refresh(self) -> None:
        t = self.t
        if not self.code:
            self.head.value = _message(t("cases.cohort_none"))
            self.table.value = ""
            self.chart.layout.display = "none"
            return
        self.head.value = str(
            _html().cohort_head(t("cases.cohort_title", code=self.code), t("cases.cohort_link"), self.link())
        )
        rows = cohort_rows(self.engine.results(self.code, ACTIVITY))
        if not rows:
            self.table.value = _message(t("cases.cohort_empty"), "elan-muted elan-big")
            self.chart.layout.display = "none"
            return
        labels = competence_labels(t)
        average = {"scores": cohort_average(rows)}
        lines = [
            {
                "css": "elan-cases-learner",
                "name": r["name"] or t("cases.anonymous"),
                "cases": r["cases"],
                "plays": r["plays"],
                "scores": [r["scores"][c] for c in casebook.COMPETENCES],
            }
            for r in rows
        ]
        lines.append(
            {
                "css": "elan-cases-average",
                "name": t("cases.cohort_average"),
                "cases": "",
                "plays": "",
                "scores": [average["scores"][c] for c in casebook.COMPETENCES],
            }
        )
        self.table.value = str(
            _html().cohort_table(
                [t("cases.column_learner"), t("cases.column_cases"), t("cases.column_plays")],
                [labels[c] for c in casebook.COMPETENCES],
                lines,
                t("cases.cohort_help"),
            )
        )
        if all(v is not None for v in average["scores"].values()):
            self.chart.layout.display = None
            self.chart.update(profile_bars(average["scores"], labels))

    def _demo(self) -> None:
        """Three sample learners, each playing the easiest case by a different path."""
        self.code = create_cohort(self.engine, self.trainer, self.lang)
        case = min(casebook.load_cases(), key=lambda c: c["difficulty"])
        paths = casebook.all_paths(case)
        for n, path in enumerate((paths[0], paths[len(paths) // 2], paths[-1]), start=1):
            _, token = self.engine.join(self.code, name=f"{self.t('cases.column_learner')} {n}")
            self.engine.submit(self.code, token, ACTIVITY, {"case": case["id"], "choices": list(path.choices)})


def cohort_dashboard(lang: str | None = None) -> Cohort:
    """The onboarding lead's view of a cohort (demo mode with sample learners when opened without a trainer key)."""
    return Cohort(lang)
