"""Schema migrations: one function per version, applied in order inside a write transaction.

A migration only adds or transforms; it never drops data to start afresh. Version 1
creates the tables as :mod:`widgets.store` declares them.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def _v1(conn: Connection) -> None:
    from widgets.store import metadata

    metadata.create_all(conn)


MIGRATIONS = {1: _v1}
