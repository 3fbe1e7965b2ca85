"""The week's celebration ideas as cards to print, one per sheet, for a paper vote or a wall.

>>> idea_cards("fr").count('<section class="sheet idea"') == len(content.load("week/ideas")["ideas"])
True
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from widgets import content
from widgets.core.i18n import Translator
from widgets.ui import printing
from widgets.workshops.week import pricing
from widgets.workshops.week import rules as week

TEMPLATES = Path(__file__).resolve().parent / "templates"


def idea_view(idea: dict, lang: str, roles: dict, currency: str) -> dict:
    """What the card of one celebration idea shows, in one language."""
    t = Translator(lang)
    cost = idea["cost"]

    def amount(value) -> str:
        return week.money(Decimal(str(value)), currency, lang)

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
        "duration": content.text(idea["duration"], lang)
        if idea.get("duration")
        else t("week.duration_minutes", n=idea["duration_minutes"]),
        "involves": t("week.involves", roles=", ".join(roles.get(r, r) for r in idea["involves"])),
        "materials": [content.text(m["name"], lang) for m in idea.get("materials", [])],
    }


def idea_cards(lang: str, *, paper: str = "a4", ids: list[str] | None = None) -> str:
    """The week's celebration ideas (the organisation's too), one card per sheet."""
    doc = content.load("week/ideas")
    roles = {r["id"]: content.text(r["name"], lang) for r in doc["roles"]}
    ideas = [i for i in doc["ideas"] if not ids or i["id"] in ids]
    cards = [idea_view(pricing.card(i, lang), lang, roles, pricing.currency(lang)) for i in ideas]
    title = Translator(lang)("print.ideas_title")
    return printing.render(TEMPLATES, "print_ideas.html", lang, paper, title=title, cards=cards)
