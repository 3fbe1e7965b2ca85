"""A case's ending card: what the projector shows once the room's path through a branching case has ended.

The ending's title and type, the room's path step by step with the response it went
on with and the ones it did not take (how many chose each, the letter they had on the
screens), the turning point (:func:`casebook.turning_step`) and the room's competence
profile (:func:`casebook.room_profile`). Nothing to answer: the phones show the ending.
"""

from __future__ import annotations

from string import ascii_uppercase

from widgets.live.exercises import casebook
from widgets.live.kinds import Context, Exercise, PublicView, require


class CaseEnd(Exercise):
    """Spec: ``{"kind": "caseend", "id", "title", "prompt", "case": id, "choices": [...],
    "steps": [{"step", "activity", "order": [response ids as shown]}]}`` (one entry per step played)."""

    kind = "caseend"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        require(isinstance(spec.get("case"), str), "case")
        require(isinstance(spec.get("choices"), list), "choices")
        require(isinstance(spec.get("steps"), list), "steps")

    def public(self, ctx: Context) -> PublicView:
        """The case's title above the ending's title; the outcome goes with the card (it is long)."""
        card = {"outcome": ctx.spec.get("prompt"), **self.shown(ctx)}
        return PublicView(self.kind, card.pop("case", None), ctx.spec.get("title"), card, None)

    def shown(self, ctx: Context) -> dict:
        spec = ctx.spec
        try:
            case = casebook.get_case(spec["case"])
            walked = casebook.walk(case, spec["choices"])
        except (KeyError, ValueError):
            return {}  # a case removed since: the title and outcome in the spec still show
        counts = {s["step"]: self._counts(ctx, s["activity"]) for s in spec["steps"]}
        turning = casebook.turning_step(case, spec["choices"]) if walked.done else None
        orders = {s["step"]: s.get("order") or [] for s in spec["steps"]}
        path = []
        for i, (step_id, choice) in enumerate(zip(walked.path, walked.choices)):
            item = casebook.step(case, step_id)
            order = orders.get(step_id) or [r["id"] for r in item["responses"]]
            here = counts.get(step_id, {})
            options = [
                {
                    "letter": ascii_uppercase[n],
                    "text": casebook.response(case, step_id, rid)["text"],
                    "count": here.get(rid, 0),
                    "chosen": rid == choice,
                }
                for n, rid in enumerate(order)
            ]
            path.append({"situation": item["situation"], "options": options, "turning": i == turning})
        profile = casebook.room_profile(case, counts) if any(counts.values()) else casebook.scores(case, walked.choices)
        end = casebook.ending(case, walked.ending) if walked.done else None
        return {
            "case": case["title"],
            "type": f"cases.ending_{end['type']}" if end else None,
            "path": path,
            "profile": [{"label": f"cases.competence_{c}", "value": round(profile[c])} for c in casebook.COMPETENCES],
        }

    @staticmethod
    def _counts(ctx: Context, activity: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in ctx.responses(activity):
            out[row["value"]] = out.get(row["value"], 0) + 1
        return out
