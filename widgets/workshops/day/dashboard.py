"""The trainer's screen for a training day: compose the programme, start the day, run it, validate attendance.

One session carries the day (one join code, one stage address). Composing: the day's facts
and the agenda (a sample to start from, items moved, added, removed, minutes set by hand),
with the programme's times, end and slack recomputed at every change. Running: what is on
now, how far ahead or behind the plan the day is and when it will end at this pace (redrawn
every minute), and first of all the button that opens what comes next and says what it is.
Each item opens on the day's session, so phones and the stage follow with no reload: an
activity opens for answers, a workshop shows its title until its own console (linked, on the
same session) opens its first step, a break closes answers and shows its countdown. The day's
activities get the answers, results and join-strip controls a workshop's console has, and a
phone remote; after the last item the day ends (a closing screen), then the console says what
the trainer does next (attendance lines, documents) before closing the session.

>>> dash = day_dashboard("en")          # no trainer key: demo mode, on a private in-memory store
>>> dash.code is not None and "d1-am" in dash.html_attendance()
True
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from urllib.parse import quote

import ipywidgets as w
import jinja2

from widgets import content
from widgets.core import qr
from widgets.core.errors import EngineError
from widgets.core.i18n import Translator
from widgets.ui import practices
from widgets.ui.join_panel import JoinPanel
from widgets.ui.templating import render, replace_children
from widgets.ui.trainer import Viewer, current
from widgets.workshops.day import agenda as ag
from widgets.workshops.day import attendance as att
from widgets.workshops.day import openers, run
from widgets.workshops.day.paperwork_panel import PaperworkPanel

WORKSHOP = "day"
LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")
POLL_SECONDS = 2.0
#: Seconds between two "console open" marks (the engine takes a console silent for 30 s as closed).
CONSOLE_BEAT = 10
#: The phases the day's console owns; any other is a workshop's step, which its own console moves.
DAY_PHASES = ("agenda-", "day-end")
#: Every workshop ends on the five-practices step: a remote's "next" there leaves the workshop for the day's next item.
LAST_WORKSHOP_PHASES = frozenset(phase.id for phase in practices.phases())
#: Each workshop's trainer page, opened on the day's session with ``&code=``.
DASHBOARDS = {ws["id"]: ws["dashboard"] for ws in content.load("workshops")["workshops"]}


def _choices(lang: str) -> list[tuple[str, tuple[str, str]]]:
    doc = content.load("day/activities")
    out = [(ag.item_title("workshop", ws, lang), ("workshop", ws)) for ws in DASHBOARDS]
    out += [(content.text(a["title"], lang), ("activity", a["id"])) for a in doc["activities"]]
    out += [(content.text(b["title"], lang), ("break", b["id"])) for b in doc["breaks"]]
    return out


class DayDashboard(w.VBox):
    """The training day's trainer screen (see the module docstring)."""

    def __init__(self, lang: str | None = None, viewer: Viewer | None = None):
        self.viewer = viewer or current(lang)
        self.lang = self.viewer.lang
        self.t = Translator(self.lang)
        self.engine = self.viewer.engine
        self.trainer = self.viewer.trainer
        self.code: str | None = None
        self.seq = -1
        self._syncing = False  # set while the console's toggles follow the session (no action then)
        self._task: asyncio.Task | None = None
        self.env = jinja2.Environment(loader=LOADER, autoescape=True)
        t = self.t
        samples = content.load("day/agendas")["agendas"]
        self.samples = {s["id"]: s for s in samples}
        self.agenda = ag.Agenda.from_dict(samples[0])

        self.heading = w.HTML(self._render("dash_heading.html"))
        self.message = w.HTML()
        wide = w.Layout(width="32em")
        self.title = w.Text(description=t("day.training"), layout=wide)
        self.organisation = w.Text(description=t("day.organisation"), layout=wide)
        self.trainer_name = w.Text(description=t("day.trainer"), layout=wide)
        self.place = w.Text(description=t("day.place"), layout=wide)
        self.date = w.DatePicker(description=t("day.dates"), value=dt.date.today())
        self.sample = w.Dropdown(
            options=[(content.text(s["title"], self.lang), s["id"]) for s in samples], description=t("day.sample")
        )
        self.start = w.Text(value=self.agenda.start, description=t("day.starts_at"), layout=w.Layout(width="14em"))
        self.end = w.Text(value=self.agenda.end, description=t("day.ends_at"), layout=w.Layout(width="14em"))
        self.items = w.Select(rows=12, layout=w.Layout(width="40em"), description=t("day.agenda"))
        self.up = w.Button(description="▲", tooltip=t("day.move_up"), layout=w.Layout(width="3em"))
        self.down = w.Button(description="▼", tooltip=t("day.move_down"), layout=w.Layout(width="3em"))
        self.remove = w.Button(description="✕", tooltip=t("day.remove"), layout=w.Layout(width="3em"))
        self.minutes = w.BoundedIntText(
            value=0, min=0, max=600, description=t("day.minutes"), layout=w.Layout(width="14em")
        )
        self.set_minutes = w.Button(description=t("day.set_minutes"), layout=w.Layout(width="auto"))
        self.add_choice = w.Dropdown(options=_choices(self.lang), description=t("day.add"))
        self.add = w.Button(description=t("day.add_button"), layout=w.Layout(width="auto"))
        self.preview = w.HTML()
        self.start_day = w.Button(description=t("day.start_day"), button_style="primary", layout=w.Layout(width="auto"))
        self.save_day = w.Button(description=t("day.save_programme"), layout=w.Layout(width="auto"))
        self.compose = w.VBox(
            [
                self.title,
                self.organisation,
                self.trainer_name,
                self.place,
                self.date,
                w.HBox([self.sample, self.start, self.end]),
                w.HBox([self.items, w.VBox([self.up, self.down, self.remove])]),
                w.HBox(
                    [self.minutes, self.set_minutes, self.add_choice, self.add], layout=w.Layout(flex_flow="row wrap")
                ),
                self.preview,
                w.HBox([self.start_day, self.save_day]),
            ]
        )

        self.join_panel = JoinPanel(self.lang)
        self.now = w.HTML()
        self.status = w.HTML()
        # What comes next is the console's first control: above the fold, and it says what it opens.
        self.next_button = w.Button(
            description=t("day.next_item"), button_style="primary", layout=w.Layout(width="auto")
        )
        self.next_button.add_class("elan-day-next")
        self.goto_button = w.Button(description=t("day.goto_item"), layout=w.Layout(width="auto"))
        # The day's activities get the controls a workshop's console has (the engine checks each).
        self.input_toggle = w.ToggleButton(description=t("core.open_input"), layout=w.Layout(width="auto"))
        self.input_toggle.add_class("elan-k-input")
        self.reveal_toggle = w.ToggleButton(description=t("core.reveal"), layout=w.Layout(width="auto"))
        self.reveal_toggle.add_class("elan-k-reveal")
        self.join_toggle = w.ToggleButton(description=t("console.join_strip"), layout=w.Layout(width="auto"))
        self.join_toggle.add_class("elan-k-join")
        self.stage_link = w.HTML()
        self.pair_button = w.Button(description=t("console.pair_remote"), layout=w.Layout(width="auto"))
        self.remote_view = w.HTML()
        self._remote_url = ""
        self.controls = w.HBox(
            [self.input_toggle, self.reveal_toggle, self.join_toggle, self.stage_link, self.pair_button],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        # The end of the day: what the trainer does next, and closing the session (confirmed).
        self.after = w.HTML()
        self.close_button = w.Button(
            description=t("day.close_session"), button_style="danger", layout=w.Layout(width="auto")
        )
        self.reopen_button = w.Button(description=t("day.reopen_session"), layout=w.Layout(width="auto"))
        self.confirm_text = w.HTML()
        self.confirm_yes = w.Button(
            description=t("day.close_session"), button_style="danger", layout=w.Layout(width="auto")
        )
        self.confirm_yes.add_class("elan-confirm-yes")
        self.confirm_no = w.Button(description=t("console.cancel"), layout=w.Layout(width="auto"))
        self.confirm_bar = w.HBox([self.confirm_text, self.confirm_yes, self.confirm_no])
        self.confirm_bar.layout.display = "none"
        self.end_box = w.VBox([self.after, w.HBox([self.close_button, self.reopen_button]), self.confirm_bar])
        self.end_box.layout.display = "none"
        self.attendance = w.VBox()
        self.paperwork = PaperworkPanel(self.engine, self.trainer, t, self._error, lambda: self.refresh(force=True))
        self.cloud = w.VBox()
        self.downloads = w.HTML()
        self.running = w.VBox(
            [
                self.now,
                w.HBox([self.next_button, self.goto_button], layout=w.Layout(flex_flow="row wrap")),
                self.controls,
                self.end_box,
                self.join_panel,
                self.remote_view,
                self.status,
                self.cloud,
                self.paperwork,
                self.attendance,
                self.downloads,
            ]
        )
        self._minute = -1
        self._beat = 0.0

        self.sample.observe(self._on_sample, names="value")
        self.start.observe(lambda _: self._retime(), names="value")
        self.end.observe(lambda _: self._retime(), names="value")
        self.up.on_click(lambda _: self._move(-1))
        self.down.on_click(lambda _: self._move(1))
        self.remove.on_click(lambda _: self._remove())
        self.set_minutes.on_click(lambda _: self._set_minutes())
        self.add.on_click(lambda _: self._add())
        self.start_day.on_click(lambda _: self.start_session())
        self.save_day.on_click(lambda _: self.save())
        self.next_button.on_click(lambda _: self.goto_next())
        self.goto_button.on_click(lambda _: self.goto(self.items.index))
        self.input_toggle.observe(lambda c: self._act(self.engine.set_input, c["new"]), names="value")
        self.reveal_toggle.observe(lambda c: self.reveal(c["new"]), names="value")
        self.join_toggle.observe(lambda c: self._act(self.engine.set_stage, join=c["new"]), names="value")
        self.pair_button.on_click(lambda _: self.pair())
        self.close_button.on_click(lambda _: self._ask_close())
        self.confirm_yes.on_click(lambda _: self.close_day())
        self.confirm_no.on_click(lambda _: self._ask_close(False))
        self.reopen_button.on_click(lambda _: self._act(self.engine.reopen_session))
        super().__init__([self.heading, self.message, self.running, self.compose])
        self.running.layout.display = "none"
        self._show_items()
        self.resume_or_start()

    # --- templates -------------------------------------------------------------

    def _render(self, template: str, **values) -> str:
        return self.env.get_template(template).render(t=self.t, lang=self.lang, **values)

    def _error(self, exc: EngineError) -> None:
        try:
            text = self.t(exc.key, **exc.values)
        except (KeyError, IndexError):
            text = self.t("core.error_try_again")
        self.message.value = self._render("dash_message.html", text=text)

    # --- composing ---------------------------------------------------------------

    def _on_sample(self, change) -> None:
        sample = self.samples[change["new"]]
        self.agenda = ag.Agenda.from_dict(sample)
        self.start.value, self.end.value = self.agenda.start, self.agenda.end
        self._show_items()

    def _retime(self) -> None:
        try:
            self.agenda = ag.Agenda.from_dict(
                {**self.agenda.to_dict(), "start": self.start.value, "end": self.end.value}
            )
        except EngineError as exc:
            self._error(exc)
            return
        self._show_items()

    def _show_items(self, keep: int | None = None) -> None:
        slots = {s.index: s for s in self.agenda.schedule()}
        options = []
        for i, item in enumerate(self.agenda.items):
            slot = slots.get(i)
            when = f"{slot.start:%H:%M}–{slot.end:%H:%M}" if slot else "—"
            label = (
                ag.item_title(item.kind, item.ref, self.lang) if item.kind != "overnight" else self.t("day.next_day")
            )
            options.append((f"{when}  {label}", i))
        self.items.options = options
        if options:
            self.items.index = max(0, min(len(options) - 1, keep if keep is not None else 0))
        self.preview.value = self._render(
            "dash_preview.html",
            finish=self.agenda.finish().strftime("%H:%M"),
            slack=self.agenda.slack(),
            teaching=self.agenda.teaching_minutes(),
        )
        self.message.value = ""

    def _selected(self) -> int | None:
        return self.items.index if self.items.options else None

    def _move(self, step: int) -> None:
        i = self._selected()
        if i is None or not 0 <= i + step < len(self.agenda.items):
            return
        items = self.agenda.items
        items[i], items[i + step] = items[i + step], items[i]
        self._show_items(keep=i + step)

    def _remove(self) -> None:
        i = self._selected()
        if i is not None:
            del self.agenda.items[i]
            self._show_items(keep=i)

    def _add(self) -> None:
        kind, ref = self.add_choice.value
        at = (self._selected() + 1) if self._selected() is not None else len(self.agenda.items)
        self.agenda.items.insert(at, ag.Item(kind, ref))
        self._show_items(keep=at)

    def _set_minutes(self) -> None:
        i = self._selected()
        if i is not None:
            self.agenda.items[i].minutes = self.minutes.value or None  # 0: back to the guide's figure
            self._show_items(keep=i)

    def _body(self) -> dict:
        dates = [(self.date.value or dt.date.today()) + dt.timedelta(days=n) for n in range(self.agenda.days())]
        return {
            "title": self.title.value,
            "organisation": self.organisation.value,
            "trainer": self.trainer_name.value,
            "place": self.place.value,
            "dates": [d.isoformat() for d in dates],
            "agenda": self.agenda.to_dict(),
        }

    # --- the session ----------------------------------------------------------------

    def resume_or_start(self) -> None:
        if self.viewer.demo:
            self.title.value = self.t("day.demo_title")
            self.start_session()
            return
        found = None
        if self.viewer.code:
            try:
                session = self.engine.session(self.viewer.code)
                if self.trainer.may_drive(session) and session["closed_at"] is None:
                    found = session
            except EngineError:
                found = None
        if found is None:
            sessions = self.engine.sessions_of(self.trainer, workshop=WORKSHOP)
            found = sessions[0] if sessions else None
        if found is not None:
            self.attach(found["code"])

    def start_session(self) -> None:
        try:
            session = self.engine.create_session(self.trainer, WORKSHOP, self.lang, title=self.title.value)
            run.setup(self.engine, self.trainer, session["code"], self._body())
        except EngineError as exc:
            self._error(exc)
            return
        self.attach(session["code"])

    def save(self) -> None:
        if not self.code:
            return
        try:
            run.setup(self.engine, self.trainer, self.code, self._body())
        except EngineError as exc:
            self._error(exc)
            return
        self.paperwork.show()  # the half-days to sign follow the agenda
        self.refresh(force=True)

    def attach(self, code: str) -> None:
        self.code = code
        data = self.engine.session(code)["state"].get("data", {})
        day = att.day_info(data)
        if data.get("agenda"):
            self.agenda = ag.Agenda.from_dict(data["agenda"])
            self.start.value, self.end.value = self.agenda.start, self.agenda.end
        for widget, name in (
            (self.title, "title"),
            (self.organisation, "organisation"),
            (self.trainer_name, "trainer"),
            (self.place, "place"),
        ):
            widget.value = day.get(name, "") or widget.value
        if day.get("dates"):
            self.date.value = dt.date.fromisoformat(day["dates"][0])
        self.join_panel.show(code, self.viewer.join_url(code))
        anonymous = bool(self.engine.session(code)["state"].get("anonymous"))
        self.paperwork.layout.display = "none" if anonymous else ""
        if not anonymous:
            self.paperwork.attach(code)
        self.running.layout.display = ""
        self.start_day.layout.display = "none"
        self._show_items()
        self.refresh(force=True)
        if not self.viewer.demo:
            self._start_polling()

    def goto(self, index: int | None) -> None:
        if self.code is None or index is None:
            return
        try:
            run.goto(self.engine, self.trainer, self.code, {"index": index})
        except EngineError as exc:
            self._error(exc)
            return
        self.refresh(force=True)

    def goto_next(self) -> None:
        """Open what comes next; after the last item, end the day."""
        if self.code is None:
            return
        state = run.status(self.engine, self.code)
        if state.get("ended"):
            return
        nxt = state.get("next")
        if nxt is not None:
            self.items.index = nxt
            self.goto(nxt)
        elif state.get("current") is not None:
            self.end_day()

    def goto_previous(self) -> None:
        state = run.status(self.engine, self.code) if self.code else {}
        current = state.get("current")
        earlier = [s.index for s in self.agenda.schedule() if current is not None and s.index < current]
        if earlier:
            self.items.index = earlier[-1]
            self.goto(earlier[-1])

    def end_day(self) -> None:
        """Close the day's answers and put the closing screen up; the session stays open for the paperwork."""
        try:
            run.end_day(self.engine, self.trainer, self.code)
        except EngineError as exc:
            self._error(exc)
        self.refresh(force=True)

    def reveal(self, shown: bool) -> None:
        """Show or hide the current activity's results; shown, its answers close (no answer moves under them)."""
        if self._syncing or self.code is None:
            return
        activity = self.engine.session(self.code)["state"].get("activity")
        if not activity:
            return
        try:
            if shown:
                self.engine.set_input(self.trainer, self.code, False)
            self.engine.reveal(self.trainer, self.code, activity, shown)
        except EngineError as exc:
            self._error(exc)
        self.refresh(force=True)

    def pair(self) -> None:
        if self.code is None:
            return
        try:
            credential = self.engine.pair_remote(self.trainer, self.code)
        except EngineError as exc:
            self._error(exc)
            return
        self._remote_url = self.viewer.remote_url(self.code, credential)
        self.refresh(force=True)

    def _ask_close(self, ask: bool = True) -> None:
        joined = self.engine.counts(self.code)["joined"] if ask and self.code else 0
        text = self.t("day.confirm_close", code=self.code, n=joined) if ask else ""
        self.confirm_text.value = self._render("dash_confirm.html", text=text) if ask else ""
        self.confirm_bar.layout.display = "" if ask else "none"

    def close_day(self) -> None:
        self._ask_close(False)
        self._act(self.engine.close_session)

    def _act(self, method, *args, **kwargs) -> None:
        """A trainer action on the day's session (the engine checks the right to it), then one redraw."""
        if self._syncing or self.code is None:
            return
        try:
            method(self.trainer, self.code, *args, **kwargs)
        except EngineError as exc:
            self._error(exc)
        self.refresh(force=True)

    def mark(self, halfday: str, participant: int, status: str) -> None:
        try:
            att.mark(self.engine, self.trainer, self.code, halfday, participant, status)
        except EngineError as exc:
            self._error(exc)
            return
        self.refresh(force=True)

    # --- what the trainer sees -----------------------------------------------------------

    def html_attendance(self) -> str:
        return self._render("dash_attendance.html", sheets=self._sheets())

    def _sheets(self) -> list[dict]:
        session = self.engine.session(self.code)
        if session["state"].get("anonymous"):
            return []
        day = att.day_info(session["state"].get("data", {}))
        return [att.sheet(self.engine, self.code, h["id"], self.lang) for h in att.halfdays(day)]

    def _links(self) -> dict:
        base = self.viewer.base_url + f"elan/api/s/{quote(self.code)}/"
        key = self.viewer.trainer_query()
        q = f"?{key}" if key else ""
        return {"base": base, "q": q, "amp": f"&{key}" if key else ""}

    def refresh(self, *, force: bool = False) -> None:
        """Redraw on a change in the session, and every minute (lateness and the projected end move with the clock)."""
        if self.code is None:
            return
        session = self.engine.session(self.code)
        minute = int(time.time() // 60)
        if not force and session["event_seq"] == self.seq and minute == self._minute:
            return
        self.seq = session["event_seq"]
        self._minute = minute
        state = run.status(self.engine, self.code)
        slots = self.agenda.schedule()
        workshop_links = {}
        voila = self.viewer.base_url + "voila/render/"
        key = self.viewer.trainer_query()
        for slot in slots:
            if slot.item.kind == "workshop" and slot.item.ref in DASHBOARDS:
                workshop_links[slot.index] = f"{voila}{DASHBOARDS[slot.item.ref]}?{key}&code={quote(self.code)}"
        counts = self.engine.counts(self.code)
        self.join_panel.counts(counts["joined"], counts["connected"], counts["answered"])
        if counts["joined"] and self.join_panel.large:
            self.join_panel.set_large(False)  # people are in: the console's room goes to what comes next
        closed = session["closed_at"] is not None
        title = lambda item: ag.item_title(item.kind, item.ref, self.lang)
        items = {slot.index: slot.item for slot in slots}
        current = items.get(state.get("current"))
        self.now.value = self._render(
            "dash_now.html",
            state=state,
            current=self.t("day.end_title") if state.get("ended") else title(current) if current else "",
            link=workshop_links.get(state.get("current")),
            closed=closed,
        )
        upcoming = items.get(state.get("next"))
        if upcoming is not None:
            self.next_button.description = self.t("day.next_is", title=title(upcoming))
        else:
            self.next_button.description = self.t(
                "day.end_day" if state.get("current") is not None else "day.next_item"
            )
        self.next_button.disabled = closed or bool(state.get("ended"))
        self.goto_button.disabled = closed
        self._sync_controls(session, closed)
        self._draw_end(state, session, closed)
        self.status.value = self._render(
            "dash_status.html",
            slots=slots,
            state=state,
            links=workshop_links,
            title=title,
        )
        rows = []
        for sheet in self._sheets():
            rows.append(
                w.HTML(
                    self._render(
                        "dash_sheet_head.html",
                        sheet=sheet,
                        date=att.long_date(sheet["halfday"].get("date", ""), self.lang),
                    )
                )
            )
            for row in sheet["rows"]:
                if row["participant_id"] is None:  # expected, never joined: absent, nothing to validate
                    rows.append(w.HTML(self._render("dash_sheet_row.html", row=row)))
                    continue
                present = w.Button(
                    description=self.t("day.validate"),
                    layout=w.Layout(width="auto"),
                    button_style="success" if row["status"] == "present" else "",
                )
                absent = w.Button(
                    description=self.t("day.mark_absent"),
                    layout=w.Layout(width="auto"),
                    button_style="warning" if row["status"] == "absent" else "",
                )
                present.on_click(
                    lambda _, h=sheet["halfday"]["id"], p=row["participant_id"]: self.mark(h, p, "present")
                )
                absent.on_click(lambda _, h=sheet["halfday"]["id"], p=row["participant_id"]: self.mark(h, p, "absent"))
                label = w.HTML(self._render("dash_sheet_row.html", row=row))
                rows.append(w.HBox([label, present, absent], layout=w.Layout(align_items="center")))
        replace_children(self.attendance, rows)
        replace_children(self.cloud, self._cloud_rows())
        day = att.day_info(session["state"].get("data", {}))
        self.downloads.value = self._render("dash_downloads.html", halfdays=att.halfdays(day), **self._links())

    def _sync_controls(self, session: dict, closed: bool) -> None:
        """The toggles say the session's state; they act only when the trainer changes them."""
        state = session["state"]
        spec = state.get("specs", {}).get(state.get("activity")) if state.get("activity") else None
        answerable = not closed and spec is not None and spec.get("kind") not in ("info", "pause")
        revealed = bool(spec) and spec["id"] in state.get("revealed", [])
        self._syncing = True
        try:
            self.input_toggle.value = bool(state.get("open")) and not closed
            self.reveal_toggle.value = revealed
            self.join_toggle.value = bool(state.get("stage", {}).get("join", True))
        finally:
            self._syncing = False
        self.input_toggle.disabled = self.reveal_toggle.disabled = not answerable
        self.join_toggle.disabled = self.pair_button.disabled = closed
        self.input_toggle.description = self.t("core.close_input" if self.input_toggle.value else "core.open_input")
        self.reveal_toggle.description = self.t("core.hide_results" if revealed else "core.reveal")
        self.join_toggle.description = self.t("console.hide_join" if self.join_toggle.value else "console.join_strip")
        self.stage_link.value = self._render("dash_stage_link.html", stage=self.viewer.base_url + f"stage/{self.code}")
        if not state.get("remotes"):
            self._remote_url = ""
        self.remote_view.value = render(
            "console_remote.html",
            t=self.t,
            url=self._remote_url,
            qr=qr.svg(self._remote_url) if self._remote_url else "",
            paired=len(state.get("remotes", [])),
        )

    def _draw_end(self, state: dict, session: dict, closed: bool) -> None:
        """Once the day is over: what the trainer does next, then closing the session (or reopening it)."""
        self.end_box.layout.display = "" if state.get("ended") or closed else "none"
        if not (state.get("ended") or closed):
            return
        pending = sum(1 for sheet in self._sheets() for row in sheet["rows"] if row["status"] == "pending")
        self.after.value = self._render("dash_after.html", pending=pending, closed=closed)
        self.close_button.layout.display = "none" if closed else ""
        self.reopen_button.layout.display = "" if closed else "none"

    def _cloud_rows(self) -> list:
        words = openers.trainer_words(self.engine, self.code)
        if not words:
            return []
        rows = [w.HTML(self._render("dash_cloud_head.html", n=len(words)))]
        for word in words:
            hidden = word["status"] != "visible"
            button = w.Button(
                description=self.t("day.show_word" if hidden else "day.hide_word"), layout=w.Layout(width="auto")
            )
            button.on_click(lambda _, k=word["key"], h=hidden: self.moderate(k, "visible" if h else "hidden"))
            rows.append(
                w.HBox(
                    [w.HTML(self._render("dash_cloud_row.html", word=word)), button],
                    layout=w.Layout(align_items="center"),
                )
            )
        return rows

    def moderate(self, key: str, status: str) -> None:
        try:
            openers.moderate(self.engine, self.trainer, self.code, {"key": key, "status": status})
        except EngineError as exc:
            self._error(exc)
            return
        self.refresh(force=True)

    def _start_polling(self) -> None:
        if self._task is not None:
            return
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._poll())

    async def _poll(self) -> None:
        while self.code is not None:
            try:
                self._follow_remote()
                self.refresh()
            except EngineError:
                pass
            await asyncio.sleep(POLL_SECONDS)

    def _follow_remote(self) -> None:
        """Say the console is open, and take the phone remote's next/previous while the day is on one of its items.

        During a workshop the phases are that workshop's, and its own console moves them.
        """
        session = self.engine.session(self.code)
        if session["closed_at"] is not None:
            return
        if time.monotonic() - self._beat > CONSOLE_BEAT:
            self.engine.console_seen(self.trainer, self.code)
            self._beat = time.monotonic()
        if session["event_seq"] == self.seq:
            return
        steps = sum(
            e["data"].get("step", 0) for e in self.engine.events_since(session["id"], self.seq) if e["kind"] == "nav"
        )
        phase = session["state"].get("phase") or "agenda-"
        ends_workshop = steps > 0 and phase in LAST_WORKSHOP_PHASES
        if not steps or not (phase.startswith(DAY_PHASES) or ends_workshop):
            return
        if steps > 0:
            self.goto_next()
        else:
            self.goto_previous()


def day_dashboard(lang: str | None = None) -> DayDashboard:
    """The training day's trainer screen (demo mode, on a private store, when opened without a trainer key)."""
    return DayDashboard(lang)
