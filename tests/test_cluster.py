"""Three ``elan serve`` processes on one PostgreSQL behind nginx: participants anywhere, one killed mid-vote.

The nginx configuration is the one ``elan deploy nginx`` prints (``standalone`` adds
only the process-level lines a test nginx needs). Which process answered a request
is read from the ``X-Elan-Process`` header every kit answer carries.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests
from playwright.sync_api import expect

from tests.binaries import missing
from tests.fixtures_server import ELAN, ROOT, ElanServer, free_port
from widgets.ops.deploy import nginx_config
from widgets.web.api import PROCESS_HEADER

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.browser]

NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")
KEY = "cluster-trainer-key"
TRAINER = {"X-Elan-Key": KEY}
PARTICIPANTS = 12
CARDS = 4
KERNEL_WAIT = 90_000  # ms: a Voilà kernel starting on a busy machine (not a measured target)
WAIT = 15_000
RETRIES = 40  # a client retries a failed request this many times, as the page does (bounded)


def _nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("nginx")


class Nginx:
    """nginx on a free loopback port, run from the kit's own configuration."""

    def __init__(self, binary: str, backends: list[str], prefix: Path):
        self.prefix = prefix
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (prefix / "logs").mkdir(parents=True, exist_ok=True)  # nginx's default error log before the config is read
        (prefix / "nginx.conf").write_text(
            nginx_config(backends, listen=f"127.0.0.1:{self.port}", standalone=True, prefix=str(prefix)),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(prefix / "stderr.log", "w"),
        )

    def wait_ready(self, http: requests.Session, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {(self.prefix / 'stderr.log').read_text()}")
            try:
                if http.get(self.url + "/elan/api/health", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError("nginx did not answer")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def cluster(pg_url, tmp_path, request):
    binary = _nginx_binary()
    if binary is None:
        missing("nginx not found; install Debian's nginx-light (make test does) to run the multi-process test")
    env = {"ELAN_DATABASE_URL": pg_url}
    # The documented order: the schema first (`elan upgrade`), then the processes.
    subprocess.run(
        [str(ELAN), "upgrade", "--data-dir", str(tmp_path / "upgrade")],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    servers = [ElanServer(tmp_path / f"elan-{n}", key=KEY, env=env) for n in range(3)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda s: s.start(timeout=90), servers))
    nginx = Nginx(binary, [f"127.0.0.1:{s.port}" for s in servers], tmp_path / "nginx")
    failed_before = request.session.testsfailed
    try:
        yield servers, nginx
    finally:
        nginx.stop()
        for server in servers:
            server.stop()
        if request.session.testsfailed > failed_before:
            for server in servers:
                sys.stderr.write(f"\n----- elan serve log ({server.url}) -----\n{server.log()[-6000:]}\n")
            sys.stderr.write(f"\n----- nginx error log -----\n{nginx.error_log()[-4000:]}\n")


class Client:
    """A participant's requests through nginx; failed requests are retried, as the page does."""

    def __init__(self, base: str, code: str):
        self.base, self.code = base, code
        self.http = requests.Session()
        self.http.trust_env = False
        self.token: str | None = None
        self.id: int | None = None
        self.process: str | None = None  # the process that answered last
        self.acked: set[int] = set()  # cards whose vote the server acknowledged

    def _send(self, method: str, path: str, **kw) -> requests.Response:
        for _ in range(RETRIES):
            try:
                r = self.http.request(method, self.base + "/elan/api/" + path, timeout=10, **kw)
            except requests.RequestException:
                time.sleep(0.1)
                continue
            if r.status_code in (502, 503, 504):  # the process died under this request: try again
                time.sleep(0.1)
                continue
            self.process = r.headers.get(PROCESS_HEADER)
            return r
        raise AssertionError(f"{method} {path}: no answer after {RETRIES} tries")

    def join(self) -> None:
        body = {"code": self.code, "name": None, **({"token": self.token} if self.token else {})}
        r = self._send("POST", "join", json=body)
        assert r.status_code == 200, r.text
        self.token, self.id = r.json()["token"], r.json()["participant"]["id"]

    def vote(self, card: int) -> int:
        r = self._send(
            "POST",
            f"s/{self.code}/submit",
            json={"activity": "vote", "payload": {"item": card, "dots": 1}},
            headers={"X-Elan-Token": self.token},
        )
        assert r.status_code == 200, r.text
        self.acked.add(card)
        return r.json()["seq"]

    def state(self) -> dict:
        r = self._send("GET", f"s/{self.code}/state", headers={"X-Elan-Token": self.token})
        assert r.status_code == 200, r.text
        return r.json()


class Feed:
    """A live feed (server-sent events) read in a thread; ``events`` receives each event's id."""

    def __init__(self, url: str, params: dict, headers: dict | None = None):
        self.events: queue.Queue = queue.Queue()
        http = requests.Session()
        http.trust_env = False
        self.response = http.get(url, params=params, headers=headers or {}, stream=True, timeout=(5, 60))
        assert self.response.status_code == 200, self.response.text
        self.process = self.response.headers.get(PROCESS_HEADER)
        self.closed = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line and line.startswith("id: "):
                    self.events.put(int(line[4:]))
        except Exception:  # closed by the test or by a killed process: the stream simply ends
            pass
        finally:
            self.closed.set()

    def wait_for(self, seq: int, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.events.get(timeout=0.5) >= seq:
                    return True
            except queue.Empty:
                pass
        return False

    def close(self) -> None:
        self.response.close()


def _kernel_host(servers: list[ElanServer], exclude: set[int] = frozenset()) -> set[int]:
    """Pids of the servers that run a dashboard kernel (a child ipykernel process)."""
    hosts = set()
    for server in servers:
        if server.process.poll() is not None:
            continue
        for child in psutil.Process(server.process.pid).children(recursive=True):
            try:
                if child.pid not in exclude and "ipykernel" in " ".join(child.cmdline()):
                    hosts.add(server.process.pid)
            except psutil.Error:
                pass
    return hosts


def _wait_kernel_host(servers, before: set[int]) -> int:
    """The server whose new kernel appeared (bounded wait)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        known = set()
        for server in servers:
            if server.process.poll() is None:
                known |= {c.pid for c in psutil.Process(server.process.pid).children(recursive=True)}
        new = known - before
        hosts = _kernel_host(servers, exclude=before)
        if new and len(hosts) == 1:
            return hosts.pop()
        time.sleep(0.2)
    raise AssertionError("no dashboard kernel started on any process")


def _children(servers) -> set[int]:
    return {
        c.pid
        for s in servers
        if s.process.poll() is None
        for c in psutil.Process(s.process.pid).children(recursive=True)
    }


def _dots(trainer: requests.Session, base: str, code: str) -> dict[int, int]:
    r = trainer.get(f"{base}/elan/api/s/{code}/results", params={"activity": "vote"}, headers=TRAINER, timeout=10)
    assert r.status_code == 200, r.text
    return {card["id"]: card["dots"] for card in r.json()["results"]["ranking"] if card["dots"]}


def _expect_dashboard(page, code: str) -> None:
    """The dashboard's widgets rendered (so its kernel answered over the websocket) with the session's counts."""
    body = page.locator("body")
    expect(page.locator(".widget-button:visible").first).to_be_visible(timeout=KERNEL_WAIT)
    expect(body).to_contain_text(code, timeout=WAIT)
    expect(body).to_contain_text(f"{PARTICIPANTS} participants", timeout=WAIT)
    expect(body).to_contain_text(f"{PARTICIPANTS} ont répondu", timeout=WAIT)


def test_three_processes_behind_nginx_survive_a_kill(cluster, contexts):
    servers, nginx = cluster
    pids = {str(s.process.pid) for s in servers}
    trainer = requests.Session()
    trainer.trust_env = False
    nginx.wait_ready(trainer)
    base = nginx.url

    # A session made through nginx, with cards to vote on.
    r = trainer.post(
        f"{base}/elan/api/sessions", json={"workshop": "values", "lang": "fr"}, headers=TRAINER, timeout=10
    )
    assert r.status_code == 200, r.text
    code = r.json()["code"]

    def act(action, **body):
        r = trainer.post(f"{base}/elan/api/s/{code}/trainer/{action}", json=body, headers=TRAINER, timeout=10)
        assert r.status_code == 200, f"{action}: {r.text}"
        return r.json()["result"]

    act("open", spec={"kind": "ideas", "id": "ideas"}, phase="brainstorm")
    cards = [act("add-item", activity="ideas", text=f"Carte {n}") for n in range(CARDS)]
    act("open", spec={"kind": "dots", "id": "vote", "source": "ideas", "budget": CARDS}, phase="vote")

    # Participants join through nginx and land on different processes.
    clients = [Client(base, code) for _ in range(PARTICIPANTS)]
    landed = set()
    for client in clients:
        client.join()
        landed.add(client.process)
    assert landed <= pids and len(landed) == 3, f"joins landed on {landed} of {pids}"

    # First round of votes; the trainer's results through nginx count them.
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda c: c.vote(cards[0]), clients))
    assert _dots(trainer, base, code) == {cards[0]: PARTICIPANTS}

    # The trainer's dashboard through nginx: its page and kernel websocket on one process.
    dashboard_url = f"{base}/voila/render/values/trainer.ipynb?key={KEY}&code={code}&lang=fr"
    before = _children(servers)
    context = contexts(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(dashboard_url)
    _expect_dashboard(page, code)
    assert any(c["name"] == "elan_affinity" for c in context.cookies())
    host = _wait_kernel_host(servers, before)
    victim = next(s for s in servers if s.process.pid == host)

    # A live feed through nginx hears a vote sent to another process (results revealed:
    # a participant's feed only carries what the page shows).
    act("reveal", activity="vote")
    act("input", open=True)  # a reveal closes answers; the trainer reopens them for the second round
    feed = Feed(f"{base}/elan/api/s/{code}/feed", {}, {"X-Elan-Token": clients[0].token})
    try:
        for client in clients[1:]:
            seq = client.vote(cards[1])
            if client.process != feed.process:
                break
        assert client.process != feed.process, "every vote landed on the feed's own process"
        assert feed.wait_for(seq), "the feed never received the event of a vote made on another process"
    finally:
        feed.close()

    # Second round; the dashboard's process is killed (kill -9) in the middle of it.
    on_victim = [c for c in clients if c.process == str(victim.process.pid)]
    half = threading.Event()
    acks = []
    lock = threading.Lock()

    def second_round(client):
        for card in cards[1:]:
            client.vote(card)
            with lock:
                acks.append(card)
                if len(acks) >= PARTICIPANTS * (CARDS - 1) // 2:
                    half.set()
            time.sleep(0.05)  # a person's pace between two taps, so the kill lands mid-round

    with ThreadPoolExecutor(PARTICIPANTS) as pool:
        votes = [pool.submit(second_round, c) for c in clients]
        assert half.wait(60), "half the second round never arrived"
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.wait(timeout=10)
        for future in votes:
            future.result()  # every client got every vote acknowledged, retrying through nginx
    assert on_victim, "no participant had been on the killed process"

    # The participants carry on through nginx on the other processes, as themselves.
    alive = pids - {str(victim.process.pid)}
    for client in clients:
        token, pid = client.token, client.id
        client.join()  # the page reloaded: it comes back with its kept token
        assert (client.token, client.id) == (token, pid)
        assert client.process in alive
        state = client.state()
        assert state["participant"]["id"] == pid
        assert state["view"]["mine"] == {str(card): 1 for card in sorted(client.acked)}

    # Every acknowledged vote counted exactly once.
    expected = {card: sum(card in c.acked for c in clients) for card in cards}
    assert expected == dict.fromkeys(cards, PARTICIPANTS)
    assert _dots(trainer, base, code) == expected

    # The dashboard recovers: reopened, it resumes the session on a live process with the right counts.
    before = _children(servers)
    page.goto(dashboard_url)
    _expect_dashboard(page, code)
    assert str(_wait_kernel_host(servers, before)) in alive
