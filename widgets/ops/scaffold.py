"""A new workshop from the template: its folder, manifest, dashboard, translations, notebook and guide chapter.

Writes the smallest workshop the kit runs (one step, no exercise yet) into a checkout, then the
import contracts and package list that its manifest brings (:mod:`widgets.ops.contracts`), and the
workshops listed in docs/ARCHITECTURE.md (:mod:`widgets.ops.architecture`)::

    python -m widgets.ops.scaffold triage --title-fr "Trier les demandes" --title-en "Triage" \\
        --purpose-fr "..." --purpose-en "..." --welcome-fr "Accueil" --welcome-en "Welcome"

The steps that follow are the "new workshop" checklist of ``docs/ARCHITECTURE.md``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from widgets.ops import architecture, contracts
from widgets.ui.templating import environment

__all__ = ["main", "new_workshop"]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "workshop"
_ENV = environment("text", TEMPLATES)  # YAML, Python, JSON and Markdown; texts quoted through tojson
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def new_workshop(root: Path, workshop: str, texts: dict[str, dict[str, str]], minutes: int = 30) -> list[Path]:
    """Write a new workshop's files below the checkout ``root``; returns them. Refuses an existing id."""
    if not _ID.match(workshop):
        raise ValueError(f"workshop id {workshop!r}: lower-case letters, digits and _ only")
    package = root / "widgets" / "workshops" / workshop
    if package.exists():
        raise FileExistsError(package)
    orders = [
        int(m.group(1))
        for m in (
            re.search(r"^order: (\d+)$", f.read_text(encoding="utf-8"), re.M)
            for f in (root / "widgets" / "workshops").glob("*/workshop.yaml")
        )
        if m
    ]
    values = {"id": workshop, "order": max([0, *[o for o in orders if o < 90]]) + 10, "minutes": minutes, **texts}
    files = {
        package / "__init__.py": ("__init__.py.j2", values),
        package / "workshop.yaml": ("workshop.yaml.j2", values),
        package / "dashboard.py": ("dashboard.py.j2", values),
        root / "workshops" / workshop / "trainer.ipynb": ("trainer.ipynb.j2", values),
    }
    for lang in ("fr", "en"):
        one = {key: value[lang] if isinstance(value, dict) else value for key, value in values.items()}
        files[package / "locales" / f"{workshop}.{lang}.json"] = ("locale.json.j2", one)
        files[root / "facilitator_guide" / lang / f"{workshop}.md"] = (f"guide.{lang}.md.j2", one)
    for path, (template, context) in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_ENV.get_template(template).render(**context), encoding="utf-8")
    return list(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("id", help="the workshop's id: its folder's name everywhere")
    for field in ("title", "purpose", "welcome"):
        for lang in ("fr", "en"):
            parser.add_argument(f"--{field}-{lang}", required=True)
    parser.add_argument("--minutes", type=int, default=30)
    args = parser.parse_args(argv)
    texts = {f: {lang: getattr(args, f"{f}_{lang}") for lang in ("fr", "en")} for f in ("title", "purpose", "welcome")}
    root = contracts.PYPROJECT.parent  # the checkout whose package runs this: its manifests make the contracts
    for path in new_workshop(root, args.id, texts, args.minutes):
        print(path.relative_to(root))
    contracts.write(root / "pyproject.toml")
    architecture.write()  # the doc's table lists the workshops from their manifests
    return 0


if __name__ == "__main__":
    sys.exit(main())
