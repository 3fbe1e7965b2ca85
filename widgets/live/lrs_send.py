"""The sender of learning records: takes due statements from the store's queue and puts them to the LRS.

It runs in a thread of each ``elan serve`` process, never in a participant's request: a
slow or absent LRS delays the records, never an answer. Each statement is sent with
``PUT statements?statementId=``, which an LRS keeps once however often it is repeated, so
a statement whose acknowledgement was lost is simply sent again. A failed try waits 5 s,
then 10, 20, ... up to ``lrs_retry_max_seconds``; an LRS that refuses a statement as
malformed (a 4xx other than authentication or throttling) leaves it in the queue marked
``rejected`` with the LRS's answer, for an administrator to read, never dropped unseen.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import sqlalchemy as sa

from widgets.core.settings import Settings
from widgets.live import lrs
from widgets.live.store import Store
from widgets.live.tables import lrs_queue, participants, sessions

log = logging.getLogger("elan.lrs")

#: How long a claimed batch is held by one process before another may take it again
#: (a process killed in the middle of sending).
LEASE_SECONDS = 120
BATCH = 50
FIRST_WAIT = 5
#: Statuses an LRS answers for a request worth trying again later (auth may be fixed, throttling ends).
RETRY_STATUSES = {401, 403, 404, 408, 425, 429}


def backoff(attempts: int, limit: int) -> float:
    """Seconds to wait after ``attempts`` failed tries.

    >>> [backoff(n, 60) for n in (1, 2, 3, 5, 9)]
    [5, 10, 20, 60, 60]
    """
    return min(limit, FIRST_WAIT * 2 ** (attempts - 1))


class Sender:
    """Delivers the queue of one store to the LRS of ``settings``; :meth:`run_once` is one pass."""

    def __init__(self, store: Store, settings: Settings, *, timeout: float = 10):
        self.store, self.settings, self.timeout = store, settings, timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- one pass ------------------------------------------------------------------------

    def _claim(self, now: float) -> list[dict]:
        """Due statements with their actor written now, held for this process for a while."""
        q, p, s = lrs_queue, participants, sessions
        query = (
            sa.select(q.c.id, q.c.statement, q.c.attempts, p.c.token_hash, p.c.name, s.c.code, s.c.state)
            .join(p, p.c.id == q.c.participant_id)
            .join(s, s.c.id == q.c.session_id)
            .where(q.c.status == "queued", q.c.next_attempt_at <= now)
            .order_by(q.c.id)
            .limit(BATCH)
        )
        if not self.store.is_sqlite:
            # Several server processes share a PostgreSQL store: each takes rows the others are not holding.
            query = query.with_for_update(of=q, skip_locked=True)
        home = lrs.home_page(self.settings)
        # A read first: an empty queue, the usual case, costs no write (SQLite has one writer at a time).
        with self.store.read() as conn:
            due = conn.execute(
                sa.select(q.c.id).where(q.c.status == "queued", q.c.next_attempt_at <= now).limit(1)
            ).first()
        if due is None:
            return []
        with self.store.write() as conn:
            rows = conn.execute(query).all()
            if rows:
                conn.execute(
                    q.update().where(q.c.id.in_([r.id for r in rows])).values(next_attempt_at=now + LEASE_SECONDS)
                )
        claimed = []
        for row in rows:
            participant = {"token_hash": row.token_hash, "name": row.name}
            session = {"code": row.code, "state": row.state}
            statement = dict(row.statement)
            statement["actor"] = lrs.actor(participant, session, home)
            context = dict(statement.get("context") or {})
            context["registration"] = lrs.registration(participant, session)
            statement["context"] = context
            claimed.append({"id": row.id, "attempts": row.attempts, "statement": statement})
        return claimed

    def _put(self, statement: dict) -> tuple[str, str]:
        """``("sent" | "retry" | "rejected", detail)`` for one statement."""
        url = (
            self.settings.lrs_endpoint.rstrip("/")
            + "/statements?"
            + urllib.parse.urlencode({"statementId": statement["id"]})
        )
        request = urllib.request.Request(
            url,
            data=json.dumps(statement, ensure_ascii=False).encode(),
            method="PUT",
            headers={"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"},
        )
        if self.settings.lrs_username or self.settings.lrs_password:
            pair = f"{self.settings.lrs_username}:{self.settings.lrs_password}".encode()
            request.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return "sent", str(response.status)
        except urllib.error.HTTPError as error:
            detail = f"HTTP {error.code}: {error.read(300).decode(errors='replace')}"
            if error.code == 409:
                return "sent", detail  # the LRS already holds this statement id
            if 400 <= error.code < 500 and error.code not in RETRY_STATUSES:
                return "rejected", detail
            return "retry", detail
        except (OSError, ValueError) as error:  # refused, unreachable, timed out, a bad address
            return "retry", f"{type(error).__name__}: {error}"

    def run_once(self, now: float | None = None) -> dict[str, int]:
        """Send what is due at ``now``; the count of statements sent, retried later and rejected."""
        now = time.time() if now is None else now
        counts = {"sent": 0, "retry": 0, "rejected": 0}
        if not self.settings.lrs_endpoint:
            return counts
        claimed = self._claim(now)
        outcomes = []
        for entry in claimed:
            outcome, detail = self._put(entry["statement"])
            outcomes.append((entry, outcome, detail))
            counts[outcome] += 1
            if outcome == "retry":
                # The LRS is down or refusing: leave the rest of the batch for the next try.
                for rest in claimed[len(outcomes) :]:
                    outcomes.append((rest, "retry", detail))
                    counts["retry"] += 1
                break
        q = lrs_queue
        with self.store.write() as conn:
            for entry, outcome, detail in outcomes:
                where = q.c.id == entry["id"]
                if outcome == "sent":
                    conn.execute(q.delete().where(where))
                elif outcome == "rejected":
                    conn.execute(q.update().where(where).values(status="rejected", last_error=detail[:500]))
                else:
                    attempts = entry["attempts"] + 1
                    wait = backoff(attempts, self.settings.lrs_retry_max_seconds)
                    values = {"attempts": attempts, "next_attempt_at": now + wait, "last_error": detail[:500]}
                    conn.execute(q.update().where(where).values(**values))
        if counts["retry"] or counts["rejected"]:
            log.warning("LRS: %s", counts)
        return counts

    # --- in the server -------------------------------------------------------------------

    def _loop(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                counts = self.run_once()
            except Exception:  # the store unreachable for a moment: the thread must live on
                log.exception("LRS sender")
                counts = {"sent": 0}
            # A full batch sent: more may be waiting, go on at once.
            if counts["sent"] < BATCH:
                self._stop.wait(interval)

    def start(self, interval: float = 2.0) -> None:
        self._thread = threading.Thread(target=self._loop, args=(interval,), name="elan-lrs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)


def queue_state(store: Store) -> dict[str, int]:
    """How many statements wait (``queued``) and how many the LRS refused (``rejected``)."""
    with store.read() as conn:
        rows = conn.execute(sa.select(lrs_queue.c.status, sa.func.count()).group_by(lrs_queue.c.status)).all()
    return {"queued": 0, "rejected": 0, **dict(rows)}


def last_error(store: Store) -> str | None:
    """The LRS's latest answer among the statements still waiting or refused (None when all went)."""
    q = lrs_queue
    with store.read() as conn:
        return conn.execute(
            sa.select(q.c.last_error).where(q.c.last_error.is_not(None)).order_by(q.c.id.desc()).limit(1)
        ).scalar()


def requeue_rejected(store: Store, now: float | None = None) -> int:
    """Queue the statements the LRS refused again, due at once (after the LRS or the kit was fixed)."""
    now = time.time() if now is None else now
    q = lrs_queue
    with store.write() as conn:
        done = conn.execute(
            q.update().where(q.c.status == "rejected").values(status="queued", attempts=0, next_attempt_at=now)
        )
    return done.rowcount
