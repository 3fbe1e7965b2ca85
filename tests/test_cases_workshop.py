"""The case studies workshop without a browser: the dashboard in demo mode, branching, the radar, good catches, solo plays."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from widgets.core.errors import Forbidden, Invalid
from widgets.core.settings import Settings
from widgets.live.engine import Engine
from widgets.live.exercises import casebook, caseplay, story
from widgets.live.store import Store
from widgets.workshops.cases import dashboard as cases
from widgets.workshops.cases import solo as cases_solo

ROOT = Path(__file__).resolve().parent.parent
CASE = "billing-double-charge"
VALUES = [
    {"id": "listening", "label": {"fr": "Écoute", "en": "Listening"}},
    {"id": "empathy", "label": {"fr": "Empathie", "en": "Empathy"}},
]
STORY = {
    "colleague": "Amélie <b>D.</b>",
    "title": "Rappel le soir même",
    "story": "Elle a rappelé la cliente à 19 h.",
    "value": "listening",
}


@pytest.fixture
def dash():
    return cases.trainer_dashboard("fr")


def _people(dash, n):
    return [dash.engine.join(dash.code, name=f"P{i}")[1] for i in range(n)]


def _answer(dash, token, option):
    activity = dash.engine.session(dash.code)["state"]["activity"]
    dash.engine.submit(dash.code, token, activity, {"option": option})


# --- the dashboard ----------------------------------------------------------------------------------


def test_demo_plays_a_case_to_its_ending_and_shows_the_debrief(dash):
    play = cases.play_state(dash)
    case = casebook.get_case(play["id"])
    walked = casebook.walk(case, play["choices"])
    assert walked.done and dash.phase.id == "play"
    box = dash.widgets_by_phase["play"]
    ending = casebook.ending(case, walked.ending)
    assert ending["title"]["fr"] in box.ending.value
    assert all(q["fr"].replace("’", "’") in box.ending.value for q in ending["questions"])
    assert "Réactivité" in box.ending.value  # an ISO 10002 principle of the case, by its label
    assert dash.message.value == ""


def test_the_profile_chart_shows_the_room_profile_with_whole_labels(dash):
    case = cases.current_case(dash)
    play = cases.play_state(dash)
    counts = {
        s: dash.results(cases.activity_id(case["id"], s, 1))["counts"]
        for s in casebook.walk(case, play["choices"]).path
    }
    expected = casebook.room_profile(case, counts)
    figure = dash.widgets_by_phase["play"].radar.figure
    trace = figure["data"][0]
    # Horizontal bars, first competence at the top: the labels get the margin they need (a radar clipped them).
    assert trace["type"] == "bar" and trace["orientation"] == "h"
    assert trace["x"][::-1] == [expected[c] for c in casebook.COMPETENCES]
    assert trace["y"][::-1] == ["Empathie", "Prise en charge", "Résolution", "Du premier coup"]
    assert figure["layout"]["yaxis"]["automargin"] is True
    assert expected == cases.profile(dash)


def test_the_ending_shows_the_path_the_alternatives_and_the_turning_step(dash):
    case = cases.current_case(dash)
    play = cases.play_state(dash)
    value = dash.widgets_by_phase["play"].ending.value
    walked = casebook.walk(case, play["choices"])
    for step_id, choice in zip(walked.path, walked.choices):
        assert f'data-step="{step_id}"' in value and f'data-response="{choice}"' in value
        for other in casebook.step(case, step_id)["responses"]:
            assert f'data-response="{other["id"]}"' in value  # the alternatives not taken are listed too
    turning = casebook.turning_step(case, play["choices"])
    assert value.count("elan-cases-turning-mark") == (turning is not None)
    assert 'data-format="html"' in value and 'data-format="csv"' in value


def test_branching_follows_the_majority_or_the_trainers_pick(dash):
    cases.choose_case(dash, CASE)
    assert cases.play_state(dash)["run"] == 2  # the demo played it once: a new run, fresh answers
    cases.start_case(dash)
    a, b, c = _people(dash, 3)
    _answer(dash, a, "policy")
    _answer(dash, b, "policy")
    _answer(dash, c, "own-it")
    # Before the reveal, the phones get neither the counts nor any feedback.
    state = dash.engine.participant_state(dash.code, a)
    assert "results" not in state and all("feedback" not in o for o in state["activity"]["options"])
    assert dash.widgets_by_phase["play"].chart.layout.display == "none"
    cases.reveal_step(dash)
    state = dash.engine.participant_state(dash.code, a)
    assert state["revealed"] and state["results"]["counts"]["policy"] == 2
    assert all(o["feedback"]["fr"] for o in state["activity"]["options"])
    assert dash.widgets_by_phase["play"].chart.layout.display is None
    assert cases.follow_majority(dash) == "policy"
    assert casebook.walk(casebook.get_case(CASE), cases.play_state(dash)["choices"]).current == "pushback"
    # The trainer explores a branch the room did not choose.
    cases.advance(dash, "take-back", "trainer")
    saved = dash.engine.session(dash.code)["state"]["data"]["case"]
    assert saved["choices"] == ["policy", "take-back"] and saved["picks"] == ["majority", "trainer"]
    assert dash.engine.session(dash.code)["state"]["activity"] == f"{CASE}:check:2"
    with pytest.raises(ValueError):
        cases.advance(dash, "not-a-response", "trainer")
    cases.back(dash)
    assert cases.play_state(dash)["choices"] == ["policy"]


def test_the_console_s_previous_goes_back_one_case_step_then_leaves_the_case(dash):
    cases.choose_case(dash, CASE)
    cases.start_case(dash)
    cases.advance(dash, "policy", "trainer")
    assert dash.phase.id == "play" and cases.play_state(dash)["choices"] == ["policy"]
    dash.prev_button.click()  # ← (the keyboard shortcut clicks this button too)
    assert dash.phase.id == "play" and cases.play_state(dash)["choices"] == []
    assert dash.engine.session(dash.code)["state"]["activity"].endswith(":opening:2")
    dash.prev_button.click()  # back to the case's context, still in the case
    assert dash.phase.id == "play" and not cases.play_state(dash)["started"]
    dash.prev_button.click()  # only now to "Pick a case"
    assert dash.phase.id == "pick"


def test_an_ended_case_shows_its_ending_card_to_the_projector(dash):
    case = casebook.get_case(cases.play_state(dash)["id"])
    view = dash.engine.stage_view(dash.code)["view"]
    assert view["kind"] == "caseend" and view["title"] == case["title"]
    card = view["shown"]
    assert card["type"].startswith("cases.ending_") and len(card["profile"]) == len(casebook.COMPETENCES)
    assert sum(step["turning"] for step in card["path"]) <= 1
    assert all(sum(o["chosen"] for o in step["options"]) == 1 for step in card["path"])


def test_a_tie_is_no_majority_and_the_trainer_settles_it(dash):
    cases.choose_case(dash, CASE)
    cases.start_case(dash)
    a, b = _people(dash, 2)
    _answer(dash, a, "policy")
    _answer(dash, b, "apologise-first")
    cases.reveal_step(dash)
    box = dash.widgets_by_phase["play"]
    assert "(majorité)" not in box.main.value and box.main.value.count("(égalité)") == 2
    assert not any("elan-cases-majority" in c._dom_classes for c in box.controls.children if hasattr(c, "_dom_classes"))
    assert any("Égalité entre" in getattr(c, "value", "") for c in box.controls.children)
    assert cases.follow_majority(dash) is None and cases.play_state(dash)["choices"] == []
    cases.advance(dash, "policy", "tie")
    assert cases.play_state(dash)["picks"] == ["tie"]


def test_nobody_answered_means_no_majority_to_follow(dash):
    cases.choose_case(dash, CASE)
    cases.start_case(dash)
    assert cases.follow_majority(dash) is None
    assert cases.play_state(dash)["choices"] == []


# --- good catches -------------------------------------------------------------------------------------


@pytest.fixture
def room():
    engine = Engine(Store("sqlite://"), Settings(trainer_key="k"))
    trainer = engine.authenticate("k")
    code = engine.create_session(trainer, "cases", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "story", "id": "catches", "values": VALUES})
    return engine, trainer, code


def test_a_story_stays_pending_and_unnamed_until_approved(room):
    engine, trainer, code = room
    _, author = engine.join(code, name="Ana")
    _, other = engine.join(code, name="Ben")
    sent = engine.submit(code, author, "catches", STORY)
    assert sent["status"] == "pending"
    assert engine.participant_state(code, other)["view"] == {"mine": [], "wall": []}
    engine.reveal(trainer, code, "catches")
    shown = json.dumps(engine.participant_state(code, other))
    assert "Amélie" not in shown and "Rappel" not in shown
    assert engine.results(code, "catches") == {"approved": [], "pending": 1, "hidden": 0}
    assert story.approved(engine, code, sent["id"]) is None
    assert story.moderation_queue(engine, trainer, code, "catches")[0]["colleague"] == "Amélie <b>D.</b>"
    with pytest.raises(Forbidden):
        story.moderation_queue(engine, None, code, "catches")

    engine.set_item_status(trainer, code, sent["id"], "visible")
    wall = engine.participant_state(code, other)["view"]["wall"]
    assert [(s["colleague"], s["title"], s["value"]) for s in wall] == [
        ("Amélie <b>D.</b>", "Rappel le soir même", "listening")
    ]
    assert story.approved(engine, code, sent["id"])["story"] == STORY["story"]

    engine.set_item_status(trainer, code, sent["id"], "hidden")
    assert engine.participant_state(code, other)["view"]["wall"] == []
    assert story.approved(engine, code, sent["id"]) is None


def test_a_story_is_checked_and_sent_once(room):
    engine, trainer, code = room
    _, token = engine.join(code)
    for bad in (
        {**STORY, "value": "greed"},
        {**STORY, "colleague": "  "},
        {**STORY, "title": "x" * 81},
        {**STORY, "story": "x" * 281},
        {**STORY, "colleague": "x" * 41},
    ):
        with pytest.raises(Invalid):
            engine.submit(code, token, "catches", bad)
    first = engine.submit(code, token, "catches", {**STORY, "nonce": "n1"})
    again = engine.submit(code, token, "catches", {**STORY, "nonce": "n1"})
    assert again == {**again, "id": first["id"], "changed": False}
    assert len(story.moderation_queue(engine, trainer, code, "catches")) == 1


def test_only_stories_get_badges(room):
    engine, trainer, code = room
    _, token = engine.join(code)
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    card = engine.submit(code, token, "ideas", {"text": "Écoute"})["id"]
    assert story.approved(engine, code, card) is None  # visible, but an idea card
    assert story.approved(engine, "NOPE00", 1) is None
    assert story.approved(engine, code, "1 or 1=1") is None


def test_the_badge_endpoint_serves_approved_stories_only(elan_server):
    code = elan_server.create_session("cases", "fr")
    elan_server.trainer(code, "open", spec={"kind": "story", "id": "catches", "values": VALUES})
    token = elan_server.join(code, "Ana")["token"]
    r = elan_server.submit(code, token, "catches", STORY)
    assert r.status_code == 200, r.text
    item = r.json()["id"]
    for fmt in ("svg", "png", "html"):
        assert elan_server.get(f"/elan/api/s/{code}/badge/{item}.{fmt}").status_code == 404
    elan_server.trainer(code, "item", item=item, status="visible")
    svg = elan_server.get(f"/elan/api/s/{code}/badge/{item}.svg?lang=fr")
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    assert "Amélie &lt;b&gt;D.&lt;/b&gt;" in svg.text and "<b>" not in svg.text
    png = elan_server.get(f"/elan/api/s/{code}/badge/{item}.png")
    assert Image.open(io.BytesIO(png.content)).size == (1200, 1200)
    page = elan_server.get(f"/elan/api/s/{code}/badge/{item}.html?lang=en")
    assert page.status_code == 200 and "Certificate" in page.text and "<b>D." not in page.text
    assert elan_server.get(f"/elan/api/s/{code}/badge/{item + 1}.svg").status_code == 404


# --- solo plays and the cohort ------------------------------------------------------------------------------


def test_a_play_must_be_a_finished_path_of_the_case():
    assert caseplay.play(CASE, ["own-it", "refund-now", "check-rest"])["scores"]["resolution"] == 100
    for case_id, choices in (
        (CASE, ["own-it"]),
        (CASE, ["own-it", "nope"]),
        ("no-such-case", []),
        ("../x", []),
        (CASE, "own-it"),
        (CASE, ["own-it", "refund-now", "check-rest", "again"]),
    ):
        with pytest.raises(Invalid):
            caseplay.play(case_id, choices)


def test_a_learner_plays_alone_and_the_cohort_sees_the_scores():
    solo = cases_solo.SoloCases("en")
    solo.start_case(CASE)
    solo.begin()
    chosen = solo.answer("policy")
    assert chosen["feedback"]["en"] in solo.view.value
    solo.go_on()
    for response in ("take-back", "refund-now", "check-rest"):
        solo.answer(response)
        solo.go_on()
    # The same last answer as the best path, but the chat opened with a brush-off: settled, not loyal.
    assert solo.walked().ending == "resolved"
    # Replay another branch: both paths are saved under the learner.
    solo.start_case(CASE)
    solo.begin()
    for response in ("own-it", "refund-now", "check-rest"):
        solo.answer(response)
        solo.go_on()
    results = solo.engine.results(solo.code, cases_solo.ACTIVITY)
    rows = cases_solo.cohort_rows(results)
    assert solo.walked().ending == "loyal"
    assert len(rows) == 1 and rows[0]["cases"] == 1 and rows[0]["plays"] == 2 and rows[0]["endings"] == 2
    assert rows[0]["scores"] == casebook.scores(casebook.get_case(CASE), ["own-it", "refund-now", "check-rest"])
    assert "2 of 3" in solo.view.value
    turning = casebook.turning_step(casebook.get_case(CASE), ["own-it", "refund-now", "check-rest"])
    assert f"Your turning point: step {turning + 1}" in solo.view.value


def test_cohort_demo_lists_learners_and_their_average():
    cohort = cases_solo.cohort_dashboard("en")
    assert cohort.table.value.count("elan-cases-learner") == 3
    rows = cases_solo.cohort_rows(cohort.engine.results(cohort.code, cases_solo.ACTIVITY))
    assert caseplay.cohort_average(rows)["empathy"] == round(sum(r["scores"]["empathy"] for r in rows) / 3)


@pytest.mark.parametrize("name,trainer", [("trainer", True), ("solo", False), ("cohort", True)])
def test_notebooks_are_thin_and_committed_without_outputs(name, trainer):
    nb = json.loads((ROOT / "workshops" / "cases" / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1 and code[0]["outputs"] == [] and code[0]["execution_count"] is None
    assert (nb["metadata"].get("elan", {}).get("role") == "trainer") is trainer


# --- the order the responses are shown in ---------------------------------------------------------------


def _phone_order(dash, token):
    return [o["id"] for o in dash.engine.participant_state(dash.code, token)["activity"]["options"]]


def test_every_phone_and_the_projector_show_the_same_shuffled_order_and_a_reload_keeps_it(dash):
    cases.choose_case(dash, CASE)
    cases.start_case(dash)
    a, b, c = _people(dash, 3)
    orders = [_phone_order(dash, token) for token in (a, b, c)]
    assert orders[0] == orders[1] == orders[2]
    projector = dash.widgets_by_phase["play"].main.value
    positions = [projector.index(f'data-response="{rid}"') for rid in orders[0]]
    assert positions == sorted(positions)
    # The labels carry the letter of the position: "B" is the same response for everyone.
    labels = [o["label"]["fr"][:2] for o in dash.engine.participant_state(dash.code, a)["activity"]["options"]]
    assert labels == ["A.", "B.", "C."]
    # A reload (a new dashboard on the same session, a phone asking again) shows the same order.
    # A restarted kernel rebuilds the spec from the stored play alone: the same options, in the same order.
    stored = dash.engine.session(dash.code)["state"]
    assert cases.play_spec(dash)["options"] == stored["specs"][stored["activity"]]["options"]
    assert _phone_order(dash, a) == orders[0]
    # The order is recorded with the play, so the debrief can name what "A" was.
    step = casebook.walk(casebook.get_case(CASE), []).current
    assert cases.play_state(dash)["orders"][step] == orders[0]


def test_sessions_get_different_orders():
    case = casebook.get_case(CASE)
    seen = {tuple(casebook.shown_order(case, "opening", f"S{n}/1")) for n in range(12)}
    assert len(seen) > 1
    assert all(sorted(order) == sorted(r["id"] for r in case["steps"][0]["responses"]) for order in seen)


def test_a_learner_alone_gets_an_order_of_their_own():
    one, two = cases_solo.SoloCases("en"), cases_solo.SoloCases("en")
    orders = set()
    for solo in (one, two, *[cases_solo.SoloCases("en") for _ in range(6)]):
        solo.start_case(CASE)
        solo.begin()
        orders.add(tuple(solo.order()))
        positions = [solo.view.value.index(f'data-response="{rid}"') for rid in solo.order()]
        assert positions == sorted(positions)
    assert len(orders) > 1
    # A named learner keeps the order on a reload (same cohort, same name); another name gets another seed.
    first = cases_solo.SoloCases("en", engine=one.engine, code=one.code, demo=False)
    first.join("Inès")
    again = cases_solo.SoloCases("en", engine=one.engine, code=one.code, demo=False)
    again.join("Inès")
    other = cases_solo.SoloCases("en", engine=one.engine, code=one.code, demo=False)
    other.join("Yanis")
    assert first.seed == again.seed != other.seed
