"""The day's console on one session: what comes next, the day's answer controls, the remote, a workshop taking over.

Kernel-free: the consoles are built on a real store, as a Voilà kernel builds them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import time

import pytest

import widgets.workshops.day  # noqa: F401
from tests import aio
from widgets.ui.dashboard import Dashboard
from widgets.ui.trainer import Viewer
from widgets.workshops.day import run
from widgets.workshops.day.dashboard import DayDashboard
from widgets.workshops.values import dashboard as values

AGENDA = {
    "start": "09:00",
    "end": "12:30",
    "items": [
        {"kind": "activity", "ref": "wordcloud"},
        {"kind": "break", "ref": "break"},
        {"kind": "workshop", "ref": "values"},
        {"kind": "activity", "ref": "commitment"},
    ],
}


@pytest.fixture
def day(sqlite_engine):
    trainer = sqlite_engine.authenticate("test-key")
    code = sqlite_engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
    run.setup(sqlite_engine, trainer, code, {"dates": [dt.date.today().isoformat()], "agenda": AGENDA})
    viewer = Viewer(sqlite_engine, trainer, "test-key", "fr", False, code, "/", "http://localhost")
    return DayDashboard(viewer=viewer)


def test_next_says_what_it_opens_and_the_day_ends(day):
    engine = day.engine
    assert day.next_button.description == "Élément suivant\u00a0: Ouverture\u00a0: un mot pour un service remarquable"
    day.next_button.click()
    assert engine.session(day.code)["state"]["open"] and day.input_toggle.value and not day.input_toggle.disabled
    assert day.next_button.description == "Élément suivant\u00a0: Pause"
    day.next_button.click()
    state = engine.session(day.code)["state"]
    assert state["specs"][state["activity"]]["kind"] == "pause" and not state["open"]
    assert day.input_toggle.disabled and day.reveal_toggle.disabled  # nothing to answer during a break
    day.next_button.click()
    day.next_button.click()
    assert day.next_button.description == "Terminer la journée"
    day.next_button.click()
    assert engine.session(day.code)["state"]["activity"] == "day-end" and day.next_button.disabled
    assert day.end_box.layout.display == "" and "Et maintenant" in day.after.value
    # Closing the session asks first, and says what it does.
    day.close_button.click()
    assert day.confirm_bar.layout.display == "" and day.code in day.confirm_text.value
    day.confirm_no.click()
    assert engine.session(day.code)["closed_at"] is None
    day.close_button.click()
    day.confirm_yes.click()
    assert engine.session(day.code)["closed_at"] is not None and "Session clôturée" in day.now.value


def test_reveal_closes_the_answers_of_a_day_activity(day):
    engine = day.engine
    day.next_button.click()
    _, token = engine.join(day.code, name="Zoé")
    activity = engine.session(day.code)["state"]["activity"]
    engine.submit(day.code, token, activity, {"text": "écoute"})
    day.reveal_toggle.value = True
    state = engine.session(day.code)["state"]
    assert activity in state["revealed"] and not state["open"] and not day.input_toggle.value
    assert engine.stage_view(day.code)["view"]["results"]["words"][0]["text"] == "écoute"
    day.input_toggle.value = True  # answers reopen only when the trainer says so
    assert engine.session(day.code)["state"]["open"]
    day.join_toggle.value = False
    assert engine.stage_view(day.code)["join"] is False or engine.counts(day.code)["joined"] == 0


def test_the_phone_remote_moves_the_day(day):
    engine = day.engine
    day.next_button.click()
    day.pair_button.click()
    credential = day._remote_url.split("#", 1)[1]
    day._follow_remote()  # the console says it is open
    engine.remote_action(day.code, credential, "next")
    day._follow_remote()
    assert run.status(engine, day.code)["current"] == 1
    assert engine.remote_view(day.code, credential)["console"]["title"] == "Pause"
    engine.remote_action(day.code, credential, "previous")
    day._follow_remote()
    assert run.status(engine, day.code)["current"] == 0


def test_a_workshop_opens_its_first_step_on_the_days_session_and_leaves_breaks_to_the_day(day):
    engine = day.engine
    day.next_button.click()
    day.next_button.click()
    day.next_button.click()  # the values workshop: its title on the phones
    assert engine.session(day.code)["state"]["phase"] == "agenda-2"
    # Another workshop's console opened early (to prepare) does not take the room.
    metrics_module = importlib.import_module("widgets.workshops.metrics.dashboard")
    early = Dashboard(metrics_module.WORKSHOP, metrics_module.phases(), viewer=day.viewer)
    assert early.code == day.code and engine.session(day.code)["state"]["phase"] == "agenda-2"
    console = Dashboard(values.WORKSHOP, values.phases(), viewer=day.viewer)
    assert console.code == day.code  # the link carries the day's code: the same session, the same phones
    state = engine.session(day.code)["state"]
    assert state["phase"] == console.phases[0].id and state["activity"] != "agenda-2-values"
    # The day's console ends the day: the workshop's console offers neither "End" nor "New session" on it.
    assert console.close_button.layout.display == "none" and console.new_button.layout.display == "none"
    # The day's next item is a day's phase again: the workshop's console leaves a remote's "next" to the day.
    day.next_button.click()
    credential = engine.pair_remote(day.trainer, day.code)
    engine.console_seen(day.trainer, day.code)
    engine.remote_action(day.code, credential, "next")

    async def poll_a_while():
        task = asyncio.ensure_future(console._poll())
        await asyncio.sleep(1.0)
        console.code = None  # ends the poller's loop
        await task

    aio.run(poll_a_while())
    assert engine.session(day.code)["state"]["phase"] == "agenda-3"
    day._follow_remote()
    assert run.status(engine, day.code)["ended"] and engine.session(day.code)["state"]["activity"] == "day-end"


def test_lateness_and_the_projected_end_are_redrawn_every_minute_without_an_event(day, monkeypatch):
    day.next_button.click()  # the opener, planned for 7 minutes
    started = time.time()
    shown = []
    for minutes in (10, 11):
        monkeypatch.setattr(time, "time", lambda m=minutes: started + m * 60)
        seq = day.engine.session(day.code)["event_seq"]
        day.refresh()  # what the poller calls: no event since, only the clock moved
        assert day.engine.session(day.code)["event_seq"] == seq
        state = run.status(day.engine, day.code)
        late = state["late"]
        text = (
            day.t("day.behind", n=late) if late > 0 else day.t("day.ahead", n=-late) if late else day.t("day.on_time")
        )
        assert text in day.now.value and state["projected_end"] in day.now.value
        shown.append((late, state["projected_end"]))
    assert shown[1][0] == shown[0][0] + 1 and shown[0][1] != shown[1][1]


def test_next_on_the_remote_at_a_workshops_last_step_moves_the_day_on(day):
    """Every workshop ends on the five-practices step; there, the remote's next is the day's."""
    engine = day.engine
    for _ in range(3):
        day.next_button.click()  # the values workshop
    console = Dashboard(values.WORKSHOP, values.phases(), viewer=day.viewer)
    console.go(len(console.phases) - 1)
    credential = engine.pair_remote(day.trainer, day.code)
    engine.console_seen(day.trainer, day.code)
    before = console.index
    engine.remote_action(day.code, credential, "next")
    day._follow_remote()
    assert run.status(engine, day.code)["current"] == 3
    assert engine.session(day.code)["state"]["activity"] == "commitment" and console.index == before


@pytest.mark.parametrize("workshop", ["values", "metrics", "cases", "week"])
def test_every_workshop_plays_on_the_days_session_and_its_console_outlives_the_workshop(sqlite_engine, workshop):
    """Each workshop's console opens its steps on the day's session; left open as the day moves on, it keeps going."""
    module = importlib.import_module(f"widgets.workshops.{workshop}.dashboard")
    trainer = sqlite_engine.authenticate("test-key")
    code = sqlite_engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
    agenda = {
        "start": "09:00",
        "items": [{"kind": "workshop", "ref": workshop}, {"kind": "break", "ref": "break"}],
    }
    run.setup(sqlite_engine, trainer, code, {"dates": [dt.date.today().isoformat()], "agenda": agenda})
    viewer = Viewer(sqlite_engine, trainer, "test-key", "fr", False, code, "/", "http://localhost")
    day = DayDashboard(viewer=viewer)
    _, token = sqlite_engine.join(code, name="Zoé")
    day.next_button.click()
    console = Dashboard(module.WORKSHOP, module.phases(), viewer=viewer)
    for index in range(len(console.phases)):
        console.go(index)
        phone = sqlite_engine.participant_state(code, token)
        assert phone["session"]["phase"] == console.phases[index].id and phone["session"]["code"] == code
        assert console.message.value == "", (index, console.message.value)
    day.next_button.click()  # the break, while the workshop's console is still open
    console._reload()
    console._sync_controls()
    console.refresh()
    assert console.message.value == ""
    assert sqlite_engine.participant_state(code, token)["activity"]["kind"] == "pause"
