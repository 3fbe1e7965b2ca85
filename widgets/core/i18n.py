"""Interface strings (buttons, labels, messages), from ``widgets/**/locales/<area>.<lang>.json``.

Each area of the kit has its own file per language; keys are ``<area>.<key>``.
Every language has exactly the same keys (a test checks it), so a missing string
is found before a trainer sees it.

>>> t = Translator("en")
>>> t("core.join_title")
'Join the session'
>>> Translator("fr")("core.participants_count", n=3)
'3 participants'
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from widgets.core.languages import LANGUAGES, chain, match

#: The kit's root package: each layer and each workshop keeps its translation files in a
#: ``locales/`` folder of its own (``widgets/workshops/week/locales/week.fr.json``).
PACKAGE = Path(__file__).resolve().parent.parent
LOCALES = Path(__file__).resolve().parent / "locales"


def locale_files(lang: str) -> list[Path]:
    """Every translation file of one language, wherever it lives in the package."""
    return sorted(PACKAGE.glob(f"**/locales/*.{lang}.json"), key=lambda p: (p.name, str(p)))


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All strings of one language, keyed ``area.key`` (a regional variant over its fallback)."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}")
    out: dict[str, str] = {}
    for code in reversed(chain(lang)):
        for file in locale_files(code):
            area = file.name.split(".")[0]
            for key, value in json.loads(file.read_text(encoding="utf-8")).items():
                out[f"{area}.{key}"] = value
    return out


def pick_language(*candidates: str | None, default: str | None = None) -> str:
    """The first supported language among explicit choices and Accept-Language headers."""
    for candidate in candidates:
        if not candidate:
            continue
        for part in candidate.split(","):
            code = match(part.split(";")[0])
            if code:
                return code
    default = match(default or os.environ.get("ELAN_LANGUAGE")) or LANGUAGES[0]
    return default


class Translator:
    """Looks up interface strings in one language; ``t(key, **values)`` formats them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.strings = catalog(lang)

    def __call__(self, key: str, /, **values) -> str:
        template = self.strings[key]
        return template.format(**values) if values else template

    def area(self, area: str) -> dict[str, str]:
        """The strings of one area, without the prefix (what the participant page receives)."""
        prefix = area + "."
        return {k[len(prefix):]: v for k, v in self.strings.items() if k.startswith(prefix)}
