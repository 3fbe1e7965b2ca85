"""The writing checks run by ``elan validate``: French typography and one glossary per language.

``check(roots)`` reports every problem (file, line, the fix); ``fix(roots)`` applies the
safe fixes in place (typography first, then the glossary's phrases) and is idempotent:
a second run changes nothing. By default they read the content folder, the facilitator
guide and the interface strings.
"""

from __future__ import annotations

from pathlib import Path

from widgets import content
from widgets.core import glossary, typography
from widgets.core.paths import GUIDE, PACKAGE


def default_roots() -> list[Path]:
    """The content folder, the facilitator guide and the interface strings."""
    roots = [content.content_dir(), GUIDE, PACKAGE]
    return [r for r in roots if r.exists()]


def files(roots: list[Path]) -> list[Path]:
    out = []
    for file in typography.text_files(roots):
        if file.suffix == ".json" and file.parent.name != "locales":
            continue  # only interface string files are JSON texts
        if "_bundle" in file.parts:
            continue  # a wheel's copy of the content and guide, already read from the source
        out.append(file)
    return out


def check(roots: list[Path]) -> list:
    """Every typography and glossary finding below ``roots``."""
    errors, advice = split(roots)
    return errors + advice


def split(roots: list[Path]) -> tuple[list, list]:
    """The findings below ``roots`` as (errors, advice): the kit's own texts must follow its rules; an
    organisation's texts are its own (its house words, its typography), so there they are advice
    that ``elan typography --fix`` can apply, never a reason to refuse content the server plays."""
    errors, advice = [], []
    for file in files(roots):
        display = _display(file)
        found = typography.check_file(file, display)
        found += glossary.check_file(file, display, content.content_dir() / "glossary")
        (errors if is_kits(file) else advice).extend(found)
    return errors, advice


def is_kits(file: Path) -> bool:
    """Whether ``file`` is one of the kit's own texts (its content, guide or interface strings)."""
    file = file.resolve()
    return any(file.is_relative_to(root.resolve()) for root in (content.BUNDLED, GUIDE, PACKAGE))


def fix(roots: list[Path]) -> int:
    """Apply every safe fix below ``roots``; returns how many were made."""
    made = 0
    for file in files(roots):
        made += typography.fix_file(file)
        made += glossary.fix_file(file, content.content_dir() / "glossary")
        made += typography.fix_file(file)  # a glossary phrase may bring an apostrophe or a space
    return made


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
