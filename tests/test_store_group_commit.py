"""Group commit: many answers in one transaction, each told its outcome only once it is committed.

On SQLite and PostgreSQL (the ``engine`` fixture runs each test on both). A budget of
dots is checked answer by answer, in order, even when a batch holds many; a refused
answer is refused alone; a failed commit acknowledges nobody.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from widgets.core.errors import Conflict, EngineError, Forbidden, Invalid
from widgets.live import store as st
from widgets.live.batch import GroupCommit
from widgets.live.engine import Engine
from widgets.live.store import Store

CARDS, BUDGET = 8, 3


def _room(engine, participants: int) -> tuple[str, list[int], list[str]]:
    """A session voting dots (``BUDGET`` each) on ``CARDS`` cards, and the participants' tokens."""
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "brainstorm", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    cards = [engine.add_item(trainer, code, "ideas", f"carte {n}") for n in range(CARDS)]
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": BUDGET})
    tokens = [engine.join(code)[1] for _ in range(participants)]
    return code, cards, tokens


def _votes_of(engine, code: str) -> dict[int, set[int]]:
    """Participant id -> voted cards."""
    r = st.responses
    with engine.store.read() as conn:
        rows = conn.execute(
            sa.select(r.c.participant_id, r.c.key, r.c.value).where(
                r.c.session_id == engine.session(code)["id"], r.c.activity == "vote"
            )
        )
        out: dict[int, set[int]] = {}
        for row in rows:
            if row.value == 1:  # a JSON value: compared here, the same way on both stores
                out.setdefault(row.participant_id, set()).add(int(row.key))
        return out


class _Commits:
    """Counts the store's commits; can refuse them, and notes which answers were told before each."""

    def __init__(self, engine):
        self.engine = engine.store.engine
        self.count = 0
        self.refuse_from: int | None = None
        self.watched: list[Future] = []
        self.told_before: list[int] = []

    def __call__(self, _conn) -> None:
        self.count += 1
        self.told_before.append(sum(f.done() for f in self.watched))
        if self.refuse_from is not None and self.count >= self.refuse_from:
            raise CommitRefused("the disk is full")

    def __enter__(self):
        event.listen(self.engine, "commit", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "commit", self)


class CommitRefused(Exception):
    pass


def _held(engine) -> tuple[GroupCommit, threading.Event]:
    """A group committer whose writer waits, inside its first transaction, until the event is set:
    everything submitted meanwhile is queued and committed together in the next batch."""
    group = GroupCommit(engine.store)
    inside, release = threading.Event(), threading.Event()

    def hold(_conn) -> None:
        inside.set()
        assert release.wait(30)

    group.submit(hold)
    assert inside.wait(30)
    return group, release


@pytest.mark.slow
def test_concurrent_voters_never_exceed_the_budget_and_each_acknowledged_vote_is_stored(engine):
    code, cards, tokens = _room(engine, participants=24)
    acked: dict[str, list[int]] = {t: [] for t in tokens}
    refused: dict[str, list[str]] = {t: [] for t in tokens}
    start = threading.Barrier(len(tokens))

    def voter(token: str) -> None:
        start.wait()
        # A phone tapping every card as fast as it can: all its votes queued at once, in this order.
        futures = [(card, engine.submit_grouped(code, token, "vote", {"item": card, "dots": 1})) for card in cards]
        for card, future in futures:
            try:
                result = future.result(timeout=120)
            except Conflict as refusal:
                refused[token].append(refusal.key)
            else:
                assert result["changed"]
                acked[token].append(card)

    with _Commits(engine) as commits:
        threads = [threading.Thread(target=voter, args=(t,)) for t in tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    engine.close_group()

    # Grouped: far fewer transactions than votes.
    assert commits.count < len(tokens) * CARDS / 2
    stored = _votes_of(engine, code)
    by_token = {t: engine.participant_state(code, t, touch=False)["participant"]["id"] for t in tokens}
    for token, participant in by_token.items():
        # The budget is checked in each phone's order: its first BUDGET taps count, the rest are refused.
        assert acked[token] == cards[:BUDGET]
        assert refused[token] == ["core.error_no_dots_left"] * (CARDS - BUDGET)
        assert stored[participant] == set(acked[token])
    ranking = {c["id"]: c["dots"] for c in engine.results(code, "vote")["ranking"] if c["dots"]}
    assert ranking == dict.fromkeys(cards[:BUDGET], len(tokens))


def _outcome(call, cards: list[int]):
    """An answer's outcome, with card ids as their place among the cards (two sessions compare)."""
    place = {card: n for n, card in enumerate(cards)}
    try:
        result = call()
    except EngineError as refusal:
        return type(refusal).__name__, refusal.key, refusal.values
    view = result["view"]
    return (
        result["changed"],
        result["seq"],
        {place[k]: v for k, v in result["mine"].items()},
        [(place[c["id"]], c["text"]) for c in view["cards"]],
        {place[k]: v for k, v in view["mine"].items()},
        view["budget"],
    )


def _script(cards: list[int], tokens: list[str]) -> list[tuple[str, str, dict]]:
    """Answers that mix accepted and refused ones: over budget, an unknown card, a stranger, the wrong activity."""
    a, b, c = tokens
    return [
        (a, "vote", {"item": cards[0], "dots": 1}),
        (b, "vote", {"item": cards[0], "dots": 1}),
        (a, "vote", {"item": cards[1], "dots": 1}),
        (a, "vote", {"item": cards[1], "dots": 1}),  # the same again: accepted, changes nothing
        (a, "vote", {"item": cards[2], "dots": 1}),
        (a, "vote", {"item": cards[3], "dots": 1}),  # a fourth dot: over budget
        (b, "vote", {"item": 10**9, "dots": 1}),  # no such card
        ("not-a-participant", "vote", {"item": cards[4], "dots": 1}),
        (c, "ideas", {"text": "trop tard"}),  # not the open activity
        (a, "vote", {"item": cards[0], "dots": 0}),  # taking one back
        (a, "vote", {"item": cards[3], "dots": 1}),  # now it fits
        (b, "vote", {"item": cards[5], "dots": 2}),  # one dot per card
        (c, "vote", {"item": cards[5], "dots": 1}),
    ]


def test_a_batch_gives_the_outcomes_of_serial_submits_and_refuses_each_refusal_alone(engine):
    serial_code, serial_cards, serial_tokens = _room(engine, participants=3)
    serial = [
        _outcome(lambda t=t, a=a, p=p: engine.submit(serial_code, t, a, p), serial_cards)
        for t, a, p in _script(serial_cards, serial_tokens)
    ]

    code, cards, tokens = _room(engine, participants=3)
    script = _script(cards, tokens)
    group, release = _held(engine)
    futures = [group.submit(engine.submit_in, code, t, a, p, key=code) for t, a, p in script]
    with _Commits(engine) as commits:
        commits.watched = futures
        release.set()
        grouped = [_outcome(lambda f=f: f.result(timeout=30), cards) for f in futures]
    group.close()

    assert commits.count == 2  # the held transaction, then all the answers in one
    assert commits.told_before == [0, 0]  # nobody was answered before their commit
    assert grouped == serial
    kinds = [o[0] for o in grouped]
    assert kinds.count("Conflict") == 3 and kinds.count("Invalid") == 1 and kinds.count("Forbidden") == 1
    a, b, c = _participant_ids(engine, code, tokens)
    assert _votes_of(engine, code) == {a: {cards[1], cards[2], cards[3]}, b: {cards[0]}, c: {cards[5]}}
    events = engine.events_since(engine.session(code)["id"], 0, limit=1000)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


def _participant_ids(engine, code: str, tokens: list[str]) -> list[int]:
    return [engine.participant_state(code, t, touch=False)["participant"]["id"] for t in tokens]


def test_a_failed_commit_acknowledges_no_vote_and_stores_none(engine):
    code, cards, tokens = _room(engine, participants=4)
    before = engine.session(code)["event_seq"]
    group, release = _held(engine)
    futures = [
        group.submit(engine.submit_in, code, token, "vote", {"item": card, "dots": 1}, key=code)
        for token in tokens
        for card in cards[:2]
    ]
    with _Commits(engine) as commits:
        commits.watched = futures
        commits.refuse_from = 2  # the held transaction commits; the answers' one fails
        release.set()
        for future in futures:
            with pytest.raises(CommitRefused):
                future.result(timeout=30)
    assert commits.told_before == [0, 0]
    assert _votes_of(engine, code) == {}
    assert engine.session(code)["event_seq"] == before

    # The writer lives on: the same votes sent again are stored and acknowledged.
    again = [group.submit(engine.submit_in, code, tokens[0], "vote", {"item": cards[0], "dots": 1}, key=code)]
    assert again[0].result(timeout=30)["changed"]
    group.close()
    assert list(_votes_of(engine, code).values()) == [{cards[0]}]


def test_an_answer_given_up_before_its_turn_is_neither_run_nor_stored(engine):
    code, cards, tokens = _room(engine, participants=1)
    group, release = _held(engine)
    dropped = group.submit(engine.submit_in, code, tokens[0], "vote", {"item": cards[0], "dots": 1}, key=code)
    kept = group.submit(engine.submit_in, code, tokens[0], "vote", {"item": cards[1], "dots": 1}, key=code)
    assert dropped.cancel()  # the phone's request closed while it waited
    release.set()
    assert kept.result(timeout=30)["mine"] == {cards[1]: 1}
    group.close()
    assert list(_votes_of(engine, code).values()) == [{cards[1]}]


def test_submit_grouped_refuses_a_payload_that_is_not_an_object_at_once(engine):
    code, _cards, tokens = _room(engine, participants=1)
    with pytest.raises(Invalid):
        engine.submit_grouped(code, tokens[0], "vote", ["not", "an", "object"])
    with pytest.raises(Forbidden):
        engine.submit_grouped(code, "nobody", "vote", {"item": 1, "dots": 1}).result(timeout=30)
    engine.close_group()


@pytest.mark.postgres
def test_noting_live_pages_passes_over_a_participant_whose_answer_is_being_written(pg_url, settings):
    """A batch of answers holds its participants' rows until it commits; the server's periodic
    'seen' write must not wait for one of them while holding another (two writers waiting on each
    other is a deadlock, which PostgreSQL breaks by failing one: a whole batch of votes)."""
    engine = Engine(Store(pg_url), settings)
    code, _cards, tokens = _room(engine, participants=2)
    a, b = _participant_ids(engine, code, tokens)
    p = st.participants
    with engine.store.write() as conn:
        conn.execute(p.update().where(p.c.id == a).values(last_seen=0))  # as an answer in a batch does
        noting = threading.Thread(target=engine.touch_many, args=([a, b],))
        noting.start()
        noting.join(timeout=30)
        waited = noting.is_alive()
    noting.join()
    engine.store.dispose()
    assert not waited
    with Store(pg_url, create=False).read() as conn:
        seen = dict(conn.execute(sa.select(p.c.id, p.c.last_seen)).all())
    assert seen[a] == 0 and seen[b] > 0


def test_a_call_that_raises_system_exit_fails_its_batch_and_the_writer_goes_on(engine):
    group = GroupCommit(engine.store)

    def leave(_conn):
        raise SystemExit("a call that ends its thread")

    with pytest.raises(SystemExit):
        group.submit(leave).result(timeout=30)
    code, cards, tokens = _room(engine, participants=1)
    vote = group.submit(engine.submit_in, code, tokens[0], "vote", {"item": cards[0], "dots": 1}, key=code)
    assert vote.result(timeout=30)["changed"]
    group.close()


@pytest.mark.slow
def test_two_processes_grouping_their_own_votes_never_exceed_a_budget(engine, settings):
    """Two servers on one store (two engines, two connection pools), each with its own group
    committer, taking the same phones' votes at once: the session's lock keeps them in turn."""
    code, cards, tokens = _room(engine, participants=12)
    other = Engine(Store(engine.store.url, create=False), settings)
    servers = [engine, other]
    start = threading.Barrier(len(tokens))
    answers: list[tuple[str, int, bool]] = []
    lock = threading.Lock()

    def phone(token: str) -> None:
        start.wait()
        # A phone whose requests a load balancer spreads over both servers.
        futures = [
            (card, servers[n % 2].submit_grouped(code, token, "vote", {"item": card, "dots": 1}))
            for n, card in enumerate(cards)
        ]
        for card, future in futures:
            try:
                accepted = future.result(timeout=120)["changed"]
            except Conflict as refusal:
                assert refusal.key == "core.error_no_dots_left"
                accepted = False
            with lock:
                answers.append((token, card, accepted))

    threads = [threading.Thread(target=phone, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for server in servers:
        server.close_group()
    other.store.dispose()

    stored = _votes_of(engine, code)
    for token, participant in zip(tokens, _participant_ids(engine, code, tokens)):
        accepted = {card for t, card, ok in answers if t == token and ok}
        assert len(accepted) == BUDGET
        assert stored[participant] == accepted
