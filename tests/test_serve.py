"""``elan serve`` as a person runs it: it starts, serves the landing page, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import signal

import psutil
import pytest

from tests.fixtures_server import ELAN, ElanServer

# Started the way a shell starts a background job, with Ctrl-C's signal ignored:
# the server must still stop on it.
IGNORING_SIGINT = ["sh", "-c", 'trap "" INT; exec "$0" "$@"', str(ELAN)]


@pytest.mark.slow
def test_ctrl_c_stops_the_server_and_its_kernels(tmp_path):
    server = ElanServer(tmp_path / "data", launcher=IGNORING_SIGINT).start()
    try:
        assert server.get("/", allow_redirects=True).status_code == 200  # renders: a kernel ran
        process = psutil.Process(server.process.pid)
        kernels = process.children(recursive=True)
        assert kernels, "rendering the landing page starts a kernel"
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=20) == 0
        gone, alive = psutil.wait_procs(kernels, timeout=10)
        assert not alive, f"kernels left running: {alive}"
    finally:
        server.stop()
