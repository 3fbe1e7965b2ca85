"""The facilitator script for the console, read from the guide's own chapters (one source).

A chapter (``facilitator_guide/<lang>/<workshop>.md``, see ``facilitator_guide/FORMAT.md``)
has a script section whose steps are ``### N. Title (M min ...)`` headings, and a
debrief section. The console shows the step of the current phase, its planned minutes
and the debrief questions at the step that holds the debrief (else the last).

A regional variant writes only the chapters that differ (``fr-CA/FALLBACK.md``): the others
are read from its fallback (``languages.chain``) in the variant's words, as the guide's pages do.

>>> script = Script.load("values", "en")
>>> script.steps[1].title
'2. Brainstorm (10 min: 5 to write, 5 to group)'
>>> script.steps[1].minutes, script.planned_minutes >= 60
(10, True)
>>> Script.load("cases", "fr-CA").source
'fr'
>>> Script.load("cases", "en").planned(per_step=4) - Script.load("cases", "en").planned(per_step=3)
5
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import mistune

from widgets.core import glossary
from widgets.core.languages import chain
from widgets.core.paths import GUIDE

#: A step's minutes, the lower figure of a range ("5 to 8 min"), as the day's agenda counts them.
_MINUTES = re.compile(r"\((\d+)(?:\s*(?:to|à|-)\s*\d+)?\s*min")
_DEBRIEF = re.compile(r"d[ée]brief", re.IGNORECASE)
#: A step timed "per step" (the cases chapter) is played once per step of the case.
_PER_STEP = re.compile(r"\b(per step|par étape)\b")


@dataclass
class Step:
    number: int
    title: str
    minutes: int | None
    per_step: bool = False
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
    source: str = ""  # the language whose chapter was read (``fr`` for a fr-CA chapter the guide does not write)

    @property
    def planned_minutes(self) -> int:
        return self.planned()

    def planned(self, per_step: int = 1) -> int:
        """The chapter's minutes, a step timed "per step" counted ``per_step`` times (a case's steps)."""
        return sum((step.minutes or 0) * (per_step if step.per_step else 1) for step in self.steps)

    @property
    def debrief_step(self) -> int:
        """The step during which the debrief questions are asked: the one named for it, else the last."""
        named = [step.number for step in self.steps if _DEBRIEF.search(step.title)]
        return named[-1] if named else len(self.steps)

    @property
    def debrief_html(self) -> str:
        return _markdown("\n".join(self.debrief))

    def step(self, number: int) -> Step | None:
        """Step ``number`` (1-based), or None."""
        return self.steps[number - 1] if 0 < number <= len(self.steps) else None

    @classmethod
    def load(cls, workshop: str, lang: str, root: Path = GUIDE) -> Script:
        """The chapter in ``lang``, else in its fallback put in ``lang``'s words; no steps when none is written."""
        for code in chain(lang):
            file = root / code / f"{workshop}.md"
            if file.is_file():
                text = file.read_text(encoding="utf-8")
                if code != lang:
                    text = glossary.localize(text, lang)  # the fallback chapter in the variant's words
                return _parse(workshop, lang, text, code)
        return _parse(workshop, lang, "", "")


@functools.lru_cache(maxsize=32)
def _parse(workshop: str, lang: str, text: str, source: str) -> Script:
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
            minutes = int(found.group(1)) if found else None
            steps.append(Step(len(steps) + 1, title, minutes, bool(_PER_STEP.search(title))))
            continue
        if section == "script" and steps:
            if not line.startswith("!["):  # the guide's screenshots stay in the guide
                steps[-1].lines.append(line)
        elif section == "debrief":
            debrief.append(line)
    return Script(workshop, lang, steps, debrief, source)


def _markdown(text: str) -> str:
    return mistune.create_markdown(escape=True)(text)


def _plain(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip()
