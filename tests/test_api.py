"""The participant JSON API and the trainers' HTTP actions, over real HTTP against ``elan serve``."""

from __future__ import annotations

import io
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests
from openpyxl import load_workbook

from tests.fixtures_server import ElanServer
from widgets.web.api import ACTIONS, MAX_BODY, SUBMIT_BODY

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
IDEAS = {"kind": "ideas", "id": "ideas", "prompt": {"fr": "Vos idées", "en": "Your ideas"}}
DOTS = {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3}
HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "javascript:alert(1)", "$x$", "&amp;"]


@pytest.fixture
def session(elan_server):
    """A fresh session with the ideas activity open."""
    code = elan_server.create_session("values", "fr")
    elan_server.trainer(code, "open", spec=IDEAS)
    return code


def no_traceback(response: requests.Response) -> None:
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


# --- joining ------------------------------------------------------------------------------


def test_join_by_code_in_any_case_with_spaces(elan_server, session):
    typed = f"  {session[:3].lower()} {session[3:].lower()} "
    r = elan_server.api("POST", "join", json={"code": typed, "name": "Ana"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token"] and body["participant"]["name"] == "Ana"
    assert elan_server.state(session, body["token"])["session"]["code"] == session


def test_rejoin_with_the_token_is_the_same_participant(elan_server, session):
    first = elan_server.join(session, "Bea")
    again = elan_server.join(session.lower(), token=first["token"])
    assert again["participant"]["id"] == first["participant"]["id"]
    assert again["token"] == first["token"]
    assert again["participant"]["name"] == "Bea"
    other = elan_server.join(session)
    assert other["participant"]["id"] != first["participant"]["id"]
    assert elan_server.results(session)["counts"]["joined"] == 2


def test_a_token_from_another_session_is_a_new_participant(elan_server, session):
    elsewhere = elan_server.create_session("values", "fr")
    mine = elan_server.join(elsewhere, "Chloé")
    here = elan_server.join(session, token=mine["token"])
    assert here["token"] != mine["token"]
    r = elan_server.api("GET", f"s/{session}/state", headers={"X-Elan-Token": mine["token"]})
    assert r.status_code == 403


# --- state and answers ---------------------------------------------------------------------


def test_state_and_submit(elan_server, session):
    me = elan_server.join(session, "Dan")["token"]
    state = elan_server.state(session, me)
    assert state["activity"]["id"] == "ideas" and state["open"] is True
    assert state["view"]["mine"] == []
    r = elan_server.submit(session, me, "ideas", {"text": "  Écouter   vraiment ", "nonce": "n1"})
    assert r.status_code == 200, r.text
    # The same card sent again after a lost connection is stored once.
    assert elan_server.submit(session, me, "ideas", {"text": "Écouter vraiment", "nonce": "n1"}).status_code == 200
    assert [c["text"] for c in elan_server.state(session, me)["view"]["mine"]] == ["Écouter vraiment"]
    assert [c["text"] for c in elan_server.results(session)["results"]["cards"]] == ["Écouter vraiment"]


def test_submit_refusals_are_clean(elan_server, session):
    me = elan_server.join(session)["token"]
    cases = [
        ({"activity": "ideas", "payload": {"text": "x" * 281}}, 422, "core.error_too_long"),
        ({"activity": "ideas", "payload": {"text": "   "}}, 422, "core.error_empty"),
        ({"activity": "other", "payload": {"text": "x"}}, 409, "core.error_input_closed"),
        ({"activity": 3, "payload": {}}, 422, "core.error_invalid"),
        ({"activity": "ideas", "payload": "text"}, 422, "core.error_invalid"),
    ]
    for body, status, key in cases:
        r = elan_server.api("POST", f"s/{session}/submit", json=body, headers={"X-Elan-Token": me})
        assert (r.status_code, r.json()["error"]) == (status, key), body
        assert r.json()["message"]
        no_traceback(r)
    r = elan_server.api("POST", f"s/{session}/submit", json={"activity": "ideas", "payload": {"text": "x"}})
    assert r.status_code == 403 and r.json()["error"] == "core.error_not_participant"
    elan_server.trainer(session, "input", open=False)
    r = elan_server.submit(session, me, "ideas", {"text": "late"})
    assert r.status_code == 409 and r.json()["error"] == "core.error_input_closed"
    assert elan_server.results(session)["results"]["cards"] == []


def test_votes_count_once_whatever_is_replayed(elan_server, session):
    author = elan_server.join(session)["token"]
    ids = [elan_server.submit(session, author, "ideas", {"text": t}).json()["id"] for t in ("A", "B")]
    elan_server.trainer(session, "open", spec=DOTS)
    voter = elan_server.join(session)["token"]
    for _ in range(3):
        assert elan_server.submit(session, voter, "vote", {"item": ids[0], "dots": 1}).status_code == 200
    r = elan_server.submit(session, voter, "vote", {"item": ids[1], "dots": 2})
    assert r.status_code == 409 and r.json()["error"] == "core.error_one_dot_per_card"
    ranking = {row["id"]: row["dots"] for row in elan_server.results(session, "vote")["results"]["ranking"]}
    assert ranking.get(ids[0]) == 1 and ranking.get(ids[1], 0) == 0


def test_votes_sent_at_once_are_answered_within_the_budget_and_each_answer_is_stored(elan_server, session):
    """Answers are committed in groups (``widgets.live.batch``): many at once still each get
    their own answer, the budget holds, and every 200 is a vote the store has."""
    author = elan_server.join(session)["token"]
    cards = [elan_server.submit(session, author, "ideas", {"text": f"carte {n}"}).json()["id"] for n in range(6)]
    elan_server.trainer(session, "open", spec=DOTS)
    voters = [elan_server.join(session)["token"] for _ in range(8)]

    def vote(job: tuple[str, int]) -> tuple[str, int, int, str]:
        token, card = job
        with requests.Session() as http:
            http.trust_env = False
            r = http.post(
                f"{elan_server.url}/elan/api/s/{session}/submit",
                json={"activity": "vote", "payload": {"item": card, "dots": 1}},
                headers={"X-Elan-Token": token},
                timeout=60,
            )
        return token, card, r.status_code, r.json().get("error", "")

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(vote, [(t, c) for t in voters for c in cards]))

    for token in voters:
        mine = [a for a in answers if a[0] == token]
        accepted = {card for _, card, status, _ in mine if status == 200}
        assert len(accepted) == DOTS["budget"]
        assert sorted(e for _, _, status, e in mine if status != 200) == ["core.error_no_dots_left"] * 3
        stored = elan_server.state(session, token)["view"]["mine"]
        assert {int(k) for k in stored} == accepted
    ranking = elan_server.results(session, "vote")["results"]["ranking"]
    assert sum(row["dots"] for row in ranking) == DOTS["budget"] * len(voters)


# --- the live feed ---------------------------------------------------------------------------


class Feed:
    """A server-sent events reader: every message as (id, event, data)."""

    def __init__(self, server: ElanServer, code: str, *, since: int | None = None, headers=None, params=None):
        headers = dict(headers or {})
        if since is not None:
            headers["Last-Event-ID"] = str(since)
        self.response = server.http.get(
            f"{server.url}/elan/api/s/{code}/feed", headers=headers, params=params or {}, stream=True, timeout=(5, 20)
        )
        self.lines = self.response.iter_lines(decode_unicode=True)

    def next(self) -> tuple[int, str, dict]:
        fields = {}
        for line in self.lines:
            if line == "":
                if "id" in fields:
                    return int(fields["id"]), fields.get("event", "message"), json.loads(fields["data"])
                fields = {}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        raise EOFError("feed closed")

    def until(self, seq: int) -> list[tuple[int, str, dict]]:
        out = []
        while not out or out[-1][0] < seq:
            out.append(self.next())
        return out

    def close(self):
        self.response.close()


def _seqs(messages) -> list[int]:
    return [e["seq"] for _, _, data in messages for e in data.get("events", [])]


def test_feed_delivers_events_and_resumes_without_gap_or_repeat(elan_server, session):
    me = elan_server.join(session)["token"]
    start = elan_server.results(session)["seq"]
    feed = Feed(elan_server, session, headers=elan_server.trainer_headers)
    assert feed.response.headers["Content-Type"].startswith("text/event-stream")
    seq = start
    for n in range(3):
        seq = elan_server.submit(session, me, "ideas", {"text": f"idée {n}"}).json()["seq"]
    first = feed.until(seq)
    feed.close()
    last_seen = first[-1][0]
    assert _seqs(first) == list(range(1, last_seen + 1))
    assert {e["kind"] for _, _, d in first for e in d["events"]} >= {"activity", "joined", "item"}
    # Events that happen while the dashboard is away arrive after it reconnects, once each.
    for n in range(3, 6):
        seq = elan_server.submit(session, me, "ideas", {"text": f"idée {n}"}).json()["seq"]
    feed = Feed(elan_server, session, since=last_seen, headers=elan_server.trainer_headers)
    seq = elan_server.submit(session, me, "ideas", {"text": "idée 6"}).json()["seq"]
    second = feed.until(seq)
    feed.close()
    assert _seqs(second) == list(range(last_seen + 1, seq + 1))
    assert [m[0] for m in second] == sorted({m[0] for m in second})


def test_participant_feed_shows_no_trainer_data(elan_server, session):
    me = elan_server.join(session, "Eve")["token"]
    other = elan_server.join(session)["token"]
    feed = Feed(elan_server, session, headers={"X-Elan-Token": me})
    elan_server.submit(session, other, "ideas", {"text": "secret de quelqu'un"})
    seq = elan_server.trainer(session, "input", open=False) or elan_server.results(session)["seq"]
    messages = feed.until(seq)
    feed.close()
    assert all("events" not in data for _, _, data in messages)
    assert "secret" not in json.dumps([m[2] for m in messages])
    assert any("input" in data["kinds"] for _, event, data in messages if event == "change")
    r = elan_server.get(f"/elan/api/s/{session}/feed", headers={"X-Elan-Token": "forged"}, timeout=5)
    assert r.status_code == 403
    # A token in the address is not read: addresses go to access logs.
    elan_server.http.cookies.clear()  # (the joins above left this client a participant's cookie)
    r = elan_server.get(f"/elan/api/s/{session}/feed", params={"token": me}, timeout=5)
    assert r.status_code == 403


# --- trainer authority ------------------------------------------------------------------------


def _action_bodies(item_ids: list[int], participant: int = 1) -> dict[str, dict]:
    return {
        "open": {"spec": DOTS},
        "input": {"open": False},
        "reveal": {"activity": "ideas"},
        "item": {"item": item_ids[0], "status": "hidden"},
        "merge": {"items": [item_ids[0]], "into": item_ids[1]},
        "timer": {"seconds": 60},
        "stop-timer": {},
        "option": {"name": "show_names", "value": True},
        "data": {"key": "kept", "value": [1]},
        "add-item": {"activity": "ideas", "text": "planted"},
        "close": {},
        "remove": {"participant": participant},
    }


def test_participants_cannot_drive_the_session(elan_server, session):
    me = elan_server.join(session, "Mallory")["token"]
    ids = [elan_server.submit(session, me, "ideas", {"text": t}).json()["id"] for t in ("one", "two")]
    before = elan_server.results(session)
    bodies = _action_bodies(ids)
    assert set(bodies) == set(ACTIONS), "every trainer action is tried"
    attempts = [
        {"X-Elan-Token": me},
        {"X-Elan-Token": me, "X-Elan-Key": me},
        {"X-Elan-Key": ""},
        {"X-Elan-Key": elan_server.key + "x"},
    ]
    for action, body in bodies.items():
        for headers in attempts:
            r = elan_server.api("POST", f"s/{session}/trainer/{action}", json=body, headers=headers)
            assert r.status_code == 403, (action, headers, r.text)
            assert r.json()["error"] == "core.error_not_trainer"
        r = elan_server.api("POST", f"s/{session}/trainer/{action}?key={me}", json=body)
        assert r.status_code == 403, action
    for method, path in [
        ("POST", "sessions"),
        ("GET", "sessions"),
        ("GET", f"s/{session}/results"),
        ("GET", f"s/{session}/export.csv"),
        ("GET", f"s/{session}/feed?key={me}"),
    ]:
        r = elan_server.api(
            method,
            path,
            json={"workshop": "values"} if method == "POST" else None,
            headers={"X-Elan-Token": me, "X-Elan-Key": me},
            timeout=5,
        )
        assert r.status_code == 403, (method, path, r.text)
    after = elan_server.results(session)
    assert after["seq"] == before["seq"]
    assert after["state"] == before["state"]
    assert after["results"] == before["results"]
    state = elan_server.state(session, me)
    assert state["open"] and not state["session"]["closed"] and state["activity"]["id"] == "ideas"


def test_trainer_actions_work_with_the_key(elan_server, session):
    """The refusals above are about who asks: the same requests with the key are accepted."""
    me = elan_server.join(session)["token"]
    stranger = elan_server.join(session)["participant"]["id"]
    ids = [elan_server.submit(session, me, "ideas", {"text": t}).json()["id"] for t in ("one", "two")]
    for action, body in _action_bodies(ids, stranger).items():
        elan_server.trainer(session, action, **body)
    assert elan_server.state(session, me)["session"]["closed"] is True


def test_sessions_do_not_see_each_other(elan_server, session):
    other = elan_server.create_session("week", "en")
    elan_server.trainer(other, "open", spec=IDEAS)
    me = elan_server.join(session)["token"]
    elan_server.submit(session, me, "ideas", {"text": "only here"})
    assert elan_server.results(other)["results"]["cards"] == []
    r = elan_server.submit(other, me, "ideas", {"text": "crossing"})
    assert r.status_code == 403


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/elan/api/s/ZZZZZZ/state"),
        ("POST", "/elan/api/s/ZZZZZZ/submit"),
        ("GET", "/elan/api/s/ZZZZZZ/feed"),
        ("GET", "/elan/api/s/ZZZZZZ/results"),
        ("GET", "/elan/api/s/ZZZZZZ/export.csv"),
        ("POST", "/elan/api/s/ZZZZZZ/trainer/close"),
    ],
)
def test_unknown_code_is_a_clear_404(elan_server, method, path):
    r = getattr(elan_server, method.lower())(
        path, json={"activity": "x", "payload": {}}, headers=elan_server.trainer_headers
    )
    assert r.status_code == 404, r.text
    assert r.json()["error"] == "core.error_unknown_code"
    assert "code" in r.json()["message"]
    no_traceback(r)


def test_unknown_code_join_and_page(elan_server):
    r = elan_server.api("POST", "join", json={"code": "ZZZZZZ"})
    assert r.status_code == 404 and r.json()["error"] == "core.error_unknown_code"
    page = elan_server.get("/join/ZZZZZZ", headers={"Accept-Language": "en"})
    assert page.status_code == 404
    assert "No session has this code" in page.text
    no_traceback(page)
    page = elan_server.get("/join/ZZZZZZ?lang=fr")
    assert "Aucune séance" in page.text


@pytest.mark.parametrize(
    "body",
    [b"{bad", b"[1, 2]", b'"text"', b"\xff\xfe{}", b'{"code": ' + b"1" * 50 + b"}"],
    ids=["broken", "array", "string", "not-utf8", "number-code"],
)
def test_malformed_json_is_refused_cleanly(elan_server, session, body):
    r = elan_server.post("/elan/api/join", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (404, 422), r.text
    assert r.json()["error"] in ("core.error_invalid", "core.error_unknown_code")
    no_traceback(r)
    me = elan_server.join(session)["token"]
    r = elan_server.post(f"/elan/api/s/{session}/submit", data=body, headers={"X-Elan-Token": me})
    assert r.status_code == 422 and r.json()["error"] == "core.error_invalid"
    no_traceback(r)


def test_oversize_bodies_are_refused(elan_server, session):
    me = elan_server.join(session)["token"]
    # (A submission may be larger than other bodies: a signature of 5,000 points.)
    big = json.dumps({"activity": "ideas", "payload": {"text": "x" * (SUBMIT_BODY + 10)}})
    # Every time, the client reads the 413 (the body is drained, not answered by a reset).
    for _ in range(20):
        r = elan_server.post(f"/elan/api/s/{session}/submit", data=big, headers={"X-Elan-Token": me})
        assert r.status_code == 413
    assert r.json()["status"] == 413
    no_traceback(r)
    big = json.dumps({"workshop": "x" * (MAX_BODY + 10)})
    r = elan_server.post("/elan/api/sessions", data=big, headers=elan_server.trainer_headers)
    assert r.status_code == 413
    assert elan_server.results(session)["results"]["cards"] == []
    assert elan_server.get("/elan/api/health").ok


# --- exports ----------------------------------------------------------------------------------


def _filled_session(server: ElanServer, *, anonymous: bool) -> str:
    code = server.create_session("values", "fr")
    if anonymous:
        server.trainer(code, "option", name="anonymous", value=True)
    server.trainer(code, "open", spec=IDEAS)
    for name, text in [("Zélie", "<img src=x onerror=alert(1)>"), ("Oscar", "=HYPERLINK(1)"), (None, "Écoute")]:
        token = server.join(code, name)["token"]
        assert server.submit(code, token, "ideas", {"text": text}).status_code == 200
    return code


def _exports(server: ElanServer, code: str) -> dict:
    out = {}
    for fmt in ("csv", "xlsx", "html"):
        r = server.get(f"/elan/api/s/{code}/export.{fmt}", headers=server.trainer_headers)
        assert r.status_code == 200, r.text
        assert f"elan-{code}.{fmt}" in r.headers["Content-Disposition"]
        out[fmt] = r
    book = load_workbook(io.BytesIO(out["xlsx"].content))
    out["xlsx_text"] = "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    )
    return out


def test_exports_csv_xlsx_html(elan_server):
    code = _filled_session(elan_server, anonymous=False)
    out = _exports(elan_server, code)
    assert out["csv"].headers["Content-Type"].startswith("text/csv")
    for text in (out["csv"].text, out["xlsx_text"]):
        assert "Zélie" in text and "Oscar" in text and "Écoute" in text
        assert "<img src=x onerror=alert(1)>" in text
    assert "'=HYPERLINK(1)" in out["csv"].text  # kept as text, never a formula
    # In XLSX a string cell with Excel's quote prefix: text, and no visible apostrophe.
    book = load_workbook(io.BytesIO(out["xlsx"].content))
    cell = next(c for sheet in book for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s" and cell.quotePrefix
    assert "'=HYPERLINK" not in out["xlsx_text"]
    html = out["html"].text
    assert "Zélie" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html


def test_anonymous_sessions_export_no_names(elan_server):
    code = _filled_session(elan_server, anonymous=True)
    out = _exports(elan_server, code)
    for text in (out["csv"].text, out["xlsx_text"], out["html"].text):
        assert "Zélie" not in text and "Oscar" not in text
        assert "Écoute" in text


def test_turning_anonymous_on_afterwards_exports_no_names(elan_server):
    code = _filled_session(elan_server, anonymous=False)
    elan_server.trainer(code, "option", name="anonymous", value=True)
    out = _exports(elan_server, code)
    for text in (out["csv"].text, out["xlsx_text"], out["html"].text):
        assert "Zélie" not in text and "Oscar" not in text


# --- a small server: a participant cap, and a folder with a trainer dashboard ------------------

# ``elan serve`` serves the repository's workshops/ folder, which has no trainer notebook
# yet; this server runs the same command with Voilà's root pointed at tests/notebooks/.
_LAUNCH = (
    "import sys, pathlib, widgets.web.app as app; "
    "app.WORKSHOPS = pathlib.Path(sys.argv.pop(1)); "
    "from widgets.ops.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture(scope="module")
def small_server(request, tmp_path_factory):
    from tests.fixtures_server import _running

    yield from _running(
        request,
        tmp_path_factory,
        "elan-small",
        env={"ELAN_MAX_PARTICIPANTS": "2"},
        launcher=[sys.executable, "-c", _LAUNCH, str(NOTEBOOKS)],
    )


def test_session_full(small_server):
    code = small_server.create_session("values", "en")
    first = small_server.join(code)
    small_server.join(code)
    r = small_server.api("POST", "join", json={"code": code}, headers={"Accept-Language": "en"})
    assert r.status_code == 409
    assert r.json()["error"] == "core.error_session_full"
    assert "full" in r.json()["message"]
    # Somebody already in comes back in, even when the session is full.
    assert small_server.join(code, token=first["token"])["participant"]["id"] == first["participant"]["id"]
    assert small_server.results(code)["counts"]["joined"] == 2


def _kernels(server: ElanServer) -> int:
    children = psutil.Process(server.process.pid).children(recursive=True)
    return sum(1 for p in children if "ipykernel" in " ".join(p.cmdline()))


def test_trainer_dashboard_without_the_key_starts_no_kernel(small_server):
    assert json.loads((NOTEBOOKS / "trainer.ipynb").read_text())["metadata"]["elan"]["role"] == "trainer"
    assert small_server.get("/api/kernels").status_code in (403, 404)
    assert _kernels(small_server) == 0
    for query in ("", "?key=", "?key=wrong", "?key=wrong&lang=en"):
        r = small_server.get("/voila/render/trainer.ipynb" + query, timeout=30)
        assert r.status_code == 403, (query, r.status_code)
        assert "Traceback" not in r.text
    assert _kernels(small_server) == 0
    # The same page with the key is served and does start a kernel: the count above can see one.
    # (The key is first exchanged for a cookie, then the page loads at an address without it.)
    r = small_server.get(f"/voila/render/trainer.ipynb?key={small_server.key}", timeout=60)
    assert r.status_code == 200 and small_server.key not in r.text
    assert _kernels(small_server) == 0
    r = small_server.get("/voila/render/trainer.ipynb", timeout=60)
    assert r.status_code == 200
    assert _kernels(small_server) == 1
