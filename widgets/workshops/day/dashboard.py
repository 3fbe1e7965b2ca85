"""The trainer's screen for a training day: compose the programme, start the day, run it, validate attendance.

One session carries the day (one join code). Composing: the day's facts and the
agenda (a sample to start from, items moved, added, removed, minutes set by hand),
with the programme's times, end and slack recomputed at every change. Running: the
join panel, the agenda with the current item and how far ahead or behind the plan
the day is, a link to each workshop's own screen on the same session, the
attendance lines to validate, and the documents to download.

>>> dash = day_dashboard("en")          # no trainer key: demo mode, on a private in-memory store
>>> dash.code is not None and "d1-am" in dash.html_attendance()
True
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from urllib.parse import quote

import ipywidgets as w
import jinja2

from widgets import content
from widgets.core.errors import EngineError
from widgets.core.i18n import Translator
from widgets.ui.join_panel import JoinPanel
from widgets.ui.templating import replace_children
from widgets.ui.trainer import Viewer, current
from widgets.workshops.day import agenda as ag
from widgets.workshops.day import attendance as att
from widgets.workshops.day import openers, run
from widgets.workshops.day.paperwork_panel import PaperworkPanel

WORKSHOP = "day"
LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")
POLL_SECONDS = 2.0
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
        self.status = w.HTML()
        self.next_button = w.Button(
            description=t("day.next_item"), button_style="primary", layout=w.Layout(width="auto")
        )
        self.goto_button = w.Button(description=t("day.goto_item"), layout=w.Layout(width="auto"))
        self.attendance = w.VBox()
        self.paperwork = PaperworkPanel(self.engine, self.trainer, t, self._error, lambda: self.refresh(force=True))
        self.cloud = w.VBox()
        self.downloads = w.HTML()
        self.running = w.VBox(
            [
                self.join_panel,
                self.status,
                w.HBox([self.next_button, self.goto_button]),
                self.cloud,
                self.paperwork,
                self.attendance,
                self.downloads,
            ]
        )

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
        state = run.status(self.engine, self.code) if self.code else {}
        nxt = state.get("next")
        if nxt is not None:
            self.items.index = nxt
            self.goto(nxt)

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
        if self.code is None:
            return
        session = self.engine.session(self.code)
        if not force and session["event_seq"] == self.seq:
            return
        self.seq = session["event_seq"]
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
        self.status.value = self._render(
            "dash_status.html",
            slots=slots,
            state=state,
            links=workshop_links,
            title=lambda item: ag.item_title(item.kind, item.ref, self.lang),
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
                self.refresh()
            except EngineError:
                pass
            await asyncio.sleep(POLL_SECONDS)


def day_dashboard(lang: str | None = None) -> DayDashboard:
    """The training day's trainer screen (demo mode, on a private store, when opened without a trainer key)."""
    return DayDashboard(lang)
