"""Bounds on a ZIP file (an XLSX workbook is one) before anything unpacks it.

A workbook of a few megabytes can hold gigabytes of XML once unpacked (a "zip bomb"):
openpyxl and pandas then read for minutes and fill the memory. The archive's directory
says how large each member is once unpacked, and Python's ``zipfile`` never unpacks a
member past that size (it stops there), so checking the directory first bounds the work.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("xl/worksheets/sheet1.xml", "<c/>" * 1000)
>>> try:
...     check_zip(buf.getvalue(), max_ratio=10, ratio_from=0)
... except ArchiveTooLarge as exc:
...     print(exc.key, exc.values)
core.error_archive_ratio {'member': 'xl/worksheets/sheet1.xml', 'ratio': 142}
>>> check_zip(buf.getvalue())
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO

from widgets.core.errors import Invalid
from widgets.core.messages import Message

#: Unpacked bytes a workbook may hold in all (a 100,000-ticket export is about 60 MB of XML).
MAX_UNPACKED = 400 * 1024 * 1024
#: How much larger than its packed size one member may be. Spreadsheet XML packs well (10 to 40
#: times, a column repeating one value up to about 150); bombs are packed a thousand times over.
MAX_RATIO = 200
#: Members below this size are not held to the ratio (a tiny file can pack very well).
RATIO_FROM = 1024 * 1024
#: Members an archive may hold (a workbook has a few dozen).
MAX_MEMBERS = 10000


class ArchiveTooLarge(Invalid):
    """A ZIP refused before unpacking: :meth:`message` for a report; ``str()`` is that message in the
    reader's language (a caller that shows an exception's text shows the reason)."""

    def message(self) -> Message:
        return Message(self.key, **self.values)

    def __str__(self) -> str:
        return self.message().render()


def check_zip(
    source: bytes | str | Path | IO[bytes],
    *,
    max_unpacked: int = MAX_UNPACKED,
    max_ratio: int = MAX_RATIO,
    ratio_from: int = RATIO_FROM,
) -> None:
    """Refuse (:class:`ArchiveTooLarge`) a ZIP whose members unpack past the bounds; a file that is
    not a ZIP at all is left to its reader (which says so in its own words)."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(members) > MAX_MEMBERS:
        raise ArchiveTooLarge("core.error_archive_members", n=len(members), max=MAX_MEMBERS)
    total = 0
    for member in members:
        total += member.file_size
        if total > max_unpacked:
            raise ArchiveTooLarge(
                "core.error_archive_size", mb=total // (1024 * 1024), max_mb=max_unpacked // (1024 * 1024)
            )
        if member.file_size >= ratio_from:
            ratio = member.file_size // max(1, member.compress_size)
            if ratio > max_ratio:
                raise ArchiveTooLarge("core.error_archive_ratio", member=member.filename, ratio=ratio)
