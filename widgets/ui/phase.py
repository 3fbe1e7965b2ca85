"""One step of a workshop on the trainer's dashboard (see :class:`widgets.ui.dashboard.Dashboard`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

if TYPE_CHECKING:
    from widgets.ui.dashboard import Dashboard


class Phase:
    """One step of a workshop.

    ``title`` is a ``{fr, en}`` map; ``spec(dash)`` returns the activity participants
    see (or None: they wait); ``build(dash)`` returns the trainer's widget for this
    step; ``refresh(dash)`` redraws it from the store; ``demo(dash)`` fills sample
    answers in demo mode. ``guide`` is the number of the facilitator guide's script
    step this phase belongs to (by default, the phase's own position). ``back(dash)``
    goes back one step inside the phase (a case's previous step) and says whether it
    did; when it did not, ← goes to the previous phase.
    """

    def __init__(
        self,
        id: str,
        title: dict,
        *,
        spec: Callable | None = None,
        build: Callable | None = None,
        refresh: Callable | None = None,
        demo: Callable | None = None,
        open: bool = True,
        guide: int | None = None,
        back: Callable | None = None,
    ):
        self.id = id
        self.title = title
        self._spec, self._build, self._refresh, self._demo = spec, build, refresh, demo
        self.open = open
        self.guide = guide
        self._back = back

    def spec(self, dash: Dashboard) -> dict | None:
        return self._spec(dash) if self._spec else None

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
