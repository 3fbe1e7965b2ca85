"""Writing an organisation's content as readable YAML: comments, key order and quoting kept.

Every writer of the organisation's folder goes through here: the case editor, the
content forms and ``elan content import``. A file that is already there is read with a
round-trip YAML library and changed in place where the new document agrees with it, so a
trainer's comments on what did not change stay where they were.

>>> yaml = round_trip()
>>> node = yaml.load("# ours\\nkind: k\\nideas:\\n  - id: a  # the first\\n    n: 1\\n")
>>> node = update_in_place(node, {"kind": "k", "ideas": [{"id": "a", "n": 2}, {"id": "b", "n": 3}]})
>>> print(dump(node), end="")
# ours
kind: k
ideas:
  - id: a  # the first
    n: 2
  - id: b
    n: 3
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from widgets import content


def round_trip() -> YAML:
    """A YAML reader and writer that keeps comments and order; long texts stay on one line."""
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(path: Path) -> Any:
    """The organisation's file at ``path``, read for a round-trip save (comments kept).

    Bounded like the content loader: a file with too many aliases (``*name``) is refused
    with a message naming it, before ruamel builds anything from it.
    """
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    content.refuse_alias_bombs(raw, content._display(path))
    return round_trip().load(raw)


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "id" in i for i in value)


def update_in_place(node: Any, new: Any) -> Any:
    """``new`` written over ``node`` in place where their shapes agree, so comments on what is unchanged stay.

    Lists of items with ids are matched by id when the new list keeps the old order
    (items taken out, items added at the end): an unchanged item keeps its comments.
    """
    if isinstance(node, dict) and isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            del node[key]
        for key, value in new.items():
            node[key] = update_in_place(node[key], value) if key in node else value
        return node
    if _keyed(node) and _keyed(new):
        wanted = [item["id"] for item in new]
        kept = [item["id"] for item in node if item["id"] in wanted]
        if wanted[: len(kept)] == kept and len(set(wanted)) == len(wanted):
            for i in reversed(range(len(node))):
                if node[i]["id"] not in wanted:
                    del node[i]
            for i, item in enumerate(new):
                if i < len(node):
                    node[i] = update_in_place(node[i], item)
                else:
                    node.append(item)
            return node
    if isinstance(node, list) and isinstance(new, list) and len(node) == len(new):
        for i, value in enumerate(new):
            node[i] = update_in_place(node[i], value)
        return node
    return new


def dump(data: Any) -> str:
    out = io.StringIO()
    round_trip().dump(data, out)
    return out.getvalue()


def write(target: Path, data: Any) -> Path:
    """Write a document to ``target``, over the file that is there (its comments kept) or as a new file."""
    target = Path(target)
    if target.exists():
        data = update_in_place(load(target), data)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as fh:
        round_trip().dump(data, fh)
    return target
