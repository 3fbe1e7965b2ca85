"""Retention purge, a participant's erasure and anonymised sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from widgets.core.errors import Forbidden, Invalid, NotFound
from widgets.live import privacy
from widgets.live import store as st

DAY = privacy.DAY


@pytest.fixture
def trainer(engine):
    return engine.authenticate("test-key")


def _workshop(engine, trainer, names=("Ana", "Bea", "Chloé")) -> tuple[str, list[tuple[dict, str]], list[int]]:
    """A session where each participant sent a card and voted on every card."""
    code = engine.create_session(trainer, "brainstorm", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    people = [engine.join(code, name=name) for name in names]
    cards = [engine.submit(code, token, "ideas", {"text": f"idée de {me['name']}"})["id"] for me, token in people]
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": 5})
    for _, token in people:
        for card in cards:
            engine.submit(code, token, "vote", {"item": card, "dots": 1})
    engine.open_activity(
        trainer, code, {"kind": "rate", "id": "rate", "source": "ideas", "criteria": [{"id": "impact"}]}
    )
    for _, token in people:
        engine.submit(code, token, "rate", {"target": str(cards[0]), "criterion": "impact", "score": 4})
    return code, people, cards


def _age(engine, code: str, days: float) -> None:
    """Make a session look ``days`` old: created, changed and closed back then."""
    then = st.now() - days * DAY
    sid = engine.session(code)["id"]
    with engine.store.write() as conn:
        conn.execute(st.sessions.update().where(st.sessions.c.id == sid).values(created_at=then, closed_at=then))
        conn.execute(st.events.update().where(st.events.c.session_id == sid).values(created_at=then))


def _rows(engine, table, sid) -> int:
    with engine.store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.session_id == sid)).scalar_one()


def _seqs(engine, code) -> list[int]:
    return [e["seq"] for e in engine.events_since(engine.session(code)["id"], 0, limit=10_000)]


def test_purge_removes_old_sessions_and_everything_in_them(engine, trainer):
    old, _, _ = _workshop(engine, trainer)
    recent, _, _ = _workshop(engine, trainer)
    old_id, recent_id = engine.session(old)["id"], engine.session(recent)["id"]
    _age(engine, old, 400)
    tables = (st.participants, st.items, st.responses, st.events)
    expected = {t.name: _rows(engine, t, old_id) for t in tables}
    kept = {t.name: _rows(engine, t, recent_id) for t in tables}

    counts = privacy.purge(engine.store, 365)
    assert counts == {"sessions": 1, "names": 0, "previews": 0, **expected}
    with pytest.raises(NotFound):
        engine.session(old)
    assert {t.name: _rows(engine, t, old_id) for t in tables} == dict.fromkeys(kept, 0)
    assert {t.name: _rows(engine, t, recent_id) for t in tables} == kept
    assert privacy.purge(engine.store, 365)["sessions"] == 0


def test_a_session_still_in_use_is_not_purged_for_its_age(engine, trainer):
    code, people, cards = _workshop(engine, trainer)
    sid = engine.session(code)["id"]
    with engine.store.write() as conn:  # created long ago, never closed, used today
        conn.execute(st.sessions.update().where(st.sessions.c.id == sid).values(created_at=st.now() - 400 * DAY))
    assert privacy.old_sessions(engine.store, 365) == []
    assert privacy.old_sessions(engine.store, 365, now=st.now() + 366 * DAY) == [sid]
    assert privacy.purge(engine.store, 365)["sessions"] == 0
    assert engine.session(code)["id"] == sid
    with pytest.raises(Invalid):
        privacy.purge(engine.store, -1)


def test_names_only_keeps_the_anonymous_results(engine, trainer):
    code, people, cards = _workshop(engine, trainer)
    engine.set_option(trainer, code, "show_names", True)
    before = {a: engine.results(code, a) for a in ("vote", "rate")}
    _age(engine, code, 400)

    counts = privacy.purge(engine.store, 365, names_only=True)
    assert counts["sessions"] == 1 and counts["names"] == 3 and counts["participants"] == 0
    session = engine.session(code)
    assert session["names_purged_at"] is not None
    assert session["state"]["anonymous"] is True and session["state"]["show_names"] is False
    with engine.store.read() as conn:
        names = conn.execute(sa.select(st.participants.c.name).where(st.participants.c.session_id == session["id"]))
        assert names.scalars().all() == [None, None, None]
    assert {a: engine.results(code, a) for a in ("vote", "rate")} == before
    assert {c["author"] for c in engine.results(code, "ideas")["cards"]} == {None}
    # The browsers no longer lead to the answers, and no name can come back.
    with pytest.raises(Forbidden):
        engine.participant_state(code, people[0][1])
    assert privacy.purge(engine.store, 365, names_only=True)["sessions"] == 0
    assert _seqs(engine, code) == list(range(1, session["event_seq"] + 1))


def test_anonymizing_a_live_session_keeps_the_room_working(engine, trainer):
    code, people, _ = _workshop(engine, trainer)
    assert privacy.anonymize_session(engine.store, code) == {"names": 3, "devices": 0}
    me, token = people[1]
    state = engine.participant_state(code, token)
    assert state["participant"] == {"id": me["id"], "name": None} and state["session"]["anonymous"] is True
    assert engine.join(code, token=token, name="Bea")[0]["name"] is None
    assert engine.join(code, name="Zoé")[0]["name"] is None
    engine.close_session(trainer, code)
    assert privacy.anonymize_session(engine.store, code) == {"names": 0, "devices": 4}
    with pytest.raises(NotFound):
        privacy.anonymize_session(engine.store, "NOPE22")


def test_forget_participant_deletes_their_data_and_keeps_the_others(engine, trainer):
    code, people, cards = _workshop(engine, trainer)
    other_code, others, _ = _workshop(engine, trainer, names=("Dan",))
    (gone, gone_token), (_stays, stays_token) = people[0], people[1]
    sid = engine.session(code)["id"]
    # A card merged into the leaver's card stands on its own again afterwards.
    engine.merge(trainer, code, [cards[2]], cards[0])
    responses_before = _rows(engine, st.responses, sid)

    counts = privacy.forget_participant(engine.store, code, gone["id"])
    # Their 3 votes and 1 rating, plus the others' 2 votes and 2 ratings on their card.
    assert counts["participants"] == 1 and counts["items"] == 1 and counts["responses"] == 8
    assert _rows(engine, st.responses, sid) == responses_before - 8
    texts = [c["text"] for c in engine.results(code, "ideas")["cards"]]
    assert texts == ["idée de Bea", "idée de Chloé"]
    assert {c["id"]: c["dots"] for c in engine.results(code, "vote")["ranking"]} == {cards[1]: 2, cards[2]: 2}
    assert [t["id"] for t in engine.results(code, "rate")["targets"]] == [str(cards[1]), str(cards[2])]
    with pytest.raises(Forbidden):
        engine.participant_state(code, gone_token)
    assert engine.participant_state(code, stays_token)["participant"]["name"] == "Bea"
    # The feed keeps its numbering, tells dashboards, and holds nothing of theirs.
    events = engine.events_since(sid, 0, limit=10_000)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["kind"] == "forgotten" and events[-1]["data"] == {"items": [cards[0]]}
    assert "idée de Ana" not in st.dumps([e["data"] for e in events])
    assert engine.results(other_code, "ideas")["cards"][0]["text"] == "idée de Dan"
    # The dot spent on the deleted card is free again.
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": 5})
    assert engine.participant_state(code, stays_token)["view"]["mine"] == {cards[1]: 1, cards[2]: 1}
    with pytest.raises(NotFound):
        privacy.forget_participant(engine.store, code, gone["id"])
    with pytest.raises(NotFound):
        privacy.forget_participant(engine.store, code, others[0][0]["id"])  # not of this session


def test_forget_scrubs_card_texts_kept_in_older_events(engine, trainer):
    code, people, cards = _workshop(engine, trainer)
    sid = engine.session(code)["id"]
    # Kits before this one copied the card's text into its "item" event.
    with engine.store.write() as conn:
        for seq, data in conn.execute(
            sa.select(st.events.c.seq, st.events.c.data).where(st.events.c.session_id == sid)
        ).all():
            if data.get("id") == cards[0]:
                conn.execute(
                    st.events.update()
                    .where(st.events.c.session_id == sid, st.events.c.seq == seq)
                    .values(data={**data, "text": "idée de Ana"})
                )
    assert "idée de Ana" in st.dumps([e["data"] for e in engine.events_since(sid, 0, limit=10_000)])
    counts = privacy.forget_participant(engine.store, code, people[0][0]["id"])
    assert counts["events"] == 1
    assert "idée de Ana" not in st.dumps([e["data"] for e in engine.events_since(sid, 0, limit=10_000)])
