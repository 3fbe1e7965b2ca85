"""Checks of the metrics catalogue and the matching rounds that their schemas cannot express."""

from __future__ import annotations

from collections import Counter

from widgets import content

CATALOGUE = "metrics/metrics"


def _unique(items: list[dict], key: str, where: tuple) -> list[tuple[tuple, str]]:
    counts = Counter(item[key] for item in items)
    return [
        ((*where, i, key), f"{key} '{item[key]}' is used {counts[item[key]]} times; it must be unique")
        for i, item in enumerate(items)
        if counts[item[key]] > 1
    ]


def _known_metrics() -> set[str] | None:
    """Ids of the metrics catalogue in use (the organisation's when it has one), or None if it does not load."""
    try:
        return {m["id"] for m in content.load(CATALOGUE)["metrics"]}
    except (content.ContentError, FileNotFoundError):
        return None


@content.check("metrics")
def check_catalogue(data: dict) -> list[tuple[tuple, str]]:
    # Imported here, not above: the formulas need pandas (about 0.5 s), which a check of
    # the catalogue's other fields, run whenever any metrics content loads, does not.
    from widgets.workshops.metrics.formulas import METRICS

    problems = _unique(data["metrics"], "id", ("metrics",))
    for i, metric in enumerate(data["metrics"]):
        if metric.get("computed") and metric["id"] not in METRICS:
            problems.append(
                (
                    ("metrics", i, "computed"),
                    f"'{metric['id']}' is marked computed but the lab has no formula for it "
                    f"(it computes {', '.join(METRICS)})",
                )
            )
    return problems


@content.check("matching")
def check_matching(data: dict) -> list[tuple[tuple, str]]:
    known = _known_metrics()
    if known is None:
        return [((), f"the metrics catalogue '{CATALOGUE}.yaml' does not load; fix it first")]
    problems = []
    for name in ("values", "teams"):
        problems += _check_round(data[name], (name,), known)
    return problems


def _check_round(rnd: dict, where: tuple, known: set[str]) -> list[tuple[tuple, str]]:
    problems = _unique(rnd["items"], "id", (*where, "items"))
    offered = rnd["metrics"]
    for i, metric in enumerate(offered):
        if metric not in known:
            problems.append(((*where, "metrics", i), f"unknown metric '{metric}' (not in {CATALOGUE}.yaml)"))
    linked: set[str] = set()
    for i, item in enumerate(rnd["items"]):
        problems += _unique(item["links"], "metric", (*where, "items", i, "links"))
        for j, link in enumerate(item["links"]):
            path = (*where, "items", i, "links", j, "metric")
            if link["metric"] not in known:
                problems.append((path, f"unknown metric '{link['metric']}' (not in {CATALOGUE}.yaml)"))
            elif link["metric"] not in offered:
                problems.append((path, f"'{link['metric']}' is linked but not offered in this round's metrics"))
            linked.add(link["metric"])
    unmatched = rnd.get("unmatched", [])
    problems += _unique(unmatched, "metric", (*where, "unmatched"))
    for i, entry in enumerate(unmatched):
        path = (*where, "unmatched", i, "metric")
        if entry["metric"] not in offered:
            problems.append((path, f"'{entry['metric']}' is not offered in this round's metrics"))
        elif entry["metric"] in linked:
            problems.append((path, f"'{entry['metric']}' is linked above; it cannot also be unmatched"))
    explained = linked | {entry["metric"] for entry in unmatched}
    for i, metric in enumerate(offered):
        if metric in known and metric not in explained:
            # The debrief explains every column of the heatmap; a silent one would leave the trainer guessing.
            problems.append(
                (
                    (*where, "metrics", i),
                    f"'{metric}' is offered but neither linked nor listed under unmatched with a reason",
                )
            )
    return problems


@content.check("values-brainstorm")
def check_value_metrics(data: dict) -> list[tuple[tuple, str]]:
    """The brainstorm's values point to metrics of the catalogue (the two workshops are linked)."""
    known = _known_metrics()
    if known is None:
        return []
    return [
        (("values", i, "metrics", j), f"unknown metric '{metric}' (not in {CATALOGUE}.yaml)")
        for i, value in enumerate(data.get("values", []))
        for j, metric in enumerate(value.get("metrics") or [])
        if metric not in known
    ]
