"""The stage: the page the projector shows, a light page on the change feed (no kernel, no control).

Its address carries the join code and nothing else; anybody in the room may open it,
so it shows only what the room already sees (see ``Engine.stage_view``).
"""

from __future__ import annotations

import asyncio
import json

from tornado.iostream import StreamClosedError

from widgets.core.i18n import LANGUAGES, Translator
from widgets.web.api import HEARTBEAT, ApiHandler, Context, KitPage

#: Strict policy: the stage runs its own module and reads its own API, nothing else.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'self'; form-action 'none'"
)


#: Other areas' strings a stage renderer names (``area.key``): a case's competences and ending types.
BORROWED = ("cases.competence_", "cases.ending_")


def stage_strings(t: Translator) -> dict[str, str]:
    """The strings the stage's renderers use, keyed ``area.key``: the stage's own and the few borrowed."""
    out = {f"stage.{key}": text for key, text in t.area("stage").items()}
    for prefix in BORROWED:
        area = prefix.split(".", 1)[0]
        out.update({f"{area}.{k}": v for k, v in t.area(area).items() if f"{area}.{k}".startswith(prefix)})
    return out


class StagePage(KitPage):
    """``/stage/<code>``: the projector's page. ``?theme=dark`` for a dim room, ``?lang=`` to force a language."""

    async def get(self, code):
        session = await self.ctx.run_sync(self.ctx.engine.session, code)
        lang = self.get_argument("lang", None)
        lang = lang if lang in LANGUAGES else session["lang"]
        theme = self.get_argument("theme", "")
        theme = theme if theme in ("light", "dark") else ""
        t = Translator(lang)
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", CSP)
        self.render(
            "stage.html",
            lang=lang,
            t=t,
            theme=theme,
            code=session["code"],
            join=self.ctx.join_url(),
            join_code=self.ctx.join_url(session["code"]),
            strings=json.dumps(stage_strings(t), ensure_ascii=False).replace("</", "<\\/"),
            static=self.ctx.settings.base_url + "elan/static/",
            api=self.ctx.settings.base_url + "elan/api/",
            qr=self.ctx.settings.base_url + f"elan/qr/{session['code']}.svg",
        )


class StageApi(ApiHandler):
    async def get(self, code):
        view = await self.ctx.run_sync(self.ctx.engine.stage_view, code)
        self.set_header("Cache-Control", "no-store")
        self.finish(view)


class StageFeedApi(ApiHandler):
    """Server-sent events for the stage: only event numbers, never their data.

    Every change (a join too: the stage counts people) wakes the stage, which then
    reads :class:`StageApi` once; the hub already groups a burst into one message
    per poll interval.
    """

    async def get(self, code):
        session = await self.ctx.run_sync(self.ctx.engine.session, code)
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Accel-Buffering", "no")
        queue = await self.ctx.hub.subscribe(session["id"])
        self._closed = False
        try:
            self.write("retry: 2000\n\n")
            await self.flush()
            while not self._closed:
                try:
                    events = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except TimeoutError:
                    self.write(": keep-alive\n\n")
                    await self.flush()
                    continue
                while not queue.empty():  # a slow stage catches up in one message
                    events = queue.get_nowait()
                last = events[-1]["seq"]
                self.write(f"id: {last}\nevent: change\ndata: {json.dumps({'seq': last})}\n\n")
                await self.flush()
        except StreamClosedError:
            pass
        finally:
            self.ctx.hub.unsubscribe(session["id"], queue)

    def on_connection_close(self):
        self._closed = True


def handlers(ctx: Context, base_url: str) -> list:
    b = base_url
    code = r"([A-Za-z0-9-]{1,32})"
    return [
        (rf"{b}stage/{code}/?", StagePage, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/stage", StageApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/stage-feed", StageFeedApi, {"ctx": ctx}),
    ]
