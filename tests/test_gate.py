"""The gate fails closed: every spelling of every notebook's address, as a stranger, a participant and a trainer.

A real ``elan serve`` with small public-kernel caps (2 per address, 3 in all). Requests
go out byte for byte as written (``http.client``: no client-side normalisation of
``//``, ``./`` or ``%2F``), and kernels are counted as the server's ipykernel children.
"""

from __future__ import annotations

import http.client
import json
import re
import uuid

import pytest

from tests.fixtures_server import _running
from tests.test_hardening_kernels import kernels, wait_kernels
from widgets.core.paths import WORKSHOPS
from widgets.core.settings import Settings
from widgets.live.engine import Engine
from widgets.web import api
from widgets.web.app import ElanVoila, voila_config
from widgets.web.notebooks import Catalogue

NOTEBOOKS = Catalogue(WORKSHOPS).all()
TRAINER_PAGES = [n.path for n in NOTEBOOKS if n.role == "trainer"]
PUBLIC_PAGES = [n.path for n in NOTEBOOKS if n.role == "public"]


def spellings(path: str) -> list[str]:
    """At least thirty ways of writing ``path`` that a server might take for the same file."""
    head, _, tail = path.rpartition("/")
    joined = (lambda sep: head + sep + tail) if head else (lambda sep: sep + tail)
    out = [
        path,
        "/" + path,
        "//" + path,
        "///" + path,
        "./" + path,
        "/./" + path,
        ".//" + path,
        path + "/",
        path + "//",
        path + "/.",
        joined("//"),
        joined("/./"),
        joined("/.//"),
        joined("%2F"),
        joined("%2f"),
        joined("%252F"),
        joined("%5C"),
        joined("%2F%2F"),
        "%2F" + path,
        "%2e/" + path,
        "%2E%2F" + path,
        path.replace(".ipynb", "%2Eipynb"),
        path.upper(),
        path[0].upper() + path[1:],
        path.replace("ipynb", "IPYNB"),
        path + ".",
        path + "%20",
        path + "%2e",
        "x/../" + path,
        "x%2F..%2F" + path,
        "%2e%2e/workshops/" + path,
        "../workshops/" + path,
        path + "%00",
        path + "%00.png",
        joined("/%2e/"),
        "%2F%2F" + path,
    ]
    return list(dict.fromkeys(out))


def raw(
    server, path: str, headers: dict | None = None, timeout: float = 60, method: str = "GET", body: bytes = b""
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if method != "GET":
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body if method != "GET" else None)
        r = conn.getresponse()
        if r.getheader("Content-Type", "").startswith("text/event-stream"):
            return r.status, ""  # a live feed streams until closed: its status is the answer
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def trainer_cookie(server) -> str:
    """The ``name=value`` of the trainer cookie the printed address's key is exchanged for."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", f"/voila/render/content/editor.ipynb?key={server.key}")
    response = conn.getresponse()
    response.read()
    conn.close()
    cookies = [c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or []]
    return next(c for c in cookies if c.startswith("elan_trainer="))


@pytest.fixture(scope="module")
def gated(request, tmp_path_factory):
    yield from _running(
        request,
        tmp_path_factory,
        "elan-gated",
        env={"ELAN_PUBLIC_KERNELS_PER_CLIENT": "2", "ELAN_PUBLIC_KERNELS": "3"},
    )


def test_every_spelling_names_a_known_notebook_or_nothing():
    catalogue = Catalogue(WORKSHOPS)
    assert len(TRAINER_PAGES) >= 8 and "index.ipynb" in PUBLIC_PAGES
    for notebook in NOTEBOOKS:
        names = spellings(notebook.path)
        assert len(names) >= 30
        for name in names:
            found = catalogue.find(name)
            assert found is None or found == notebook, (name, found)
    assert catalogue.find("content/editor.ipynb/../../../etc/passwd") is None
    assert catalogue.find("//content/editor.ipynb").path == "content/editor.ipynb"


@pytest.mark.slow
def test_strangers_get_no_trainer_page_and_no_kernel_beyond_the_caps(gated):
    code = gated.create_session()
    token = gated.join(code, "Zoé")["token"]
    visitors = {
        "stranger": {},
        "participant": {"Cookie": f"elan_t_{code}={token}", "X-Elan-Token": token},
    }
    assert kernels(gated) == 0
    for who, headers in visitors.items():
        for page in TRAINER_PAGES:
            for name in spellings(page):
                status, body = raw(gated, "/voila/render/" + name, headers)
                assert status in (400, 403, 404), (who, name, status)
                assert "jupyter-config-data" not in body, (who, name)  # no Voilà page at all
                assert kernels(gated) == 0, (who, name)
    # Public pages: each spelling counts against the same caps (two for this address).
    rendered = 0
    for page in PUBLIC_PAGES:
        for name in spellings(page):
            status, _ = raw(gated, "/voila/render/" + name)
            assert status in (200, 400, 404, 429, 503), (name, status)
            rendered += status == 200
            assert kernels(gated) <= 2, (name, kernels(gated))
    assert rendered == 2


@pytest.mark.slow
def test_a_trainer_reaches_the_page_whatever_the_spelling(gated):
    cookie = trainer_cookie(gated)
    before = kernels(gated)
    for name in ("//content/editor.ipynb", "CONTENT%2Feditor.ipynb/", "x/../content/editor.ipynb"):
        status, body = raw(gated, "/voila/render/" + name, {"Cookie": cookie})
        expected = 404 if ".." in name else 200
        assert status == expected, (name, status)
        if status == 200:
            assert "<title>editor" in body.lower() or "editor" in body
    assert wait_kernels(gated, before + 2) <= before + 2


def registered_routes(tmp_path) -> list[str]:
    """Every route pattern the server registers (its own and Voilà's), read from the application itself."""
    settings = Settings(data_dir=str(tmp_path), trainer_key="k")
    engine = Engine.from_settings(settings)
    app = ElanVoila(config=voila_config(settings, engine))
    app.elan_ctx = api.Context(engine, settings)
    app.initialize([])
    app.init_settings()
    return [route[0] for route in app.init_handlers()]


#: A value for each kind of route argument (``(.*)`` gets several, hostile ones among them).
ARGUMENTS = {
    "([A-Za-z0-9-]{1,32})": ["{code}"],
    "(csv|xlsx|html|pdf)": ["csv", "html"],
    "(csv|xlsx|html|pdf|zip)": ["csv", "zip"],
    "([0-9]{1,12})": ["1"],
    "([0-9a-f]{32})": ["", "0" * 32],
    "(svg|png|html)": ["svg"],
    "(html|pdf)": ["html"],
    "([a-z-]+)": ["close", "open", "remove"],
    "([a-z]{2}(?:-[A-Z]{2})?)": ["fr"],
    "([a-z0-9-]*)": ["", "deployment"],
    "([0-9a-f-]{36})": [str(uuid.UUID(int=1))],
    "(?P<kernel_id>\\w+-\\w+-\\w+-\\w+-\\w+)": [str(uuid.UUID(int=1))],
    "([\\w-]+/static/.+)": ["elan/static/index.css", "elan/static/..%2f..%2fconf.json"],
    "([a-z-]{1,40})": ["setup", "moderate", "attendance"],
    "(plotly\\.min\\.js)": ["plotly.min.js"],
    "(.*)": ["", "x", "%2e%2e/%2e%2e/etc/passwd", "content//editor.ipynb", "index.ipynb"],
}


def concrete(pattern: str) -> list[str]:
    """Addresses matching a route pattern, one per combination of its arguments' values."""
    out = [pattern.replace("\\.", ".").rstrip("?").rstrip("/") or "/"]
    for group in re.findall(r"\((?:[^()]|\([^()]*\))*\)\??", pattern):
        values = ARGUMENTS.get(group.rstrip("?"), [])
        assert values, f"no sample for {group} in {pattern}: add one to ARGUMENTS"
        # (a trailing optional group lost its "?" with the pattern's own trailing "?" above)
        spelt = [g for g in (group.replace("\\.", "."), group.rstrip("?").replace("\\.", ".")) if g in out[0]][:1]
        assert spelt, f"{group} not found in {out[0]}"
        out = [u.replace(spelt[0], v, 1) for u in out for v in values]
    return [re.sub(r"/\?(?=/|$)", "", u) for u in out]


@pytest.mark.slow
def test_every_registered_route_as_a_stranger_a_participant_and_a_trainer(gated, tmp_path):
    routes = registered_routes(tmp_path)
    assert len(routes) >= 35 and any("voila/render" in r for r in routes)
    code = gated.create_session()
    gated.trainer(code, "open", spec={"kind": "ideas", "id": "cards", "prompt": "Un mot ?"})
    token = gated.join(code, "Zoé")["token"]
    seq = gated.results(code)["seq"]
    cookie = trainer_cookie(gated)
    visitors = {
        "stranger": {},
        "participant": {"Cookie": f"elan_t_{code}={token}", "X-Elan-Token": token},
        "trainer cookie": {"Cookie": cookie},
    }
    before = kernels(gated)  # (the other tests' pages: trainers' kernels, and this address's public ones)
    trainer_only = re.compile(r"/elan/api/s/[^/]+/(results|participants|export|trainer|day|doc)|/elan/api/sessions")
    body = json.dumps({"spec": {"kind": "info", "id": "x"}, "participant": 1, "activity": "cards"}).encode()
    for who, headers in visitors.items():
        for pattern in routes:
            for url in concrete(pattern):
                url = url.format(code=code)
                for method in ("GET", "POST"):
                    if "render" in url and who == "trainer cookie":
                        continue  # a trainer's renders start kernels: test_a_trainer_reaches_the_page... does those
                    status, text = raw(gated, url, headers, timeout=30, method=method, body=body)
                    assert status < 500, (who, method, url, status, text[:300])
                    if who != "trainer cookie" and trainer_only.match(url):
                        assert status in (403, 404, 405, 429), (who, method, url, status)
                    if who != "trainer cookie" and "/voila/render/" in url and "editor" in url:
                        assert status != 200, (who, url)
                    assert kernels(gated) <= before + 2, (who, url)
        # Nothing the stranger or the participant did changed the session; a cookie writes nothing either
        # (a change names its key in a header, which another site's page cannot send).
        assert gated.results(code)["seq"] == seq, who
