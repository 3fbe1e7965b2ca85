"""The store: the only state shared by the server, its kernels and the command line.

SQLite (WAL, ``BEGIN IMMEDIATE`` for every write, a busy timeout, foreign keys on)
is the default, a file in the data folder; PostgreSQL is used when a database URL
is given. Both run the same code: SQLAlchemy Core, no ORM.

Why ``BEGIN IMMEDIATE``: a deferred SQLite transaction that reads then writes
fails with "database is locked" when another writer got there first, and a vote
would be lost; an immediate one waits its turn.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# The tables are declared in widgets.live.tables; they are read here as ``store.sessions``...
from widgets.live.migrations import MIGRATIONS
from widgets.live.tables import (  # noqa: F401  (re-exported: callers write ``st.sessions``)
    SCHEMA_VERSION,
    events,
    items,
    lrs_queue,
    metadata,
    participants,
    responses,
    schema_meta,
    sessions,
    trainer_logins,
    trainers,
)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event (below) decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # In WAL mode NORMAL keeps every committed transaction through a crash or a
        # kill -9 of any process; only a power cut can lose the last ones. FULL would
        # add an fsync to every vote and cap a room at the disk's sync rate.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten, not just unlinked: an erased participant's text does
        # not linger in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


class Store:
    """A connection pool to the kit's database, with read and write transactions.

    >>> store = Store("sqlite://")      # in memory, for examples
    >>> with store.write() as conn:
    ...     _ = conn.execute(schema_meta.insert().values(key="hello", value="world"))
    >>> with store.read() as conn:
    ...     conn.execute(sa.select(schema_meta.c.value).where(schema_meta.c.key == "hello")).scalar()
    'world'
    """

    def __init__(self, url: str, *, create: bool = True):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._write_lock = threading.Lock() if self.is_sqlite else None
        if self.is_sqlite:
            _owner_only(url)
            kwargs = {"connect_args": {"timeout": 30, "check_same_thread": False}}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool
            self.engine = sa.create_engine(url, **kwargs)
            _sqlite_setup(self.engine)
        else:
            self.engine = sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        if create:
            self.upgrade()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.info["write"] = False
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        # SQLite has one writer at a time. Threads of one process queue here, in order,
        # instead of in SQLite's busy handler, whose growing sleeps (up to 100 ms each)
        # made the slowest of a hundred simultaneous votes wait seconds.
        lock = self._write_lock or contextlib.nullcontext()
        with lock, self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info["write"] = False

    # --- schema versions ----------------------------------------------------

    def version(self) -> int:
        inspector = sa.inspect(self.engine)
        if not inspector.has_table("schema_meta"):
            return 0
        with self.read() as conn:
            value = conn.execute(sa.select(schema_meta.c.value).where(schema_meta.c.key == "version")).scalar()
        return int(value or 0)

    def upgrade(self) -> list[int]:
        """Bring the schema to the current version; returns the versions applied.

        An older data folder is upgraded step by step inside transactions; nothing
        is ever dropped to start afresh.
        """
        applied = []
        current = self.version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"the store has schema version {current}, newer than this kit ({SCHEMA_VERSION}): upgrade the kit"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.write() as conn:
                if version > 1 and self._locked_version(conn) >= version:
                    continue  # another process starting at the same time got there first
                MIGRATIONS[version](conn)
                stmt = schema_meta.update() if version > 1 else schema_meta.insert()
                if version > 1:
                    stmt = stmt.where(schema_meta.c.key == "version").values(value=str(version))
                else:
                    stmt = stmt.values(key="version", value=str(version))
                conn.execute(stmt)
            applied.append(version)
        return applied

    def _locked_version(self, conn: Connection) -> int:
        # FOR UPDATE makes a second PostgreSQL process wait here, then read the new
        # version; SQLite's BEGIN IMMEDIATE already serialises the two.
        value = conn.execute(
            sa.select(schema_meta.c.value).where(schema_meta.c.key == "version").with_for_update()
        ).scalar()
        return int(value or 0)

    def scrub(self) -> bool:
        """After an erasure: fold the write-ahead log into the file and empty it (SQLite).

        Until then the log still holds the pages as they were, deleted texts included.
        True when the log is empty now (a reader in the middle of a long read can delay it).
        """
        if not self.is_sqlite:
            return True
        with self.engine.connect() as conn:
            busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return busy == 0

    def integrity_ok(self) -> bool:
        if not self.is_sqlite:
            return True
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    def dispose(self) -> None:
        self.engine.dispose()


def _owner_only(url: str) -> None:
    """The SQLite file is readable by its owner only, like the trainer key (0600).

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:":
        return
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT, 0o600))
    mode = file.stat().st_mode & 0o777
    if mode & 0o077:
        file.chmod(mode & 0o700)


def now() -> float:
    return time.time()


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
