"""Checks of a branching case that its schema cannot express: ids, branches, reachability, path length.

Each message names the case, the step and, where it matters, the response; the
path returned with it lets the loader add the file, the line and the field.
"""

from __future__ import annotations

from widgets import content

MIN_STEPS, MAX_STEPS = 3, 5
MIN_RESPONSES, MAX_RESPONSES = 3, 4
#: A case is small; beyond this many paths an author has built a maze, not a case.
MAX_PATHS = 2000


def _duplicates(items: list[dict], where: tuple, label) -> list[tuple]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            problems.append((where + (i, "id"), f"{label(item)}: id '{item['id']}' is used twice (first at position {seen[item['id']] + 1})"))
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
    """Every path as a list of (step id, response index) pairs; the last ``next`` is an ending."""
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
    name = f"case '{data['id']}'"
    steps_list, endings_list = data["steps"], data["endings"]
    problems = _duplicates(steps_list, ("steps",), lambda s: f"{name}, step '{s['id']}'")
    problems += _duplicates(endings_list, ("endings",), lambda e: f"{name}, ending '{e['id']}'")
    step_ids = {s["id"] for s in steps_list}
    for i, ending in enumerate(endings_list):
        if ending["id"] in step_ids:
            problems.append((("endings", i, "id"), f"{name}, ending '{ending['id']}': a step has the same id, so 'next' would be ambiguous"))

    endings = {e["id"] for e in endings_list}
    steps = {s["id"]: s for s in steps_list}
    for si, step in enumerate(steps_list):
        where = f"{name}, step '{step['id']}'"
        responses = step["responses"]
        if not MIN_RESPONSES <= len(responses) <= MAX_RESPONSES:
            problems.append(
                (("steps", si, "responses"), f"{where}: has {len(responses)} responses; a step offers {MIN_RESPONSES} or {MAX_RESPONSES}")
            )
        problems += _duplicates(responses, ("steps", si, "responses"), lambda r: f"{where}, response '{r['id']}'")
        for ri, response in enumerate(responses):
            if response["next"] not in steps and response["next"] not in endings:
                problems.append(
                    (
                        ("steps", si, "responses", ri, "next"),
                        f"{where}, response '{response['id']}': next '{response['next']}' is neither a step nor an ending of this case",
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
            problems.append((("steps", si, "id"), f"{name}, step '{step['id']}': no response leads to this step (the case starts at '{start}')"))
    for ei, ending in enumerate(endings_list):
        if ending["id"] not in reached:
            problems.append((("endings", ei, "id"), f"{name}, ending '{ending['id']}': no response leads to this ending"))

    cycle = _first_cycle(steps, start)
    if cycle:
        step_id, ri = cycle
        si = next(i for i, s in enumerate(steps_list) if s["id"] == step_id)
        response = steps[step_id]["responses"][ri]
        problems.append(
            (
                ("steps", si, "responses", ri, "next"),
                f"{name}, step '{step_id}', response '{response['id']}': next '{response['next']}' goes back to an earlier step; every path must move on to an ending",
            )
        )
        return problems

    index = {s["id"]: i for i, s in enumerate(steps_list)}
    reported: set[tuple] = set()
    for count, path in enumerate(_paths(steps, start)):
        if count >= MAX_PATHS:
            problems.append((("steps",), f"{name}: more than {MAX_PATHS} paths; split it into several cases"))
            break
        if MIN_STEPS <= len(path) <= MAX_STEPS:
            continue
        route = " → ".join(f"{s} ({steps[s]['responses'][r]['id']})" for s, r in path)
        last_step, last_ri = path[-1]
        route += f" → {steps[last_step]['responses'][last_ri]['next']}"
        if len(path) < MIN_STEPS:
            # Too short: the response that ends the path too early is what to change.
            key, field = path[-1], ("steps", index[last_step], "responses", last_ri, "next")
            what = f"step '{last_step}', response '{steps[last_step]['responses'][last_ri]['id']}'"
        else:
            # Too long: the first step beyond the limit is what to cut.
            extra = path[MAX_STEPS][0]
            key, field = (extra, -1), ("steps", index[extra], "id")
            what = f"step '{extra}'"
        if key in reported:
            continue
        reported.add(key)
        problems.append(
            (field, f"{name}, {what}: the path {route} has {len(path)} steps; every path needs {MIN_STEPS} to {MAX_STEPS}")
        )

    points = data["debrief"]["points"]
    listed = set(data["debrief"]["principles"])
    for pi, point in enumerate(points):
        if point["principle"] not in listed:
            problems.append(
                (("debrief", "points", pi, "principle"), f"{name}, debrief point {pi + 1}: principle '{point['principle']}' is not in debrief.principles")
            )
    return problems
