"""Printed material for role-play and paper rooms: case cards per role, the observer's grid, the week's idea cards.

Role-play in threes gives each person a card with only what that role may know: the
customer knows who they are and how they react to each kind of answer; the adviser
knows what an adviser would see on screen; the observer knows the whole situation and
what to watch for, and fills a grid built from the competences the case puts at stake.
One card per sheet, A4 or US Letter (``print.css``); everything is autoescaped.

>>> html = case_cards([casebook.get_case("billing-double-charge")], "en", paper="letter")  # doctest: +SKIP
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import jinja2

from widgets import casebook, content, week
from widgets.i18n import Translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAPERS = ("a4", "letter")
ROLES = ("customer", "adviser", "observer")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, lang: str, paper: str, **values) -> str:
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    return _environment().get_template(name).render(lang=lang, paper=paper, t=Translator(lang), **values)


def competences(case: dict) -> list[str]:
    """The competences a case puts at stake: those some response moves, in the kit's order."""
    moved = {name for s in case["steps"] for r in s["responses"] for name, value in r["effects"].items() if value}
    return [name for name in casebook.COMPETENCES if name in moved]


def case_view(case: dict, lang: str) -> dict:
    """What the cards of one case show, in one language."""
    t = Translator(lang)
    txt = lambda value: content.text(value, lang)
    endings = {e["id"]: e for e in case["endings"]}
    steps = []
    for step in case["steps"]:
        responses = []
        for response in step["responses"]:
            ending = endings.get(response["next"])
            responses.append({
                "text": txt(response["text"]),
                "move": t(f"print.move_{response['customer']}"),
                "ending": t("print.then_ends", title=txt(ending["title"])) if ending else "",
            })
        steps.append({"situation": txt(step["situation"]), "responses": responses})
    debrief = case["debrief"]
    lens = debrief.get("lens") or {}
    return {
        "id": case["id"],
        "title": txt(case["title"]),
        "meta": t("print.case_meta", channel=t(f"cases.channel_{case['channel']}"), minutes=case.get("minutes", ""),
                  steps=len(case["steps"])),
        "context": txt(case["context"]),
        "customer_name": case["customer"]["name"],
        "customer_situation": txt(case["customer"]["situation"]),
        "mood": t(f"cases.mood_{case['customer']['mood']}"),
        "opening": steps[0]["situation"],
        "steps": steps,
        "competences": [
            {"name": t(f"cases.competence_{c}"), "help": t(f"print.competence_help_{c}")} for c in competences(case)
        ],
        "principles": [t(f"cases.principle_{p}") for p in debrief.get("principles", [])],
        "lens": (f"{lens['model']} — " if lens.get("model") else "") + txt(lens.get("note")) if lens else "",
        "points": [txt(p["text"]) for p in debrief.get("points", [])],
        "endings": [{"title": txt(e["title"]), "outcome": txt(e["outcome"])} for e in case["endings"]],
    }


def case_cards(cases: list[dict], lang: str, *, paper: str = "a4", roles: tuple[str, ...] = ROLES) -> str:
    """The role cards of some cases (customer, adviser, observer and the observer's grid) as one printable page."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    views = [case_view(case, lang) for case in cases]
    title = Translator(lang)("print.cases_title")
    return _render("print/case_cards.html", lang, paper, title=title, cases=views, roles=roles)


def idea_view(idea: dict, lang: str, roles: dict, currency: str) -> dict:
    """What the card of one celebration idea shows, in one language."""
    t = Translator(lang)
    cost = idea["cost"]
    amount = lambda value: week.money(Decimal(str(value)), currency, lang)
    return {
        "id": idea["id"],
        "title": content.text(idea["title"], lang),
        "what": content.text(idea["what"], lang),
        "why": content.text(idea["why"], lang),
        "effort": t(f"week.effort_{idea['effort']}"),
        "cost": t(f"week.cost_per_{cost['per']}", min=amount(cost["min"]), max=amount(cost["max"])),
        "size": t(f"week.size_{idea['size']}"),
        "remote_label": t("week.remote_yes" if idea["remote"] else "week.remote_no"),
        "remote_tip": content.text(idea.get("remote_tip"), lang),
        "duration": content.text(idea["duration"], lang) if idea.get("duration") else t(
            "week.duration_minutes", n=idea["duration_minutes"]),
        "involves": t("week.involves", roles=", ".join(roles.get(r, r) for r in idea["involves"])),
        "materials": [content.text(m["name"], lang) for m in idea.get("materials", [])],
    }


def idea_cards(lang: str, *, paper: str = "a4", ids: list[str] | None = None) -> str:
    """The week's celebration ideas (the organisation's too), one card per sheet."""
    doc = content.load("week/ideas")
    roles = {r["id"]: content.text(r["name"], lang) for r in doc["roles"]}
    ideas = [i for i in doc["ideas"] if ids is None or i["id"] in ids]
    cards = [idea_view(i, lang, roles, doc["currency"]) for i in ideas]
    return _render("print/idea_cards.html", lang, paper, title=Translator(lang)("print.ideas_title"), cards=cards)


def command(args, t, lang: str) -> int:
    """``elan print cases|ideas [IDS] --paper a4 --role customer -o cards.html``."""
    if args.what == "cases":
        cases = [casebook.get_case(i) for i in args.ids] if args.ids else casebook.load_cases()
        html = case_cards(cases, lang, paper=args.paper, roles=tuple(args.role or ROLES))
    else:
        html = idea_cards(lang, paper=args.paper, ids=args.ids or None)
    out = Path(args.output)
    out.write_text(html, encoding="utf-8")
    print(t("print.written", path=out, n=html.count('<section class="sheet')))
    return 0
