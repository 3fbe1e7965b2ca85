"""The values workshop's dashboard in demo mode (no kernel, no browser): its steps, decisions and statement."""

from __future__ import annotations

import base64
from types import SimpleNamespace

import pytest

from widgets import content
from widgets.workshops.values import dashboard as values
from widgets.workshops.values import philosophy
from widgets.workshops.values.solo import SoloStatement, SoloView


@pytest.fixture(scope="module", params=["fr", "en"])
def dash(request):
    return values.trainer_dashboard(request.param)


def _decode(uri: str) -> str:
    return base64.b64decode(uri.split("base64,", 1)[1]).decode("utf-8")


def _like_a_new_kernel(dash):
    """What a restarted kernel knows: the engine and the session's code, nothing kept in memory."""
    session = lambda: dash.engine.session(dash.code)
    return SimpleNamespace(
        engine=dash.engine,
        code=dash.code,
        results=lambda activity: dash.engine.results(dash.code, activity),
        stored=lambda: session()["state"].get("data", {}),
        is_revealed=lambda activity: activity in session()["state"].get("revealed", []),
    )


def test_every_step_builds_and_redraws_without_error(dash):
    for index, phase in enumerate(dash.phases):
        dash.go(index)
        assert dash.message.value == "", (phase.id, dash.message.value)
        assert phase.id in dash.widgets_by_phase
    assert [p.id for p in dash.phases] == [
        "why",
        "brainstorm",
        "vote",
        "keep",
        "actions",
        "action_vote",
        "vision",
        "vision_rate",
        "output",
        "practices",
    ]


def test_demo_fills_every_activity_from_the_content(dash):
    cards = dash.results(values.CARDS)
    assert cards["duplicates"] == []  # the demo merged the likely duplicates
    assert any(c["merged_into"] for c in cards["cards"])
    assert dash.results(values.VOTE)["voters"] >= 5
    assert dash.results(values.ACTIONS)["cards"]
    assert all(t["overall"] for t in dash.results(values.VISION_RATE)["targets"])


def test_statement_lists_the_top_values_in_the_voted_order(dash):
    ranking = dash.results(values.VOTE)["ranking"]
    keep = content.load(philosophy.CONTENT)["keep"]
    expected = [card["text"] for card in ranking[:keep]]
    assert [v.name for v in values.statement(dash).values] == expected
    # And in every download, in that order.
    files = values.downloads(values.statement(dash), dash.lang, date="2024-10-01")
    markdown = _decode(files["md"][1])
    positions = [markdown.index(f"{i}. {name}") for i, name in enumerate(expected, 1)]
    assert positions == sorted(positions)
    page = _decode(files["html"][1])
    assert [page.index(name) for name in expected] == sorted(page.index(name) for name in expected)
    assert _decode(files["csv"][1]).splitlines()[1].startswith(f"1,{expected[0]},")


def test_each_kept_value_gets_its_best_voted_action_statement(dash):
    chosen = philosophy.best_actions(dash.results(values.ACTION_VOTE)["ranking"])
    statement = values.statement(dash)
    kept = values.kept(dash)
    assert [v.action for v in statement.values] == [chosen.get(str(card["id"]), "") for card in kept]
    assert all(philosophy.check_action_statement(v.action, dash.lang) is None for v in statement.values)


def test_the_action_statements_are_tagged_with_the_kept_values(dash):
    spec = values.actions_spec(dash)
    assert [tag["label"] for tag in spec["tags"]] == [card["text"] for card in values.kept(dash)]
    assert spec["hint"] == content.load(philosophy.CONTENT)["action_hints"]["advice"]


def test_taking_a_value_out_brings_in_the_next_one_and_survives_a_restart():
    dash = values.trainer_dashboard("en")
    ranking = dash.results(values.VOTE)["ranking"]
    dash.go(dash.phases.index(next(p for p in dash.phases if p.id == "keep")))
    values._toggle_kept(dash, ranking[0]["id"], keep=False)
    expected = [card["text"] for card in ranking[1:6]]
    assert [card["text"] for card in values.computed_kept(dash)] == expected
    again = _like_a_new_kernel(dash)
    assert [card["text"] for card in values.computed_kept(again)] == expected
    # Opening the action statements freezes the values; the statement follows them.
    dash.go(dash.phases.index(next(p for p in dash.phases if p.id == "actions")))
    assert [card["text"] for card in values.kept(again)] == expected
    assert [v.name for v in values.statement(again).values] == expected


def test_the_trainers_vote_settings_reopen_the_vote():
    dash = values.trainer_dashboard("fr")
    dash.go(2)
    box = dash.widgets_by_phase["vote"]
    box.budget.value, box.stack.value = 3, True
    apply = box.children[0].children[2]
    apply.click()
    spec = dash.engine.session(dash.code)["state"]["specs"][values.VOTE]
    assert (spec["budget"], spec["stack"]) == (3, True)
    assert values.vote_settings(_like_a_new_kernel(dash)) == (3, True)


def test_results_stay_hidden_until_revealed():
    dash = values.trainer_dashboard("en")
    dash.go(2)
    box = dash.widgets_by_phase["vote"]
    assert box.chart.layout.display is None  # the demo revealed the vote
    dash.engine.reveal(dash.trainer, dash.code, values.VOTE, False)
    dash._reload()  # what the poller does when the session changes: a redraw reads nothing itself
    dash.refresh()
    assert box.chart.layout.display == "none"
    assert "hidden" in box.status.value


def test_participant_text_is_escaped_in_the_preview_and_the_files():
    dash = values.trainer_dashboard("en")
    hostile = "<img src=x onerror=alert(1)>"
    dash.engine.set_data(dash.trainer, dash.code, "vision", hostile)
    dash.go([p.id for p in dash.phases].index("output"))
    box = dash.widgets_by_phase["output"]
    assert hostile not in box.preview.value and "&lt;img" in box.preview.value
    page = _decode(values.downloads(values.statement(dash), "en")["html"][1])
    assert hostile not in page and "&lt;img" in page


def test_the_solo_model_keeps_five_values_once_each_in_the_learners_order():
    solo = SoloStatement("fr")
    solo.set_values("Écoute\nl'écoute\nRapidité\nQualité\nRespect\nHonnêteté\nFidélité")
    assert solo.order == ["Écoute", "Rapidité", "Qualité", "Respect", "Honnêteté"] and solo.dropped
    solo.move(4, -1)
    solo.actions["Écoute"] = "Je reformule la demande."
    solo.vision = "Un service qui écoute."
    statement = solo.statement()
    assert [v.name for v in statement.values] == ["Écoute", "Rapidité", "Qualité", "Honnêteté", "Respect"]
    assert "Je reformule la demande." in philosophy.to_markdown(statement, "fr")


def test_the_solo_view_gives_hints_and_a_download():
    view = SoloView("en")
    view.values_text.value = "Listening\nSpeed"
    first = view.actions_box.children[0]
    first.children[0].value = "Quality matters"
    assert "Start with" in first.children[1].value
    first.children[0].value = "I restate the request."
    for box in view.checks:
        box.value = True
    assert "All three" in view.check_summary.value
    assert 'data-format="html"' in view.links.value and 'data-format="md"' in view.links.value
    assert "I restate the request." in view.preview.value
