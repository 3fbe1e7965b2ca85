"""Course content: YAML files in ``datasets/``, one JSON Schema per kind, one loader.

Every content file starts with ``kind: <name>``; the schema is
``datasets/schemas/<name>.schema.json``. Texts shown to people are maps with one
entry per language (``{fr: "...", en: "..."}``); a missing language is an error.
Problems name the file, the line and the field, so an organisation editing its own
cases or values can fix them without reading Python.

An organisation keeps its own content in a folder of its own (``--content-dir`` or
``ELAN_CONTENT_DIR``), laid out like ``datasets/`` and layered over it: a file the kit
does not have is added; a file the kit has replaces it (a case) or is merged into it
item by item, by ``id`` (examples, ideas, metrics); ``organisation.yaml`` hides what
does not fit. The kit never writes there, so an upgrade of the kit leaves it as it is.

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
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from widgets.core.languages import LANGUAGES, REQUIRED, chain
from widgets.core.messages import Message
from widgets.core.paths import DATASETS, PACKAGE

# jsonschema imports the optional rfc3987_syntax when it is installed (1.4 s spent building
# a grammar) for an "iri" format check no schema of the kit uses; every dashboard kernel
# loads content at start, so it is kept out.
sys.modules.setdefault("rfc3987_syntax", None)
from jsonschema import Draft202012Validator  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

from widgets.core import glossary  # noqa: E402

BUNDLED = DATASETS
WORKSHOP_PACKAGES = Path(__file__).resolve().parent.parent / "workshops"
#: Each workshop's manifest, ``widgets/workshops/<id>/workshop.yaml`` (:mod:`widgets.content.manifests`).
MANIFEST = "workshop.yaml"
#: The document listing the workshops (landing page, agenda): read from their manifests, not from a file.
CATALOGUE = "workshops"


#: The organisation's file that hides kit content and names the organisation.
ORGANISATION_FILE = "organisation.yaml"
KIT, ORGANISATION = "kit", "organisation"


def organisation_dir() -> Path | None:
    """The organisation's content folder (``ELAN_CONTENT_DIR``), or None when there is none."""
    raw = os.environ.get("ELAN_CONTENT_DIR")
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    return None if path == BUNDLED.resolve() else path


def content_dir() -> Path:
    """The content folder: ``ELAN_CONTENT_DIR`` when an organisation sets one, else the bundled one."""
    return organisation_dir() or BUNDLED.resolve()


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file: where, which field, and what.

    ``message`` is a :class:`~widgets.core.messages.Message`: ``str(problem)`` writes it in the
    configured language, ``problem.render(lang)`` in the reader's; file, line and field stay
    as they are in every language.
    """

    file: str
    line: int
    field: str
    message: Message

    def text(self, lang: str | None = None) -> str:
        """The message alone, in ``lang`` (default: the configured language)."""
        return self.message.render(lang) if isinstance(self.message, Message) else str(self.message)

    def render(self, lang: str | None = None) -> str:
        """``file:line: [field] message``, the message in ``lang``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.text(lang)}"

    def __str__(self) -> str:
        return self.render()


class ContentError(ValueError):
    """Raised when content does not load; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __str__(self) -> str:
        # Written when read, so the problems come out in the reader's language of that moment.
        return "\n".join(str(p) for p in self.problems)


# --- YAML with line numbers -------------------------------------------------


def _field(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def field_name(path: Iterable[Any]) -> str:
    """A field's path as the messages write it: ``steps[0].situation.en``."""
    return _field(path)


#: libyaml's loader when PyYAML has it (about ten times faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Aliases (``*name``) a content file may hold. The kit's files use none; a few hundred bytes of
#: nested aliases (a "billion laughs") make a tree that walking, checking or dumping never ends.
MAX_ALIASES = 50


def count_aliases(raw: str) -> int:
    """How many aliases a YAML text holds, read from the parser's events (nothing is built).

    >>> count_aliases("a: &x [1, 2]\\nb: *x\\nc: *x\\n"), count_aliases("title: Q&A *bold*\\n")
    (2, 0)
    """
    if "*" not in raw or "&" not in raw:
        return 0  # no anchor, or no alias: nothing to count
    return sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(raw, Loader=_LOADER))


def refuse_alias_bombs(raw: str, display: str) -> None:
    """Raise a ContentError naming the file when its text holds more than ``MAX_ALIASES`` aliases.

    Every reader of an organisation's YAML calls this before building anything from it,
    this loader and the round-trip one that saves (``saving.load``) alike.
    """
    aliases = count_aliases(raw)
    if aliases > MAX_ALIASES:
        raise ContentError(
            [Problem(display, 0, "", Message("content_checks.too_many_aliases", n=aliases, max=MAX_ALIASES))]
        )


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
        raise ContentError([Problem(display, 0, "", Message("content_checks.not_utf8", reason=exc.reason))]) from None
    try:
        refuse_alias_bombs(raw, display)
        data = yaml.load(raw, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        detail = exc.problem or exc.context  # PyYAML's own words, passed on as they are
        raise ContentError([Problem(display, line, "", Message("content_checks.yaml_syntax", detail=detail))]) from None
    if data is None:
        raise ContentError([Problem(display, 1, "", Message("content_checks.empty_file"))])
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


@functools.cache
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


def _validator(kind: str, partial: bool = False) -> Draft202012Validator | None:
    """The schema of a kind; ``partial`` drops the top level's required fields (a layer over the kit's file)."""
    file = schema_dir() / f"{kind}.schema.json"
    if not file.exists():
        return None
    registry = _registry(str(schema_dir()))
    schema = registry.contents(file.name)
    if partial:
        schema = {**schema, "required": [name for name in schema.get("required", []) if name == "kind"]}
    return Draft202012Validator(schema, registry=registry)


#: Checks a schema cannot say (a case's branches all end, ids are unique...), registered
#: per kind by each workshop's ``checks`` module (``widgets/workshops/<id>/checks.py``).
_CHECKS: dict[str, list[Callable]] = {}


def check(kind: str):
    """Register ``func(data) -> list[(path_tuple, Message)]`` as an extra check for a kind.

    A check returns :class:`~widgets.core.messages.Message` objects (a key of the
    translation files and its values), never a sentence: the reader's language is
    only known when the problem is shown.
    """

    def register(func):
        _CHECKS.setdefault(kind, []).append(func)
        return func

    return register


@functools.cache
def _load_checks() -> None:
    """Import every workshop's ``checks`` module, found by name like a plugin.

    Content sits below the workshops in the layers, so it names no workshop: the
    workshops folder is scanned instead, and a workshop added there brings its checks.
    """
    for info in pkgutil.iter_modules([str(WORKSHOP_PACKAGES)]):
        if info.ispkg and (WORKSHOP_PACKAGES / info.name / "checks.py").exists():
            importlib.import_module(f"widgets.workshops.{info.name}.checks")


def problems_at(data: Any, partial: bool = False) -> list[tuple[tuple, Message]]:
    """Every problem of one parsed document as ``(field path, Message)``; ``partial``: a layer over the kit's file."""
    if not isinstance(data, dict):
        return [((), Message("content_checks.not_mapping"))]
    kind = data.get("kind")
    if not isinstance(kind, str):
        return [(("kind",), Message("content_checks.missing_kind"))]
    validator = _validator(kind, partial)
    if validator is None:
        known = ", ".join(sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json")))
        return [(("kind",), Message("content_checks.unknown_kind", kind=kind, known=known))]
    problems, reported = [], {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path, message = tuple(error.absolute_path), schema_message(error)
        if partial and error.validator == "required" and not any(isinstance(p, int) for p in path):
            continue  # a layer may leave out any field outside an item: the merged document is checked whole
        if error.validator == "required":
            missing = [
                name
                for name in error.validator_value
                if not isinstance(error.instance, dict) or name not in error.instance
            ]
            # One error per missing field, each carrying the whole list: the n-th error names the n-th one.
            nth = reported.setdefault(path, 0)
            reported[path] += 1
            name = missing[nth] if nth < len(missing) else (missing[0] if missing else "")
            path = path + (name,) if name else path
            message = _required(name)
        problems.append((path, message))
    if problems or partial:
        return problems
    _load_checks()
    for func in _CHECKS.get(kind, []):
        for path, message in func(data):
            if not isinstance(message, Message):
                # A programming error, not a content one: every check's message is a key to translate.
                raise TypeError(f"{func.__module__}.{func.__name__} returned {message!r}, not a Message")
            problems.append((tuple(path), message))
    return problems


def _shown(value: Any) -> str:
    """A value from the file as messages quote it (short: a whole mapping would drown the message)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


#: JSON Schema's type names, each said in words by ``content_checks.type_<name>``.
SCHEMA_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")
#: The schema rules with a message of their own (``content_checks.schema_<rule>``); any other is said generically.
SCHEMA_RULES = (
    "enum",
    "const",
    "pattern",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "minProperties",
    "anyOf",
    "oneOf",
    "not",
)


def _required(name: str) -> Message:
    if name in LANGUAGES:
        return Message("content_checks.missing_translation", lang=name)
    return Message("content_checks.missing_field", name=name)


def schema_message(error) -> Message:
    """A JSON Schema error as a message of the kit's own (jsonschema writes English only)."""
    rule, value, expected = error.validator, error.instance, error.validator_value
    if rule == "required":
        missing = [n for n in expected if not isinstance(value, dict) or n not in value]
        return _required(missing[0] if missing else "")
    if rule == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [k for k in value if k not in known and not any(re.search(p, str(k)) for p in patterns)]
        names = ", ".join(f"'{k}'" for k in extra)
        return Message("content_checks.unknown_field", n=len(extra), names=names)
    if rule == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        words = [Message(f"content_checks.type_{t}") if t in SCHEMA_TYPES else t for t in types]
        return Message("content_checks.wrong_type", value=_shown(value), expected=words)
    simple = {
        "enum": lambda: {"options": ", ".join(map(_shown, expected))},
        "const": lambda: {"expected": _shown(expected)},
        "pattern": lambda: {"pattern": expected},
        "minItems": lambda: {"n": expected, "found": len(value)},
        "maxItems": lambda: {"n": expected, "found": len(value)},
        "minLength": lambda: {"n": expected},
        "maxLength": lambda: {"n": expected, "found": len(value)},
        "minimum": lambda: {"limit": expected},
        "maximum": lambda: {"limit": expected},
        "exclusiveMinimum": lambda: {"limit": expected},
        "exclusiveMaximum": lambda: {"limit": expected},
        "uniqueItems": dict,
        "minProperties": dict,
        "anyOf": dict,
        "oneOf": dict,
        "not": dict,
    }
    if rule == "minLength" and value == "":
        return Message("content_checks.empty_text")
    if rule in SCHEMA_RULES:
        return Message(f"content_checks.schema_{rule}", value=_shown(value), **simple[rule]())
    # A rule no schema of the kit uses yet: its name and jsonschema's own words, as a value.
    return Message("content_checks.schema_other", rule=str(rule), detail=error.message)


def validate_data(data: Any, lines: dict, display: str, partial: bool = False) -> list[Problem]:
    """Every problem of one parsed content document (``partial``: a layer, checked for its own fields only)."""
    if not isinstance(data, dict):
        return [Problem(display, 1, "", Message("content_checks.not_mapping"))]
    return [
        Problem(display, _line_for(lines, path), _field(path), message) for path, message in problems_at(data, partial)
    ]


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


# --- the organisation's layer ------------------------------------------------


def _file(root: Path | None, name: str) -> Path | None:
    if root is None:
        return None
    for suffix in (".yaml", ".yml"):
        file = root / f"{name}{suffix}"
        if file.is_file():
            return file
    return None


def _stamp(file: Path | None) -> float:
    return file.stat().st_mtime if file else 0.0


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "id" in i for i in value)


def _nested(value: Any) -> bool:
    """A part of a document that holds fields of its own (a matching round), not a text nor an item."""
    return isinstance(value, dict) and "id" not in value and not _is_text(value)


def item_lists(doc: Any, path: tuple = ()) -> list[tuple[tuple, list]]:
    """Every list of items with ids in a document, with its path: ``screens``, ``ideas``, ``values.items``...

    Items are looked for at the top level and in parts that hold fields of their own (a
    matching round), not inside items (an idea's materials belong to the idea).

    >>> [path for path, _ in item_lists({"kind": "k", "values": {"items": [{"id": "a"}]}, "roles": [{"id": "r"}]})]
    [('values', 'items'), ('roles',)]
    """
    out = []
    if not isinstance(doc, dict) or ("id" in doc and not path):
        return out
    for key, value in doc.items():
        if _keyed(value):
            out.append((path + (key,), value))
        elif _nested(value):
            out.extend(item_lists(value, path + (key,)))
    return out


def _ids(doc: Any) -> set:
    return {item["id"] for _, items in item_lists(doc) for item in items}


def organisation(root: Path | None = None) -> dict:
    """The organisation's ``organisation.yaml`` (its name, what it hides), or ``{}`` when it has none."""
    file = _file(root or organisation_dir(), ORGANISATION_FILE.removesuffix(".yaml"))
    return load_file(file) if file else {}


def hidden(root: Path | None = None) -> tuple[frozenset, dict]:
    """What the organisation hides: document names (``cases/wrong-advice-fine``), and item ids per document."""
    documents, items = set(), {}
    for key, ids in (organisation(root).get("hide") or {}).items():
        key = key.strip("/")
        if _file(BUNDLED, key):
            items[key] = frozenset(ids)
        else:
            documents.update(f"{key}/{i}" for i in ids)
    return frozenset(documents), items


def _without(doc: dict, ids: frozenset, nested: bool = False) -> dict:
    """A document without the items whose id is hidden (in every list of items with ids, rounds included)."""
    if not ids or ("id" in doc and not nested):
        return doc
    out = {}
    for key, value in doc.items():
        if _keyed(value):
            out[key] = [i for i in value if i["id"] not in ids]
        elif _nested(value):
            out[key] = _without(value, ids, True)
        else:
            out[key] = value
    return out


def merge(kit: dict, layer: dict) -> tuple[dict, dict]:
    """The kit's document with an organisation's layer over it, and where each merged part came from.

    A document that is one item (it has an ``id``: a case) is replaced whole. Otherwise a
    list of items with ids is merged item by item (same id: replaced; new id: added at the
    end), a part that holds fields of its own (a matching round) is merged the same way,
    field by field, and any other field of the layer replaces the kit's. The second value
    maps a merged path to its path in the layer, to report a problem at the layer's own line.

    >>> merged, where = merge({"kind": "k", "ideas": [{"id": "a"}, {"id": "b"}]}, {"kind": "k", "ideas": [{"id": "b", "x": 1}]})
    >>> merged["ideas"], where
    ([{'id': 'a'}, {'id': 'b', 'x': 1}], {('ideas', 1): ('ideas', 0)})
    """
    if "id" in kit or "id" in layer:
        return layer, {(): ()}
    return _merge_fields(kit, layer, ())


def _merge_fields(kit: dict, layer: dict, at: tuple) -> tuple[dict, dict]:
    merged, where = dict(kit), {}
    for key, value in layer.items():
        if key == "kind" and not at:
            continue
        here = at + (key,)
        if _keyed(value) and _keyed(merged.get(key)):
            out = list(merged[key])
            index = {item["id"]: i for i, item in enumerate(out)}
            for j, item in enumerate(value):
                i = index.setdefault(item["id"], len(out))
                if i == len(out):
                    out.append(item)
                else:
                    out[i] = item
                where[here + (i,)] = here + (j,)
            merged[key] = out
        elif _nested(value) and _nested(merged.get(key)):
            merged[key], inner = _merge_fields(merged[key], value, here)
            where.update(inner)
        else:
            merged[key] = value
            where[here] = here
    return merged, where


def _layer_problems(kit: Path, org: Path, hide: frozenset) -> tuple[Any, list[Problem]]:
    """The merged document of a kit file and the organisation's file of the same name, or its problems."""
    display = _display(org)
    try:
        layer, lines = read_yaml(org)
    except ContentError as exc:
        return None, exc.problems
    problems = validate_data(layer, lines, display, partial=True)
    if problems:
        return None, problems
    base = load_file(kit)
    if layer["kind"] != base["kind"]:
        message = Message("content_checks.layer_kind", kind=base["kind"])
        return None, [Problem(display, _line_for(lines, ("kind",)), "kind", message)]
    merged, where = merge(_without(base, hide), layer)
    problems = []
    for path, message in problems_at(merged):
        for n in range(len(path), -1, -1):
            if path[:n] in where:
                path = where[path[:n]] + path[n:]
                break
        else:
            message = Message("content_checks.after_merge", message=message)
        problems.append(Problem(display, _line_for(lines, path), _field(path), message))
    return merged, problems


@functools.lru_cache(maxsize=256)
def _layered(kit: str, org: str, stamps: tuple, hide: frozenset) -> Any:
    merged, problems = _layer_problems(Path(kit), Path(org), hide)
    if problems:
        raise ContentError(problems)
    return merged


def _resolve(name: str) -> Any:
    org_root = organisation_dir()
    kit, org = _file(BUNDLED, name), _file(org_root, name)
    documents, items = hidden(org_root) if org_root else (frozenset(), {})
    if (kit is None and org is None) or name in documents:
        raise FileNotFoundError(f"no content file '{name}.yaml' in {content_dir()}")
    hide = items.get(name, frozenset())
    if org is None:
        return _without(load_file(kit), hide)
    if kit is None:
        return load_file(org)
    return _layered(str(kit), str(org), (_stamp(kit), _stamp(org)), hide)


def load(name: str) -> Any:
    """Load and validate one content document by its name (``values/examples``), the organisation's layer merged.

    ``load("workshops")`` is the list of workshops, read from their manifests (:func:`catalogue`).
    """
    name = name.strip("/")
    return catalogue() if name == CATALOGUE else _resolve(name)


def manifest_files() -> list[Path]:
    """Every workshop's manifest, the training day's too, found by scanning the workshops folder like plugins."""
    return sorted(WORKSHOP_PACKAGES.glob(f"*/{MANIFEST}"))


def catalogue() -> dict:
    """The workshops (the programme layer aside) in the shape of a ``kind: workshops`` document, in their order.

    Each entry: ``id``, ``title``, ``purpose``, ``minutes``, ``group``, ``dashboard``, ``solo`` (notebooks
    below ``workshops/``) and ``guide`` (the chapter's file name), as the landing page and the agenda read them.
    """
    entries = []
    for file in manifest_files():
        m = load_file(file)
        if m["layer"] != "workshop":
            continue
        entry = {key: m[key] for key in ("id", "title", "purpose", "minutes", "group") if key in m}
        entry.update({key: m["notebooks"][key] for key in ("dashboard", "solo") if key in m["notebooks"]})
        entries.append({**entry, "guide": f"{m['guide'][0]}.md", "order": m.get("order", 100)})
    entries.sort(key=lambda e: (e.pop("order"), e["id"]))
    return {"kind": CATALOGUE, "workshops": entries}


def names(folder: str = "") -> list[str]:
    """Every document name below a folder, the kit's and the organisation's, hidden ones left out."""
    org_root = organisation_dir()
    found = set()
    for root in (BUNDLED, org_root):
        if root is not None and (root / folder).is_dir():
            found.update(f.relative_to(root).with_suffix("").as_posix() for f in content_files(root / folder))
    documents = hidden(org_root)[0] if org_root else frozenset()
    return sorted(found - documents - {ORGANISATION_FILE.removesuffix(".yaml")})


def load_kind(kind: str, folder: str = "") -> list[Any]:
    """Every document of one kind below a folder, the kit's and the organisation's merged, in name order."""
    out = []
    for name in names(folder):
        file = _file(organisation_dir(), name) or _file(BUNDLED, name)
        data, _ = read_yaml(file)
        if isinstance(data, dict) and data.get("kind") == kind:
            out.append(load(name))
    return out


def data_file(relative: str) -> Path:
    """A data file that is not YAML content (sample tickets...): the organisation's copy if it has one, else the kit's."""
    org = organisation_dir()
    if org is not None and (org / relative).is_file():
        return org / relative
    return BUNDLED / relative


def origin(name: str, item_id: str | None = None) -> str:
    """Where a document, or one item of it, comes from: ``"kit"`` or ``"organisation"``.

    A document the organisation adds or replaces is the organisation's; in a merged
    document, an item is the organisation's when its layer defines that id.
    """
    org = _file(organisation_dir(), name.strip("/"))
    if org is None:
        return KIT
    if item_id is None or _file(BUNDLED, name.strip("/")) is None:
        return ORGANISATION
    layer, _ = read_yaml(org)
    if "id" in layer:
        return ORGANISATION
    return ORGANISATION if item_id in _ids(layer) else KIT


def organisation_ids(name: str) -> frozenset:
    """The ids of a document's items that are the organisation's (added or replacing the kit's); read once per change."""
    org = _file(organisation_dir(), name.strip("/"))
    if org is None:
        return frozenset()
    return _organisation_ids(str(org), _stamp(org), _file(BUNDLED, name.strip("/")) is not None)


@functools.lru_cache(maxsize=64)
def _organisation_ids(org: str, stamp: float, in_kit: bool) -> frozenset:
    layer, _ = read_yaml(Path(org))
    return frozenset(_ids(layer))


def origins_by_id(folder: str) -> dict[str, str]:
    """Where each document of a folder that is one item (a case) comes from, by its id (not its file name)."""
    out = {}
    for name in names(folder):
        doc = load(name)
        if isinstance(doc, dict) and "id" in doc:
            out[doc["id"]] = origin(name)
    return out


def inventory() -> list[tuple[str, str | None, str]]:
    """Every document and item of the merged content as ``(name, item id or None, origin)``."""
    out = []
    for name in names():
        doc = load(name)
        out.append((name, None, origin(name)))
        for _, items in item_lists(doc):
            out.extend((name, item["id"], origin(name, item["id"])) for item in items)
    return out


def _inside_kit(root: Path) -> bool:
    """Whether a folder is the kit's content or inside the installed package (both replaced by an upgrade)."""
    return any(root == kit or kit in root.parents for kit in (BUNDLED.resolve(), PACKAGE.resolve()))


def validate_organisation(root: Path) -> list[Problem]:
    """Every problem of an organisation's content folder, each file checked as it is layered over the kit's."""
    root = Path(root).expanduser().resolve()
    if _inside_kit(root):
        return [Problem(str(root), 0, "", Message("content_checks.inside_kit"))]
    problems = []
    org_file = _file(root, ORGANISATION_FILE.removesuffix(".yaml"))
    documents, items = frozenset(), {}
    if org_file:
        found = validate_file(org_file)
        problems.extend(found)
        if not found:
            problems.extend(_hide_problems(org_file))
            documents, items = hidden(root)
    ids: dict[tuple[str, str], str] = {}
    for file in content_files(root):
        name = file.relative_to(root).with_suffix("").as_posix()
        if file == org_file:
            continue
        kit = _file(BUNDLED, name)
        if kit is None:
            found = validate_file(file)
            data = None if found else load_file(file)
        else:
            data, found = _layer_problems(kit, file, items.get(name, frozenset()))
        problems.extend(found)
        if isinstance(data, dict) and "id" in data:
            ids[(str(Path(name).parent), data["id"])] = name
    # A document that is one item (a case) is found by its id: two files may not share one.
    for kit in content_files(BUNDLED):
        name = kit.relative_to(BUNDLED).with_suffix("").as_posix()
        if name in documents or _file(root, name):
            continue
        data, _ = read_yaml(kit)
        key = (str(Path(name).parent), data.get("id") if isinstance(data, dict) else None)
        if key in ids:
            file = _file(root, ids[key])
            lines = read_yaml(file)[1]
            message = Message("content_checks.kit_id", id=key[1], name=name)
            problems.append(Problem(_display(file), _line_for(lines, ("id",)), "id", message))
    return problems


def _hide_problems(org_file: Path) -> list[Problem]:
    """Each hidden name must be something the kit has: a misspelt one would hide nothing, silently."""
    data, lines = read_yaml(org_file)
    display, problems = _display(org_file), []
    for key, ids in (data.get("hide") or {}).items():
        name = key.strip("/")
        kit = _file(BUNDLED, name)
        if kit is not None:
            known = _ids(load_file(kit))
        elif (BUNDLED / name).is_dir():
            known = {f.relative_to(BUNDLED / name).with_suffix("").as_posix() for f in content_files(BUNDLED / name)}
        else:
            problems.append(
                Problem(
                    display,
                    _line_for(lines, ("hide", key)),
                    f"hide.{key}",
                    Message("content_checks.hide_unknown", key=key),
                )
            )
            continue
        for i, item in enumerate(ids):
            if item not in known:
                message = Message("content_checks.hide_no_item", key=key, item=item, known=", ".join(sorted(known)))
                problems.append(Problem(display, _line_for(lines, ("hide", key, i)), f"hide.{key}[{i}]", message))
    return problems


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
    return (
        bool(node) and set(REQUIRED) <= set(node) <= set(LANGUAGES) and all(isinstance(v, str) for v in node.values())
    )


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
