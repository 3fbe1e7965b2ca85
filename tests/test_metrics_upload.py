"""The lab's large-file upload through the running server: who may send how much, in order, and nothing else."""

from __future__ import annotations

import pytest

from widgets.core.settings import Settings
from widgets.web import upload

HEADERS = {"X-Elan-Upload": "1"}


def call(server, method: str, path: str, **kw):
    """Any method on the kit's API (the fixture knows GET and POST)."""
    return server.http.request(method, f"{server.url}/elan/api/{path}", timeout=30, **kw)


def start(server, size: int, *, trainer: bool = False, headers: dict | None = None):
    extra = {**HEADERS, **(server.trainer_headers if trainer else {}), **(headers or {})}
    return server.api("POST", f"uploads?size={size}", headers=extra if headers is None or headers else {})


def test_a_file_arrives_in_chunks_in_order_and_waits_for_its_kernel(elan_server):
    data = bytes(range(256)) * (3 * upload.CHUNK // 256) + b"tail"
    r = start(elan_server, len(data))
    assert r.status_code == 200, r.text
    upload_id, chunk = r.json()["id"], r.json()["chunk"]
    assert chunk == upload.CHUNK
    # A chunk out of order is refused and changes nothing.
    late = call(
        elan_server, "PUT", f"uploads/{upload_id}?offset={chunk}", data=data[chunk : 2 * chunk], headers=HEADERS
    )
    assert late.status_code == 409 and late.json()["error"] == "metrics.upload_out_of_order"
    for offset in range(0, len(data), chunk):
        r = call(
            elan_server,
            "PUT",
            f"uploads/{upload_id}?offset={offset}",
            data=data[offset : offset + chunk],
            headers=HEADERS,
        )
        assert r.status_code == 200, r.text
        assert r.json()["received"] == min(len(data), offset + chunk)
    settings = Settings(data_dir=str(elan_server.data_dir))
    assert upload.take(settings, upload_id) == data
    with pytest.raises(KeyError):
        upload.take(settings, upload_id)  # read once, then gone from the server's disk


def test_a_public_page_gets_the_smaller_limit_and_a_trainer_the_larger(elan_server):
    refused = start(elan_server, upload.PUBLIC_MAX + 1)
    assert refused.status_code == 413
    body = refused.json()
    assert body["error"] == "metrics.error_too_large"
    assert body["values"] == {"size": "64.0 MB", "limit": f"{upload.PUBLIC_MAX / upload.MIB:.1f} MB"}
    assert "64.0 MB" in body["message"]
    accepted = start(elan_server, upload.PUBLIC_MAX + 1, trainer=True)
    assert accepted.status_code == 200
    call(elan_server, "DELETE", f"uploads/{accepted.json()['id']}", headers=HEADERS)
    assert start(elan_server, upload.TRAINER_MAX + 1, trainer=True).status_code == 413
    assert start(elan_server, upload.PUBLIC_MAX + 1, headers={"X-Elan-Key": "wrong"}).status_code == 413
    assert start(elan_server, 0).json()["error"] == "metrics.upload_empty"


def test_one_address_has_at_most_two_public_uploads_under_way(elan_server):
    first, second = start(elan_server, 10), start(elan_server, 10)
    third = start(elan_server, 10)
    assert third.status_code == 429 and third.json()["error"] == "metrics.upload_busy"
    for r in (first, second):
        call(elan_server, "DELETE", f"uploads/{r.json()['id']}", headers=HEADERS)
    again = start(elan_server, 10)
    assert again.status_code == 200
    call(elan_server, "DELETE", f"uploads/{again.json()['id']}", headers=HEADERS)


def test_without_the_kits_header_or_with_a_path_spelt_otherwise_nothing_is_accepted(elan_server):
    assert elan_server.api("POST", "uploads?size=10").status_code == 403  # a cross-site form cannot set it
    r = start(elan_server, 10)
    upload_id = r.json()["id"]
    for path in (
        f"uploads/{upload_id}/../{upload_id}x",
        f"uploads//{upload_id}",
        f"uploads%2F{upload_id}",
        f"uploads/{upload_id.upper()}",
        "uploads/..%2F..%2Felan.sqlite3",
    ):
        put = call(elan_server, "PUT", f"{path}?offset=0", data=b"x", headers=HEADERS)
        assert put.status_code in (404, 405), (path, put.status_code)
    settings = Settings(data_dir=str(elan_server.data_dir))
    for bad in ("../elan.sqlite3", "", upload_id + ".part", "/etc/passwd"):
        with pytest.raises(KeyError):
            upload.take(settings, bad)
    call(elan_server, "DELETE", f"uploads/{upload_id}", headers=HEADERS)
