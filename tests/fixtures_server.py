"""A real ``elan serve`` process on a free loopback port, and small HTTP helpers around it.

>>> def test_health(elan_server):
...     assert elan_server.get("/elan/api/health").json()["ok"]
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
ELAN = Path(sys.executable).with_name("elan")
TRAINER_KEY = "test-trainer-key"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ElanServer:
    """One running server: its address, trainer key and data folder, and API shortcuts."""

    def __init__(
        self, data_dir: Path, *, key: str = TRAINER_KEY, env: dict | None = None, launcher: list | None = None
    ):
        self.data_dir = Path(data_dir)
        self.key = key
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / "server.log"
        self.http = requests.Session()
        self.http.trust_env = False  # never through a proxy: loopback only
        self._env = env or {}
        self._launcher = launcher or [str(ELAN)]
        self.process: subprocess.Popen | None = None

    # --- life -------------------------------------------------------------------------

    def start(self, timeout: float = 60) -> ElanServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = self._launcher + [
            "serve",
            "--port",
            str(self.port),
            "--ip",
            "127.0.0.1",
            "--data-dir",
            str(self.data_dir),
            "--trainer-key",
            self.key,
            "--public-url",
            self.url,
        ]
        # Every test comes from 127.0.0.1: the per-address limits (kernels of public pages, new
        # participants, unknown codes) have their own tests (test_hardening_*.py) and would
        # otherwise refuse the hundreds of participants the other tests make from one address.
        per_address = {
            "ELAN_PUBLIC_KERNELS_PER_CLIENT": "100",
            "ELAN_JOINS_PER_MINUTE": "0",
            "ELAN_FAILED_CODES_PER_MINUTE": "0",
        }
        env = {**os.environ, **per_address, **self._env, "PYTHONUNBUFFERED": "1"}
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(name, None)
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"elan serve stopped at start (code {self.process.returncode}):\n{self.log()}")
            try:
                if self.http.get(self.url + "/elan/api/health", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"elan serve did not answer /elan/api/health in {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            # Voilà asks for confirmation on the first Ctrl-C when attached to a terminal; not here.
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # --- HTTP -------------------------------------------------------------------------------

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 10)
        return self.http.get(self.url + path, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 10)
        return self.http.post(self.url + path, **kw)

    def api(self, method: str, path: str, **kw) -> requests.Response:
        return getattr(self, method.lower())("/elan/api/" + path.lstrip("/"), **kw)

    @property
    def trainer_headers(self) -> dict:
        return {"X-Elan-Key": self.key}

    def create_session(self, workshop: str = "values", lang: str = "fr", **body) -> str:
        """A new session's join code."""
        r = self.api(
            "POST", "sessions", json={"workshop": workshop, "lang": lang, **body}, headers=self.trainer_headers
        )
        assert r.status_code == 200, r.text
        return r.json()["code"]

    def trainer(self, code: str, action: str, **body):
        """A trainer action (``open``, ``input``, ``reveal``, ...); its result."""
        r = self.api("POST", f"s/{code}/trainer/{action}", json=body, headers=self.trainer_headers)
        assert r.status_code == 200, f"{action}: {r.status_code} {r.text}"
        return r.json()["result"]

    def results(self, code: str, activity: str | None = None) -> dict:
        params = {"activity": activity} if activity else {}
        r = self.api("GET", f"s/{code}/results", params=params, headers=self.trainer_headers)
        assert r.status_code == 200, r.text
        return r.json()

    def join(self, code: str, name: str | None = None, token: str | None = None) -> dict:
        """A participant joins (or comes back with ``token``): ``{"token", "participant"}``."""
        body = {"code": code, "name": name}
        if token:
            body["token"] = token
        r = self.api("POST", "join", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def submit(self, code: str, token: str, activity: str, payload: dict) -> requests.Response:
        return self.api(
            "POST", f"s/{code}/submit", json={"activity": activity, "payload": payload}, headers={"X-Elan-Token": token}
        )

    def state(self, code: str, token: str) -> dict:
        r = self.api("GET", f"s/{code}/state", headers={"X-Elan-Token": token})
        assert r.status_code == 200, r.text
        return r.json()


def _running(request, tmp_path_factory, name: str, **kw):
    server = ElanServer(tmp_path_factory.mktemp(name), **kw).start()
    failed_before = request.session.testsfailed
    yield server
    server.stop()
    if request.session.testsfailed > failed_before:
        # The server's own account of what went wrong, next to the failing test's report.
        sys.stderr.write(f"\n----- elan serve log ({server.url}) -----\n{server.log()}\n")


@pytest.fixture(scope="session")
def elan_server(request, tmp_path_factory):
    """One server for the test session (each test makes its own sessions, so they never meet)."""
    yield from _running(request, tmp_path_factory, "elan-server")
