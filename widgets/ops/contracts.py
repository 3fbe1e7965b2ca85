"""The generated parts of ``pyproject.toml``: the workshops' import contracts and the package list.

The programme (the training day) sits above the workshops and may run them; the workshops
stay independent of one another. Which packages are which is declared once, in each
``widgets/workshops/<id>/workshop.yaml``; this module writes the import-linter contract that
says so between two marker lines of ``pyproject.toml``, and ``--check`` (run by ``make lint``
and the tests) fails when the file and the manifests disagree::

    python -m widgets.ops.contracts --check
    python -m widgets.ops.contracts --write
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from widgets.content import manifests
from widgets.core.i18n import Translator, pick_language

__all__ = ["block", "check", "main", "packages", "packages_block", "replace_between", "write"]

BEGIN = "# --- Generated from the workshops' manifests: python -m widgets.ops.contracts --write ---"
END = "# --- End of the generated contracts ---"
PACKAGES_BEGIN = "# --- Generated from the package's folders: python -m widgets.ops.contracts --write ---"
PACKAGES_END = "# --- End of the generated packages ---"
PACKAGE = Path(__file__).resolve().parent.parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"


def block(every: list[manifests.Manifest] | None = None) -> str:
    """The generated contracts, marker lines included."""
    every = manifests.every() if every is None else every
    programme = [m.package for m in every if m.layer == "programme"]
    workshops = [m.package for m in every if m.layer == "workshop"]
    layers = [*programme, " | ".join(workshops)]
    lines = [
        BEGIN,
        "[[tool.importlinter.contracts]]",
        'name = "The programme runs the workshops; the workshops do not import one another"',
        'type = "layers"',
        "layers = [",
        *(f'  "{layer}",' for layer in layers),
        "]",
        END,
    ]
    return "\n".join(lines) + "\n"


def packages(root: Path = PACKAGE) -> list[str]:
    """The Python packages of the wheel: ``widgets`` and every folder below it with an ``__init__.py``."""
    return sorted(".".join(f.parent.relative_to(root.parent).parts) for f in root.rglob("__init__.py"))


def packages_block() -> str:
    """The ``[tool.setuptools]`` package list, marker lines included (the kit's folders are mapped below it)."""
    names = [*packages(), "widgets._bundle.datasets", "widgets._bundle.workshops", "widgets._bundle.facilitator_guide"]
    lines = [
        PACKAGES_BEGIN,
        "[tool.setuptools]",
        "include-package-data = false",
        "packages = [",
        *(f'  "{name}",' for name in names),
        "]",
        PACKAGES_END,
    ]
    return "\n".join(lines) + "\n"


def _generated() -> list[tuple[str, str, str]]:
    return [(BEGIN, END, block()), (PACKAGES_BEGIN, PACKAGES_END, packages_block())]


def replace_between(text: str, begin: str, end: str, wanted: str) -> str:
    """``text`` with the part between two marker lines replaced (ValueError without the markers)."""
    start, stop = text.index(begin), text.index(end) + len(end) + 1
    return text[:start] + wanted + text[stop:]


def check(path: Path = PYPROJECT) -> bool:
    """True when ``pyproject.toml`` holds the contracts and packages the manifests and folders give."""
    text = path.read_text(encoding="utf-8")
    return all(replace_between(text, begin, end, wanted) == text for begin, end, wanted in _generated())


def write(path: Path = PYPROJECT) -> bool:
    """Write the generated parts into ``pyproject.toml``; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    new = text
    for begin, end, wanted in _generated():
        new = replace_between(new, begin, end, wanted)
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the contracts into pyproject.toml")
    parser.add_argument("--check", action="store_true", help="fail when pyproject.toml disagrees with the manifests")
    parser.add_argument("--pyproject", type=Path, default=PYPROJECT)
    args = parser.parse_args(argv)
    t = Translator(pick_language())
    if args.write:
        changed = write(args.pyproject)
        print(t("ops.contracts_written" if changed else "ops.contracts_up_to_date", path=args.pyproject))
        return 0
    if check(args.pyproject):
        return 0
    print(t("ops.contracts_disagree", path=args.pyproject), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
