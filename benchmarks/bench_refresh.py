"""A dashboard kernel through many refreshes: live widgets and memory stay flat.

Builds a workshop's trainer dashboard in demo mode (its own in-memory store, sample
answers), shows a step and redraws it ``--refreshes`` times the way the live poller
does (one read of the session, then the step's redraw), counting ipywidgets' live
widget instances and the process's resident memory as it goes.

    .venv/bin/python benchmarks/bench_refresh.py                       # values, every step, 500 refreshes
    .venv/bin/python benchmarks/bench_refresh.py --workshop week --refreshes 200
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

import psutil
from ipywidgets.widgets.widget import _instances

from widgets.content import manifests


def measure(dash, index: int, refreshes: int) -> dict:
    dash.go(index, force=True)
    me = psutil.Process()
    marks = {}
    for i in range(refreshes + 1):
        if i % max(1, refreshes // 5) == 0:
            gc.collect()
            marks[i] = (len(_instances), me.memory_info().rss / 2**20)
        dash._reload()
        dash.refresh()
    first, last = marks[0], marks[max(marks)]
    return {
        "step": dash.phase.id,
        "widgets": [m[0] for m in marks.values()],
        "rss_mb": [round(m[1], 1) for m in marks.values()],
        "widget_growth": last[0] - first[0],
        "rss_growth_mb": round(last[1] - first[1], 1),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workshop", default="values", choices=manifests.ids("workshop"))
    p.add_argument("--refreshes", type=int, default=500)
    args = p.parse_args(argv)
    module = importlib.import_module(f"widgets.workshops.{args.workshop}.dashboard")
    dash = module.trainer_dashboard("en")
    for index in range(len(dash.phases)):
        row = measure(dash, index, args.refreshes)
        print(
            f"{row['step']:<14} widgets {row['widgets']}  growth {row['widget_growth']:>6}   "
            f"RSS MB {row['rss_mb']}  growth {row['rss_growth_mb']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
