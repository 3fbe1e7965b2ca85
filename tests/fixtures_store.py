"""Store fixtures: an engine over a fresh SQLite file (PostgreSQL ones join in tests.fixtures_pg)."""

from __future__ import annotations

import pytest

from widgets.core.settings import Settings
from widgets.live.engine import Engine
from widgets.live.store import Store


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path / "data"), trainer_key="test-key")


@pytest.fixture
def sqlite_engine(settings):
    settings.data_path.mkdir(parents=True, exist_ok=True)
    engine = Engine(Store(settings.effective_database_url()), settings)
    yield engine
    engine.store.dispose()
