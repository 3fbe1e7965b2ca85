"""A workshop declared once: its manifest and its parts agree, both ways.

Every part a manifest names (notebook, guide chapter, content file, translation file, step kind,
report section) exists; every part in a workshop's own folders is named by its manifest; the
trainer dashboard's steps are the manifest's; the import contracts are the manifests'.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

import widgets.workshops.day  # noqa: F401  (registers every report section)
from widgets.content import ContentError, manifests
from widgets.core.languages import REQUIRED
from widgets.core.paths import DATASETS, GUIDE, WORKSHOPS
from widgets.live import kinds
from widgets.ops import contracts
from widgets.web import export

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "widgets" / "workshops"
EVERY = manifests.every()
IDS = [m.id for m in EVERY]
#: Parts of the kit that belong to no workshop: the landing page, the content forms (content of
#: three workshops, see docs/ARCHITECTURE.md) and the guide's kit-wide chapters.
SHARED_NOTEBOOKS = {"index.ipynb", "content/editor.ipynb"}
SHARED_CHAPTERS = {"README", "deployment", "practices", "privacy", "stage"}


def test_every_workshop_package_has_a_manifest_and_every_manifest_a_package():
    packages = {p.parent.name for p in PACKAGES.glob("*/__init__.py")}
    assert packages == set(IDS)
    assert len(IDS) == len(set(IDS))
    for m in EVERY:
        assert m.file.parent.name == m.id, m.file


@pytest.mark.parametrize("manifest", EVERY, ids=IDS)
def test_every_part_a_manifest_names_exists(manifest):
    for notebook in manifest.notebooks:
        assert (WORKSHOPS / notebook).is_file(), f"{manifest.id}: notebook workshops/{notebook}"
    for chapter in manifest.guide:
        for lang in REQUIRED:
            assert (GUIDE / lang / f"{chapter}.md").is_file(), f"{manifest.id}: facilitator_guide/{lang}/{chapter}.md"
    for name in manifest.content:
        path = DATASETS / name
        assert path.is_dir() if name.endswith("/") else path.is_file(), f"{manifest.id}: datasets/{name}"
    for name in manifest.locales:
        for lang in REQUIRED:
            file = PACKAGES / manifest.id / "locales" / f"{name}.{lang}.json"
            assert file.is_file(), f"{manifest.id}: {file.relative_to(ROOT)}"
    for step in manifest.steps:
        for kind in step.kinds:
            assert kind is None or kind in kinds.KINDS, f"{manifest.id}: step {step.id}: kind {kind}"
    for ref in manifest.report_sections:
        module, name = ref.split(":")
        assert getattr(importlib.import_module(module), name) in export.SECTIONS, f"{manifest.id}: {ref} not registered"


def test_every_part_is_named_by_a_manifest():
    named_notebooks = {nb for m in EVERY for nb in m.notebooks} | SHARED_NOTEBOOKS
    notebooks = {
        p.relative_to(WORKSHOPS).as_posix() for p in WORKSHOPS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    }
    assert notebooks == named_notebooks, f"named by no manifest: {sorted(notebooks - named_notebooks)}"
    chapters = {m for m in EVERY for m in m.guide} | SHARED_CHAPTERS
    for lang in REQUIRED:
        found = {p.stem for p in (GUIDE / lang).glob("*.md")}
        assert found == chapters, f"{lang}: named by no manifest: {sorted(found - chapters)}"
    for m in EVERY:
        locales = {p.name.split(".")[0] for p in (PACKAGES / m.id / "locales").glob("*.json")}
        assert locales == set(m.locales), f"{m.id}: locales named by no manifest: {sorted(locales - set(m.locales))}"
        own = DATASETS / m.id  # the workshop's content folder, when it has one
        if own.is_dir():
            files = {p.relative_to(DATASETS).as_posix() for p in own.rglob("*") if p.is_file()}
            covered = {f for f in files if any(f == c or (c.endswith("/") and f.startswith(c)) for c in m.content)}
            assert files == covered, f"{m.id}: content named by no manifest: {sorted(files - covered)}"
    sections = {f"{fn.__module__}:{fn.__name__}" for fn in export.SECTIONS if fn.__module__.startswith(PACKAGES.name)}
    named = {ref for m in EVERY for ref in m.report_sections}
    assert {s for s in sections if s.startswith("widgets.workshops.")} <= named


@pytest.mark.parametrize("workshop", manifests.ids("workshop"))
def test_the_dashboard_steps_and_kinds_are_the_manifests(workshop):
    dash = importlib.import_module(f"widgets.workshops.{workshop}.dashboard").trainer_dashboard("en")
    steps = manifests.get(workshop).steps
    assert [phase.id for phase in dash.phases] == [s.id for s in steps]
    for phase, step in zip(dash.phases, steps, strict=True):
        spec = phase.spec(dash)
        assert (spec.get("kind") if spec else None) in step.kinds, f"{workshop}: step {step.id}"


def test_the_import_contracts_are_the_manifests():
    assert contracts.check(), "pyproject.toml: run python -m widgets.ops.contracts --write"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for m in EVERY:
        assert f'"{m.package}' in text or f" {m.package}" in text, m.package


def test_the_contracts_check_fails_when_a_manifest_is_added(tmp_path, monkeypatch):
    copy = tmp_path / "pyproject.toml"
    copy.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert contracts.check(copy)
    extra = manifests.Manifest.read(PACKAGES / "week" / "workshop.yaml")
    monkeypatch.setattr(manifests, "every", lambda: [*EVERY, type(extra)(**{**extra.__dict__, "id": "sixth"})])
    assert not contracts.check(copy)
    assert contracts.main(["--check", "--pyproject", str(copy)]) == 1
    assert contracts.write(copy) and contracts.check(copy)
    assert "widgets.workshops.sixth" in copy.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("field", "value"),
    [("content", ["../../etc/passwd"]), ("content", ["/etc/"]), ("notebooks", {"dashboard": "../index.ipynb"})],
)
def test_a_manifest_names_nothing_outside_its_folders(tmp_path, field, value):
    doc = yaml.safe_load((PACKAGES / "week" / "workshop.yaml").read_text(encoding="utf-8"))
    doc[field] = value
    file = tmp_path / "workshop.yaml"
    file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        manifests.Manifest.read(file)
    assert field in str(refused.value)
