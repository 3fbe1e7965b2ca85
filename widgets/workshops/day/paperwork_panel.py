"""The day console's paperwork panel: the roster entered or imported before the day, the trainer's signatures.

Kept apart from the day's dashboard so the console only places it: the roster as
lines typed or pasted ("first name; last name; employer") or a spreadsheet
(CSV or XLSX), and a pad on which the trainer signs each half-day's sheet.
"""

from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets as w
import jinja2

from widgets import content
from widgets.core.errors import EngineError, Invalid
from widgets.workshops.day import attendance as att
from widgets.workshops.day import paperwork
from widgets.workshops.day import roster as rs
from widgets.workshops.day.signature_pad import SignaturePad

PROGRAMME = content.load("day/programme")
LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")


def lines_of(entries: list[dict]) -> str:
    return "\n".join(";".join(e.get(f, "") for f in ("first", "last", "org")).rstrip(";") for e in entries)


def entries_of(text: str) -> list[dict]:
    """Typed lines as roster entries (``first; last; employer``); a line with a name but no first name is refused."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(";")]
        if len(cells) > 3:
            raise Invalid("day.error_roster_row", row=n)
        first, last, org = (cells + ["", "", ""])[:3]
        out.append({"first": first, "last": last, "org": org})
    return out


class PaperworkPanel(w.VBox):
    def __init__(self, engine, trainer, t, error, changed):
        """``error`` shows an engine error on the console; ``changed`` redraws the console's sheets."""
        self.engine, self.trainer, self.t, self._error, self._changed = engine, trainer, t, error, changed
        self.lang = t.lang
        self.code: str | None = None
        self.env = jinja2.Environment(loader=LOADER, autoescape=True)
        self.roster_text = w.Textarea(
            description=t("day.roster_lines"),
            layout=w.Layout(width="40em", height="10em"),
            style={"description_width": "initial"},
        )
        self.roster_file = w.FileUpload(
            accept=".csv,.xlsx", multiple=False, description=t("day.roster_import"), layout=w.Layout(width="auto")
        )
        self.roster_save = w.Button(description=t("day.roster_save"), layout=w.Layout(width="auto"))
        self.roster_status = w.HTML()
        self.halfday = w.Dropdown(
            description=t("day.halfday"),
            options=[],
            style={"description_width": "initial"},
            layout=w.Layout(width="32em"),
        )
        self.pad = SignaturePad(label=t("day.trainer_signature"), clear_label=t("day.clear"))
        self.sign = w.Button(description=t("day.trainer_sign"), button_style="primary", layout=w.Layout(width="auto"))
        self.sign_status = w.HTML()
        # The organisation's facts for the certificat de réalisation, and the programme's fields.
        self.facts = {
            name: w.Text(
                description=t(f"day.facts_{name}"), style={"description_width": "12em"}, layout=w.Layout(width="40em")
            )
            for name in ("declaration", "siret", "signatory")
        }
        self.nature = w.Dropdown(
            description=t("day.realisation_nature_short"),
            options=[(content.text(label, self.lang), key) for key, label in PROGRAMME["natures"].items()],
            style={"description_width": "12em"},
            layout=w.Layout(width="40em"),
        )
        self.stamp = w.FileUpload(
            accept=".png,.jpg,.jpeg", multiple=False, description=t("day.facts_stamp"), layout=w.Layout(width="auto")
        )
        self.fields = {
            key: w.Textarea(
                description=content.text(spec["label"], self.lang),
                style={"description_width": "12em"},
                layout=w.Layout(width="40em", height="4em"),
            )
            for key, spec in PROGRAMME["fields"].items()
        }
        self.facts_save = w.Button(description=t("day.facts_save"), layout=w.Layout(width="auto"))
        self.facts_status = w.HTML()
        self.facts_save.on_click(lambda _: self.save_facts())
        self.stamp.observe(lambda _: self.save_stamp(), names="value")
        self.roster_save.on_click(lambda _: self.save_roster())
        self.roster_file.observe(lambda _: self.import_roster(), names="value")
        self.sign.on_click(lambda _: self.sign_halfday())
        super().__init__(
            [
                w.HTML(self._render("dash_paperwork_head.html", part="roster")),
                self.roster_text,
                w.HBox([self.roster_save, self.roster_file]),
                self.roster_status,
                w.HTML(self._render("dash_paperwork_head.html", part="sign")),
                self.halfday,
                self.pad,
                w.HBox([self.sign]),
                self.sign_status,
                w.HTML(self._render("dash_paperwork_head.html", part="facts")),
                *self.facts.values(),
                self.nature,
                *self.fields.values(),
                w.HBox([self.facts_save, self.stamp]),
                self.facts_status,
            ]
        )

    def _render(self, template: str, **values) -> str:
        return self.env.get_template(template).render(t=self.t, **values)

    def attach(self, code: str) -> None:
        self.code = code
        data = self.engine.session(code)["state"].get("data", {})
        self.roster_text.value = lines_of(rs.roster(data))
        facts = paperwork.facts(data)
        for name, box in self.facts.items():
            box.value = facts.get(name, "")
        self.nature.value = facts.get("nature") or "formation"
        for field in paperwork.programme_fields(data, self.lang):
            self.fields[field["key"]].value = field["text"]
        self.show()

    def save_facts(self) -> None:
        body = {name: box.value for name, box in self.facts.items()}
        body["nature"] = self.nature.value
        body["programme"] = {key: box.value for key, box in self.fields.items()}
        try:
            paperwork.save(self.engine, self.trainer, self.code, body)
        except EngineError as exc:
            self._error(exc)
            return
        self.facts_status.value = self._render("dash_paperwork_status.html", saved=True)

    def save_stamp(self) -> None:
        files = self.stamp.value
        if not files:
            return
        name, raw = files[0]["name"].lower(), bytes(files[0]["content"])
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        try:
            paperwork.save(
                self.engine, self.trainer, self.code, {"stamp": f"data:{kind};base64,{base64.b64encode(raw).decode()}"}
            )
        except EngineError as exc:
            self._error(exc)
        else:
            self.facts_status.value = self._render("dash_paperwork_status.html", saved=True)
        finally:
            self.stamp.value = ()

    def show(self) -> None:
        """Counts, half-days and signatures as they stand (the agenda may have changed the half-days)."""
        data = self.engine.session(self.code)["state"].get("data", {})
        self.roster_status.value = self._render("dash_paperwork_status.html", n=len(rs.roster(data)))
        halfdays = att.halfdays(att.day_info(data))
        options = [
            (f"{att.long_date(h.get('date', ''), self.lang)}, {h.get('start', '')}–{h.get('end', '')}", h["id"])
            for h in halfdays
        ]
        if list(self.halfday.options) != options:
            keep = self.halfday.value
            self.halfday.options = options
            ids = [value for _, value in options]
            self.halfday.value = keep if keep in ids else (ids[0] if ids else None)
        signed = data.get("trainer_signatures") or {}
        self.sign_status.value = self._render(
            "dash_paperwork_signed.html",
            halfdays=halfdays,
            signed=signed,
            date=lambda iso: att.long_date(iso, self.lang),
        )

    def _set(self, entries: list[dict]) -> None:
        rs.set_roster(self.engine, self.trainer, self.code, entries)
        data = self.engine.session(self.code)["state"].get("data", {})
        self.roster_text.value = lines_of(rs.roster(data))
        self.show()
        self._changed()

    def save_roster(self) -> None:
        try:
            self._set(entries_of(self.roster_text.value))
        except EngineError as exc:
            self._error(exc)

    def import_roster(self) -> None:
        files = self.roster_file.value
        if not files:
            return
        try:
            self._set(rs.parse(files[0]["name"], bytes(files[0]["content"])))
        except EngineError as exc:
            self._error(exc)
        finally:
            self.roster_file.value = ()

    def sign_halfday(self) -> None:
        if not self.halfday.value:
            return
        try:
            att.sign_as_trainer(self.engine, self.trainer, self.code, self.halfday.value, self.pad.strokes)
        except EngineError as exc:
            self._error(exc)
            return
        self.pad.clear()
        self.show()
        self._changed()
