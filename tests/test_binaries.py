"""Under CI=true a missing chromium, PostgreSQL or nginx fails the run instead of skipping it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests import binaries

WANTS_A_MISSING_BINARY = textwrap.dedent(
    """
    from tests.binaries import missing

    def test_needs_a_binary():
        missing("nginx not found")
    """
)


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 failed"), ("", "1 skipped"), ("false", "1 skipped")])
def test_a_missing_binary_skips_on_a_laptop_and_fails_in_ci(tmp_path, ci, outcome):
    (tmp_path / "test_wants.py").write_text(WANTS_A_MISSING_BINARY, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        env={"PATH": "/usr/bin:/bin", "CI": ci, "PYTHONPATH": str(binaries.__file__).rsplit("/tests/", 1)[0]},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert outcome in result.stdout, result.stdout + result.stderr
    if ci == "true":
        assert "CI=true: nginx not found" in result.stdout
