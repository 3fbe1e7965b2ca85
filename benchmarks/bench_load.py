"""Load of one live session: N participants join at a given rate, each with a live feed, each votes once.

Real HTTP and server-sent-events clients (httpx, asyncio) on loopback against a real
``elan serve`` process. Reports join latency, vote-to-trainer-feed latency (from the
vote's POST to the event reaching a trainer's feed), and the server's CPU and peak memory.

    .venv/bin/python benchmarks/bench_load.py                 # 1,000 participants at 100 per second
    .venv/bin/python benchmarks/bench_load.py -n 200 --rate 50 --feeds 50
    .venv/bin/python benchmarks/bench_load.py -n 3000 --rate 300 --server-cpus 0 --client-cpus 1   # one process's limit

Bounded: ``-n`` clients at most, and everything stops after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadclient import Connection, Room, read_events  # this folder's light client

ROOT = Path(__file__).resolve().parent.parent
ELAN = Path(sys.executable).with_name("elan")
KEY = "bench-trainer-key"
#: The targets: join p95 and vote-to-stage p95 under a second.
TARGET_S = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Server:
    """``elan serve`` in a subprocess, watched by psutil (CPU time, peak resident memory)."""

    def __init__(self, data_dir: Path, env: dict, cpus: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / "server.log", "w")
        pin = ["taskset", "-c", cpus] if cpus else []  # the server on its own core(s), away from the client
        args = pin + [
            str(ELAN),
            "serve",
            "--port",
            str(self.port),
            "--ip",
            "127.0.0.1",
            "--data-dir",
            str(data_dir),
            "--trainer-key",
            KEY,
            "--public-url",
            self.url,
        ]
        # The load client is one address playing a whole room: lift the per-address join limit.
        env = {"ELAN_JOINS_PER_MINUTE": "0", **env}
        self.process = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.ps = psutil.Process(self.process.pid)
        self.peak_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            try:
                rss = self.ps.memory_info().rss + sum(c.memory_info().rss for c in self.ps.children(recursive=True))
                self.peak_rss = max(self.peak_rss, rss)
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("elan serve stopped at start; see server.log")
            try:
                if httpx.get(self.url + "/elan/api/health", timeout=2).status_code == 200:
                    self._sampler.start()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("elan serve did not start")

    def cpu_seconds(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def stop(self):
        self._stop.set()
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def read_sse(response: httpx.Response, on_event=None):
    """Read a server-sent events stream until it closes; ``on_event(id, event, data)`` for each."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields and on_event:
                on_event(int(fields.get("id", 0)), fields.get("event", "message"), fields["data"])
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value


async def prepare(base_url: str, cards: int) -> tuple[str, list]:
    """A values session with ``cards`` ideas and a dot vote open on them: its code and the cards' ids."""
    trainer = {"X-Elan-Key": KEY}
    async with httpx.AsyncClient(base_url=base_url + "/elan/api/", timeout=30, trust_env=False) as http:
        code = (await http.post("sessions", json={"workshop": "values", "lang": "fr"}, headers=trainer)).json()["code"]
        await http.post(f"s/{code}/trainer/open", headers=trainer, json={"spec": {"kind": "ideas", "id": "ideas"}})
        items = []
        for n in range(cards):
            r = await http.post(
                f"s/{code}/trainer/add-item", headers=trainer, json={"activity": "ideas", "text": f"Idée {n}"}
            )
            items.append(r.json()["result"])
        await http.post(
            f"s/{code}/trainer/open",
            headers=trainer,
            json={"spec": {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3}},
        )
    return code, items


async def room_load(room: Room, front: str, trainer_url: str, code: str, items: list, args, server_cpu) -> dict:
    """Phones join ``front`` at the rate, then vote; the trainer's feed and the stage (on ``trainer_url``) time them.

    ``server_cpu()`` is the CPU time of the server side (processes, proxy) so far.
    """
    trainer = {"X-Elan-Key": KEY}
    host = urlsplit(trainer_url)
    seen: dict[int, float] = {}  # event number -> when the trainer's feed had it

    def on_trainer_event(_id, event, data):
        now = time.monotonic()
        for e in json.loads(data).get("events", []):
            seen.setdefault(e["seq"], now)

    feed = Connection(host.hostname, host.port)
    await feed.stream(f"/elan/api/s/{code}/feed", trainer)
    reading = asyncio.ensure_future(read_events(feed, on_trainer_event))

    # The stage, as its page follows the room: woken by its feed, it reads its view
    # once per wake-up. (seq, time its view was read) for each read.
    staged: list[tuple[int, float]] = []
    wake = asyncio.Event()
    stage_feed = Connection(host.hostname, host.port)
    await stage_feed.stream(f"/elan/api/s/{code}/stage-feed")
    stage_api = Connection(host.hostname, host.port)

    async def follow_stage():
        while True:
            await wake.wait()
            wake.clear()
            status, body = await stage_api.request("GET", f"/elan/api/s/{code}/stage")
            if status == 200:
                staged.append((json.loads(body)["session"]["seq"], time.monotonic()))

    reading_stage = asyncio.ensure_future(read_events(stage_feed, lambda *_: wake.set()))
    following = asyncio.ensure_future(follow_stage())
    me = psutil.Process()
    try:
        cpu0, wall0, mine0 = server_cpu(), time.monotonic(), sum(me.cpu_times()[:2])
        start = time.monotonic() + 0.5
        joined = await room.join(front, code, args.n, args.rate, args.feeds, start)
        join_wall = time.monotonic() - start
        cpu_joins = server_cpu() - cpu0
        await asyncio.sleep(1)  # let the feeds settle before the votes

        start = time.monotonic() + 0.5
        cpu_vote0 = server_cpu()
        voted = await room.vote("vote", items, {"dots": 1}, start)
        cpu_votes = server_cpu() - cpu_vote0
        sent = voted["sent"]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(seq in seen for seq in sent):
            await asyncio.sleep(0.1)
        cpu1, wall1, mine1 = server_cpu(), time.monotonic(), sum(me.cpu_times()[:2])
    finally:
        for task in (reading, reading_stage, following):
            task.cancel()
        await asyncio.gather(reading, reading_stage, following, return_exceptions=True)
        for conn in (feed, stage_feed, stage_api):
            conn.close()
    feed_latency = [seen[seq] - t0 for seq, t0 in sent.items() if seq in seen]
    stage_latency = []
    for seq, t0 in sent.items():
        shown = next((at for last, at in staged if last >= seq), None)
        if shown is not None:
            stage_latency.append(shown - t0)
    async with httpx.AsyncClient(base_url=trainer_url + "/elan/api/", timeout=30, trust_env=False) as http:
        health = (await http.get("health")).json()
        results = (await http.get(f"s/{code}/results", params={"activity": "vote"}, headers=trainer)).json()
    for name, part in (("joining", joined), ("voting", voted)):
        if part["errors"]:
            print(f"{len(part['errors'])} errors while {name}, first: {part['errors'][0]}", file=sys.stderr)
    client_cpu = (mine1 - mine0) + joined["cpu"] + voted["cpu"]
    counted = sum(r["dots"] for r in results["results"]["ranking"])
    return {
        "participants": args.n,
        "rate_per_s": args.rate,
        "feeds_open": health["listeners"],
        "joined": results["counts"]["joined"],
        "join_errors": len(joined["errors"]),
        "join_wall_s": round(join_wall, 2),
        "join_p50_ms": round(pct(joined["joins"], 50) * 1000, 1),
        "join_p95_ms": round(pct(joined["joins"], 95) * 1000, 1),
        "votes_counted": counted,
        "vote_errors": len(voted["errors"]),
        "vote_post_p50_ms": round(pct(voted["votes"], 50) * 1000, 1),
        "vote_post_p95_ms": round(pct(voted["votes"], 95) * 1000, 1),
        "vote_to_feed_p50_ms": round(pct(feed_latency, 50) * 1000, 1),
        "vote_to_feed_p95_ms": round(pct(feed_latency, 95) * 1000, 1),
        "votes_seen_on_feed": len(feed_latency),
        # To the stage's view read after its feed woke it (what the projector then draws).
        "vote_to_stage_p50_ms": round(pct(stage_latency, 50) * 1000, 1),
        "vote_to_stage_p95_ms": round(pct(stage_latency, 95) * 1000, 1),
        "votes_seen_on_stage": len(stage_latency),
        "joins_per_process": sorted(joined["processes"].values(), reverse=True),
        # How late the client sent its joins against the schedule: near 0 when the
        # client is not the bottleneck.
        "client_lag_p95_ms": round(pct(joined["lags"], 95) * 1000, 1),
        # CPU time the server spent per join and per vote (feeds included): what a core
        # buys, whatever else the machine runs; 1000 / ms-per-join is one process's ceiling.
        "server_cpu_ms_per_join": round(1000 * cpu_joins / max(1, args.n - len(joined["errors"])), 2),
        "server_cpu_ms_per_vote": round(1000 * cpu_votes / max(1, args.n - len(voted["errors"])), 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "server_cpu_percent_of_one_core": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
        "client_cpu_percent_of_one_core": round(100 * client_cpu / (wall1 - wall0), 1),
        "client_processes": len(room.pipes),
        "ok": bool(
            not joined["errors"]
            and not voted["errors"]
            and counted == args.n
            and pct(joined["joins"], 95) < TARGET_S
            and pct(stage_latency, 95) < TARGET_S
            and pct(feed_latency, 95) < TARGET_S
        ),
    }


async def run(args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="elan-bench-"))
    server = Server(
        data_dir,
        {"ELAN_MAX_PARTICIPANTS": str(args.n + 10), "ELAN_FEED_INTERVAL_MS": str(args.feed_interval)},
        cpus=args.server_cpus,
    )
    client_cpus = {int(c) for c in args.client_cpus.split(",")} if args.client_cpus else None
    if client_cpus:
        os.sched_setaffinity(0, client_cpus)
    # The phones' processes start while the server does (a spawned Python takes a moment).
    room = Room(args.client_procs, client_cpus)
    try:
        server.wait_ready()
        code, items = await prepare(server.url, args.cards)
        out = await room_load(room, server.url, server.url, code, items, args, server.cpu_seconds)
        out.update(
            {
                "server_peak_rss_mb": round(server.peak_rss / 2**20, 1),
                "feed_interval_ms": args.feed_interval,
                "server_cpus": args.server_cpus or "any",
                "client_cpus": args.client_cpus or "any",
                "machine": f"{platform.machine()}, {psutil.cpu_count()} cores, "
                f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}",
            }
        )
    finally:
        await room.close()
        server.stop()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=1000, help="participants (at most 5,000)")
    p.add_argument("--rate", type=float, default=100, help="joins (then votes) per second")
    p.add_argument("--feeds", type=int, default=None, help="participants with an open live feed (default: all)")
    p.add_argument("--cards", type=int, default=10, help="cards to vote on")
    p.add_argument("--feed-interval", type=int, default=250, help="the server's feed poll interval, ms")
    p.add_argument("--timeout", type=float, default=300, help="stop everything after this many seconds")
    p.add_argument("--server-cpus", help="pin the server to these cores (taskset list, e.g. 0)")
    p.add_argument("--client-cpus", help="pin this load client to these cores (e.g. 1)")
    p.add_argument("--client-procs", type=int, default=2, help="processes playing the phones between them")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    args.n = max(1, min(args.n, 5000))
    args.feeds = args.n if args.feeds is None else max(0, min(args.feeds, args.n))
    try:
        out = asyncio.run(asyncio.wait_for(run(args), args.timeout))
    except TimeoutError:
        print(f"stopped after {args.timeout} s", file=sys.stderr)
        return 1
    width = max(len(k) for k in out)
    for key, value in out.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
