"""Capacity per process and for three processes behind nginx: SQLite x1, PostgreSQL x1, PostgreSQL x3 + nginx.

The same load as ``bench_load.py`` (N participants join at a rate, each with its live
feed, each places one dot; a trainer feed times every vote to its event), against:

* ``sqlite-1``: one ``elan serve`` on SQLite (the laptop default);
* ``pg-1``: one ``elan serve`` on a throwaway PostgreSQL;
* ``pg-3``: three ``elan serve`` on that PostgreSQL behind nginx (the configuration
  ``elan deploy nginx`` prints), participants through nginx, the trainer's feed on
  one process, so most votes cross processes before they reach it.

For each set-up the participant count climbs through ``--steps`` and stops at the
first step that misses a target (join p95 < 1 s, vote-to-feed and vote-to-stage p95
< 1 s, every vote counted). CPU is the sum over the server processes (percent of one core); memory
is the sum of each process's peak resident memory (kernels included).

    .venv/bin/python benchmarks/bench_cluster.py                          # steps 500,1000,2000 at 100/s
    .venv/bin/python benchmarks/bench_cluster.py --setups pg-3 --steps 300 --rate 100

Bounded: at most 3,000 participants a step, every step stops after ``--timeout`` s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from bench_load import Server, free_port, prepare, room_load  # noqa: E402  (the load benchmark's parts)
from loadclient import Room  # noqa: E402

from tests.fixtures_pg import PgServer, _bindir  # noqa: E402  (the tests' throwaway PostgreSQL)
from widgets.ops.deploy import nginx_config  # noqa: E402

NGINX = "/usr/sbin/nginx"


class Nginx:
    def __init__(self, backends: list[str], prefix: Path):
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "logs").mkdir(exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(backends, listen=f"127.0.0.1:{self.port}", standalone=True, prefix=str(prefix)))
        self.process = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ps = psutil.Process(self.process.pid)
        for _ in range(100):
            try:
                if httpx.get(self.url + "/elan/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise SystemExit("nginx did not start")

    def cpu_seconds(self) -> float:
        total = 0.0
        for p in [self.ps, *self.ps.children()]:
            t = p.cpu_times()
            total += t.user + t.system
        return total

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(10)


async def load(front: str, trainer_url: str, n: int, rate: float, cpu, procs: int) -> dict:
    """The load of bench_load.py against ``front`` (participants) and ``trainer_url`` (the trainer's feed, the stage)."""
    room = Room(procs)
    try:
        code, items = await prepare(front, 10)
        return await room_load(room, front, trainer_url, code, items, argparse.Namespace(n=n, rate=rate, feeds=n), cpu)
    finally:
        await room.close()


def run_setup(setup: str, n: int, args, pg: PgServer | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"elan-bench-{setup}-"))
    env = {"ELAN_MAX_PARTICIPANTS": str(n + 10), "ELAN_FEED_INTERVAL_MS": str(args.feed_interval)}
    if setup.startswith("pg"):
        env["ELAN_DATABASE_URL"] = pg.url(pg.create_database())
        # The schema once, before the processes start (as the deployment guide says).
        subprocess.run(
            [str(HERE.parent / ".venv/bin/elan"), "upgrade", "--data-dir", str(tmp / "upgrade")],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
    count = 3 if setup == "pg-3" else 1
    servers = []
    for k in range(count):
        (tmp / f"p{k}").mkdir()
        servers.append(Server(tmp / f"p{k}", env))
    proxy = None
    try:
        for server in servers:
            server.wait_ready()
        if count > 1:
            proxy = Nginx([f"127.0.0.1:{s.port}" for s in servers], tmp / "nginx")
        front = proxy.url if proxy else servers[0].url

        def cpu():
            return sum(s.cpu_seconds() for s in servers) + (proxy.cpu_seconds() if proxy else 0.0)

        out = asyncio.run(
            asyncio.wait_for(load(front, servers[0].url, n, args.rate, cpu, args.client_procs), args.timeout)
        )
        out["server_peak_rss_mb"] = round(sum(s.peak_rss for s in servers) / 2**20)
        return {"setup": setup, **out}
    except TimeoutError:
        return {"setup": setup, "participants": n, "ok": False, "stopped_after_s": args.timeout}
    finally:
        if proxy:
            proxy.stop()
        for server in servers:
            server.stop()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--setups", default="sqlite-1,pg-1,pg-3", help="comma-separated: sqlite-1, pg-1, pg-3")
    p.add_argument("--steps", default="500,1000,2000", help="participant counts to climb through (each at most 3,000)")
    p.add_argument("--rate", type=float, default=100, help="joins (then votes) per second")
    p.add_argument("--feed-interval", type=int, default=250, help="the servers' feed poll interval, ms")
    p.add_argument("--timeout", type=float, default=240, help="stop a step after this many seconds")
    p.add_argument("--client-procs", type=int, default=2, help="processes playing the phones between them")
    p.add_argument("--json", help="also write every step's figures to this file")
    args = p.parse_args(argv)
    setups = [s for s in args.setups.split(",") if s in ("sqlite-1", "pg-1", "pg-3")]
    steps = [max(1, min(int(s), 3000)) for s in args.steps.split(",")]
    pg = None
    if any(s.startswith("pg") for s in setups):
        bindir = _bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL binaries not found (postgresql-15)")
        pg = PgServer(bindir)
        pg.start()
    if "pg-3" in setups and not Path(NGINX).exists():
        raise SystemExit(f"nginx not found at {NGINX} (Debian's nginx-light)")
    rows = []
    try:
        for setup in setups:
            for n in steps:
                row = run_setup(setup, n, args, pg)
                rows.append(row)
                print(json.dumps(row), flush=True)
                if not row["ok"]:
                    break  # past this set-up's capacity: larger steps would only take longer
    finally:
        if pg:
            pg.stop()
    machine = (
        f"{platform.machine()}, {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    print(machine)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": machine, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
