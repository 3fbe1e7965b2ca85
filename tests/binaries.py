"""A system binary a test needs (chromium, PostgreSQL, nginx): skipped on a laptop without it, a failure in CI.

Under ``CI=true`` (what CI services set) a missing binary fails the run: a green CI run with
134 browser, PostgreSQL and cluster tests skipped would say nothing about them.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["in_ci", "missing"]


def in_ci() -> bool:
    """True when the tests run in CI (``CI=true``, as GitHub Actions, GitLab and others set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(reason: str) -> NoReturn:
    """Skip the test for want of a binary, or fail it in CI."""
    if in_ci():
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)
