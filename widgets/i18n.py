"""Interface strings (buttons, labels, messages), from ``widgets/locales/<area>.<lang>.json``.

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

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("fr", "en")


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All strings of one language, keyed ``area.key``."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}")
    out: dict[str, str] = {}
    for file in sorted(LOCALES.glob(f"*.{lang}.json")):
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
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
    default = default or os.environ.get("ELAN_LANGUAGE") or "fr"
    return default if default in LANGUAGES else "fr"


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
