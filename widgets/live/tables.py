"""The store's tables, declared once (SQLAlchemy Core); the migrations rebuild older versions from them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schema_meta = sa.Table(
    "schema_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

trainers = sa.Table(
    "trainers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(255), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("workshop", sa.String(64), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False, default="live"),  # live | solo (a cohort of learners)
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("owner", sa.String(120), nullable=True),  # trainer name; NULL for the shared key
    sa.Column("title", sa.String(200), nullable=False, default=""),
    sa.Column("state", sa.JSON, nullable=False),  # phase, open activity, reveals, timer, options
    sa.Column("event_seq", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("closed_at", sa.Float, nullable=True),
    # Since version 2: when the names were dropped (retention, or on request); results stay.
    sa.Column("names_purged_at", sa.Float, nullable=True, info={"since": 2}),
    # Since version 2: retention finds old sessions without reading them all.
    sa.Index("ix_sessions_created_at", "created_at", info={"since": 2}),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(60), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("activity", sa.String(80), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="SET NULL"), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="visible"),  # visible | hidden | pending
    sa.Column("merged_into", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_items_session_activity", "session_id", "activity"),
    # Since version 2: the rate limit counts a participant's recent cards, and a
    # participant's data is found (and deleted on request) without a scan.
    sa.Index("ix_items_participant_created", "participant_id", "created_at", info={"since": 2}),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("activity", sa.String(80), primary_key=True),
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Index("ix_responses_session_activity", "session_id", "activity"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

#: Since version 3: trainers' sign-ins. The trainer cookie (and a trainer page's kernel) holds
#: a random id whose hash is the key here: shared by every process on the store, expiring,
#: and gone with its account (the foreign key removes them when the account is removed).
trainer_logins = sa.Table(
    "trainer_logins",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("trainer_id", sa.Integer, sa.ForeignKey("trainers.id", ondelete="CASCADE"), nullable=True),
    sa.Column("is_admin", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    info={"since": 3},
)

# Since version 4: learning records waiting for the organisation's LRS (see widgets.live.lrs).
# Queued in the transaction that records the answer, sent later by the server; a row goes
# with its participant or session (erasure, retention), so nothing erased is sent afterwards.
lrs_queue = sa.Table(
    "lrs_queue",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    # The statement without its actor: who it is about is read from the participant at sending
    # time, so a name dropped since (anonymous session, erasure) is never sent.
    sa.Column("statement", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="queued"),  # queued | rejected
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_lrs_queue_due", "status", "next_attempt_at"),
    info={"since": 4},
)

#: Columns and indexes added after version 1 say so with ``info={"since": n}`` (a whole
#: table, on the table); the migrations build each older schema from that, so the tables
#: are declared once.
SCHEMA_VERSION = 4
