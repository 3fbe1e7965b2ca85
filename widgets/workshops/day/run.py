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
from widgets.core.languages import LANGUAGES
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


def _texts(key: str, **values) -> dict:
    """One interface string in every language, for a spec the phones and the stage read in theirs."""
    return {
        lang: Translator(lang)(key, **{k: v(lang) if callable(v) else v for k, v in values.items()})
        for lang in LANGUAGES
    }


def _titles(item: ag.Item) -> dict:
    return {lang: ag.item_title(item.kind, item.ref, lang) for lang in LANGUAGES}


def _next_of(agenda: ag.Agenda, index: int) -> ag.Item | None:
    later = [slot.item for slot in agenda.schedule() if slot.index > index]
    return later[0] if later else None


def break_spec(agenda: ag.Agenda, index: int, resume_at: dt.datetime) -> dict:
    """A break's screen: answers closed, when the room comes back (``resume_at``, the room's clock) and what is next."""
    item = agenda.items[index]
    spec = {
        "kind": "pause",
        "id": f"agenda-{index}-{item.ref}",
        "title": _titles(item),
        "resume": _texts("day.break_resume", time=resume_at.strftime("%H:%M")),
    }
    after = _next_of(agenda, index)
    if after is not None:
        spec["next"] = _texts("day.break_next", next=lambda lang: ag.item_title(after.kind, after.ref, lang))
    return spec


def title_spec(item: ag.Item, index: int) -> dict:
    """A title screen: a workshop as it begins (until its console opens its first step on this session), or an
    item with nothing for the phones to do."""
    spec = {"kind": "info", "id": f"agenda-{index}-{item.ref}", "title": _titles(item)}
    if item.kind == "workshop":
        spec["workshop"] = item.ref  # the workshop's console, opened now, takes over from this card
    return spec


def remote_note(agenda: ag.Agenda, index: int | None, lang: str) -> dict:
    """What the phone remote shows of the day: the item as "step n of N" and, as its line, what comes next."""
    t = Translator(lang)
    slots = agenda.schedule()
    if index is None:
        return {"index": len(slots), "total": len(slots), "title": t("day.end_title"), "line": ""}
    position = next((n for n, slot in enumerate(slots, start=1) if slot.index == index), 0)
    item = agenda.items[index]
    after = _next_of(agenda, index)
    line = t("day.next_is", title=ag.item_title(after.kind, after.ref, lang)) if after else t("day.end_day")
    return {
        "index": position,
        "total": len(slots),
        "title": ag.item_title(item.kind, item.ref, lang),
        "line": line,
    }


def _zone(day: dict) -> ZoneInfo:
    return ZoneInfo(day.get("timezone") or "Europe/Paris")


def goto(engine, trainer, code: str, body: dict) -> dict:
    """Move the day to agenda item ``index``, on the day's one session: phones and stage follow.

    An activity opens on the phones; a workshop shows its title until its console opens
    its first step; a break closes answers and shows when the room comes back, with a
    countdown and what is next.
    """
    session = _require(engine, trainer, code)
    data = session["state"].get("data", {})
    if not data.get("agenda"):
        raise Invalid("day.error_agenda")
    agenda = ag.Agenda.from_dict(data["agenda"])
    index = body.get("index")
    if (
        isinstance(index, bool)
        or not isinstance(index, int)
        or not 0 <= index < len(agenda.items)
        or agenda.items[index].kind == "overnight"
    ):
        raise Invalid("core.error_invalid", field="index")
    progress = dict(data.get("progress") or {})
    progress[str(index)] = time.time()
    engine.set_data(trainer, code, "progress", progress, public=False)
    engine.set_data(trainer, code, "console", remote_note(agenda, index, session["lang"]), public=False)
    if data.get("ended_at"):
        engine.set_data(trainer, code, "ended_at", None, public=False)  # the trainer went back into the day
    item = agenda.items[index]
    day = att.day_info(data)
    phase = f"agenda-{index}"
    if session["state"].get("timer"):
        engine.stop_timer(trainer, code)  # a countdown belongs to the item that started it
    if item.kind == "break":
        minutes = item.planned
        resume_at = dt.datetime.now(_zone(day)) + dt.timedelta(minutes=minutes)
        engine.show_step(trainer, code, break_spec(agenda, index, resume_at), phase=phase, open=False)
        engine.start_timer(trainer, code, minutes * 60)
    else:
        spec = activity_spec(item, day, agenda, index)
        if spec is not None:
            engine.open_activity(trainer, code, spec, phase=phase)
        else:  # the last item's answers must not stay open under a screen that moved on
            engine.show_step(trainer, code, title_spec(item, index), phase=phase, open=False)
    return status(engine, code)


def end_day(engine, trainer, code: str) -> dict:
    """End the day on its session: answers closed, a closing screen on the phones and the stage.

    The session stays open so the trainer can still validate attendance lines and hand
    out documents; closing it is the trainer's last, separate act.
    """
    session = _require(engine, trainer, code)
    data = session["state"].get("data", {})
    if not data.get("agenda"):
        raise Invalid("day.error_agenda")
    if session["state"].get("timer"):
        engine.stop_timer(trainer, code)
    agenda = ag.Agenda.from_dict(data["agenda"])
    engine.set_data(trainer, code, "console", remote_note(agenda, None, session["lang"]), public=False)
    spec = {
        "kind": "info",
        "id": "day-end",
        "title": _texts("day.end_title"),
        "prompt": _texts("day.end_prompt"),
    }
    engine.show_step(trainer, code, spec, phase="day-end", open=False)
    engine.set_data(trainer, code, "ended_at", time.time(), public=False)
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
    out = ag.where_we_are(agenda, data.get("progress") or {}, time.time(), first, _zone(day))
    out["ended"] = bool(data.get("ended_at"))
    return out


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


@register_action("end")
def _end_action(engine, trainer, code, body):
    return end_day(engine, trainer, code)


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
