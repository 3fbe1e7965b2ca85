"""The case editor's branch graph (layout and drawing), its responses and decisions forms, and its preview session."""

from __future__ import annotations

import copy
import re

import pytest

from tests.test_selfhosting import FR, elan
from widgets.core.errors import Conflict, Forbidden, NotFound
from widgets.core.settings import Settings
from widgets.live import accounts, privacy
from widgets.live import store as st
from widgets.live.engine import PREVIEW, Engine
from widgets.live.exercises import casebook
from widgets.ui.trainer import Viewer
from widgets.workshops.cases.editor import CaseEditor, branches, next_response_id
from widgets.workshops.cases.graph import NODE_H, layout, overlapping

# The checks' texts are read in English (the forms' and editor's pages here are English).
pytestmark = pytest.mark.usefixtures("english_messages")


def _node(drawn: dict, key: str) -> dict:
    return next(n for n in drawn["nodes"] if n["key"] == key)


# --- the layout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", casebook.load_cases(), ids=lambda c: c["id"])
def test_every_kit_case_is_laid_out_in_columns_by_depth_with_no_box_over_another(case):
    drawn = layout(case, "fr")
    assert overlapping(drawn["nodes"]) == []
    steps = [n for n in drawn["nodes"] if n["kind"] == "step"]
    endings = [n for n in drawn["nodes"] if n["kind"] == "ending"]
    assert len(steps) == len(case["steps"]) and len(endings) == len(case["endings"])
    assert steps[0]["column"] == 0 and steps[0]["id"] == case["steps"][0]["id"]
    # Every response of a step goes one column on at least (no loop in a kit case), endings in the last column.
    for edge in drawn["edges"]:
        source = _node(drawn, edge["source"])
        target = _node(drawn, edge["target"])
        assert target["column"] > source["column"], edge
    assert {n["column"] for n in endings} == {max(n["column"] for n in drawn["nodes"])}
    assert not any(n["marks"] for n in drawn["nodes"])
    # Each response leaves its box at a height of its own: labels never sit on each other.
    for step in steps:
        starts = [e["d"].split()[0] for e in drawn["edges"] if e["source"] == step["key"]]
        assert len(starts) == len(set(starts)) == len(casebook.step(case, step["id"])["responses"])
    assert all(n["x"] >= 0 and n["x"] + n["w"] <= drawn["width"] for n in drawn["nodes"])
    assert all(n["y"] >= 0 and n["y"] + n["h"] <= drawn["height"] for n in drawn["nodes"])


def test_a_step_is_one_column_further_than_the_farthest_step_leading_to_it():
    case = casebook.get_case("app-outage-social")  # its first step leads to the second and the third
    drawn = layout(case, "en")
    column = {n["id"]: n["column"] for n in drawn["nodes"] if n["kind"] == "step"}
    ids = set(column)
    for item in case["steps"][1:]:
        before = [s["id"] for s in case["steps"] if any(r["next"] == item["id"] for r in s["responses"])]
        assert column[item["id"]] == 1 + max(column[b] for b in before if b in ids)


def test_a_loop_does_not_move_the_first_step():
    case = copy.deepcopy(casebook.get_case("billing-double-charge"))
    case["steps"][1]["responses"][0]["next"] = case["steps"][0]["id"]
    drawn = layout(case, "en")
    assert _node(drawn, "step:0")["column"] == 0 and "loop" in _node(drawn, "step:0")["marks"]
    assert overlapping(drawn["nodes"]) == []
    assert any(e["loop"] for e in drawn["edges"])


def test_a_dead_end_and_an_unreachable_step_are_marked_in_words_and_in_their_own_boxes():
    case = copy.deepcopy(casebook.get_case("billing-double-charge"))
    case["steps"][0]["responses"][1]["next"] = "nowhere"
    case["steps"].append({"id": "orphan", "situation": {"fr": "Seul", "en": "Alone"}, "responses": []})
    drawn = layout(case, "en")
    assert overlapping(drawn["nodes"]) == []
    dead = _node(drawn, "dead:nowhere")
    assert dead["marks"] == ["dead_end"] and dead["column"] == 1
    [edge] = [e for e in drawn["edges"] if e["dead"]]
    assert edge["source"] == "step:0" and edge["label"] == "B" and edge["target"] == "dead:nowhere"
    orphan = _node(drawn, f"step:{len(case['steps']) - 1}")
    assert "unreachable" in orphan["marks"] and orphan["column"] == 0

    editor = CaseEditor("en", case)
    svg = editor.graph.value
    # Each box and edge has a <title> (read by screen readers, shown on hover); marks are words too.
    assert svg.count("<title") == len(drawn["nodes"]) + len(drawn["edges"]) + 1
    assert "Dead end: “nowhere” is neither a step, an ending nor a decision" in svg
    assert "✕ Dead end" in svg and "⚠ unreachable" in svg and "No path reaches it." in svg
    assert 'class="elan-editor-legend"' in svg and "dead end: a response that leads nowhere" in svg
    assert 'role="img"' in svg and "<desc" in svg
    assert "Alone" in svg  # the step's words, escaped as text


def test_the_graph_escapes_what_the_trainer_types():
    case = copy.deepcopy(casebook.get_case("billing-double-charge"))
    case["steps"][0]["situation"]["en"] = '<script>alert("x")</script> & co'
    editor = CaseEditor("en", case)
    assert "<script>" not in editor.graph.value and "&lt;script&gt;" in editor.graph.value


def test_a_decision_sits_between_the_steps_and_the_endings_it_picks():
    case = casebook.get_case("parcel-not-received")
    drawn = layout(case, "en")
    decision = next(n for n in drawn["nodes"] if n["kind"] == "decision")
    endings = [n for n in drawn["nodes"] if n["kind"] == "ending"]
    steps = [n for n in drawn["nodes"] if n["kind"] == "step"]
    assert max(s["column"] for s in steps) < decision["column"] < endings[0]["column"]
    rules = [e for e in drawn["edges"] if e["rule"]]
    assert [e["label"] for e in rules] == [str(i + 1) for i in range(len(case["decisions"][0]["rules"]))]
    assert overlapping(drawn["nodes"]) == []


def test_overlapping_finds_boxes_on_each_other():
    a = {"key": "a", "x": 0, "y": 0, "w": 100, "h": NODE_H}
    b = {"key": "b", "x": 50, "y": -10, "w": 100, "h": NODE_H}
    c = {"key": "c", "x": 0, "y": NODE_H + 1, "w": 100, "h": NODE_H}
    assert overlapping([a, b, c]) == [("a", "b")]


# --- responses one by one, decisions --------------------------------------------------------------


@pytest.fixture
def editor():
    return CaseEditor("en", casebook.get_case("billing-double-charge"))


def test_a_response_is_added_with_an_id_of_its_own_then_removed(editor):
    before = copy.deepcopy(editor.case["steps"][0]["responses"])
    editor.add_response(0)
    responses = editor.case["steps"][0]["responses"]
    assert len(responses) == len(before) + 1
    assert len({r["id"] for r in responses}) == len(responses)
    # Where it leads is left to choose: a dead end until then, flagged in the graph and the checks.
    assert branches(editor.case)["dead_ends"] == [(editor.case["steps"][0]["id"], responses[-1]["id"])]
    assert "elan-editor-dead-end" in editor.graph.value and editor.save_button.disabled
    assert "steps[0].responses[3].next" in editor.checks.value
    editor.remove_response(0, len(responses) - 1)
    assert editor.case["steps"][0]["responses"] == before
    assert "elan-editor-dead-end" not in editor.graph.value and editor.problems() == []


def test_a_step_keeps_its_last_response(editor):
    while len(editor.case["steps"][0]["responses"]) > 1:
        editor.remove_response(0, 0)
    editor.remove_response(0, 0)
    assert len(editor.case["steps"][0]["responses"]) == 1
    # The checks say why one is not enough (3 or 4), with elan validate's own words.
    assert "has 1 response; a step offers 3 or 4" in editor.checks.value


def test_response_ids_stay_unique_after_removals_in_the_middle():
    step = {"responses": [{"id": "a"}, {"id": "b"}, {"id": "d"}]}
    assert next_response_id(step) == "c"
    step = {"responses": [{"id": letter} for letter in "abcdefghijklmnopqrstuvwxyz"]}
    assert next_response_id(step) == "r-27"


def test_the_remove_buttons_are_one_per_response_and_the_last_cannot_go(editor):
    def buttons():
        return [
            b
            for box in editor.form.children
            if "elan-editor-response" in getattr(box, "_dom_classes", ())
            for row in box.children[:1]
            for b in row.children
            if any(c.startswith("elan-editor-remove-response-0-") for c in getattr(b, "_dom_classes", ()))
        ]

    assert len(buttons()) == len(editor.case["steps"][0]["responses"])
    buttons()[1].click()
    assert len(editor.case["steps"][0]["responses"]) == 2
    buttons()[0].click()
    [last] = buttons()
    assert last.disabled


def test_a_kit_case_with_decisions_opens_in_the_form_and_round_trips():
    case = casebook.get_case("parcel-not-received")
    editor = CaseEditor("en", case)
    assert editor.problems() == []
    assert editor.case["decisions"] == case["decisions"]
    classes = {c for widget in _walk(editor.form) for c in getattr(widget, "_dom_classes", ())}
    assert "elan-editor-decisions-0-rules-0-when-mood-calm" in classes
    assert "elan-editor-decisions-0-rules-0-ending" in classes
    # A mood unticked through its box: the rule changes, the checks run again.
    box = next(x for x in _walk(editor.form) if "elan-editor-decisions-0-rules-0-when-mood-uneasy" in x._dom_classes)
    box.value = False
    assert editor.case["decisions"][0]["rules"][0]["when"] == {"mood": ["calm"]}
    assert editor.problems() == [] or all("decision" in m for _, m in editor.problems())


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_a_decision_is_added_with_a_rule_and_a_default_and_its_conditions_are_edited(editor):
    before = copy.deepcopy(editor.case["decisions"])
    editor.add_decision()
    di = len(before)
    decision = editor.case["decisions"][di]
    assert decision["id"].startswith("decision-") and decision["id"] not in {d["id"] for d in before}
    assert "when" in decision["rules"][0] and "when" not in decision["rules"][-1]
    # No response leads to it yet: the checks say so, as elan validate does.
    assert "no response leads to this decision" in editor.checks.value
    editor.add_rule(di)
    assert len(decision["rules"]) == 3 and "when" not in decision["rules"][-1]
    editor.set_condition(di, 1, "mood", [])
    assert "when" not in decision["rules"][1]
    assert "only the last rule may have no" in editor.checks.value
    editor.set_condition(di, 1, "knows", ["refund-date"])
    assert decision["rules"][1]["when"] == {"knows": ["refund-date"]}
    assert "fact &#39;refund-date&#39; is learnt by no response" in editor.checks.value
    editor.set_learns(("steps", 0, "responses", 0), "refund-date, refund-date")
    assert editor.case["steps"][0]["responses"][0]["learns"] == ["refund-date"]
    assert "is learnt by no response" not in editor.checks.value
    editor.set_minimum(di, 1, "empathy", "two")
    assert f"decisions[{di}].rules[1].when.min.empathy" in editor.checks.value  # kept as typed, named by the checks
    editor.set_minimum(di, 1, "empathy", "2")
    assert decision["rules"][1]["when"]["min"] == {"empathy": 2}
    editor.set_learns(("steps", 0, "responses", 0), "")
    assert "learns" not in editor.case["steps"][0]["responses"][0]
    editor.remove_rule(di, 1)
    assert len(decision["rules"]) == 2
    editor.remove("decisions", di)
    assert editor.case["decisions"] == before and editor.problems() == []


# --- the preview session --------------------------------------------------------------------------


@pytest.fixture
def viewer(engine):
    return Viewer(engine, engine.authenticate("test-key"), "", "en", False, None, "/", "http://localhost")


def test_the_preview_opens_the_draft_in_a_preview_session_with_the_real_pages(engine, viewer):
    editor = CaseEditor("en", casebook.get_case("billing-double-charge"), viewer=viewer)
    editor.screen.value = "step:0"
    code = editor.show_preview()
    session = engine.session(code)
    assert session["mode"] == PREVIEW and session["owner"] is None
    step = editor.case["steps"][0]
    spec = session["state"]["specs"][session["state"]["activity"]]
    assert spec["kind"] == "choice" and spec["prompt"] == step["situation"]
    assert sorted(o["id"] for o in spec["options"]) == sorted(r["id"] for r in step["responses"])
    assert all("feedback" not in o for o in spec["options"]) and session["state"]["open"]
    frames = editor.frames.value
    assert f'src="/join/{code}?lang=en&amp;v=1"' in frames and f'src="/stage/{code}?v=1"' in frames
    assert "key" not in " ".join(re.findall(r'src="([^"]*)"', frames))  # no credential in either page's address
    # A phone joins it like any session and sees the step; the stage shows it too.
    _, token = engine.join(code)
    assert engine.participant_state(code, token)["activity"]["prompt"]["en"] == step["situation"]["en"]
    assert engine.stage_view(code)["activity"]["prompt"] == step["situation"] and not engine.stage_view(code)["join"]

    # Preview again (after an edit, another screen): the same session, the iframes reloaded.
    editor.texts[("steps", 0, "situation", "en")].value = "Changed words"
    editor.screen.value = "reveal:0"
    assert editor.show_preview() == code
    state = engine.session(code)["state"]
    spec = state["specs"][state["activity"]]
    assert spec["prompt"]["en"] == "Changed words" and spec["id"] in state["revealed"] and not state["open"]
    assert all(o["feedback"] for o in spec["options"])
    assert f"/join/{code}?lang=en&amp;v=2" in editor.frames.value
    editor.screen.value = "ending:0"
    editor.show_preview()
    assert engine.stage_view(code)["activity"]["title"] == editor.case["endings"][0]["title"]

    # Never listed, never resumed by a dashboard; discarded with everything in it.
    assert code not in [s["code"] for s in engine.sessions_of(viewer.trainer, workshop="cases")]
    editor.discard_preview()
    with pytest.raises(NotFound):
        engine.session(code)


def test_the_preview_is_the_trainers_own(engine, viewer):
    editor = CaseEditor("en", casebook.get_case("billing-double-charge"), viewer=viewer)
    code = editor.show_preview()
    other = accounts.verify(engine.store, accounts.add(engine.store, "other"))
    with pytest.raises(Forbidden):
        engine.discard_preview(other, code)
    with pytest.raises(Forbidden):
        engine.open_preview(None, "cases", "en")
    real = engine.create_session(viewer.trainer, "cases", "en")["code"]
    with pytest.raises(Conflict):
        engine.discard_preview(viewer.trainer, real)
    engine.discard_preview(viewer.trainer, code)
    # Gone meanwhile (discarded, purged): the next preview opens a new session.
    assert editor.show_preview() not in (code, None)


def test_purge_removes_idle_previews_whatever_the_retention(engine, viewer):
    preview = engine.open_preview(viewer.trainer, "cases", "en")["code"]
    real = engine.create_session(viewer.trainer, "cases", "en")["code"]
    engine.join(preview)
    assert privacy.purge(engine.store, 365)["previews"] == 0  # in use today
    later = st.now() + 2 * privacy.DAY
    counts = privacy.purge(engine.store, 365, now=later)
    assert counts["previews"] == 1 and counts["sessions"] == 0
    with pytest.raises(NotFound):
        engine.session(preview)
    assert engine.session(real)["code"] == real
    other = engine.open_preview(viewer.trainer, "cases", "en")["code"]
    assert privacy.purge(engine.store, 365, names_only=True, now=later)["previews"] == 1
    with pytest.raises(NotFound):
        engine.session(other)


def test_a_step_with_one_response_is_not_previewed_and_the_editor_says_why(engine, viewer):
    editor = CaseEditor("en", casebook.get_case("billing-double-charge"), viewer=viewer)
    while len(editor.case["steps"][0]["responses"]) > 1:
        editor.remove_response(0, 0)
    editor.screen.value = "step:0"
    assert editor.show_preview() is None
    assert "at least two responses" in editor.frames.value
    editor.screen.value = "context"
    code = editor.show_preview()
    assert engine.session(code)["state"]["specs"][engine.session(code)["state"]["activity"]]["kind"] == "info"


def test_without_the_server_the_preview_says_what_it_needs():
    editor = CaseEditor("en", casebook.get_case("billing-double-charge"))
    assert editor.show_preview() is None
    assert "The preview needs the kit’s server" in editor.frames.value


def test_the_phone_page_of_a_preview_joins_by_itself_and_may_be_framed_by_the_kit_only(elan_server):
    settings = Settings(data_dir=str(elan_server.data_dir), trainer_key=elan_server.key)
    engine = Engine.from_settings(settings)
    try:
        preview = engine.open_preview(engine.authenticate(elan_server.key), "cases", "fr")["code"]
    finally:
        engine.store.dispose()
    real = elan_server.create_session("cases", "fr")
    page = elan_server.get(f"/join/{preview}")
    assert page.status_code == 200 and 'data-preview="1"' in page.text
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    page = elan_server.get(f"/join/{real}")
    assert page.status_code == 200 and "data-preview" not in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    # The stage of a preview is the ordinary stage: its address carries the code and nothing else.
    stage = elan_server.get(f"/stage/{preview}")
    assert stage.status_code == 200 and "frame-ancestors 'self'" in stage.headers["Content-Security-Policy"]
    # Listed nowhere: the trainer's sessions are the real ones.
    listed = elan_server.api("GET", "sessions", headers=elan_server.trainer_headers).json()["sessions"]
    assert real in [s["code"] for s in listed] and preview not in [s["code"] for s in listed]


def test_an_edge_that_skips_columns_runs_under_their_boxes_not_through_them():
    case = casebook.get_case("parcel-not-received")  # a response of the last step goes straight to an ending
    drawn = layout(case, "en")
    long = [e for e in drawn["edges"] if _node(drawn, e["target"])["column"] - _node(drawn, e["source"])["column"] > 1]
    assert long
    for edge in long:
        first, last = _node(drawn, edge["source"])["column"], _node(drawn, edge["target"])["column"]
        lane = float(re.search(r"L[\d.]+,([\d.]+)", edge["d"]).group(1))
        skipped = [n for n in drawn["nodes"] if first < n["column"] < last]
        assert lane > max(n["y"] + n["h"] for n in skipped)
        assert lane < drawn["height"]


def test_the_purge_command_says_how_many_previews_it_removed(tmp_path):
    engine = Engine.from_settings(Settings(data_dir=str(tmp_path), trainer_key="test-key"))
    code = engine.open_preview(engine.authenticate("test-key"), "cases", "fr")["code"]
    then = st.now() - 2 * privacy.DAY
    with engine.store.write() as conn:
        sid = engine.session(code)["id"]
        conn.execute(st.sessions.update().where(st.sessions.c.id == sid).values(created_at=then))
        conn.execute(st.events.update().where(st.events.c.session_id == sid).values(created_at=then))
    engine.store.dispose()
    done = elan("purge", data_dir=tmp_path)
    assert done.stdout.strip().splitlines() == [
        FR("core.purged", sessions=0, names=0),
        FR("core.purged_previews", n=1),
    ]
    assert FR("core.purged_previews", n=1) == "1 séance d’aperçu de l’éditeur de cas supprimée."


def test_the_preview_goes_when_the_kernel_stops(engine, viewer, monkeypatch):
    # What the kernel runs as it stops (the tab released it, or it was culled); the browser test closes a tab.
    editor = CaseEditor("en", casebook.get_case("billing-double-charge"), viewer=viewer)
    code = editor.show_preview()
    editor._preview_ends_at_exit()
    with pytest.raises(NotFound):
        engine.session(code)
    # The store gone first (a server stopping): the kernel still stops; `elan purge` takes the preview later.
    code = editor.show_preview()

    def gone(*_):
        raise OSError("the database is gone")

    monkeypatch.setattr(engine, "discard_preview", gone)
    editor._preview_ends_at_exit()  # raises nothing
