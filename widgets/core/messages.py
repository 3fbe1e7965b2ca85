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

from typing import Any

#: The language of the one page a dashboard kernel serves, once the page has said it.
_reader: str | None = None


def use_language(lang: str | None) -> None:
    """Say who reads this process's messages: a Voilà kernel serves one page, in one language."""
    global _reader
    _reader = lang


def reader_language() -> str:
    """The language ``str(message)`` writes in: the page's, else the configured one."""
    from widgets.core.i18n import pick_language

    return pick_language(_reader)


class Message:
    """An interface string's key and the values it is formatted with; rendered on demand."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: Any):
        self.key = key
        self.values = values

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the configured language)."""
        # Imported here: the translator reads the glossaries, which read the typography rules,
        # and those rules' own findings are messages.
        from widgets.core.i18n import Translator

        lang = lang or reader_language()
        values = {name: render(value, lang) for name, value in self.values.items()}
        return Translator(lang)(self.key, **values)

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
