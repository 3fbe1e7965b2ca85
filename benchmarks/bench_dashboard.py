"""How fast a dashboard becomes visible, and how the server's memory behaves over many renders.

Starts a real ``elan serve`` on loopback, opens pages in Debian's chromium and
reports medians: cold (new browser profile) and warm (cached static files) time
to the first visible heading, bytes on the wire, and the server's resident
memory after N renders (closed tabs leave kernels that the culler stops later).

    .venv/bin/python benchmarks/bench_dashboard.py --renders 20
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "widgets.ops.cli",
            "serve",
            "--port",
            str(port),
            "--ip",
            "127.0.0.1",
            "--data-dir",
            data,
            "--trainer-key",
            "bench",
            "--public-url",
            f"http://127.0.0.1:{port}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/elan/api/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


def tree_rss(pid: int) -> tuple[int, int]:
    """Resident memory of the server process alone, and of it with its kernels (bytes)."""
    parent = psutil.Process(pid)
    kids = parent.children(recursive=True)
    return parent.memory_info().rss, parent.memory_info().rss + sum(k.memory_info().rss for k in kids)


def measure(url: str, selector: str, renders: int, pid: int) -> dict:
    cold, warm, wire = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(3):
            ctx = browser.new_context()
            page = ctx.new_page()
            sizes = []
            page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(selector, timeout=60000)
            cold.append(time.perf_counter() - t0)
            wire.append(sum(sizes))
            ctx.close()
        ctx = browser.new_context()
        rss_start = tree_rss(pid)
        for _ in range(renders):
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(selector, timeout=60000)
            warm.append(time.perf_counter() - t0)
            page.close()
        rss_end = tree_rss(pid)
        browser.close()
    return {
        "cold_median_s": round(statistics.median(cold), 2),
        "warm_median_s": round(statistics.median(warm), 2),
        "wire_bytes": int(statistics.median(wire)),
        "server_rss_mb": (round(rss_start[0] / 2**20), round(rss_end[0] / 2**20)),
        "with_kernels_rss_mb": (round(rss_start[1] / 2**20), round(rss_end[1] / 2**20)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        help="notebook path under workshops/ (default: index and every trainer dashboard)",
    )
    args = parser.parse_args()
    pages = args.page or ["index.ipynb"] + sorted(
        str(p.relative_to(ROOT / "workshops")) for p in (ROOT / "workshops").glob("*/trainer.ipynb")
    )
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        proc = start_server(data, port)
        try:
            print(f"machine: {os.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB")
            for nb in pages:
                url = f"http://127.0.0.1:{port}/voila/render/{nb}?key=bench&lang=en"
                print(nb, measure(url, ".elan-title", args.renders, proc.pid), flush=True)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
