"""Commitment card: "what will I do differently on Monday?", one card per participant, theirs to keep.

The phone turns the text into a card the participant downloads (drawn in the
browser, the text as text); the session keeps it for the report, without names.
"""

from __future__ import annotations

from widgets.core.text import clean_text
from widgets.live.kinds import Context, Exercise

TEXT_MAX = 240


class Commitment(Exercise):
    """Spec: ``{"kind": "commitment", "id": ..., "prompt": {fr, en}, "card": {"heading", "footer", "download",
    "placeholder"}}``. Writing again replaces the card."""

    kind = "commitment"
    sends_text = True

    def submit(self, ctx: Context, payload: dict) -> dict:
        text = clean_text(payload.get("text"), TEXT_MAX)
        if ctx.my_responses().get("card") == text:
            return {"changed": False}
        ctx.put("card", text)
        ctx.emit("answer", {"activity": ctx.activity}, public=False)
        return {"changed": True}

    def view(self, ctx: Context) -> dict:
        return {"mine": ctx.my_responses().get("card", ""), "name": (ctx.participant or {}).get("name") or ""}

    def results(self, ctx: Context) -> dict:
        return {"cards": len(ctx.responses())}

    def projection(self, ctx: Context) -> dict:
        """How many made a commitment; the texts only when the trainer shows names (never who wrote which)."""
        texts = [r["value"] for r in ctx.responses()]
        return {"made": len(texts), "texts": texts if ctx.show_names else None}
