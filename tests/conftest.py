"""Shared fixtures. Fixture modules of each area are registered here."""

import pytest

from widgets.core import messages

pytest_plugins = [
    "tests.fixtures_store",
    "tests.fixtures_pg",
    "tests.fixtures_server",
    "tests.fixtures_browser",
    "tests.fixtures_oidc",
]


@pytest.fixture
def english_messages():
    """Check messages written in English, for the tests that read their words (French is tested on its own)."""
    messages.use_language("en")
    yield
    messages.use_language(None)


@pytest.fixture
def org(tmp_path, monkeypatch):
    """An organisation's content folder, empty, that the kit reads over its own (``ELAN_CONTENT_DIR``)."""
    root = tmp_path / "acme-content"
    root.mkdir()
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(root))
    return root
