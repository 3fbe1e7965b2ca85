"""Checks of the training day's content that its schemas cannot express."""

from __future__ import annotations

from collections import Counter

from widgets import content
from widgets.core.messages import Message


@content.check("knowledge-check")
def check_knowledge(data: dict) -> list[tuple[tuple, Message]]:
    problems = []
    counts = Counter(q["id"] for q in data["questions"])
    for i, question in enumerate(data["questions"]):
        if counts[question["id"]] > 1:
            problems.append(
                (
                    ("questions", i, "id"),
                    Message("day_checks.id_repeated", id=question["id"], n=counts[question["id"]]),
                )
            )
        options = [option["id"] for option in question["options"]]
        if len(set(options)) != len(options):
            problems.append((("questions", i, "options"), Message("day_checks.option_ids")))
        if question["answer"] not in options:
            problems.append(
                (
                    ("questions", i, "answer"),
                    Message("day_checks.answer_unknown", answer=question["answer"], options=", ".join(options)),
                )
            )
    return problems


@content.check("training-evaluation")
def check_evaluation(data: dict) -> list[tuple[tuple, Message]]:
    counts = Counter(c["id"] for c in data["comments"])
    problems = [
        (("comments", i, "id"), Message("day_checks.id_repeated", id=c["id"], n=counts[c["id"]]))
        for i, c in enumerate(data["comments"])
        if counts[c["id"]] > 1
    ]
    for lang in data["usefulness"]["label"]:  # the languages this text is written in
        if "{workshop}" not in data["usefulness"]["label"][lang]:
            problems.append(
                (("usefulness", "label", lang), Message("day_checks.label_workshop", placeholder="{workshop}"))
            )
    return problems
