"""The console's shell without a browser: widgets updated in place, one read per redraw, the guide's script."""

from __future__ import annotations

import asyncio
import time

import pytest
from ipywidgets.widgets.widget import _instances

from tests.aio import run
from widgets.core.errors import Conflict, Forbidden
from widgets.live import engine as engine_module
from widgets.ui.board import CardWall
from widgets.ui.dashboard import Dashboard, Phase
from widgets.ui.script import Script

IDEAS = {"kind": "ideas", "id": "ideas", "prompt": {"fr": "Idées", "en": "Ideas"}}
WORDS = [
    "Listening",
    "listening",
    "Speed",
    "Kindness",
    "Honesty",
    "Ownership",
    "Empathy",
    "Clarity",
    "Follow-up",
    "Patience",
    "Respect",
    "Reliability",
    "Courtesy",
    "Simplicity",
    "Transparency",
    "Care",
    "Accuracy",
]


def _wall_dashboard(lang="en"):
    holder = {}

    def build(dash):
        holder["wall"] = CardWall(dash, "ideas")
        return holder["wall"]

    def refresh(dash):
        holder["wall"].update(dash.results("ideas"))

    dash = Dashboard(
        "values",
        [Phase("ideas", {"fr": "Idées", "en": "Ideas"}, spec=lambda d: IDEAS, build=build, refresh=refresh)],
        lang=lang,
    )
    dash.go(0, force=True)
    for word in WORDS:
        _, token = dash.engine.join(dash.code)
        dash.engine.submit(dash.code, token, "ideas", {"text": word})
    dash._reload()  # what the poller does when the phones' answers arrive
    dash.refresh()
    return dash, holder


def test_refreshes_do_not_grow_the_number_of_live_widgets():
    dash, holder = _wall_dashboard()
    dash._reload()
    dash.refresh()
    before = len(_instances)
    for _ in range(50):
        dash._reload()
        dash.refresh()
    assert len(_instances) == before
    # The moderation rows are the same objects: a dropdown or button in use is not replaced under the trainer.
    rows = list(holder["wall"].moderation.children)
    dash.refresh()
    assert list(holder["wall"].moderation.children) == rows
    assert len(rows) == len(WORDS)


def test_a_hidden_card_closes_nothing_but_a_merged_one_closes_its_row():
    dash, holder = _wall_dashboard()
    wall = holder["wall"]
    first = wall.moderation.children[0]
    cards = dash.results("ideas")["cards"]
    dash._act(dash.engine.set_item_status, cards[0]["id"], "hidden")
    assert wall.moderation.children[0] is first
    assert first.children[0].description == dash.t("core.show_card")
    dropped = wall._card_rows[cards[1]["id"]]
    dash._act(dash.engine.merge, [cards[1]["id"]], cards[0]["id"])
    assert dropped not in wall.moderation.children
    assert dropped.comm is None  # closed, not left alive in the kernel


def test_a_click_reads_the_session_once_and_the_poller_does_not_redraw_it_again(monkeypatch):
    dash, _ = _wall_dashboard()
    reads = {"session": 0, "console_view": 0}
    for name in reads:
        original = getattr(dash.engine, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            reads[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(dash.engine, name, counted)
    redraws = []
    monkeypatch.setattr(dash.phase, "_refresh", lambda d, _r=dash.phase._refresh: (redraws.append(1), _r(d)))
    dash.input_toggle.value = False  # the trainer closes answers
    assert reads == {"session": 0, "console_view": 1}
    assert len(redraws) == 1
    # The seen event number followed the click: the poller finds nothing new to redraw.
    assert dash.engine.last_seq(dash.session["id"]) == dash.seq


def test_going_back_to_a_revealed_step_keeps_its_answers_closed():
    dash, _ = _wall_dashboard()
    dash.reveal_toggle.value = True
    # Revealing closes the answers (the bars stop moving); the console says so and offers to reopen.
    assert dash.session["state"]["open"] is False
    assert dash.input_toggle.description == dash.t("core.open_input")
    dash.input_toggle.value = True
    assert dash.session["state"]["open"] is True
    dash.go(0, force=True)  # the same step shown again, as after ◀ then ▶
    assert dash.session["state"]["open"] is False
    assert dash.input_toggle.description == dash.t("core.open_input")


def test_end_and_new_session_wait_for_confirmation_and_an_ended_session_reopens():
    dash, _ = _wall_dashboard()
    code = dash.code
    dash.close_button.click()
    assert dash.session["closed_at"] is None and dash.confirm_bar.layout.display is None
    dash.confirm_no.click()
    assert dash.confirm_bar.layout.display == "none" and dash.session["closed_at"] is None
    dash.close_button.click()
    dash.confirm_yes.click()
    assert dash.session["closed_at"] is not None
    assert dash.reopen_button.layout.display is None and dash.close_button.layout.display == "none"
    assert dash.input_toggle.disabled and dash.timer_button.disabled
    dash.reopen_button.click()
    assert dash.session["closed_at"] is None and dash.code == code
    dash.new_button.click()
    assert dash.code == code  # not yet: asked first
    dash.confirm_yes.click()
    assert dash.code != code
    assert dash.engine.session(code)["closed_at"] is not None


def test_the_console_script_comes_from_the_guide_in_the_session_language():
    for lang, word in (("en", "Brainstorm"), ("fr", "Remue-méninges")):
        script = Script.load("values", lang)
        assert len(script.steps) == 7 and word in script.steps[1].title
        assert script.steps[1].minutes == 10
        assert "![" not in script.steps[0].html and "<script" not in script.steps[0].html
    dash, _ = _wall_dashboard("fr")
    assert "Pourquoi une philosophie" in dash.script_view.value


def test_the_phone_remote_asks_the_console_for_the_next_step():
    titles = [{"fr": f"Étape {i}", "en": f"Step {i}"} for i in range(3)]
    dash = Dashboard("values", [Phase(f"s{i}", t) for i, t in enumerate(titles)], lang="en")
    credential = dash.engine.pair_remote(dash.trainer, dash.code)
    # No console has said it is open yet: a step asked for would never be taken, so it is refused.
    assert dash.engine.remote_view(dash.code, credential)["console_open"] is False
    with pytest.raises(Conflict) as refused:
        dash.engine.remote_action(dash.code, credential, "next")
    assert refused.value.key == "core.error_console_closed"
    dash.engine.remote_action(dash.code, credential, "timer", 60)  # what needs no console still works

    async def one_poll():
        task = asyncio.ensure_future(dash._poll())
        await asyncio.sleep(0.3)
        dash.code, code = None, dash.code  # the loop ends with the session
        await task
        dash.code = code

    run(one_poll())  # the console's live loop marks it open
    assert dash.engine.remote_view(dash.code, credential)["console_open"] is True
    dash.engine.remote_action(dash.code, credential, "next")
    dash.engine.remote_action(dash.code, credential, "next")
    steps = [e["data"]["step"] for e in dash.engine.events_since(dash.session["id"], dash.seq) if e["kind"] == "nav"]
    dash._reload()
    dash.go(dash.index + sum(steps))
    assert dash.index == 2
    assert dash.engine.remote_view(dash.code, credential)["console"]["title"] == "Step 2"


def test_a_console_silent_for_longer_than_the_limit_is_taken_as_closed(monkeypatch):
    dash = Dashboard("values", [Phase("a", {"fr": "A", "en": "A"}), Phase("b", {"fr": "B", "en": "B"})], lang="en")
    credential = dash.engine.pair_remote(dash.trainer, dash.code)
    dash.engine.console_seen(dash.trainer, dash.code)
    dash.engine.remote_action(dash.code, credential, "next")
    later = time.time() + dash.engine.CONSOLE_ALIVE_SECONDS + 1
    monkeypatch.setattr(engine_module.time, "time", lambda: later)
    assert dash.engine.remote_view(dash.code, credential)["console_open"] is False
    with pytest.raises(Conflict):
        dash.engine.remote_action(dash.code, credential, "previous")
    with pytest.raises(Forbidden):  # only the session's trainer marks its console open
        dash.engine.console_seen(None, dash.code)


def test_the_console_lists_participants_removes_one_after_confirming_and_locks_the_session():
    dash, _ = _wall_dashboard()
    code = dash.code
    dash._reload()
    dash._sync_controls()
    ids = [value for _, value in dash.people.options]
    assert len(ids) == len(WORDS) and None not in ids
    assert not dash.remove_button.disabled and not dash.lock_toggle.disabled

    stranger = ids[-1]
    dash.people.value = stranger
    dash.remove_button.click()
    assert dash.engine.participants(dash.trainer, code)[-1]["id"] == stranger, "removed before confirming"
    dash.confirm_yes.click()
    remaining = [p["id"] for p in dash.engine.participants(dash.trainer, code)]
    assert stranger not in remaining and len(remaining) == len(WORDS) - 1
    assert stranger not in [value for _, value in dash.people.options]

    me, token = dash.engine.join(code, name="Zoé")
    dash.lock_toggle.value = True
    assert dash.engine.session(code)["state"].get("locked") is True
    assert dash.lock_toggle.description == dash.t("console.unlock_session")
    with pytest.raises(Conflict) as refused:
        dash.engine.join(code, name="Late")
    assert refused.value.key == "core.error_session_locked"
    again, _ = dash.engine.join(code, token=token)
    assert again["id"] == me["id"]  # those already in come back


def test_a_new_session_starts_from_the_workshop_s_defaults_not_the_last_session_s_settings():
    from widgets.workshops.values import dashboard as values

    dash = values.trainer_dashboard("en")
    ids = [p.id for p in dash.phases]
    dash.go(ids.index("vote"), force=True)
    default, _ = values.vote_settings(dash)
    box = dash.widgets_by_phase["vote"]
    box.budget.value = default + 2
    dash.keep("dots", {"budget": default + 2, "stack": False})  # what "Apply" keeps for this session
    assert values.vote_settings(dash)[0] == default + 2
    old = dash.code
    dash.new_button.click()
    if dash.confirm_bar.layout.display is None:  # a session was running: the console asks first
        dash.confirm_yes.click()
    assert dash.code != old
    dash.go(ids.index("vote"), force=True)
    # Both what the engine uses and what the console shows are the workshop's default again.
    assert values.vote_settings(dash)[0] == default
    assert dash.widgets_by_phase["vote"].budget.value == default
    assert dash.engine.session(dash.code)["state"]["specs"]["vote"]["budget"] == default


def test_reveal_closes_the_answers_of_the_step_shown():
    dash, _ = _wall_dashboard()
    assert dash.session["state"]["open"] is True
    dash.engine.reveal(dash.trainer, dash.code, "ideas")
    dash._reload()
    assert dash.session["state"]["open"] is False
    # Revealing a step that is not the one shown leaves the answers of the one shown alone.
    dash.engine.set_input(dash.trainer, dash.code, True)
    dash.engine.reveal(dash.trainer, dash.code, "another")
    dash._reload()
    assert dash.session["state"]["open"] is True
