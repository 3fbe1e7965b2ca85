"""Many writers at once, and a writer killed mid-vote: no vote lost, none doubled, the feed whole.

Writers are separate processes (as the server's and the dashboards' kernels are),
each with threads sharing its store, on SQLite and on PostgreSQL. A writer prints
a line for each vote only after ``submit`` has returned, i.e. after the commit;
the test holds the store to every line it read.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from widgets.core.settings import Settings
from widgets.live import store as st
from widgets.live.engine import Engine
from widgets.live.store import Store

ROOT = Path(__file__).resolve().parent.parent
PROCESSES, THREADS, CARDS = 4, 25, 20  # 100 writers x 20 votes


def writer_main(job: dict) -> None:
    """A writer process: each thread is one participant voting a dot on every card."""
    settings = Settings(data_dir=job["data_dir"], trainer_key="unused")
    engine = Engine(Store(job["url"], create=False), settings)
    lock = threading.Lock()

    def say(*words) -> None:
        with lock:  # one whole line at a time, flushed: the parent may kill us any moment
            sys.stdout.write(" ".join(str(w) for w in words) + "\n")
            sys.stdout.flush()

    def participant(token: str | None) -> None:
        me, token = engine.join(job["code"], token=token)
        say("joined", me["id"])
        for card in job["cards"]:
            result = engine.submit(job["code"], token, "vote", {"item": card, "dots": 1})
            say("vote", me["id"], card, int(result["changed"]))
        # A replayed request (a phone re-sending after a lost answer) must change nothing.
        replay = engine.submit(job["code"], token, "vote", {"item": job["cards"][0], "dots": 1})
        say("replay", me["id"], int(replay["changed"]))

    tokens = job.get("tokens") or [None] * job["threads"]
    threads = [threading.Thread(target=participant, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    say("done")


def _spawn(job: dict) -> subprocess.Popen:
    code = (
        "import json, sys; from tests.test_store_concurrency import writer_main; writer_main(json.loads(sys.argv[1]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(job)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _prepare(engine: Engine, budget: int = CARDS) -> tuple[str, list[int]]:
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "brainstorm", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    cards = [engine.add_item(trainer, code, "ideas", f"carte {n}") for n in range(CARDS)]
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": budget})
    return code, cards


def _votes(engine: Engine, session_id: int) -> list[tuple[int, int]]:
    r = st.responses
    with engine.store.read() as conn:
        rows = conn.execute(
            sa.select(r.c.participant_id, r.c.key, r.c.value).where(
                r.c.session_id == session_id, r.c.activity == "vote"
            )
        )
        return [(row.participant_id, int(row.key)) for row in rows if row.value == 1]


def _job(engine: Engine, code: str, cards: list[int], settings, **extra) -> dict:
    return {"url": engine.store.url, "code": code, "cards": cards, "data_dir": str(settings.data_path), **extra}


@pytest.mark.slow
def test_100_writers_x_20_votes_leave_exactly_the_votes_and_a_whole_feed(engine, settings):
    code, cards = _prepare(engine)
    session_id = engine.session(code)["id"]

    # A dashboard reads the feed while the votes arrive: it must see each event once, in order.
    seen: list[int] = []
    stop = threading.Event()

    def follow() -> None:
        while True:
            done = stop.is_set()
            for event in engine.events_since(session_id, seen[-1] if seen else 0, limit=1000):
                seen.append(event["seq"])
            if done:
                return
            stop.wait(0.02)  # a dashboard polls; a busy loop would only starve the writers

    reader = threading.Thread(target=follow)
    reader.start()
    procs = [_spawn(_job(engine, code, cards, settings, threads=THREADS)) for _ in range(PROCESSES)]
    outputs = [proc.communicate(timeout=240) for proc in procs]
    stop.set()
    reader.join()
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err

    lines = [line.split() for out, _ in outputs for line in out.splitlines()]
    acked = [(int(w[1]), int(w[2])) for w in lines if w[0] == "vote"]
    assert all(w[3] == "1" for w in lines if w[0] == "vote")
    assert [w for w in lines if w[0] == "replay"] == [["replay", w[1], "0"] for w in lines if w[0] == "replay"]
    joined = {int(w[1]) for w in lines if w[0] == "joined"}
    assert len(joined) == PROCESSES * THREADS

    votes = _votes(engine, session_id)
    assert len(votes) == PROCESSES * THREADS * CARDS
    assert sorted(votes) == sorted(acked) == sorted((p, c) for p in joined for c in cards)
    ranking = engine.results(code, "vote")["ranking"]
    assert {card["id"]: card["dots"] for card in ranking} == dict.fromkeys(cards, PROCESSES * THREADS)

    events = engine.events_since(session_id, 0, limit=10_000)
    n = engine.last_seq(session_id)
    assert [e["seq"] for e in events] == list(range(1, n + 1))
    assert collections.Counter(e["kind"] for e in events) == {
        "activity": 2,
        "item": CARDS,
        "joined": PROCESSES * THREADS,
        "vote": PROCESSES * THREADS * CARDS,
    }
    assert seen == list(range(1, n + 1))
    assert engine.store.integrity_ok()


@pytest.mark.slow
def test_a_writer_killed_mid_vote_loses_no_acknowledged_vote(engine, settings):
    code, cards = _prepare(engine)
    session_id = engine.session(code)["id"]
    people = [engine.join(code) for _ in range(4)]
    proc = _spawn(_job(engine, code, cards, settings, tokens=[token for _, token in people], threads=len(people)))
    acked, words = [], []
    for line in proc.stdout:
        words.append(line.split())
        if words[-1][0] == "vote":
            acked.append((int(words[-1][1]), int(words[-1][2])))
        if len(acked) >= 25:
            break
    os.kill(proc.pid, signal.SIGKILL)
    # Lines the writer flushed before it died are still in the pipe: each is a committed vote.
    for line in proc.stdout:
        words.append(line.split())
        if len(words[-1]) == 4 and words[-1][0] == "vote":
            acked.append((int(words[-1][1]), int(words[-1][2])))
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert ["done"] not in words, "the writer ended before it was killed"

    # Reopen the store as a server restarting after the crash would.
    engine.store.dispose()
    store = Store(engine.store.url)
    assert store.integrity_ok()
    after = Engine(store, settings)
    votes = set(_votes(after, session_id))
    assert set(acked) <= votes
    assert len(votes) < len(people) * CARDS  # it was killed mid-way
    events = after.events_since(session_id, 0, limit=10_000)
    assert [e["seq"] for e in events] == list(range(1, after.last_seq(session_id) + 1))
    # Each stored vote came with its event, in the same transaction: none half-written.
    assert sum(e["kind"] == "vote" for e in events) == len(votes)

    # Still usable: the participants come back with their tokens and finish; a newcomer votes.
    for me, token in people:
        again, _ = after.join(code, token=token)
        assert again["id"] == me["id"]
        for card in cards:
            after.submit(code, token, "vote", {"item": card, "dots": 1})
    _, newcomer = after.join(code)
    after.submit(code, newcomer, "vote", {"item": cards[0], "dots": 1})
    assert len(_votes(after, session_id)) == len(people) * CARDS + 1
    assert store.integrity_ok()
    store.dispose()
