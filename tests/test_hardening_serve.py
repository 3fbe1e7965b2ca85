"""``elan serve`` tells the truth about where phones can join."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import requests

from tests.fixtures_server import ELAN, ROOT, free_port
from widgets.core.i18n import Translator


def test_a_loopback_server_prints_the_loopback_join_address_with_a_warning(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [
                str(ELAN),
                "serve",
                "--ip",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(tmp_path / "data"),
                "--language",
                "en",
            ],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/elan/api/health", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
            text = log.read_text(encoding="utf-8")
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)
    assert f"http://127.0.0.1:{port}/join" in text
    assert Translator("en")("core.serve_loopback_warning", ip="127.0.0.1") in text


def test_the_nginx_configuration_logs_no_query_string(tmp_path):
    import shutil

    from widgets.ops.deploy import nginx_config

    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    config = nginx_config(["127.0.0.1:9"], listen="127.0.0.1:9", standalone=True, prefix=str(tmp_path))
    assert "elan_noquery;" in config and "$request_uri" not in config and '"$request"' not in config
    if nginx is None:
        return
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(config, encoding="utf-8")
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


def test_a_connection_that_never_finishes_its_headers_is_closed(tmp_path):
    import socket

    from tests.fixtures_server import ElanServer

    server = ElanServer(tmp_path / "data", env={"ELAN_IDLE_CONNECTION_SECONDS": "2"}).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
            sock.sendall(b"GET /join HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # and nothing more
            # The server hangs up (with Tornado's default of an hour, recv would time out here).
            assert sock.recv(1024) == b""
        assert server.get("/elan/api/health").ok
    finally:
        server.stop()


def test_a_room_connecting_while_the_server_is_busy_is_queued_not_dropped(tmp_path):
    """A whole room scanning the QR code at once: the system queues every connection for the server.

    With Tornado's default backlog (128) the connections beyond it were dropped and retried by
    the phones' systems a second later, then three: joins took seconds with the server idle.
    The server is paused here (SIGSTOP) so that nothing is accepted while the room connects.
    """
    import selectors
    import socket

    from tests.fixtures_server import ElanServer

    room = 600
    server = ElanServer(tmp_path / "data").start()
    sockets, selector = [], selectors.DefaultSelector()
    try:
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            for _ in range(room):
                sock = socket.socket()
                sock.setblocking(False)
                sock.connect_ex(("127.0.0.1", server.port))
                sockets.append(sock)
                selector.register(sock, selectors.EVENT_WRITE)
            connected, deadline = set(), time.monotonic() + 3
            while len(connected) < room and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=0.2):
                    if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        connected.add(key.fileobj)
                    selector.unregister(key.fileobj)
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
            for sock in sockets:
                sock.close()
            selector.close()
        assert len(connected) == room, f"{room - len(connected)} of {room} connections left waiting"
        assert server.get("/elan/api/health").ok
    finally:
        server.stop()
