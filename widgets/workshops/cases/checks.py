"""Checks of a branching case that its schema cannot express: ids, branches, decisions, reachability, path length.

Each message names the case, the step and, where it matters, the response; the
path returned with it lets the loader add the file, the line and the field.
:func:`check_case` finds what makes a case unplayable (refused on load);
:func:`case_warnings` finds what makes it teach badly (the best response always
first or always the longest, endings that do not depend on the path or contradict it,
a response that does not resolve scoring "once and done"), reported by ``elan cases``
and the content tests without refusing the case; :func:`length_bias` measures, over a
whole set of cases, how often the best response is simply the longest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from widgets import content
from widgets.core.messages import Message
from widgets.live.exercises import casebook

#: Steps on every path. Two is the least a case needs (an answer, then what it leads to):
#: an organisation may write short cases for new hires. The kit's own cases have three to
#: five, an editorial rule kept by ``tests/test_cases_content.py``.
MIN_STEPS, MAX_STEPS = 2, 5
MIN_RESPONSES, MAX_RESPONSES = 3, 4
#: A case is small; beyond this many paths an author has built a maze, not a case.
MAX_PATHS = 2000


def _duplicates(items: list[dict], where: tuple, label) -> list[tuple]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            problems.append(
                (
                    where + (i, "id"),
                    Message("cases_checks.id_twice", where=label(item), id=item["id"], first=seen[item["id"]] + 1),
                )
            )
        else:
            seen[item["id"]] = i
    return problems


def _first_cycle(steps: dict[str, dict], start: str) -> tuple[str, int] | None:
    """The (step id, response index) whose ``next`` closes a loop, or None."""
    state: dict[str, str] = {}

    def visit(step_id: str):
        state[step_id] = "open"
        for i, response in enumerate(steps[step_id]["responses"]):
            target = response["next"]
            if target not in steps:
                continue
            if state.get(target) == "open":
                return step_id, i
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[step_id] = "done"
        return None

    return visit(start)


def _paths(steps: dict[str, dict], start: str):
    """Every path as a list of (step id, response index) pairs; the last ``next`` is an ending or a decision."""
    stack = [(start, [])]
    while stack:
        step_id, path = stack.pop()
        for i, response in enumerate(steps[step_id]["responses"]):
            here = path + [(step_id, i)]
            if response["next"] in steps:
                stack.append((response["next"], here))
            else:
                yield here


@content.check("case")
def check_case(data: dict) -> list[tuple]:
    """Ids unique, branches that exist and end, every step reachable, 3-5 steps and 3-4 responses."""
    case = data["id"]
    steps_list, endings_list = data["steps"], data["endings"]
    problems = _duplicates(steps_list, ("steps",), lambda s: Message("cases_checks.step", case=case, step=s["id"]))
    problems += _duplicates(
        endings_list, ("endings",), lambda e: Message("cases_checks.ending", case=case, ending=e["id"])
    )
    step_ids = {s["id"] for s in steps_list}
    for i, ending in enumerate(endings_list):
        if ending["id"] in step_ids:
            problems.append(
                (
                    ("endings", i, "id"),
                    Message("cases_checks.ending_is_step", case=case, ending=ending["id"]),
                )
            )

    endings = {e["id"] for e in endings_list}
    decisions_list = data.get("decisions", [])
    decisions = {d["id"]: d for d in decisions_list}
    problems += _duplicates(
        decisions_list, ("decisions",), lambda d: Message("cases_checks.decision", case=case, decision=d["id"])
    )
    for di, item in enumerate(decisions_list):
        where = Message("cases_checks.decision", case=case, decision=item["id"])
        if item["id"] in step_ids or item["id"] in endings:
            problems.append((("decisions", di, "id"), Message("cases_checks.decision_ambiguous", where=where)))
        problems += _decision_problems(data, item, di, where, endings)
    steps = {s["id"]: s for s in steps_list}
    for si, step in enumerate(steps_list):
        where = Message("cases_checks.step", case=case, step=step["id"])
        responses = step["responses"]
        if not MIN_RESPONSES <= len(responses) <= MAX_RESPONSES:
            problems.append(
                (
                    ("steps", si, "responses"),
                    Message(
                        "cases_checks.response_count",
                        where=where,
                        n=len(responses),
                        low=MIN_RESPONSES,
                        high=MAX_RESPONSES,
                    ),
                )
            )

        def response_label(r, step_id=step["id"]):
            return Message("cases_checks.response", case=case, step=step_id, response=r["id"])

        problems += _duplicates(responses, ("steps", si, "responses"), response_label)
        for ri, response in enumerate(responses):
            if response["next"] not in steps and response["next"] not in endings and response["next"] not in decisions:
                problems.append(
                    (
                        ("steps", si, "responses", ri, "next"),
                        Message("cases_checks.next_unknown", where=response_label(response), next=response["next"]),
                    )
                )
    if problems:
        # The graph is not sound yet; reachability and paths would only repeat these problems.
        return problems

    start = steps_list[0]["id"]
    reached, frontier = {start}, [start]
    while frontier:
        for response in steps[frontier.pop()]["responses"]:
            if response["next"] not in reached:
                reached.add(response["next"])
                if response["next"] in steps:
                    frontier.append(response["next"])
    for si, step in enumerate(steps_list):
        if step["id"] not in reached:
            problems.append(
                (
                    ("steps", si, "id"),
                    Message("cases_checks.step_unreached", case=case, step=step["id"], start=start),
                )
            )
    for di, item in enumerate(decisions_list):
        if item["id"] not in reached:
            problems.append(
                (("decisions", di, "id"), Message("cases_checks.decision_unreached", case=case, decision=item["id"]))
            )

    cycle = _first_cycle(steps, start)
    if cycle:
        step_id, ri = cycle
        si = next(i for i, s in enumerate(steps_list) if s["id"] == step_id)
        response = steps[step_id]["responses"][ri]
        problems.append(
            (
                ("steps", si, "responses", ri, "next"),
                Message(
                    "cases_checks.cycle",
                    where=Message("cases_checks.response", case=case, step=step_id, response=response["id"]),
                    next=response["next"],
                ),
            )
        )
        return problems

    problems += _outcome_problems(data, start)
    index = {s["id"]: i for i, s in enumerate(steps_list)}
    reported: set[tuple] = set()
    for count, path in enumerate(_paths(steps, start)):
        if count >= MAX_PATHS:
            problems.append((("steps",), Message("cases_checks.too_many_paths", case=case, n=MAX_PATHS)))
            break
        if MIN_STEPS <= len(path) <= MAX_STEPS:
            continue
        route = " → ".join(f"{s} ({steps[s]['responses'][r]['id']})" for s, r in path)
        last_step, last_ri = path[-1]
        route += f" → {steps[last_step]['responses'][last_ri]['next']}"
        if len(path) < MIN_STEPS:
            # Too short: the response that ends the path too early is what to change.
            key, field = path[-1], ("steps", index[last_step], "responses", last_ri, "next")
            what = Message(
                "cases_checks.response",
                case=case,
                step=last_step,
                response=steps[last_step]["responses"][last_ri]["id"],
            )
        else:
            # Too long: the first step beyond the limit is what to cut.
            extra = path[MAX_STEPS][0]
            key, field = (extra, -1), ("steps", index[extra], "id")
            what = Message("cases_checks.step", case=case, step=extra)
        if key in reported:
            continue
        reported.add(key)
        problems.append(
            (
                field,
                Message(
                    "cases_checks.path_length", where=what, route=route, n=len(path), low=MIN_STEPS, high=MAX_STEPS
                ),
            )
        )

    points = data["debrief"]["points"]
    listed = set(data["debrief"]["principles"])
    for pi, point in enumerate(points):
        if point["principle"] not in listed:
            problems.append(
                (
                    ("debrief", "points", pi, "principle"),
                    Message("cases_checks.principle_unlisted", case=case, point=pi + 1, principle=point["principle"]),
                )
            )
    return problems


def _decision_problems(data: dict, item: dict, di: int, where: Message, endings: set[str]) -> list[tuple]:
    """A decision's rules: endings that exist, facts learnt somewhere, responses that exist, the default last."""
    learnt = {fact for s in data["steps"] for r in s["responses"] for fact in r.get("learns", [])}
    response_ids = {r["id"] for s in data["steps"] for r in s["responses"]}
    problems = []
    rules = item["rules"]
    for ri, rule in enumerate(rules):
        here = ("decisions", di, "rules", ri)
        last = ri == len(rules) - 1
        if rule["ending"] not in endings:
            problems.append(
                (
                    here + ("ending",),
                    Message("cases_checks.rule_ending", where=where, rule=ri + 1, ending=rule["ending"]),
                )
            )
        if last and "when" in rule:
            problems.append(
                (
                    here + ("when",),
                    Message("cases_checks.rule_last_when", where=where, rule=ri + 1),
                )
            )
        if not last and "when" not in rule:
            problems.append(
                (
                    here,
                    Message("cases_checks.rule_no_when", where=where, rule=ri + 1),
                )
            )
        when = rule.get("when", {})
        for key in ("knows", "missed"):
            for fact in when.get(key, []):
                if fact not in learnt:
                    problems.append(
                        (
                            here + ("when", key),
                            Message("cases_checks.fact_unlearnt", where=where, rule=ri + 1, fact=fact),
                        )
                    )
        for response_id in when.get("chose", []):
            if response_id not in response_ids:
                problems.append(
                    (
                        here + ("when", "chose"),
                        Message("cases_checks.rule_response", where=where, rule=ri + 1, response=response_id),
                    )
                )
    return problems


def _explore(data: dict, start: str):
    """Every complete path, walked with :func:`widgets.live.exercises.casebook.walk` (decisions applied)."""

    def explore(choices: list[str]):
        here = casebook.walk(data, choices)
        if here.done:
            yield here
            return
        for item in casebook.step(data, here.current)["responses"]:
            yield from explore(choices + [item["id"]])

    for count, walked in enumerate(explore([]), 1):
        if count > MAX_PATHS:
            return
        yield walked


def _outcome_problems(data: dict, start: str) -> list[tuple]:
    """Every ending reached and every decision rule applied on at least one path."""
    case = data["id"]
    ended, fired = set(), set()
    for walked in _explore(data, start):
        ended.add(walked.ending)
        if walked.decision:
            fired.add((walked.decision, walked.rule))
    problems = []
    for ei, ending in enumerate(data["endings"]):
        if ending["id"] not in ended:
            problems.append(
                (("endings", ei, "id"), Message("cases_checks.ending_unreached", case=case, ending=ending["id"]))
            )
    for di, item in enumerate(data.get("decisions", [])):
        for ri, rule in enumerate(item["rules"]):
            if (item["id"], ri) not in fired:
                problems.append(
                    (
                        ("decisions", di, "rules", ri),
                        Message(
                            "cases_checks.rule_never",
                            case=case,
                            decision=item["id"],
                            rule=ri + 1,
                            ending=rule["ending"],
                        ),
                    )
                )
    return problems


def _length(response: dict) -> float:
    return sum(len(text) for text in response["text"].values()) / len(response["text"])


def case_warnings(data: dict) -> list[tuple]:
    """What a playable case does that teaches badly, as ``[(path_tuple, message)]``.

    * the best response (highest sum of effects) is at the same position in the
      file at every step: a room shown the file's order learns to pick that letter;
    * the best response is the longest at every step: the room learns to pick the longest;
    * no two paths that end with the same response reach different endings: the
      ending follows from the last answer alone, so "which step decided it?" always
      has the same answer.
    """
    name = Message("cases_checks.case", case=data["id"])
    out = []
    judged = []
    for si, item in enumerate(data["steps"]):
        best = casebook.best_response(item)
        if best is None:
            continue
        ids = [r["id"] for r in item["responses"]]
        longest = max(item["responses"], key=_length)["id"]
        judged.append((si, ids.index(best), best == longest))
    if len(judged) >= 2:
        positions = {position for _, position, _ in judged}
        if len(positions) == 1:
            out.append(
                (
                    ("steps",),
                    Message("cases_checks.best_same_position", where=name, position=positions.pop() + 1),
                )
            )
        if all(longest for _, _, longest in judged):
            out.append(
                (
                    ("steps",),
                    Message("cases_checks.best_longest", where=name),
                )
            )
    for si, item in enumerate(data["steps"]):
        for ri, response in enumerate(item["responses"]):
            effects = response["effects"]
            # "Once and done" is the right answer the first time: a fast answer that does not resolve earns nothing.
            if effects["speed"] > 0 and effects["resolution"] <= 0:
                where = Message("cases_checks.response", case=data["id"], step=item["id"], response=response["id"])
                out.append(
                    (
                        ("steps", si, "responses", ri, "effects", "speed"),
                        Message("cases_checks.speed_unresolved", where=where, speed=effects["speed"]),
                    )
                )
    start = data["steps"][0]["id"]
    by_last: dict[tuple[str, str], set[str]] = {}
    requires = {e["id"]: (ei, e["requires"]) for ei, e in enumerate(data["endings"]) if e.get("requires")}
    contradicted: set[str] = set()
    for walked in _explore(data, start):
        by_last.setdefault((walked.path[-1], walked.choices[-1]), set()).add(walked.ending)
        if walked.ending in requires and walked.ending not in contradicted:
            ei, needs = requires[walked.ending]
            chose = set(walked.choices)
            if (needs.get("chose") and not chose & set(needs["chose"])) or chose & set(needs.get("not_chose", [])):
                contradicted.add(walked.ending)  # one path is enough to show it; the author fixes the rule
                out.append(
                    (
                        ("endings", ei, "requires"),
                        Message(
                            "cases_checks.ending_contradicts",
                            where=name,
                            ending=walked.ending,
                            path=" → ".join(walked.choices),
                        ),
                    )
                )
    if by_last and all(len(endings) == 1 for endings in by_last.values()):
        out.append(
            (
                ("endings",),
                Message("cases_checks.last_response_decides", where=name),
            )
        )
    return out


@dataclass(frozen=True)
class LengthBias:
    """How often the best response of a step is also its longest text, over a set of cases, in one language."""

    lang: str
    longest: int  # steps where the best response is the longest
    steps: int  # steps with a best response
    chance: float  # what chance alone would give (one in three for three responses)

    @property
    def flagged(self) -> bool:
        """More than chance by two standard deviations: a room can learn to pick the longest."""
        if self.steps < 6:
            return False
        p = self.chance / self.steps
        return self.longest > self.chance + 2 * math.sqrt(self.steps * p * (1 - p))


def length_bias(cases: list[dict], lang: str) -> LengthBias:
    """The best response (highest sum of effects) against the longest text, step by step, in ``lang``.

    >>> step = {"responses": [
    ...     {"id": "a", "text": {"en": "Yes."}, "effects": {"empathy": 2, "ownership": 2, "resolution": 2, "speed": 0}},
    ...     {"id": "b", "text": {"en": "Well, maybe."}, "effects": {"empathy": 0, "ownership": 0, "resolution": 0, "speed": 0}},
    ...     {"id": "c", "text": {"en": "No."}, "effects": {"empathy": 0, "ownership": 0, "resolution": 0, "speed": 0}}]}
    >>> length_bias([{"steps": [step]}], "en")
    LengthBias(lang='en', longest=0, steps=1, chance=0.3333333333333333)
    """
    longest = steps = 0
    chance = 0.0
    for case in cases:
        for item in case["steps"]:
            best = casebook.best_response(item)
            if best is None:
                continue
            steps += 1
            chance += 1 / len(item["responses"])
            sizes = {r["id"]: len(content.text(r["text"], lang)) for r in item["responses"]}
            longest += max(sizes, key=sizes.get) == best
    return LengthBias(lang, longest, steps, chance)
