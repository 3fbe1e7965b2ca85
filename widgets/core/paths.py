"""Where the kit's own files are: content (``datasets/``), notebooks (``workshops/``), the guide.

The one place that says so: every module reads these folders through this module, never by
walking up from its own file. From a source checkout (or an editable install) they are the
folders beside the ``widgets`` package. A wheel lays the same folders out inside the package,
as ``widgets/_bundle/<folder>``, straight from the repository (``pyproject.toml``'s
``package-dir``: no copy is made at build time), so ``pip install .`` followed by
``elan serve`` in any folder finds them too.

>>> resource("datasets", "cases") == DATASETS / "cases"
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

__all__ = ["DATASETS", "GUIDE", "KIT_ROOT", "PACKAGE", "WORKSHOPS", "resource"]

PACKAGE = Path(__file__).resolve().parent.parent
_BUNDLE = PACKAGE / "_bundle"

#: The folder holding ``datasets/``, ``workshops/`` and ``facilitator_guide/``.
KIT_ROOT = _BUNDLE if (_BUNDLE / "datasets").is_dir() else PACKAGE.parent
DATASETS = KIT_ROOT / "datasets"
WORKSHOPS = KIT_ROOT / "workshops"
GUIDE = KIT_ROOT / "facilitator_guide"

Folder = Literal["datasets", "workshops", "facilitator_guide"]


def resource(folder: Folder, *parts: str) -> Path:
    """A file or folder of the kit's own: ``resource("facilitator_guide", "fr", "cases.md")``."""
    return {"datasets": DATASETS, "workshops": WORKSHOPS, "facilitator_guide": GUIDE}[folder].joinpath(*parts)
