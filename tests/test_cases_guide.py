"""The facilitator guide's cases chapter agrees with the cases: every case listed, timings that add up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from widgets import content
from widgets.live.exercises import casebook

GUIDE = Path(__file__).resolve().parent.parent / "facilitator_guide"
READING, DEBRIEF, LOW, PLANNED, HIGH = 3, 5, 5, 6, 8


def _rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 6 and re.search(r"\d+\s+min", cells[4]):
            rows[re.sub(r" \(\*\*.*\*\*\)", "", cells[0])] = cells
    return rows


@pytest.mark.parametrize("lang", content.REQUIRED)  # fr-CA reads the fr chapter (fr-CA/FALLBACK.md)
def test_every_case_is_in_the_timing_table_with_minutes_that_add_up(lang):
    rows = _rows((GUIDE / lang / "cases.md").read_text(encoding="utf-8"))
    cases = casebook.load_cases()
    assert len(rows) == len(cases)
    for case in cases:
        row = rows[content.text(case["title"], lang)]
        lengths = [len(w.path) for w in casebook.all_paths(case)]
        planned = int(re.search(r"\d+", row[4]).group())
        low, high = map(int, re.findall(r"\d+", row[5]))
        assert planned == case["minutes"] == READING + PLANNED * max(lengths) + DEBRIEF, case["id"]
        assert (low, high) == (READING + LOW * min(lengths) + DEBRIEF, READING + HIGH * max(lengths) + DEBRIEF), case[
            "id"
        ]
        assert str(case["difficulty"]) == row[2]


@pytest.mark.parametrize("lang", content.REQUIRED)  # fr-CA reads the fr chapter (fr-CA/FALLBACK.md)
def test_the_variants_fit_their_stated_durations(lang):
    text = (GUIDE / lang / "cases.md").read_text(encoding="utf-8").replace("\u00a0", " ").replace("\u202f", " ")
    variants = re.findall(r"^- \*\*(\d+) [^,]*, (\d+) min\s?:\*\* (.*)$", text, flags=re.M)
    assert [int(n) for n, _, _ in variants] == [5, 30, 200]
    for _, stated, body in variants:
        parts, total = re.search(r"total ([\d + ]+) = (\d+) min", body).groups()
        parts = [int(n) for n in parts.split("+")]
        assert sum(parts) == int(total) <= int(stated), body
        # Every case in a variant takes the table's time: 26 min at the planned pace, 23 min at 5 min a step.
        assert all(n in (5, 8, 10, 15, 23, 26) for n in parts), parts
