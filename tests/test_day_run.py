"""The training day on its one session: each item opens on it, a break closes answers, the day ends."""

from __future__ import annotations

import datetime as dt

import pytest

import widgets.workshops.day  # noqa: F401
from widgets.core.errors import Conflict, Forbidden, Invalid
from widgets.workshops.day import run

AGENDA = {
    "start": "09:00",
    "end": "12:30",
    "items": [
        {"kind": "activity", "ref": "wordcloud"},
        {"kind": "break", "ref": "break"},
        {"kind": "workshop", "ref": "values"},
        {"kind": "break", "ref": "lunch"},
        {"kind": "activity", "ref": "commitment"},
    ],
}


def _day(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
    run.setup(engine, trainer, code, {"dates": [dt.date.today().isoformat()], "agenda": AGENDA})
    _, token = engine.join(code, name="Zoé")
    return trainer, code, token


def test_a_break_closes_answers_and_shows_the_break_screen(engine):
    trainer, code, token = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    phone = engine.participant_state(code, token)
    assert phone["activity"]["kind"] == "cloud" and phone["open"]
    cloud = phone["activity"]["id"]
    engine.submit(code, token, cloud, {"text": "écoute"})

    run.goto(engine, trainer, code, {"index": 1})
    phone = engine.participant_state(code, token)
    stage = engine.stage_view(code)
    for view in (phone, stage):
        assert view["activity"]["kind"] == "pause" and view["open"] is False
        assert view["activity"]["title"]["fr"] == "Pause" and view["activity"]["title"]["en"] == "Break"
        assert view["activity"]["resume"]["fr"].startswith("Reprise à ")
        assert view["activity"]["next"]["fr"] == "Ensuite\u00a0: Nos valeurs de service, votées en direct"
        # The countdown: the break's 15 minutes.
        assert view["timer"]["seconds"] == 15 * 60
    assert stage["session"]["code"] == phone["session"]["code"] == code  # one code, one stage
    with pytest.raises(Conflict):
        engine.submit(code, token, cloud, {"text": "sourire"})  # answers are closed under the break
    assert [w["text"] for w in engine.results(code, cloud)["words"]] == ["écoute"]


def test_lunch_says_what_follows_and_its_countdown(engine):
    trainer, code, token = _day(engine)
    run.goto(engine, trainer, code, {"index": 3})
    view = engine.participant_state(code, token)
    assert view["activity"]["title"]["fr"] == "Déjeuner" and view["timer"]["seconds"] == 60 * 60
    assert "Clôture" in view["activity"]["next"]["fr"]
    # The next item stops the break's countdown and opens its activity, answers open.
    run.goto(engine, trainer, code, {"index": 4})
    view = engine.participant_state(code, token)
    assert view["activity"]["kind"] == "commitment" and view["open"] and view["timer"] is None


def test_a_workshop_item_closes_the_last_answers_and_shows_its_title(engine):
    trainer, code, token = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    state = run.goto(engine, trainer, code, {"index": 2})
    view = engine.participant_state(code, token)
    assert view["activity"]["kind"] == "info" and not view["open"]
    assert view["activity"]["title"]["en"] == "Our service values, voted live"
    assert view["session"]["phase"] == "agenda-2"
    assert state["current"] == 2 and state["next"] == 3


def test_the_day_ends_on_its_session_and_can_still_be_filed(engine):
    trainer, code, token = _day(engine)
    run.goto(engine, trainer, code, {"index": 4})
    assert run.status(engine, code)["next"] is None and not run.status(engine, code)["ended"]
    state = run.end_day(engine, trainer, code)
    view = engine.participant_state(code, token)
    assert state["ended"] and view["activity"]["id"] == "day-end" and not view["open"]
    assert view["activity"]["title"]["fr"] == "Fin de la journée"
    assert engine.session(code)["closed_at"] is None  # attendance can still be validated
    # Going back into the day takes the end back.
    run.goto(engine, trainer, code, {"index": 4})
    assert not run.status(engine, code)["ended"]


@pytest.mark.parametrize("index", [True, -1, 5, "1", None])
def test_goto_refuses_a_bad_index(engine, index):
    trainer, code, _ = _day(engine)
    with pytest.raises(Invalid):
        run.goto(engine, trainer, code, {"index": index})


def test_only_the_trainer_ends_the_day(engine):
    _, code, _ = _day(engine)
    with pytest.raises(Forbidden):
        run.end_day(engine, None, code)


def test_the_phone_remote_drives_the_day(engine):
    """The remote's next reaches the day's console (a nav event) and shows the item and what follows."""
    trainer, code, _ = _day(engine)
    credential = engine.pair_remote(trainer, code)
    run.goto(engine, trainer, code, {"index": 1})
    view = engine.remote_view(code, credential)
    assert view["console"] == {
        "index": 2,
        "total": 5,
        "title": "Pause",
        "line": "Élément suivant\u00a0: Nos valeurs de service, votées en direct",
    }
    assert view["timer"]["seconds"] == 15 * 60 and not view["open"]
    engine.console_seen(trainer, code)
    seq = engine.session(code)["event_seq"]
    engine.remote_action(code, credential, "next")
    assert [e["data"] for e in engine.events_since(engine.session(code)["id"], seq) if e["kind"] == "nav"] == [
        {"step": 1}
    ]
