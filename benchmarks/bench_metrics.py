"""The metrics lab on a million tickets: every metric, overall and by channel, week and team.

    .venv/bin/python benchmarks/bench_metrics.py                  # 1,000,000 tickets, 7 runs
    .venv/bin/python benchmarks/bench_metrics.py --tickets 200000 --runs 3

Generating the tickets is not timed; a run is what the lab does when a trainer
opens it on a data set: ``compute_all`` and ``by`` for every metric and grouping,
and the AHT/FCR trap by week. Prints each run and the median.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.workshops.metrics import formulas as metrics  # noqa: E402

GROUPS = ("channel", "week", "team")


def _make_tickets():
    spec = importlib.util.spec_from_file_location("elan_ticket_generator", ROOT / "datasets" / "tickets" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_tickets


def lab(df) -> int:
    """Everything the lab computes; returns how many tables and figures it produced."""
    produced = len(metrics.compute_all(df))
    for metric in metrics.METRICS:
        for group in GROUPS:
            metrics.by(df, metric, group)
            produced += 1
    metrics.aht_fcr_trap(df, "week")
    return produced + 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    df = _make_tickets()(args.tickets, seed=args.seed)
    print(f"generated {len(df):,} tickets in {time.perf_counter() - started:.1f} s (not timed below)")
    lab(df)  # warm-up: first touches of the columns and numpy's code paths
    times = []
    for run in range(args.runs):
        started = time.perf_counter()
        produced = lab(df)
        times.append(time.perf_counter() - started)
        print(f"run {run + 1}: {times[-1]:.2f} s ({produced} results)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median {statistics.median(times):.2f} s over {args.runs} runs; min {min(times):.2f} s, max {max(times):.2f} s")
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f}")


if __name__ == "__main__":
    main()
