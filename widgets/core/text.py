"""Rules of participant text: what is accepted, and which texts are likely the same.

>>> fold("L'Écoute ") == fold("ecoutes") == fold("écoute")
True
>>> duplicate_groups([(1, "Écoute"), (2, "Rapidité"), (3, "l'écoute"), (4, "rapidités")])
[[1, 3], [2, 4]]
"""

from __future__ import annotations

import re
import unicodedata

from widgets.core.errors import Invalid

# Control and bidirectional-override characters are removed; the zero-width joiner (U+200D)
# and non-joiner (U+200C) stay: emoji such as 👩🏽‍💻 and some scripts are built with them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Phones type several apostrophes: straight, curly, the modifier letter, the backtick.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
# Ligatures NFKD leaves alone, typed either way ("cœur" / "coeur").
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_ELISION = re.compile(r"^(l|d|j|qu|n|s|t|m|c|jusqu|lorsqu|puisqu)'", re.IGNORECASE)
# Small words that do not change what a card means ("l'écoute" = "être à l'écoute" = "écoute").
_STOPWORDS = {
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "du",
    "de",
    "au",
    "aux",
    "a",
    "en",
    "et",
    "pour",
    "avec",
    "notre",
    "nos",
    "the",
    "an",
    "our",
    "of",
    "and",
    "to",
    "for",
    "with",
}
# "Être à l'écoute" is "écoute", but "bien-être" is not "bien": dropped only in front.
_LEADING = {"etre", "be", "being"}


def clean_text(raw: object, max_length: int) -> str:
    """Participant text as stored: control and direction characters removed, spaces folded.

    Raises :class:`Invalid` for a non-string or an empty text, and for one longer than
    ``max_length`` (refused, never cut silently: the participant sees why).

    >>> clean_text("  Dev 👩🏽\u200d💻\u202e  ok ", 40)
    'Dev 👩🏽\u200d💻 ok'
    >>> clean_text("a\\ud800b", 40)
    Traceback (most recent call last):
    ...
    widgets.core.errors.Invalid: core.error_invalid {'field': 'text'}
    """
    if not isinstance(raw, str) or _SURROGATE.search(raw):
        # A lone surrogate ("a\ud800b" in JSON) is not text: no database or page can hold it.
        raise Invalid("core.error_invalid", field="text")
    text = " ".join(_CONTROL.sub("", unicodedata.normalize("NFC", raw)).split())
    if not text:
        raise Invalid("core.error_empty")
    if len(text) > max_length:
        raise Invalid("core.error_too_long", max=max_length)
    return text


def _singular(word: str) -> str:
    """A rough singular, the same for both forms of a word (a grouping key, not grammar).

    French plurals in -s/-x, "-aux" from "-al" ("canaux", "idéaux"), English "-ies"
    with "-y" ("qualities", "quality" both give "qualitie").
    """
    if len(word) > 4 and word.endswith("aux") and not word.endswith(("eaux", "yaux")):
        return word[:-3] + "al"
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiouy":
        word = word[:-1] + "ie"
    return word


def fold(text: str) -> str:
    """A key under which likely duplicates meet: case, accents, elision, small words, plural, spaces.

    >>> fold("Être à l’écoute"), fold("ÉCOUTES"), fold("l'ecoute"), fold("Canaux  ouverts")
    ('ecoute', 'ecoute', 'ecoute', 'canal ouvert')
    """
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().translate(_LIGATURES)
    words = []
    for word in re.split(r"[^\w']+", text):
        word = _ELISION.sub("", word).strip("'")
        if word and word not in _STOPWORDS:
            words.append(_singular(word.replace("'", "")))
    if len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    return " ".join(words)


def duplicate_key(text: str) -> str:
    """:func:`fold` without the spaces, so "e-mail", "e mail" and "email" meet too."""
    return fold(text).replace(" ", "")


def duplicate_groups(cards: list[tuple[int, str]]) -> list[list[int]]:
    """Groups of card ids whose texts fold to the same key (groups of two or more).

    Groups come in the order of their first card, ids in the order given, so the
    card sent first is the natural one to keep when the trainer merges.
    """
    groups: dict[str, list[int]] = {}
    for card_id, text in cards:
        key = duplicate_key(text)
        if key:
            groups.setdefault(key, []).append(card_id)
    return [ids for ids in groups.values() if len(ids) > 1]
