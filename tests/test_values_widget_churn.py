"""The values dashboard's redraws keep their widgets: no growth in the kernel, no choice reset under the trainer."""

from __future__ import annotations

import pytest
from ipywidgets.widgets.widget import _instances

from widgets.workshops.values import dashboard as values


@pytest.fixture(scope="module")
def dash():
    return values.trainer_dashboard("en")


def _open(dash, phase_id: str):
    dash.go([p.id for p in dash.phases].index(phase_id))
    assert dash.message.value == "", dash.message.value
    return dash.widgets_by_phase[phase_id]


@pytest.mark.parametrize("phase_id", ["keep", "action_vote"])
def test_fifty_refreshes_leave_the_number_of_live_widgets_flat(dash, phase_id):
    _open(dash, phase_id)
    dash._reload()
    dash.refresh()
    before = len(_instances)
    for _ in range(50):
        dash._reload()
        dash.refresh()
    assert dash.message.value == "", dash.message.value
    assert len(_instances) == before


def test_the_keep_rows_are_the_same_objects_and_follow_a_toggle(dash):
    box = _open(dash, "keep")
    rows = list(box.rows.children)
    ranking = dash.results(values.VOTE)["ranking"]
    assert len(rows) == min(len(ranking), values.keep_count(dash) + 7) > 1
    dash.refresh()
    assert list(box.rows.children) == rows
    # Taking the first value out changes its row in place; no row is replaced.
    first = rows[0]
    assert first.children[0].description == dash.t("values.drop_value")
    first.children[0].click()
    assert dash.message.value == "", dash.message.value
    assert first.children[0].description == dash.t("values.keep_value")
    assert first.children[0].button_style == "info"
    assert list(box.rows.children) == rows
    first.children[0].click()  # and back in
    assert first.children[0].description == dash.t("values.drop_value")


def test_a_keep_row_no_longer_listed_is_closed(dash):
    box = _open(dash, "keep")
    n = values.keep_count(dash)
    last = box.rows.children[-1]
    values.set_keep_count(dash, values.KEEP_RANGE[0])  # fewer values kept, fewer runners-up listed
    try:
        assert dash.message.value == "", dash.message.value
        assert last not in box.rows.children
        assert last.comm is None and all(child.comm is None for child in last.children)
    finally:
        values.set_keep_count(dash, n)


def test_a_picker_in_use_keeps_the_trainers_unsaved_choice(dash):
    box = _open(dash, "action_vote")
    pickers = dict(box.picker_by_tag)
    assert pickers and list(box.pickers.children)[1:] == list(pickers.values())
    tag, picker = next((tag, p) for tag, p in pickers.items() if len(p.options) > 2)
    other = next(v for _, v in picker.options if v and v != picker.value)
    picker.value = other  # chosen, not saved yet
    for _ in range(3):
        dash._reload()
        dash.refresh()
    assert box.picker_by_tag[tag] is picker
    assert picker.value == other
