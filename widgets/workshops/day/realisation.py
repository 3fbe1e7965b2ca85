"""The certificat de réalisation: the public model a funder asks for, one per participant who attended.

The model (Ministère du Travail, for actions funded by an OPCO, the CPF or an
employer) states who certifies (the organisation's representative), the
organisation's declaration number and SIRET, the learner and their employer or
funder, the action and its nature, the dates it ran, and the hours actually
attended; then place, date, stamp and signature. Hours come from the half-days
the trainer validated, each counted at its training time in the programme.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from widgets import content
from widgets.core.i18n import Translator
from widgets.web.export import register_document
from widgets.workshops.day import attendance as att
from widgets.workshops.day import certificates as cert
from widgets.workshops.day import paperwork

LOADER = jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates")


def short_date(iso: str, lang: str) -> str:
    """dd/mm/yyyy in French (the model's "du ... au ..."), ISO otherwise."""
    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return day.strftime("%d/%m/%Y") if lang.startswith("fr") else day.isoformat()


def realisation_html(engine, code: str, participant_id: int | None = None, lang: str | None = None) -> str:
    session = engine.session(code)
    lang = lang or session["lang"]
    data = session["state"].get("data", {})
    day = att.day_info(data)
    found = cert.certificates(engine, code, participant_id, lang)
    facts = paperwork.facts(data)
    dates = day.get("dates") or []
    env = jinja2.Environment(loader=LOADER, autoescape=True)
    return env.get_template("certificat_realisation.html").render(
        lang=lang,
        t=Translator(lang),
        day=day,
        session=session,
        certificates=found,
        facts=facts,
        nature=facts.get("nature") or "formation",
        natures=content.load("day/programme")["natures"],
        text=lambda value: content.text(value, lang),
        date=lambda iso: short_date(iso, lang),
        first=dates[0] if dates else "",
        last=dates[-1] if dates else "",
        today=short_date(dates[-1] if dates else "", lang),
    )


@register_document("realisation")
def _realisation_document(engine, code, lang, args):
    participant = args.get("participant")
    if participant is not None and not str(participant).isdigit():
        from widgets.core.errors import Invalid

        raise Invalid("core.error_invalid", field="participant")
    return realisation_html(engine, code, int(participant) if participant is not None else None, lang)
