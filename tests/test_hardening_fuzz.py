"""Every JSON endpoint, participant and trainer, fuzzed with Hypothesis: malformed input never gets a 500.

One real ``elan serve``; each generated example is one HTTP request, drawn across every
route of the API with bodies that are sometimes right, sometimes almost right (a known
field with any JSON value: nested lists, huge integers, NaN, lone surrogates), and
sometimes not JSON at all (bytes, 10,000 nested brackets). At least 2,000 requests a run.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import widgets.workshops.day  # noqa: F401  (registers the training day's documents and actions)
from tests.fixtures_server import ElanServer
from widgets.content import manifests
from widgets.web import export
from widgets.web.api import ACTIONS, MAX_BODY

EXAMPLES = 2100
IDEAS = {"kind": "ideas", "id": "ideas", "prompt": {"fr": "Vos idées", "en": "Your ideas"}}
SPECS = [
    IDEAS,
    {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3},
    {"kind": "rate", "id": "rate", "source": "ideas", "criteria": [{"id": "impact"}]},
    {"kind": "match", "id": "match", "rows": [{"id": "speed"}], "columns": [{"id": "FRT"}, {"id": "NPS"}]},
    {
        "kind": "choice",
        "id": "pick",
        "options": [{"id": "a", "label": {"fr": "A", "en": "A"}}, {"id": "b", "label": {"fr": "B", "en": "B"}}],
    },
    {"kind": "info", "id": "x"},
]
PAYLOAD_KEYS = [
    "text",
    "item",
    "items",
    "value",
    "dots",
    "option",
    "row",
    "columns",
    "ratings",
    "criterion",
    "colleague",
    "title",
    "story",
    "nonce",
    "choice",
    "step",
    "add",
    "remove",
    "id",
]

# Any text, lone surrogates included (JSON carries them as \ud800 escapes).
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**62, max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4), max_leaves=12
)
# Header values a client can send: printable, no space at either end (requests refuses those).
header_text = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40)
route_code = st.from_regex(r"[A-Za-z0-9-]{1,32}", fullmatch=True)
raw_bodies = st.one_of(
    st.binary(max_size=80),
    st.integers(1, 20000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 20000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.sampled_from([b"", b"null", b"[]", b'"x"', b"1e999", b'{"code": "\\ud800"}', b"\xff\xfe"]),
)


class Room:
    """What the fuzz aims at: a session the room is in, and one the trainer actions may wreck."""

    def __init__(self, server: ElanServer):
        self.server = server
        self.code = server.create_session("values", "fr")
        self.wreck = server.create_session("values", "en")
        for spec in SPECS:
            server.trainer(self.wreck, "open", spec=spec)
        server.trainer(self.code, "open", spec=IDEAS)
        self.tokens = [server.join(self.code, f"P{n}")["token"] for n in range(3)]
        self.items = [
            server.submit(self.code, t, "ideas", {"text": f"carte {n}"}).json()["id"] for n, t in enumerate(self.tokens)
        ]
        self.participants = [server.state(self.code, t)["participant"]["id"] for t in self.tokens]
        self.sent = 0


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    server = ElanServer(tmp_path_factory.mktemp("elan-fuzz")).start()
    yield Room(server)
    server.stop()


def _field(room: Room, name: str):
    """A value for a known field: often a plausible one, always sometimes anything at all."""
    plausible = {
        "code": st.sampled_from([room.code, room.wreck, room.code.lower(), " " + room.code]),
        "token": st.sampled_from(room.tokens),
        "activity": st.sampled_from([s["id"] for s in SPECS]),
        "item": st.sampled_from(room.items),
        "items": st.lists(st.sampled_from(room.items), max_size=3),
        "into": st.sampled_from(room.items),
        "participant": st.sampled_from(room.participants),
        "spec": st.sampled_from(SPECS),
        "status": st.sampled_from(["visible", "hidden", "pending"]),
        "open": st.booleans(),
        "revealed": st.booleans(),
        "seconds": st.integers(-5, 20000),
        "name": st.sampled_from(["show_names", "anonymous", "locked", "Zoé"]),
        "workshop": st.sampled_from(manifests.ids("workshop")),
        "lang": st.sampled_from(["fr", "en", "de"]),
    }.get(name)
    return st.one_of(plausible, json_values) if plausible is not None else json_values


def _body(room: Room, names: list[str]):
    fields = st.fixed_dictionaries({}, optional={n: _field(room, n) for n in names})
    extra = st.dictionaries(any_text, json_values, max_size=2)
    as_json = st.tuples(fields, extra).map(lambda fe: json.dumps({**fe[1], **fe[0]}).encode())
    return st.one_of(as_json, as_json, as_json, raw_bodies)


@st.composite
def api_requests(draw, room: Room):
    trainer = {"X-Elan-Key": room.server.key}
    participant = {"X-Elan-Token": draw(st.one_of(st.sampled_from(room.tokens), header_text))}
    code = draw(st.one_of(st.sampled_from([room.code, room.wreck]), route_code))
    which = draw(
        st.sampled_from(
            [
                "join",
                "state",
                "submit",
                "feed",
                "sessions-post",
                "sessions-get",
                "action",
                "action",
                "action",
                "results",
                "export",
                "participants",
                "badge",
                "qr",
                "document",
                "day",
                "day",
            ]
        )
    )
    if which == "join":
        return "POST", "join", {}, draw(_body(room, ["code", "name", "token"]))
    if which == "state":
        return "GET", f"s/{code}/state", participant, None
    if which == "submit":
        payload = st.fixed_dictionaries({}, optional={k: _field(room, k) for k in PAYLOAD_KEYS})
        body = st.one_of(
            st.tuples(_field(room, "activity"), st.one_of(payload, json_values)).map(
                lambda ap: json.dumps({"activity": ap[0], "payload": ap[1]}).encode()
            ),
            _body(room, ["activity", "payload"]),
        )
        return "POST", f"s/{room.code}/submit", participant, draw(body)
    if which == "feed":
        since = draw(st.one_of(header_text, st.integers().map(str)))
        headers = {"Last-Event-ID": since} if draw(st.booleans()) else {}
        return "GET", f"s/{code}/feed?since={requests.utils.quote(since)}", {**participant, **headers}, None
    if which == "sessions-post":
        return "POST", "sessions", trainer, draw(_body(room, ["workshop", "lang", "title"]))
    if which == "sessions-get":
        return "GET", "sessions", trainer, None
    if which == "action":
        action = draw(st.sampled_from(sorted(ACTIONS) + ["nothing", "-"]))
        method, required, optional = ACTIONS.get(action, ("", ("spec",), ()))
        return "POST", f"s/{room.wreck}/trainer/{action}", trainer, draw(_body(room, list(required + optional)))
    if which == "results":
        activity = draw(st.one_of(st.sampled_from([s["id"] for s in SPECS]), header_text))
        return "GET", f"s/{code}/results?activity={requests.utils.quote(activity)}", trainer, None
    if which == "export":
        return "GET", f"s/{code}/export.{draw(st.sampled_from(['csv', 'xlsx', 'html']))}", trainer, None
    if which == "participants":
        return "GET", f"s/{code}/participants", draw(st.sampled_from([trainer, participant])), None
    if which == "badge":
        item = draw(st.one_of(st.sampled_from(room.items), st.integers(0, 10**12)))
        return "GET", f"s/{code}/badge/{item}.{draw(st.sampled_from(['svg', 'png', 'html']))}", {}, None
    if which == "document":
        # The training day's printable documents (HTML: PDF goes through Chromium, too slow to fuzz).
        name = draw(
            st.one_of(st.sampled_from(sorted(export.DOCUMENTS)), st.from_regex(r"[a-z-]{1,40}", fullmatch=True))
        )
        query = draw(st.dictionaries(st.sampled_from(["halfday", "participant", "lang"]), header_text, max_size=2))
        return "GET", f"s/{code}/doc/{name}.html?{urlencode(query)}", draw(st.sampled_from([trainer, {}])), None
    if which == "day":
        action = draw(
            st.one_of(st.sampled_from(sorted(export.ACTIONS)), st.from_regex(r"[a-z-]{1,40}", fullmatch=True))
        )
        names = ["step", "halfday", "participant", "present", "signature", "item", "status", "setup", "value", "id"]
        return "POST", f"s/{room.wreck}/day/{action}", trainer, draw(_body(room, names))
    return "GET", f"/elan/qr/{code}.svg", {}, None


@pytest.mark.slow
def test_no_request_to_the_json_api_gets_a_500(room):
    http = requests.Session()
    http.trust_env = False
    base = room.server.url + "/elan/api/"

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
    )
    @given(request=api_requests(room))
    def one(request):
        method, path, headers, body = request
        kwargs = {"headers": headers, "timeout": 10}
        if body is not None:
            kwargs["data"] = body
            kwargs["headers"] = {**headers, "Content-Type": "application/json"}
        if path.split("?")[0].endswith("/feed"):
            kwargs["stream"] = True  # a feed that opens streams forever: its status is all we need
        http.cookies.clear()  # each request stands alone (a join leaves a participant's cookie)
        url = room.server.url + path if path.startswith("/") else base + path
        if body is not None and len(body) > MAX_BODY:
            # Over the limit the server may answer 413 and hang up before the client is done
            # sending: either is a refusal, never a 500.
            try:
                r = http.request(method, url, **kwargs)
            except requests.ConnectionError:
                r = None
            finally:
                http.close()  # that connection is closed: the next request opens a new one
            room.sent += 1
            # 413, or the route's own refusal (an unknown action is a 404): never a 500.
            assert r is None or 400 <= r.status_code < 500, (path, r.status_code)
            return
        with http.request(method, url, **kwargs) as r:
            room.sent += 1
            assert r.status_code < 500, (method, path, headers, body[:300] if body else None, r.text[:300])
            json_error = r.headers.get("Content-Type", "").startswith("application/json")
            if r.status_code >= 400 and json_error:
                assert r.json()["message"], (path, r.text)

    one()
    assert room.sent >= 2000, room.sent
    assert "Traceback" not in room.server.log(), room.server.log()[-3000:]


# --- addresses: path segments and query strings, invalid UTF-8 and NULs among them --------------

#: Where a hostile address may start: every kind of route the server registers.
PREFIXES = [
    "/join/",
    "/stage/",
    "/remote/",
    "/elan/qr/",
    "/elan/api/s/",
    "/elan/api/strings/",
    "/elan/static/",
    "/guide/",
    "/guide/img/",
    "/privacy/",
    "/logout",
    "/voila/render/",
    "/voila/templates/",
    "/voila/static/",
    "/voila/files/",
    "/voila/labextensions/",
    "/voila/api/themes/",
    "/api/kernels/",
    "/",
]
SEGMENTS = [
    "",
    ".",
    "..",
    "%00",
    "%FF",
    "%C3",
    "%E2%80",
    "%2F",
    "%2f",
    "%2e",
    "%2e%2e",
    "%5C",
    "%252F",
    "index.ipynb",
    "content",
    "editor.ipynb",
    "values",
    "solo.ipynb",
    "elan",
    "static",
    "state",
    "stage",
    "fr",
]
segment = st.one_of(st.sampled_from(SEGMENTS), st.binary(max_size=6).map(lambda b: requests.utils.quote(b, safe="")))
query_part = st.one_of(
    st.sampled_from(["lang", "key", "code", "theme", "since", "activity", "learner", "view"]),
    st.binary(max_size=6).map(lambda b: requests.utils.quote(b, safe="")),
)
query_value = st.one_of(
    st.sampled_from(["fr", "en", "%FF", "%00", "%C3%28", "dark", "trainer", "", "%ED%A0%80"]),
    st.binary(max_size=8).map(lambda b: requests.utils.quote(b, safe="")),
)
addresses = st.tuples(
    st.sampled_from(PREFIXES),
    st.lists(segment, max_size=4).map("/".join),
    st.lists(st.tuples(query_part, query_value).map("=".join), max_size=3).map("&".join),
).map(lambda p: p[0] + p[1] + ("?" + p[2] if p[2] else ""))


@pytest.fixture(scope="module")
def door(tmp_path_factory):
    # One public kernel in all: a generated address that names a public notebook may start one, no more.
    env = {"ELAN_PUBLIC_KERNELS": "1", "ELAN_PUBLIC_KERNELS_PER_CLIENT": "1", "ELAN_FAILED_CODES_PER_MINUTE": "0"}
    server = ElanServer(tmp_path_factory.mktemp("elan-door"), env=env).start()
    yield server
    server.stop()


@pytest.mark.slow
def test_no_address_gets_a_500_or_hangs(door):
    import http.client

    sent = []

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
    )
    @given(address=addresses)
    def one(address):
        conn = http.client.HTTPConnection("127.0.0.1", door.port, timeout=30)
        try:
            conn.putrequest("GET", address, skip_accept_encoding=True)
            conn.endheaders()
            r = conn.getresponse()  # a hang fails here, by the timeout
            if not r.getheader("Content-Type", "").startswith("text/event-stream"):
                r.read()
        finally:
            conn.close()
        sent.append(r.status)
        assert r.status < 500, (address, r.status)

    one()
    assert len(sent) >= 2000, len(sent)
    assert "Traceback" not in door.log(), door.log()[-3000:]
