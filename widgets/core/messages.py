"""Messages about what is wrong in a file, kept as a key and values until someone reads them.

A check does not write a sentence: it returns ``Message("cases_checks.next_unknown", case=..., ...)``,
a key of the translation files (``widgets/**/locales/<area>.<lang>.json``) and the values that
fill it. The sentence is written when the message is shown, in the reader's language:
``message.render("en")`` for one language, ``str(message)`` for this process's reader: the
page's language in a dashboard's kernel (:func:`use_language`, called when the page starts),
else the configured one (``ELAN_LANGUAGE``, else the kit's first language). User-supplied values (ids, field and file
names) are never translated; a value that is itself a message is rendered in the same language,
and a list of values is written joined with commas.

>>> m = Message("content_checks.empty_file")
>>> m.render("en")
'the file is empty'
>>> m.render("fr")
'le fichier est vide'
>>> Message("content_checks.unknown_kind", kind="nothing", known="case").render("en")
"unknown kind 'nothing' (known: case)"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from widgets.core.languages import pick_language

__all__ = ["Message", "reader_language", "render", "use_language", "use_translator"]

#: The language of the one page a dashboard kernel serves, once the page has said it.
_reader: str | None = None
#: Writes a key and its values in a language: :mod:`widgets.core.i18n` says how when it loads
#: (``widgets.core`` imports it first), as it reads the glossaries, whose findings are messages.
_translate: Callable[[str, str, dict[str, Any]], str] | None = None


def use_translator(translate: Callable[[str, str, dict[str, Any]], str]) -> None:
    """Say how a message is written: ``translate(lang, key, values)`` (called once, by the translator)."""
    global _translate
    _translate = translate


def use_language(lang: str | None) -> None:
    """Say who reads this process's messages: a Voilà kernel serves one page, in one language."""
    global _reader
    _reader = lang


def reader_language() -> str:
    """The language ``str(message)`` writes in: the page's, else the configured one."""
    return pick_language(_reader)


class Message:
    """An interface string's key and the values it is formatted with; rendered on demand."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: Any):
        self.key = key
        self.values = values

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the configured language)."""
        lang = lang or reader_language()
        values = {name: render(value, lang) for name, value in self.values.items()}
        assert _translate is not None, "widgets.core.i18n is imported with widgets.core"
        return _translate(lang, self.key, values)

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.values.items()))))

    def __repr__(self) -> str:
        values = "".join(f", {k}={v!r}" for k, v in self.values.items())
        return f"Message({self.key!r}{values})"


def render(value: Any, lang: str | None = None) -> Any:
    """A message rendered in ``lang``, a list of values joined with commas; any other value as it is."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, list | tuple):
        return ", ".join(str(render(item, lang)) for item in value)
    return value
