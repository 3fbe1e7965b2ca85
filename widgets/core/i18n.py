"""Interface strings (buttons, labels, messages), from ``widgets/**/locales/<area>.<lang>.json``.

Each area of the kit has its own file per language; keys are ``<area>.<key>``.
A language with no fallback (``fr``, ``en``) has every key (a test checks it); a
regional variant (``fr-CA``) holds only the strings that differ and reads the others
from its fallback through its glossary (``datasets/glossary/fr-CA.yaml``: "chat"
becomes "clavardage").

Counts go through the language's plural rule (CLDR, through Babel), written in the
string itself, never by adding an "s" in code: in French 0 and 1 are singular.

>>> t = Translator("en")
>>> t("core.join_title")
'Join the session'
>>> Translator("fr")("core.participants_count", n=1)
'1 participant'
>>> Translator("fr")("core.participants_count", n=3)
'3 participants'
>>> plural("{n, plural, one {# point} other {# points}}", "fr", n=0)
'0 point'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date

from widgets.core import glossary, messages
from widgets.core.languages import LANGUAGES, chain, pick_language

__all__ = [
    "LANGUAGES",
    "Translator",
    "babel_locale",
    "catalog",
    "format_date",
    "locale_files",
    "own_strings",
    "pick_language",
    "placeholders",
    "plural",
    "read_locale",
]

#: The kit's root package: each layer and each workshop keeps its translation files in a
#: ``locales/`` folder of its own (``widgets/workshops/week/locales/week.fr.json``).
PACKAGE = Path(__file__).resolve().parent.parent
LOCALES = Path(__file__).resolve().parent / "locales"


def locale_files(lang: str) -> list[Path]:
    """Every translation file of one language, wherever it lives in the package."""
    return sorted(PACKAGE.glob(f"**/locales/*.{lang}.json"), key=lambda p: (p.name, str(p)))


def read_locale(file: Path) -> dict[str, str]:
    """One translation file; a key written twice is an error (the second would hide the first)."""

    def unique(pairs: list[tuple[str, str]]) -> dict[str, str]:
        out = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"{file}: the key {key!r} is written twice")
            out[key] = value
        return out

    return json.loads(file.read_text(encoding="utf-8"), object_pairs_hook=unique)


def own_strings(lang: str) -> dict[str, str]:
    """Only the strings written for ``lang`` itself (for a variant: its differences), keyed ``area.key``."""
    out: dict[str, str] = {}
    for file in locale_files(lang):
        area = file.name.split(".")[0]
        for key, value in read_locale(file).items():
            out[f"{area}.{key}"] = value
    return out


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """All strings of one language, keyed ``area.key`` (a regional variant over its fallback)."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}")
    parents = chain(lang)[1:]
    # A variant reads its fallback's strings through its glossary, then its own strings.
    out = {k: glossary.localize(v, lang) for k, v in catalog(parents[0]).items()} if parents else {}
    out.update(own_strings(lang))
    return out


def babel_locale(lang: str) -> str:
    """The kit's language code as Babel spells a locale (``fr-CA`` -> ``fr_CA``).

    >>> babel_locale("fr-CA"), babel_locale("en")
    ('fr_CA', 'en')
    """
    return lang.replace("-", "_")


def _locale(lang: str) -> Locale:
    return Locale.parse(babel_locale(lang))


_TEXT = r"(?:[^{}]|\{\w+\})*"  # a branch's text: words and {placeholders}
_PLURAL = re.compile(rf"\{{(\w+), *plural, *((?:(?:=\d+|zero|one|two|few|many|other) *\{{{_TEXT}\}} *)+)\}}")
_BRANCH = re.compile(rf"(=\d+|zero|one|two|few|many|other) *\{{({_TEXT})\}}")


def plural(template: str, lang: str, **values) -> str:
    """Resolve ``{n, plural, one {...} other {...}}`` parts with the language's CLDR rule, then format."""

    def branch(m: re.Match) -> str:
        n = values[m.group(1)]
        branches = dict(_BRANCH.findall(m.group(2)))
        form = f"={n}" if f"={n}" in branches else _locale(lang).plural_form(n)
        return branches.get(form, branches["other"]).replace("#", str(n))

    return _PLURAL.sub(branch, template).format(**values)


def placeholders(template: str) -> set[str]:
    """The names a string is formatted with, plural counts included.

    >>> sorted(placeholders("{n, plural, one {# of {total}} other {# of {total}}}: {name}"))
    ['n', 'name', 'total']
    """
    names = {m.group(1) for m in _PLURAL.finditer(template)}
    flat = _PLURAL.sub(lambda m: " ".join(text for _, text in _BRANCH.findall(m.group(2))), template)
    return names | set(re.findall(r"\{(\w+)[^{}]*\}", flat))


def format_date(date: dt.date, pattern: str, lang: str) -> str:
    """A date written the language's way; in French the first of the month is "1er" (jeudi 1er octobre).

    >>> format_date(dt.date(2026, 10, 1), "EEEE d MMMM", "fr")
    'jeudi 1er octobre'
    >>> format_date(dt.date(2026, 10, 1), "EEEE d MMMM", "en")
    'Thursday 1 October'
    """
    text = _babel_format_date(date, pattern, locale=_locale(lang))
    if lang.split("-")[0] == "fr" and date.day == 1 and "d" in pattern.replace("dd", ""):
        text = re.sub(r"(?<![\d,.])\b1\b", "1er", text, count=1)
    return text


class Translator:
    """Looks up interface strings in one language; ``t(key, **values)`` formats them (plurals included)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.strings = catalog(lang)

    def __call__(self, key: str, /, **values) -> str:
        template = self.strings[key]
        if not values:
            return template
        return plural(template, self.lang, **values) if "plural," in template else template.format(**values)

    def area(self, area: str) -> dict[str, str]:
        """The strings of one area, without the prefix (what the participant page receives)."""
        prefix = area + "."
        return {k[len(prefix) :]: v for k, v in self.strings.items() if k.startswith(prefix)}


def _render(lang: str, key: str, values: dict) -> str:
    return Translator(lang)(key, **values)


# Messages are values (a key and what fills it) that sit below the glossaries and the typography
# rules, whose findings are messages; the translator, above them, says how they are written.
messages.use_translator(_render)
