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
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()

schema_meta = sa.Table(
    "schema_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

trainers = sa.Table(
    "trainers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(255), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("workshop", sa.String(64), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False, default="live"),  # live | solo (a cohort of learners)
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("owner", sa.String(120), nullable=True),  # trainer name; NULL for the shared key
    sa.Column("title", sa.String(200), nullable=False, default=""),
    sa.Column("state", sa.JSON, nullable=False),  # phase, open activity, reveals, timer, options
    sa.Column("event_seq", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("closed_at", sa.Float, nullable=True),
    # Since version 2: when the names were dropped (retention, or on request); results stay.
    sa.Column("names_purged_at", sa.Float, nullable=True, info={"since": 2}),
    # Since version 2: retention finds old sessions without reading them all.
    sa.Index("ix_sessions_created_at", "created_at", info={"since": 2}),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(60), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("activity", sa.String(80), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="SET NULL"), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="visible"),  # visible | hidden | pending
    sa.Column("merged_into", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_items_session_activity", "session_id", "activity"),
    # Since version 2: the rate limit counts a participant's recent cards, and a
    # participant's data is found (and deleted on request) without a scan.
    sa.Index("ix_items_participant_created", "participant_id", "created_at", info={"since": 2}),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column(
        "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("activity", sa.String(80), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Index("ix_responses_session_activity", "session_id", "activity"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

#: Columns and indexes added after version 1 say so with ``info={"since": n}``; the
#: migrations build each older schema from that, so the tables are declared once.
SCHEMA_VERSION = 2


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
        from widgets.migrations import MIGRATIONS

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

    def integrity_ok(self) -> bool:
        if not self.is_sqlite:
            return True
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    def dispose(self) -> None:
        self.engine.dispose()


def now() -> float:
    return time.time()


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
