"""The kit's languages, defined once in ``widgets/core/locales/languages.json``.

A language either stands alone (every text must exist in it) or names a fallback:
a regional variant such as ``fr-CA`` only carries the texts that differ from ``fr``.

>>> "fr" in LANGUAGES and "en" in LANGUAGES
True
>>> chain("fr")
('fr',)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

_FILE = Path(__file__).resolve().parent / "locales" / "languages.json"
_SPECS: dict[str, dict] = {spec["code"]: spec for spec in json.loads(_FILE.read_text(encoding="utf-8"))["languages"]}

#: Every language code, in the order of the file (the first is the default).
LANGUAGES: tuple[str, ...] = tuple(_SPECS)
#: The languages every text must have (those without a fallback).
REQUIRED: tuple[str, ...] = tuple(code for code, spec in _SPECS.items() if not spec.get("fallback"))
#: The name of each language, in that language (for language pickers).
NAMES: dict[str, str] = {code: spec["name"] for code, spec in _SPECS.items()}


def chain(lang: str) -> tuple[str, ...]:
    """``lang`` then its fallbacks, in order: where to look for a text in that language."""
    out: list[str] = []
    while lang and lang not in out:
        out.append(lang)
        lang = (_SPECS.get(lang) or {}).get("fallback")
    return tuple(out)


def match(tag: str | None) -> str | None:
    """The kit's language for a language tag (``fr-CA``, ``fr_ca``, ``en-GB``), or None.

    >>> match("EN-gb"), match("fr"), match("de")
    ('en', 'fr', None)
    """
    if not tag:
        return None
    tag = tag.strip().replace("_", "-")
    by_lower = {code.lower(): code for code in LANGUAGES}
    if tag.lower() in by_lower:
        return by_lower[tag.lower()]
    return by_lower.get(tag.split("-")[0].lower())


def pick_language(*candidates: str | None, default: str | None = None) -> str:
    """The first supported language among explicit choices and Accept-Language headers.

    >>> pick_language("fr-CA,fr;q=0.8"), pick_language("fr-BE"), pick_language("en-GB")
    ('fr-CA', 'fr', 'en')
    """
    for candidate in candidates:
        if not candidate:
            continue
        for part in candidate.split(","):
            code = match(part.split(";")[0])
            if code:
                return code
    default = match(default or os.environ.get("ELAN_LANGUAGE")) or LANGUAGES[0]
    return default
