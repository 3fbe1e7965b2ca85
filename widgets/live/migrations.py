"""Schema migrations: one function per version, applied in order inside a write transaction.

A migration only adds or transforms; it never drops data to start afresh. The
tables are declared once, in :mod:`widgets.live.tables`; what a later version added is
marked there with ``info={"since": n}``, so :func:`schema_at` can rebuild any
older schema and each migration adds exactly its own columns and indexes.

* Version 1: the tables (sessions, participants, items, responses, events, trainers).
* Version 2: ``sessions.names_purged_at`` (names dropped for privacy, results kept),
  an index on ``sessions.created_at`` (retention) and one on
  ``items(participant_id, created_at)`` (the rate limit, deleting a participant's data).
* Version 3: ``trainer_logins`` (the trainer cookie holds a sign-in's id, never a key).
* Version 4: the ``lrs_queue`` table (learning records waiting for the organisation's LRS).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from widgets.live.tables import metadata


def _since(element) -> int:
    return int(element.info.get("since", 1))


def schema_at(version: int) -> sa.MetaData:
    """The tables as they were at ``version`` (a new MetaData; the kit's own is untouched)."""
    snapshot = sa.MetaData()
    for table in metadata.sorted_tables:
        if _since(table) > version:
            continue
        # Column._copy is what Table.to_metadata uses; it keeps keys, uniques and defaults,
        # but not foreign keys already bound to the table: those are rebuilt below.
        columns = [c._copy() for c in table.columns if _since(c) <= version]
        foreign = [
            sa.ForeignKeyConstraint(
                [c.name for c in fk.columns],
                [element.target_fullname for element in fk.elements],
                name=fk.name,
                ondelete=fk.ondelete,
                onupdate=fk.onupdate,
            )
            for fk in table.foreign_key_constraints
            if all(_since(c) <= version for c in fk.columns)
        ]
        copy = sa.Table(table.name, snapshot, *columns, *foreign)
        made = {index.name for index in copy.indexes}  # those from ``index=True`` columns
        for index in table.indexes:
            if _since(index) <= version and index.name not in made:
                sa.Index(index.name, *[copy.c[c.name] for c in index.columns], unique=index.unique)
    return snapshot


def add_since(conn: Connection, version: int) -> None:
    """Add the tables, columns and indexes marked ``since=version``."""
    preparer = conn.dialect.identifier_preparer
    for table in metadata.sorted_tables:
        if _since(table) == version:
            schema_at(version).tables[table.name].create(conn)
            continue
        if _since(table) > version:
            continue
        for column in table.columns:
            if _since(column) == version:
                # Existing rows get NULL: a later column must be nullable (or have a server default).
                if not column.nullable and column.server_default is None:
                    raise RuntimeError(f"{table.name}.{column.name} added in version {version} must be nullable")
                ddl = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
                conn.execute(sa.text(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {ddl}"))
        for index in table.indexes:
            if _since(index) == version:
                index.create(conn)


def _v1(conn: Connection) -> None:
    schema_at(1).create_all(conn)


def _v2(conn: Connection) -> None:
    add_since(conn, 2)


def _v3(conn: Connection) -> None:
    add_since(conn, 3)


def _v4(conn: Connection) -> None:
    add_since(conn, 4)


MIGRATIONS = {1: _v1, 2: _v2, 3: _v3, 4: _v4}
