"""The workshops' manifests: each workshop declared once, in ``widgets/workshops/<id>/workshop.yaml``.

A manifest names everything that makes a workshop: its titles, the trainer dashboard's steps and
their exercise kinds, the content files it reads, its notebooks, its guide chapters, its
translation files and the session report's sections it adds. The loader
(``content.load("workshops")``), the landing page, the import contracts
(``python -m widgets.ops.contracts``), the benchmarks, the tests' parametrisation and
``docs/ARCHITECTURE.md`` read it; ``tests/test_manifests.py`` fails when a part disagrees.

>>> [m.id for m in workshops()]
['values', 'metrics', 'cases', 'week']
>>> [m.id for m in programme()]
['day']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from widgets import content

__all__ = ["Manifest", "Step", "every", "get", "ids", "programme", "workshops"]

Layer = Literal["workshop", "programme"]


@dataclass(frozen=True)
class Step:
    """One step of a trainer dashboard: its id and the exercise kind participants see (None: they wait).

    ``also`` lists the kinds the step opens as it goes on (a case's context, then its steps, then its
    ending card), so each kind the workshop shows is declared.
    """

    id: str
    kind: str | None = None
    also: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str | None, ...]:
        return (self.kind, *self.also)


@dataclass(frozen=True)
class Manifest:
    """One workshop, as its ``workshop.yaml`` declares it."""

    id: str
    layer: Layer
    order: int
    title: dict[str, str]
    purpose: dict[str, str]
    minutes: str | None
    """The length in minutes (``"45-60"``); a programme gives ``length`` in words instead."""
    length: dict[str, str] | None
    group: dict[str, str] | None
    notebooks: tuple[str, ...]
    """Every notebook below ``workshops/``: the trainer dashboard first, then the solo one, then the others."""
    dashboard: str
    solo: str | None
    guide: tuple[str, ...]
    content: tuple[str, ...]
    locales: tuple[str, ...]
    steps: tuple[Step, ...]
    report_sections: tuple[str, ...]
    file: Path

    @property
    def package(self) -> str:
        """The Python package holding the workshop's code."""
        return f"widgets.workshops.{self.id}"

    @classmethod
    def read(cls, file: Path) -> Manifest:
        """Read and validate one manifest (a :class:`widgets.content.ContentError` names file, line and field)."""
        doc = content.load_file(file)
        notebooks = doc["notebooks"]
        named = [
            notebooks["dashboard"],
            *([notebooks["solo"]] if "solo" in notebooks else []),
            *notebooks.get("more", []),
        ]
        return cls(
            id=doc["id"],
            layer=doc["layer"],
            order=doc.get("order", 100),
            title=doc["title"],
            purpose=doc["purpose"],
            minutes=doc.get("minutes"),
            length=doc.get("length"),
            group=doc.get("group"),
            notebooks=tuple(named),
            dashboard=notebooks["dashboard"],
            solo=notebooks.get("solo"),
            guide=tuple(doc["guide"]),
            content=tuple(doc["content"]),
            locales=tuple(doc["locales"]),
            steps=tuple(Step(s["id"], s.get("kind"), tuple(s.get("also", ()))) for s in doc["steps"]),
            report_sections=tuple(doc.get("report_sections", [])),
            file=Path(file),
        )


def every() -> list[Manifest]:
    """Every manifest, the workshops' and the programme's, in their order."""
    found = [Manifest.read(file) for file in content.manifest_files()]
    return sorted(found, key=lambda m: (m.order, m.id))


def workshops() -> list[Manifest]:
    """The workshops: independent of one another, each a card on the landing page."""
    return [m for m in every() if m.layer == "workshop"]


def programme() -> list[Manifest]:
    """The programme layer above the workshops (the training day)."""
    return [m for m in every() if m.layer == "programme"]


def ids(layer: Layer | None = None) -> list[str]:
    """The ids of every manifest, or of one layer's."""
    return [m.id for m in every() if layer is None or m.layer == layer]


def get(workshop: str) -> Manifest:
    """One workshop's manifest by its id (KeyError when there is none)."""
    for m in every():
        if m.id == workshop:
            return m
    raise KeyError(workshop)
