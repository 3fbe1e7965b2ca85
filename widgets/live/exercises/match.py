"""Matching: for each row (a value, a metric), participants tick the columns that fit.

>>> score({"speed": ["FRT", "AHT"], "quality": ["CSAT"]}, {"speed": ["FRT", "AHT"], "quality": ["FCR", "CSAT"]})
{'correct': 3, 'missed': 1, 'extra': 0, 'score': 75, 'rows': {'speed': {'missed': [], 'extra': []}, 'quality': {'missed': ['FCR'], 'extra': []}}}
"""

from __future__ import annotations

from widgets.live.kinds import Context, Exercise, require


def score(answer: dict[str, list[str]], reference: dict[str, list[str]]) -> dict:
    """Compare a matching with the reference; the score is correct ticks over (reference + extra ticks)."""
    correct = missed = extra = 0
    rows = {}
    for row, expected in reference.items():
        given = set(answer.get(row, []))
        expected_set = set(expected)
        row_missed = sorted(expected_set - given, key=expected.index)
        row_extra = sorted(given - expected_set)
        correct += len(given & expected_set)
        missed += len(row_missed)
        extra += len(row_extra)
        rows[row] = {"missed": row_missed, "extra": row_extra}
    total = correct + missed + extra
    return {
        "correct": correct,
        "missed": missed,
        "extra": extra,
        "score": round(100 * correct / total) if total else 0,
        "rows": rows,
    }


def explain(feedback: dict, reference: dict[str, list[str]], answer: dict) -> dict:
    """Why each missed or extra tick differs from the reference, from the spec's ``answer``.

    ``answer`` holds ``reasons`` (``{row: {column: text}}`` for every reference link)
    and optionally ``unmatched`` (``{column or row: text}``: why it is linked to
    nothing). A missed tick gets the link's reason; an extra tick gets the
    ``unmatched`` reason, else the rows the reference links that column to, with
    their reasons. Returns ``{row: {"missed": {column: text}, "extra": {column:
    {"reason": text or None, "elsewhere": [{"row", "reason"}]}}}}``.

    >>> fb = score({"speed": ["CSAT"]}, {"speed": ["FRT"], "quality": ["CSAT"]})
    >>> explain(fb, {"speed": ["FRT"], "quality": ["CSAT"]}, {"reasons": {"speed": {"FRT": "fast"}, "quality": {"CSAT": "verdict"}}})["speed"]
    {'missed': {'FRT': 'fast'}, 'extra': {'CSAT': {'reason': None, 'elsewhere': [{'row': 'quality', 'reason': 'verdict'}]}}}
    """
    reasons, unmatched = answer.get("reasons") or {}, answer.get("unmatched") or {}
    out = {}
    for row, diff in feedback["rows"].items():
        missed = {col: reasons.get(row, {}).get(col) for col in diff["missed"]}
        extra = {}
        for col in diff["extra"]:
            elsewhere = [
                {"row": other, "reason": reasons.get(other, {}).get(col)}
                for other, cols in reference.items()
                if other != row and col in cols
            ]
            extra[col] = {"reason": unmatched.get(col) or unmatched.get(row), "elsewhere": elsewhere}
        if missed or extra:
            out[row] = {"missed": missed, "extra": extra}
    return out


def heat(answers: list[tuple[str, list[str]]], rows: list[str], columns: list[str]) -> dict:
    """Counts per row and column, and how many participants answered each row."""
    counts = {row: dict.fromkeys(columns, 0) for row in rows}
    answered = dict.fromkeys(rows, 0)
    for row, chosen in answers:
        if row not in counts:
            continue
        answered[row] += 1
        for col in set(chosen):
            if col in counts[row]:
                counts[row][col] += 1
    return {"counts": counts, "answered": answered}


class Match(Exercise):
    """Spec: ``{"kind": "match", "id": ..., "rows": [{"id","label"}], "columns": [{"id","label"}],
    "reference": {row: [columns]} (optional, shown only once revealed),
    "answer": {"reasons": ..., "unmatched": ...} (optional: why, see :func:`explain`)}``."""

    kind = "match"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        require(isinstance(spec.get("rows"), list) and spec["rows"], "rows")
        require(isinstance(spec.get("columns"), list) and spec["columns"], "columns")

    def submit(self, ctx: Context, payload: dict) -> dict:
        row, chosen = payload.get("row"), payload.get("columns")
        require(row in [r["id"] for r in ctx.spec["rows"]], "row")
        columns = [c["id"] for c in ctx.spec["columns"]]
        require(isinstance(chosen, list) and all(c in columns for c in chosen), "columns")
        value = sorted(set(chosen), key=columns.index)
        if ctx.my_responses().get(row) == value:
            return {"row": row, "columns": value, "changed": False}
        ctx.put(row, value)
        ctx.emit("answer", {"activity": ctx.activity, "row": row}, public=ctx.revealed)
        return {"row": row, "columns": value, "changed": True}

    def view(self, ctx: Context) -> dict:
        mine = ctx.my_responses()
        out = {"mine": mine}
        if ctx.revealed and ctx.spec.get("reference"):
            out["feedback"] = score(mine, ctx.spec["reference"])
            answer = ctx.spec.get("answer")
            if isinstance(answer, dict) and answer.get("reasons"):
                out["reasons"] = explain(out["feedback"], ctx.spec["reference"], answer)
        return out

    def results(self, ctx: Context) -> dict:
        rows = [r["id"] for r in ctx.spec["rows"]]
        columns = [c["id"] for c in ctx.spec["columns"]]
        out = heat([(r["key"], r["value"]) for r in ctx.responses()], rows, columns)
        out["participants"] = len({r["participant_id"] for r in ctx.responses()})
        return out

    def projection(self, ctx: Context) -> dict:
        """Per row, the share of the room that ticked each column, with the rows' and columns' own labels."""
        out = self.results(ctx)
        reference = ctx.spec.get("reference") or {}
        label = lambda item: {"label": item.get("label", ""), "name": item.get("name")}
        columns = {c["id"]: label(c) for c in ctx.spec["columns"]}
        rows = []
        for row in ctx.spec["rows"]:
            n = out["answered"][row["id"]]
            cells = [
                {
                    **columns[col],
                    "count": count,
                    "share": round(100 * count / n) if n else 0,
                    "reference": col in reference.get(row["id"], []),
                }
                for col, count in out["counts"][row["id"]].items()
            ]
            cells = [c for c in cells if c["count"] or c["reference"]]
            cells.sort(key=lambda c: -c["count"])
            rows.append({**label(row), "answered": n, "cells": cells})
        return {"rows": rows, "participants": out["participants"]}
