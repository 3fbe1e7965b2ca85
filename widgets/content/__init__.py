"""Course content: YAML files in ``datasets/``, one JSON Schema per kind, one loader.

Every content file starts with ``kind: <name>``; the schema is
``datasets/schemas/<name>.schema.json``. Texts shown to people are maps with one
entry per language (``{fr: "...", en: "..."}``); a missing language is an error.
Problems name the file, the line and the field, so an organisation editing its own
cases or values can fix them without reading Python.

>>> doc = load("brainstorm/question")       # doctest: +SKIP
>>> text(doc["question"], "en")             # doctest: +SKIP
'What do we want customers to think of when they think of our service?'
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from widgets.core.languages import LANGUAGES, REQUIRED, chain
from widgets.core.paths import DATASETS

# jsonschema imports the optional rfc3987_syntax when it is installed (1.4 s spent building
# a grammar) for an "iri" format check no schema of the kit uses; every dashboard kernel
# loads content at start, so it is kept out.
sys.modules.setdefault("rfc3987_syntax", None)
from jsonschema import Draft202012Validator  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

from widgets.core import glossary  # noqa: E402

BUNDLED = DATASETS
WORKSHOP_PACKAGES = Path(__file__).resolve().parent.parent / "workshops"


def content_dir() -> Path:
    """The content folder: ``ELAN_CONTENT_DIR`` when an organisation sets one, else the bundled one."""
    return Path(os.environ.get("ELAN_CONTENT_DIR") or BUNDLED).resolve()


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file: where, which field, and what."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}"


class ContentError(ValueError):
    """Raised when content does not load; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- YAML with line numbers -------------------------------------------------


def _field(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


#: libyaml's loader when PyYAML has it (about ten times faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _walk(node: yaml.Node, path: tuple, lines: dict) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                key = int(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


class Lines(dict):
    """Field path -> line number, worked out only when a problem needs one.

    Every dashboard kernel loads the content at start; almost always it is valid and
    no line is ever asked for, so the second parse is left until then.
    """

    def __init__(self, raw: str):
        super().__init__()
        self._raw = raw

    def _fill(self) -> None:
        if self._raw is not None:
            raw, self._raw = self._raw, None
            _walk(yaml.compose(raw, Loader=_LOADER), (), self)

    def __contains__(self, path) -> bool:
        self._fill()
        return super().__contains__(path)

    def get(self, path, default=None):
        self._fill()
        return super().get(path, default)


def read_yaml(path: Path) -> tuple[Any, dict]:
    """Parse a YAML file; return the data and a map from field path to line number."""
    display = _display(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(display, 0, "", f"not UTF-8 text ({exc.reason})")]) from None
    try:
        data = yaml.load(raw, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise ContentError([Problem(display, line, "", f"YAML syntax error: {exc.problem or exc.context}")]) from None
    if data is None:
        raise ContentError([Problem(display, 1, "", "the file is empty")])
    return data, Lines(raw)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _line_for(lines: dict, path: tuple) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 0)


# --- schemas -----------------------------------------------------------------


def _text_schema(schema: dict) -> dict:
    """The text schema with the kit's languages: the required ones, and the variants allowed."""
    return {
        **schema,
        "required": list(REQUIRED),
        "properties": {code: {"type": "string", "minLength": 1} for code in LANGUAGES},
        "additionalProperties": False,
    }


@functools.lru_cache(maxsize=None)
def _registry(schema_dir: str) -> Registry:
    resources = []
    for file in sorted(Path(schema_dir).glob("*.schema.json")):
        schema = json.loads(file.read_text(encoding="utf-8"))
        if file.name == "text.schema.json":
            schema = _text_schema(schema)
        resources.append((file.name, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def schema_dir() -> Path:
    # Schemas always come from the kit: an organisation's content must fit the code.
    return BUNDLED / "schemas"


def _validator(kind: str) -> Draft202012Validator | None:
    file = schema_dir() / f"{kind}.schema.json"
    if not file.exists():
        return None
    registry = _registry(str(schema_dir()))
    return Draft202012Validator(registry.contents(file.name), registry=registry)


#: Checks a schema cannot say (a case's branches all end, ids are unique...), registered
#: per kind by each workshop's ``checks`` module (``widgets/workshops/<id>/checks.py``).
_CHECKS: dict[str, list[Callable]] = {}


def check(kind: str):
    """Register ``func(data) -> list[(path_tuple, message)]`` as an extra check for a kind."""

    def register(func):
        _CHECKS.setdefault(kind, []).append(func)
        return func

    return register


@functools.lru_cache(maxsize=None)
def _load_checks() -> None:
    """Import every workshop's ``checks`` module, found by name like a plugin.

    Content sits below the workshops in the layers, so it names no workshop: the
    workshops folder is scanned instead, and a workshop added there brings its checks.
    """
    for info in pkgutil.iter_modules([str(WORKSHOP_PACKAGES)]):
        if info.ispkg and (WORKSHOP_PACKAGES / info.name / "checks.py").exists():
            importlib.import_module(f"widgets.workshops.{info.name}.checks")


def validate_data(data: Any, lines: dict, display: str) -> list[Problem]:
    """Every problem of one parsed content document."""
    if not isinstance(data, dict):
        return [Problem(display, 1, "", "a content file must be a mapping that starts with 'kind:'")]
    kind = data.get("kind")
    if not isinstance(kind, str):
        return [Problem(display, _line_for(lines, ()), "kind", "missing 'kind:' naming what the file holds")]
    validator = _validator(kind)
    if validator is None:
        known = ", ".join(sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json")))
        return [Problem(display, _line_for(lines, ("kind",)), "kind", f"unknown kind '{kind}' (known: {known})")]
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        field, message = _field(path), error.message
        if error.validator == "required":
            missing = [name for name in error.validator_value if not isinstance(error.instance, dict) or name not in error.instance]
            name = missing[0] if missing else ""
            field = _field(path + (name,))
            message = (
                f"missing translation '{name}'" if name in LANGUAGES else f"missing required field '{name}'"
            )
        elif error.validator == "additionalProperties":
            message = error.message.replace("Additional properties are not allowed", "unknown field")
        problems.append(Problem(display, _line_for(lines, path), field, message))
    if problems:
        return problems
    _load_checks()
    for func in _CHECKS.get(kind, []):
        for path, message in func(data):
            problems.append(Problem(display, _line_for(lines, tuple(path)), _field(path), message))
    return problems


def validate_file(path: Path) -> list[Problem]:
    try:
        data, lines = read_yaml(path)
    except ContentError as exc:
        return exc.problems
    return validate_data(data, lines, _display(path))


def content_files(root: Path | None = None) -> list[Path]:
    root = root or content_dir()
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def validate_tree(root: Path | None = None) -> list[Problem]:
    """Every problem of every content file below ``root`` (a file or a folder)."""
    problems = []
    for file in content_files(root):
        problems.extend(validate_file(file))
    return problems


# --- loading -------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _load_cached(path: str, mtime: float) -> Any:
    file = Path(path)
    data, lines = read_yaml(file)
    problems = validate_data(data, lines, _display(file))
    if problems:
        raise ContentError(problems)
    return data


def load_file(path: Path) -> Any:
    path = Path(path).resolve()
    return _load_cached(str(path), path.stat().st_mtime)


def _find(name: str) -> Path:
    for suffix in (".yaml", ".yml"):
        for root in (content_dir(), BUNDLED):
            file = root / f"{name}{suffix}"
            if file.exists():
                return file
    raise FileNotFoundError(f"no content file '{name}.yaml' in {content_dir()}")


def load(name: str) -> Any:
    """Load and validate one content document by its name below the content folder."""
    return load_file(_find(name))


def load_kind(kind: str, folder: str = "") -> list[Any]:
    """Every document of one kind below a folder of the content folder, in file-name order."""
    roots = [content_dir() / folder]
    if content_dir() != BUNDLED and not roots[0].exists():
        roots = [BUNDLED / folder]
    out = []
    for root in roots:
        for file in content_files(root):
            data, _ = read_yaml(file)
            if isinstance(data, dict) and data.get("kind") == kind:
                out.append(load_file(file))
    return out


def texts(node: Any, path: tuple = ()):
    """Every ``{fr, en}`` text of a document, with its path (to check or count translations).

    >>> list(texts({"a": [{"fr": "oui", "en": "yes"}]}))
    [(('a', 0), {'fr': 'oui', 'en': 'yes'})]
    """
    if isinstance(node, dict):
        if _is_text(node):
            yield path, node
            return
        for key, value in node.items():
            yield from texts(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, path + (i,))


def _is_text(node: dict) -> bool:
    return bool(node) and set(REQUIRED) <= set(node) <= set(LANGUAGES) and all(isinstance(v, str) for v in node.values())


@functools.lru_cache(maxsize=8)
def _glossary_folder(setting: str | None) -> Path:
    # Every participant's state reads its activity's texts: resolving the folder each time cost 0.2 ms a text.
    return Path(setting or BUNDLED).resolve() / "glossary"


def text(value: Any, lang: str) -> str:
    """The text of a ``{fr, en}`` map in one language, or from its fallback (``fr-CA`` -> ``fr``).

    A variant with no text of its own reads its fallback's text through its glossary:
    "e-mail" becomes "courriel", "chat" "clavardage".

    >>> text({"fr": "Bonjour", "en": "Hello"}, "en")
    'Hello'
    >>> text({"fr": "Un e-mail", "en": "An email"}, "fr-CA")
    'Un courriel'
    >>> text({"fr": "Un e-mail", "fr-CA": "Un message", "en": "An email"}, "fr-CA")
    'Un message'
    """
    if isinstance(value, dict):
        if lang in value:
            return value[lang]
        for code in chain(lang)[1:]:
            if code in value:
                return glossary.localize(value[code], lang, _glossary_folder(os.environ.get("ELAN_CONTENT_DIR")))
        return value[lang]
    return "" if value is None else str(value)


def with_variants(node: Any) -> Any:
    """A copy of a document (an activity's spec) whose every text has every language, variants included.

    The participant page picks the reader's language from each text; a variant it lacks is
    filled from its base language through the glossary (:func:`text`).
    """
    if isinstance(node, dict):
        if _is_text(node):
            return {lang: text(node, lang) for lang in LANGUAGES}
        return {k: with_variants(v) for k, v in node.items()}
    if isinstance(node, list):
        return [with_variants(v) for v in node]
    return node
