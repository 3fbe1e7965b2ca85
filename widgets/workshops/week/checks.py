"""Checks of the Customer Service Week content that its schemas cannot express."""

from __future__ import annotations

from datetime import date

from widgets.content import check
from widgets.workshops.week.rules import service_week


def _duplicates(items: list[dict], path: tuple, what: str) -> list[tuple[tuple, str]]:
    seen: set[str] = set()
    problems = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            problems.append((path + (i, "id"), f"{what} id '{item['id']}' is used twice"))
        seen.add(item["id"])
    return problems


@check("week-ideas")
def ideas_are_consistent(data: dict) -> list[tuple[tuple, str]]:
    """Ids unique, roles known, cost ranges the right way round, materials named once per idea."""
    problems = _duplicates(data["roles"], ("roles",), "role")
    problems += _duplicates(data["ideas"], ("ideas",), "idea")
    roles = {role["id"] for role in data["roles"]}
    for i, idea in enumerate(data["ideas"]):
        for j, role in enumerate(idea["involves"]):
            if role not in roles:
                problems.append(
                    (("ideas", i, "involves", j), f"unknown role '{role}' (known: {', '.join(sorted(roles))})")
                )
        if idea["cost"]["min"] > idea["cost"]["max"]:
            problems.append((("ideas", i, "cost", "min"), "the lowest cost is above the highest"))
        problems += _duplicates(idea["materials"], ("ideas", i, "materials"), "material")
    return problems


@check("week-facts")
def facts_are_consistent(data: dict) -> list[tuple[tuple, str]]:
    """Ids unique, and every example week agrees with the rule the planner computes."""
    problems = _duplicates(data["facts"], ("facts",), "fact")
    problems += _duplicates(data["recurring"], ("recurring",), "recurring action")
    for i, example in enumerate(data["examples"]):
        expected = service_week(example["year"])
        for k, name in enumerate(("monday", "friday")):
            try:
                given = date.fromisoformat(example[name])
            except ValueError:
                problems.append((("examples", i, name), f"'{example[name]}' is not a date"))
                continue
            if given != expected[k]:
                problems.append(
                    (
                        ("examples", i, name),
                        f"the rule gives {expected[k].isoformat()} for {example['year']}, not {given.isoformat()}",
                    )
                )
    return problems
