"""What a stranger on the room's Wi-Fi can cost the server, and the limits that bound it.

Anyone in the room has the join address, so everything a visitor can trigger without
a key is bounded here: Jupyter kernels started by public notebook pages (about
128 MB each), failed codes and trainer keys, joins, and open live feeds. Counters
are per client address and kept in memory (each ``elan serve`` process counts its
own visitors); behind nginx on the same machine the address comes from ``X-Real-IP``.

>>> t = Throttle(limit=2, window=60)
>>> [t.hit("10.0.0.7", now=0.0) for _ in range(3)]
[True, True, False]
>>> t.hit("10.0.0.7", now=61.0), t.hit("10.0.0.8", now=0.5)
(True, True)
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import ipaddress
import itertools
import os
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote_to_bytes

import tornado.routing
import tornado.web
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

#: Memory a kernel of a public page holds, for sizing the global cap (measured: 110-140 MB).
KERNEL_BYTES = 150 * 1024 * 1024
#: Share of the machine's memory public pages may take when ``public_kernels`` is 0 (automatic).
PUBLIC_SHARE = 0.4


def malformed(request) -> bool:
    """An address no handler should see: a NUL, or bytes that are not UTF-8, in its path or query.

    Such a request used to reach handlers that failed on it (a 500), or failed again while
    writing their error (the connection then stayed open, unanswered).

    >>> from types import SimpleNamespace
    >>> def request(uri):  # Tornado's path and query as they arrive: still percent-encoded
    ...     path, _, query = uri.partition("?")
    ...     return SimpleNamespace(path=path, query=query)
    >>> [malformed(request(u)) for u in ("/join?lang=fr", "/s?lang=%FF", "/a%00b", "/x?q=%C3%A9")]
    [False, True, True, False]
    """
    try:
        path = unquote_to_bytes(request.path or "").decode("utf-8")
        query = [(k.decode("utf-8"), v.decode("utf-8")) for k, v in _query_bytes(request.query or "")]
    except UnicodeDecodeError:
        return True
    return "\x00" in path or any("\x00" in k or "\x00" in v for k, v in query)


def _query_bytes(query: str) -> list[tuple[bytes, bytes]]:
    out = []
    for part in query.split("&"):
        name, _, value = part.partition("=")
        out.append((unquote_to_bytes(name.replace("+", " ")), unquote_to_bytes(value.replace("+", " "))))
    return out


class MalformedMatcher(tornado.routing.Matcher):
    """Matches the requests :func:`malformed` refuses (a rule ahead of every other route)."""

    def match(self, request):
        return {} if malformed(request) else None


class RefuseMalformed(tornado.web.RequestHandler):
    """400 at once, reading nothing from the request (it is the request that is broken)."""

    def prepare(self):
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish("400: Bad Request\n")

    def check_xsrf_cookie(self):
        return None


def from_local_proxy(request) -> bool:
    """Whether the request came over loopback: from the proxy on this machine (nginx), not a visitor.

    Only such a request's proxy headers (``X-Real-IP``, the trusted user header) mean anything:
    anyone else can write them.
    """
    try:
        return ipaddress.ip_address(request.remote_ip or "").is_loopback
    except ValueError:
        return False


def client_address(request) -> str:
    """The visitor's address: the socket's peer, or ``X-Real-IP`` when a proxy on this machine sent it.

    A header from anywhere else is ignored, so a visitor cannot pick an address to dodge a limit.
    """
    peer = request.remote_ip or ""
    forwarded = request.headers.get("X-Real-IP", "").strip()
    try:
        if forwarded and from_local_proxy(request):
            return str(ipaddress.ip_address(forwarded))
    except ValueError:
        pass
    return peer


class Throttle:
    """At most ``limit`` events per ``window`` seconds for each key (a sliding window).

    At most ``keys`` keys are remembered; the least recently seen are forgotten first,
    so a flood of addresses cannot grow the process without bound.
    """

    def __init__(self, limit: int, window: float = 60.0, keys: int = 20000):
        self.limit, self.window, self.max_keys = limit, window, keys
        self._hits: OrderedDict[str, deque] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque:
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def allowed(self, key: str, *, now: float | None = None) -> bool:
        """Whether one more event would be within the limit (nothing is counted)."""
        now = time.monotonic() if now is None else now
        return self.limit <= 0 or len(self._recent(key, now)) < self.limit

    def add(self, key: str, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._recent(key, now).append(now)

    def hit(self, key: str, *, now: float | None = None) -> bool:
        """Count one event; False when it is over the limit (and then it is not counted)."""
        if not self.allowed(key, now=now):
            return False
        self.add(key, now=now)
        return True

    def undo(self, key: str) -> None:
        """Give back the latest event counted for ``key`` (it turned out not to be one)."""
        hits = self._hits.get(key)
        if hits:
            hits.pop()

    def retry_after(self, key: str, *, now: float | None = None) -> int:
        """Seconds until one more event is allowed."""
        now = time.monotonic() if now is None else now
        hits = self._recent(key, now)
        if len(hits) < self.limit:
            return 0
        return max(1, int(hits[0] + self.window - now) + 1)


def machine_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 4 * 1024**3


def public_kernel_cap(configured: int, memory: int | None = None) -> int:
    """The most kernels public pages may hold at once: the setting, or a share of the machine's memory.

    >>> public_kernel_cap(0, memory=24 * 1024**3)
    65
    >>> public_kernel_cap(0, memory=1024**3), public_kernel_cap(7)
    (2, 7)
    """
    if configured > 0:
        return configured
    memory = machine_memory() if memory is None else memory
    return max(2, int(memory * PUBLIC_SHARE // KERNEL_BYTES))


@dataclass
class Page:
    """The Voilà page being rendered in this request: who asked, and what its kernel must know."""

    client: str
    public: bool
    env: dict = field(default_factory=dict)
    ticket: int | None = None


#: Set by the page handler before Voilà starts the kernel, read by :class:`ElanKernelManager`.
#: Voilà starts the kernel in the same task as the handler, so the value is the request's own.
PAGE: contextvars.ContextVar[Page | None] = contextvars.ContextVar("elan_page", default=None)


class KernelBudget:
    """Kernels of public pages: at most ``per_client`` for one address and ``total`` in all.

    A page is admitted with a ticket before its kernel starts (two requests at once
    cannot both take the last place), and the ticket becomes the kernel when it
    starts. Kernels that stopped (closed tab, idle cull) no longer count.
    """

    def __init__(self, per_client: int, total: int):
        self.per_client, self.total = per_client, total
        self._pending: dict[int, str] = {}
        self._kernels: dict[str, str] = {}
        self._since: dict[str, float] = {}
        self._tickets = itertools.count(1)
        self.refused = 0

    def _live(self, manager) -> dict[str, str]:
        if manager is not None:
            for kid in [k for k in self._kernels if k not in manager]:
                del self._kernels[kid]
        return self._kernels

    def held(self, manager, client: str | None = None) -> int:
        owners = list(self._live(manager).values()) + list(self._pending.values())
        return len(owners) if client is None else owners.count(client)

    def admit(self, manager, client: str) -> tuple[int | None, str | None]:
        """A ticket for one more public kernel, or ``(None, reason)``: ``"client"`` or ``"server"``."""
        if self.held(manager, client) >= self.per_client:
            self.refused += 1
            return None, "client"
        if self.held(manager) >= self.total:
            self.refused += 1
            return None, "server"
        ticket = next(self._tickets)
        self._pending[ticket] = client
        return ticket, None

    def started(self, ticket: int, kernel_id: str) -> None:
        client = self._pending.pop(ticket, None)
        if client is not None:
            self._kernels[kernel_id] = client
            self._since[kernel_id] = time.monotonic()

    def abandoned(self, manager, grace: float, *, now: float | None = None) -> list[str]:
        """Public kernels with no page connected for ``grace`` seconds (a tab closed without a goodbye)."""
        now = time.monotonic() if now is None else now
        out = []
        for kid in list(self._live(manager)):
            if manager.connections(kid) or manager.idle_seconds(kid) < grace:
                self._since[kid] = now  # a page is connected, or the kernel is still rendering it
            elif now - self._since.get(kid, now) >= grace:
                out.append(kid)
        for kid in [k for k in self._since if k not in self._kernels]:
            del self._since[kid]
        return out

    def release(self, ticket: int | None) -> None:
        """The request ended: a ticket that started no kernel frees its place."""
        if ticket is not None:
            self._pending.pop(ticket, None)


class ElanKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager, told by the page handler which page each kernel serves.

    Set as ``VoilaConfiguration.multi_kernel_manager_class``. Each kernel gets the
    page's environment (the verified trainer credential, never from the address bar),
    and public pages' kernels are counted in the :class:`KernelBudget`.
    """

    budget: KernelBudget | None = None
    #: A public page's kernel with no page connected for this long is stopped: its tab closed
    #: without saying so (a phone killed the browser), and the place goes to the next visitor.
    #: (``Settings.public_kernel_grace``.)
    abandoned_after = 120.0

    def connections(self, kernel_id: str) -> int:
        return self._kernel_connections.get(kernel_id, 0)

    def idle_seconds(self, kernel_id: str) -> float:
        """Seconds since the kernel last did anything (Voilà running the page's cells counts)."""
        try:
            kernel = self.get_kernel(kernel_id)
        except KeyError:
            return float("inf")
        if getattr(kernel, "execution_state", "") == "busy":
            return 0.0
        last = getattr(kernel, "last_activity", None)
        if last is None:
            return 0.0
        return (datetime.now(UTC) - last).total_seconds()

    async def release_abandoned(self) -> None:
        if self.budget is None:
            return
        for kernel_id in self.budget.abandoned(self, self.abandoned_after):
            self.log.info("Stopping kernel %s: its public page is gone", kernel_id)
            try:
                await self.shutdown_kernel(kernel_id)
            except KeyError:
                pass

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        page = PAGE.get()
        if page is not None and page.env:
            kwargs["env"] = {**(kwargs.get("env") or {}), **page.env}
        kernel_id = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        if page is not None and page.ticket is not None and self.budget is not None:
            self.budget.started(page.ticket, kernel_id)
            page.ticket = None
        return kernel_id


class ReleaseTokens:
    """A page may release its own kernel and no other: the token is an HMAC of the kernel id.

    >>> tokens = ReleaseTokens(b"k" * 32)
    >>> tokens.valid("abc", tokens.token("abc")), tokens.valid("abd", tokens.token("abc"))
    (True, False)
    """

    def __init__(self, secret: bytes | None = None):
        self._secret = secret or secrets.token_bytes(32)

    def token(self, kernel_id: str) -> str:
        return hmac.new(self._secret, str(kernel_id).encode(), hashlib.sha256).hexdigest()

    def valid(self, kernel_id: str, token: str) -> bool:
        return isinstance(token, str) and hmac.compare_digest(self.token(kernel_id), token)


#: This process's release tokens (a page and its kernel are always in the same process).
RELEASE = ReleaseTokens()


def release_token(kernel_id: str) -> str:
    """The Jinja filter ``elan_release_token`` of the kit's Voilà template."""
    return RELEASE.token(kernel_id)
