"""Where the kit's own files are: content (``datasets/``), notebooks (``workshops/``), the guide.

From a source checkout (or an editable install) they are the folders beside the
``widgets`` package. A wheel carries copies of them inside the package, in
``widgets/_bundle/`` (written by ``setup.py`` at build time), so ``pip install .``
followed by ``elan serve`` in any folder finds them too.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
_BUNDLE = PACKAGE / "_bundle"

#: The folder holding ``datasets/``, ``workshops/`` and ``facilitator_guide/``.
KIT_ROOT = _BUNDLE if (_BUNDLE / "datasets").is_dir() else PACKAGE.parent
DATASETS = KIT_ROOT / "datasets"
WORKSHOPS = KIT_ROOT / "workshops"
GUIDE = KIT_ROOT / "facilitator_guide"
