"""The checkout's tracked files (``git ls-files``), and a copy of them that a test may build or change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["ROOT", "copy_tracked", "tracked"]

ROOT = Path(__file__).resolve().parent.parent


def tracked() -> list[str]:
    """Every file git tracks here (a deleted one left out), as paths relative to the checkout."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    return [name for name in (t.decode() for t in out if t) if (ROOT / name).is_file()]


def copy_tracked(target: Path) -> Path:
    """Copy the tracked files into ``target`` (a build writes ``build/`` and ``*.egg-info`` beside them)."""
    for name in tracked():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target
