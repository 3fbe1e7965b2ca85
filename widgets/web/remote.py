"""The phone remote: a light trainer page paired from the console, for one session only.

The credential travels in the address's fragment (never sent to a server or a log),
then in an ``X-Elan-Remote`` header; the engine checks it on every request and a
revoked phone is refused at once. A participant's token is not a remote credential.
"""

from __future__ import annotations

import json

from widgets.core.errors import Invalid
from widgets.core.i18n import LANGUAGES, Translator
from widgets.web.api import ApiHandler, Context, KitPage
from widgets.web.stage import CSP


class RemotePage(KitPage):
    async def get(self, code):
        session = await self.ctx.run_sync(self.ctx.engine.session, code)
        lang = self.get_argument("lang", None)
        lang = lang if lang in LANGUAGES else session["lang"]
        t = Translator(lang)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", CSP.replace("frame-ancestors 'self'", "frame-ancestors 'none'"))
        self.render(
            "remote.html",
            lang=lang,
            t=t,
            code=session["code"],
            strings=json.dumps(t.area("remote"), ensure_ascii=False).replace("</", "<\\/"),
            static=self.ctx.settings.base_url + "elan/static/",
            api=self.ctx.settings.base_url + "elan/api/",
        )


class RemoteApi(ApiHandler):
    def credential(self) -> str:
        return self.request.headers.get("X-Elan-Remote", "")

    async def get(self, code):
        view = await self.ctx.run_sync(self.ctx.engine.remote_view, code, self.credential())
        self.set_header("Cache-Control", "no-store")
        self.finish(view)

    async def post(self, code):
        data = self.body()
        action = data.get("action")
        if not isinstance(action, str):
            raise Invalid("core.error_invalid", field="action")
        await self.ctx.run_sync(self.ctx.engine.remote_action, code, self.credential(), action, data.get("value"))
        view = await self.ctx.run_sync(self.ctx.engine.remote_view, code, self.credential())
        self.finish(view)


def handlers(ctx: Context, base_url: str) -> list:
    b = base_url
    code = r"([A-Za-z0-9-]{1,32})"
    return [
        (rf"{b}remote/{code}/?", RemotePage, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/remote", RemoteApi, {"ctx": ctx}),
    ]
