"""What a probe of the running kit found in its HTTP API, each finding tried again on a real ``elan serve``.

One server with the default per-address limits (and five new participants a minute, to
keep the test short) and two trainer accounts, Alice and Bob. Tests that hit a limit come
from their own address: a proxy on this machine (nginx) names the visitor in ``X-Real-IP``,
and the tests play that proxy.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from tests.aio import run
from tests.fixtures_server import ElanServer
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.live import accounts
from widgets.live.engine import Engine
from widgets.live.store import Store

IDEAS = {"kind": "ideas", "id": "ideas", "prompt": {"fr": "Vos idées", "en": "Your ideas"}}
EN = Translator("en")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("elan-hardening")
    store = Store(f"sqlite:///{data / 'elan.sqlite3'}")
    keys = {name: accounts.add(store, name, f"{name}-secret-1") for name in ("alice", "bob")}
    store.dispose()
    env = {"ELAN_JOINS_PER_MINUTE": "5", "ELAN_FAILED_CODES_PER_MINUTE": "20", "ELAN_FAILED_KEYS_PER_MINUTE": "10"}
    srv = ElanServer(data, env=env).start()
    srv.keys = keys
    yield srv
    srv.stop()


def _from(address: str, **headers) -> dict:
    return {"X-Real-IP": address, "Accept-Language": "en", **headers}


def _join(server, code, address, token=None, name=None):
    body = {"code": code, "name": name}
    if token:
        body["token"] = token
    return requests.post(f"{server.url}/elan/api/join", json=body, headers=_from(address), timeout=10)


# --- account keys: off the event loop, and throttled per address --------------------------------


def test_account_keys_are_checked_off_the_event_loop(tmp_path):
    from widgets.web.api import Context

    settings = Settings(data_dir=str(tmp_path), trainer_key="shared-key-123456")
    engine = Engine.from_settings(settings)
    key = accounts.add(engine.store, "carla", "carla-secret")
    threads = []
    real = engine.authenticate

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    engine.authenticate = spy
    ctx = Context(engine, settings)

    async def check():
        assert (await ctx.authenticate(key, "10.0.0.1")).name == "carla"
        assert await ctx.authenticate("carla:wrong-secret", "10.0.0.1") is None

    run(check())
    assert len(threads) == 2
    assert all(t is not threading.main_thread() and t.name.startswith("elan-auth") for t in threads)


def test_wrong_account_keys_are_throttled_per_address_and_never_logged(server):
    code = server.create_session("values", "en")
    statuses = []
    for n in range(14):
        r = server.get(f"/elan/api/s/{code}/results", headers=_from("10.1.0.1", **{"X-Elan-Key": f"alice:guess-{n}"}))
        statuses.append(r.status_code)
    assert statuses[:10] == [403] * 10 and statuses[10:] == [429] * 4, statuses
    assert r.json()["message"] == EN("core.error_too_many_attempts")
    # Not a lockout of the room: the shared key and another address still get in.
    assert server.get(f"/elan/api/s/{code}/results", headers=_from("10.1.0.1", **server.trainer_headers)).ok
    other = _from("10.1.0.2", **{"X-Elan-Key": server.keys["alice"]})
    assert server.get("/elan/api/sessions", headers=other).ok
    # The trainer page says so in a page, not a stack trace.
    r = server.get(
        "/voila/render/values/trainer.ipynb", params={"key": "alice:guess-x"}, headers=_from("10.1.0.1"), timeout=30
    )
    assert r.status_code == 429 and EN("core.error_too_many_attempts") in r.text
    log = server.log()
    assert "guess-" not in log and "alice-secret" not in log


# --- joins: per-address limits, a lock, removing a participant, a full session ---------------------


def test_new_participants_from_one_address_are_limited_and_coming_back_is_not(server):
    code = server.create_session("values", "en")
    tokens = []
    for _ in range(5):
        r = _join(server, code, "10.2.0.1")
        assert r.status_code == 200, r.text
        tokens.append(r.json()["token"])
    r = _join(server, code, "10.2.0.1")
    assert r.status_code == 429 and r.json()["error"] == "core.error_too_many_joins"
    assert r.json()["message"] == EN("core.error_too_many_joins")
    # A phone already in comes back (a reload) whatever the limit; another address joins.
    assert _join(server, code, "10.2.0.1", token=tokens[0]).json()["token"] == tokens[0]
    assert _join(server, code, "10.2.0.2").status_code == 200
    assert server.results(code)["counts"]["joined"] == 6


def test_unknown_codes_are_limited_per_address(server):
    code = server.create_session("values", "en")
    statuses = [_join(server, f"NOPE{n:02d}", "10.3.0.1").status_code for n in range(25)]
    assert statuses[:20] == [404] * 20 and set(statuses[20:]) == {429}, statuses
    # Even the right code waits now (no guessing at speed); the join page says it too.
    assert _join(server, code, "10.3.0.1").status_code == 429
    page = requests.get(f"{server.url}/join/{code}", headers=_from("10.3.0.1"), timeout=10)
    assert page.status_code == 429 and EN("core.error_too_many_attempts") in page.text
    assert _join(server, code, "10.3.0.2").status_code == 200


def test_the_trainer_sees_removes_and_locks_out_seat_takers(server):
    code = server.create_session("values", "en")
    server.trainer(code, "open", spec=IDEAS)
    real = _join(server, code, "10.4.0.1", name="Ana").json()
    squatters = [_join(server, code, f"10.4.1.{n}").json() for n in range(3)]
    server.submit(code, squatters[0]["token"], "ideas", {"text": "spam spam"})
    rows = server.get(f"/elan/api/s/{code}/participants", headers=server.trainer_headers).json()["participants"]
    assert [r["name"] for r in rows] == ["Ana", None, None, None]
    assert rows[1]["cards"] == 1 and rows[0]["cards"] == 0
    # Lock first (no newcomer), then remove: the seats are free and the squatters are out.
    server.trainer(code, "option", name="locked", value=True)
    r = _join(server, code, "10.4.2.1")
    assert r.status_code == 409 and r.json()["error"] == "core.error_session_locked"
    for s in squatters:
        server.trainer(code, "remove", participant=s["participant"]["id"])
    assert server.results(code)["counts"]["joined"] == 1
    assert all(c["text"] != "spam spam" for c in server.results(code, "ideas")["results"]["cards"])
    gone = server.api("GET", f"s/{code}/state", headers={"X-Elan-Token": squatters[0]["token"]})
    assert gone.status_code == 403
    again = _join(server, code, "10.4.1.0", token=squatters[0]["token"])
    assert again.status_code == 409  # a removed phone is a newcomer, and the session is locked
    # Ana, already in, reloads her page as before.
    assert _join(server, code, "10.4.0.1", token=real["token"]).json()["participant"]["name"] == "Ana"
    # Participants cannot see the list, nor remove anyone.
    assert server.api("GET", f"s/{code}/participants", headers={"X-Elan-Token": real["token"]}).status_code == 403
    r = server.api(
        "POST",
        f"s/{code}/trainer/remove",
        json={"participant": real["participant"]["id"]},
        headers={"X-Elan-Token": real["token"]},
    )
    assert r.status_code == 403


# --- anonymous for good ---------------------------------------------------------------------------


def test_an_anonymous_session_hides_names_everywhere_at_once_and_for_good(server):
    code = server.create_session("values", "en")
    server.trainer(code, "open", spec=IDEAS)
    server.trainer(code, "option", name="show_names", value=True)
    zelie = _join(server, code, "10.5.0.1", name="Zélie").json()
    server.submit(code, zelie["token"], "ideas", {"text": "Écoute"})
    assert server.results(code, "ideas")["results"]["cards"][0]["author"] == "Zélie"
    server.trainer(code, "option", name="anonymous", value=True)
    results = server.results(code, "ideas")
    assert "Zélie" not in str(results)
    rows = server.get(f"/elan/api/s/{code}/participants", headers=server.trainer_headers).json()["participants"]
    assert rows[0]["name"] is None
    assert server.state(code, zelie["token"])["participant"]["name"] is None
    for name, value in (("anonymous", False), ("show_names", True)):
        r = server.api(
            "POST", f"s/{code}/trainer/option", json={"name": name, "value": value}, headers=server.trainer_headers
        )
        assert r.status_code == 409 and r.json()["error"] == "core.error_anonymous_for_good", name
    # A name sent again is not kept either.
    assert _join(server, code, "10.5.0.1", token=zelie["token"], name="Zélie").json()["participant"]["name"] is None
    csv = server.get(f"/elan/api/s/{code}/export.csv", headers=server.trainer_headers).text
    assert "Zélie" not in csv and "Écoute" in csv


# --- ownership of the trainer feed (and of every trainer read) --------------------------------------


def test_a_trainer_account_reads_only_its_own_sessions(server):
    alice = {"X-Elan-Key": server.keys["alice"]}
    bob = {"X-Elan-Key": server.keys["bob"]}
    r = server.api("POST", "sessions", json={"workshop": "values", "lang": "en"}, headers=alice)
    code = r.json()["code"]
    server.api("POST", f"s/{code}/trainer/open", json={"spec": IDEAS}, headers=alice)
    for path in (f"s/{code}/feed", f"s/{code}/results", f"s/{code}/export.csv", f"s/{code}/participants"):
        r = server.api("GET", path, headers=bob, timeout=5)
        assert r.status_code == 403, path
        assert r.json()["error"] == "core.error_not_trainer"
    r = server.api("POST", f"s/{code}/trainer/stop-timer", json={}, headers=bob)
    assert r.status_code == 403
    # Alice, and the administrator's shared key, may.
    with server.http.get(f"{server.url}/elan/api/s/{code}/feed", headers=alice, stream=True, timeout=5) as r:
        assert r.status_code == 200
    assert server.api("GET", f"s/{code}/results", headers=server.trainer_headers).ok


def test_one_participant_holds_a_few_live_feeds_not_hundreds(server):
    code = server.create_session("values", "en")
    token = _join(server, code, "10.6.0.1").json()["token"]
    opened, refused = [], None
    for _ in range(6):
        r = requests.get(
            f"{server.url}/elan/api/s/{code}/feed", headers={"X-Elan-Token": token}, stream=True, timeout=5
        )
        if r.status_code == 200:
            opened.append(r)
        else:
            refused = r
            break
    assert len(opened) == 3 and refused.status_code == 429
    for r in opened:
        r.close()


# --- malformed requests: a clear 4xx, never a 500 ------------------------------------------------


def test_the_probes_malformed_requests_get_a_clear_4xx(server):
    code = server.create_session("values", "en")
    server.trainer(code, "open", spec=IDEAS)
    token = _join(server, code, "10.7.0.1").json()["token"]
    trainer = {**server.trainer_headers, "Content-Type": "application/json"}
    participant = {"X-Elan-Token": token, "Content-Type": "application/json"}
    cases = [
        ("join", b"[" * 5000 + b"]" * 5000, {}),
        ("join", json.dumps({"code": code, "name": "a\ud800b"}).encode(), {}),
        ("join", json.dumps({"code": code, "token": 12345}).encode(), {}),
        ("join", json.dumps({"code": ["x"]}).encode(), {}),
        (f"s/{code}/submit", json.dumps({"activity": "ideas", "payload": {"text": "a\ud800b"}}).encode(), participant),
        (f"s/{code}/submit", b'{"activity": "ideas", "payload": ' + b'{"a":' * 2000 + b"1" + b"}" * 2001, participant),
        (f"s/{code}/trainer/open", json.dumps({"spec": "ideas"}).encode(), trainer),
        (f"s/{code}/trainer/open", json.dumps({"spec": {"kind": ["ideas"], "id": "x"}}).encode(), trainer),
        (f"s/{code}/trainer/item", json.dumps({"item": 2**70, "status": "hidden"}).encode(), trainer),
        (f"s/{code}/trainer/merge", json.dumps({"items": 5, "into": 1}).encode(), trainer),
        (f"s/{code}/trainer/input", json.dumps({"open": "false"}).encode(), trainer),
        (f"s/{code}/trainer/option", json.dumps({"name": "show_names", "value": "false"}).encode(), trainer),
    ]
    for path, body, headers in cases:
        r = server.api("POST", path, data=body, headers={"Content-Type": "application/json", **headers})
        assert r.status_code in (400, 404, 409, 422), (path, body[:80], r.status_code, r.text[:200])
        assert r.json()["message"], path
    # "false" did not open anything: input stays as it was.
    assert server.results(code)["state"]["open"] is True
    assert "Traceback" not in server.log()


# --- bodies: refused before they are held in memory --------------------------------------------------


def _big_post(url: str, size: int, *, chunked: bool = False) -> int | None:
    """POST ``size`` bytes without holding them: the status, or None when the server hung up first."""
    chunk = b"x" * 65536

    def body():
        for _ in range(size // len(chunk)):
            yield chunk

    headers = {"Content-Type": "application/json"}
    if not chunked:
        headers["Content-Length"] = str(size // len(chunk) * len(chunk))
    try:
        return requests.post(url, data=body(), headers=headers, timeout=30).status_code
    except requests.ConnectionError:
        return None


def test_large_bodies_are_refused_before_they_are_buffered(server):
    import psutil

    process = psutil.Process(server.process.pid)
    before = process.memory_info().rss
    code = server.create_session("values", "en")
    for url in (f"{server.url}/elan/api/join", f"{server.url}/elan/api/s/{code}/submit", f"{server.url}/join"):
        for chunked in (False, True):
            status = _big_post(url, 90 * 1024 * 1024, chunked=chunked)
            assert status in (None, 400, 405, 413), (url, chunked, status)
    grown = process.memory_info().rss - before
    assert grown < 30 * 1024 * 1024, f"the server grew by {grown / 2**20:.0f} MB"
    # Just over the API's limit: refused too (413, or the connection closed before the rest is read).
    assert _big_post(f"{server.url}/elan/api/join", 20 * 65536) in (None, 413)
    assert server.get("/elan/api/health").ok


# --- headers, listings, template sources, kernels stopped by strangers ------------------------------


def test_headers_cookies_and_what_voila_no_longer_serves(server):
    import re

    import psutil

    page = requests.get(f"{server.url}/voila/render/values/solo.ipynb", headers=_from("10.8.0.1"), timeout=60)
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["Referrer-Policy"] == "no-referrer"
    cookies = page.raw.headers.getlist("Set-Cookie")
    assert cookies and all("samesite" in c.lower() for c in cookies), cookies
    for path in ("/join", "/elan/api/health", "/voila/render/values/solo.ipynb", "/nothing", "/elan/static/notice.css"):
        r = server.get(path, headers=_from("10.8.0.2"), timeout=60)
        assert "Server" not in r.headers, (path, r.headers.get("Server"))
    for path in (
        "/voila/tree",
        "/voila/tree/values",
        "/voila/api/contents/",
        "/voila/api/contents/values",
        "/voila/templates/elan/index.html.j2",
        "/voila/templates/elan/conf.json",
    ):
        r = server.get(path)
        assert r.status_code == 404, (path, r.status_code)
        assert "solo.ipynb" not in r.text
    # A stranger who learnt a kernel's id cannot stop it by Voilà's own routes either.
    kernel = re.search(r'data-kernel="([0-9a-f-]{36})"', page.text).group(1)
    assert server.http.delete(f"{server.url}/api/kernels/{kernel}", timeout=10).status_code in (403, 404)
    assert server.post(f"/voila/api/shutdown/{kernel}").status_code in (403, 404, 405)
    children = psutil.Process(server.process.pid).children(recursive=True)
    assert any(kernel in " ".join(p.cmdline()) for p in children), "the kernel still runs"


def test_no_key_or_token_reaches_the_log(server):
    code = server.create_session("values", "en")
    http = requests.Session()
    http.trust_env = False
    joined = http.post(f"{server.url}/elan/api/join", json={"code": code}, headers=_from("10.9.0.1"), timeout=10)
    token = joined.json()["token"]
    cookie = next(c for c in http.cookies if c.name == f"elan_t_{code}")
    assert cookie.value == token and cookie.path == f"/elan/api/s/{code}/" and cookie.has_nonstandard_attr("HttpOnly")
    # The live feed opens with the cookie alone, as the page's EventSource does.
    with http.get(f"{server.url}/elan/api/s/{code}/feed", stream=True, timeout=5) as feed:
        assert feed.status_code == 200
    # Keys and tokens typed into addresses anyway are not written out.
    server.get(f"/voila/render/values/trainer.ipynb?key={server.key}", headers=_from("10.9.0.2"), timeout=30)
    server.get(f"/voila/render/values/trainer.ipynb?key={server.key}x", headers=_from("10.9.0.3"), timeout=30)
    server.get(f"/elan/api/s/{code}/feed?token={token}", timeout=5)
    for _ in range(50):  # the server writes its log line just after answering
        log = server.log().split("Ctrl-C", 1)[-1]
        if "key=[hidden]" in log and "token=[hidden]" in log:
            break
        time.sleep(0.1)
    assert "key=[hidden]" in log and "token=[hidden]" in log
    assert token not in log and server.key not in log


def test_the_engine_is_where_every_caller_meets_the_ownership_rule(tmp_path):
    """Dashboards, the command line and the HTTP API all call these: the rule is the engine's."""
    from widgets.core.errors import Forbidden

    engine = Engine.from_settings(Settings(data_dir=str(tmp_path), trainer_key="shared-key-123456"))
    alice = engine.authenticate(accounts.add(engine.store, "alice", "alice-secret"))
    bob = engine.authenticate(accounts.add(engine.store, "bob", "bob-secret"))
    admin = engine.authenticate("shared-key-123456")
    code = engine.create_session(alice, "values", "en")["code"]
    me, _ = engine.join(code, name="Ana")
    for who in (bob, None, "alice"):
        for call in (
            lambda: engine.trainer_session(who, code),
            lambda: engine.participants(who, code),
            lambda: engine.remove_participant(who, code, me["id"]),
            lambda: engine.set_option(who, code, "locked", True),
        ):
            with pytest.raises(Forbidden):
                call()
    assert engine.trainer_session(alice, code)["code"] == code
    assert [p["name"] for p in engine.participants(admin, code)] == ["Ana"]
