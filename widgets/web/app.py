"""``elan serve``: Voilà for the dashboards, and the participant page and API, in one process."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import signal
import socket
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import jinja2
import tornado.ioloop
import tornado.log
import tornado.routing
import tornado.web
from jupyter_server.services.kernels.handlers import KernelHandler
from traitlets.config import Config
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from widgets.core.errors import EngineError
from widgets.core.i18n import Translator, pick_language
from widgets.core.paths import WORKSHOPS
from widgets.core.settings import ENV_PREFIX, SECRET_SETTINGS, Settings
from widgets.live import lrs_send
from widgets.live.engine import Engine
from widgets.web import api, documents, guard, oidc, remote, stage, upload
from widgets.web.notebooks import LANDING, Catalogue, canonical_parts

log = logging.getLogger("elan.serve")
SHARE = Path(__file__).resolve().parent / "share"
PAGES = jinja2.Environment(loader=jinja2.FileSystemLoader(api.TEMPLATES), autoescape=True)
TRAINER_COOKIE = api.TRAINER_COOKIE
NOTICE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: Voilà pages: their own scripts and styles (inline ones too: Voilà's template has them), the
#: kernel's websocket, nothing from elsewhere. JupyterLab's settings code needs eval; anywidget
#: loads the chart's module from a blob.
VOILA_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The HTTP server's limits. No page of the kit takes a body over a few kilobytes (files travel
#: over the kernel's websocket), so nothing larger is ever buffered; a connection that sends its
#: headers slowly, or sits idle between requests, is closed after a minute (Tornado's default: an hour;
#: ``Settings.idle_connection_seconds``).
HTTP_SERVER = {
    "max_body_size": 1024 * 1024,
    "max_buffer_size": 4 * 1024 * 1024,
    "idle_connection_timeout": 60,
    "body_timeout": 30,
}
#: Connections the kernel queues for the server to accept. Tornado's default, 128, overflows
#: when a room joins at once: the refused phones' connections are retried by their system only
#: after a second (then three), so joins took 1 to 3 s with the server mostly idle. The kernel
#: caps it at net.core.somaxconn (4,096 on current Linux).
LISTEN_BACKLOG = 4096
#: Query parameters that are credentials: never written to a log line.
_SECRET_PARAMS = re.compile(r"([?&](?:key|token|learner)=)[^&#]*", re.IGNORECASE)


def redact(uri: str) -> str:
    """A request's address as it may be logged.

    >>> redact("/voila/render/values/trainer.ipynb?key=s3cret&lang=fr")
    '/voila/render/values/trainer.ipynb?key=[hidden]&lang=fr'
    """
    return _SECRET_PARAMS.sub(r"\1[hidden]", uri)


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log line, without credentials in the address."""
    status = handler.get_status()
    if status < 400:
        write = tornado.log.access_log.info
    elif status < 500:
        write = tornado.log.access_log.warning
    else:
        write = tornado.log.access_log.error
    request = handler.request
    write(
        "%d %s %s (%s) %.2fms",
        status,
        request.method,
        redact(request.uri or ""),
        guard.client_address(request),
        1000.0 * request.request_time(),
    )


class HardenedHeaders(tornado.web.OutputTransform):
    """Every answer, Voilà's included: no server banner naming the software and its version, and
    no referrer (an address that carried a key or a code is never sent to another site).

    (Cookies get their SameSite where they are made: ``xsrf_cookie_kwargs``,
    ``IdentityProvider.cookie_options`` and the kit's own ``set_cookie`` calls.)
    """

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if "Server" in headers:
            del headers["Server"]
        headers.setdefault("Referrer-Policy", "no-referrer")
        return status_code, headers, chunk


def _interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces (Linux), read locally: no traffic."""
    try:
        import fcntl
        import struct
    except ImportError:  # not a Unix: the host name's addresses will do
        return []
    out = []
    for _, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                packed = fcntl.ioctl(sock.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))  # SIOCGIFADDR
            except OSError:
                continue
            out.append(socket.inet_ntoa(packed[20:24]))
    return out


def lan_address() -> str:
    """This machine's address on the local network, for phones on the same Wi-Fi.

    The host name often resolves to 127.0.0.1 only, so the interfaces are asked too;
    a private-network address (a room's Wi-Fi) is preferred.
    """
    candidates = list(_interface_addresses())
    try:
        candidates += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    usable = [a for a in candidates if not a.startswith("127.")]
    private = [a for a in usable if ipaddress.ip_address(a).is_private]
    return (private or usable or ["127.0.0.1"])[0]


def join_host(ip: str) -> tuple[str, bool]:
    """The host phones should use to reach a server listening on ``ip``, and whether only this machine can.

    Listening on every interface, phones use the LAN address; on one address, that one;
    on loopback, nobody else can join: the loopback address is printed, with a warning.

    >>> join_host("127.0.0.1"), join_host("192.168.1.20")
    (('127.0.0.1', True), ('192.168.1.20', False))
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or lan_address(), False  # a host name: it is what phones use too
    if address.is_loopback:
        return ip if address.version == 4 else f"[{ip}]", True
    if address.is_unspecified:
        return lan_address(), False
    return ip if address.version == 4 else f"[{ip}]", False


class PageHandler(TornadoVoilaHandler):
    """Voilà's notebook page, behind the kit's gate (the handler Voilà registers for /voila/render/).

    Before any kernel starts: a trainer notebook needs a trainer (key cookie, trusted
    proxy header); a public page needs a place in the :class:`~widgets.web.guard.KernelBudget`,
    or the visitor gets the "busy" page. A trainer key in the address is exchanged for a
    cookie, and the page reloads at an address without it.
    """

    _ticket = None

    @property
    def ctx(self) -> api.Context:
        return self.settings["elan_ctx"]

    async def prepare(self):
        await super().prepare()
        if self._finished:
            return
        ctx = self.ctx
        # Deny by default: only a notebook of the kit's list, however the address spells it;
        # Voilà then renders the listed name (get() receives it), never the visitor's spelling.
        notebook = self.settings["elan_notebooks"].find(self.path_args[0] if self.path_args else "")
        if notebook is None:
            self._notice(404, "core.not_found_title", "core.not_found_text")
            return
        self.path_args = [notebook.path]
        role = notebook.role
        client = guard.client_address(self.request)
        try:
            if self.get_query_argument("key", None) is not None:
                await self._exchange_key(client)
                return
            trainer, credential = await ctx.page_trainer(self, client)
        except EngineError as exc:
            self._notice(exc.status, "core.busy_title", exc.key, retry=60)
            return
        page = guard.Page(client=client, public=trainer is None)
        if credential:
            page.env["ELAN_PAGE_KEY"] = credential
        if role == "trainer" and trainer is None:
            if oidc.configured(ctx.settings):  # on to the organisation's provider, then back to this page
                back = ctx.settings.base_url + "voila/render/" + notebook.path
                back += "?" + self.request.query if self.request.query else ""
                self.set_header("Cache-Control", "no-store")
                self.redirect(oidc.login_url(ctx.settings, back), status=303)
                return
            self._notice(403, "core.trainer_key_title", "core.trainer_key_needed")
            return
        if trainer is None:
            solo = not notebook.landing
            if solo and ctx.settings.solo_access == "sign-in" and not ctx.signed_in(self.request):
                if ctx.settings.oidc_learners and oidc.configured(ctx.settings):  # the provider signs learners in
                    back = ctx.settings.base_url + "voila/render/" + notebook.path
                    self.set_header("Cache-Control", "no-store")
                    self.redirect(oidc.login_url(ctx.settings, back), status=303)
                    return
                self._notice(403, "core.sign_in_title", "core.sign_in_needed")
                return
            ticket, why = ctx.kernels.admit(self.kernel_manager, client)
            if ticket is None:
                log.warning("public page refused (%s cap): %s", why, client)
                status = 429 if why == "client" else 503
                self._notice(status, "core.busy_title", f"core.busy_{why}", retry=30)
                return
            self._ticket = page.ticket = ticket
        guard.PAGE.set(page)

    def on_finish(self):
        self.ctx.kernels.release(self._ticket)
        super().on_finish()

    async def _exchange_key(self, client: str) -> None:
        key = self.get_query_argument("key")
        trainer = await self.ctx.authenticate(key, client)
        if trainer is None:
            self._notice(403, "core.trainer_key_title", "core.trainer_key_needed")
            return
        await self.ctx.sign_in(self, trainer)
        query = [(k, v) for k, v in parse_qsl(self.request.query, keep_blank_values=True) if k != "key"]
        clean = self.request.path + ("?" + urlencode(query) if query else "")
        # A page that moves on by itself, not a 302: after a redirect from a link in another
        # site (a mail, a chat), the browser would not send the new SameSite=Strict cookie.
        self._page("continue.html", 200, "core.key_exchange_title", "core.key_exchange_text", url=clean)

    def _notice(self, status: int, title: str, text: str, *, retry: int | None = None) -> None:
        if retry:
            self.set_header("Retry-After", str(retry))
        self._page("notice.html", status, title, text)

    def _page(self, template: str, status: int, title: str, text: str, **values) -> None:
        lang = pick_language(
            self.get_query_argument("lang", None),
            self.request.headers.get("Accept-Language"),
            default=self.ctx.settings.language,
        )
        t = Translator(lang)
        self.clear_header("Cache-Control")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy", NOTICE_CSP)
        page = PAGES.get_template(template).render(
            lang=lang, title=t(title), text=t(text), t=t, static=self.ctx.settings.base_url + "elan/static/", **values
        )
        self.finish(page)


class LandingRedirect(tornado.web.RequestHandler):
    """The kit's root: on to the landing page, its query kept (a printed ``?key=`` is exchanged there).

    A 303 that no browser or proxy keeps: a permanent redirect would be cached with the key in it.
    """

    def get(self):
        target = self.settings["elan_ctx"].settings.base_url + "voila/render/" + LANDING
        self.set_header("Cache-Control", "no-store")
        self.redirect(target + ("?" + self.request.query if self.request.query else ""), status=303)


class LogoutHandler(api.BaseHandler):
    """Sign out: the cookie's sign-in is closed in the store (every process), the cookie cleared."""

    async def get(self):
        await self.ctx.run_sync(self.ctx.engine.close_login, self.ctx.cookie_login(self))
        self.clear_cookie(TRAINER_COOKIE, path=self.ctx.settings.base_url)
        self.set_header("Cache-Control", "no-store")
        self.redirect(self.ctx.settings.base_url + "voila/render/" + LANDING, status=303)

    post = get

    def check_xsrf_cookie(self):
        return None  # signing out grants nothing to whoever asks it


class TemplateFiles(TemplateStaticFileHandler):
    """A template's static files: only ``<template>/static/<file>`` once decoded and normalised.

    Voilà's handler splits the decoded path and asserts its shape: ``elan/static/%2f`` or
    ``..%2f`` made that a 500. Anything else is a 404 here.
    """

    def parse_url_path(self, path):
        parts = canonical_parts(path)
        if parts is None or len(parts) < 3 or parts[1] != "static" or not re.fullmatch(r"[\w-]+", parts[0]):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path("/".join(parts))


class PlainErrors:
    """A file handler's errors as a short plain text. jupyter_server's own error page needs a
    setting Voilà's application does not have: writing it failed (a traceback in the log for each
    404 under /voila/labextensions/ or /voila/api/themes/)."""

    def write_error(self, status_code, **kwargs):
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: {self._reason}\n")


def plain_errors(handler: type) -> type:
    return type(handler.__name__, (PlainErrors, handler), {})


class KernelInfoHandler(KernelHandler):
    """Voilà's kernel resource, without DELETE: a page releases its own kernel through the kit's
    release endpoint, which needs the page's token; nobody stops a kernel by knowing its id."""

    async def delete(self, kernel_id):
        raise tornado.web.HTTPError(403)


#: Voilà handlers the kit does not serve: the notebook tree and contents (a listing of the
#: notebooks), and the shutdown endpoint (stops any kernel whose id is known).
HIDDEN = (TornadoVoilaTreeHandler, VoilaContentsHandler, VoilaShutdownKernelHandler)


class ElanVoila(Voila):
    """Voilà with the kit's settings, its page gate, and the participant handlers in front of its own."""

    name = "elan"

    def init_settings(self):
        # Voilà adds tornado_settings after building the Application, too late for
        # compress_response (which installs a transform at construction): they go in here.
        settings = super().init_settings()
        settings["transforms"] = [tornado.web.GZipContentEncoding, HardenedHeaders]
        settings["elan_ctx"] = self.elan_ctx
        settings["elan_notebooks"] = Catalogue(Path(self.root_dir))
        settings["log_function"] = log_request
        settings["xsrf_cookie_kwargs"] = {"samesite": "Strict", "httponly": False}
        self.kernel_manager.budget = self.elan_ctx.kernels
        grace = self.elan_ctx.settings.public_kernel_grace
        self.kernel_manager.abandoned_after = grace
        every = min(30, max(1, grace // 4))
        tornado.ioloop.PeriodicCallback(self.kernel_manager.release_abandoned, every * 1000).start()
        return settings

    def init_handlers(self):
        voila = []
        for route in super().init_handlers():
            pattern, handler = route[0], route[1]
            if handler in HIDDEN:
                continue  # a listing of the notebooks, or a way to stop anyone's kernel
            if handler is TornadoVoilaHandler:
                route = (pattern, PageHandler, *route[2:])
            elif pattern.endswith("/logout"):
                route = (pattern, LogoutHandler, {"ctx": self.elan_ctx})
            elif handler is KernelHandler:
                route = (pattern, KernelInfoHandler, *route[2:])
            elif handler is TemplateStaticFileHandler:
                # Only a template's static files; the template sources themselves are not served.
                route = (pattern.replace("(.*)", r"([\w-]+/static/.+)"), TemplateFiles, *route[2:])
            if issubclass(route[1], tornado.web.StaticFileHandler):
                route = (route[0], plain_errors(route[1]), *route[2:])
            voila.append(route)
        extra = stage.handlers(self.elan_ctx, self.base_url) + remote.handlers(self.elan_ctx, self.base_url)
        extra += upload.handlers(self.elan_ctx, self.base_url)
        extra += oidc.handlers(self.elan_ctx, self.base_url)  # sign-in with the organisation's provider
        kit = api.handlers(self.elan_ctx, self.base_url) + documents.handlers(self.elan_ctx, self.base_url) + extra
        return (
            [with_code_throttle(route) for route in kit]
            + [
                (self.base_url.rstrip("/") + "/?", LandingRedirect),
            ]
            + voila
        )

    def listen(self):
        # (Voilà builds its Application in start(), just before listening.) Before every route,
        # Voilà's too: an address with a NUL or bytes that are not UTF-8 gets a 400.
        self.app.default_router.rules.insert(0, tornado.routing.Rule(guard.MalformedMatcher(), guard.RefuseMalformed))
        # Options of the HTTP server that Voilà does not expose; Application.listen passes them on.
        listen = self.app.listen
        options = {
            **HTTP_SERVER,
            "idle_connection_timeout": self.elan_ctx.settings.idle_connection_seconds,
            "backlog": LISTEN_BACKLOG,
        }
        self.app.listen = lambda port, address="", **kw: listen(port, address, **{**options, **kw})
        super().listen()

    def initialize(self, argv=None):
        super().initialize(argv)
        # Ctrl-C stops the server like SIGTERM does: kernels shut down, files removed.
        # (Voilà handles only SIGTERM; a shell's background job even ignores SIGINT.)
        signal.signal(signal.SIGINT, self._handle_signal_stop)


def with_code_throttle(route: tuple) -> tuple:
    """A kit route whose address holds a session code, marked so: unknown codes tried there count
    against the address and past the limit it is refused, on every such route (stage, QR, state,
    remote, API), whatever its handler remembers to do."""
    pattern, handler, *rest = route
    if api.CODE_ROUTE in pattern and rest and "ctx" in rest[0]:
        return (pattern, handler, {**rest[0], "takes_code": True}, *rest[1:])
    return route


def no_maths(base_url: str):
    """Voilà's page config hook: the page's maths typesetter is the kit's no-op (``static/no-maths.js``).

    ipywidgets hands every label, button description and HTML widget to the page's
    typesetter; participants' text is among them and must never become maths (a link,
    huge red text, a black rectangle over the projector). The kit's content has no maths.
    """

    def hook(page_config: dict, **_) -> dict:
        page_config["fullMathjaxUrl"] = base_url + "elan/static/no-maths.js"
        page_config["mathjaxConfig"] = "none"
        return page_config

    return hook


def voila_config(settings: Settings, engine: Engine) -> Config:
    c = Config()
    c.Voila.ip = settings.ip
    c.Voila.port = settings.port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.root_dir = str(WORKSHOPS)
    c.Voila.base_url = settings.base_url
    c.Voila.tornado_settings = {
        "compress_response": True,
        "static_url_prefix": settings.base_url + "elan/static/",
        # Voilà's own pages and files (jupyter_server sends these headers on each of them).
        "headers": {
            "Content-Security-Policy": VOILA_CSP,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    }
    c.VoilaConfiguration.template = "elan"
    c.VoilaConfiguration.show_tracebacks = settings.dangerously_show_tracebacks
    # plotly's JupyterLab extension (4.7 MB) is not needed: charts use the kit's light widget.
    c.VoilaConfiguration.extension_denylist = ["jupyterlab-plotly"]
    # The page handler decides who may start a kernel (PageHandler); the manager passes each
    # kernel its page's environment and counts public pages' kernels.
    c.VoilaConfiguration.multi_kernel_manager_class = guard.ElanKernelManager
    # ?template=... would let a visitor render the kit's notebooks with another template.
    c.VoilaConfiguration.allow_template_override = "NO"
    # The template gives each page the token that releases its kernel, and only its kernel.
    c.VoilaExporter.filters = {"elan_release_token": guard.release_token}
    c.VoilaConfiguration.page_config_hook = no_maths(settings.base_url)
    # jupyter_server's visitor cookie, like every cookie of the kit, says SameSite.
    c.IdentityProvider.cookie_options = {"samesite": "Lax"}
    c.VoilaConfiguration.http_header_envs = ["Accept-Language"] + (
        [settings.trusted_user_header] if settings.trusted_user_header else []
    )
    c.VoilaConfiguration.file_allowlist = [r".*\.(png|svg|jpg|css)"]
    # A closed or reloaded tab leaves its kernel running (its shutdown request is refused):
    # cull kernels idle for a while, but never one whose dashboard is still open.
    idle = settings.kernel_idle_minutes * 60
    c.MappingKernelManager.cull_idle_timeout = idle
    c.MappingKernelManager.cull_interval = max(60, idle // 4)
    c.MappingKernelManager.cull_connected = False
    return c


def serve(settings: Settings) -> None:
    """Start the server and block until Ctrl-C."""
    settings.data_path.mkdir(parents=True, exist_ok=True)
    key = settings.ensure_trainer_key()
    t = Translator(settings.language)
    loopback_only = False
    if not settings.public_url:
        host, loopback_only = join_host(settings.ip)
        settings.public_url = f"http://{host}:{settings.port}"
    engine = Engine.from_settings(settings)
    if settings.lrs_endpoint:
        # Learning records leave from this process, whatever process (a kernel, a request) queued them.
        lrs_send.Sender(engine.store, settings).start()
    # Kernels inherit this environment: they find the same store, key and addresses.
    os.environ.update(settings.to_environ())
    for name in SECRET_SETTINGS:  # set in the environment by whoever started the server: not passed on
        os.environ.pop(ENV_PREFIX + name.upper(), None)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")]))
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    app = ElanVoila(config=voila_config(settings, engine))
    app.elan_ctx = api.Context(engine, settings)
    app.initialize([])
    base = settings.public_url.rstrip("/") + settings.base_url
    print(t("core.serve_banner", trainer=f"{base}?key={key}", join=f"{base}join", data=settings.data_path), flush=True)
    if loopback_only:
        print(t("core.serve_loopback_warning", ip=settings.ip), flush=True)
    app.start()
