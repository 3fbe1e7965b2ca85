"""The layers as docs/ARCHITECTURE.md counts them: no upward import, no circle, the workshops independent."""

from __future__ import annotations

from pathlib import Path

from widgets.content import manifests
from widgets.ops import architecture

ROOT = Path(__file__).resolve().parent.parent


def test_no_upward_import_no_circle_and_the_workshops_independent():
    census = architecture.census()
    assert census.upward == [] and census.sideways == [] and census.between_workshops == []
    assert census.circles == []
    assert census.modules["programme"] >= 1 and census.imports[("programme", "workshops")] >= 1


def test_the_doc_shows_the_table_the_script_writes():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = doc[doc.index(architecture.BEGIN) : doc.index(architecture.END)]
    assert "| programme |" in block and "0 upward" in block and "0 circles" in block
    # The doc lists the workshops the manifests declare (python -m widgets.ops.architecture --write).
    listed = ", ".join(f"`{m.id}`" for m in manifests.workshops())
    assert f"Workshops, from their manifests: {listed};" in block


def test_a_circle_and_the_layers_are_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [sorted(c) for c in architecture._strongly_connected(edges) if len(c) > 1] == [["a", "b", "c"]]
    day = frozenset({"day"})
    assert architecture.layer_of("widgets.workshops.day.run", day) == "programme"
    assert architecture.layer_of("widgets.workshops.cases.graph", day) == "workshops"
    assert architecture.layer_of("widgets.core.paths", day) == "core"
