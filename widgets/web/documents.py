"""The training day's documents and trainer actions over HTTP: attendance sheets, certificates, the programme.

What each document holds is registered by the training day (``widgets.workshops.day``)
with :func:`widgets.web.export.register_document` and :func:`~widgets.web.export.register_action`;
these handlers only check the trainer and serve it.
"""

from __future__ import annotations

import tornado.web

from widgets.web import export
from widgets.web.api import ApiHandler


class DocumentApi(ApiHandler):
    """``GET /elan/api/s/<code>/doc/<name>.html|pdf?halfday=...&participant=...``, for the session's trainer."""

    TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}

    async def get(self, code, name, fmt):
        trainer = await self.trainer()
        session = await self.ctx.run_sync(self.ctx.engine.trainer_session, trainer, code)
        args = {key: self.get_argument(key) for key in ("halfday", "participant") if self.get_argument(key, None)}
        body = await self.ctx.run_sync(
            export.document, self.ctx.engine, code, name, fmt, self.get_argument("lang", None), args
        )
        self.set_header("Content-Type", self.TYPES[fmt])
        self.set_header("Cache-Control", "no-store")
        # Participant text is escaped by the templates; the policy is a second wall (no script at all).
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        disposition = "attachment" if fmt == "pdf" or self.get_argument("download", None) else "inline"
        self.set_header("Content-Disposition", f'{disposition}; filename="elan-{session["code"]}-{name}.{fmt}"')
        self.finish(body)


class DayActionApi(ApiHandler):
    """``POST /elan/api/s/<code>/day/<action>`` with a JSON body; the action checks the trainer's right."""

    async def post(self, code, action):
        if action not in export.ACTIONS:
            raise tornado.web.HTTPError(404)
        trainer = await self.trainer()
        result = await self.ctx.run_sync(export.ACTIONS[action], self.ctx.engine, trainer, code, self.body())
        self.finish({"ok": True, "result": result})


def handlers(ctx, base_url: str) -> list:
    b = base_url
    code = r"([A-Za-z0-9-]{1,32})"
    return [
        (rf"{b}elan/api/s/{code}/doc/([a-z-]{{1,40}})\.(html|pdf)", DocumentApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/day/([a-z-]{{1,40}})", DayActionApi, {"ctx": ctx}),
    ]
