"""French typography, checked and fixed: the spaces, apostrophes and ordinals a French reader expects.

A French text takes a no-break space before ``: ; ! ?`` and inside « », a curly
apostrophe (’), "1er" for the first of a month, and no straight double quotes.
Without the no-break space a phone wraps the colon or the closing » alone onto
the next line. English texts take no space before ``%``. Québec French (``fr-CA``) follows
the OQLF: a narrow no-break space (U+202F) before ``; ! ?``, a full one before the colon;
the kit writes the narrow one before ``%`` too, which never wraps away from its number.

The same scan both reports and fixes, so ``elan validate`` and ``elan typography --fix``
always agree. It only touches prose: never code (Markdown code spans and blocks),
URLs, ``{placeholders}``, HTML tags, YAML keys, or the texts of another language.

>>> fix_text("Note : l'écoute d'abord !", "fr") == "Note\\u00a0: l’écoute d’abord\\u00a0!"
True
>>> [e.rule for e in scan("«Bonjour»", "fr")]
['guillemet-space', 'guillemet-space']
>>> fix_text("lundi 1 octobre", "fr")
'lundi 1er octobre'
>>> fix_text("68 % of calls", "en")
'68% of calls'
>>> fix_text("Pourquoi ? Voici : tout !", "fr-CA") == "Pourquoi\u202f? Voici\u00a0: tout\u202f!"
True
>>> fix_text("Votre score : {score} %", "fr-CA") == "Votre score\u00a0: {score}\u202f%"
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.core.messages import Message

NBSP = "\u00a0"
NNBSP = "\u202f"
_HOLE = "\ue000"  # stands for a protected span (code, URL, placeholder) while rules run

FRENCH = ("fr", "fr-CA")
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


def is_french(lang: str) -> bool:
    return lang == "fr" or lang.startswith("fr-")


@dataclass(frozen=True)
class Edit:
    """One place where a text breaks a rule: where (offset, length), what to write instead, and why."""

    offset: int
    length: int
    new: str
    rule: str

    def describe(self, text: str) -> Message:
        """The fix in words, with the few characters around it: ``write 'Note⍽:', not 'Note :'``."""
        start = self.offset
        while start > 0 and self.offset - start < 16 and not text[start - 1].isspace():
            start -= 1
        if start == self.offset and start > 0:  # the edit is a space: show the word before it too
            start -= 1
            while start > 0 and self.offset - start < 16 and not text[start - 1].isspace():
                start -= 1
        end = self.offset + self.length
        stop = end
        while stop < len(text) and stop - end < 16 and not text[stop].isspace():
            stop += 1
        if stop == end:  # the edit ends a word: show what follows
            stop = min(len(text), end + 3)
            stop = text.find("\n", end, stop) if "\n" in text[end:stop] else stop
        before = text[start:stop]
        after = text[start : self.offset] + self.new + text[end:stop]
        return Message("writing.fix", rule=Message(MESSAGES[self.rule]), after=_show(after), before=_show(before))


#: Each rule's explanation: a key of the translation files (``widgets/core/locales/writing.<lang>.json``).
MESSAGES = {
    "space-before": "writing.space_before",
    "missing-space": "writing.missing_space",
    "colon-space": "writing.colon_space",
    "guillemet-space": "writing.guillemet_space",
    "nested-quotes": "writing.nested_quotes",
    "apostrophe": "writing.apostrophe",
    "straight-quotes": "writing.straight_quotes",
    "first": "writing.first",
    "ordinal": "writing.ordinal",
    "percent-fr": "writing.percent_fr",
    "percent-en": "writing.percent_en",
    "quebec-space": "writing.quebec_space",
    "quebec-percent": "writing.quebec_percent",
}


def _show(text: str) -> str:
    return "'" + text.replace(NBSP, "⍽").replace(NNBSP, "⍽") + "'"


# --- what is not prose ----------------------------------------------------------

_PROTECT_COMMON = [
    r"https?://[^\s<>)\]»\"]+",  # URLs
    r"www\.[^\s<>)\]»\"]+",
    r"[\w.+-]+@[\w-]+\.[\w.-]+",  # e-mail addresses
    r"\{[A-Za-z_]\w*(?:[:!][^{}\s]*)?\}",  # {placeholders} of interface strings and templates
    r"\{[A-Za-z_]\w*, *(?:plural|select|selectordinal),",  # the head of a plural message
    r"\b(?:one|few|many|other|=\d+) *\{",  # its branches' names
    r"\{\{.*?\}\}|\{%.*?%\}",  # Jinja
]
_PROTECT_MARKDOWN = [
    r"^(?P<fence>```|~~~).*?^(?P=fence)[^\n]*$",  # fenced code blocks
    r"(?P<ticks>`+).+?(?P=ticks)",  # code spans
    r"\]\([^)\n]*\)",  # link and image targets
    r"<[A-Za-z/!][^>\n]*>",  # HTML tags and autolinks
    r"^(?=[^\n]*\|)(?=[^\n]*-)[ |:\-]+$",  # table alignment rows (| :-- | --: |)
]
_PROTECT_YAML_DOUBLE = [r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)"]


def _protect_re(extra: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in extra + _PROTECT_COMMON), re.M | re.S)


_PLAIN = _protect_re([])
_MARKDOWN = _protect_re(_PROTECT_MARKDOWN)
_YAML_DOUBLE = _protect_re(_PROTECT_YAML_DOUBLE)


def _mask(text: str, protect: re.Pattern) -> tuple[str, list[tuple[int, int]]]:
    """The text with each protected span turned into holes of the same length, and the spans."""
    spans = [m.span() for m in protect.finditer(text) if m.end() > m.start()]
    if not spans:
        return text, []
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _HOLE * (end - start)
    return "".join(chars), spans


# --- the rules --------------------------------------------------------------------

_SP = "[ \t]"
_FR_RULES: list[tuple[str, re.Pattern, object]] = [
    # a plain space (or several) before high punctuation or a closing guillemet
    ("space-before", re.compile(rf"(?<=[^\s{NBSP}{NNBSP}]){_SP}+(?=[:;!?»])"), NBSP),
    ("colon-space", re.compile(rf"{NNBSP}(?=:)"), NBSP),
    # no space at all: "résultats:" (a colon followed by a digit is a time or a ratio)
    ("missing-space", re.compile(r"(?<=[^\W\d_]|[)»”’*_])(?=[:;!?]+(?:[\s*_»)”\"',.]|$))"), NBSP),
    # « x » with plain or no spaces
    ("guillemet-space", re.compile(rf"(?<=«){_SP}*(?=[^\s{NBSP}{NNBSP}])"), NBSP),
    ("guillemet-space", re.compile(rf"(?<=[^\s{NBSP}{NNBSP}]){_SP}*(?=»)"), NBSP),
    ("apostrophe", re.compile(r"(?<=[^\W_])'(?=[^\W\d_])"), "’"),
    ("first", re.compile(rf"(?<![\d,.])\b1(?=[ {NBSP}](?:{MONTHS})\b)"), "1er"),
    ("ordinal", re.compile(r"(?<![\d,.])\b1(?:ère|ere)\b"), "1re"),
    ("ordinal", re.compile(r"(?<![\d,.])\b([2-9]|[1-9]\d)(?:ème|eme|ième)\b"), lambda m: m.group(1) + "e"),
    # a narrow no-break space (U+202F) before % and currency is fine too; a plain one or none is not
    ("percent-fr", re.compile(rf"(?<=\d){_SP}?(?=[%€$](?:[\s.,;:!?)»]|$))"), NBSP),
    # the same after a placeholder ("{score} %"): the number comes in later and must not wrap alone
    ("percent-fr", re.compile(rf"(?<={_HOLE}){_SP}(?=%(?:[\s.,;:!?)»]|$))"), NBSP),
]
#: Rules a regional variant adds to its language's (run after them, on what they leave).
_REGIONAL_RULES: dict[str, list[tuple[str, re.Pattern, object]]] = {
    # The OQLF: "une espace fine insécable, ou aucune espace" before ; ! ? (the kit writes the fine one).
    "fr-CA": [
        ("quebec-space", re.compile(rf"{NBSP}(?=[;!?])"), NNBSP),
        # "%" never wraps away from its number: the kit writes the narrow no-break space there too.
        ("quebec-percent", re.compile(rf"(?<=[\d}}{_HOLE}])[ \t{NBSP}](?=%(?:[\s.,;:!?)»]|$))"), NNBSP),
    ],
}
_EN_RULES: list[tuple[str, re.Pattern, object]] = [
    ("percent-en", re.compile(rf"(?<=\d)[ {NBSP}{NNBSP}](?=%)"), ""),
]
_STRAIGHT_QUOTES = re.compile(r"\"([^\"\n]+?)\"")


def scan(text: str, lang: str, protect: re.Pattern = _PLAIN, quotes: bool = True) -> list[Edit]:
    """Every place of ``text`` (in ``lang``) that breaks a rule, with its fix; nothing in protected spans.

    Edits never overlap and are sorted; applying them all gives a text that scans clean.
    """
    masked, _ = _mask(text, protect)
    edits: list[Edit] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, new: str, rule: str) -> None:
        if _HOLE in masked[start:end] or masked[start:end] == new:
            return
        for a, b in taken:
            if start < b and a < end or (start == end and a <= start < b):
                return
        taken.append((start, end))
        edits.append(Edit(start, end - start, new, rule))

    if is_french(lang):
        if quotes:
            for m in _STRAIGHT_QUOTES.finditer(masked):
                inner = m.group(1)
                if inner.strip() and _HOLE not in inner:
                    add(m.start(), m.start() + 1, "«" + NBSP, "straight-quotes")
                    add(m.end() - 1, m.end(), NBSP + "»", "straight-quotes")
        edits_nested = _nested(masked)
        for start, end, new in edits_nested:
            add(start, end, new, "nested-quotes")
        rules = _FR_RULES
    else:
        rules = _EN_RULES
    for name, pattern, repl in rules:
        for m in pattern.finditer(masked):
            new = repl(m) if callable(repl) else repl
            add(m.start(), m.end(), new, name)
    for name, pattern, repl in _REGIONAL_RULES.get(lang, []):
        for m in pattern.finditer(masked):
            add(m.start(), m.end(), repl, name)
    return sorted(edits, key=lambda e: (e.offset, e.length))


def regional(text: str, lang: str) -> str:
    """A text of the base language with ``lang``'s own spacing (``fr`` read as ``fr-CA``); nothing else changed."""
    for _name, pattern, repl in _REGIONAL_RULES.get(lang, []):
        text = pattern.sub(repl, text)
    return text


def _nested(masked: str) -> list[tuple[int, int, str]]:
    """« inside an open « » becomes “, and its closing » becomes ” (per paragraph)."""
    out = []
    depth = 0
    for i, ch in enumerate(masked):
        if ch == "\n" and masked[i + 1 : i + 2] == "\n":
            depth = 0
        elif ch == "«":
            if depth >= 1:
                end = i + 1
                while end < len(masked) and masked[end] in f" \t{NBSP}{NNBSP}":
                    end += 1
                out.append((i, end, "“"))
            depth += 1
        elif ch == "»" and depth:
            depth -= 1
            if depth >= 1:
                start = i
                while start > 0 and masked[start - 1] in f" \t{NBSP}{NNBSP}":
                    start -= 1
                out.append((start, i + 1, "”"))
    return out


def apply(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for e in edits:
        out.append(text[pos : e.offset])
        out.append(e.new)
        pos = e.offset + e.length
    out.append(text[pos:])
    return "".join(out)


def fix_text(text: str, lang: str, protect: re.Pattern = _PLAIN, quotes: bool = True) -> str:
    """The text with every rule applied (until nothing changes: one fix can reveal another)."""
    for _ in range(5):
        edits = scan(text, lang, protect, quotes)
        if not edits:
            break
        text = apply(text, edits)
    return text


# --- files -------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One typography problem in a file: where, and the fix."""

    file: str
    line: int
    message: Message

    def render(self, lang: str | None = None) -> str:
        """``file:line: [typography] message``, the message in ``lang`` (default: the configured language)."""
        return f"{self.file}:{self.line}: [typography] {self.message.render(lang)}"

    def __str__(self) -> str:
        return self.render()


def _line_at(raw: str, offset: int) -> int:
    return raw.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class Span:
    """Where one text of one language sits in a file's source, and how to read it safely."""

    start: int
    end: int
    lang: str
    protect: re.Pattern
    quotes: bool = True  # straight double quotes may be turned into « »
    style: str = ""  # the YAML scalar style ('' plain, "'", '"', '|', '>')
    variants: frozenset = frozenset()  # the other languages beside it in the same YAML mapping


def _yaml_spans(raw: str) -> list[Span]:
    """The source spans of every text scalar under a language key (``fr:``, ``en:``, ``fr-CA:``)."""
    out = []

    def walk(node, lang=None, variants=frozenset()):
        if isinstance(node, yaml.MappingNode):
            keys = frozenset(k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and _is_lang(k.value))
            for key, value in node.value:
                key_lang = key.value if isinstance(key, yaml.ScalarNode) and _is_lang(key.value) else None
                walk(value, key_lang, keys)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode) and lang and node.tag.endswith(":str"):
            start, end, style = node.start_mark.index, node.end_mark.index, node.style
            if style in ("'", '"'):
                start, end = start + 1, end - 1
            elif style in ("|", ">"):
                start = raw.index("\n", start) + 1
            protect = _YAML_DOUBLE if style == '"' else _PLAIN
            out.append(Span(start, end, lang, protect, style != '"', style or "", variants))

    walk(yaml.compose(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return out


def text_spans(path: Path, raw: str) -> list[Span]:
    """Every text of a file that a language's rules apply to: YAML texts, a Markdown chapter, JSON values."""
    if path.suffix in (".yaml", ".yml"):
        try:
            return _yaml_spans(raw)
        except yaml.YAMLError:
            return []  # the content check reports the syntax error, with its line
    if path.suffix == ".md":
        lang = _md_lang(path)
        return [Span(0, len(raw), lang, _MARKDOWN)] if lang else []
    if path.suffix == ".json":
        lang = _json_lang(path)
        if not lang:
            return []
        try:
            json.loads(raw)
        except ValueError:
            return []  # not a string file the kit can read: its loader says why
        return [
            Span(m.start(1), m.end(1), lang, _YAML_DOUBLE, False) for m in _JSON_STRING.finditer(raw) if not m.group(2)
        ]
    return []


def _is_lang(key) -> bool:
    return isinstance(key, str) and (key in ("fr", "en") or bool(re.fullmatch(r"(fr|en)-[A-Z]{2}", key)))


def _json_lang(path: Path) -> str | None:
    parts = path.name.split(".")
    return parts[-2] if len(parts) >= 3 and _is_lang(parts[-2]) else None


def _md_lang(path: Path) -> str | None:
    for part in reversed(path.parts[:-1]):
        if _is_lang(part):
            return part
    stem = path.stem.split(".")
    return stem[-1] if len(stem) > 1 and _is_lang(stem[-1]) else None


def check_file(path: Path, display: str | None = None) -> list[Finding]:
    """Every typography problem of one YAML content file, Markdown chapter or JSON string file."""
    display = display or str(path)
    raw = path.read_text(encoding="utf-8")
    found = []
    for edit in _edits(path, raw):
        found.append(Finding(display, _line_at(raw, edit.offset), edit.describe(raw)))
    return found


def _edits(path: Path, raw: str) -> list[Edit]:
    """The edits of a file's source text (only in its texts, never in keys or code)."""
    edits: list[Edit] = []
    for span in text_spans(path, raw):
        chunk = raw[span.start : span.end]
        if span.style == "'":
            # inside '...' an apostrophe is written ''; between letters it is the curly one
            for m in re.finditer(r"(?<=[^\W_])''(?=[^\W\d_])", chunk):
                edits.append(Edit(span.start + m.start(), 2, "’", "apostrophe"))
            chunk = chunk.replace("''", _HOLE * 2)
        for e in scan(chunk, span.lang, span.protect, span.quotes):
            start = span.start + e.offset
            if not any(o.offset < start + max(e.length, 1) and start < o.offset + o.length for o in edits):
                edits.append(Edit(start, e.length, e.new, e.rule))
    return sorted(edits, key=lambda e: e.offset)


_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?')


class FixRefused(ValueError):
    """A file the fixes would damage: left as it is; ``message`` says why, in the reader's language."""

    def __init__(self, path: Path, key: str):
        self.path, self.message = path, Message(key)
        super().__init__(f"{path}: {key}")

    def render(self, lang: str | None = None) -> str:
        return f"{self.path}: {self.message.render(lang)}"

    def __str__(self) -> str:
        return self.render()


def fix_file(path: Path) -> int:
    """Apply every fix to one file in place (only when the result still parses to the same structure).

    Returns the number of fixes made. Raises :class:`FixRefused` (a ``ValueError``, file named) when a
    fix would change anything but the French texts' typography.
    """
    raw = path.read_text(encoding="utf-8")
    total = 0
    for _ in range(5):
        edits = _edits(path, raw)
        if not edits:
            break
        new = apply(raw, edits)
        _same_structure(path, raw, new)
        raw, total = new, total + len(edits)
    else:
        raise FixRefused(path, "writing.fix_unsettled")
    if total:
        path.write_text(raw, encoding="utf-8")
    return total


def _same_structure(path: Path, old: str, new: str) -> None:
    """Refuse a fix that changes keys, other languages or anything but spaces, quotes and apostrophes."""
    if path.suffix in (".yaml", ".yml"):
        before, after = yaml.safe_load(old), yaml.safe_load(new)
    elif path.suffix == ".json":
        lang = _json_lang(path)
        before, after = {lang: json.loads(old)}, {lang: json.loads(new)}
    else:
        return
    if _shape(before) != _shape(after):
        raise FixRefused(path, "writing.fix_structure")


_TYPO_CHARS = re.compile(rf"[ \t{NBSP}{NNBSP}'’«»“”\"]|1er|1re|(?<=\d)e\b")


def _shape(node, lang=None):
    """A file's structure with the typography of French texts (and English % spaces) blanked out."""
    if isinstance(node, dict):
        return {k: _shape(v, k if _is_lang(k) else lang) for k, v in node.items()}
    if isinstance(node, list):
        return [_shape(v, lang) for v in node]
    if isinstance(node, str) and lang:
        return _TYPO_CHARS.sub("", node.replace("ère", "").replace("ème", "").replace("eme", "").replace("ere", ""))
    return node


def text_files(roots: list[Path]) -> list[Path]:
    """The files the typography rules read below some folders: content YAML, guide Markdown, string JSON."""
    out = []
    for root in roots:
        if root.is_file():
            out.append(root)
            continue
        for file in sorted(root.rglob("*")):
            if not file.is_file() or any(p.startswith(".") for p in file.relative_to(root).parts):
                continue
            if (
                file.suffix in (".yaml", ".yml")
                or file.suffix == ".md"
                and _md_lang(file)
                or file.suffix == ".json"
                and _json_lang(file)
            ):
                out.append(file)
    return out
