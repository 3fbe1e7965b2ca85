"""Checks of the training day's content that its schemas cannot express."""

from __future__ import annotations

from collections import Counter

from widgets import content


@content.check("knowledge-check")
def check_knowledge(data: dict) -> list[tuple[tuple, str]]:
    problems = []
    counts = Counter(q["id"] for q in data["questions"])
    for i, question in enumerate(data["questions"]):
        if counts[question["id"]] > 1:
            problems.append(
                (
                    ("questions", i, "id"),
                    f"id '{question['id']}' is used {counts[question['id']]} times; ids must be unique",
                )
            )
        options = [option["id"] for option in question["options"]]
        if len(set(options)) != len(options):
            problems.append((("questions", i, "options"), "option ids must be unique within a question"))
        if question["answer"] not in options:
            problems.append(
                (
                    ("questions", i, "answer"),
                    f"answer '{question['answer']}' is not one of the options ({', '.join(options)})",
                )
            )
    return problems


@content.check("training-evaluation")
def check_evaluation(data: dict) -> list[tuple[tuple, str]]:
    counts = Counter(c["id"] for c in data["comments"])
    problems = [
        (("comments", i, "id"), f"id '{c['id']}' is used {counts[c['id']]} times; ids must be unique")
        for i, c in enumerate(data["comments"])
        if counts[c["id"]] > 1
    ]
    for lang in data["usefulness"]["label"]:  # the languages this text is written in
        if "{workshop}" not in data["usefulness"]["label"][lang]:
            problems.append(
                (("usefulness", "label", lang), "the label must contain {workshop}: it is asked once per workshop")
            )
    return problems
