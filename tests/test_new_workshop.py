"""A sixth workshop from the template, in a copy of the checkout: the kit finds it everywhere its manifest says.

The landing page shows its card, the import contracts keep it independent of the other
workshops, and the tests that run every workshop take it in their parametrisation.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.checkout import copy_tracked

pytestmark = pytest.mark.slow
TEXTS = [
    *("--title-fr", "Trier les demandes", "--title-en", "Triage of requests"),
    *("--purpose-fr", "Classer des demandes par urgence.", "--purpose-en", "Sort requests by urgency."),
    *("--welcome-fr", "Accueil", "--welcome-en", "Welcome"),
]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the tracked files with a sixth workshop, ``triage``, made by ``widgets.ops.scaffold``."""
    root = copy_tracked(tmp_path_factory.mktemp("checkout"))
    made = _run(root, "-m", "widgets.ops.scaffold", "triage", *TEXTS)
    assert "widgets/workshops/triage/workshop.yaml" in made.stdout
    return root


def _run(root: Path, *args: str, program: str | None = None) -> subprocess.CompletedProcess:
    # The copy's own package, not this checkout's: PYTHONPATH goes before the editable install.
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [program, *args] if program else [sys.executable, *args]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_landing_page_shows_the_sixth_workshop(checkout):
    code = (
        f"import widgets, widgets.ui.landing as l; assert widgets.__file__.startswith({str(checkout)!r}); "
        "print(l.landing('en').children[2].value)"
    )
    html = _run(checkout, "-c", code).stdout
    assert 'id="ws-triage"' in html
    assert "Triage of requests" in html and "Sort requests by urgency." in html


def test_the_contracts_keep_the_sixth_workshop_independent(checkout):
    pyproject = (checkout / "pyproject.toml").read_text(encoding="utf-8")
    assert "widgets.workshops.triage" in pyproject
    _run(checkout, "-m", "widgets.ops.contracts", "--check")
    kept = _run(checkout, program=str(Path(sys.executable).parent / "lint-imports"))
    assert "0 broken" in kept.stdout
    # An import of another workshop from the new one breaks the contract its manifest brought.
    dashboard = checkout / "widgets" / "workshops" / "triage" / "dashboard.py"
    before = dashboard.read_text(encoding="utf-8")
    dashboard.write_text(before + "\nfrom widgets.workshops.week import rules  # noqa: E402, F401\n", encoding="utf-8")
    try:
        broken = subprocess.run(
            [str(Path(sys.executable).parent / "lint-imports")],
            cwd=checkout,
            env={**os.environ, "PYTHONPATH": str(checkout)},
            capture_output=True,
            text=True,
        )
        assert broken.returncode != 0 and "widgets.workshops.triage is not allowed to import" in broken.stdout
    finally:
        dashboard.write_text(before, encoding="utf-8")


def test_the_architecture_doc_lists_the_sixth_workshop(checkout):
    doc = (checkout / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "`week`, `triage`; the programme above them: `day`." in doc
    _run(checkout, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_architecture.py")


def test_the_tests_take_the_sixth_workshop_and_its_parts_agree(checkout):
    collected = _run(
        checkout, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests/test_writing.py"
    )
    assert "test_every_dashboard_runs_in_fr_ca[triage]" in collected.stdout
    agree = _run(checkout, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_manifests.py")
    assert "[triage]" in _run(checkout, "-m", "pytest", "--collect-only", "-q", "tests/test_manifests.py").stdout
    assert " passed" in agree.stdout
