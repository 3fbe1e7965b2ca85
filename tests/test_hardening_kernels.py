"""Public notebook pages cannot be used to fill the server's memory with kernels.

A real ``elan serve`` with small caps (2 kernels per address, 3 in all); kernels are
counted as the server's ipykernel child processes.
"""

from __future__ import annotations

import re
import time

import psutil
import pytest

from tests.fixtures_server import _running
from widgets.core.i18n import Translator

PUBLIC = ["/voila/render/values/solo.ipynb", "/voila/render/index.ipynb", "/voila/render/week/solo.ipynb"]
FR, EN = Translator("fr"), Translator("en")


@pytest.fixture(scope="module")
def capped(request, tmp_path_factory):
    yield from _running(
        request,
        tmp_path_factory,
        "elan-capped",
        env={"ELAN_PUBLIC_KERNELS_PER_CLIENT": "2", "ELAN_PUBLIC_KERNELS": "3"},
    )


def kernels(server) -> int:
    count = 0
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            count += child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline())
        except psutil.Error:
            pass  # it ended while we looked
    return count


def wait_kernels(server, expected: int, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while kernels(server) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return kernels(server)


@pytest.mark.slow
def test_fifty_public_pages_from_one_address_hold_two_kernels(capped):
    statuses, busy = [], []
    for n in range(50):
        lang = ("fr", "en")[n % 2]
        r = capped.get(PUBLIC[n % len(PUBLIC)], headers={"Accept-Language": lang}, timeout=60)
        statuses.append(r.status_code)
        if r.status_code != 200:
            busy.append((lang, r))
        assert kernels(capped) <= 2, f"request {n}: {kernels(capped)} kernels"
    assert statuses.count(200) == 2, statuses
    assert len(busy) == 48
    for lang, r in busy:
        t = FR if lang == "fr" else EN
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) > 0
        assert r.headers["Content-Type"].startswith("text/html")
        assert t("core.busy_title") in r.text and t("core.busy_client") in r.text
        assert "Traceback" not in r.text
    assert wait_kernels(capped, 2) == 2


@pytest.mark.slow
def test_the_global_cap_holds_across_addresses_and_released_pages_free_their_place(capped):
    # A proxy on this machine (nginx) names the visitor in X-Real-IP; the test plays it.
    pages = {}
    for client in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"):
        r = capped.get(PUBLIC[0], headers={"X-Real-IP": client, "Accept-Language": "en"}, timeout=60)
        pages[client] = r
    held = kernels(capped)
    assert held == 3, held
    statuses = sorted(r.status_code for r in pages.values())
    # Two kernels may still be held by the previous test's address: this one counts what is new.
    assert statuses.count(503) >= 1 and 429 not in statuses, statuses
    refused = [r for r in pages.values() if r.status_code == 503]
    assert EN("core.busy_server") in refused[0].text

    served = [r for r in pages.values() if r.status_code == 200][0]
    kernel = re.search(r'data-kernel="([0-9a-f-]{36})"', served.text).group(1)
    token = re.search(r'data-token="([0-9a-f]{64})"', served.text).group(1)
    # Another page's token, a made-up one, none: refused, and the kernel keeps running.
    for wrong in ("0" * 64, "", token[:-1] + ("0" if token[-1] != "0" else "1")):
        r = capped.post(f"/elan/api/kernels/{kernel}/release?t={wrong}")
        assert r.status_code == 403, wrong
    assert kernels(capped) == 3
    assert capped.post(f"/elan/api/kernels/{kernel}/release?t={token}").status_code == 204
    assert wait_kernels(capped, 2) == 2
    # The place is free again: the next visitor is served.
    r = capped.get(PUBLIC[0], headers={"X-Real-IP": "10.0.0.9"}, timeout=60)
    assert r.status_code == 200
    assert kernels(capped) == 3


def test_a_forged_proxy_header_from_another_machine_is_ignored():
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from widgets.web.guard import client_address

    def request(peer, real):
        line = RequestStartLine("GET", "/", "HTTP/1.1")
        r = HTTPServerRequest(start_line=line, headers=HTTPHeaders({"X-Real-IP": real, "Host": "x"}))
        r.remote_ip = peer
        return r

    assert client_address(request("127.0.0.1", "10.1.2.3")) == "10.1.2.3"
    assert client_address(request("192.168.1.20", "10.1.2.3")) == "192.168.1.20"
    assert client_address(request("127.0.0.1", "not an address")) == "127.0.0.1"


@pytest.fixture(scope="module")
def short_grace(request, tmp_path_factory):
    yield from _running(request, tmp_path_factory, "elan-grace", env={"ELAN_PUBLIC_KERNEL_GRACE": "4"})


@pytest.mark.slow
def test_a_public_kernel_whose_page_never_connects_is_stopped(short_grace):
    """A page fetched by a script (or a tab closed without a goodbye) leaves no kernel behind."""
    r = short_grace.get(PUBLIC[0], timeout=60)
    assert r.status_code == 200
    assert kernels(short_grace) == 1
    assert wait_kernels(short_grace, 0, timeout=30) == 0


@pytest.mark.browser
@pytest.mark.slow
def test_a_public_kernel_with_its_page_open_is_kept(short_grace, contexts):
    page = contexts(locale="fr-FR").new_page()
    page.goto(short_grace.url + "/voila/render/index.ipynb")
    page.wait_for_selector(".elan-title", timeout=90_000)
    assert wait_kernels(short_grace, 1) == 1
    time.sleep(12)  # three grace periods: a connected page keeps its kernel
    assert kernels(short_grace) == 1
    page.get_by_text("English").click()  # and the page still talks to it
    page.get_by_text("Our service values, voted live").wait_for(timeout=15_000)
    page.close()  # the tab says goodbye: its kernel is released at once
    assert wait_kernels(short_grace, 0, timeout=20) == 0


@pytest.fixture(scope="module")
def signed_in_only(request, tmp_path_factory):
    yield from _running(
        request,
        tmp_path_factory,
        "elan-sign-in",
        env={"ELAN_SOLO_ACCESS": "sign-in", "ELAN_TRUSTED_USER_HEADER": "X-Forwarded-User"},
    )


@pytest.mark.slow
def test_an_organisation_can_keep_self_paced_notebooks_for_signed_in_learners(signed_in_only):
    before = kernels(signed_in_only)
    r = signed_in_only.get("/voila/render/values/solo.ipynb", headers={"Accept-Language": "fr"}, timeout=60)
    assert r.status_code == 403
    assert FR("core.sign_in_title") in r.text and FR("core.sign_in_needed") in r.text
    assert kernels(signed_in_only) == before, "no kernel for a visitor who is not signed in"
    r = signed_in_only.get("/voila/render/values/solo.ipynb", headers={"X-Forwarded-User": "lea"}, timeout=60)
    assert r.status_code == 200
    # The landing page stays open: it is how people find their way.
    assert signed_in_only.get("/voila/render/index.ipynb", timeout=60).status_code == 200
