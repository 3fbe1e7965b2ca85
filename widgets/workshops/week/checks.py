"""Checks of the Customer Service Week content that its schemas cannot express."""

from __future__ import annotations

from datetime import date

from widgets.content import check
from widgets.core.messages import Message
from widgets.workshops.week.rules import service_week


def _duplicates(items: list[dict], path: tuple, key: str) -> list[tuple[tuple, Message]]:
    seen: set[str] = set()
    problems = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            problems.append((path + (i, "id"), Message(key, id=item["id"])))
        seen.add(item["id"])
    return problems


@check("week-ideas")
def ideas_are_consistent(data: dict) -> list[tuple[tuple, Message]]:
    """Ids unique, roles known, cost ranges the right way round, materials named once per idea."""
    problems = _duplicates(data["roles"], ("roles",), "week_checks.role_twice")
    problems += _duplicates(data["ideas"], ("ideas",), "week_checks.idea_twice")
    roles = {role["id"] for role in data["roles"]}
    for i, idea in enumerate(data["ideas"]):
        for j, role in enumerate(idea["involves"]):
            if role not in roles:
                problems.append(
                    (("ideas", i, "involves", j), Message("week_checks.unknown_role", role=role, known=sorted(roles)))
                )
        if idea["cost"]["min"] > idea["cost"]["max"]:
            problems.append((("ideas", i, "cost", "min"), Message("week_checks.cost_order")))
        problems += _duplicates(idea["materials"], ("ideas", i, "materials"), "week_checks.material_twice")
    return problems


@check("week-facts")
def facts_are_consistent(data: dict) -> list[tuple[tuple, Message]]:
    """Ids unique, and every example week agrees with the rule the planner computes."""
    problems = _duplicates(data["facts"], ("facts",), "week_checks.fact_twice")
    problems += _duplicates(data["recurring"], ("recurring",), "week_checks.recurring_twice")
    for i, example in enumerate(data["examples"]):
        expected = service_week(example["year"])
        for k, name in enumerate(("monday", "friday")):
            try:
                given = date.fromisoformat(example[name])
            except ValueError:
                problems.append((("examples", i, name), Message("week_checks.not_a_date", value=example[name])))
                continue
            if given != expected[k]:
                problems.append(
                    (
                        ("examples", i, name),
                        Message(
                            "week_checks.rule_date",
                            expected=expected[k].isoformat(),
                            year=example["year"],
                            given=given.isoformat(),
                        ),
                    )
                )
    return problems
