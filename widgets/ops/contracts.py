"""The workshops' import contracts, written from their manifests into ``pyproject.toml``.

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

__all__ = ["BEGIN", "END", "block", "check", "main", "write"]

BEGIN = "# --- Generated from the workshops' manifests: python -m widgets.ops.contracts --write ---"
END = "# --- End of the generated contracts ---"
PYPROJECT = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"


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


def _split(text: str) -> tuple[str, str, str]:
    """The file before the generated block, the block, and after it (ValueError without the markers)."""
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    return text[:start], text[start:end], text[end:]


def check(path: Path = PYPROJECT) -> bool:
    """True when ``pyproject.toml`` holds the contracts the manifests give."""
    return _split(path.read_text(encoding="utf-8"))[1] == block()


def write(path: Path = PYPROJECT) -> bool:
    """Write the manifests' contracts into ``pyproject.toml``; True when the file changed."""
    before, current, after = _split(path.read_text(encoding="utf-8"))
    wanted = block()
    if current == wanted:
        return False
    path.write_text(before + wanted + after, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the contracts into pyproject.toml")
    parser.add_argument("--check", action="store_true", help="fail when pyproject.toml disagrees with the manifests")
    parser.add_argument("--pyproject", type=Path, default=PYPROJECT)
    args = parser.parse_args(argv)
    if args.write:
        changed = write(args.pyproject)
        print(f"{args.pyproject}: {'contracts written' if changed else 'already up to date'}")
        return 0
    if check(args.pyproject):
        return 0
    print(f"{args.pyproject}: the import contracts disagree with the workshops' manifests.", file=sys.stderr)
    print("Run: python -m widgets.ops.contracts --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
