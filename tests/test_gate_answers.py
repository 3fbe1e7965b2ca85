"""Answers cannot open on a step that takes none (a break, a message), by any way in.

Opened there, the stage would say "answers open" while nothing can be sent: the engine
refuses it for the console (``set_input``), the phone remote (``remote_action``) and the
HTTP API alike, and the remote's view says the step takes no answers.
"""

from __future__ import annotations

import datetime as dt

import pytest

import widgets.workshops.day  # noqa: F401
from widgets.core.errors import Conflict
from widgets.core.settings import Settings
from widgets.live import kinds
from widgets.live.engine import Engine
from widgets.workshops.day import run

AGENDA = {
    "start": "09:00",
    "end": "12:00",
    "items": [{"kind": "activity", "ref": "wordcloud"}, {"kind": "break", "ref": "break"}],
}


def _day_on_break(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
    run.setup(engine, trainer, code, {"dates": [dt.date.today().isoformat()], "agenda": AGENDA})
    run.goto(engine, trainer, code, {"index": 1})
    return trainer, code


def test_the_kinds_say_whether_they_take_answers():
    assert not kinds.get("pause").takes_answers() and not kinds.get("info").takes_answers()
    assert kinds.get("cloud").takes_answers() and kinds.get("ideas").takes_answers()


def test_answers_do_not_open_on_a_break_from_the_console_or_the_remote(engine):
    trainer, code = _day_on_break(engine)
    credential = engine.pair_remote(trainer, code)
    assert engine.session(code)["state"]["specs"][engine.session(code)["state"]["activity"]]["kind"] == "pause"
    seq = engine.session(code)["event_seq"]
    with pytest.raises(Conflict) as console:
        engine.set_input(trainer, code, True)
    assert console.value.key == "core.error_no_answers_here"
    with pytest.raises(Conflict) as remote:
        engine.remote_action(code, credential, "input", True)
    assert remote.value.key == "core.error_no_answers_here"
    # Nothing changed, nothing was announced; closing stays allowed (it changes nothing).
    assert not engine.session(code)["state"]["open"] and engine.session(code)["event_seq"] == seq
    engine.set_input(trainer, code, False)
    engine.remote_action(code, credential, "input", False)
    view = engine.remote_view(code, credential)
    assert view["answers"] is False and view["open"] is False


def test_a_message_step_shown_open_is_not_open_and_an_answer_step_still_opens(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "info", "id": "welcome", "title": "Bienvenue"})
    assert engine.session(code)["state"]["open"] is False
    with pytest.raises(Conflict):
        engine.set_input(trainer, code, True)
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"}, open=False)
    engine.set_input(trainer, code, True)
    assert engine.session(code)["state"]["open"] is True
    assert engine.remote_view(code, engine.pair_remote(trainer, code))["answers"] is True


def test_the_remote_s_http_api_refuses_opening_answers_on_a_break(elan_server):
    settings = Settings(data_dir=str(elan_server.data_dir), trainer_key=elan_server.key)
    engine = Engine.from_settings(settings)
    try:
        trainer = engine.authenticate(elan_server.key)
        code = engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
        run.setup(engine, trainer, code, {"dates": [dt.date.today().isoformat()], "agenda": AGENDA})
        run.goto(engine, trainer, code, {"index": 1})
        credential = engine.pair_remote(trainer, code)
    finally:
        engine.store.dispose()
    headers = {"X-Elan-Remote": credential, "Accept-Language": "en"}
    # (?lang: the shared client may hold another test's language cookie, which outranks Accept-Language)
    r = elan_server.api("POST", f"s/{code}/remote?lang=en", json={"action": "input", "value": True}, headers=headers)
    assert r.status_code == 409, r.text
    assert r.json()["message"] == "This step takes no answers (a break or a message): there is nothing to open."
    # The trainer's own API (the console's way in) is refused the same way.
    r = elan_server.api("POST", f"s/{code}/trainer/input", json={"open": True}, headers=elan_server.trainer_headers)
    assert r.status_code == 409
    view = elan_server.api("GET", f"s/{code}/remote", headers=headers).json()
    assert view["open"] is False and view["answers"] is False
