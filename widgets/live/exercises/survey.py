"""Survey: a few questions on a scale (satisfaction 1-5, recommendation 0-10...) and open comments.

The training's own evaluation is a survey; its rules are here, its figures (CSAT,
NPS) come from the metric formulas the kit teaches.

>>> check_answer({"id": "nps", "type": "scale", "min": 0, "max": 10}, 9)
9
>>> check_answer({"id": "nps", "type": "scale", "min": 0, "max": 10}, 11)
Traceback (most recent call last):
...
widgets.core.errors.Invalid: core.error_invalid {'field': 'value'}
"""

from __future__ import annotations

from widgets.core.text import clean_text
from widgets.live.exercises.rate import summary
from widgets.live.kinds import Context, Exercise, require

TEXT_MAX = 600


def check_answer(question: dict, value):
    """The answer as stored, or :class:`Invalid` naming the field."""
    if question["type"] == "scale":
        require(
            isinstance(value, int) and not isinstance(value, bool) and question["min"] <= value <= question["max"],
            "value",
        )
        return value
    return clean_text(value, int(question.get("max_length") or TEXT_MAX))


class Survey(Exercise):
    """Spec: ``{"kind": "survey", "id": ..., "questions": [{"id", "type": "scale", "min", "max", "label", "low", "high"}
    | {"id", "type": "text", "label", "max_length"}]}``. One answer per question and participant (changing it replaces it)."""

    kind = "survey"
    sends_text = True

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        questions = spec.get("questions")
        require(isinstance(questions, list) and questions, "questions")
        ids = [q.get("id") for q in questions]
        require(len(set(ids)) == len(ids) and all(isinstance(i, str) and i for i in ids), "questions")
        for q in questions:
            require(q.get("type") in ("scale", "text"), "type")
            if q["type"] == "scale":
                require(
                    isinstance(q.get("min"), int) and isinstance(q.get("max"), int) and q["min"] < q["max"] <= 10,
                    "scale",
                )

    def _question(self, ctx: Context, question_id) -> dict:
        found = [q for q in ctx.spec["questions"] if q["id"] == question_id]
        require(bool(found), "question")
        return found[0]

    def submit(self, ctx: Context, payload: dict) -> dict:
        question = self._question(ctx, payload.get("question"))
        value = payload.get("value")
        if question["type"] == "text" and isinstance(value, str) and not value.strip():
            ctx.delete(question["id"])  # a comment emptied is a comment withdrawn
            return {"changed": True}
        value = check_answer(question, value)
        if ctx.my_responses().get(question["id"]) == value:
            return {"changed": False}
        ctx.put(question["id"], value)
        ctx.emit("answer", {"activity": ctx.activity}, public=False)
        return {"changed": True}

    def view(self, ctx: Context) -> dict:
        return {"mine": ctx.my_responses()}

    def results(self, ctx: Context) -> dict:
        by_question: dict[str, list] = {}
        for row in ctx.responses():
            by_question.setdefault(row["key"], []).append(row["value"])
        out = []
        for q in ctx.spec["questions"]:
            answers = by_question.get(q["id"], [])
            if q["type"] == "scale":
                out.append(
                    {"id": q["id"], "type": "scale", "scores": answers, **summary(answers, (q["min"], q["max"]))}
                )
            else:
                out.append({"id": q["id"], "type": "text", "n": len(answers)})
        return {"questions": out, "respondents": len({r["participant_id"] for r in ctx.responses()})}

    def projection(self, ctx: Context) -> dict:
        """Each scale question as the room reads it: a 0-10 scale as NPS (its gauge and split),
        a 1-5 scale as CSAT (share of 4 and 5) with its mean; comments counted, never shown."""
        out = self.results(ctx)
        questions = []
        for q, r in zip(ctx.spec["questions"], out["questions"]):
            if q["type"] != "scale":
                questions.append({"type": "text", "label": q["label"], "n": r["n"]})
                continue
            entry = {
                "label": q["label"],
                "n": r["n"],
                "mean": r["mean"],
                "counts": r["counts"],
                "min": q["min"],
                "max": q["max"],
            }
            if (q["min"], q["max"]) == (0, 10):
                questions.append({**entry, "type": "nps", **nps(r["scores"])})
            else:
                questions.append({**entry, "type": "scale", "csat": csat(r["scores"], q["max"])})
        return {"questions": questions, "respondents": out["respondents"]}


def nps(scores: list[int]) -> dict:
    """Net promoter score from 0-10 answers: % promoters (9-10) minus % detractors (0-6), with the split.

    >>> nps([10, 9, 8, 3])
    {'nps': 25, 'promoters': 50, 'passives': 25, 'detractors': 25}
    """
    if not scores:
        return {"nps": None, "promoters": 0, "passives": 0, "detractors": 0}
    share = lambda n: round(100 * n / len(scores))
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return {
        "nps": share(promoters - detractors),
        "promoters": share(promoters),
        "passives": share(len(scores) - promoters - detractors),
        "detractors": share(detractors),
    }


def csat(scores: list[int], top: int) -> int | None:
    """CSAT: the share of satisfied answers, the two top points of the scale.

    >>> csat([5, 4, 3, 1], 5)
    50
    """
    return round(100 * sum(1 for s in scores if s >= top - 1) / len(scores)) if scores else None
