"""Rating: participants score targets (proposals, cards) on criteria, on a small scale.

>>> summary([4, 5, 3, 4])
{'n': 4, 'mean': 4.0, 'spread': 0.71, 'counts': {}}
"""

from __future__ import annotations

import statistics

from widgets.live.kinds import Context, Exercise, require


def summary(scores: list[int], scale: tuple[int, int] | None = None) -> dict:
    """Count, mean and spread (population standard deviation) of scores, with counts per point."""
    counts = {point: scores.count(point) for point in range(scale[0], scale[1] + 1)} if scale else {}
    if not scores:
        return {"n": 0, "mean": None, "spread": None, "counts": counts}
    return {
        "n": len(scores),
        "mean": round(statistics.fmean(scores), 2),
        "spread": round(statistics.pstdev(scores), 2),
        "counts": counts,
    }


class Rate(Exercise):
    """Spec: ``{"kind": "rate", "id": ..., "source": <activity whose cards are rated> or
    "targets": [{"id", "label"}], "criteria": [{"id", "label"}], "scale": [1, 5]}``."""

    kind = "rate"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        require(isinstance(spec.get("criteria"), list) and spec["criteria"], "criteria")
        scale = spec.get("scale", [1, 5])
        require(isinstance(scale, list) and len(scale) == 2 and scale[0] < scale[1] <= 10, "scale")

    def _targets(self, ctx: Context) -> list[dict]:
        if ctx.spec.get("source"):
            return [
                {"id": str(c["id"]), "text": c["text"]} for c in ctx.items(ctx.spec["source"]) if not c["merged_into"]
            ]
        return [{"id": t["id"], "label": t["label"]} for t in ctx.spec.get("targets", [])]

    def submit(self, ctx: Context, payload: dict) -> dict:
        low, high = ctx.spec.get("scale", [1, 5])
        target, criterion, value = payload.get("target"), payload.get("criterion"), payload.get("score")
        require(str(target) in [t["id"] for t in self._targets(ctx)], "target")
        require(criterion in [c["id"] for c in ctx.spec["criteria"]], "criterion")
        require(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high, "score")
        key = f"{target}/{criterion}"
        if ctx.my_responses().get(key) == value:
            return {"changed": False}
        ctx.put(key, value)
        ctx.emit("answer", {"activity": ctx.activity, "target": str(target)}, public=ctx.revealed)
        return {"changed": True}

    def view(self, ctx: Context) -> dict:
        return {"targets": self._targets(ctx), "mine": ctx.my_responses()}

    def results(self, ctx: Context) -> dict:
        scale = tuple(ctx.spec.get("scale", [1, 5]))
        scores: dict[str, list[int]] = {}
        for row in ctx.responses():
            scores.setdefault(row["key"], []).append(int(row["value"]))
        out = []
        for target in self._targets(ctx):
            entry = {**target, "criteria": {}}
            for criterion in ctx.spec["criteria"]:
                entry["criteria"][criterion["id"]] = summary(scores.get(f"{target['id']}/{criterion['id']}", []), scale)
            means = [c["mean"] for c in entry["criteria"].values() if c["mean"] is not None]
            entry["overall"] = round(sum(means) / len(means), 2) if means else None
            out.append(entry)
        return {"targets": out, "raters": len({r["participant_id"] for r in ctx.responses()})}

    def projection(self, ctx: Context) -> dict:
        """Each target's mean per criterion (one target: a profile per criterion), best overall first."""
        out = self.results(ctx)
        criteria = {c["id"]: c["label"] for c in ctx.spec["criteria"]}
        targets = [
            {
                "label": t.get("label") or t.get("text") or "",
                "overall": t["overall"],
                "criteria": [
                    {"label": criteria[cid], "mean": c["mean"], "spread": c["spread"], "n": c["n"]}
                    for cid, c in t["criteria"].items()
                ],
            }
            for t in out["targets"]
        ]
        targets.sort(key=lambda t: -(t["overall"] or 0))
        return {"targets": targets, "scale": list(ctx.spec.get("scale", [1, 5])), "raters": out["raters"]}
