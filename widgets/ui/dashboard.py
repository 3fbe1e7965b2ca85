"""A trainer dashboard: a session, its join panel, the workshop's phases and live results.

A workshop gives a list of :class:`Phase` objects; the dashboard shows one at a
time, opens its activity on every participant's page, and redraws it when the
store reports changes (an asyncio task polls the change feed every 250 ms).

>>> dash = Dashboard("demo", [Phase("intro", {"fr": "Accueil", "en": "Welcome"})], lang="en")
>>> dash.code is not None        # demo mode: a session on a private in-memory store
True
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from widgets import content
from widgets.core import qr
from widgets.core.errors import EngineError, NotFound
from widgets.core.i18n import Translator
from widgets.ui import practices
from widgets.ui.phase import Phase
from widgets.ui.script import Script, Step
from widgets.ui.templating import close_all, render
from widgets.ui.trainer import Viewer, current

log = logging.getLogger("elan.dashboard")
#: Seconds between two reads of the counts when nothing happens ('connected' and time change without events).
COUNTS_EVERY = 10
#: Seconds between two "console open" marks (the engine takes a console silent for 30 s as closed).
CONSOLE_BEAT = 10


__all__ = ["Dashboard", "Phase"]


def _button(description: str, *, cls: str = "", style: str = "", tooltip: str = "") -> w.Button:
    button = w.Button(
        description=description, button_style=style, tooltip=tooltip or description, layout=w.Layout(width="auto")
    )
    button.add_class("elan-button")
    if cls:
        button.add_class(cls)
    return button


def _group(title: str, *children: w.Widget) -> w.VBox:
    box = w.VBox([w.HTML(render("console_group.html", title=title)), w.HBox(list(children))])
    box.add_class("elan-group")
    return box


def _minutes(steps: tuple[Step, ...]) -> int | None:
    """The planned minutes of the guide steps shown together (None when the guide gives none)."""
    given = [step.minutes for step in steps if step.minutes is not None]
    return sum(given) if given else None


def _show(widget: w.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


class Dashboard(w.VBox):
    """The trainer's console for a workshop session (the room sees the stage, never this).

    Controls come in groups and are enabled only when they mean something; starting
    a new session while one runs and ending a session ask to confirm; an ended
    session can be reopened. The step's script comes from the facilitator guide.
    """

    def __init__(
        self,
        workshop: str,
        phases: list[Phase],
        *,
        lang: str | None = None,
        viewer: Viewer | None = None,
        title: dict | None = None,
        per_step: Callable[[Dashboard], int] | None = None,
    ):
        self.viewer = viewer or current(lang)
        self.lang = self.viewer.lang
        self.t = Translator(self.lang)
        self.engine = self.viewer.engine
        self.trainer = self.viewer.trainer
        self.workshop = workshop
        # Every workshop ends with the five-practices self-assessment; the phase list lets the
        # trainer open it first too (where do we stand?) and come back to the workshop's first step.
        self.phases = [*phases, *practices.phases()]
        self.index = 0
        self.code: str | None = None
        self.session: dict | None = None
        self.counts = {"joined": 0, "connected": 0, "answered": 0}
        self.seq = 0
        self.widgets_by_phase: dict[str, w.Widget] = {}
        self.data: dict[str, Any] = {}  # what phases keep between redraws
        self.script = Script.load(workshop, self.lang)
        self._scripts = {workshop: self.script}  # by chapter: the five practices have their own
        # How many steps the guide's "per step" timing is played (a case's longest path), for the planned total.
        self._per_step = per_step
        self._script_key: tuple | None = None
        self._task: asyncio.Task | None = None
        self._pending: Callable | None = None
        self._step_started = time.time()
        self._remote_url = ""
        self._redrawing = False

        t = self.t
        self.heading = w.HTML(render("console_heading.html", title=content.text(title, self.lang) if title else ""))
        self.status = w.HTML()
        self.message = w.HTML()
        self.phase_title = w.HTML()

        # Confirmation bar (dangerous actions wait here for a second click).
        self.confirm_text = w.HTML()
        self.confirm_yes = _button(t("console.confirm"), cls="elan-confirm-yes", style="danger")
        self.confirm_no = _button(t("console.cancel"), cls="elan-confirm-no")
        self.confirm_bar = w.HBox([self.confirm_text, self.confirm_yes, self.confirm_no])
        self.confirm_bar.add_class("elan-confirm")
        _show(self.confirm_bar, False)

        # Session
        self.start_button = _button(t("core.start_session"), cls="elan-start", style="primary")
        self.new_button = _button(t("console.new_session"), cls="elan-new")
        self.close_button = _button(t("console.end_session"), cls="elan-end", style="danger")
        self.reopen_button = _button(t("console.reopen_session"), cls="elan-reopen", style="primary")
        self.exports = w.HTML()
        # Step
        self.prev_button = _button("◀", cls="elan-k-prev", tooltip=t("core.previous"))
        self.next_button = _button("▶", cls="elan-k-next", tooltip=t("core.next"))
        self.phase_picker = w.Dropdown(
            options=[(content.text(p.title, self.lang), i) for i, p in enumerate(self.phases)],
            description=t("core.phase"),
            layout=w.Layout(width="auto"),
        )
        # Answers
        self.input_toggle = w.ToggleButton(description=t("core.open_input"), value=False, layout=w.Layout(width="auto"))
        self.input_toggle.add_class("elan-k-input")
        self.reveal_toggle = w.ToggleButton(description=t("core.reveal"), value=False, layout=w.Layout(width="auto"))
        self.reveal_toggle.add_class("elan-k-reveal")
        # Timer
        self.minutes = w.BoundedIntText(
            value=5, min=1, max=180, description=t("core.timer"), layout=w.Layout(width="170px")
        )
        self.timer_button = _button(t("core.start_timer"), cls="elan-k-timer")
        self.timer_view = w.HTML()
        # Stage
        self.join_toggle = w.ToggleButton(
            description=t("console.join_strip"), value=True, layout=w.Layout(width="auto")
        )
        self.join_toggle.add_class("elan-k-join")
        self.names_box = w.Checkbox(
            description=t("core.show_names"),
            value=False,
            indent=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.present_button = _button(t("console.present"), cls="elan-k-present")
        self.stage_links = w.HTML()
        # Phone remote
        self.pair_button = _button(t("console.pair_remote"), cls="elan-pair")
        self.revoke_button = _button(t("console.revoke_remote"), cls="elan-revoke")
        self.remote_view = w.HTML()
        # Participants: see who joined, remove a seat taken by a stranger, lock the session.
        self.people = w.Dropdown(options=[], description=t("console.participants_pick"), layout=w.Layout(width="auto"))
        self.people.add_class("elan-people")
        self.remove_button = _button(t("console.remove_participant"), cls="elan-remove")
        self.lock_toggle = w.ToggleButton(
            description=t("console.lock_session"), value=False, layout=w.Layout(width="auto")
        )
        self.lock_toggle.add_class("elan-lock")
        self._people_seen: tuple | None = None
        self._people_names: dict[int, str] = {}
        for widget in (self.input_toggle, self.reveal_toggle, self.join_toggle, self.lock_toggle):
            widget.add_class("elan-button")

        self.script_view = w.HTML()
        self.script_view.add_class("elan-script")
        self.preview = w.HTML()
        self.preview.add_class("elan-preview")
        self.shortcuts = w.HTML(render("console_shortcuts.html", t=t))
        self.body = w.VBox()

        self.confirm_yes.on_click(self._confirmed)
        self.confirm_no.on_click(lambda _: self._ask(None))
        self.start_button.on_click(lambda _: self.start_session())
        self.new_button.on_click(lambda _: self._ask_new())
        self.close_button.on_click(lambda _: self._ask_close())
        self.reopen_button.on_click(lambda _: self._act(self.engine.reopen_session))
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.go(self.index + 1))
        self.phase_picker.observe(self._on_pick, names="value")
        self.input_toggle.observe(self._on_input, names="value")
        self.reveal_toggle.observe(self._on_reveal, names="value")
        self.timer_button.on_click(lambda _: self._toggle_timer())
        self.join_toggle.observe(self._on_join, names="value")
        self.names_box.observe(self._on_names, names="value")
        self.pair_button.on_click(lambda _: self._pair())
        self.revoke_button.on_click(lambda _: self._revoke())
        self.remove_button.on_click(lambda _: self._ask_remove())
        self.lock_toggle.observe(self._on_lock, names="value")

        groups = w.HBox(
            [
                _group(
                    t("console.group_session"),
                    self.start_button,
                    self.new_button,
                    self.reopen_button,
                    self.close_button,
                ),
                _group(t("console.group_step"), self.prev_button, self.phase_picker, self.next_button),
                _group(t("console.group_answers"), self.input_toggle, self.reveal_toggle),
                _group(t("console.group_timer"), self.minutes, self.timer_button, self.timer_view),
                _group(t("console.group_stage"), self.join_toggle, self.present_button, self.names_box),
                _group(t("console.group_remote"), self.pair_button, self.revoke_button),
                _group(t("console.group_participants"), self.people, self.remove_button, self.lock_toggle),
            ]
        )
        groups.add_class("elan-groups")
        side = w.VBox([self.preview, self.stage_links, self.remote_view, self.exports])
        side.add_class("elan-side")
        main = w.VBox([groups, self.message, self.script_view])
        main.add_class("elan-main")
        top = w.HBox([main, side])
        top.add_class("elan-top")
        # The confirmation sits above the controls (and stays in view, sticky): never below the fold.
        super().__init__(
            [self.heading, self.status, self.confirm_bar, top, self.phase_title, self.body, self.shortcuts]
        )
        self.add_class("elan-console")
        self.resume_or_start()

    # --- session -------------------------------------------------------------------

    def resume_or_start(self) -> None:
        """Resume the trainer's open session of this workshop (after a restart), else wait for a start."""
        if self.viewer.demo:
            self.start_session()
            for phase in self.phases:
                phase.demo(self)
            self.show_phase()
            return
        sessions = []
        if self.viewer.code:
            try:
                found = self.engine.session(self.viewer.code)
                if self.trainer is not None and self.trainer.may_drive(found):
                    sessions = [found]
            except EngineError:
                sessions = []
        if not sessions and self.trainer is not None:
            sessions = self.engine.sessions_of(self.trainer, workshop=self.workshop)
        if sessions:
            self.attach(sessions[0]["code"])
        else:
            self.show_phase()

    def start_session(self) -> None:
        session = self.engine.create_session(self.trainer, self.workshop, self.lang)
        self._forget_steps()
        self.index = 0
        self.attach(session["code"])  # opens the first step for the phones
        if self.viewer.demo:
            self.go(0, force=True)

    def _forget_steps(self) -> None:
        """A new session starts from the workshop's defaults: each step's controls (a vote's budget)
        are built again from it, not left showing what the trainer set in the session before."""
        old = list(self.widgets_by_phase.values())
        self.widgets_by_phase = {}
        self.body.children = []
        for widget in old:
            close_all(widget)

    def attach(self, code: str) -> None:
        self.code = code
        self._reload()
        session = self._attached()
        phase_id = session["state"].get("phase")
        ids = [p.id for p in self.phases]
        self.index = ids.index(phase_id) if phase_id in ids else 0
        self._remote_url = ""
        state = session["state"]
        shown = state.get("specs", {}).get(state.get("activity") or "") or {}
        # A session made elsewhere (the API, another tool) has nothing open yet, or a training
        # day reached this workshop (its title card names it): open this step for the phones.
        # A day on another item keeps it: opening this console early must not take the room.
        elsewhere = state.get("activity") is None or (phase_id not in ids and shown.get("workshop") == self.workshop)
        if elsewhere and session["closed_at"] is None and not self.viewer.demo:
            self.go(self.index, force=True)
        if not self.viewer.demo:
            base = self.viewer.base_url
            self.exports.value = render(
                "console_exports.html",
                t=self.t,
                base=base + f"elan/api/s/{code}/export",
            )
            self.stage_links.value = render("console_stage_links.html", t=self.t, stage=base + f"stage/{code}")
            self.preview.value = render("console_preview.html", t=self.t, stage=base + f"stage/{code}")
            self._start_polling()
        else:
            self.preview.value = render("console_preview.html", t=self.t, stage="")
        self.show_phase()

    def _ask(self, text: str | None, action: Callable | None = None, *, yes: str | None = None) -> None:
        """A confirmation at the top of the console, its buttons saying what they do in full.

        The focus goes to Cancel: Enter pressed by habit takes nothing back, Esc cancels too.
        """
        self._pending = action
        self.confirm_text.value = render("console_confirm.html", text=text or "")
        self.confirm_yes.description = yes or self.t("console.confirm")
        self.confirm_yes.tooltip = self.confirm_yes.description
        _show(self.confirm_bar, bool(text))
        if text:
            self.confirm_no.focus()

    def _confirmed(self, _=None) -> None:
        action, self._pending = self._pending, None
        self._ask(None)
        if action:
            action()

    def _ask_new(self) -> None:
        if self.session and self.session["closed_at"] is None:
            self._ask(
                self.t("console.confirm_new", code=self.code, n=self.counts["joined"]),
                self._new_session,
                yes=self.t("console.confirm_new_yes", code=self.code),
            )
        else:
            self.start_session()

    def _new_session(self) -> None:
        self._run(self.engine.close_session)
        self.start_session()

    def _ask_close(self) -> None:
        self._ask(
            self.t("console.confirm_end", code=self.code, n=self.counts["joined"]),
            lambda: self._act(self.engine.close_session),
            yes=self.t("console.confirm_end_yes", code=self.code),
        )

    # --- phases --------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self.phases[self.index]

    def go(self, index: int, *, force: bool = False) -> None:
        index = max(0, min(len(self.phases) - 1, index))
        if index == self.index and not force:
            return
        self.index = index
        self._step_started = time.time()
        if self.code and self.session and self.session["closed_at"] is None:
            spec = self.phase.spec(self)
            if spec is None:
                spec = {"kind": "info", "id": self.phase.id, "title": self.phase.title}
                opened = False
            else:
                opened = self.phase.open
            # A step already revealed comes back with its answers closed (the engine sees to it).
            if self._run(self.engine.show_step, spec, phase=self.phase.id, open=opened):
                self._run(self.engine.set_data, "console", self._console_note(), public=False)
            self._reload()
        self.show_phase()

    def previous(self) -> None:
        """← : back one step inside the phase when it has steps of its own (a case), else the previous phase."""
        if self.code and self.session and self.session["closed_at"] is None and self.phase.back(self):
            return
        self.go(self.index - 1)

    def _console_note(self) -> dict:
        """What the phone remote shows of the console: the step and the script's next line."""
        steps = self.guide_steps()[1]
        step = steps[-1] if steps else None
        return {
            "index": self.index + 1,
            "total": len(self.phases),
            "title": content.text(self.phase.title, self.lang),
            "line": step.next_line() if step else "",
        }

    def script_of(self, phase: Phase) -> Script:
        """The guide chapter a phase's script is in, in the console's language (through its fallbacks)."""
        chapter = phase.chapter or self.workshop
        if chapter not in self._scripts:
            self._scripts[chapter] = Script.load(chapter, self.lang)
        return self._scripts[chapter]

    def guide_steps(self) -> tuple[Script, tuple[Step, ...]]:
        """The chapter and the steps of its script that the phase shown now is at."""
        script = self.script_of(self.phase)
        numbers = self.phase.guide_steps(self) or (min(self.index + 1, len(script.steps)),)
        return script, tuple(step for number in numbers if (step := script.step(number)))

    def planned_minutes(self) -> int | None:
        """The workshop's planned minutes from its chapter, a case's steps counted as played."""
        per_step = self._per_step(self) if self._per_step else 1
        return self.script.planned(per_step=per_step) or None

    def show_phase(self) -> None:
        phase = self.phase
        self.phase_picker.unobserve(self._on_pick, names="value")
        self.phase_picker.value = self.index
        self.phase_picker.observe(self._on_pick, names="value")
        self.phase_title.value = render("console_phase.html", title=content.text(phase.title, self.lang))
        if phase.id not in self.widgets_by_phase:
            self.widgets_by_phase[phase.id] = phase.build(self)
        self.body.children = [self.widgets_by_phase[phase.id]]
        # Controls first: when the trainer (or a shortcut) sees the new step's script, its
        # buttons are already enabled for it.
        self._sync_controls()
        self._draw_script()
        self.refresh()

    def refresh(self) -> None:
        """Redraw the step and the counts from the session row last read (no read of its own)."""
        self._redrawing = True
        try:
            self.phase.refresh(self)
            self._draw_script()  # a phase may move on in the guide without changing (a case read, played, ended)
            self._draw_status()
        except Exception as exc:  # a dashboard must keep running; say what failed
            log.exception("refresh failed")
            self.message.value = render("console_error.html", text=str(exc))
        finally:
            self._redrawing = False

    def _draw_script(self) -> None:
        script, steps = self.guide_steps()
        key = (self.index, script.workshop, tuple(step.number for step in steps), self.activity_id())
        if key == self._script_key:
            return
        moved_within = self._script_key is not None and self._script_key[0] == self.index
        self._script_key = key
        if moved_within:
            # The same phase at another guide step or activity (a case's next step): its clock
            # starts again and the phone remote reads the new line (``go`` does both for a new phase).
            self._step_started = time.time()
            if self.session and self.session["closed_at"] is None:
                self._run(self.engine.set_data, "console", self._console_note(), public=False)
        numbers = [step.number for step in steps]
        self.script_view.value = render(
            "console_script.html",
            t=self.t,
            steps=steps,
            first=numbers[0] if numbers else 0,
            last=numbers[-1] if numbers else 0,
            total=len(script.steps),
            minutes=_minutes(steps),
            debrief=script.debrief_html if script.debrief_step in numbers else "",
        )

    def _draw_status(self) -> None:
        session = self.session
        steps = self.guide_steps()[1]
        spent_step = int((time.time() - self._step_started) // 60)
        spent_all = int((time.time() - session["created_at"]) // 60) if session else 0
        state = "none" if not session else ("ended" if session["closed_at"] is not None else "running")
        self.status.value = render(
            "console_status.html",
            t=self.t,
            code=self.code,
            state=state,
            counts=self.counts,
            step_minutes=spent_step,
            step_plan=_minutes(steps),
            all_minutes=spent_all,
            all_plan=self.planned_minutes(),
            demo=self.viewer.demo,
        )

    # --- what phases read --------------------------------------------------------------

    def activity_id(self) -> str | None:
        return self.session["state"].get("activity") if self.session else None

    def _attached(self) -> dict:
        """The session this console drives (after :meth:`attach`)."""
        if self.session is None:
            raise NotFound("core.error_unknown_code")
        return self.session

    def _row(self) -> dict | None:
        """The session row: during a redraw the one read for it, otherwise a fresh read (another kernel may write)."""
        if not self.code:
            return None
        if self._redrawing and self.session:
            return self.session
        return self.engine.session(self.code)

    def results(self, activity: str | None = None) -> dict:
        session = self._row()
        return self.engine.results_in(session, activity) if session else {}

    def is_revealed(self, activity: str) -> bool:
        session = self._row()
        return bool(session and activity in session["state"].get("revealed", []))

    def stored(self) -> dict:
        """The trainer's decisions kept in the session."""
        session = self._row()
        return session["state"].get("data", {}) if session else {}

    def keep(self, key: str, value: Any) -> None:
        """Keep a trainer's decision in the session, so a restarted kernel resumes with it."""
        if self.stored().get(key) != value:
            self._act(self.engine.set_data, key, value)

    # --- controls ----------------------------------------------------------------------

    def _sync_controls(self) -> None:
        session = self.session
        running = bool(session and session["closed_at"] is None)
        ended = bool(session and session["closed_at"] is not None)
        # On a training day's session the day's console starts and ends it: a workshop's "End"
        # or "New session" would strand the day's phones.
        own = bool(session and session["workshop"] == self.workshop)
        _show(self.start_button, not session)
        _show(self.new_button, own)
        _show(self.close_button, running and own)
        _show(self.reopen_button, ended)
        self.prev_button.disabled = self.index == 0
        self.next_button.disabled = self.index == len(self.phases) - 1
        state = session["state"] if session else {}
        spec = state.get("specs", {}).get(state.get("activity")) if state.get("activity") else None
        answerable = running and spec is not None and spec.get("kind") != "info"
        for widget in (self.input_toggle, self.reveal_toggle):
            widget.disabled = not answerable
        for widget in (
            self.minutes,
            self.timer_button,
            self.join_toggle,
            self.names_box,
            self.pair_button,
            self.present_button,
        ):
            widget.disabled = not running
        self.revoke_button.disabled = not (running and state.get("remotes"))
        self.lock_toggle.disabled = not running
        self._sync_people(running)
        revealed = bool(spec and spec["id"] in state.get("revealed", []))
        for toggle, handler, value in (
            (self.input_toggle, self._on_input, bool(state.get("open"))),
            (self.reveal_toggle, self._on_reveal, revealed),
            (self.join_toggle, self._on_join, bool(state.get("stage", {}).get("join", True))),
            (self.names_box, self._on_names, bool(state.get("show_names"))),
            (self.lock_toggle, self._on_lock, bool(state.get("locked"))),
        ):
            toggle.unobserve(handler, names="value")
            toggle.value = value
            toggle.observe(handler, names="value")
        self.input_toggle.description = self.t("core.close_input" if self.input_toggle.value else "core.open_input")
        self.reveal_toggle.description = self.t("core.hide_results" if revealed else "core.reveal")
        self.join_toggle.description = self.t("console.hide_join" if self.join_toggle.value else "console.join_strip")
        self.lock_toggle.description = self.t(
            "console.unlock_session" if self.lock_toggle.value else "console.lock_session"
        )
        timer = state.get("timer")
        running_timer = bool(timer and timer["ends_at"] > time.time())
        self.timer_button.description = self.t("core.stop_timer" if running_timer else "core.start_timer")
        self.timer_view.value = render("console_timer.html", timer=timer)
        if not state.get("remotes"):
            self._remote_url = ""
        self.remote_view.value = render(
            "console_remote.html",
            t=self.t,
            url=self._remote_url,
            qr=qr.svg(self._remote_url) if self._remote_url else "",
            paired=len(state.get("remotes", [])),
        )

    def _sync_people(self, running: bool) -> None:
        """The participants list, read again only when the counts change (a pick in progress stays)."""
        seen = (self.code, self.counts.get("joined"), self.counts.get("answered"), self.counts.get("connected"))
        if seen != self._people_seen:
            self._people_seen = seen
            people = self._run(self.engine.participants) if self.code else None
            t = self.t
            options = [
                (
                    t(
                        "console.participant_label",
                        name=person["name"] or t("console.participant_n", n=i),
                        answers=person["answers"] + person["cards"],
                        away="" if person["connected"] else t("console.participant_away"),
                    ),
                    person["id"],
                )
                for i, person in enumerate(people if isinstance(people, list) else [], start=1)
            ]
            self._people_names = {
                person["id"]: person["name"] or t("console.participant_n", n=i)
                for i, person in enumerate(people if isinstance(people, list) else [], start=1)
            }
            kept = self.people.value
            self.people.options = options or [(t("console.no_participant"), None)]
            self.people.value = kept if kept in dict(options).values() else self.people.options[0][1]
        has_someone = self.people.value is not None
        self.people.disabled = not (running and has_someone)
        self.remove_button.disabled = not (running and has_someone)

    def _ask_remove(self) -> None:
        participant = self.people.value
        if participant is None:
            return
        name = self._people_names.get(participant, "")

        def remove() -> None:
            self._people_seen = None  # read the list again after the removal
            self._act(self.engine.remove_participant, participant)

        self._ask(self.t("console.confirm_remove", name=name), remove)

    def _on_lock(self, change) -> None:
        self._act(self.engine.set_option, "locked", change["new"])

    def _on_pick(self, change) -> None:
        self.go(change["new"])

    def _on_input(self, change) -> None:
        self._act(self.engine.set_input, change["new"])

    def _on_reveal(self, change) -> None:
        activity = self.activity_id()
        if activity:
            self._act(self.engine.reveal, activity, change["new"])

    def _on_join(self, change) -> None:
        self._act(self.engine.set_stage, join=change["new"])

    def _on_names(self, change) -> None:
        self._act(self.engine.set_option, "show_names", change["new"])

    def _toggle_timer(self) -> None:
        timer = self.session["state"].get("timer") if self.session else None
        if timer and timer["ends_at"] > time.time():
            self._act(self.engine.stop_timer)
        else:
            self._act(self.engine.start_timer, self.minutes.value * 60)

    def _pair(self) -> None:
        credential = self._run(self.engine.pair_remote)
        if credential and self.code:
            self._remote_url = self.viewer.remote_url(self.code, credential)
        self._reload()
        self._sync_controls()

    def _revoke(self) -> None:
        self._remote_url = ""
        self._act(self.engine.revoke_remote)

    def _run(self, method, *args, **kwargs):
        """Run a trainer action on this session (the engine checks the trainer's right to it); no redraw."""
        if not self.code:
            return None
        try:
            result = method(self.trainer, self.code, *args, **kwargs)
            self.message.value = ""
            return True if result is None else result
        except EngineError as exc:
            self.message.value = render("console_error.html", text=self.t(exc.key, **exc.values))
            return None

    def _act(self, method, *args, **kwargs):
        """Run a trainer action, then redraw once (the poller will not redraw it again)."""
        result = self._run(method, *args, **kwargs)
        if self.code:
            self._reload()
            self._sync_controls()
            self.refresh()
        return result

    def _reload(self) -> None:
        """One read of the session and its counts; the seen event number follows it."""
        view = self.engine.console_view(self.trainer, self.code or "")
        self.session = view["session"]
        self.counts = view["counts"]
        self.seq = self.session["event_seq"]

    # --- live updates ---------------------------------------------------------------

    def _start_polling(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._poll())

    async def _poll(self) -> None:
        interval = self.engine.settings.feed_interval_ms / 1000
        counted = time.monotonic()
        beat = 0.0
        while self.code:
            try:
                if time.monotonic() - beat > CONSOLE_BEAT and self.session and self.session["closed_at"] is None:
                    # The phone remote changes steps through this console: tell it the console is open.
                    self.engine.console_seen(self.trainer, self.code)
                    beat = time.monotonic()
                session_id = self._attached()["id"]
                seq = self.engine.last_seq(session_id)
                if seq != self.seq:
                    steps = [
                        e["data"].get("step", 0)
                        for e in self.engine.events_since(session_id, self.seq)
                        if e["kind"] == "nav"
                    ]
                    self._reload()
                    # The phone remote asked for the next or previous step: this console's to take only
                    # while the session shows one of its steps (a training day's break is the day's).
                    mine = self._attached()["state"].get("phase") in {p.id for p in self.phases}
                    if mine and steps and sum(steps) < 0 and len(steps) == 1:  # the remote's ←, as the console's
                        self.previous()
                    elif mine and steps:
                        self.go(self.index + sum(steps))
                    else:
                        self._sync_controls()
                        self.refresh()
                    counted = time.monotonic()
                elif time.monotonic() - counted > COUNTS_EVERY:
                    # 'connected' and the time against plan change without events.
                    self._reload()
                    self._draw_status()
                    counted = time.monotonic()
            except Exception:  # an exception would end the task silently: log it and go on
                log.exception("live update failed")
            await asyncio.sleep(interval)
