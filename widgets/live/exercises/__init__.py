"""The kit's exercise kinds, registered with :mod:`widgets.live.kinds` when imported."""

from __future__ import annotations

from widgets.live.exercises.caseend import CaseEnd
from widgets.live.exercises.caseplay import CasePlay
from widgets.live.exercises.choice import Choice
from widgets.live.exercises.cloud import Cloud
from widgets.live.exercises.commitment import Commitment
from widgets.live.exercises.dots import Dots
from widgets.live.exercises.ideas import Ideas
from widgets.live.exercises.info import Info
from widgets.live.exercises.match import Match
from widgets.live.exercises.pause import Pause
from widgets.live.exercises.quiz import Quiz
from widgets.live.exercises.rate import Rate
from widgets.live.exercises.signin import SignIn
from widgets.live.exercises.story import Story
from widgets.live.exercises.survey import Survey
from widgets.live.kinds import register

for _kind in (
    Info(),
    Ideas(),
    Dots(),
    Choice(),
    Match(),
    Rate(),
    Story(),
    CasePlay(),
    CaseEnd(),
    Survey(),
    Quiz(),
    SignIn(),
    Cloud(),
    Commitment(),
    Pause(),
):
    register(_kind)

__all__ = [
    "CaseEnd",
    "CasePlay",
    "Choice",
    "Cloud",
    "Commitment",
    "Dots",
    "Ideas",
    "Info",
    "Match",
    "Pause",
    "Quiz",
    "Rate",
    "SignIn",
    "Story",
    "Survey",
]
