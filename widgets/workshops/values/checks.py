"""Checks of the values workshop's content that its schemas cannot express."""

from __future__ import annotations

from collections import Counter

from widgets import content
from widgets.core.messages import Message
from widgets.core.text import duplicate_key
from widgets.workshops.values.philosophy import check_action_statement

#: The statement's sections, in the order the template lays them out.
SECTIONS = ("purpose", "vision", "values", "actions")


def _unique_ids(items: list[dict], where: str) -> list[tuple[tuple, Message]]:
    counts = Counter(item["id"] for item in items)
    return [
        ((where, i, "id"), Message("values_checks.id_repeated", id=item["id"], n=counts[item["id"]]))
        for i, item in enumerate(items)
        if counts[item["id"]] > 1
    ]


@content.check("philosophy-examples")
def check_examples(data: dict) -> list[tuple[tuple, Message]]:
    return _unique_ids(data["screens"], "screens")


@content.check("values-brainstorm")
def check_brainstorm(data: dict) -> list[tuple[tuple, Message]]:
    problems = []
    for where in ("values", "criteria", "cliches"):
        problems += _unique_ids(data[where], where)
    ids = [section["id"] for section in data["template"]["sections"]]
    if tuple(ids) != SECTIONS:
        problems.append(
            (
                ("template", "sections"),
                Message("values_checks.sections", sections=", ".join(SECTIONS), found=", ".join(ids) or "-"),
            )
        )
    # The examples the kit shows must pass the kit's own hint, in their language.
    hints = data["action_hints"]
    words = {"starters": hints["starters"], "verbs": hints["verbs"]}
    samples = [(("action_hints", "examples", i), text) for i, text in enumerate(hints["examples"])]
    samples += [(("values", i, "action"), value["action"]) for i, value in enumerate(data["values"])]
    samples += [(("cliches", i, "rewrite"), cliche["rewrite"]) for i, cliche in enumerate(data["cliches"])]
    for path, text in samples:
        for lang in text:  # the languages this text is written in (a variant only where it differs)
            hint = check_action_statement(text[lang], lang, words=words)
            if hint:
                problems.append(
                    (
                        (*path, lang),
                        Message("values_checks.example_fails_hint", hint=Message(hint)),
                    )
                )
    # A phrase that folds to nothing would flag every card as a cliché.
    for i, cliche in enumerate(data["cliches"]):
        for lang in cliche["phrases"]:
            for j, phrase in enumerate(cliche["phrases"][lang]):
                if not duplicate_key(phrase):
                    problems.append(
                        (
                            ("cliches", i, "phrases", lang, j),
                            Message("values_checks.small_words", phrase=phrase),
                        )
                    )
    return problems
