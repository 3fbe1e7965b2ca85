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
import html
import logging
from typing import Any, Callable

import ipywidgets as w

from widgets import content
from widgets.core.errors import EngineError
from widgets.core.i18n import Translator
from widgets.ui import practices
from widgets.ui.join_panel import JoinPanel
from widgets.ui.phase import Phase
from widgets.ui.trainer import Viewer, current

__all__ = ["Dashboard", "Phase"]

log = logging.getLogger("elan.dashboard")


class Dashboard(w.VBox):
    """The trainer's view of a workshop session."""

    def __init__(self, workshop: str, phases: list[Phase], *, lang: str | None = None,
                 viewer: Viewer | None = None, title: dict | None = None):
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
        self.seq = 0
        self.widgets_by_phase: dict[str, w.Widget] = {}
        self.data: dict[str, Any] = {}  # what phases keep between redraws
        self._task: asyncio.Task | None = None

        t = self.t
        self.heading = w.HTML(f'<h1 class="elan-title">{html.escape(content.text(title, self.lang)) if title else ""}</h1>')
        self.join_panel = JoinPanel(self.lang)
        self.message = w.HTML()
        self.phase_title = w.HTML()
        self.prev_button = w.Button(description="◀", tooltip=t("core.previous"), layout=w.Layout(width="60px"))
        self.next_button = w.Button(description="▶", tooltip=t("core.next"), layout=w.Layout(width="60px"))
        self.phase_picker = w.Dropdown(options=[(content.text(p.title, self.lang), i) for i, p in enumerate(self.phases)],
                                       description=t("core.phase"))
        self.input_toggle = w.ToggleButton(description=t("core.open_input"), value=True)
        self.reveal_toggle = w.ToggleButton(description=t("core.reveal"), value=False)
        self.minutes = w.BoundedIntText(value=5, min=1, max=180, description=t("core.timer"), layout=w.Layout(width="170px"))
        self.timer_start = w.Button(description=t("core.start_timer"))
        self.timer_stop = w.Button(description=t("core.stop_timer"))
        self.timer_view = w.HTML()
        # The whole label, never "Afficher les prénoms à l’éc…": no fixed description width, no indent.
        self.names_box = w.Checkbox(description=t("core.show_names"), value=False, indent=False,
                                    style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.exports = w.HTML()
        auto = w.Layout(width="auto")
        self.start_button = w.Button(description=t("core.start_session"), button_style="primary", layout=auto)
        self.close_button = w.Button(description=t("core.close_session"), button_style="danger", layout=auto)
        self.join_toggle = w.ToggleButton(description=t("core.join_screen"), value=True, layout=auto)
        for widget in (self.input_toggle, self.reveal_toggle, self.timer_start, self.timer_stop):
            widget.layout = w.Layout(width="auto")
        self.body = w.VBox()

        self.prev_button.on_click(lambda _: self.go(self.index - 1))
        self.next_button.on_click(lambda _: self.go(self.index + 1))
        self.phase_picker.observe(self._on_pick, names="value")
        self.input_toggle.observe(self._on_input, names="value")
        self.reveal_toggle.observe(self._on_reveal, names="value")
        self.timer_start.on_click(lambda _: self._act(self.engine.start_timer, self.minutes.value * 60))
        self.timer_stop.on_click(lambda _: self._act(self.engine.stop_timer))
        self.names_box.observe(lambda ch: self._act(self.engine.set_option, "show_names", ch["new"]), names="value")
        self.start_button.on_click(lambda _: self.start_session())
        self.join_toggle.observe(lambda ch: self.join_panel.set_large(ch["new"]), names="value")
        self.close_button.on_click(lambda _: self._close())

        controls = w.HBox([self.prev_button, self.phase_picker, self.next_button, self.input_toggle, self.reveal_toggle],
                          layout=w.Layout(flex_flow="row wrap"))
        timer = w.HBox([self.minutes, self.timer_start, self.timer_stop, self.timer_view, self.names_box],
                       layout=w.Layout(flex_flow="row wrap", align_items="center"))
        session_bar = w.HBox([self.start_button, self.join_toggle, self.close_button, self.exports],
                             layout=w.Layout(flex_flow="row wrap"))
        super().__init__([self.heading, self.join_panel, session_bar, controls, timer, self.message, self.phase_title, self.body])
        self.resume_or_start()

    # --- session -------------------------------------------------------------------

    def resume_or_start(self) -> None:
        """Resume the trainer's open session of this workshop (after a restart), else start one."""
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
                if self.trainer.may_drive(found) and found["closed_at"] is None:
                    sessions = [found]
            except EngineError:
                sessions = []
        sessions = sessions or self.engine.sessions_of(self.trainer, workshop=self.workshop)
        if sessions:
            self.attach(sessions[0]["code"])
        else:
            self.join_panel.show(None, None)
            self.show_phase()

    def start_session(self) -> None:
        session = self.engine.create_session(self.trainer, self.workshop, self.lang)
        self.index = 0
        self.attach(session["code"])  # opens the first step for the phones
        if self.viewer.demo:
            self.go(0, force=True)

    def attach(self, code: str) -> None:
        self.code = code
        self.session = self.engine.session(code)
        self.seq = self.session["event_seq"]
        phase_id = self.session["state"].get("phase")
        ids = [p.id for p in self.phases]
        self.index = ids.index(phase_id) if phase_id in ids else 0
        self.join_panel.show(code, self.viewer.join_url(code))
        self._sync_controls()
        if self.session["state"].get("activity") is None and not self.viewer.demo:
            # A session made elsewhere (the API, another tool) has nothing open yet:
            # open this step for the phones instead of leaving them waiting.
            self.go(self.index, force=True)
        if not self.viewer.demo:
            base = self.viewer.base_url + f"elan/api/s/{code}/export"
            links = " · ".join(
                f'<a href="{html.escape(base)}.{fmt}" target="_blank" download>{html.escape(self.t(label))}</a>'
                for fmt, label in (("csv", "core.export_csv"), ("xlsx", "core.export_xlsx"), ("html", "core.export_html"))
            )
            self.exports.value = f'<span class="elan-big">{html.escape(self.t("core.export"))} {links}</span>'
            self._start_polling()
        self.show_phase()

    def _close(self) -> None:
        if self.code:
            self._act(self.engine.close_session)
            self.code = None
            self.join_panel.show(None, None)

    # --- phases --------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self.phases[self.index]

    def go(self, index: int, *, force: bool = False) -> None:
        index = max(0, min(len(self.phases) - 1, index))
        if index == self.index and not force:
            return
        self.index = index
        if self.code:
            spec = self.phase.spec(self)
            if spec is not None:
                self._act(self.engine.open_activity, spec, phase=self.phase.id, open=self.phase.open)
            else:
                self._act(self.engine.open_activity, {"kind": "info", "id": self.phase.id,
                                                       "title": self.phase.title}, phase=self.phase.id, open=False)
        self.show_phase()

    def show_phase(self) -> None:
        phase = self.phase
        self.phase_picker.unobserve(self._on_pick, names="value")
        self.phase_picker.value = self.index
        self.phase_picker.observe(self._on_pick, names="value")
        self.join_toggle.value = self.index == 0
        self.phase_title.value = f'<h2 class="elan-title">{html.escape(content.text(phase.title, self.lang))}</h2>'
        if phase.id not in self.widgets_by_phase:
            self.widgets_by_phase[phase.id] = phase.build(self)
        self.body.children = [self.widgets_by_phase[phase.id]]
        self._sync_controls()
        self.refresh()

    def refresh(self) -> None:
        try:
            self.phase.refresh(self)
            if self.code:
                counts = self.engine.counts(self.code)
                self.join_panel.counts(counts["joined"], counts["connected"], counts["answered"])
        except Exception as exc:  # a dashboard must keep running; say what failed
            log.exception("refresh failed")
            self.message.value = f'<p class="elan-error">{html.escape(str(exc))}</p>'

    # --- controls ----------------------------------------------------------------------

    def activity_id(self) -> str | None:
        return self.session["state"].get("activity") if self.session else None

    def results(self, activity: str | None = None) -> dict:
        return self.engine.results(self.code, activity) if self.code else {}

    def is_revealed(self, activity: str) -> bool:
        return bool(self.code) and activity in self.engine.session(self.code)["state"].get("revealed", [])

    def stored(self) -> dict:
        """The trainer's decisions kept in the session (read from the store: another kernel may have written)."""
        return self.engine.session(self.code)["state"].get("data", {}) if self.code else {}

    def keep(self, key: str, value: Any) -> None:
        """Keep a trainer's decision in the session, so a restarted kernel resumes with it."""
        if self.stored().get(key) != value:
            self._act(self.engine.set_data, key, value)

    def _sync_controls(self) -> None:
        if not self.session:
            return
        state = self.session["state"]
        for toggle, handler, value in (
            (self.input_toggle, self._on_input, bool(state.get("open"))),
            (self.reveal_toggle, self._on_reveal, state.get("activity") in state.get("revealed", [])),
        ):
            toggle.unobserve(handler, names="value")
            toggle.value = value
            toggle.observe(handler, names="value")
        self.input_toggle.description = self.t("core.close_input" if state.get("open") else "core.open_input")
        self.reveal_toggle.description = self.t("core.hide_results" if self.reveal_toggle.value else "core.reveal")
        timer = state.get("timer")
        self.timer_view.value = (
            f'<span class="elan-timer" data-ends="{timer["ends_at"]}">{timer["seconds"] // 60}:{timer["seconds"] % 60:02d}</span>'
            if timer else ""
        )

    def _on_pick(self, change) -> None:
        self.go(change["new"])

    def _on_input(self, change) -> None:
        self._act(self.engine.set_input, change["new"])

    def _on_reveal(self, change) -> None:
        activity = self.activity_id()
        if activity:
            self._act(self.engine.reveal, activity, change["new"])

    def _act(self, method, *args, **kwargs):
        """Run a trainer action on this session; the engine checks the trainer's right to it."""
        if not self.code:
            return None
        try:
            result = method(self.trainer, self.code, *args, **kwargs)
            self.message.value = ""
        except EngineError as exc:
            self.message.value = f'<p class="elan-error">{html.escape(self.t(exc.key, **exc.values))}</p>'
            return None
        self.session = self.engine.session(self.code)
        self._sync_controls()
        self.refresh()
        return result

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
        while self.code:
            try:
                session = self.engine.session(self.code)
                if session["event_seq"] != self.seq:
                    self.seq = session["event_seq"]
                    self.session = session
                    self._sync_controls()
                    self.refresh()
            except Exception:  # an exception would end the task silently: log it and go on
                log.exception("live update failed")
            await asyncio.sleep(interval)
