"""The cases dashboard's refreshes update its widgets in place: no live widget is left behind by a redraw."""

from __future__ import annotations

import pytest
from ipywidgets.widgets.widget import _instances

from widgets.workshops.cases import dashboard as cases

STORIES = [
    {
        "colleague": "Amélie <b>D.</b>",
        "title": "Rappel le soir même",
        "story": "Elle a rappelé à 19 h.",
        "value": "listening",
    },
    {"colleague": "Ben", "title": "Le colis retrouvé", "story": "Il a appelé le dépôt.", "value": "listening"},
    {"colleague": "Chloé", "title": "Une facture expliquée", "story": "Ligne par ligne.", "value": "listening"},
]


def _refreshed(dash, times: int) -> int:
    """The number of live widgets after ``times`` refreshes, each after a read of the session (as the poller does)."""
    for _ in range(times):
        dash._reload()
        dash.refresh()
    return len(_instances)


@pytest.mark.parametrize("steps_back", [0, 1], ids=["ending", "revealed-step"])
def test_play_refreshes_do_not_grow_the_number_of_live_widgets(steps_back):
    dash = cases.trainer_dashboard("fr")  # demo: a case played to its ending
    for _ in range(steps_back):
        cases.back(dash)
    before = _refreshed(dash, 1)
    controls = list(dash.widgets_by_phase["play"].controls.children)
    assert len(controls) >= 3
    assert _refreshed(dash, 50) == before
    # The same buttons, not new ones: a button under the trainer's pointer is never replaced.
    assert list(dash.widgets_by_phase["play"].controls.children) == controls


def test_play_controls_that_leave_the_screen_are_closed():
    dash = cases.trainer_dashboard("en")
    cases.back(dash)  # a revealed step: explore buttons, notes
    box = dash.widgets_by_phase["play"]
    explore = [c for c in box.controls.children if any(k.startswith("elan-cases-explore") for k in c._dom_classes)]
    assert explore
    cases.follow_majority(dash)  # back at the ending: the step's controls go
    assert all(c.comm is None for c in explore)  # closed, not left alive in the kernel
    assert not set(explore) & set(box.controls.children)


def test_wall_refreshes_do_not_grow_the_number_of_live_widgets():
    dash = cases.trainer_dashboard("fr")
    dash.go([p.id for p in dash.phases].index("wall"), force=True)
    ids = [dash.engine.submit(dash.code, dash.engine.join(dash.code)[1], "catches", s)["id"] for s in STORIES]
    dash.engine.set_item_status(dash.trainer, dash.code, ids[0], "visible")
    before = _refreshed(dash, 1)
    box = dash.widgets_by_phase["wall"]
    rows = list(box.queue.children)
    assert len(rows) == 2 and "elan-cases-catch" in box.wall.value
    assert _refreshed(dash, 50) == before
    assert list(box.queue.children) == rows

    dash._act(dash.engine.set_item_status, ids[1], "visible")  # the trainer approves: its row goes, closed
    assert rows[0] not in box.queue.children and rows[0].comm is None
    assert box.queue.children == (rows[1],)
    dash._act(dash.engine.set_item_status, ids[2], "hidden")
    assert rows[1].comm is None and box.queue.children == (box.none_pending,)
    assert box.wall.value.count("elan-cases-catch") == 2
    before = _refreshed(dash, 1)
    assert _refreshed(dash, 50) == before
