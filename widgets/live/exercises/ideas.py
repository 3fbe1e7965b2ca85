"""Idea cards: participants send short texts; the trainer hides or merges them.

What text is accepted and which cards are likely the same are rules of text, in
:mod:`widgets.core.text`.
"""

from __future__ import annotations

from widgets.core.errors import Conflict
from widgets.core.text import clean_text, duplicate_groups
from widgets.live.kinds import Context, Exercise, require


class Ideas(Exercise):
    """Spec: ``{"kind": "ideas", "id": ..., "prompt": {fr, en}, "max_per_participant": 10}``."""

    kind = "ideas"
    sends_text = True
    live_on_stage = True  # the wall is the point of a brainstorm

    def submit(self, ctx: Context, payload: dict) -> dict:
        max_length = int(ctx.spec.get("max_length") or ctx.settings.max_text_length)
        text = clean_text(payload.get("text"), min(max_length, ctx.settings.max_text_length))
        limit = int(ctx.spec.get("max_per_participant", 10))
        mine = ctx.my_items()
        existing, nonce = ctx.resent(payload, mine)
        if existing is not None:
            return {"id": existing, "changed": False}
        if len(mine) >= limit:
            raise Conflict("core.error_limit_reached", max=limit)
        data = {"nonce": nonce} if nonce else {}
        if "tag" in payload and payload["tag"] is not None:
            tags = ctx.spec.get("tags") or []
            require(payload["tag"] in [t["id"] for t in tags], "tag")
            data["tag"] = payload["tag"]
        item_id = ctx.add_item(text, data)
        # Other phones show only their own cards: no need to wake them all for this one.
        ctx.emit("item", {"activity": ctx.activity, "id": item_id}, public=False)
        return {"id": item_id}

    def view(self, ctx: Context) -> dict:
        mine = [
            {"id": i["id"], "text": i["text"], "status": i["status"]}
            for i in ctx.items(include_hidden=True)
            if i["participant_id"] == ctx.participant["id"]
        ]
        return {"mine": mine}

    def results(self, ctx: Context) -> dict:
        cards = ctx.items(include_hidden=True)
        names = ctx.participant_names() if ctx.show_names else {}
        visible = [(c["id"], c["text"]) for c in cards if c["status"] == "visible" and not c["merged_into"]]
        return {
            "cards": [
                {
                    "id": c["id"],
                    "text": c["text"],
                    "status": c["status"],
                    "merged_into": c["merged_into"],
                    "author": names.get(c["participant_id"]) if ctx.show_names else None,
                    **c["data"],
                }
                for c in cards
            ],
            "duplicates": duplicate_groups(visible),
            "authors": len({c["participant_id"] for c in cards if c["participant_id"]}),
        }

    def projection(self, ctx: Context) -> dict:
        """The wall: visible cards only (merged ones count in the card they joined), names only when shown."""
        names = ctx.participant_names() if ctx.show_names else {}
        tags = {t["id"]: t["label"] for t in ctx.spec.get("tags") or []}
        cards = [
            {
                "id": c["id"],
                "text": c["text"],
                "author": names.get(c["participant_id"]),
                "tag": tags.get(c["data"].get("tag")),
            }
            for c in ctx.items()
            if not c["merged_into"]
        ]
        return {"cards": cards}
