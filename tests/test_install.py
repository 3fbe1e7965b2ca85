"""A normal (non-editable) install works from any folder: content, notebooks and guide travel in the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.fixtures_server import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtualenv with ``pip install .`` (not editable) of a copy of this checkout.

    A copy, because pip builds in the source folder (``build/``, ``*.egg-info``).
    """
    source = tmp_path_factory.mktemp("source") / "elan"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)],
        check=True,
        env=env,
        cwd=tmp_path_factory.mktemp("elsewhere"),
        timeout=900,
    )
    return venv


def test_the_installed_package_is_not_the_source_tree(installed):
    out = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import widgets, widgets.core.paths as p; print(widgets.__file__); print(p.KIT_ROOT)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed.parent,
    ).stdout.split()
    assert "site-packages" in out[0] and not out[0].startswith(str(ROOT))
    assert out[1].endswith("_bundle") and "site-packages" in out[1]


def test_elan_validate_finds_the_content_from_another_folder(installed, tmp_path):
    result = subprocess.run([str(installed / "bin" / "elan"), "validate"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_elan_serve_answers_the_landing_page_and_join_from_another_folder(installed, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen(
        [
            str(installed / "bin" / "elan"),
            "serve",
            "--port",
            str(port),
            "--ip",
            "127.0.0.1",
            "--data-dir",
            str(tmp_path / "data"),
        ],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    http = requests.Session()
    http.trust_env = False
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if http.get(f"{base}/elan/api/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
        landing = http.get(base + "/", timeout=60)
        assert landing.status_code == 200, landing.status_code
        assert "index.ipynb" in landing.url
        join = http.get(base + "/join", timeout=10)
        assert join.status_code == 200
        guide = http.get(base + "/guide/fr/", timeout=10)
        assert guide.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
