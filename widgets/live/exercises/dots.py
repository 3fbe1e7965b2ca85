"""Dot voting: each participant places a budget of dots on cards.

Rules (plain functions, tested without a store):

* a participant never has more dots placed than the budget, whatever requests arrive;
* without stacking, at most one dot per card;
* a vote *sets* the number of dots on a card, so a replayed request changes nothing;
* cards merged into another count for it, once per participant without stacking;
* ranking: most dots first; ties go to the card more people voted for, then to
  the card sent first.

>>> place({}, item=7, dots=1, budget=3, stack=False)
{7: 1}
>>> rank({1: {"dots": 4, "voters": 2}, 2: {"dots": 4, "voters": 3}, 3: {"dots": 5, "voters": 2}})
[3, 2, 1]
"""

from __future__ import annotations

from widgets.core.errors import Conflict, Invalid
from widgets.live.kinds import Context, Exercise, require


def place(current: dict[int, int], *, item: int, dots: int, budget: int, stack: bool) -> dict[int, int]:
    """The participant's dots after setting ``dots`` on ``item``; refuses what breaks the rules."""
    if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
        raise Invalid("core.error_invalid", field="dots")
    if not stack and dots > 1:
        raise Conflict("core.error_one_dot_per_card")
    after = {k: v for k, v in current.items() if k != item}
    if dots:
        after[item] = dots
    # Taking dots back is always allowed: after a trainer lowers the budget, a
    # participant above it must still be able to come down to it.
    if sum(after.values()) > budget and sum(after.values()) > sum(current.values()):
        raise Conflict("core.error_no_dots_left", budget=budget)
    return after


def tally(votes: list[tuple[int, int, int]], canonical: dict[int, int], *, stack: bool) -> dict[int, dict[str, int]]:
    """Totals per canonical card from ``(participant, item, dots)`` rows.

    ``canonical`` maps every card id to the card it was merged into (or itself).
    """
    per_person: dict[tuple[int, int], int] = {}
    for participant, item, dots in votes:
        target = canonical.get(item)
        if target is None or dots <= 0:
            continue
        per_person[(participant, target)] = per_person.get((participant, target), 0) + dots
    totals: dict[int, dict[str, int]] = {}
    for (_participant, target), dots in per_person.items():
        entry = totals.setdefault(target, {"dots": 0, "voters": 0})
        entry["dots"] += dots if stack else min(dots, 1)
        entry["voters"] += 1
    return totals


def rank(totals: dict[int, dict[str, int]]) -> list[int]:
    """Card ids best first: dots, then voters, then the earlier card (smaller id)."""
    return sorted(totals, key=lambda card: (-totals[card]["dots"], -totals[card]["voters"], card))


def canonical_map(cards: list[dict]) -> dict[int, int]:
    """Card id -> the visible card it counts for (merges followed to the end)."""
    by_id = {c["id"]: c for c in cards}
    out = {}
    for card in cards:
        seen, current = set(), card
        while current["merged_into"] and current["merged_into"] in by_id and current["id"] not in seen:
            seen.add(current["id"])
            current = by_id[current["merged_into"]]
        if current["status"] == "visible":
            out[card["id"]] = current["id"]
    return out


class Dots(Exercise):
    """Spec: ``{"kind": "dots", "id": ..., "source": <ideas activity id>, "budget": 5, "stack": false}``."""

    kind = "dots"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        require(isinstance(spec.get("source"), str), "source")
        require(isinstance(spec.get("budget"), int) and 1 <= spec["budget"] <= 50, "budget")

    def _cards(self, ctx: Context) -> list[dict]:
        return ctx.items(ctx.spec["source"], include_hidden=True)

    def submit(self, ctx: Context, payload: dict) -> dict:
        item = payload.get("item")
        require(isinstance(item, int) and not isinstance(item, bool), "item")
        cards = self._cards(ctx)
        votable = {c["id"] for c in cards if c["status"] == "visible" and not c["merged_into"]}
        current = {int(k): v for k, v in ctx.my_responses().items()}
        dots = payload.get("dots")
        if item not in votable and not (dots == 0 and item in current):
            raise Invalid("core.error_invalid", field="item")
        after = place(current, item=item, dots=dots, budget=int(ctx.spec["budget"]), stack=bool(ctx.spec.get("stack")))
        if after.get(item, 0) == current.get(item, 0):
            return {"mine": after, "changed": False}
        if after.get(item):
            ctx.put(str(item), after[item])
        else:
            ctx.delete(str(item))
        ctx.emit("vote", {"activity": ctx.activity, "item": item}, public=ctx.revealed)
        return {"mine": after, "changed": True}

    def view(self, ctx: Context) -> dict:
        cards = [
            {"id": c["id"], "text": c["text"], **c["data"]}
            for c in self._cards(ctx)
            if c["status"] == "visible" and not c["merged_into"]
        ]
        mine = {int(k): v for k, v in ctx.my_responses().items()}
        return {"cards": cards, "mine": mine, "budget": ctx.spec["budget"], "stack": bool(ctx.spec.get("stack"))}

    def results(self, ctx: Context) -> dict:
        cards = self._cards(ctx)
        canonical = canonical_map(cards)
        votes = [(r["participant_id"], int(r["key"]), int(r["value"])) for r in ctx.responses()]
        totals = tally(votes, canonical, stack=bool(ctx.spec.get("stack")))
        text = {c["id"]: c["text"] for c in cards}
        data = {c["id"]: c["data"] for c in cards}
        ranking = [
            {
                "id": card,
                "text": text[card],
                "dots": totals[card]["dots"],
                "voters": totals[card]["voters"],
                **data[card],
            }
            for card in rank(totals)
        ]
        unvoted = [
            {"id": c["id"], "text": c["text"], "dots": 0, "voters": 0, **c["data"]}
            for c in cards
            if c["id"] not in totals and canonical.get(c["id"]) == c["id"]
        ]
        return {"ranking": ranking + unvoted, "voters": len({v[0] for v in votes}), "budget": ctx.spec["budget"]}

    def projection(self, ctx: Context) -> dict:
        """The ranking as bars: each card's text and dots, most first (cards with no dot too)."""
        out = self.results(ctx)
        rows = [{"id": r["id"], "label": r["text"], "value": r["dots"]} for r in out["ranking"]]
        return {"rows": rows, "voters": out["voters"], "budget": out["budget"]}
