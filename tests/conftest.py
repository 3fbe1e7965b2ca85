"""Shared fixtures. Fixture modules of each area are registered here."""

pytest_plugins = [
    "tests.fixtures_store",
    "tests.fixtures_pg",
    "tests.fixtures_server",
    "tests.fixtures_browser",
]
