"""The rules of the branching cases: walking a path, scoring the competences, the room's profile.

A case (``datasets/cases/<id>.yaml``, checked by ``widgets/checks/cases.py``)
starts at its first step; each response moves to a step, an ending or a
decision, adds its effects to four competences, moves the customer's mood one
notch (or not) and may teach a fact (``learns``). A decision picks the ending
from the whole path: the first of its rules whose ``when`` holds (mood reached,
facts known or missed, responses chosen, competence totals) gives the ending.
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

import hashlib
import random
import re
from dataclasses import dataclass, field

from widgets import content
from widgets.core.messages import Message

COMPETENCES = ("empathy", "ownership", "resolution", "speed")
#: The customer's mood, from best to worst; a response moves it one notch at most.
MOODS = ("calm", "uneasy", "upset", "angry", "furious")
_MOVES = {"calmer": -1, "same": 0, "angrier": 1}


@dataclass(frozen=True)
class Walk:
    """Where a sequence of choices leads in one case.

    ``path`` holds the steps answered, in order; ``current`` is the step waiting
    for an answer (None once an ending is reached); ``moods`` is the customer's
    mood at the start and after each answer, so ``customer`` is the last one;
    ``facts`` are the facts learnt on the way (a response's ``learns``);
    ``decision`` and ``rule`` say which decision and which of its rules (by
    position) chose the ending, when the last response led to a decision.
    """

    case_id: str
    choices: tuple[str, ...]
    path: tuple[str, ...]
    current: str | None
    ending: str | None
    totals: dict[str, int] = field(default_factory=dict)
    moods: tuple[str, ...] = ()
    facts: frozenset[str] = frozenset()
    decision: str | None = None
    rule: int | None = None

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
                [content.Problem(folder or "cases", 0, "id", Message("content_checks.case_twice", id=case["id"]))]
            )
        seen[case["id"]] = i
    return cases


def offered(case: dict, lang: str) -> bool:
    """Whether a session in ``lang`` plays ``case``: a case whose facts hold only in France lists the others.

    >>> offered({"offered_in": ["fr", "en"]}, "fr-CA"), offered({}, "fr-CA")
    (False, True)
    """
    return lang in case.get("offered_in", [lang])


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


def decision(case: dict, decision_id: str) -> dict:
    """One decision of a case by its id; ``KeyError`` if there is none."""
    for item in case.get("decisions", []):
        if item["id"] == decision_id:
            return item
    raise KeyError(f"case '{case['id']}' has no decision '{decision_id}'")


def _move(mood: str, change: str) -> str:
    index = MOODS.index(mood) + _MOVES[change]
    return MOODS[min(max(index, 0), len(MOODS) - 1)]


def holds(
    when: dict,
    *,
    mood: str,
    facts: set[str] | frozenset[str],
    chose: list[str] | tuple[str, ...],
    totals: dict[str, int],
) -> bool:
    """Whether every condition of a decision rule's ``when`` holds on the path walked so far.

    >>> holds({"mood": ["calm", "uneasy"], "knows": ["oxygen"]}, mood="calm", facts={"oxygen"}, chose=[], totals={})
    True
    >>> holds({"missed": ["oxygen"], "min": {"ownership": 4}}, mood="calm", facts=set(), chose=[], totals={"ownership": 3})
    False
    """
    if "mood" in when and mood not in when["mood"]:
        return False
    if any(fact not in facts for fact in when.get("knows", [])):
        return False
    if any(fact in facts for fact in when.get("missed", [])):
        return False
    if any(response_id not in chose for response_id in when.get("chose", [])):
        return False
    return all(totals.get(competence, 0) >= least for competence, least in when.get("min", {}).items())


def decide(case: dict, decision_id: str, *, mood: str, facts, chose, totals) -> tuple[str, int]:
    """The ending a decision gives on this path, and the position of the rule that gave it.

    The first rule whose ``when`` holds decides; the last rule has no ``when`` (the
    content check makes sure of it), so there is always an answer.
    """
    rules = decision(case, decision_id)["rules"]
    for index, rule in enumerate(rules):
        if "when" not in rule or holds(rule["when"], mood=mood, facts=facts, chose=chose, totals=totals):
            return rule["ending"], index
    raise ValueError(f"case '{case['id']}', decision '{decision_id}': no rule applies and none is the default")


def walk(case: dict, choices: list[str]) -> Walk:
    """Follow ``choices`` (response ids, one per step) from the first step.

    A response's ``next`` names a step, an ending, or a decision: the decision's
    rules read the path walked up to and including that response (the mood
    reached, the facts learnt, the responses chosen, the competence totals).
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
    facts: set[str] = set()
    path: list[str] = []
    decided: tuple[str | None, int | None] = (None, None)
    step_ids = {s["id"] for s in case["steps"]}
    decision_ids = {d["id"] for d in case.get("decisions", [])}
    for n, choice in enumerate(choices):
        if current is None:
            raise ValueError(f"case '{case['id']}' already ended at '{reached_end}'; choice '{choice}' has no step")
        try:
            chosen = response(case, current, choice)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        for competence in COMPETENCES:
            totals[competence] += chosen["effects"][competence]
        moods.append(_move(moods[-1], chosen["customer"]))
        facts.update(chosen.get("learns", []))
        path.append(current)
        target = chosen["next"]
        if target in step_ids:
            current = target
        elif target in decision_ids:
            reached_end, rule = decide(case, target, mood=moods[-1], facts=facts, chose=choices[: n + 1], totals=totals)
            current, decided = None, (target, rule)
        else:
            current, reached_end = None, target
    return Walk(
        case["id"], tuple(choices), tuple(path), current, reached_end, totals, tuple(moods), frozenset(facts), *decided
    )


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


# --- the order responses are shown in --------------------------------------------------------------


def shown_order(case: dict, step_id: str, seed: str) -> list[str]:
    """The response ids of a step in the order they are shown, shuffled by ``seed``.

    The file's order gives nothing away only if nobody sees it: a live room uses
    its session code as the seed (everyone in the room sees the same order, so
    "B" means the same to all, and a reload shows it again), a learner alone uses
    their own. The shuffle is keyed by a hash of the seed, the case and the step,
    so it does not depend on Python's per-process string hashing.

    >>> case = get_case("billing-double-charge")
    >>> shown_order(case, "opening", "ROOM42") == shown_order(case, "opening", "ROOM42")
    True
    >>> sorted(shown_order(case, "opening", "ROOM42")) == sorted(r["id"] for r in step(case, "opening")["responses"])
    True
    """
    ids = [r["id"] for r in step(case, step_id)["responses"]]
    key = hashlib.sha256(f"{seed}|{case['id']}|{step_id}".encode()).digest()
    random.Random(int.from_bytes(key[:8], "big")).shuffle(ids)
    return ids


def best_response(item: dict) -> str | None:
    """The response of a step with the highest sum of effects; None when two share the top."""
    totals = sorted(((sum(r["effects"].values()), r["id"]) for r in item["responses"]), reverse=True)
    if len(totals) > 1 and totals[0][0] == totals[1][0]:
        return None
    return totals[0][1]


# --- where a path turned ----------------------------------------------------------------------------


def reachable_endings(case: dict, choices: list[str]) -> set[str]:
    """Every ending still possible after ``choices`` (just the ending once the path has ended)."""
    here = walk(case, choices)
    if here.done:
        return {here.ending}
    out: set[str] = set()
    for item in step(case, here.current)["responses"]:
        out |= reachable_endings(case, list(choices) + [item["id"]])
    return out


def turning_step(case: dict, choices: list[str]) -> int | None:
    """The position (0-based) of the step whose answer settled the ending of a finished path.

    Before that answer more than one ending was still possible; after it, every
    way on led to the ending reached. None for a path that has not ended, or a
    case whose first step already could lead to one ending only.

    >>> case = get_case("billing-double-charge")
    >>> turning_step(case, ["own-it", "refund-now", "check-rest"]) in (0, 1, 2)
    True
    """
    here = walk(case, choices)
    if not here.done:
        return None
    for i in range(len(choices)):
        if len(reachable_endings(case, list(choices[:i]))) > 1 and reachable_endings(case, list(choices[: i + 1])) == {
            here.ending
        }:
            return i
    return None
