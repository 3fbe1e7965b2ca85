"""Checks of the metrics catalogue and the matching rounds that their schemas cannot express."""

from __future__ import annotations

from collections import Counter

from widgets import content
from widgets.core.messages import Message

CATALOGUE = "metrics/metrics"


def _unique(items: list[dict], key: str, where: tuple) -> list[tuple[tuple, Message]]:
    counts = Counter(item[key] for item in items)
    return [
        ((*where, i, key), Message("metrics_checks.repeated", field=key, value=item[key], n=counts[item[key]]))
        for i, item in enumerate(items)
        if counts[item[key]] > 1
    ]


def _known_metrics() -> set[str] | None:
    """Ids of the metrics catalogue in use (the organisation's when it has one), or None if it does not load."""
    try:
        return {m["id"] for m in content.load(CATALOGUE)["metrics"]}
    except (content.ContentError, FileNotFoundError):
        return None


def _unknown(metric: str) -> Message:
    return Message("metrics_checks.unknown_metric", metric=metric, file=f"{CATALOGUE}.yaml")


@content.check("metrics")
def check_catalogue(data: dict) -> list[tuple[tuple, Message]]:
    # Imported here, not above: the formulas need pandas (about 0.5 s), which a check of
    # the catalogue's other fields, run whenever any metrics content loads, does not.
    from widgets.workshops.metrics.formulas import METRICS

    problems = _unique(data["metrics"], "id", ("metrics",))
    for i, metric in enumerate(data["metrics"]):
        if metric.get("computed") and metric["id"] not in METRICS:
            problems.append(
                (
                    ("metrics", i, "computed"),
                    Message("metrics_checks.no_formula", metric=metric["id"], computed=", ".join(METRICS)),
                )
            )
    return problems


@content.check("matching")
def check_matching(data: dict) -> list[tuple[tuple, Message]]:
    known = _known_metrics()
    if known is None:
        return [((), Message("metrics_checks.catalogue_broken", file=f"{CATALOGUE}.yaml"))]
    problems = []
    for name in ("values", "teams"):
        problems += _check_round(data[name], (name,), known)
    return problems


def _check_round(rnd: dict, where: tuple, known: set[str]) -> list[tuple[tuple, Message]]:
    problems = _unique(rnd["items"], "id", (*where, "items"))
    offered = rnd["metrics"]
    for i, metric in enumerate(offered):
        if metric not in known:
            problems.append(((*where, "metrics", i), _unknown(metric)))
    linked: set[str] = set()
    for i, item in enumerate(rnd["items"]):
        problems += _unique(item["links"], "metric", (*where, "items", i, "links"))
        for j, link in enumerate(item["links"]):
            path = (*where, "items", i, "links", j, "metric")
            if link["metric"] not in known:
                problems.append((path, _unknown(link["metric"])))
            elif link["metric"] not in offered:
                problems.append((path, Message("metrics_checks.linked_not_offered", metric=link["metric"])))
            linked.add(link["metric"])
    unmatched = rnd.get("unmatched", [])
    problems += _unique(unmatched, "metric", (*where, "unmatched"))
    for i, entry in enumerate(unmatched):
        path = (*where, "unmatched", i, "metric")
        if entry["metric"] not in offered:
            problems.append((path, Message("metrics_checks.not_offered", metric=entry["metric"])))
        elif entry["metric"] in linked:
            problems.append((path, Message("metrics_checks.linked_and_unmatched", metric=entry["metric"])))
    explained = linked | {entry["metric"] for entry in unmatched}
    for i, metric in enumerate(offered):
        if metric in known and metric not in explained:
            # The debrief explains every column of the heatmap; a silent one would leave the trainer guessing.
            problems.append(
                (
                    (*where, "metrics", i),
                    Message("metrics_checks.unexplained", metric=metric),
                )
            )
    return problems


@content.check("values-brainstorm")
def check_value_metrics(data: dict) -> list[tuple[tuple, Message]]:
    """The brainstorm's values point to metrics of the catalogue (the two workshops are linked)."""
    known = _known_metrics()
    if known is None:
        return []
    return [
        (("values", i, "metrics", j), _unknown(metric))
        for i, value in enumerate(data.get("values", []))
        for j, metric in enumerate(value.get("metrics") or [])
        if metric not in known
    ]
