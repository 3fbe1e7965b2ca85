"""Votes into one session: server CPU per vote and votes per second, grouped or one transaction each.

A real ``elan serve`` process on SQLite (or PostgreSQL), phones played by this folder's
light client (``loadclient.Room``) on loopback. The phones join (not timed), then each
places ``--dots`` dots, one round after another, the room sending ``--rate`` votes per
second (and joining at that rate). Each mode (``ELAN_GROUP_COMMIT_MAX``: the server's group commit, or 0 for one
transaction per vote) runs on a fresh server and store. Prints, per mode: votes
acknowledged, votes per second over the voting, the server's CPU milliseconds per vote,
and the answer's latency (p50, p95).

    .venv/bin/python benchmarks/bench_votes.py                            # 3,000 phones x 5 dots at 1,000/s
    .venv/bin/python benchmarks/bench_votes.py -n 500 --rate 500 --modes grouped
    .venv/bin/python benchmarks/bench_votes.py --postgres --server-cpus 0 --client-cpus 1

With ``--postgres`` the store is a throwaway PostgreSQL server (the tests' own, from
``tests/fixtures_pg.py``), a fresh database per mode. Take figures on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from bench_load import KEY, Server, pct  # noqa: E402  (this folder's server runner)
from loadclient import Room  # noqa: E402

#: The server's setting per mode: its group commit's batch bound, or 0 for one transaction per vote.
MODES = {"grouped": "200", "single": "0"}


async def prepare(base_url: str, cards: int, budget: int) -> tuple[str, list]:
    """A session with ``cards`` ideas and a dot vote open on them (``budget`` dots each)."""
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
        spec = {"kind": "dots", "id": "vote", "source": "ideas", "budget": budget}
        await http.post(f"s/{code}/trainer/open", headers=trainer, json={"spec": spec})
    return code, items


async def one_mode(mode: str, args, database_url: str | None) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"elan-bench-votes-{mode}-"))
    env = {"ELAN_MAX_PARTICIPANTS": str(args.n + 10), "ELAN_GROUP_COMMIT_MAX": MODES[mode]}
    if database_url:
        env["ELAN_DATABASE_URL"] = database_url
    server = Server(data_dir, env, cpus=args.server_cpus)
    client_cpus = {int(c) for c in args.client_cpus.split(",")} if args.client_cpus else None
    room = Room(args.client_procs, client_cpus)
    try:
        server.wait_ready()
        code, items = await prepare(server.url, max(args.cards, args.dots), args.dots)
        # The phones vote at the rate they joined with (loadclient keeps it): no live feeds, only votes.
        joined = await room.join(server.url, code, args.n, args.rate, 0, time.monotonic() + 0.5)
        # One round per dot: phone i sets a dot on a card no earlier round gave it.
        latencies, errors, acked = [], list(joined["errors"]), 0
        cpu0, wall0 = server.cpu_seconds(), time.monotonic()
        for round_ in range(args.dots):
            turned = items[round_:] + items[:round_]
            # Phone i votes at i / rate after the round's start: ``--rate`` votes per second in all.
            voted = await room.vote("vote", turned, {"dots": 1}, time.monotonic() + 0.05)
            latencies += voted["votes"]
            errors += voted["errors"]
            acked += len(voted["votes"])
        wall, cpu = time.monotonic() - wall0, server.cpu_seconds() - cpu0
        return {
            "mode": mode,
            "store": "postgresql" if database_url else "sqlite",
            "phones": args.n - len(joined["errors"]),
            "votes_acknowledged": acked,
            "errors": len(errors),
            "first_error": errors[0] if errors else "",
            "votes_per_s": round(acked / wall, 1),
            "server_cpu_ms_per_vote": round(1000 * cpu / max(acked, 1), 3),
            "vote_p50_ms": round(1000 * pct(latencies, 50), 1),
            "vote_p95_ms": round(1000 * pct(latencies, 95), 1),
            "server_peak_rss_mb": round(server.peak_rss / 2**20, 1),
        }
    finally:
        await room.close()
        server.stop()


async def run(args, database_urls: list[str | None]) -> list[dict]:
    return [await one_mode(mode, args, url) for mode, url in zip(args.modes, database_urls)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=3000, help="phones (at most 5,000)")
    p.add_argument("--dots", type=int, default=5, help="dots each phone places (one vote each)")
    p.add_argument("--rate", type=float, default=1000, help="votes per second the room sends")
    p.add_argument("--cards", type=int, default=10, help="cards to vote on")
    p.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES), help="which modes to run")
    p.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL server instead of SQLite")
    p.add_argument("--server-cpus", help="pin the server to these cores (taskset list, e.g. 0)")
    p.add_argument("--client-cpus", help="pin the phones' processes to these cores (e.g. 1)")
    p.add_argument("--client-procs", type=int, default=2, help="processes playing the phones between them")
    p.add_argument("--timeout", type=float, default=600, help="stop everything after this many seconds")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    args.n = max(1, min(args.n, 5000))
    args.dots = max(1, min(args.dots, 50))

    pg = None
    urls: list[str | None] = [None] * len(args.modes)
    if args.postgres:
        from tests.fixtures_pg import PgServer, _bindir

        pg = PgServer(_bindir())
        pg.start()
        urls = [pg.url(pg.create_database()) for _ in args.modes]
    try:
        results = asyncio.run(asyncio.wait_for(run(args, urls), args.timeout))
    except TimeoutError:
        print(f"stopped after {args.timeout} s", file=sys.stderr)
        return 1
    finally:
        if pg:
            pg.stop()
    machine = (
        f"{platform.machine()}, {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, load {psutil.getloadavg()[0]:.1f}"
    )
    print(f"machine: {machine}; {args.n} phones x {args.dots} dots at {args.rate:.0f} votes/s offered")
    for out in results:
        width = max(len(k) for k in out)
        for key, value in out.items():
            print(f"{key:<{width}}  {value}")
        print()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"machine": machine, "runs": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
