"""One glossary per language (``datasets/glossary/<lang>.yaml``): the kit's word for each concept.

France and Québec French share most words but not all: "e-mail" and "courriel",
"chat" and "clavardage", "kit" and "trousse". Each glossary lists, per concept, the
word to use and the other variant's words to avoid; ``elan validate`` reports an
avoided word in a text of that language (file, line, the word to use), and the
glossary's ``fix`` phrases turn the other variant's phrases into this one's.

A ``fr-CA`` text that has no variant of its own is its ``fr`` text with the
``fr-CA`` glossary's ``fix`` phrases applied (:func:`localize`), so a Québec
reader sees "courriel" where France reads "e-mail" without a copy of every text.

>>> localize("Envoyez un e-mail ou passez par le chat.", "fr-CA", BUNDLED)
'Envoyez un courriel ou passez par le clavardage.'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.core import typography
from widgets.core.languages import chain
from widgets.core.messages import Message
from widgets.core.paths import DATASETS


@dataclass(frozen=True)
class Glossary:
    lang: str
    file: str
    use: dict  # avoided word (lower case) -> the word to use
    fix: tuple  # (compiled phrase pattern, replacement), longest phrase first
    keep: tuple = ()  # names never changed nor reported ("Élu service client de l’année")

    def kept(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in _words(self.keep).finditer(text)] if self.keep else []

    def avoided(self, text: str):
        """``(offset, word, use)`` for each avoided word in ``text`` (outside kept names)."""
        if not self.use:
            return
        kept = self.kept(text)
        for m in _words(tuple(self.use)).finditer(text):
            if not any(a <= m.start() < b for a, b in kept):
                yield m.start(), m.group(0), self.use[m.group(0).lower()]

    def apply(self, text: str) -> str:
        kept = self.kept(text)
        if kept:  # rewrite only between the kept names
            out, pos = [], 0
            for a, b in kept:
                out += [self.apply_free(text[pos:a]), text[a:b]]
                pos = b
            return "".join(out) + self.apply_free(text[pos:])
        return self.apply_free(text)

    def apply_free(self, text: str) -> str:
        for pattern, new in self.fix:
            text = pattern.sub(lambda m, new=new: _same_case(m.group(0), new), text)
        return text


def _boundary(phrase: str) -> str:
    return rf"(?<![\w-]){re.escape(phrase)}(?![\w-])"


@functools.lru_cache(maxsize=64)
def _words(words: tuple) -> re.Pattern:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(_boundary(w) for w in ordered), re.I)


def _same_case(old: str, new: str) -> str:
    """A capital at the start of a sentence stays (Chat -> Clavardage); an acronym does not count (QR code)."""
    capital = old[:1].isupper() and not old[1:2].isupper()
    return new[:1].upper() + new[1:] if capital and not new[:1].isupper() else new


#: The kit's glossaries, used when an organisation's content folder has none.
BUNDLED = DATASETS / "glossary"


@functools.lru_cache(maxsize=8)
def _load(folder: str) -> dict[str, Glossary]:
    out = {}
    for file in sorted(Path(folder).glob("*.y*ml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("kind") != "glossary":
            continue
        use = {}
        for term in data.get("terms", []):
            for word in term.get("avoid", []):
                use[word.lower()] = term["use"]
        phrases = sorted((data.get("fix") or {}).items(), key=lambda kv: len(kv[0]), reverse=True)
        fix = tuple((re.compile(_boundary(old), re.I), new) for old, new in phrases)
        keep = tuple(data.get("keep") or ())
        out[data["lang"]] = Glossary(data["lang"], str(file), use, fix, keep)
    return out


def glossaries(folder: Path | None = None) -> dict[str, Glossary]:
    """Every glossary of a folder (``<content>/glossary``; the kit's own when it has none), by language."""
    folder = Path(folder) if folder else BUNDLED
    return _load(str(folder if folder.is_dir() else BUNDLED))


@functools.lru_cache(maxsize=4096)
def localize(text: str, lang: str, folder: Path | None = None) -> str:
    """A ``fr`` text as the ``lang`` variant reads it (its glossary's phrases applied).

    Cached: every participant's state carries the activity's texts, the same few texts many times.
    """
    glossary = glossaries(folder).get(lang)
    # The variant's words, then its typography (the OQLF's spaces for fr-CA).
    return typography.regional(glossary.apply(text) if glossary else text, lang)


def fallback_of(lang: str) -> str | None:
    """The language a variant falls back to (``languages.json``): ``fr-CA`` -> ``fr``; none for a base language."""
    parents = chain(lang)[1:]
    return parents[0] if parents else None


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    message: Message

    def render(self, lang: str | None = None) -> str:
        """``file:line: [glossary] message``, the message in ``lang`` (default: the configured language)."""
        return f"{self.file}:{self.line}: [glossary] {self.message.render(lang)}"

    def __str__(self) -> str:
        return self.render()


def check_file(path: Path, display: str | None = None, folder: Path | None = None) -> list[Finding]:
    """A word of another variant in a text of this file's language, and fallbacks that would show one."""
    display = display or str(path)
    raw = path.read_text(encoding="utf-8")
    found = []
    all_glossaries = glossaries(folder)
    for span in typography.text_spans(path, raw):
        chunk, _ = typography._mask(raw[span.start : span.end], span.protect)
        glossary = all_glossaries.get(span.lang)
        if glossary:
            for offset, word, use in glossary.avoided(chunk):
                line = typography._line_at(raw, span.start + offset)
                found.append(
                    Finding(
                        display,
                        line,
                        Message(
                            "writing.glossary_word", word=word, lang=span.lang, use=use, file=Path(glossary.file).name
                        ),
                    )
                )
        # A text with no variant of its own is shown to each variant through its glossary: check that too.
        for lang, variant in all_glossaries.items():
            if fallback_of(lang) != span.lang or lang in span.variants or path.suffix not in (".yaml", ".yml"):
                continue
            for offset, word, _use in variant.avoided(variant.apply(chunk)):
                line = typography._line_at(raw, span.start + min(offset, len(chunk) - 1))
                found.append(
                    Finding(
                        display,
                        line,
                        Message("writing.glossary_variant", word=word, lang=lang, file=Path(variant.file).name),
                    )
                )
    return found


def fix_file(path: Path, folder: Path | None = None) -> int:
    """Turn the other variant's phrases into this language's in every text of a file; returns the count."""
    raw = path.read_text(encoding="utf-8")
    all_glossaries = glossaries(folder)
    edits = []
    for span in typography.text_spans(path, raw):
        glossary = all_glossaries.get(span.lang)
        if not glossary or not glossary.fix:
            continue
        chunk = raw[span.start : span.end]
        masked, _ = typography._mask(chunk, span.protect)
        kept = glossary.kept(masked)
        for pattern, new in glossary.fix:
            for m in pattern.finditer(masked):
                if typography._HOLE in m.group(0) or any(a < m.end() and m.start() < b for a, b in kept):
                    continue
                start, end = span.start + m.start(), span.start + m.end()
                if any(e.offset < end and start < e.offset + e.length for e in edits):
                    continue
                edits.append(typography.Edit(start, end - start, _same_case(m.group(0), new), "glossary"))
    if edits:
        path.write_text(typography.apply(raw, sorted(edits, key=lambda e: e.offset)), encoding="utf-8")
    return len(edits)
