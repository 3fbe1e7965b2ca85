"""The wheel ships what the repository holds, and a normal (non-editable) install of it works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests

from tests.checkout import copy_tracked, tracked
from tests.fixtures_server import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


#: The repository's folders and where the wheel lays them out (pyproject.toml's package-dir and data-files).
SHIPPED = {
    "widgets/web/share/voila/templates/elan/": "elan_kit-{version}.data/data/share/jupyter/voila/templates/elan/",
    "widgets/": "widgets/",
    "datasets/": "widgets/_bundle/datasets/",
    "workshops/": "widgets/_bundle/workshops/",
    "facilitator_guide/": "widgets/_bundle/facilitator_guide/",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds from a copy of the tracked files (a copy: a build writes ``build/``, ``*.egg-info``)."""
    source = copy_tracked(tmp_path_factory.mktemp("source") / "elan")
    out = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True,
        env=env,
        cwd=out,
        timeout=900,
    )
    (found,) = out.glob("elan_kit-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtualenv with that wheel installed (not editable)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        env=env,
        cwd=tmp_path_factory.mktemp("elsewhere"),
        timeout=900,
    )
    return venv


def test_the_wheel_holds_exactly_the_tracked_files_meant_to_ship(wheel):
    version = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if not n.startswith(f"elan_kit-{version}.dist-info/")}
    expected = set()
    for name in tracked():
        for folder, target in SHIPPED.items():
            if name.startswith(folder):
                expected.add(target.format(version=version) + name.removeprefix(folder))
                break
    assert "widgets/ui/templates/print/base.html" in expected
    assert sorted(expected - names) == [], "tracked but not in the wheel"
    assert sorted(names - expected) == [], "in the wheel but not tracked"


def test_elan_print_writes_the_cards_from_the_installed_wheel(installed, tmp_path):
    for what in ("cases", "ideas"):
        out = tmp_path / f"{what}.html"
        result = subprocess.run(
            [str(installed / "bin" / "elan"), "print", what, "--lang", "en", "-o", str(out)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert out.read_text(encoding="utf-8").count('<section class="sheet') >= 2, what


def test_voila_finds_the_kit_template_where_the_wheel_put_it(installed, tmp_path):
    code = (
        "from jupyter_core.paths import jupyter_path; print(*jupyter_path('voila', 'templates', 'elan'), sep=chr(10))"
    )
    found = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    assert any((Path(p) / "index.html.j2").is_file() and str(installed) in p for p in found), found


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
