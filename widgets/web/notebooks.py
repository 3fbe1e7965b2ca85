"""The notebooks the kit serves, and the one function that says which one an address names.

Voilà renders whatever file its path argument finds under the workshops folder, and it
normalises that path its own way (``//``, ``./``, ``%2F``). A gate that looked the raw
path up itself and let "not a notebook I know" through was opened by a double slash.
So the gate works the other way round: the workshops' notebooks are listed once, an
address is normalised here and looked up in that list, anything not found is refused,
and the page handler hands Voilà the listed name, never the visitor's spelling: what is
checked is what is served.

>>> canonical_parts("//content/./editor.ipynb/")
('content', 'editor.ipynb')
>>> canonical_parts("cases%2F..%2F..%2Fetc/passwd") is None, canonical_parts("a\\x00b") is None
(True, True)
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

#: The landing page: public whatever ``solo_access`` says (it links to the rest).
LANDING = "index.ipynb"
#: Percent-decoding rounds applied to an address (``%252F`` is ``%2F`` is ``/``): past this, refused.
MAX_UNQUOTE = 4
#: A miss (an address naming no known notebook) lists the folder again at most this often.
RESCAN_SECONDS = 5.0


@dataclass(frozen=True)
class Notebook:
    """A notebook of the kit: its path relative to the workshops folder (``/``-separated) and its role."""

    path: str
    role: str  # "trainer" or "public"

    @property
    def landing(self) -> bool:
        return self.path == LANDING


def canonical_parts(raw: str) -> tuple[str, ...] | None:
    """An address's path as its segments, decoded and normalised; None when it may not name a file.

    Backslashes are separators, empty and ``.`` segments drop out, percent-escapes are
    decoded until stable; a ``..``, a NUL or a control character refuses the address.
    """
    if not isinstance(raw, str):
        return None
    text = raw
    try:
        for _ in range(MAX_UNQUOTE):
            decoded = unquote(text, errors="strict") if "%" in text else text
            if decoded == text:
                break
            text = decoded
        else:
            return None
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        return None
    parts = tuple(p for p in text.replace("\\", "/").split("/") if p not in ("", "."))
    if not parts or any(p == ".." or p.strip(" .") == "" for p in parts):
        return None
    return parts


def _role(path: Path) -> str | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return None
    return "trainer" if (meta.get("elan") or {}).get("role") == "trainer" else "public"


class Catalogue:
    """The notebooks under one folder, looked up by any spelling of their path.

    Keys are case-folded and stripped of a trailing dot or space (names a case-insensitive
    or Windows file system would take for the same file); a symlink is listed under its
    own name with the role of the file it points to, and one pointing outside the folder
    is not listed at all.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._by_key: dict[str, Notebook] = {}
        self._scanned = 0.0
        self._lock = threading.Lock()
        self.scan()

    @staticmethod
    def _key(parts: tuple[str, ...]) -> str:
        return "/".join(p.rstrip(" .").casefold() for p in parts)

    def scan(self) -> None:
        root = self.root.resolve()
        found: dict[str, Notebook] = {}
        for file in sorted(self.root.rglob("*.ipynb")):
            rel = file.relative_to(self.root)
            if any(part.startswith(".") for part in rel.parts):
                continue  # checkpoints, hidden folders
            try:
                real = file.resolve(strict=True)
                real.relative_to(root)
            except (OSError, ValueError):
                continue  # a dangling link, or one leaving the folder
            role = _role(real)
            if role is not None:
                found[self._key(rel.parts)] = Notebook(rel.as_posix(), role)
        with self._lock:
            self._by_key = found
            self._scanned = time.monotonic()

    def all(self) -> list[Notebook]:
        return sorted(self._by_key.values(), key=lambda n: n.path)

    def find(self, raw: str) -> Notebook | None:
        """The notebook ``raw`` names, however spelt; None for anything else (refuse it)."""
        parts = canonical_parts(raw)
        if parts is None:
            return None
        key = self._key(parts)
        found = self._by_key.get(key)
        if found is None and time.monotonic() - self._scanned > RESCAN_SECONDS:
            self.scan()  # a notebook added while serving (a workshop installed): seen within seconds
            found = self._by_key.get(key)
        return found
