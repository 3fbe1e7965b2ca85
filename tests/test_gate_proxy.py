"""The trusted user header names a trainer only when the proxy on this machine sent it.

Anyone who reaches the port directly (the room's Wi-Fi, with the server's LAN address)
can write the header: from such a peer it must count for nothing.
"""

from __future__ import annotations

from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from tests import aio
from widgets.live import accounts
from widgets.web import api


def _request(peer: str, user: str) -> HTTPServerRequest:
    line = RequestStartLine("GET", "/api/sessions", "HTTP/1.1")
    r = HTTPServerRequest(start_line=line, headers=HTTPHeaders({"X-Forwarded-User": user, "Host": "x"}))
    r.remote_ip = peer
    return r


def test_the_trusted_header_counts_only_from_the_local_proxy(engine):
    accounts.add(engine.store, "chef@example.org", "mot-de-passe", is_admin=True)
    engine.settings.trusted_user_header = "X-Forwarded-User"
    ctx = api.Context(engine, engine.settings)

    async def who(peer):
        request = _request(peer, "chef@example.org")
        return await ctx.authenticate(None, peer, trusted=ctx.trusted_user(request)), ctx.signed_in(request)

    try:
        # nginx on this machine, over loopback (IPv4 and IPv6): the header names the trainer.
        for peer in ("127.0.0.1", "::1"):
            trainer, signed_in = aio.run(who(peer))
            assert trainer is not None and trainer.name == "chef@example.org" and trainer.is_admin
            assert signed_in
        # A visitor on the LAN, or a peer whose address does not parse: the header is refused.
        for peer in ("192.168.1.20", "10.0.0.7", "2001:db8::1", "", "localhost"):
            assert ctx.trusted_user(_request(peer, "chef@example.org")) is None
            assert aio.run(who(peer)) == (None, False)
    finally:
        ctx.pool.shutdown()
        ctx.auth_pool.shutdown()
