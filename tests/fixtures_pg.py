"""PostgreSQL fixtures: a throwaway server for the test session, a fresh database per test.

The server is the machine's PostgreSQL 15 (``initdb``/``pg_ctl``), listening on a
free loopback port only, with its socket in its own temporary folder and trust
authentication for loopback and that socket alone; it is stopped at the end of
the session. ``initdb`` refuses to run as root, so as root the server runs as the
``postgres`` system user. Tests are skipped only when no PostgreSQL binaries exist (and fail under ``CI=true``).

The ``db_url`` and ``engine`` fixtures run a store test once on SQLite and once on
PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.binaries import missing
from widgets.live.engine import Engine
from widgets.live.store import Store

BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


def _bindir() -> Path | None:
    for candidate in BIN_CANDIDATES:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    """A running throwaway server: ``url(dbname)`` gives a SQLAlchemy URL to one of its databases."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="elan-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        self.superuser = "postgres"
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        else:
            self.superuser = pwd.getpwuid(os.geteuid()).pw_name
        self._names = itertools.count(1)

    def _run(self, *args: str, check: bool = True) -> None:
        subprocess.run([*self.as_user, *args], check=check, capture_output=True, text=True, cwd=self.root)

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.superuser,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth=trust",
            "--no-sync",
        )
        # Only loopback and the private socket; nothing else may connect.
        hba = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        (self.data / "pg_hba.conf").write_text(hba, encoding="utf-8")
        if self.as_user:
            account = pwd.getpwnam("postgres")
            os.chown(self.data / "pg_hba.conf", account.pw_uid, account.pw_gid)
        # fsync off: the tests kill clients, never this server, so its durability is not under test.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.superuser} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = f"elan_test_{next(self._names)}"
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        # FORCE closes what a test left open (a killed writer's backend, a pool).
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server():
    bindir = _bindir()
    if bindir is None:
        missing("PostgreSQL binaries (initdb, pg_ctl) not found; install postgresql-15 to run the PostgreSQL tests")
    server = PgServer(bindir)
    try:
        server.start()
    except subprocess.CalledProcessError as error:
        server.stop()
        raise RuntimeError(f"the throwaway PostgreSQL did not start: {error.stderr}") from error
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL database for one test (``postgresql+psycopg://...``)."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The URL of an empty store, once on SQLite (a file) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'elan.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url, settings):
    """An engine over a fresh store, once per database (see ``sqlite_engine``)."""
    engine = Engine(Store(db_url), settings)
    yield engine
    engine.store.dispose()
