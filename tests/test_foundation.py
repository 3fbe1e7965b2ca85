"""The kit's contract: dependencies agree, notebooks are clean, strings are complete, content validates."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

from widgets import content
from widgets.core.i18n import Translator, locale_files, own_strings, placeholders, read_locale
from widgets.core.languages import LANGUAGES, chain
from widgets.core.settings import Settings
from widgets.core.typography import NBSP as NB

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def _spec(spec: str) -> str:
    return re.sub(r"\[.*?\]", "", spec.split("#")[0]).replace(" ", "").lower()


def _conda_env(name: str) -> dict[str, str]:
    """The packages of a conda environment file: conda's and those of its pip section (not the kit itself)."""
    out = {}
    for dep in yaml.safe_load((ROOT / name).read_text())["dependencies"]:
        specs = dep["pip"] if isinstance(dep, dict) else [dep]
        out.update({_name(d): _spec(d) for d in specs if not d.startswith("-") and _name(d) not in ("python", "pip")})
    return out


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(d): _spec(d) for d in project["dependencies"]}
    tests = {_name(d): _spec(d) for d in project["optional-dependencies"]["test"]}
    # One environment: a conda user creates it and runs make test (nbval, playwright, mypy... included).
    assert _conda_env("environment.yml") == runtime | tests
    assert "nbval" in tests and not (ROOT / "environment-test.yml").exists()


def notebooks():
    return sorted((ROOT / "workshops").rglob("*.ipynb"))


def test_there_are_notebooks():
    assert (ROOT / "workshops" / "index.ipynb") in notebooks()


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


def _areas():
    return sorted({p.name.split(".")[0] for p in locale_files("fr") + locale_files("en")})


@pytest.mark.parametrize("area", _areas())
def test_every_language_has_the_same_interface_strings(area):
    fr, en = Translator("fr").area(area), Translator("en").area(area)
    assert set(fr) == set(en), f"{area}: keys differ: {sorted(set(fr) ^ set(en))}"
    for key in fr:
        assert fr[key].strip() and en[key].strip(), f"{area}.{key} is empty"
        assert placeholders(fr[key]) == placeholders(en[key]), f"{area}.{key}: placeholders differ"
    # A regional variant only overrides strings its fallback has, with the same placeholders.
    for lang in LANGUAGES:
        parent = chain(lang)[1:]
        for key, value in own_strings(lang).items():
            if parent and key.startswith(area + "."):
                base = Translator(parent[0]).strings
                assert key in base, f"{lang}: {key} is not a string of {parent[0]}"
                assert placeholders(value) == placeholders(base[key]), f"{lang}: {key}: placeholders differ"


def test_no_translation_file_writes_a_key_twice(tmp_path):
    for lang in LANGUAGES:
        for file in locale_files(lang):
            read_locale(file)  # raises on a repeated key
    twice = tmp_path / "demo.fr.json"
    twice.write_text('{"a": "un", "b": "deux", "a": "encore"}', encoding="utf-8")
    with pytest.raises(ValueError, match="'a' is written twice"):
        read_locale(twice)


def test_bundled_content_validates():
    problems = content.validate_tree(content.BUNDLED)
    assert problems == [], "\n".join(map(str, problems))


def _elan(*args, cwd):
    return subprocess.run([sys.executable, "-m", "widgets.ops.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_validate_names_file_line_and_field_of_a_missing_key(tmp_path):
    bad = tmp_path / "workshops.yaml"
    bad.write_text(
        "kind: workshops\nworkshops:\n  - id: demo\n    title:\n      fr: Démo\n    purpose: {fr: a, en: b}\n"
        "    minutes: '30'\n    dashboard: demo.ipynb\n    guide: demo.md\n",
        encoding="utf-8",
    )
    result = _elan("validate", str(bad), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1
    assert "workshops.yaml:4:" in result.stdout
    assert "workshops[0].title.en" in result.stdout
    assert "missing translation 'en'" in result.stdout


def test_validate_speaks_french_with_the_same_file_line_and_field(tmp_path):
    bad = tmp_path / "workshops.yaml"
    bad.write_text(
        "kind: workshops\nworkshops:\n  - id: demo\n    title:\n      fr: Démo\n    purpose: {fr: a, en: b}\n"
        "    minutes: 30\n    dashboard: demo.ipynb\n    guide: demo.md\n",
        encoding="utf-8",
    )
    french = _elan("validate", str(bad), "--lang", "fr", cwd=tmp_path)
    english = _elan("validate", str(bad), "--lang", "en", cwd=tmp_path)
    assert french.returncode == english.returncode == 1
    fr_lines, en_lines = french.stdout.splitlines(), english.stdout.splitlines()
    assert len(fr_lines) == len(en_lines) == 2
    # Same place and field in both languages, the words in the reader's language.
    where = [line.split("] ")[0] + "]" for line in en_lines]
    assert [line.split("] ")[0] + "]" for line in fr_lines] == where
    assert "workshops.yaml:4: [workshops[0].title.en]" in where
    assert f"workshops.yaml:4: [workshops[0].title.en] traduction manquante «{NB}en{NB}»" in fr_lines
    assert any(line == "workshops.yaml:7: [workshops[0].minutes] 30 n’est pas un texte (string)" for line in fr_lines)
    assert "Problèmes trouvés dans les fichiers de contenu" in french.stderr
    assert "missing" not in french.stdout and "traduction" not in english.stdout


def test_validate_names_file_and_line_of_a_yaml_syntax_error(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("kind: workshops\nworkshops:\n  - id: demo\n    title: [unclosed\n", encoding="utf-8")
    result = _elan("validate", str(bad), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"broken\.yaml:\d+:", result.stdout)
    assert "YAML syntax error" in result.stdout
    french = _elan("validate", str(bad), "--lang", "fr", cwd=tmp_path)
    assert re.search(rf"broken\.yaml:\d+: erreur de syntaxe YAML{NB}: ", french.stdout)


def test_validate_accepts_the_bundled_content(tmp_path):
    result = _elan("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_refuses_an_unknown_kind(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("kind: nothing\n", encoding="utf-8")
    result = _elan("validate", str(bad), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1 and "unknown kind 'nothing'" in result.stdout


def test_settings_come_from_flags_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ELAN_PORT", "9123")
    monkeypatch.setenv("ELAN_LANGUAGE", "en")
    assert Settings().port == 9123
    assert Settings(port=9000).port == 9000
    assert Settings().language == "en"
    with pytest.raises(Exception):
        Settings(language="de")


def test_trainer_key_is_made_once_and_kept_private(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    key = settings.ensure_trainer_key()
    assert len(key) >= 12
    assert Settings(data_dir=str(tmp_path)).ensure_trainer_key() == key
    assert (tmp_path / "trainer-key").stat().st_mode & 0o077 == 0


def test_the_printed_address_is_the_lan_one_not_loopback(monkeypatch):
    from widgets.web import app

    monkeypatch.setattr(app, "_interface_addresses", lambda: ["127.0.0.1", "81.2.69.160", "192.168.1.20"])
    monkeypatch.setattr(app.socket, "getaddrinfo", lambda *a, **k: [(None, None, None, "", ("127.0.1.1", 0))])
    assert app.lan_address() == "192.168.1.20"
    monkeypatch.setattr(app, "_interface_addresses", lambda: [])
    assert app.lan_address() == "127.0.0.1"
