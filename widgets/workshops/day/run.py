"""Running a training day in one session: set it up, move through the agenda, and its documents.

A day is one session (one join code; participants stay the same people from
activity to activity). What the trainer enters (title, organisation, trainer,
place, dates, the agenda) is kept in ``state["data"]["day"]`` and ``["agenda"]``;
moving to an agenda item records when it started (``["progress"]``), so the console
shows where the day stands against the plan, and opens the item's activity on the
phones when it is one of the day's short activities. The documents (programme,
attendance sheets, certificates) and these actions are registered with the web
layer (:mod:`widgets.web.documents` serves them).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import markupsafe

from widgets import content
from widgets.core.errors import Forbidden, Invalid
from widgets.core.i18n import Translator
from widgets.web.export import Source, register_action, register_document
from widgets.workshops.day import agenda as ag
from widgets.workshops.day import attendance as att
from widgets.workshops.day import certificates as cert
from widgets.workshops.day import evaluation as ev
from widgets.workshops.day import openers, paperwork

LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")
DAY_FIELDS = ("title", "organisation", "trainer", "place", "timezone")
TEXT_MAX = 200


def _require(engine, trainer, code: str) -> dict:
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    return session


def setup(engine, trainer, code: str, body: dict) -> dict:
    """Enter the day's facts and agenda; the half-days (one attendance sheet each) follow from them."""
    session = _require(engine, trainer, code)
    agenda = ag.Agenda.from_dict(body.get("agenda") or {})
    dates = body.get("dates") or []
    if not isinstance(dates, list) or len(dates) < agenda.days():
        raise Invalid("day.error_dates", days=agenda.days())
    for value in dates:
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise Invalid("day.error_date", value=value) from None
    day = dict(session["state"].get("data", {}).get("day") or {})
    for name in DAY_FIELDS:
        if name in body:
            value = body[name]
            if not isinstance(value, str) or len(value) > TEXT_MAX:
                raise Invalid("core.error_invalid", field=name)
            day[name] = " ".join(value.split())
    try:
        ZoneInfo(day.get("timezone") or "Europe/Paris")
    except (ValueError, KeyError):
        raise Invalid("core.error_invalid", field="timezone") from None
    day["dates"] = [str(d) for d in dates[: agenda.days()]]
    day["halfdays"] = ag.halfdays_of(agenda, day["dates"])
    engine.set_data(trainer, code, "day", day, public=False)
    engine.set_data(trainer, code, "agenda", agenda.to_dict(), public=False)
    return {"day": day, "finish": agenda.finish().strftime("%H:%M"), "slack": agenda.slack()}


def _halfday_at(day: dict, agenda: ag.Agenda, index: int) -> dict | None:
    key = ag.halves(agenda).get(index)
    return next((h for h in day.get("halfdays", []) if h["id"] == key), None)


def activity_spec(item: ag.Item, day: dict, agenda: ag.Agenda, index: int) -> dict | None:
    """The phones' activity of a short agenda item (None for workshops, run from their own screens, and breaks)."""
    if item.kind != "activity":
        return None
    if item.ref == "signin":
        halfday = _halfday_at(day, agenda, index)
        return att.signin_spec(halfday) if halfday else None
    if item.ref in ("quiz-pre", "quiz-post"):
        return ev.quiz_spec(item.ref.split("-")[1])
    if item.ref == "evaluation":
        return ev.evaluation_spec(agenda.workshops())
    if item.ref == "workshop-evaluation":
        before = [i.ref for i in agenda.items[:index] if i.kind == "workshop"]
        return ev.workshop_evaluation_spec(before[-1]) if before else None
    if item.ref == "wordcloud":
        return openers.wordcloud_spec()
    if item.ref == "commitment":
        return openers.commitment_spec()
    return None


def goto(engine, trainer, code: str, body: dict) -> dict:
    """Move the day to agenda item ``index``: note when, and open its activity on the phones if it has one."""
    session = _require(engine, trainer, code)
    data = session["state"].get("data", {})
    if not data.get("agenda"):
        raise Invalid("day.error_agenda")
    agenda = ag.Agenda.from_dict(data["agenda"])
    index = body.get("index")
    if not isinstance(index, int) or not 0 <= index < len(agenda.items) or agenda.items[index].kind == "overnight":
        raise Invalid("core.error_invalid", field="index")
    progress = dict(data.get("progress") or {})
    progress[str(index)] = time.time()
    engine.set_data(trainer, code, "progress", progress, public=False)
    spec = activity_spec(agenda.items[index], att.day_info(data), agenda, index)
    if spec is not None:
        engine.open_activity(trainer, code, spec, phase=f"agenda-{index}")
    return status(engine, code)


def status(engine, code: str) -> dict:
    """Where the day stands against the plan (for the console and the trainer view)."""
    session = engine.session(code)
    data = session["state"].get("data", {})
    if not data.get("agenda"):
        return {"current": None, "late": 0}
    agenda = ag.Agenda.from_dict(data["agenda"])
    day = att.day_info(data)
    dates = day.get("dates") or []
    first = dt.date.fromisoformat(dates[0]) if dates else dt.date.today()
    return ag.where_we_are(agenda, data.get("progress") or {}, time.time(), first, ZoneInfo(day["timezone"]))


@register_action("setup")
def _setup_action(engine, trainer, code, body):
    return setup(engine, trainer, code, body)


@register_action("goto")
def _goto_action(engine, trainer, code, body):
    return goto(engine, trainer, code, body)


@register_action("attendance")
def _attendance_action(engine, trainer, code, body):
    participant = body.get("participant")
    if not isinstance(participant, int):
        raise Invalid("core.error_invalid", field="participant")
    return att.mark(
        engine, trainer, code, str(body.get("halfday", "")), participant, str(body.get("status", "")), body.get("name")
    )


@register_action("moderate")
def _moderate_action(engine, trainer, code, body):
    return openers.moderate(engine, trainer, code, body)


def programme_html(engine, code: str, lang: str | None = None) -> str:
    session = engine.session(code)
    lang = lang or session["lang"]
    data = session["state"].get("data", {})
    if not data.get("agenda"):
        raise Invalid("day.error_agenda")
    agenda = ag.Agenda.from_dict(data["agenda"])
    day = att.day_info(data)
    env = jinja2.Environment(loader=LOADER, autoescape=True)
    return env.get_template("programme.html").render(
        lang=lang,
        t=Translator(lang),
        day=day,
        session=session,
        p=ag.programme(agenda, day, lang),
        fields=paperwork.programme_fields(data, lang),
        duration=cert.duration_text(agenda.teaching_minutes(), lang),
        format_date=lambda iso: att.long_date(iso, lang),
    )


@register_document("programme")
def _programme_document(engine, code, lang, args):
    return programme_html(engine, code, lang)


@register_document("evaluation")
def _evaluation_document(engine, code, lang, args):
    """The teaching moment as a page of its own: the training's NPS and CSAT, the quiz's gain (no comments)."""
    session = engine.session(code)
    lang = lang or session["lang"]
    source = Source(engine, session, lang, False, [])
    env = jinja2.Environment(loader=LOADER, autoescape=True)
    return env.get_template("evaluation_page.html").render(
        lang=lang, t=Translator(lang), body=markupsafe.Markup(ev.stage_html(source))
    )


@register_document("wordcloud")
def _wordcloud_document(engine, code, lang, args):
    """The opener's word cloud for the projector: the more people wrote a word, the bigger (hidden words left out)."""
    session = engine.session(code)
    lang = lang or session["lang"]
    spec = session["state"].get("specs", {}).get(openers.WORDCLOUD)
    if spec is None:
        raise Invalid("core.error_invalid", field="wordcloud")
    found = engine.results(code, openers.WORDCLOUD)
    top = max([w["count"] for w in found["words"]] or [1])
    words = [{**w, "size": 1 + round(3 * (w["count"] - 1) / max(1, top - 1)) if top > 1 else 2} for w in found["words"]]
    env = jinja2.Environment(loader=LOADER, autoescape=True)
    return env.get_template("wordcloud_page.html").render(
        lang=lang, t=Translator(lang), prompt=content.text(spec["prompt"], lang), words=words, authors=found["authors"]
    )


@register_action("status")
def _status_action(engine, trainer, code, body):
    _require(engine, trainer, code)
    return status(engine, code)


@register_document("attendance")
def _attendance_document(engine, code, lang, args):
    return att.sheet_html(engine, code, args.get("halfday"), lang)


@register_document("certificates")
def _certificates_document(engine, code, lang, args):
    participant = args.get("participant")
    if participant is not None and not str(participant).isdigit():
        raise Invalid("core.error_invalid", field="participant")
    return cert.certificates_html(engine, code, int(participant) if participant is not None else None, lang)
