"""The participant page, its JSON API and live channel, and the trainers' HTTP actions."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import tornado.web
from tornado.iostream import StreamClosedError

from widgets.core import codes, glossary, learner_pass, qr
from widgets.core.errors import EngineError, Forbidden, Invalid, NotFound, RateLimited
from widgets.core.i18n import Translator, catalog, pick_language
from widgets.core.languages import LANGUAGES, NAMES, chain
from widgets.core.paths import GUIDE
from widgets.live import accounts
from widgets.live.engine import PREVIEW
from widgets.live.exercises import story
from widgets.live.feed import FeedHub
from widgets.web import badges, export, guard

log = logging.getLogger("elan.api")
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
PLOTLY_JS = Path(__import__("plotly").__file__).resolve().parent / "package_data"
MAX_BODY = 16 * 1024
#: A body over MAX_BODY but under this is read and dropped (never kept) so that the client,
#: still sending, reads its 413: closing a socket with unread data resets it, and the
#: browser would show a network error instead of the message. Larger ones are cut at once.
DRAIN_MAX = 256 * 1024
HEARTBEAT = 15
#: Live feeds one participant may hold open at once (a phone has one; a few tabs are fine).
FEEDS_PER_PARTICIPANT = 3
#: Sent with every answer: behind nginx, which of several processes answered (logs, tests).
PROCESS_HEADER = "X-Elan-Process"
#: The trainer's credential after the printed address was opened once (HttpOnly, SameSite=Strict).
TRAINER_COOKIE = "elan_trainer"
#: Who may frame the participant page: nobody, except the editor's preview of a preview session.
NO_FRAMING, PREVIEW_FRAMING = "'none'", "'self'"
#: How deep a request's JSON may nest (the kit's own requests nest three levels at most).
MAX_DEPTH = 16


def plain_json(value, depth: int = 0) -> bool:
    """Whether a request's JSON is shallow and holds only real text (no lone surrogate).

    >>> plain_json({"name": "Zoé 👩🏽\u200d💻", "items": [1, 2]}), plain_json({"name": "a\\ud800b"})
    (True, False)
    >>> plain_json(json.loads("[" * 40 + "]" * 40))
    False
    """
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return not _SURROGATE.search(value)
    if isinstance(value, dict):
        return all(plain_json(k, depth + 1) and plain_json(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_json(v, depth + 1) for v in value)
    return True


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def token_cookie(code: str) -> str:
    """The cookie holding a participant's token for one session (a phone may be in several)."""
    return "elan_t_" + codes.normalize_code(code)


#: Seconds a right account key is remembered (its scrypt is not computed again meanwhile).
ACCEPTED_FOR = 300


class Context:
    """What every handler shares: the engine, the settings, the thread pools, the feed hub and the limits."""

    def __init__(self, engine, settings):
        self.engine = engine
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="elan-store")
        # Account keys cost a scrypt each (about 80 ms): their own two threads, so that
        # wrong keys never hold up the store's threads nor the event loop.
        self.auth_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="elan-auth")
        self.hub = FeedHub(engine, self.run_sync, settings.feed_interval_ms / 1000)
        self.kernels = guard.KernelBudget(
            settings.public_kernels_per_client, guard.public_kernel_cap(settings.public_kernels)
        )
        self.release_tokens = guard.RELEASE
        self.failed_keys = guard.Throttle(settings.failed_keys_per_minute)
        self.joins = guard.Throttle(settings.joins_per_minute)
        self.failed_codes = guard.Throttle(settings.failed_codes_per_minute)
        self.feeds: dict[int, int] = {}
        self._accepted: dict[str, tuple[float, object]] = {}

    async def run_sync(self, fn, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, lambda: fn(*args, **kwargs))

    def join_url(self, code: str = "") -> str:
        base = self.settings.public_url.rstrip("/") + self.settings.base_url
        return base + "join" + (f"/{quote(code)}" if code else "")

    async def authenticate(self, key, client: str, *, trusted: str | None = None):
        """The trainer a key, a sign-in (``accounts.LOGIN_PREFIX``) or a trusted proxy's name
        belongs to, or None; never on the event loop.

        A sign-in is read from the store at each request (closing it, or removing its
        account, bites at once in every process). An account key (``name:secret``) costs
        a scrypt (about 80 ms): those run on two threads of their own, a right one is
        remembered for a few minutes (its account is read again each time), and past
        ``failed_keys_per_minute`` wrong ones an address gets no more checks for a while
        (a password cannot be guessed at speed). The shared key is a long random string
        compared in constant time: checking it costs nothing, so it is never refused
        that way, and a room flooding wrong keys cannot lock its trainer out.
        """
        if not key and not trusted:
            return None
        if not isinstance(key, str) and not trusted:
            return None
        if not trusted and accounts.is_login(key):
            return await self.run_sync(self.engine.page_trainer, key)
        account = not trusted and ":" in key
        digest = hashlib.sha256(f"{key}\0{trusted}".encode()).hexdigest()
        known = self._accepted.get(digest)
        if known and known[0] > time.monotonic():
            if known[1].name is None or await self.run_sync(accounts.trusted, self.engine.store, known[1].name):
                return known[1]
            self._accepted.pop(digest, None)
            return None  # the account was removed meanwhile
        if account and not self.failed_keys.allowed(client):
            raise RateLimited("core.error_too_many_attempts")
        loop = asyncio.get_running_loop()
        trainer = await loop.run_in_executor(
            self.auth_pool if account else self.pool, lambda: self.engine.authenticate(key, trusted_user=trusted)
        )
        if trainer is None:
            if account:
                self.failed_keys.add(client)
            log.warning("trainer key refused from %s", client)  # never the key itself
            return None
        if len(self._accepted) > 1000:
            self._accepted.clear()
        self._accepted[digest] = (time.monotonic() + ACCEPTED_FOR, trainer)
        return trainer

    def check_codes(self, client: str) -> None:
        """Refuse an address that tried too many unknown codes lately (codes are short: no guessing)."""
        if not self.failed_codes.allowed(client):
            raise RateLimited("core.error_too_many_attempts")

    def trusted_user(self, request) -> str | None:
        """The trainer the proxy on this machine names in ``trusted_user_header``, if any.

        The header counts only from a loopback peer: a visitor reaching the port directly
        could write any trainer's name in it.
        """
        header = self.settings.trusted_user_header
        name = request.headers.get(header) if header else None
        if name is None:
            return None
        if not guard.from_local_proxy(request):
            log.warning("%s header refused from %s: not the proxy on this machine", header, request.remote_ip)
            return None
        return name

    def cookie_login(self, handler) -> str:
        """The sign-in the trainer cookie holds; anything else there (an old raw key) counts for nothing."""
        value = handler.get_cookie(TRAINER_COOKIE) or ""
        return value if accounts.is_login(value) else ""

    async def page_trainer(self, handler, client: str):
        """The trainer viewing a page (trainer cookie or trusted proxy), and the sign-in for its kernel.

        The kernel gets the cookie's sign-in, or a new one for a trainer the proxy named:
        never a key, never the proxy's header (a kernel cannot tell who sent that).
        """
        login = self.cookie_login(handler)
        trusted = self.trusted_user(handler.request)
        if login:
            trainer = await self.authenticate(login, client)
            if trainer is not None:
                return trainer, login
        trainer = await self.authenticate(None, client, trusted=trusted) if trusted else None
        if trainer is None:
            return None, ""
        return trainer, await self.run_sync(self.engine.open_login, trainer)

    async def sign_in(self, handler, trainer) -> None:
        """Set the trainer cookie to a new sign-in (never the key, never ``name:secret``)."""
        login = await self.run_sync(self.engine.open_login, trainer)
        handler.set_cookie(
            TRAINER_COOKIE,
            login,
            path=self.settings.base_url,
            httponly=True,
            samesite="Strict",
            secure=self.is_https(handler.request),
            expires_days=accounts.LOGIN_SECONDS / 86400,
        )

    def signed_in(self, request) -> bool:
        """A visitor a trusted proxy signed in, or (``oidc_learners``) the organisation's provider
        (``solo_access = sign-in``)."""
        if self.trusted_user(request):
            return True
        morsel = request.cookies.get(learner_pass.COOKIE) if self.settings.oidc_learners else None
        if morsel is None:
            return False
        secret = learner_pass.secret_from(self.settings.ensure_trainer_key())
        return learner_pass.valid(secret, morsel.value, now=time.time())

    def is_https(self, request) -> bool:
        """Whether the visitor's browser talks HTTPS (directly, or to nginx on this machine)."""
        behind_proxy = request.remote_ip in ("127.0.0.1", "::1")
        return request.protocol == "https" or (behind_proxy and request.headers.get("X-Forwarded-Proto") == "https")


#: How a session code appears in a route: the server marks every route holding it (``takes_code``).
CODE_ROUTE = r"([A-Za-z0-9-]{1,32})"


class BaseHandler(tornado.web.RequestHandler):
    def initialize(self, ctx: Context, takes_code: bool = False):
        self.ctx = ctx
        #: The route's first argument is a session code: guessing codes here is throttled like at /join.
        self.takes_code = takes_code

    def refuse_code_guessing(self) -> None:
        """Before anything is read: an address past its unknown codes is refused (every route with a code)."""
        if self.takes_code:
            self.ctx.check_codes(guard.client_address(self.request))

    def count_unknown_code(self, e: Exception) -> None:
        if self.takes_code and isinstance(e, NotFound) and e.key == "core.error_unknown_code":
            self.ctx.failed_codes.add(guard.client_address(self.request))

    def prepare(self):
        self.refuse_code_guessing()

    def _handle_request_exception(self, e):
        # An engine refusal (an unknown code, too many tries) is answered with its status, never as a 500.
        self.count_unknown_code(e)
        if isinstance(e, EngineError):
            self.send_error(e.status)
            return
        super()._handle_request_exception(e)

    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header(PROCESS_HEADER, str(os.getpid()))

    def language(self) -> str:
        return pick_language(
            self.get_argument("lang", None),
            self.get_cookie("elan_lang"),
            self.request.headers.get("Accept-Language"),
            default=self.ctx.settings.language,
        )

    def write_error(self, status_code, **kwargs):
        # Never a traceback for visitors: a short message in their language.
        t = Translator(self.language())
        self.set_header("Content-Type", "application/json; charset=utf-8")
        key = "core.error_server" if status_code >= 500 else "core.error_invalid"
        self.finish({"error": key, "message": t(key, field=self._reason), "status": status_code})


class KitPage(BaseHandler):
    """An HTML page of the kit (not the JSON API): its templates, and an engine refusal (an
    unknown code) answered with its status rather than as a server error."""

    def get_template_path(self):
        return str(TEMPLATES)


@tornado.web.stream_request_body
class ApiHandler(BaseHandler):
    """JSON in and out; engine refusals become their status code and a translated message.

    Bodies are read as they arrive and refused past ``MAX_BODY`` (16 KB): nothing past
    it is kept in memory; a body far past it (``DRAIN_MAX``) is cut off at once.
    """

    max_body = MAX_BODY

    def prepare(self):
        self.refuse_code_guessing()
        self._chunks: list[bytes] = []
        self._size = 0
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > DRAIN_MAX):
            raise tornado.web.HTTPError(413)
        self.request.connection.set_max_body_size(DRAIN_MAX)

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= self.max_body:
            self._chunks.append(chunk)
        else:
            self._chunks = []  # dropped as it arrives; refused once the request is read

    def refuse_oversize(self) -> None:
        """413 for a body past ``max_body`` (every handler that takes a body calls it first)."""
        if self._size > self.max_body:
            raise tornado.web.HTTPError(413)

    def check_xsrf_cookie(self):
        # Participants authenticate with a token header, trainers with a key header;
        # no cookie grants anything, so cross-site requests gain nothing.
        return None

    def body(self) -> dict:
        self.refuse_oversize()
        raw = b"".join(self._chunks)
        try:
            data = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise Invalid("core.error_invalid", field="json") from None
        if not isinstance(data, dict) or not plain_json(data):
            raise Invalid("core.error_invalid", field="json")
        return data

    def token(self, code: str | None = None) -> str:
        """The participant's token: the ``X-Elan-Token`` header, or (live feed) the session's cookie."""
        token = self.request.headers.get("X-Elan-Token")
        if token is None and code is not None:
            token = self.get_cookie(token_cookie(code))
        return token or ""

    def set_token_cookie(self, code: str, token: str) -> None:
        # For the live feed, which a browser opens without headers: the token stays out of
        # its address, so out of every access log. Sent only to this session's API.
        self.set_cookie(
            token_cookie(code),
            token,
            path=f"{self.ctx.settings.base_url}elan/api/s/{code}/",
            httponly=True,
            samesite="Strict",
            secure=self.ctx.is_https(self.request),
            expires_days=30,
        )

    def client(self) -> str:
        return guard.client_address(self.request)

    async def trainer(self):
        """The trainer asking: the ``X-Elan-Key`` header, or the trainer cookie for reading (GET)."""
        key = self.request.headers.get("X-Elan-Key")
        if key is None and self.request.method == "GET":
            # Only reads ride on the cookie: a change always names its key in a header,
            # which another site's page cannot send.
            key = self.ctx.cookie_login(self)
        trainer = await self.ctx.authenticate(key, self.client(), trusted=self.ctx.trusted_user(self.request))
        if trainer is None:
            raise Forbidden("core.error_not_trainer")
        return trainer

    def send_error_json(self, exc: EngineError):
        t = Translator(self.language())
        try:
            message = t(exc.key, **exc.values)
        except KeyError:
            message = t("core.error_try_again")
        self.set_status(exc.status)
        self.finish({"error": exc.key, "message": message, **exc.values})

    def log_exception(self, typ, value, tb):
        if isinstance(value, EngineError):
            return
        super().log_exception(typ, value, tb)

    def _handle_request_exception(self, e):
        self.count_unknown_code(e)
        if isinstance(e, EngineError):
            if not self._finished:
                self.send_error_json(e)
            return
        super()._handle_request_exception(e)


class JoinApi(ApiHandler):
    """Join, or come back. Per address: a limit on new places, and on unknown codes tried."""

    async def post(self):
        data = self.body()
        code, client = data.get("code", ""), self.client()
        if not isinstance(code, str):
            raise Invalid("core.error_invalid", field="code")
        self.ctx.check_codes(client)
        # The place is taken before the store is asked (and given back if it was not used): two
        # joins at once can no longer both see the thirtieth place free.
        newcomer = self.ctx.joins.hit(client)
        try:
            participant, token = await self.ctx.run_sync(
                self.ctx.engine.join, code, name=data.get("name"), token=data.get("token"), newcomer_allowed=newcomer
            )
        except NotFound:
            self.ctx.failed_codes.add(client)
            if newcomer:
                self.ctx.joins.undo(client)
            raise
        except Exception:
            if newcomer:
                self.ctx.joins.undo(client)
            raise
        if newcomer and token == data.get("token"):
            self.ctx.joins.undo(client)  # a phone coming back takes no new place
        self.set_token_cookie(codes.normalize_code(code), token)
        self.finish({"token": token, "participant": {"id": participant["id"], "name": participant["name"]}})


class StateApi(ApiHandler):
    async def get(self, code):
        state = await self.ctx.run_sync(self.ctx.engine.participant_state, code, self.token(), touch=False)
        self.ctx.hub.seen(state["participant"]["id"])
        self.set_header("Cache-Control", "no-store")
        self.finish(state)


#: A submission's body: a signature of ``signin.MAX_POINTS`` (5,000) points, as the page sends
#: them (``[0.123,0.456],`` is 14 bytes), with room for its strokes.
SUBMIT_BODY = 96 * 1024


class SubmitApi(ApiHandler):
    max_body = SUBMIT_BODY

    async def post(self, code):
        data = self.body()
        activity = data.get("activity")
        if not isinstance(activity, str):
            raise Invalid("core.error_invalid", field="activity")
        token, payload = self.token(), data.get("payload") or {}
        if self.ctx.settings.group_commit_max > 0:
            # Committed with the answers queued beside it; no store thread waits meanwhile.
            result = await asyncio.wrap_future(self.ctx.engine.submit_grouped(code, token, activity, payload))
        else:
            result = await self.ctx.run_sync(self.ctx.engine.submit, code, token, activity, payload)
        self.finish(result)


class FeedApi(ApiHandler):
    """Server-sent events: ``id`` is the event number; a reconnecting page resumes from it."""

    async def get(self, code):
        # A trainer's feed: the key header, or the trainer's cookie with ?view=trainer.
        trainer_view = "X-Elan-Key" in self.request.headers or self.get_argument("view", "") == "trainer"
        participant_id = None
        if trainer_view:
            trainer = await self.trainer()
            session_id = (await self.ctx.run_sync(self.ctx.engine.trainer_session, trainer, code))["id"]
        else:
            # One read for a phone's feed (three thousand open in the same ten seconds at a room's start).
            session_id, participant_id = await self.ctx.run_sync(
                self.ctx.engine.participant_feed, code, self.token(code)
            )
        since = self.request.headers.get("Last-Event-ID") or self.get_argument("since", "0")
        try:
            since = min(max(0, int(since)), 2**62)
        except ValueError:
            since = 0
        if participant_id is not None:
            if self.ctx.feeds.get(participant_id, 0) >= FEEDS_PER_PARTICIPANT:
                raise RateLimited("core.error_too_many_feeds")
            self.ctx.feeds[participant_id] = self.ctx.feeds.get(participant_id, 0) + 1
            self._feed_of = participant_id
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Accel-Buffering", "no")  # nginx must not buffer the stream
        queue = await self.ctx.hub.subscribe(session_id, public_only=not trainer_view)
        self._closed = False
        if participant_id:
            self.ctx.hub.seen(participant_id)
        try:
            # Headers and a first line now: the page learns at once that it is connected
            # (a reconnection with nothing missed would otherwise wait for the heartbeat).
            self.write("retry: 3000\n\n")
            await self.flush()
            if trainer_view or since:
                # What this page missed while away (participants only need what they can see).
                backlog = await self.ctx.run_sync(
                    self.ctx.engine.events_since, session_id, since, public_only=not trainer_view
                )
                await self._send(backlog, trainer_view, since)
                since = backlog[-1]["seq"] if backlog else since
            else:
                # A page opening its feed has just read its state: nothing to replay.
                since = self.ctx.hub.seq(session_id)
            while not self._closed:
                try:
                    events = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except TimeoutError:
                    self.write(": keep-alive\n\n")
                    await self.flush()
                    events = []
                events = [e for e in events if e["seq"] > since]
                if events:
                    await self._send(events, trainer_view, since)
                    since = events[-1]["seq"]
                if participant_id:
                    self.ctx.hub.seen(participant_id)
        except StreamClosedError:
            pass
        finally:
            self.ctx.hub.unsubscribe(session_id, queue)

    def on_finish(self):
        pid = getattr(self, "_feed_of", None)
        if pid is not None:
            left = self.ctx.feeds.get(pid, 1) - 1
            if left > 0:
                self.ctx.feeds[pid] = left
            else:
                self.ctx.feeds.pop(pid, None)
            self._feed_of = None

    async def _send(self, events, trainer_view: bool, since: int):
        if not events:
            return
        visible = [e for e in events if trainer_view or e["public"]]
        if not visible:
            # Nothing this page shows changed (a join, a vote under wraps): send nothing.
            # A thousand phones woken for every join would be a million messages a room.
            return
        last = visible[-1]["seq"]
        payload = {"seq": last, "kinds": sorted({e["kind"] for e in visible})}
        if trainer_view:
            payload["events"] = [{"seq": e["seq"], "kind": e["kind"], "data": e["data"]} for e in visible]
        self.write(f"id: {last}\nevent: change\ndata: {json.dumps(payload)}\n\n")
        await self.flush()

    def on_connection_close(self):
        self._closed = True


class SessionsApi(ApiHandler):
    """Trainers create sessions and list the ones they may drive."""

    async def post(self):
        trainer = await self.trainer()
        data = self.body()
        workshop, lang = data.get("workshop"), data.get("lang", self.ctx.settings.language)
        if not isinstance(workshop, str) or not workshop:
            raise Invalid("core.error_invalid", field="workshop")
        session = await self.ctx.run_sync(
            self.ctx.engine.create_session, trainer, workshop, lang, title=str(data.get("title", ""))
        )
        self.finish({"code": session["code"], "join_url": self.ctx.join_url(session["code"])})

    async def get(self):
        trainer = await self.trainer()
        rows = await self.ctx.run_sync(self.ctx.engine.sessions_of, trainer)
        self.set_header("Cache-Control", "no-store")
        self.finish(
            {"sessions": [{"code": r["code"], "workshop": r["workshop"], "created_at": r["created_at"]} for r in rows]}
        )


#: Trainer actions over HTTP: name -> (engine method, argument names). Each one checks,
#: in the engine, that the key belongs to a trainer who may drive this session.
ACTIONS = {
    "open": ("open_activity", ("spec",), ("phase",)),
    "input": ("set_input", ("open",), ()),
    "reveal": ("reveal", ("activity",), ("revealed",)),
    "item": ("set_item_status", ("item", "status"), ()),
    "merge": ("merge", ("items", "into"), ()),
    "timer": ("start_timer", ("seconds",), ()),
    "stop-timer": ("stop_timer", (), ()),
    "option": ("set_option", ("name", "value"), ()),
    "data": ("set_data", ("key", "value"), ()),
    "add-item": ("add_item", ("activity", "text"), ("data",)),
    "close": ("close_session", (), ()),
    "remove": ("remove_participant", ("participant",), ()),
}


class TrainerActionApi(ApiHandler):
    async def post(self, code, action):
        if action not in ACTIONS:
            raise tornado.web.HTTPError(404)
        trainer = await self.trainer()
        method, required, optional = ACTIONS[action]
        data = self.body()
        missing = [name for name in required if name not in data]
        if missing:
            raise Invalid("core.error_invalid", field=missing[0])
        args = [data[name] for name in required]
        kwargs = {name: data[name] for name in optional if name in data}
        result = await self.ctx.run_sync(getattr(self.ctx.engine, method), trainer, code, *args, **kwargs)
        self.finish({"ok": True, "result": result})


class ParticipantsApi(ApiHandler):
    """Who joined (names, connected, what each sent), for the session's trainer."""

    async def get(self, code):
        trainer = await self.trainer()
        rows = await self.ctx.run_sync(self.ctx.engine.participants, trainer, code)
        self.set_header("Cache-Control", "no-store")
        self.finish({"participants": rows})


class ResultsApi(ApiHandler):
    async def get(self, code):
        trainer = await self.trainer()
        session = await self.ctx.run_sync(self.ctx.engine.trainer_session, trainer, code)
        activity = self.get_argument("activity", None)
        results = await self.ctx.run_sync(self.ctx.engine.results, code, activity)
        counts = await self.ctx.run_sync(self.ctx.engine.counts, code)
        self.set_header("Cache-Control", "no-store")
        self.finish({"results": results, "counts": counts, "state": session["state"], "seq": session["event_seq"]})


class ExportApi(ApiHandler):
    TYPES = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html": "text/html; charset=utf-8",
        "pdf": "application/pdf",
        "zip": "application/zip",
    }

    async def get(self, code, fmt):
        trainer = await self.trainer()
        session = await self.ctx.run_sync(self.ctx.engine.trainer_session, trainer, code)
        # In the session's language unless the trainer asks for another (?lang=en).
        body = await self.ctx.run_sync(export.render, self.ctx.engine, code, fmt, self.get_argument("lang", None))
        self.set_header("Content-Type", self.TYPES[fmt])
        self.set_header("Cache-Control", "no-store")  # names and answers: never kept by a proxy or the browser
        self.set_header("Content-Disposition", f'attachment; filename="elan-{session["code"]}.{fmt}"')
        self.finish(body)


class BadgeApi(BaseHandler):
    """A good catch's badge (SVG, PNG) or printable certificate: approved stories only, 404 otherwise."""

    TYPES = {"svg": "image/svg+xml", "png": "image/png", "html": "text/html; charset=utf-8"}

    async def get(self, code, item_id, fmt):
        found = await self.ctx.run_sync(story.approved, self.ctx.engine, code, item_id)
        if found is None:
            raise tornado.web.HTTPError(404)
        lang = self.get_argument("lang", None)
        if lang not in LANGUAGES:
            lang = self.language()
        args = (found["colleague"], found["title"], found["value"], found["date"], lang)
        if fmt == "svg":
            body = await self.ctx.run_sync(badges.badge_svg, *args)
        elif fmt == "png":
            body = await self.ctx.run_sync(badges.badge_png, *args)
        else:
            body = await self.ctx.run_sync(badges.certificate_html, *args, story=found["story"])
        self.set_header("Content-Type", self.TYPES[fmt])
        self.set_header("Cache-Control", "no-store")
        # Participant text is escaped in both; the policy is a second wall (only the print button runs).
        scripts = " script-src 'unsafe-inline';" if fmt == "html" else ""
        self.set_header(
            "Content-Security-Policy", f"default-src 'none'; style-src 'unsafe-inline'; img-src data:;{scripts}"
        )
        if fmt != "html":
            self.set_header("Content-Disposition", f'attachment; filename="badge-{found["id"]}.{fmt}"')
        self.finish(body)


class ReleaseKernelApi(ApiHandler):
    """A page that closes releases its own kernel: the token in the page proves which one it is."""

    async def post(self, kernel_id):
        self.refuse_oversize()
        token = self.get_query_argument("t", "")
        if not self.ctx.release_tokens.valid(kernel_id, token):
            raise Forbidden("core.error_not_your_kernel")
        manager = self.settings.get("kernel_manager")
        if manager is not None and kernel_id in manager:
            await manager.shutdown_kernel(kernel_id)
        self.set_status(204)
        self.finish()


class StringsApi(BaseHandler):
    def get(self, lang):
        if lang not in LANGUAGES:
            raise tornado.web.HTTPError(404)
        self.set_header("Cache-Control", "public, max-age=300")
        self.finish(catalog(lang))


class HealthApi(BaseHandler):
    async def get(self):
        self.finish({"ok": True, "listeners": self.ctx.hub.listener_count, "feeds": self.ctx.hub.feed_count})


class QrHandler(KitPage):
    async def get(self, code):
        code = codes.normalize_code(code)
        await self.ctx.run_sync(self.ctx.engine.session, code)  # unknown code: 404
        self.set_header("Content-Type", "image/svg+xml")
        self.set_header("Cache-Control", "public, max-age=3600")
        self.finish(qr.svg(self.ctx.join_url(code)))


class JoinPage(KitPage):
    """The participant page: one light HTML file, its strings inlined, its code in static modules."""

    def refuse_code_guessing(self) -> None:
        pass  # checked in get(): a refused code is shown on the page itself, in the visitor's language

    async def get(self, code=None):
        lang = self.language()
        if self.get_argument("lang", None) in LANGUAGES:
            self.set_cookie("elan_lang", lang, expires_days=365, samesite="Lax")
        status, error, preview = 200, None, False
        if code:
            client = guard.client_address(self.request)
            try:
                self.ctx.check_codes(client)
                session = await self.ctx.run_sync(self.ctx.engine.session, code)
                preview = session["mode"] == PREVIEW
            except EngineError as exc:
                status, error = exc.status, exc.key
                if isinstance(exc, NotFound):
                    self.ctx.failed_codes.add(client)
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        # A preview session's page is shown inside the case editor (same origin); a real one, framed nowhere.
        self.set_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"connect-src 'self'; base-uri 'none'; frame-ancestors {PREVIEW_FRAMING if preview else NO_FRAMING}",
        )
        t = Translator(lang)
        self.render(
            "participant.html",
            lang=lang,
            t=t,
            code=codes.normalize_code(code or ""),
            error=t(error) if error else "",
            languages=[{"code": code, "name": NAMES[code]} for code in LANGUAGES],
            strings=json.dumps(t.area("core"), ensure_ascii=False).replace("</", "<\\/"),
            static=self.ctx.settings.base_url + "elan/static/",
            api=self.ctx.settings.base_url + "elan/api/",
            base=self.ctx.settings.base_url,
            preview=preview,
        )


class GuideHandler(KitPage):
    """The facilitator guide, rendered from its Markdown files, readable and printable."""

    async def get(self, lang, name):
        if lang not in LANGUAGES:
            raise tornado.web.HTTPError(404)
        # A regional variant writes only the chapters that differ (fr-CA/FALLBACK.md lists the others).
        files = [GUIDE / code / f"{name or 'README'}.md" for code in chain(lang)]
        file = next((f for f in files if f.is_file()), None)
        if file is None:
            raise tornado.web.HTTPError(404)
        import mistune

        text = file.read_text(encoding="utf-8")
        if file.parent.name != lang:
            text = glossary.localize(text, lang)  # a fallback chapter in the variant's words (courriel, code QR)
        body = mistune.html(text)
        # Links between chapters and to images point at the .md files and ../img on GitHub.
        body = body.replace('.md"', '"').replace('src="../img/', f'src="{self.ctx.settings.base_url}guide/img/')
        self.render("guide.html", lang=lang, body=body, static=self.ctx.settings.base_url + "elan/static/")


class PrivacyHandler(KitPage):
    """The organisation's privacy notice (``Settings.privacy_notice``), linked from the join page."""

    async def get(self, lang=None):
        lang = lang or self.language()
        if lang not in LANGUAGES:
            raise tornado.web.HTTPError(404)
        # The notice in the reader's language, else in its fallback (an organisation may have no fr-CA file).
        files = [self.ctx.settings.privacy_notice_path(code) for code in chain(lang)]
        file = next((f for f in files if f.is_file()), None)
        if file is None:
            raise tornado.web.HTTPError(404)
        import mistune

        # The notice is the organisation's text: Markdown only, any raw HTML in it is shown as text.
        body = mistune.create_markdown(escape=True, plugins=["table"])(file.read_text(encoding="utf-8"))
        self.set_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        )
        self.render(
            "privacy.html",
            lang=lang,
            t=Translator(lang),
            body=body,
            static=self.ctx.settings.base_url + "elan/static/",
            base=self.ctx.settings.base_url,
        )


class StaticHandler(tornado.web.StaticFileHandler):
    def set_extra_headers(self, path):
        self.set_header("Cache-Control", "public, max-age=86400")
        self.set_header("X-Content-Type-Options", "nosniff")


def handlers(ctx: Context, base_url: str) -> list:
    b = base_url
    code = CODE_ROUTE
    return [
        (rf"{b}join/?", JoinPage, {"ctx": ctx}),
        (rf"{b}join/{code}/?", JoinPage, {"ctx": ctx}),
        (rf"{b}elan/static/(.*)", StaticHandler, {"path": str(STATIC)}),
        # plotly.js once, cached by the browser, instead of 5 MB of widget state per page view.
        (rf"{b}elan/vendor/(plotly\.min\.js)", StaticHandler, {"path": str(PLOTLY_JS)}),
        (rf"{b}elan/api/health", HealthApi, {"ctx": ctx}),
        (rf"{b}elan/api/kernels/([0-9a-f-]{{36}})/release", ReleaseKernelApi, {"ctx": ctx}),
        (rf"{b}elan/api/strings/([a-z]{{2}}(?:-[A-Z]{{2}})?)", StringsApi, {"ctx": ctx}),
        (rf"{b}elan/api/join", JoinApi, {"ctx": ctx}),
        (rf"{b}elan/api/sessions", SessionsApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/state", StateApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/submit", SubmitApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/feed", FeedApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/results", ResultsApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/participants", ParticipantsApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/export\.(csv|xlsx|html|pdf|zip)", ExportApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/badge/([0-9]{{1,12}})\.(svg|png|html)", BadgeApi, {"ctx": ctx}),
        (rf"{b}elan/api/s/{code}/trainer/([a-z-]+)", TrainerActionApi, {"ctx": ctx}),
        (rf"{b}elan/qr/{code}\.svg", QrHandler, {"ctx": ctx}),
        (rf"{b}guide/img/(.*)", StaticHandler, {"path": str(GUIDE / "img")}),
        (rf"{b}guide/([a-z]{{2}}(?:-[A-Z]{{2}})?)/?([a-z0-9-]*)", GuideHandler, {"ctx": ctx}),
        (rf"{b}privacy/?([a-z]{{2}}(?:-[A-Z]{{2}})?)?/?", PrivacyHandler, {"ctx": ctx}),
    ]
