"""Learning records sent to a real LRS (Ralph, started here on a loopback port with its file backend).

Statements are queued by the engine as people join, answer and finish, sent by the sender the
server runs, and read back from Ralph's xAPI API; the LRS is stopped and started again to see
them wait and go; an anonymous session never sends a name.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

import bcrypt
import psutil
import pytest
import requests
import sqlalchemy as sa

from tests.fixtures_server import ElanServer, free_port
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.live import lrs
from widgets.live.engine import Engine
from widgets.live.lrs_send import Sender, queue_state
from widgets.live.store import Store, lrs_queue
from widgets.ops.cli import main
from widgets.workshops.cases.solo import create_cohort

USER, PASSWORD = "elan", "lrs-test-secret"
XAPI = {"X-Experience-API-Version": "1.0.3"}


# Ralph 5.1's file backend writes every request to one file with "create" (refused once the
# file exists), so its LRS stores a single request; appending is the same backend's other mode,
# and the one a file LRS needs. Everything else is Ralph's server as it ships.
RALPH_MAIN = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


class Ralph:
    """Ralph's LRS server (``uvicorn ralph.api:app``) with the file-system backend in ``folder``."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None
        auth = folder / "auth.json"
        digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt()).decode()
        user = {"username": USER, "hash": digest, "scopes": ["all"], "agent": {"mbox": "mailto:kit@example.org"}}
        auth.write_text(json.dumps([user]), encoding="utf-8")
        (folder / "statements").mkdir()
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(auth),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "statements"),
        }

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        command = [sys.executable, "-c", RALPH_MAIN, str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.env, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("Ralph did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def statements(self) -> list[dict]:
        """Every statement the LRS holds, read through its xAPI API."""
        out, url = [], self.endpoint + "statements?limit=100"
        while url:
            answer = requests.get(url, auth=(USER, PASSWORD), headers=XAPI, timeout=10)
            answer.raise_for_status()
            body = answer.json()
            out += body["statements"]
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return out

    def raw(self) -> str:
        """What the LRS wrote on disk, to search for anything that should not be there."""
        return "".join(p.read_text(encoding="utf-8") for p in (self.folder / "statements").glob("*"))


@pytest.fixture
def ralph(tmp_path):
    folder = tmp_path / "ralph"
    folder.mkdir()
    server = Ralph(folder)
    server.start()
    yield server
    server.stop()


def _engine(db_url, tmp_path, endpoint: str) -> Engine:
    settings = Settings(
        data_dir=str(tmp_path / "data"),
        trainer_key="test-key",
        public_url="https://training.example.org",
        lrs_endpoint=endpoint,
        lrs_username=USER,
        lrs_password=PASSWORD,
    )
    return Engine(Store(db_url), settings)


QUIZ = {
    "kind": "quiz",
    "id": "check",
    "questions": [{"id": "q1", "label": {"fr": "?", "en": "?"}, "options": [{"id": "a"}, {"id": "b"}]}],
    "answer": {"q1": "a"},
}


def _verbs(statements, code=None):
    return sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in statements if code is None or code in json.dumps(s))


def test_a_workshop_is_recorded_and_read_back(db_url, tmp_path, ralph):
    engine = _engine(db_url, tmp_path, ralph.endpoint)
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", "fr", title="Accueil mars")["code"]
    engine.open_activity(trainer, code, QUIZ)
    lea, lea_token = engine.join(code, name="Léa")
    _, quiet_token = engine.join(code)  # joins, never answers: did not take part
    engine.submit(code, lea_token, "check", {"question": "q1", "option": "b"})
    engine.submit(code, lea_token, "check", {"question": "q1", "option": "b"})  # the same answer again
    engine.close_session(trainer, code)
    assert queue_state(engine.store) == {"queued": 4, "rejected": 0}
    with engine.store.read() as conn:
        kept = [dict(row) for row in conn.execute(sa.select(lrs_queue)).mappings()]

    assert Sender(engine.store, engine.settings).run_once() == {"sent": 4, "retry": 0, "rejected": 0}
    assert queue_state(engine.store) == {"queued": 0, "rejected": 0}
    stored = ralph.statements()
    assert _verbs(stored) == ["answered", "completed", "launched", "launched"]
    by_verb = {s["verb"]["id"].rsplit("/", 1)[1]: s for s in stored}
    session_iri = f"https://training.example.org/xapi/values/sessions/{code}"
    assert by_verb["completed"]["object"]["id"] == session_iri
    assert by_verb["completed"]["object"]["definition"]["type"].endswith("/meeting")
    answered = by_verb["answered"]
    assert answered["object"]["id"] == session_iri + "/activities/check"
    assert answered["result"] == {"success": False}
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == session_iri
    # A named session: the first name goes with the opaque account, the same for all of Léa's statements.
    lea_actors = {json.dumps(s["actor"], sort_keys=True) for s in stored if s["actor"].get("name") == "Léa"}
    assert len(lea_actors) == 1
    assert json.loads(lea_actors.pop())["account"] == {
        "homePage": "https://training.example.org/",
        "name": lrs.opaque_id(lea["token_hash"]),
    }
    assert len({s["context"]["registration"] for s in stored}) == 2
    # A process that died after sending, before noting it, sends the same statements again:
    # the LRS keeps them once (the ids are the statements' own), and the queue empties.
    with engine.store.write() as conn:
        conn.execute(lrs_queue.insert(), kept)
    assert Sender(engine.store, engine.settings).run_once() == {"sent": 4, "retry": 0, "rejected": 0}
    assert len(ralph.statements()) == 4
    engine.store.dispose()


def test_a_self_paced_case_sends_its_score_and_pass_or_fail(db_url, tmp_path, ralph):
    engine = _engine(db_url, tmp_path, ralph.endpoint)
    code = create_cohort(engine, engine.authenticate("test-key"), "en")
    _, token = engine.join(code, name="Sam")
    path = {"case": "billing-double-charge", "choices": ["own-it", "refund-now", "check-rest"]}
    best = engine.submit(code, token, "solo", path)
    mean = round(sum(best["scores"].values()) / len(best["scores"]))
    Sender(engine.store, engine.settings).run_once()
    stored = ralph.statements()
    assert _verbs(stored) == ["completed", "launched", "passed" if mean >= 60 else "failed"]
    done = next(s for s in stored if s["verb"]["id"].endswith("/completed"))
    assert done["result"]["score"] == {"scaled": mean / 100, "raw": mean, "min": 0, "max": 100}
    assert done["result"]["success"] is (mean >= 60)
    iri = f"https://training.example.org/xapi/cases/sessions/{code}/cases/billing-double-charge"
    assert done["object"]["id"] == iri
    # Against a higher bar the same path fails.
    engine.settings.lrs_pass_score = mean + 1
    engine.submit(code, token, "solo", path)
    Sender(engine.store, engine.settings).run_once()
    assert "failed" in _verbs(ralph.statements())
    launched = next(s for s in stored if s["verb"]["id"].endswith("/launched"))
    assert launched["object"]["definition"]["type"].endswith("/lesson")
    engine.store.dispose()


def test_statements_wait_while_the_lrs_is_down_and_go_when_it_is_back(db_url, tmp_path, ralph):
    engine = _engine(db_url, tmp_path, ralph.endpoint)
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", "en")["code"]
    engine.open_activity(trainer, code, QUIZ)
    ralph.stop()
    # The participant is never held up: joining and answering work with the LRS gone.
    _, token = engine.join(code, name="Ana")
    assert engine.submit(code, token, "check", {"question": "q1", "option": "a"})["changed"] is True
    sender = Sender(engine.store, engine.settings, timeout=3)
    now = time.time()
    assert sender.run_once(now) == {"sent": 0, "retry": 2, "rejected": 0}
    with engine.store.read() as conn:
        rows = conn.execute(sa.select(lrs_queue)).mappings().all()
    assert [r["attempts"] for r in rows] == [1, 1]
    assert all(r["next_attempt_at"] == pytest.approx(now + 5) for r in rows)
    assert all("Connection" in r["last_error"] or "refused" in r["last_error"] for r in rows)
    assert sender.run_once(now + 1)["retry"] == 0  # not due yet: the LRS is left alone
    assert sender.run_once(now + 6) == {"sent": 0, "retry": 2, "rejected": 0}  # the wait doubles
    with engine.store.read() as conn:
        due = conn.execute(sa.select(lrs_queue.c.next_attempt_at)).scalars().all()
    assert due == [pytest.approx(now + 16)] * 2

    ralph.start()
    assert sender.run_once(now + 16) == {"sent": 2, "retry": 0, "rejected": 0}
    assert _verbs(ralph.statements()) == ["answered", "launched"]
    assert result_of(ralph.statements(), "answered") == {"success": True}
    engine.store.dispose()


def result_of(statements, verb):
    return next(s for s in statements if s["verb"]["id"].endswith("/" + verb)).get("result")


def test_an_anonymous_session_sends_no_name(db_url, tmp_path, ralph):
    engine = _engine(db_url, tmp_path, ralph.endpoint)
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", "fr")["code"]
    engine.open_activity(trainer, code, QUIZ)
    _, early = engine.join(code, name="Zoélie Early")  # named before the session turned anonymous
    engine.submit(code, early, "check", {"question": "q1", "option": "a"})
    engine.set_option(trainer, code, "anonymous", True)
    _, late = engine.join(code, name="Zoélie Late")
    engine.submit(code, late, "check", {"question": "q1", "option": "b"})
    engine.close_session(trainer, code)
    assert Sender(engine.store, engine.settings).run_once()["sent"] == 6
    stored = ralph.statements()
    assert len(stored) == 6
    assert all(set(s["actor"]) == {"objectType", "account"} for s in stored)
    assert "Zoélie" not in ralph.raw()
    assert len({s["actor"]["account"]["name"] for s in stored}) == 2
    engine.store.dispose()


def test_an_erased_participant_is_not_sent(db_url, tmp_path, ralph):
    engine = _engine(db_url, tmp_path, ralph.endpoint)
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", "fr")["code"]
    stranger, _ = engine.join(code, name="Intrus")
    engine.join(code, name="Léa")
    engine.remove_participant(trainer, code, stranger["id"])
    assert Sender(engine.store, engine.settings).run_once()["sent"] == 1
    assert "Intrus" not in ralph.raw()
    engine.store.dispose()


def test_nothing_is_queued_without_an_lrs(sqlite_engine):
    trainer = sqlite_engine.authenticate("test-key")
    code = sqlite_engine.create_session(trainer, "values", "fr")["code"]
    sqlite_engine.join(code, name="Léa")
    sqlite_engine.close_session(trainer, code)
    assert queue_state(sqlite_engine.store) == {"queued": 0, "rejected": 0}


def test_the_server_sends_what_its_participants_do(tmp_path, ralph):
    """``elan serve`` with an LRS configured by environment: its own sender delivers, nobody calls it."""
    env = {"ELAN_LRS_ENDPOINT": ralph.endpoint, "ELAN_LRS_USERNAME": USER, "ELAN_LRS_PASSWORD": PASSWORD}
    server = ElanServer(tmp_path / "serve", env=env).start()
    try:
        code = server.create_session("values", "en")
        server.trainer(code, "open", spec=QUIZ)
        token = server.join(code, name="Noor")["token"]
        assert server.submit(code, token, "check", {"question": "q1", "option": "a"}).status_code == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(ralph.statements()) < 2:
            time.sleep(0.5)
        assert _verbs(ralph.statements()) == ["answered", "launched"]
        assert {s["actor"].get("name") for s in ralph.statements()} == {"Noor"}
    finally:
        server.stop()


def test_a_statement_the_lrs_refuses_is_kept_and_shown(db_url, tmp_path, ralph, monkeypatch, capsys):
    engine = _engine(db_url, tmp_path, ralph.endpoint)
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", "en")["code"]
    engine.join(code, name="Ana")
    engine.join(code, name="Bo")
    with engine.store.write() as conn:
        first = conn.execute(sa.select(lrs_queue.c.id, lrs_queue.c.statement).order_by(lrs_queue.c.id)).first()
        # A statement without its object: what a fault of the kit's could produce one day.
        broken = {key: value for key, value in first.statement.items() if key != "object"}
        conn.execute(sa.update(lrs_queue).where(lrs_queue.c.id == first.id).values(statement=broken))
    sender = Sender(engine.store, engine.settings)
    assert sender.run_once() == {"sent": 1, "retry": 0, "rejected": 1}
    assert queue_state(engine.store) == {"queued": 0, "rejected": 1}
    assert sender.run_once(time.time() + 10_000)["rejected"] == 0  # kept, not tried again by itself

    # The administrator sees it, and queues it again once the cause is fixed.
    for name, value in engine.settings.to_environ().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ELAN_DATABASE_URL", db_url)
    assert main(["lrs", "status"]) == 0
    out = capsys.readouterr().out
    assert Translator("fr")("core.lrs_status", queued=0, rejected=1) in out
    assert "HTTP 422" in out  # Ralph names the missing field
    assert main(["lrs", "retry"]) == 0
    assert queue_state(engine.store) == {"queued": 1, "rejected": 0}
    assert sender.run_once()["rejected"] == 1
    assert [s["actor"].get("name") for s in ralph.statements()] == ["Bo"]
    engine.store.dispose()


def test_kernels_can_queue_but_never_hold_the_lrs_password(tmp_path):
    """A self-paced notebook's kernel (a public page) queues statements: it knows the endpoint, not the password."""
    env = {"ELAN_LRS_ENDPOINT": "http://127.0.0.1:9/xAPI/", "ELAN_LRS_USERNAME": USER, "ELAN_LRS_PASSWORD": PASSWORD}
    server = ElanServer(tmp_path / "serve", env=env).start()
    try:
        assert server.get("/voila/render/values/solo.ipynb", timeout=90).status_code == 200
        found = []
        for child in psutil.Process(server.process.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "ipykernel" in " ".join(child.cmdline()):
                    found.append(child.environ())
        assert found, "no kernel started"
        for environ in found:
            assert environ["ELAN_LRS_ENDPOINT"] == env["ELAN_LRS_ENDPOINT"]
            assert "ELAN_LRS_PASSWORD" not in environ and "ELAN_LRS_USERNAME" not in environ
            assert PASSWORD not in "".join(environ.values())
    finally:
        server.stop()
