"""Large files sent to the server in chunks, for the metrics lab (a widget's message stops near 10 MB).

The browser asks for an upload (``POST elan/api/uploads`` with the file's size), then
sends it in order, one chunk per ``PUT elan/api/uploads/<id>?offset=N``; each answer
says how much has arrived, so the page shows real progress. The finished file waits
in ``<data_dir>/uploads/<id>`` for the kernel of the page that sent it, which reads it
by its id (:func:`take`) and deletes it.

Who may upload, and how much: a trainer (their cookie or key header) up to ``TRAINER_MAX`` (the
command line's scale); a public self-paced page up to ``PUBLIC_MAX``, with at most
``OPEN_PER_ADDRESS`` uploads under way and ``BYTES_PER_HOUR`` per address. An upload
left unfinished is deleted after ``STALE_AFTER``; the folder never holds more than
``TOTAL_MAX``. A refusal is a JSON ``{"error": key, "values": {...}, "message": text}``;
the lab's page says it in its own language from the key.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import tornado.web

from widgets.core.i18n import Translator, pick_language
from widgets.core.settings import Settings
from widgets.web import guard

log = logging.getLogger(__name__)

MIB = 1024 * 1024
TRAINER_MAX = 512 * MIB  # a 3-million-row export is about 200 MB
PUBLIC_MAX = 64 * MIB
CHUNK = MIB  # the HTTP server's body limit (app.HTTP_SERVER): no request of the kit buffers more
OPEN_PER_ADDRESS = 2
BYTES_PER_HOUR = 1024 * MIB
TOTAL_MAX = 4096 * MIB
STALE_AFTER = 3600.0
_ID = re.compile(r"^[0-9a-f]{32}$")


def folder(settings: Settings) -> Path:
    """Where finished and partial uploads wait (the kernel reads from the same place)."""
    return settings.data_path / "uploads"


def take(settings: Settings, upload_id: str) -> bytes:
    """The bytes of a finished upload, removed from the server's disk; ``KeyError`` if there is none."""
    if not _ID.match(upload_id or ""):
        raise KeyError(upload_id)
    path = folder(settings) / upload_id
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyError(upload_id) from None
    path.unlink(missing_ok=True)
    return data


@dataclass
class _Upload:
    client: str
    size: int
    received: int
    started: float
    trainer: bool


class Uploads:
    """The uploads under way, with each address's share (one server process)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.open: dict[str, _Upload] = {}
        self.hourly = guard.Throttle(BYTES_PER_HOUR // CHUNK, window=3600.0)

    def _sweep(self) -> None:
        now = time.time()
        for upload_id, up in list(self.open.items()):
            if now - up.started > STALE_AFTER:
                self.drop(upload_id)
        # Finished files no kernel came for (a page closed) go after the same delay.
        base = folder(self.settings)
        if base.is_dir():
            for path in base.iterdir():
                if path.name not in self.open and now - path.stat().st_mtime > STALE_AFTER:
                    path.unlink(missing_ok=True)

    def _waiting_bytes(self) -> int:
        base = folder(self.settings)
        return sum(p.stat().st_size for p in base.iterdir()) if base.is_dir() else 0

    def start(self, client: str, size: int, trainer: bool) -> tuple[str | None, str | None, dict]:
        """A new upload's id, or None with the refusal's key and values."""
        self._sweep()
        limit = TRAINER_MAX if trainer else PUBLIC_MAX
        if size <= 0:
            return None, "metrics.upload_empty", {}
        if size > limit:
            return None, "metrics.error_too_large", {"size": _mb(size), "limit": _mb(limit)}
        if not trainer and sum(u.client == client for u in self.open.values()) >= OPEN_PER_ADDRESS:
            return None, "metrics.upload_busy", {}
        if not trainer and not self.hourly.allowed(client):
            return None, "metrics.upload_too_many", {}
        if self._waiting_bytes() + sum(u.size for u in self.open.values()) + size > TOTAL_MAX:
            return None, "metrics.upload_full", {}
        upload_id = secrets.token_hex(16)
        base = folder(self.settings)
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        (base / f"{upload_id}.part").write_bytes(b"")
        self.open[upload_id] = _Upload(client, size, 0, time.time(), trainer)
        return upload_id, None, {}

    def append(self, upload_id: str, client: str, offset: int, chunk: bytes) -> tuple[int | None, str | None]:
        """Bytes received so far after this chunk, or None and why it was refused."""
        up = self.open.get(upload_id)
        if up is None or up.client != client:
            return None, "metrics.upload_unknown"
        if offset != up.received or len(chunk) > CHUNK or up.received + len(chunk) > up.size or not chunk:
            return None, "metrics.upload_out_of_order"
        if not up.trainer:
            self.hourly.add(client)
        base = folder(self.settings)
        with open(base / f"{upload_id}.part", "ab") as out:
            out.write(chunk)
        up.received += len(chunk)
        if up.received == up.size:
            os.replace(base / f"{upload_id}.part", base / upload_id)
            del self.open[upload_id]
        return up.received, None

    def drop(self, upload_id: str) -> None:
        self.open.pop(upload_id, None)
        (folder(self.settings) / f"{upload_id}.part").unlink(missing_ok=True)


def _mb(size: int) -> str:
    return f"{size / MIB:.1f} MB" if size >= MIB else f"{size / 1024:.0f} kB"


class UploadApi(tornado.web.RequestHandler):
    """``POST`` starts an upload, ``PUT ?offset=N`` sends its next chunk, ``DELETE`` abandons it."""

    def initialize(self, ctx, uploads: Uploads):
        self.ctx, self.uploads = ctx, uploads

    def check_xsrf_cookie(self):
        # Same-origin only: the request must carry the kit's header, which a cross-site form cannot set.
        if self.request.headers.get("X-Elan-Upload") != "1":
            raise tornado.web.HTTPError(403)

    def _refuse(self, status: int, key: str, values: dict | None = None) -> None:
        # As the kit's other JSON errors: a message in the visitor's language, and the key for the page.
        lang = pick_language(
            self.get_cookie("elan_lang"),
            self.request.headers.get("Accept-Language"),
            default=self.ctx.settings.language,
        )
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        message = Translator(lang)(key, **(values or {}))
        self.finish(json.dumps({"error": key, "values": values or {}, "message": message}))

    async def post(self, upload_id: str = ""):
        self.check_xsrf_cookie()
        if upload_id:
            raise tornado.web.HTTPError(405)
        client = guard.client_address(self.request)
        key = self.request.headers.get("X-Elan-Key")
        # The lab's page carries the trainer's cookie; a script may send the key header instead.
        trainer = await self.ctx.authenticate(key, client) if key else (await self.ctx.page_trainer(self, client))[0]
        try:
            size = int(self.get_argument("size"))
        except ValueError:
            return self._refuse(400, "metrics.upload_empty")
        found, key, values = self.uploads.start(client, size, trainer is not None)
        if found is None:
            status = 413 if key == "metrics.error_too_large" else 429
            return self._refuse(status, key, values)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"id": found, "chunk": CHUNK}))

    def put(self, upload_id: str = ""):
        self.check_xsrf_cookie()
        try:
            offset = int(self.get_argument("offset"))
        except ValueError:
            return self._refuse(400, "metrics.upload_out_of_order")
        received, key = self.uploads.append(upload_id, guard.client_address(self.request), offset, self.request.body)
        if received is None:
            return self._refuse(409 if key == "metrics.upload_out_of_order" else 404, key)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"received": received}))

    def delete(self, upload_id: str = ""):
        self.check_xsrf_cookie()
        up = self.uploads.open.get(upload_id)
        if up is not None and up.client == guard.client_address(self.request):
            self.uploads.drop(upload_id)
        self.set_status(204)
        self.finish()


def handlers(ctx, base_url: str) -> list:
    uploads = Uploads(ctx.settings)
    return [(rf"{base_url}elan/api/uploads/?([0-9a-f]{{32}})?", UploadApi, {"ctx": ctx, "uploads": uploads})]
