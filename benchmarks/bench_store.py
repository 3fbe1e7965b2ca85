"""Concurrent vote throughput of the store, on SQLite and on PostgreSQL.

Writer processes (as the server and the dashboard kernels are), each with threads
sharing one store, join a session and then, all at once, place a dot on each of
the session's cards through the engine. Prints the median votes per second over
several runs, with the machine it ran on.

    .venv/bin/python benchmarks/bench_store.py                  # both databases
    .venv/bin/python benchmarks/bench_store.py --runs 5 --only sqlite
    .venv/bin/python benchmarks/bench_store.py --database-url postgresql+psycopg://elan@db/elan_bench

Without ``--database-url``, PostgreSQL is a throwaway server (the tests' own, from
``tests/fixtures_pg.py``), started and stopped here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.core.settings import Settings  # noqa: E402
from widgets.live.engine import Engine  # noqa: E402
from widgets.live.store import Store  # noqa: E402


def writer(job: dict) -> None:
    """One writer process: join with every thread, say ready, wait for 'go', vote, report times."""
    engine = Engine(Store(job["url"], create=False), Settings(data_dir=job["data_dir"], trainer_key="unused"))
    tokens = [engine.join(job["code"])[1] for _ in range(job["threads"])]
    print("ready", flush=True)
    sys.stdin.readline()
    errors = []

    def vote(token: str) -> None:
        try:
            for card in job["cards"]:
                engine.submit(job["code"], token, "vote", {"item": card, "dots": 1})
        except Exception as error:  # reported to the parent: a failed vote spoils the figure
            errors.append(repr(error))

    threads = [threading.Thread(target=vote, args=(t,)) for t in tokens]
    start = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"start": start, "end": time.time(), "errors": errors}), flush=True)


def one_run(url: str, data_dir: str, processes: int, threads: int, votes: int) -> float:
    store = Store(url)
    engine = Engine(store, Settings(data_dir=data_dir, trainer_key="bench"))
    trainer = engine.authenticate("bench")
    code = engine.create_session(trainer, "brainstorm", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    cards = [engine.add_item(trainer, code, "ideas", f"carte {n}") for n in range(votes)]
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": votes})
    store.dispose()
    job = {"url": url, "code": code, "cards": cards, "threads": threads, "data_dir": data_dir}
    program = "import json, sys; from benchmarks.bench_store import writer; writer(json.loads(sys.argv[1]))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", program, json.dumps(job)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = [json.loads(proc.stdout.readline()) for proc in procs]
    for proc in procs:
        proc.wait()
    errors = [e for r in reports for e in r["errors"]]
    if errors:
        raise SystemExit(f"votes failed: {errors[:3]}")
    elapsed = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return processes * threads * votes / elapsed


def machine() -> str:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    gib = int(mem.split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} cores, {gib:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=25, help="writers per process")
    parser.add_argument("--votes", type=int, default=20, help="votes per writer (one dot on each of as many cards)")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--database-url", default="", help="an empty PostgreSQL database to use instead of a throwaway one"
    )
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"{args.processes} processes x {args.threads} writers x {args.votes} votes, median of {args.runs} runs")
    tmp = Path(tempfile.mkdtemp(prefix="elan-bench-"))
    if args.only != "postgres":
        rates = [
            one_run(f"sqlite:///{tmp / f'run{n}.sqlite3'}", str(tmp), args.processes, args.threads, args.votes)
            for n in range(args.runs)
        ]
        print(f"sqlite: {statistics.median(rates):.0f} votes/s (runs: {', '.join(f'{r:.0f}' for r in rates)})")
    if args.only != "sqlite":
        server = None
        if not args.database_url:
            from tests.fixtures_pg import PgServer, _bindir

            server = PgServer(_bindir())
            server.start()
        try:
            rates = []
            for n in range(args.runs):
                name = server.create_database() if server else None
                url = server.url(name) if server else args.database_url
                rates.append(one_run(url, str(tmp), args.processes, args.threads, args.votes))
                if server:
                    server.drop_database(name)
                elif n + 1 < args.runs:
                    raise SystemExit("with --database-url, use --runs 1 (each run needs an empty database)")
            print(f"postgres: {statistics.median(rates):.0f} votes/s (runs: {', '.join(f'{r:.0f}' for r in rates)})")
        finally:
            if server:
                server.stop()


if __name__ == "__main__":
    main()
