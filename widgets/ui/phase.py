"""One step of a workshop on the trainer's dashboard (see :class:`widgets.ui.dashboard.Dashboard`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

if TYPE_CHECKING:
    from widgets.ui.dashboard import Dashboard

__all__ = ["Action", "Build", "Phase", "Spec"]

#: What a step gives participants: the activity's spec, or None (they wait).
Spec = Callable[["Dashboard"], "dict | None"]
#: The trainer's widget for a step.
Build = Callable[["Dashboard"], w.Widget]
#: A step's redraw from the store, or its sample answers in demo mode.
Action = Callable[["Dashboard"], None]


class Phase:
    """One step of a workshop.

    ``title`` is a ``{fr, en}`` map; ``spec(dash)`` returns the activity participants
    see (or None: they wait); ``build(dash)`` returns the trainer's widget for this
    step; ``refresh(dash)`` redraws it from the store; ``demo(dash)`` fills sample
    answers in demo mode. ``guide`` says which steps of the facilitator guide's script
    this phase shows: a step number, several (a teaching step and the exercise it opens),
    or ``guide(dash)`` returning either when it depends on where the phase stands (a case
    read, played, ended); by default the phase's own position. ``chapter`` names the
    guide chapter those steps are in when it is not the workshop's (the five practices).
    ``back(dash)`` goes back one step inside the phase (a case's previous step) and says whether
    it did; when it did not, ← goes to the previous phase.
    """

    def __init__(
        self,
        id: str,
        title: dict,
        *,
        spec: Spec | None = None,
        build: Build | None = None,
        refresh: Action | None = None,
        demo: Action | None = None,
        open: bool = True,
        guide: int | tuple[int, ...] | Callable | None = None,
        chapter: str | None = None,
        back: Callable | None = None,
    ):
        self.id = id
        self.title = title
        self._spec, self._build, self._refresh, self._demo = spec, build, refresh, demo
        self.open = open
        self.guide = guide
        self.chapter = chapter
        self._back = back

    def spec(self, dash: Dashboard) -> dict | None:
        return self._spec(dash) if self._spec else None

    def guide_steps(self, dash: Dashboard) -> tuple[int, ...]:
        """The guide's step numbers this phase shows now (empty: its position decides)."""
        found = self.guide(dash) if callable(self.guide) else self.guide
        if found is None:
            return ()
        return (found,) if isinstance(found, int) else tuple(found)

    def build(self, dash: Dashboard) -> w.Widget:
        return self._build(dash) if self._build else w.HTML("")

    def refresh(self, dash: Dashboard) -> None:
        if self._refresh:
            self._refresh(dash)

    def back(self, dash: Dashboard) -> bool:
        """Go back one step inside this phase; False when there is none (the phase's start)."""
        return bool(self._back(dash)) if self._back else False

    def demo(self, dash: Dashboard) -> None:
        if self._demo:
            self._demo(dash)
