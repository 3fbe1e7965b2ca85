"""Content loading with and without an organisation's folder layered over the kit's.

Every dashboard kernel loads its content at start and again on many redraws
(``content.load`` is called per screen), so the layer must cost little once cached.
Measures, in one process: the first full load of every document (cold caches) and a
warm ``load`` of one document, for the kit alone and with an organisation folder that
adds a case, replaces an idea and hides a case. Prints medians and the ratio.

    .venv/bin/python benchmarks/bench_content.py --runs 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from widgets import content


def organisation_folder(root: Path) -> Path:
    kit_case = yaml.safe_load((content.BUNDLED / "cases" / "billing-double-charge.yaml").read_text(encoding="utf-8"))
    kit_case["id"] = "acme-late-parcel"
    (root / "cases").mkdir(parents=True)
    (root / "cases" / "acme-late-parcel.yaml").write_text(
        yaml.safe_dump(kit_case, allow_unicode=True), encoding="utf-8"
    )
    idea = content.load_file(content.BUNDLED / "week" / "ideas.yaml")["ideas"][0]
    (root / "week").mkdir()
    layer = {"kind": "week-ideas", "ideas": [dict(idea, title={"fr": "Petit-déjeuner Acme", "en": "Acme breakfast"})]}
    (root / "week" / "ideas.yaml").write_text(yaml.safe_dump(layer, allow_unicode=True), encoding="utf-8")
    (root / "organisation.yaml").write_text(
        "kind: organisation\nhide:\n  cases: [wrong-advice-fine]\n", encoding="utf-8"
    )
    return root


def clear_caches() -> None:
    content._load_cached.cache_clear()
    content._layered.cache_clear()


def measure(runs: int) -> dict[str, float]:
    cold, warm = [], []
    for _ in range(runs):
        clear_caches()
        start = time.perf_counter()
        for name in content.names():
            content.load(name)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(1000):
            content.load("week/ideas")
        warm.append((time.perf_counter() - start) / 1000)
    return {"cold": statistics.median(cold), "warm": statistics.median(warm)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.pop("ELAN_CONTENT_DIR", None)
    kit = measure(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ELAN_CONTENT_DIR"] = str(organisation_folder(Path(tmp) / "acme"))
        layered = measure(args.runs)
    print(f"{'':24}{'kit alone':>12}{'with a folder':>16}{'ratio':>8}")
    for key, label in (("cold", "every document, cold"), ("warm", "one load, cached")):
        unit, scale = ("ms", 1e3) if key == "cold" else ("µs", 1e6)
        print(
            f"{label:24}{kit[key] * scale:>9.1f} {unit}{layered[key] * scale:>13.1f} {unit}{layered[key] / kit[key]:>8.2f}"
        )


if __name__ == "__main__":
    main()
