"""The change feed's hub: one poller per session per process, gone when its last page leaves."""

from __future__ import annotations

import asyncio

from tests.aio import run
from widgets.live.feed import FeedHub


class CountingEngine:
    """Stands for the store: counts the polls and answers after a real (awaited) delay."""

    def __init__(self):
        self.polls = 0
        self.seq_reads = 0

    def last_seq(self, session_id):
        self.seq_reads += 1
        return 7

    def events_since(self, session_id, since):
        self.polls += 1
        return []


def make_hub(engine, delay=0.02):
    async def run_sync(fn, *args):
        await asyncio.sleep(delay)  # the executor's hop: other coroutines run meanwhile
        return fn(*args)

    return FeedHub(engine, run_sync, interval=0.01)


def test_two_concurrent_first_subscribers_share_one_feed_and_leave_nothing_polling():
    async def scenario():
        engine = CountingEngine()
        hub = make_hub(engine)
        q1, q2 = await asyncio.gather(hub.subscribe(5), hub.subscribe(5))
        assert hub.feed_count == 1 and hub.listener_count == 2
        assert engine.seq_reads == 1
        assert hub.seq(5) == 7
        await asyncio.sleep(0.1)
        assert engine.polls > 0
        hub.unsubscribe(5, q1)
        hub.unsubscribe(5, q2)
        await asyncio.sleep(0.1)  # the poller notices it is alone and stops
        polls = engine.polls
        await asyncio.sleep(0.2)
        return hub, engine, polls

    hub, engine, polls = run(scenario())
    assert hub.feed_count == 0 and hub.listener_count == 0
    assert engine.polls == polls, "a feed with no listener kept polling the store"


def test_a_subscriber_after_the_last_one_left_starts_a_fresh_feed():
    async def scenario():
        engine = CountingEngine()
        hub = make_hub(engine, delay=0.0)
        q = await hub.subscribe(1)
        hub.unsubscribe(1, q)
        await asyncio.sleep(0.05)
        assert hub.feed_count == 0
        q = await hub.subscribe(1)
        assert hub.feed_count == 1 and hub.listener_count == 1
        hub.unsubscribe(1, q)
        await asyncio.sleep(0.05)
        return hub

    assert run(scenario()).feed_count == 0


def test_a_failed_first_read_leaves_no_feed_behind():
    class Broken(CountingEngine):
        def last_seq(self, session_id):
            raise RuntimeError("store down")

    async def scenario():
        hub = make_hub(Broken())
        results = await asyncio.gather(hub.subscribe(3), hub.subscribe(3), return_exceptions=True)
        return hub, results

    hub, results = run(scenario())
    assert all(isinstance(r, RuntimeError) for r in results)
    assert hub.feed_count == 0 and hub.listener_count == 0


class ScriptedEngine(CountingEngine):
    """Answers each poll with the next batch: a join (not public), then a card shown to all."""

    def __init__(self, batches):
        super().__init__()
        self.batches = list(batches)

    def events_since(self, session_id, since):
        self.polls += 1
        return self.batches.pop(0) if self.batches else []


def test_a_batch_with_no_public_event_wakes_the_trainer_not_the_phones():
    async def scenario():
        engine = ScriptedEngine(
            [[{"seq": 8, "kind": "joined", "public": False}], [{"seq": 9, "kind": "item_status", "public": True}]]
        )
        hub = make_hub(engine)
        trainer = await hub.subscribe(5)
        phone = await hub.subscribe(5, public_only=True)
        await asyncio.sleep(0.2)
        got = {"trainer": [], "phone": []}
        for name, queue in (("trainer", trainer), ("phone", phone)):
            while not queue.empty():
                got[name].append([e["seq"] for e in queue.get_nowait()])
            hub.unsubscribe(5, queue)
        return got

    got = run(scenario())
    assert got["trainer"] == [[8], [9]]
    assert got["phone"] == [[9]]
