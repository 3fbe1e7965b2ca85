"""Case plays: a learner's finished paths through the branching cases (the solo cohort's progress).

Each play is checked against the case (:func:`widgets.live.exercises.casebook.walk`: every choice
offered, the path ended) and scored by the case's own rule, so a cohort's results
never hold an impossible path.

>>> play("billing-double-charge", ["own-it", "refund-now", "check-rest"])["ending"]
'loyal'
"""

from __future__ import annotations

from widgets.live.exercises import casebook
from widgets.live.kinds import Context, Exercise, require

#: Paths kept per learner and case (the newest); enough to see a learner explore.
KEEP = 30


def play(case_id: object, choices: object) -> dict:
    """A finished path as stored: its choices, ending and scores; :class:`Invalid` for anything else."""
    require(
        isinstance(case_id, str)
        and isinstance(choices, list)
        and len(choices) <= 20
        and all(isinstance(c, str) for c in choices),
        "choices",
    )
    try:
        case = casebook.get_case(case_id)
        walked = casebook.walk(case, choices)
    except (KeyError, ValueError):
        require(False, "choices")
    require(walked.done, "choices")
    return {"choices": list(choices), "ending": walked.ending, "scores": casebook.scores(case, choices)}


def best(plays: list[dict]) -> dict[str, int]:
    """The best path's scores (highest total; the first such path on a tie)."""
    if not plays:
        return {}
    return max(plays, key=lambda p: sum(p["scores"].values()))["scores"]


class CasePlay(Exercise):
    """Spec: ``{"kind": "caseplay", "id": ...}``; payload ``{"case": id, "choices": [...]}``."""

    kind = "caseplay"

    def submit(self, ctx: Context, payload: dict) -> dict:
        entry = play(payload.get("case"), payload.get("choices"))
        key = f"case:{payload['case']}"
        plays = (ctx.my_responses().get(key) or {}).get("plays", [])
        plays = (plays + [entry])[-KEEP:]
        ctx.put(key, {"plays": plays})
        ctx.emit("answer", {"activity": ctx.activity}, public=False)
        return {"ending": entry["ending"], "scores": entry["scores"], "plays": len(plays)}

    def view(self, ctx: Context) -> dict:
        mine = ctx.my_responses()
        return {"cases": {k.split(":", 1)[1]: v.get("plays", []) for k, v in mine.items() if k.startswith("case:")}}

    def results(self, ctx: Context) -> dict:
        names = ctx.participant_names()
        learners: dict[int, dict] = {}
        for row in ctx.responses():
            if not row["key"].startswith("case:"):
                continue
            learner = learners.setdefault(
                row["participant_id"],
                {"id": row["participant_id"], "name": names.get(row["participant_id"]), "cases": {}},
            )
            learner["cases"][row["key"].split(":", 1)[1]] = row["value"].get("plays", [])
        return {"learners": sorted(learners.values(), key=lambda l: ((l["name"] or "").lower(), l["id"]))}


def learner_summary(learner: dict) -> dict:
    """One learner's line in the cohort: cases played, paths, endings found, and per competence
    the mean over the cases played of each case's best path (rounded)."""
    cases = {cid: plays for cid, plays in learner["cases"].items() if plays}
    bests = [best(plays) for plays in cases.values()]
    scores = {c: round(sum(b[c] for b in bests) / len(bests)) if bests else None for c in casebook.COMPETENCES}
    endings = sum(len({p["ending"] for p in plays}) for plays in cases.values())
    return {
        "name": learner.get("name"),
        "cases": len(cases),
        "plays": sum(len(p) for p in cases.values()),
        "endings": endings,
        "scores": scores,
    }


def cohort_average(rows: list[dict]) -> dict[str, int | None]:
    """Per competence, the mean of the learners' scores (learners with no case left out)."""
    out = {}
    for c in casebook.COMPETENCES:
        values = [r["scores"][c] for r in rows if r["scores"][c] is not None]
        out[c] = round(sum(values) / len(values)) if values else None
    return out
