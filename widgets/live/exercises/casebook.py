"""The rules of the branching cases: walking a path, scoring the competences, the room's profile.

A case (``datasets/cases/<id>.yaml``, checked by ``widgets/checks/cases.py``)
starts at its first step; each response moves to a step or an ending, adds its
effects to four competences and moves the customer's mood one notch (or not).
Everything here is a pure function of the case and the choices: the live
dashboard, the participant page and the solo notebook all call it.

>>> case = get_case("billing-double-charge")
>>> w = walk(case, ["own-it"])
>>> w.path, w.current, w.done
(('opening',), 'check', False)
>>> sorted(scores(case, ["own-it"]).items())
[('empathy', 100), ('ownership', 100), ('resolution', 100), ('speed', 100)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from widgets import content

COMPETENCES = ("empathy", "ownership", "resolution", "speed")
#: The customer's mood, from best to worst; a response moves it one notch at most.
MOODS = ("calm", "uneasy", "upset", "angry", "furious")
_MOVES = {"calmer": -1, "same": 0, "angrier": 1}


@dataclass(frozen=True)
class Walk:
    """Where a sequence of choices leads in one case.

    ``path`` holds the steps answered, in order; ``current`` is the step waiting
    for an answer (None once an ending is reached); ``moods`` is the customer's
    mood at the start and after each answer, so ``customer`` is the last one.
    """

    case_id: str
    choices: tuple[str, ...]
    path: tuple[str, ...]
    current: str | None
    ending: str | None
    totals: dict[str, int] = field(default_factory=dict)
    moods: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.ending is not None

    @property
    def customer(self) -> str:
        return self.moods[-1]


def load_cases(folder: str | None = None) -> list[dict]:
    """Every case of the content folder (``cases`` by default), in file-name order.

    Two files with the same case id are refused: a session records choices by case id.
    """
    cases = content.load_kind("case", folder or "cases")
    seen: dict[str, int] = {}
    for i, case in enumerate(cases):
        if case["id"] in seen:
            raise content.ContentError(
                [content.Problem(folder or "cases", 0, "id", f"case '{case['id']}' is defined in two files")]
            )
        seen[case["id"]] = i
    return cases


def get_case(case_id: str, folder: str | None = None) -> dict:
    """One case by its id; ``KeyError`` if there is none."""
    # An id is a slug (the schema says so); anything else never becomes a file path.
    try:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", case_id):
            raise FileNotFoundError(case_id)
        # Cases are usually named for their id: load that file alone (cached) before scanning them all.
        case = content.load(f"{folder or 'cases'}/{case_id}")
        if case.get("kind") == "case" and case["id"] == case_id:
            return case
    except FileNotFoundError:
        pass
    for case in load_cases(folder):
        if case["id"] == case_id:
            return case
    raise KeyError(f"no case '{case_id}'")


def step(case: dict, step_id: str) -> dict:
    """One step of a case by its id; ``KeyError`` if there is none."""
    for item in case["steps"]:
        if item["id"] == step_id:
            return item
    raise KeyError(f"case '{case['id']}' has no step '{step_id}'")


def ending(case: dict, ending_id: str) -> dict:
    """One ending of a case by its id; ``KeyError`` if there is none."""
    for item in case["endings"]:
        if item["id"] == ending_id:
            return item
    raise KeyError(f"case '{case['id']}' has no ending '{ending_id}'")


def response(case: dict, step_id: str, response_id: str) -> dict:
    """One response of a step; ``KeyError`` if the step does not offer it."""
    for item in step(case, step_id)["responses"]:
        if item["id"] == response_id:
            return item
    raise KeyError(f"case '{case['id']}', step '{step_id}' has no response '{response_id}'")


def _move(mood: str, change: str) -> str:
    index = MOODS.index(mood) + _MOVES[change]
    return MOODS[min(max(index, 0), len(MOODS) - 1)]


def walk(case: dict, choices: list[str]) -> Walk:
    """Follow ``choices`` (response ids, one per step) from the first step.

    Raises ``ValueError`` for a response the current step does not offer, or a
    choice after the case has ended.

    >>> w = walk(get_case("billing-double-charge"), ["own-it", "refund-now", "check-rest"])
    >>> w.ending, w.customer, w.totals["ownership"]
    ('loyal', 'calm', 7)
    """
    current: str | None = case["steps"][0]["id"]
    reached_end: str | None = None
    totals = dict.fromkeys(COMPETENCES, 0)
    moods = [case["customer"]["mood"]]
    path = []
    for choice in choices:
        if current is None:
            raise ValueError(f"case '{case['id']}' already ended at '{reached_end}'; choice '{choice}' has no step")
        try:
            chosen = response(case, current, choice)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        for competence in COMPETENCES:
            totals[competence] += chosen["effects"][competence]
        moods.append(_move(moods[-1], chosen["customer"]))
        path.append(current)
        if any(s["id"] == chosen["next"] for s in case["steps"]):
            current = chosen["next"]
        else:
            current, reached_end = None, chosen["next"]
    return Walk(case["id"], tuple(choices), tuple(path), current, reached_end, totals, tuple(moods))


def _range(item: dict, competence: str) -> tuple[int, int]:
    values = [r["effects"][competence] for r in item["responses"]]
    return min(values), max(values)


def scores(case: dict, choices: list[str]) -> dict[str, int]:
    """Each competence from 0 to 100, judged step by step on the path walked.

    The rule: at every step answered, the best response there for a competence
    is worth its full range and the worst nothing; a score is the share of the
    available range the choices earned, summed over the steps answered:
    ``100 * sum(chosen - worst) / sum(best - worst)``, rounded. Judging each
    step against its own options keeps a path through hard steps comparable with
    a path through easy ones. A competence that no answered step put at stake
    (every option equal there, or nothing answered yet) scores 100: nothing was lost.

    >>> scores(get_case("billing-double-charge"), ["own-it", "refund-now", "check-rest"])["resolution"]
    100
    """
    result = walk(case, choices)
    earned = dict.fromkeys(COMPETENCES, 0)
    available = dict.fromkeys(COMPETENCES, 0)
    for step_id, choice in zip(result.path, result.choices):
        item = step(case, step_id)
        chosen = response(case, step_id, choice)
        for competence in COMPETENCES:
            low, high = _range(item, competence)
            earned[competence] += chosen["effects"][competence] - low
            available[competence] += high - low
    return {c: round(100 * earned[c] / available[c]) if available[c] else 100 for c in COMPETENCES}


def all_paths(case: dict) -> list[Walk]:
    """Every path from the first step to an ending, responses taken in the order written.

    The content check guarantees a finite list: no loops, 3 to 5 steps a path.
    """
    out: list[Walk] = []

    def explore(choices: list[str]) -> None:
        here = walk(case, choices)
        if here.done:
            out.append(here)
            return
        for item in step(case, here.current)["responses"]:
            explore(choices + [item["id"]])

    explore([])
    return out


def room_profile(case: dict, counts: dict[str, dict[str, int]]) -> dict[str, float]:
    """The room's competence profile (0-100 per competence) for the live radar.

    ``counts`` maps each step shown to the room to how many people chose each
    response there (``{"opening": {"own-it": 12, "policy": 3}}``). The rule is
    the one of :func:`scores`, each response weighted by how many chose it, so a
    room where everybody chose alike gets exactly that person's scores. Steps
    and responses the case does not have are ignored (a stale count must not
    break the projector); with no answers at all, every competence is 0.

    >>> room_profile(get_case("billing-double-charge"), {"opening": {"own-it": 3, "policy": 1}})["empathy"]
    75.0
    """
    earned = dict.fromkeys(COMPETENCES, 0.0)
    available = dict.fromkeys(COMPETENCES, 0.0)
    answers = 0
    for item in case["steps"]:
        chosen_here = counts.get(item["id"]) or {}
        for option in item["responses"]:
            n = max(int(chosen_here.get(option["id"], 0)), 0)
            if not n:
                continue
            answers += n
            for competence in COMPETENCES:
                low, high = _range(item, competence)
                earned[competence] += n * (option["effects"][competence] - low)
                available[competence] += n * (high - low)
    if not answers:
        return dict.fromkeys(COMPETENCES, 0.0)
    return {c: round(100 * earned[c] / available[c], 1) if available[c] else 100.0 for c in COMPETENCES}
