"""Exercise kinds: the rules of each live or solo activity, and their registry."""

from __future__ import annotations

from widgets.exercises.base import Context, Exercise
from widgets.exercises.caseplay import CasePlay
from widgets.exercises.choice import Choice
from widgets.exercises.dots import Dots
from widgets.exercises.ideas import Ideas
from widgets.exercises.info import Info
from widgets.exercises.match import Match
from widgets.exercises.rate import Rate
from widgets.exercises.story import Story

KINDS: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise kind (an instance); workshop modules may register their own."""
    KINDS[exercise.kind] = exercise
    return exercise


for _kind in (Info(), Ideas(), Dots(), Choice(), Match(), Rate(), Story(), CasePlay()):
    register(_kind)


def get(kind: str) -> Exercise:
    from widgets.errors import Invalid

    try:
        return KINDS[kind]
    except KeyError:
        raise Invalid("core.error_invalid", field="kind") from None


__all__ = ["Context", "Exercise", "KINDS", "get", "register"]
