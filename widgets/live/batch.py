"""Group commit: the answers that queue while one transaction is written share the next one.

Answers to one session are written one after another (each checks a budget or a rule
against the answers before it), so a busy room waits on commits, not on work. A
``GroupCommit`` has one writer thread per process: it takes whatever is queued now
(never waiting for more, at most ``max_batch``), opens one write transaction, runs each
answer in order inside its own savepoint, commits once, and only then tells each caller
its outcome. One answer refused (over budget, input closed) is rolled back to its
savepoint alone; the others commit. If the transaction fails, every caller of the batch
gets that failure: none is told its answer is stored when it is not.

Several server processes on PostgreSQL each group their own answers; the session's row
lock (taken by each answer) keeps them in order across processes.

>>> from widgets.live.store import Store, schema_meta
>>> group = GroupCommit(Store("sqlite://"))
>>> def put(conn, key):
...     conn.execute(schema_meta.insert().values(key=key, value="1"))
...     return key
>>> group.submit(put, "a").result()
'a'
>>> group.close()
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from widgets.live.store import Store

__all__ = ["GroupCommit"]


@dataclass
class _Job:
    fn: Callable[..., Any]
    args: tuple
    key: str
    future: Future


_STOP = None  # put on the queue by ``close``: the writer ends after what was queued before it


class GroupCommit:
    """One writer committing queued calls ``fn(conn, *args)`` in shared transactions."""

    def __init__(self, store: Store, max_batch: int = 200):
        self.store = store
        self.max_batch = max(1, max_batch)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any, key: str = "") -> Future:
        """Queue ``fn(conn, *args)``; the future holds its result (or its exception) once committed.

        Within a batch, calls run in order of ``key`` (queue order among equal keys): the
        engine passes the session's code, so a transaction touching several sessions locks
        them in the same order in every process and two processes never deadlock.
        """
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the group committer is closed")
            self._queue.put(_Job(fn, args, key, future))
            # A writer that ended anyway (a failure in the writer's own code) is replaced: queued
            # calls never hang.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="elan-group-commit", daemon=True)
                self._thread.start()
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the writer; later submits are refused."""
        with self._lock:
            self._closed = True
            thread = self._thread
            if thread is not None:
                self._queue.put(_STOP)
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            batch: list[_Job] = []
            while job is not _STOP:
                batch.append(job)
                if len(batch) >= self.max_batch:
                    break
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._commit(batch)
            if job is _STOP:
                return

    def _commit(self, batch: list[_Job]) -> None:
        # A caller that gave up before its turn (a closed request) is neither run nor answered.
        batch = sorted((job for job in batch if job.future.set_running_or_notify_cancel()), key=lambda job: job.key)
        if not batch:
            return
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.store.write() as conn:
                for job in batch:
                    savepoint = conn.begin_nested()
                    try:
                        value = job.fn(conn, *job.args)
                    except Exception as refusal:
                        savepoint.rollback()
                        outcomes.append((False, refusal))
                    else:
                        savepoint.commit()
                        outcomes.append((True, value))
        except BaseException as failure:  # even a SystemExit in a call: the writer must go on
            # Nothing of the batch is stored (or it cannot be known): nobody hears otherwise.
            for job in batch:
                job.future.set_exception(failure)
            return
        for job, (ok, value) in zip(batch, outcomes):
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)
