"""One source for durations and group sizes: the guide's step timings, checked against the workshop list."""

from __future__ import annotations

import re

import pytest

from widgets import content
from widgets.core.paths import GUIDE

WORKSHOPS = content.load("workshops")["workshops"]
NUMBER = r"(\d+)(?:\s*(?:à|to|-)\s*(\d+))?"  # \s: a no-break space before "min" too


def _header(text: str) -> dict:
    """Teaching and exercise minutes, the total range and the group's numbers from a chapter's box."""
    box = " ".join(line for line in text.splitlines()[:6] if line.startswith(">"))
    box = box.replace("\u00a0", " ").replace("*", "")
    teaching = re.search(r"(?:Enseignement|Teaching)\s*:\s*(\d+)\s+min", box)
    exercises = re.search(r"(?:Exercices|Exercises)\s*:\s*" + NUMBER + r"\s+min", box)
    total = re.search(r"(?:Durée totale|Total)\s*:\s*" + NUMBER + r"\s+min", box)
    group = re.search(r"(?:Groupe|Group)\s*:\s*([^·>]*)", box)
    assert teaching and exercises and total and group, f"the box must give teaching, exercises, total and group: {box}"
    return {
        "work": int(teaching.group(1)) + int(exercises.group(1)),
        "total": (int(total.group(1)), int(total.group(2) or total.group(1))),
        "group": sorted(int(n) for n in re.findall(r"\d+", group.group(1))),
    }


def _steps(text: str) -> list[tuple[int, int]]:
    """Each numbered step's minutes (low, high), from its heading: ``### 3. Le vote (5 min)``."""
    out = []
    for heading in re.findall(r"^### \d+\..*$", text, flags=re.M):
        m = re.search(r"\(" + NUMBER + r"\s+min", heading)
        assert m, f"a step gives its minutes: {heading}"
        out.append((int(m.group(1)), int(m.group(2) or m.group(1))))
    return out


def _chapters():
    for workshop in WORKSHOPS:
        for lang in ("fr", "en", "fr-CA"):
            file = GUIDE / lang / workshop["guide"]
            # The cases chapter times each case by group size (5, 30, 200 people); its own test,
            # tests/test_cases_guide.py, ties those timings to the manifests.
            if file.is_file() and workshop["id"] != "cases":
                yield pytest.param(workshop, file, id=f"{workshop['id']}-{lang}")


@pytest.mark.parametrize("workshop, file", list(_chapters()))
def test_the_steps_add_up_to_the_box_and_the_box_matches_the_workshop_list(workshop, file):
    text = file.read_text(encoding="utf-8")
    header, steps = _header(text), _steps(text)
    low, high = sum(s[0] for s in steps), sum(s[1] for s in steps)
    assert low <= header["work"] <= high, (
        f"{file.name}: steps add up to {low}-{high} min, the box says {header['work']}"
    )
    listed = tuple(int(n) for n in workshop["minutes"].split("-"))
    assert header["total"] == listed, f"{file.name}: total {header['total']} but its manifest says {listed}"
    assert listed[0] <= low and high <= listed[1], f"{file.name}: steps {low}-{high} min outside {listed}"
    for lang in ("fr", "en"):
        numbers = sorted(int(n) for n in re.findall(r"\d+", content.text(workshop["group"], lang)))
        assert header["group"] == numbers, f"{file.name}: group {header['group']} but its manifest says {numbers}"
