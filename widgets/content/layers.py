"""One kit document and the organisation's layer over it, as the content forms edit them.

The kit's file is never written. What the organisation changes is its layer
(``<folder>/<name>.yaml``: the items it adds, and its copies of the kit's items it
replaces) and the ``hide:`` list of its ``organisation.yaml``. Each item has one origin:

- ``kit``: the kit's item, as the kit has it;
- ``replaced``: a kit item the organisation replaced by its own copy;
- ``hidden``: a kit item the organisation hides;
- ``organisation``: an item the organisation added.

The checks are those of ``elan validate``, run on the document the room would get (the
kit's merged with the layer), with the same messages but no file or line: nothing is
written while one remains.

>>> doc = Layered("week/ideas", root=None)
>>> doc.origins()[("ideas",)]["kickoff-breakfast"]
'kit'
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from widgets import content
from widgets.content import saving

KIT, ORGANISATION, REPLACED, HIDDEN = "kit", "organisation", "replaced", "hidden"
ORIGINS = (KIT, REPLACED, HIDDEN, ORGANISATION)


class NoFolder(ValueError):
    """There is no organisation folder to write to (or it is inside the kit, which an upgrade replaces)."""


@functools.cache
def _schema(kind: str) -> dict:
    return json.loads((content.schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8"))


TEXT = {"text": True}


def resolve(node: dict, kind: str) -> dict:
    """A schema node with its ``$ref`` followed; a text (``text.schema.json``) is ``{"text": True}``."""
    while "$ref" in node:
        ref = node["$ref"]
        if ref == "text.schema.json":
            return TEXT
        if not ref.startswith("#/"):
            raise ValueError(f"{kind}: a reference the forms cannot follow: {ref}")
        target = _schema(kind)
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def item_schema(kind: str, path: tuple) -> dict:
    """The schema of one item of the list at ``path`` in a document of ``kind`` (``("values", "items")``)."""
    node = _schema(kind)
    for part in path:
        node = resolve(node, kind)["properties"][part]
    return resolve(resolve(node, kind)["items"], kind)


def blank(schema: dict, kind: str) -> Any:
    """An empty value of a schema: every required field, with the first choice or nothing written yet."""
    schema = resolve(schema, kind)
    if schema is TEXT or schema.get("text"):
        return {"fr": "", "en": ""}
    if "enum" in schema:
        return schema["enum"][0]
    kind_of = schema.get("type")
    if kind_of == "object":
        return {name: blank(schema["properties"][name], kind) for name in schema.get("required", [])}
    if kind_of == "array":
        return []
    if kind_of == "boolean":
        return False
    if kind_of in ("integer", "number"):
        return schema.get("minimum", 0)
    return ""


def tidy(value: Any, schema: dict, kind: str) -> Any:
    """An edited value as a file would hold it: a language left blank is left out, and so is a field left empty.

    A required field left empty is left out too, so the check says it is missing, as
    ``elan validate`` would; an empty list the schema requires stays (an idea with no materials).

    >>> tidy({"id": "x", "what": {"fr": "Oui", "en": " "}, "url": ""}, {"type": "object", "properties": {"what": {"$ref": "text.schema.json"}, "url": {"type": "string"}}}, "week-ideas")
    {'id': 'x', 'what': {'fr': 'Oui'}}
    """
    schema = resolve(schema, kind)
    if schema.get("text") and isinstance(value, dict):
        out = {lang: text for lang, text in value.items() if isinstance(text, str) and text.strip()}
        return out or None
    if isinstance(value, dict):
        props, required = schema.get("properties", {}), set(schema.get("required", []))
        out = {}
        for key, item in value.items():
            item = tidy(item, props.get(key, {}), kind)
            if item is None or item == "" or (item == [] and key not in required):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        items = [tidy(item, schema.get("items", {}), kind) for item in value]
        return [item for item in items if item is not None and item != ""]
    return value


def _at(node: dict, path: tuple, create: bool = False) -> Any:
    for part in path[:-1]:
        if part not in node:
            if not create:
                return None
            node[part] = {}
        node = node[part]
    if path[-1] not in node and create:
        node[path[-1]] = []
    return node.get(path[-1])


class Layered:
    """A kit document being edited through the organisation's layer (read from ``root``, written back there)."""

    def __init__(self, name: str, root: Path | None = ...):
        self.name = name.strip("/")
        self.root = content.organisation_dir() if root is ... else (Path(root) if root else None)
        kit_file = content._file(content.BUNDLED, self.name)
        if kit_file is None:
            raise FileNotFoundError(f"the kit has no content file '{self.name}.yaml'")
        self.kit = content.load_file(kit_file)
        self.kind = self.kit["kind"]
        org_file = content._file(self.root, self.name)
        self.layer = copy.deepcopy(content.read_yaml(org_file)[0]) if org_file else {"kind": self.kind}
        self.hidden = set(content.hidden(self.root)[1].get(self.name, ())) if self.root else set()

    # --- what there is ------------------------------------------------------------------

    def lists(self) -> list[tuple]:
        """The paths of the document's lists of items (``("screens",)``, ``("values", "items")``...)."""
        return [path for path, _ in content.item_lists(self.kit)]

    def rows(self, path: tuple) -> list[tuple[dict, str]]:
        """Every item of a list as the forms show it, with its origin: the kit's in order, then the organisation's."""
        kit = _at(self.kit, path) or []
        mine = {item["id"]: item for item in (_at(self.layer, path) or [])}
        out = []
        for item in kit:
            if item["id"] in self.hidden:
                out.append((item, HIDDEN))
            elif item["id"] in mine:
                out.append((mine.pop(item["id"]), REPLACED))
            else:
                out.append((item, KIT))
        out.extend((item, ORGANISATION) for item in mine.values())
        return out

    def origins(self) -> dict[tuple, dict[str, str]]:
        return {path: {item["id"]: where for item, where in self.rows(path)} for path in self.lists()}

    def item(self, path: tuple, item_id: str) -> dict:
        return next(item for item, _ in self.rows(path) if item["id"] == item_id)

    # --- changes ------------------------------------------------------------------------

    def _mine(self, path: tuple) -> list:
        return _at(self.layer, path, create=True)

    def add(self, path: tuple, item_id: str) -> dict:
        """A new item of the organisation's, at the end of the list; returns it with its required fields empty, to fill in."""
        schema = item_schema(self.kind, path)
        item = blank(schema, self.kind)
        item["id"] = item_id
        self._mine(path).append(tidy(item, schema, self.kind))
        return item

    def replace(self, path: tuple, item_id: str) -> dict:
        """The organisation's copy of a kit item, to change as it likes; the kit's stays in the kit."""
        self.hidden.discard(item_id)
        mine = self._mine(path)
        found = next((item for item in mine if item["id"] == item_id), None)
        if found is None:
            found = copy.deepcopy(next(item for item in _at(self.kit, path) if item["id"] == item_id))
            mine.append(found)
        return found

    def put(self, path: tuple, old_id: str, item: dict) -> None:
        """The organisation's item (added or replacing) as edited now, in its place."""
        mine = self._mine(path)
        at = next(i for i, old in enumerate(mine) if old["id"] == old_id)
        mine[at] = item

    def hide(self, path: tuple, item_id: str) -> None:
        """Hide a kit item (and drop the organisation's copy of it, if any)."""
        self._drop(path, item_id)
        self.hidden.add(item_id)

    def restore(self, path: tuple, item_id: str) -> None:
        """A kit item as the kit has it again: no copy of the organisation's, not hidden."""
        self._drop(path, item_id)
        self.hidden.discard(item_id)

    def remove(self, path: tuple, item_id: str) -> None:
        """Take out an item the organisation added."""
        self._drop(path, item_id)

    def _drop(self, path: tuple, item_id: str) -> None:
        mine = _at(self.layer, path)
        if mine is not None:
            mine[:] = [item for item in mine if item["id"] != item_id]

    # --- checks and saving --------------------------------------------------------------

    def _layer(self) -> dict:
        """The layer as a file holds it: lists and parts left empty are left out."""

        def prune(node: dict) -> dict:
            out = {}
            for key, value in node.items():
                if content._nested(value):
                    value = prune(value)
                if value in ({}, []):
                    continue
                out[key] = value
            return out

        return {"kind": self.kind, **prune({k: v for k, v in self.layer.items() if k != "kind"})}

    def merged(self) -> dict:
        return content.merge(content._without(self.kit, frozenset(self.hidden)), self._layer())[0]

    def problems(self) -> list[tuple[tuple, str]]:
        """What ``elan validate`` would say of the layer and of the merged document, by field (no file, no line)."""
        # The merged document holds every item of the layer: checked whole, the paths are the room's.
        return content.problems_at(self.merged())

    def item_at(self, path: tuple) -> str | None:
        """The id of the item a problem's path goes through (``ideas[10].title`` -> that idea's id)."""
        node: Any = self.merged()
        found = None
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(part, int) and isinstance(node, dict) and "id" in node and found is None:
                found = node["id"]
        return found

    def target(self) -> Path:
        if self.root is None or content._inside_kit(self.root.resolve()):
            raise NoFolder(self.name)
        return self.root / f"{self.name}.yaml"

    def save(self) -> list[Path]:
        """Write the layer and the ``hide:`` list of ``organisation.yaml``; refused while a problem remains."""
        target = self.target()
        problems = self.problems()
        if problems:
            raise content.ContentError(
                [content.Problem(self.name, 0, content.field_name(path), message) for path, message in problems]
            )
        layer = self._layer()
        # Nothing of the organisation's in this document, and no file of its own yet: none is made.
        written = [saving.write(target, layer)] if target.exists() or len(layer) > 1 else []
        org_file = content._file(self.root, "organisation") or self.root / content.ORGANISATION_FILE
        before = content.hidden(self.root)[1].get(self.name, frozenset())
        if set(before) != self.hidden:
            data = saving.load(org_file) if org_file.exists() else None
            data = data if data is not None else {"kind": "organisation"}
            hide = data.get("hide")
            if hide is None:
                hide = data["hide"] = {}
            if self.hidden:
                # Kit order, so the file reads like the kit's list.
                order = [item["id"] for _, items in content.item_lists(self.kit) for item in items]
                hide[self.name] = sorted(self.hidden, key=lambda i: order.index(i) if i in order else len(order))
            else:
                hide.pop(self.name, None)
                if not hide:
                    del data["hide"]
            written.append(saving.write(org_file, data))
        return written
