"""Schema upgrades: a version 1 store with data in it is upgraded to version 2, nothing lost."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from widgets.core import codes
from widgets.live import store as st
from widgets.live.engine import Engine
from widgets.live.migrations import schema_at
from widgets.live.store import Store

V1_TABLES = ("trainers", "sessions", "participants", "items", "responses", "events")


def _build_v1(url: str, monkeypatch) -> Store:
    """A store made by migration 1 only, as a kit of schema version 1 left it."""
    with monkeypatch.context() as patch:
        patch.setattr(st, "SCHEMA_VERSION", 1)
        store = Store(url)
    assert store.version() == 1
    return store


def _fill_v1(store: Store) -> dict:
    """Rows written with the version 1 tables: two sessions, participants, cards, votes, events."""
    t = schema_at(1).tables
    tokens = {}
    with store.write() as conn:
        conn.execute(
            t["trainers"].insert().values(name="Aline", secret_hash="scrypt$x", is_admin=False, created_at=1.0)
        )
        for n, code in enumerate(("ABCDEF", "GHJKMN"), start=1):
            spec_ideas = {"kind": "ideas", "id": "ideas"}
            spec_dots = {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3}
            state = {
                "phase": "vote",
                "activity": "vote",
                "open": True,
                "revealed": [],
                "timer": None,
                "specs": {"ideas": spec_ideas, "vote": spec_dots},
                "show_names": False,
                "anonymous": False,
                "data": {},
            }
            conn.execute(
                t["sessions"]
                .insert()
                .values(
                    id=n,
                    code=code,
                    workshop="brainstorm",
                    mode="live",
                    lang="fr",
                    owner="Aline",
                    title=f"Atelier {n}",
                    state=state,
                    event_seq=2,
                    created_at=100.0 * n,
                )
            )
            for p in (1, 2):
                pid = n * 10 + p
                tokens[pid] = codes.new_token()
                conn.execute(
                    t["participants"]
                    .insert()
                    .values(
                        id=pid,
                        session_id=n,
                        token_hash=codes.token_hash(tokens[pid]),
                        name=f"Léa {pid}",
                        created_at=1.0,
                        last_seen=1.0,
                    )
                )
                conn.execute(
                    t["items"]
                    .insert()
                    .values(
                        id=pid,
                        session_id=n,
                        activity="ideas",
                        participant_id=pid,
                        text=f"Écoute {pid}",
                        data={},
                        status="visible",
                        merged_into=None,
                        created_at=1.0,
                    )
                )
                conn.execute(
                    t["responses"]
                    .insert()
                    .values(session_id=n, participant_id=pid, activity="vote", key=str(pid), value=1, updated_at=1.0)
                )
            for seq in (1, 2):
                conn.execute(
                    t["events"]
                    .insert()
                    .values(session_id=n, seq=seq, kind="vote", data={"item": seq}, public=False, created_at=1.0)
                )
    return tokens


def _dump(store: Store) -> dict:
    tables = schema_at(1).tables
    with store.read() as conn:
        return {
            name: sorted(st.dumps(dict(row._mapping)) for row in conn.execute(sa.select(tables[name])))
            for name in V1_TABLES
        }


def test_v1_schema_has_no_v2_parts(db_url, monkeypatch):
    store = _build_v1(db_url, monkeypatch)
    inspector = sa.inspect(store.engine)
    assert "names_purged_at" not in {c["name"] for c in inspector.get_columns("sessions")}
    assert "ix_items_participant_created" not in {i["name"] for i in inspector.get_indexes("items")}
    store.dispose()


def test_the_version_before_the_lrs_queue_has_none_and_its_own_adds_it(db_url, monkeypatch):
    since = st.lrs_queue.info["since"]
    with monkeypatch.context() as patch:
        patch.setattr(st, "SCHEMA_VERSION", since - 1)
        old = Store(db_url)
    assert not sa.inspect(old.engine).has_table("lrs_queue")
    old.dispose()
    store = Store(db_url)
    assert store.version() == st.SCHEMA_VERSION
    inspector = sa.inspect(store.engine)
    assert {c["name"] for c in inspector.get_columns("lrs_queue")} == {c.name for c in st.lrs_queue.c}
    assert "ix_lrs_queue_due" in {i["name"] for i in inspector.get_indexes("lrs_queue")}
    store.dispose()


def test_upgrade_from_v1_keeps_every_row(db_url, monkeypatch, settings):
    old = _build_v1(db_url, monkeypatch)
    tokens = _fill_v1(old)
    before = _dump(old)
    old.dispose()

    store = Store(db_url)  # opening the store upgrades it
    assert store.version() == st.SCHEMA_VERSION
    assert _dump(store) == before
    with store.read() as conn:
        purged = conn.execute(sa.select(st.sessions.c.names_purged_at)).scalars().all()
    assert purged == [None, None]

    # The upgraded schema is the one a new store gets: same columns, same indexes.
    inspector = sa.inspect(store.engine)
    for table in st.metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}
        assert {i["name"] for i in inspector.get_indexes(table.name)} >= {i.name for i in table.indexes}

    # The old session still works: the old participant keeps their identity and votes.
    engine = Engine(store, settings)
    state = engine.participant_state("ABCDEF", tokens[11])
    assert state["participant"]["name"] == "Léa 11"
    assert state["view"]["mine"] == {11: 1}
    engine.submit("ABCDEF", tokens[11], "vote", {"item": 12, "dots": 1})
    ranking = {card["id"]: card["dots"] for card in engine.results("ABCDEF", "vote")["ranking"]}
    assert ranking == {11: 1, 12: 2}
    assert [e["seq"] for e in engine.events_since(1, 0)] == [1, 2, 3]
    store.dispose()


def test_upgrade_is_idempotent_and_refuses_a_newer_store(db_url):
    store = Store(db_url)
    assert store.upgrade() == []
    with store.write() as conn:
        conn.execute(
            st.schema_meta.update().where(st.schema_meta.c.key == "version").values(value=str(st.SCHEMA_VERSION + 1))
        )
    with pytest.raises(RuntimeError, match="newer than this kit"):
        Store(db_url)
    store.dispose()


def test_two_processes_upgrading_at_once_apply_version_2_once(db_url, monkeypatch):
    _build_v1(db_url, monkeypatch).dispose()
    stores = [Store(db_url, create=False) for _ in range(2)]
    applied, errors = [], []
    barrier = threading.Barrier(2)

    def run(store):
        try:
            barrier.wait()
            applied.append(store.upgrade())
        except Exception as error:  # collected: a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Each version applied once, by one process or the other (with several versions to apply,
    # the second process may take a later one while the first commits the one before).
    assert sorted(v for versions in applied for v in versions) == list(range(2, st.SCHEMA_VERSION + 1))
    assert stores[0].version() == st.SCHEMA_VERSION
    for store in stores:
        store.dispose()
