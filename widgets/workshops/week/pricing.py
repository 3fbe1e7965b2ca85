"""The week's money in the session's edition: euros in France, dollars in Québec.

The ideas file writes its amounts once, in its own currency; an edition (``fr-CA``)
may name another currency and the factor that turns those figures into prices that
hold there. Amounts are rounded as a person budgeting would write them, so a
Québec trainer reads "9 $" rather than "9,15 $".

>>> currency("fr"), currency("en"), currency("fr-CA")
('EUR', 'EUR', 'CAD')
>>> convert(6, "fr-CA"), convert(1.2, "fr-CA"), convert(320, "fr-CA"), convert(320, "fr")
(9, 1.75, 480, 320)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from widgets import content

IDEAS = "week/ideas"


def _edition(lang: str) -> dict:
    doc = content.load(IDEAS)
    edition = doc.get("editions", {}).get(lang, {})
    # A file already written in the edition's currency (an organisation's CAD copy) is shown as it is.
    return {} if edition.get("currency") == doc["currency"] else edition


def currency(lang: str) -> str:
    """The ISO code the week's amounts are shown in for a session in ``lang``."""
    return content.load(IDEAS).get("editions", {}).get(lang, {}).get("currency") or content.load(IDEAS)["currency"]


def _round(value: Decimal) -> Decimal:
    # Small prices to the quarter, tens to the unit, larger sums to five: how a budget is written.
    step = Decimal("0.25") if value < 10 else Decimal(1) if value < 100 else Decimal(5)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def convert(amount: Any, lang: str) -> Any:
    """An amount of the ideas file in the edition's currency (unchanged where the edition keeps it)."""
    factor = _edition(lang).get("factor")
    if factor is None or not amount:
        return amount
    value = _round(Decimal(str(amount)) * Decimal(str(factor)))
    return int(value) if value == value.to_integral_value() else float(value)


def card(item: dict, lang: str) -> dict:
    """An idea card or recurring action with its amounts in the edition's currency (a copy)."""
    out = dict(item)
    if "cost" in out:
        out["cost"] = {
            **out["cost"],
            "min": convert(out["cost"]["min"], lang),
            "max": convert(out["cost"]["max"], lang),
        }
    if "materials" in out:
        out["materials"] = [{**m, "unit_cost": convert(m["unit_cost"], lang)} for m in out["materials"]]
    if "cost_per_time" in out:
        out["cost_per_time"] = convert(out["cost_per_time"], lang)
    return out
