"""What a kernel holds and what it may write: no trainer credential in a public page's kernel,
and a save refused in the kernel unless its page was opened by a trainer (its sign-in, checked
against the store at the write).
"""

from __future__ import annotations

import http.client

import psutil
import pytest

from tests.fixtures_server import _running
from tests.test_gate import raw, trainer_cookie
from tests.test_hardening_kernels import wait_kernels
from widgets.core.settings import Settings
from widgets.live import accounts
from widgets.live.engine import Engine
from widgets.live.exercises import casebook
from widgets.ui.forms import ContentForms
from widgets.workshops.cases.editor import CaseEditor


@pytest.fixture
def in_server(monkeypatch, tmp_path):
    """A kernel as the server starts it: Voilà's variables, the data folder, no page sign-in."""
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    monkeypatch.setenv("ELAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ELAN_PAGE_KEY", raising=False)
    monkeypatch.delenv("ELAN_TRAINER_KEY", raising=False)
    return Engine.from_settings(Settings(trainer_key="server-only"))


def hide_one(forms: ContentForms) -> None:
    forms.act("hide", "nintendo")


def test_a_page_opened_without_a_trainer_saves_nothing_even_rendered(org, in_server, english_messages, monkeypatch):
    forms = ContentForms("en", "values/examples")
    hide_one(forms)
    assert forms.save() is None and "Only the trainer" in forms.message.value
    assert list(org.rglob("*")) == []
    editor = CaseEditor("en", casebook.get_case("billing-double-charge"))
    assert editor.save() is None and "Only the trainer" in editor.message.value
    assert list(org.rglob("*")) == []

    # A forged sign-in, or the shared key itself handed as the page's credential: still nothing.
    for forged in (accounts.LOGIN_PREFIX + "x" * 43, "server-only"):
        monkeypatch.setenv("ELAN_PAGE_KEY", forged)
        assert forms.save() is None and list(org.rglob("*")) == []

    # The server's sign-in for this page: saved. Closed (signed out), refused again at once.
    login = in_server.open_login(in_server.authenticate("server-only"))
    monkeypatch.setenv("ELAN_PAGE_KEY", login)
    assert forms.save() == [org / "organisation.yaml"]
    in_server.close_login(login)
    forms.act("hide", "disney")
    assert forms.save() is None and "disney" not in (org / "organisation.yaml").read_text(encoding="utf-8")


def test_removing_an_account_closes_its_sign_ins_at_once(in_server):
    key = accounts.add(in_server.store, "zoe", "a-long-secret")
    login = in_server.open_login(in_server.authenticate(key))
    assert in_server.page_trainer(login).name == "zoe"
    assert in_server.page_trainer(key) is None  # a kernel takes a sign-in, never a key
    accounts.remove(in_server.store, "zoe")
    assert in_server.page_trainer(login) is None and in_server.authenticate(login) is None


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    yield from _running(request, tmp_path_factory, "elan-kernel-env", env={"ELAN_TRAINER_KEY": "from-the-environment"})


def kernel_environs(server) -> list[dict]:
    out = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                out.append(child.environ())
        except psutil.Error:
            pass
    return out


@pytest.mark.slow
def test_a_public_kernel_holds_no_trainer_credential_and_a_trainer_s_only_its_sign_in(server):
    status, _ = raw(server, "/voila/render/values/solo.ipynb")
    assert status == 200 and wait_kernels(server, 1) == 1
    (public,) = kernel_environs(server)
    secrets = (server.key, "from-the-environment")
    assert not [k for k, v in public.items() if v in secrets or "TRAINER_KEY" in k or k == "ELAN_PAGE_KEY"]

    cookie = trainer_cookie(server)
    login = cookie.split("=", 1)[1]
    assert login.startswith(accounts.LOGIN_PREFIX) and server.key not in cookie
    status, _ = raw(server, "/voila/render/values/trainer.ipynb", {"Cookie": cookie})
    assert status == 200 and wait_kernels(server, 2) == 2
    for env in kernel_environs(server):
        assert not [k for k, v in env.items() if v in secrets or "TRAINER_KEY" in k]
        assert env.get("ELAN_PAGE_KEY", login) == login


def test_the_printed_address_answers_a_303_no_one_keeps_and_signing_out_closes_the_sign_in(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", f"/?key={server.key}")
    r = conn.getresponse()
    r.read()
    assert r.status == 303 and r.getheader("Cache-Control") == "no-store"
    conn.close()

    cookie = trainer_cookie(server)
    headers = {"Cookie": cookie}
    listing = server.get("/elan/api/sessions", headers=headers)
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    code = server.create_session()
    for path in (f"s/{code}/results", f"s/{code}/export.csv", f"s/{code}/participants"):
        answer = server.api("GET", path, headers=headers)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store", path
    # The old cookie's contents (the key itself) count for nothing now.
    assert server.get("/elan/api/sessions", headers={"Cookie": f"elan_trainer={server.key}"}).status_code == 403
    out = server.get("/logout", headers=headers, allow_redirects=False)
    assert out.status_code == 303 and out.headers["Cache-Control"] == "no-store"
    assert server.get("/elan/api/sessions", headers=headers).status_code == 403
