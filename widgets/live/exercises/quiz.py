"""Quiz: a short knowledge check, one choice per question; the answers travel only once revealed.

Asked at the start and at the end of a training (two activities, same questions),
it gives the learning gain (see ``widgets.workshops.day.evaluation``).

>>> score({"q1": "a", "q2": "c"}, {"q1": "a", "q2": "b", "q3": "d"})
(1, 3)
"""

from __future__ import annotations

from widgets.live.kinds import Context, Exercise, require


def score(answers: dict, key: dict) -> tuple[int, int]:
    """Correct answers and questions asked: a question left blank counts as not known."""
    return sum(1 for q, right in key.items() if answers.get(q) == right), len(key)


class Quiz(Exercise):
    """Spec: ``{"kind": "quiz", "id": ..., "questions": [{"id", "label", "options": [{"id", "label"}]}],
    "answer": {question_id: option_id}}`` (``answer`` reaches the phones only once revealed)."""

    kind = "quiz"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        questions = spec.get("questions")
        require(isinstance(questions, list) and questions, "questions")
        for q in questions:
            require(isinstance(q.get("options"), list) and len(q["options"]) >= 2, "options")
        answer = spec.get("answer") or {}
        for q in questions:
            require(answer.get(q["id"]) in [o["id"] for o in q["options"]], "answer")

    def submit(self, ctx: Context, payload: dict) -> dict:
        found = [q for q in ctx.spec["questions"] if q["id"] == payload.get("question")]
        require(bool(found), "question")
        option = payload.get("option")
        require(option in [o["id"] for o in found[0]["options"]], "option")
        if ctx.my_responses().get(found[0]["id"]) == option:
            return {"changed": False}
        ctx.put(found[0]["id"], option)
        ctx.emit("answer", {"activity": ctx.activity}, public=False)
        return {"changed": True}

    def view(self, ctx: Context) -> dict:
        return {"mine": ctx.my_responses()}

    def results(self, ctx: Context) -> dict:
        key = ctx.spec.get("answer") or {}
        counts = {q["id"]: {o["id"]: 0 for o in q["options"]} for q in ctx.spec["questions"]}
        for row in ctx.responses():
            if row["key"] in counts and row["value"] in counts[row["key"]]:
                counts[row["key"]][row["value"]] += 1
        out = []
        for q in ctx.spec["questions"]:
            n = sum(counts[q["id"]].values())
            right = counts[q["id"]].get(key.get(q["id"]), 0)
            out.append(
                {"id": q["id"], "counts": counts[q["id"]], "n": n, "correct": round(100 * right / n) if n else None}
            )
        return {"questions": out, "respondents": len({r["participant_id"] for r in ctx.responses()})}

    def projection(self, ctx: Context) -> dict:
        """Per question, the bars of each option (the right one marked) and the share right; the gain
        over the session's earlier quiz on the same questions (the start-of-day check), if there was one."""
        out = self.results(ctx)
        key = ctx.spec.get("answer") or {}
        before = self._earlier(ctx)
        questions = []
        for q, r in zip(ctx.spec["questions"], out["questions"]):
            options = [
                {"label": o["label"], "value": r["counts"][o["id"]], "right": key.get(q["id"]) == o["id"]}
                for o in q["options"]
            ]
            questions.append(
                {
                    "label": q["label"],
                    "options": options,
                    "correct": r["correct"],
                    "n": r["n"],
                    "before": before.get(q["id"]),
                }
            )
        return {"questions": questions, "respondents": out["respondents"]}

    def _earlier(self, ctx: Context) -> dict:
        """Share right per question in the quiz opened before this one with the same questions (else nothing)."""
        ids = [q["id"] for q in ctx.spec["questions"]]
        for spec in ctx.session["state"].get("specs", {}).values():
            if spec["id"] == ctx.activity:
                return {}
            if spec.get("kind") == self.kind and [q["id"] for q in spec.get("questions", [])] == ids:
                earlier = Context(ctx.conn, ctx.session, spec, None, ctx.settings)
                return {q["id"]: q["correct"] for q in self.results(earlier)["questions"]}
        return {}
