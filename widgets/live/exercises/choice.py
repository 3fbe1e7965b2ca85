"""Choice: each participant picks one option (a response in a branching case, a poll).

>>> count([("a",), ("b",), ("a",)], ["a", "b", "c"])
{'a': 2, 'b': 1, 'c': 0}
>>> majority({"a": 2, "b": 2, "c": 0}, ["b", "a", "c"])
'b'
"""

from __future__ import annotations

from widgets.live.kinds import Context, Exercise, require


def count(answers: list[tuple[str]], options: list[str]) -> dict[str, int]:
    out = dict.fromkeys(options, 0)
    for (option,) in answers:
        if option in out:
            out[option] += 1
    return out


def majority(counts: dict[str, int], order: list[str]) -> str | None:
    """The most chosen option; a tie goes to the option listed first. None when nobody answered."""
    if not any(counts.values()):
        return None
    return max(order, key=lambda option: (counts.get(option, 0), -order.index(option)))


class Choice(Exercise):
    """Spec: ``{"kind": "choice", "id": ..., "prompt": {fr, en}, "options": [{"id", "label"}]}``."""

    kind = "choice"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        options = spec.get("options")
        require(isinstance(options, list) and 2 <= len(options) <= 12, "options")

    def submit(self, ctx: Context, payload: dict) -> dict:
        option = payload.get("option")
        require(option in [o["id"] for o in ctx.spec["options"]], "option")
        if ctx.my_responses().get("choice") == option:
            return {"choice": option, "changed": False}
        ctx.put("choice", option)
        ctx.emit("answer", {"activity": ctx.activity}, public=ctx.revealed)
        return {"choice": option, "changed": True}

    def view(self, ctx: Context) -> dict:
        return {"choice": ctx.my_responses().get("choice")}

    def results(self, ctx: Context) -> dict:
        order = [o["id"] for o in ctx.spec["options"]]
        counts = count([(r["value"],) for r in ctx.responses()], order)
        return {"counts": counts, "answered": sum(counts.values()), "majority": majority(counts, order)}

    def shown(self, ctx: Context) -> dict:
        """The options the room reads before answering (a case step's responses, lettered)."""
        return {"options": [{"id": o["id"], "label": o["label"]} for o in ctx.spec["options"]]}

    def projection(self, ctx: Context) -> dict:
        counts = self.results(ctx)["counts"]
        rows = [{"id": o["id"], "label": o["label"], "value": counts[o["id"]]} for o in ctx.spec["options"]]
        return {"rows": rows, "answered": sum(counts.values())}
