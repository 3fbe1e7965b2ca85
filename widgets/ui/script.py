"""The facilitator script for the console, read from the guide's own chapters (one source).

A chapter (``facilitator_guide/<lang>/<workshop>.md``, see ``facilitator_guide/FORMAT.md``)
has a script section whose steps are ``### N. Title (M min ...)`` headings, and a
debrief section. The console shows the step of the current phase, its planned minutes
and the debrief questions at the last step.

>>> script = Script.load("values", "en")
>>> script.steps[1].title
'2. Brainstorm (10 min: 5 to write, 5 to group)'
>>> script.steps[1].minutes, script.planned_minutes >= 60
(10, True)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import mistune

from widgets.core.paths import GUIDE

_MINUTES = re.compile(r"\((\d+)\s*min")
_DEBRIEF = re.compile(r"d[ée]brief", re.IGNORECASE)


@dataclass
class Step:
    title: str
    minutes: int | None
    lines: list[str] = field(default_factory=list)

    @property
    def html(self) -> str:
        """The step's text as HTML (the guide is the kit's own Markdown; its raw HTML is escaped)."""
        return _markdown("\n".join(self.lines))

    def next_line(self, after: int = 0) -> str:
        """A short line to read on the phone remote: the first 'Say' line, else the first line."""
        texts = [line.strip(" -*") for line in self.lines if line.strip()]
        for text in texts:
            if text.lower().startswith(("say", "à dire", "dire", "dites")):
                return _plain(text)
        return _plain(texts[0]) if texts else ""


@dataclass
class Script:
    workshop: str
    lang: str
    steps: list[Step]
    debrief: list[str]

    @property
    def planned_minutes(self) -> int:
        return sum(step.minutes or 0 for step in self.steps)

    @property
    def debrief_html(self) -> str:
        return _markdown("\n".join(self.debrief))

    def step(self, number: int) -> Step | None:
        """Step ``number`` (1-based), or None."""
        return self.steps[number - 1] if 0 < number <= len(self.steps) else None

    @classmethod
    def load(cls, workshop: str, lang: str, root: Path = GUIDE) -> Script:
        file = root / lang / f"{workshop}.md"
        return _parse(workshop, lang, file.read_text(encoding="utf-8") if file.is_file() else "")


@functools.lru_cache(maxsize=16)
def _parse(workshop: str, lang: str, text: str) -> Script:
    steps: list[Step] = []
    debrief: list[str] = []
    section = None  # "script", "debrief" or None
    for line in text.splitlines():
        if line.startswith("## "):
            section = "debrief" if _DEBRIEF.search(line) else ("script-maybe" if not steps else None)
            continue
        if line.startswith("### ") and section in ("script-maybe", "script") and re.match(r"### \d+\.", line):
            section = "script"
            title = line[4:].strip()
            found = _MINUTES.search(title)
            steps.append(Step(title, int(found.group(1)) if found else None))
            continue
        if section == "script" and steps:
            if not line.startswith("!["):  # the guide's screenshots stay in the guide
                steps[-1].lines.append(line)
        elif section == "debrief":
            debrief.append(line)
    return Script(workshop, lang, steps, debrief)


def _markdown(text: str) -> str:
    return mistune.create_markdown(escape=True)(text)


def _plain(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()
