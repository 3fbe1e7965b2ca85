"""The live channel: one poller per session per process, fanned out to every open page.

Each process asks the store for what is new in a session every
``feed_interval_ms`` (one cheap indexed query, whatever the number of phones),
then wakes the pages that listen. Because the feed lives in the store, a page
connected to any server process sees every change, and a page that reconnects
asks for what it missed since its last event number.
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger("elan.feed")


class SessionFeed:
    """Listeners of one session in this process, and the task that polls for them."""

    def __init__(self, hub: FeedHub, session_id: int):
        self.hub = hub
        self.session_id = session_id
        self.seq = 0
        self.listeners: set[asyncio.Queue] = set()
        self.task: asyncio.Task | None = None
        #: Done once ``seq`` is read from the store; later subscribers wait for it.
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()

    async def run(self) -> None:
        interval = self.hub.interval
        while self.listeners:
            try:
                events = await self.hub.run_sync(self.hub.engine.events_since, self.session_id, self.seq)
                if events:
                    self.seq = events[-1]["seq"]
                    # A phone shows only public events: a batch of joins or of votes under
                    # wraps wakes the trainer's and the stage's pages, not three thousand phones.
                    public = any(e["public"] for e in events)
                    for queue in list(self.listeners):
                        if public or not queue.public_only:
                            queue.put_nowait(events)
            except Exception:  # keep polling: a passing store error must not stop live updates
                log.exception("feed poll failed for session %s", self.session_id)
            await asyncio.sleep(interval)
        self.hub.drop(self)


#: How often the pages seen alive are written to the store, all in one commit.
SEEN_FLUSH_SECONDS = 10


class FeedHub:
    """Every session feed of this server process, and the participants seen alive."""

    def __init__(self, engine, run_sync, interval: float):
        self.engine = engine
        self.run_sync = run_sync
        self.interval = interval
        self.feeds: dict[int, SessionFeed] = {}
        self._seen: set[int] = set()
        self._flusher: asyncio.Task | None = None

    def seen(self, participant_id: int) -> None:
        """Note a live page; written with the others every few seconds (the 'connected' count)."""
        self._seen.add(participant_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush_seen())

    async def _flush_seen(self) -> None:
        while self._seen:
            await asyncio.sleep(SEEN_FLUSH_SECONDS)
            ids, self._seen = self._seen, set()
            try:
                await self.run_sync(self.engine.touch_many, ids)
            except Exception:  # a missed 'connected' mark is harmless; keep the task alive
                log.exception("could not note %d live pages", len(ids))

    async def subscribe(self, session_id: int, *, public_only: bool = False) -> asyncio.Queue:
        """A queue that receives the session's new events until :meth:`unsubscribe`.

        The feed is registered before the first await, so concurrent first subscribers
        share one feed (and one poller) instead of each making one that outlives them.
        """
        queue: asyncio.Queue = asyncio.Queue()
        queue.public_only = public_only  # woken only by batches holding a public event
        feed = self.feeds.get(session_id)
        if feed is None:
            feed = self.feeds[session_id] = SessionFeed(self, session_id)
            feed.listeners.add(queue)
            try:
                feed.seq = await self.run_sync(self.engine.last_seq, session_id)
            except BaseException as error:
                feed.listeners.discard(queue)
                feed.ready.set_exception(error)
                feed.ready.exception()  # retrieved: waiting subscribers get it too
                if self.feeds.get(session_id) is feed:
                    del self.feeds[session_id]  # never ready: nobody may join it
                raise
            feed.ready.set_result(None)
        else:
            feed.listeners.add(queue)
            try:
                await asyncio.shield(feed.ready)
            except BaseException:
                feed.listeners.discard(queue)
                self.drop(feed)
                raise
        if feed.listeners and (feed.task is None or feed.task.done()):
            feed.task = asyncio.ensure_future(feed.run())
        return queue

    def drop(self, feed: SessionFeed) -> None:
        """Forget a feed that has no listener left (only that feed: a newer one may have replaced it)."""
        if self.feeds.get(feed.session_id) is feed and not feed.listeners:
            del self.feeds[feed.session_id]

    def seq(self, session_id: int) -> int:
        """The last event number this process has seen for a session it follows."""
        feed = self.feeds.get(session_id)
        return feed.seq if feed is not None else 0

    def unsubscribe(self, session_id: int, queue: asyncio.Queue) -> None:
        feed = self.feeds.get(session_id)
        if feed is not None:
            feed.listeners.discard(queue)

    @property
    def feed_count(self) -> int:
        """Sessions this process polls the store for (shown by ``/health`` with the listeners)."""
        return len(self.feeds)

    @property
    def listener_count(self) -> int:
        return sum(len(feed.listeners) for feed in self.feeds.values())
