"""Role-play in threes on paper: a card per role (customer, adviser, observer) and the observer's grid.

Each card holds only what that role may know: the customer knows who they are and how
they react to each kind of answer; the adviser knows what an adviser would see on screen;
the observer knows the whole situation and what to watch for, and fills a grid built from
the competences the case's answers move. One card per sheet, A4 or US Letter.

>>> html = case_cards([casebook.get_case("billing-double-charge")], "en", paper="letter")
>>> html.count('<section class="sheet')
4
"""

from __future__ import annotations

from pathlib import Path

from widgets import content
from widgets.core.i18n import Translator
from widgets.live.exercises import casebook
from widgets.ui import printing

TEMPLATES = Path(__file__).resolve().parent / "templates"
ROLES = ("customer", "adviser", "observer")


def competences(case: dict) -> list[str]:
    """The competences a case puts at stake: those some response moves, in the kit's order."""
    moved = {name for s in case["steps"] for r in s["responses"] for name, value in r["effects"].items() if value}
    return [name for name in casebook.COMPETENCES if name in moved]


def case_view(case: dict, lang: str) -> dict:
    """What the cards of one case show, in one language."""
    t = Translator(lang)

    def txt(value) -> str:
        return content.text(value, lang)

    endings = {e["id"]: e for e in case["endings"]}
    steps = []
    for step in case["steps"]:
        responses = []
        for response in step["responses"]:
            ending = endings.get(response["next"])
            responses.append(
                {
                    "text": txt(response["text"]),
                    "move": t(f"print.move_{response['customer']}"),
                    "ending": t("print.then_ends", title=txt(ending["title"])) if ending else "",
                }
            )
        steps.append({"situation": txt(step["situation"]), "responses": responses})
    debrief = case["debrief"]
    lens = debrief.get("lens") or {}
    return {
        "id": case["id"],
        "title": txt(case["title"]),
        "meta": t(
            "print.case_meta",
            channel=t(f"cases.channel_{case['channel']}"),
            minutes=case.get("minutes", ""),
            steps=len(case["steps"]),
        ),
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
        "lens": ((f"{lens['model']} — " if lens.get("model") else "") + txt(lens.get("note"))) if lens else "",
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
    return printing.render(TEMPLATES, "print_cards.html", lang, paper, title=title, cases=views, roles=roles)


def print_command(ids: list[str], lang: str, paper: str, roles: list[str] | None) -> str:
    """The page ``elan print cases`` writes: the named cases, or every case of the merged content."""
    cases = [casebook.get_case(i) for i in ids] if ids else casebook.load_cases()
    return case_cards(cases, lang, paper=paper, roles=tuple(roles or ROLES))
