"""The metrics lab on a million tickets: importing an export file, then every metric, overall and by group.

    .venv/bin/python benchmarks/bench_metrics.py                  # 1,000,000 tickets, 5 runs of each
    .venv/bin/python benchmarks/bench_metrics.py --tickets 200000 --runs 3
    .venv/bin/python benchmarks/bench_metrics.py --only import

Generating the tickets and writing the files is not timed. Two measures:

- ``import``: what ``elan metrics FILE`` and the lab's "Use these columns" do, from
  the bytes of a CSV to every figure: ``read_export`` + ``import_tickets`` (columns
  guessed, every row checked, bad rows set aside) + ``compute_all``. Two files of the
  same tickets: the kit's own columns (commas, ISO dates, seconds), and a French
  Excel export (semicolons, decimal commas, day-first dates, handle time in minutes).
- ``lab``: what the lab computes when a trainer opens it on a data set: ``compute_all``
  and ``by`` for every metric by channel, week and team, and the AHT/FCR trap by week.

Prints each run and the median.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets.workshops.metrics import formulas as metrics  # noqa: E402
from widgets.workshops.metrics.tickets import import_tickets, read_export  # noqa: E402

GROUPS = ("channel", "week", "team")


def _make_tickets():
    spec = importlib.util.spec_from_file_location(
        "elan_ticket_generator", ROOT / "datasets" / "tickets" / "generate.py"
    )
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


def write_files(df, folder: Path) -> dict[str, Path]:
    """The tickets as the kit's CSV and as a French Excel export (not timed)."""
    kit = folder / "tickets.csv"
    df.to_csv(kit, index=False)
    french = df.rename(
        columns={
            "ticket_id": "N° de ticket",
            "customer_id": "Code client",
            "created_at": "Date de création",
            "first_response_at": "Date de première réponse",
            "resolved_at": "Date de clôture",
            "channel": "Canal",
            "team": "Équipe",
            "agent": "Conseiller",
            "handle_seconds": "DMT (min)",
            "contacts": "Nb contacts",
            "reopened": "Rouvert",
            "nps": "Note de recommandation",
            "csat": "Satisfaction",
            "ces": "Effort client",
            "qa_score": "Note qualité",
            "order_id": "N° de commande",
            "order_value": "Montant commande",
        }
    )
    for column in ("Date de création", "Date de première réponse", "Date de clôture"):
        french[column] = french[column].dt.strftime("%d/%m/%Y %H:%M")
    french["DMT (min)"] = (french["DMT (min)"] / 60).round(1)
    french["Rouvert"] = french["Rouvert"].map({True: "oui", False: "non"})
    path = folder / "tickets-fr.csv"
    french.to_csv(path, index=False, sep=";", decimal=",", encoding="cp1252")
    # A US export: month-first dates, decided from the whole column (its first rows fall on days 1-12).
    us = df[["ticket_id", "customer_id", "created_at", "resolved_at", "channel", "csat"]].copy()
    for column in ("created_at", "resolved_at"):
        us[column] = us[column].dt.strftime("%m/%d/%Y %H:%M")
    us_path = folder / "tickets-us.csv"
    us.to_csv(us_path, index=False)
    return {
        "kit CSV (commas, ISO dates, seconds)": kit,
        "French Excel CSV (semicolons, 7,5 min, 31/01/2024)": path,
        "US CSV (01/31/2024 month first, decided from the whole column)": us_path,
    }


def import_and_compute(path: Path) -> tuple[int, int]:
    result = import_tickets(read_export(path))
    figures = metrics.compute_all(result.tickets)
    return len(result.tickets), sum(f.ok for f in figures.values())


def timed(label: str, runs: int, work) -> float:
    """Wall-clock and CPU time of each run. The work is single-threaded (pandas' CSV parser, numpy), so on a
    machine shared with other jobs the CPU time is what the same run takes on an idle one; both are printed."""
    work()  # warm-up: first touches of the columns and numpy's code paths
    times, cpu = [], []
    for run in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        out = work()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"  {label} run {run + 1}: {times[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU, load {load:.1f} ({out})")
    median = statistics.median(times)
    print(
        f"  {label}: median {median:.2f} s wall (min {min(times):.2f}, max {max(times):.2f}), "
        f"median {statistics.median(cpu):.2f} s CPU (min {min(cpu):.2f}, max {max(cpu):.2f}) over {runs} runs"
    )
    return median


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("import", "lab"))
    args = parser.parse_args(argv)

    started = time.perf_counter()
    df = _make_tickets()(args.tickets, seed=args.seed)
    print(f"generated {len(df):,} tickets in {time.perf_counter() - started:.1f} s (not timed below)")
    if args.only != "lab":
        with tempfile.TemporaryDirectory() as folder:
            for label, path in write_files(df, Path(folder)).items():
                print(f"import + compute_all, {label}: {path.stat().st_size / 1e6:.0f} MB")
                timed("import", args.runs, lambda path=path: import_and_compute(path))
    if args.only != "import":
        print("lab on the imported tickets")
        timed("lab", args.runs, lambda: lab(df))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f}")


if __name__ == "__main__":
    main()
