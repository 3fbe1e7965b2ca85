"""Word cloud: each participant sends a word or two; the same word however written counts once, bigger.

Words fold as the values brainstorm folds duplicates (case, accents, plural,
elision, spaces: :func:`widgets.core.text.duplicate_key`), and show with the
spelling most people used. With ``moderated`` the trainer approves each word
before the room sees it; a word hidden by the trainer leaves the cloud.

>>> [(w["text"], w["count"]) for w in fold([(1, "Écoute"), (2, "écoute"), (3, "l’écoute"), (4, "Sourire")])]
[('écoute', 3), ('Sourire', 1)]
"""

from __future__ import annotations

from collections import Counter

from widgets.core.errors import Conflict
from widgets.core.text import clean_text, duplicate_key
from widgets.live.kinds import Context, Exercise


def fold(cards: list[tuple[int, str]]) -> list[dict]:
    """Words with their count, most frequent first (then first sent); each shows its most used spelling."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for card_id, text in cards:
        groups.setdefault(duplicate_key(text) or text, []).append((card_id, text))
    words = []
    for key, members in groups.items():
        spellings = Counter(text for _, text in members)
        best = max(spellings, key=lambda s: (spellings[s], -min(i for i, t in members if t == s)))
        if spellings[best] == 1 and len(spellings) > 1:
            best = min(
                spellings, key=lambda s: (s != s.lower(), len(s), s)
            )  # no majority: the shortest lower-case form
        words.append(
            {"key": key, "text": best, "count": len(members), "ids": [i for i, _ in members], "first": members[0][0]}
        )
    words.sort(key=lambda w: (-w["count"], w["first"]))
    return words


class Cloud(Exercise):
    """Spec: ``{"kind": "cloud", "id": ..., "prompt": {fr, en}, "max_per_participant": 3, "max_length": 30,
    "moderated": false}``."""

    kind = "cloud"
    sends_text = True
    live_on_stage = True  # a cloud grows as the room writes

    def submit(self, ctx: Context, payload: dict) -> dict:
        text = clean_text(payload.get("text"), int(ctx.spec.get("max_length") or 30))
        mine = ctx.my_items()
        existing, nonce = ctx.resent(payload, mine)
        if existing is not None:
            return {"id": existing, "changed": False}
        limit = int(ctx.spec.get("max_per_participant") or 3)
        if len(mine) >= limit:
            raise Conflict("core.error_limit_reached", max=limit)
        status = "pending" if ctx.spec.get("moderated") else "visible"
        item_id = ctx.add_item(text, {"nonce": nonce} if nonce else {}, status=status)
        ctx.emit("item", {"activity": ctx.activity, "id": item_id}, public=status == "visible")
        return {"id": item_id}

    def view(self, ctx: Context) -> dict:
        return {"mine": [{"id": i["id"], "text": i["text"], "status": i["status"]} for i in ctx.my_items()]}

    def results(self, ctx: Context) -> dict:
        cards = ctx.items(include_hidden=True)
        visible = [(c["id"], c["text"]) for c in cards if c["status"] == "visible"]
        return {
            "words": [{k: w[k] for k in ("key", "text", "count")} for w in fold(visible)],
            "pending": sum(1 for c in cards if c["status"] == "pending"),
            "authors": len({c["participant_id"] for c in cards if c["participant_id"]}),
        }

    def projection(self, ctx: Context) -> dict:
        """Approved words folded (variants merged), most frequent first, with their count: the cloud's sizes."""
        out = self.results(ctx)
        return {"words": [{"text": w["text"], "count": w["count"]} for w in out["words"]], "authors": out["authors"]}
