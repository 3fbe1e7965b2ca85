"""Trainer accounts: a name and a secret, stored only as a salted scrypt hash.

A trainer's key is ``NAME:SECRET``; ``elan trainer add NAME`` makes one. Behind a
trusted proxy (JupyterHub, a company SSO), the trainer's name can come from a
header instead (``Settings.trusted_user_header``); such a name needs no secret but
must belong to an existing account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from widgets.core.errors import Invalid
from widgets.live import store as st


@dataclass(frozen=True)
class Trainer:
    """Who drives sessions: a named trainer account, or ``name=None`` for the shared key."""

    name: str | None
    is_admin: bool = False

    def may_drive(self, session: dict) -> bool:
        return self.is_admin or session["owner"] == self.name


_N, _R, _P = 2**14, 8, 1
SECRET_MIN = 8


class AccountError(Invalid, ValueError):
    """A refused account change; ``key`` names the interface string. Still a ValueError for callers."""


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            secret.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


_DECOY = hash_secret(secrets.token_urlsafe(18))


def add(store, name: str, secret: str | None = None, *, is_admin: bool = False) -> str:
    """Create an account; returns its key (``name:secret``). A generated secret when none is given.

    Raises :class:`AccountError` for a name that is empty, too long or has a ``:``,
    and for a secret shorter than ``SECRET_MIN`` characters; a name already taken
    raises SQLAlchemy's ``IntegrityError`` (``elan trainer add`` says so).
    """
    name = (name or "").strip()
    if not name or ":" in name or len(name) > 120:
        raise AccountError("core.error_trainer_name", max=120)
    if secret is not None and len(secret) < SECRET_MIN:
        raise AccountError("core.error_secret_too_short", min=SECRET_MIN)
    secret = secret or secrets.token_urlsafe(18)
    with store.write() as conn:
        conn.execute(
            st.trainers.insert().values(
                name=name, secret_hash=hash_secret(secret), is_admin=is_admin, created_at=st.now()
            )
        )
    return f"{name}:{secret}"


def remove(store, name: str) -> bool:
    """Delete an account and its sign-ins (at once, in every process); its sessions stay, and
    only an administrator can drive them then."""
    with store.write() as conn:
        ids = sa.select(st.trainers.c.id).where(st.trainers.c.name == name).scalar_subquery()
        conn.execute(st.trainer_logins.delete().where(st.trainer_logins.c.trainer_id == ids))
        return bool(conn.execute(st.trainers.delete().where(st.trainers.c.name == name)).rowcount)


def listing(store) -> list[dict]:
    """Accounts by name: ``name``, ``is_admin``, ``created_at`` (never the hash)."""
    t = st.trainers
    with store.read() as conn:
        rows = conn.execute(sa.select(t.c.name, t.c.is_admin, t.c.created_at).order_by(t.c.name))
        return [dict(row._mapping) for row in rows]


def verify(store, key: str):
    """The :class:`Trainer` a ``name:secret`` key belongs to, or None."""
    name, _, secret = key.partition(":")
    with store.read() as conn:
        row = conn.execute(sa.select(st.trainers).where(st.trainers.c.name == name)).first()
    if row is None:
        # As slow as a wrong secret: the answer's timing does not tell which names exist.
        check_secret(secret, _DECOY)
        return None
    if not check_secret(secret, row.secret_hash):
        return None
    return Trainer(name=row.name, is_admin=bool(row.is_admin))


def trusted(store, name: str):
    """The trainer a trusted proxy named; None when no account has that name."""
    with store.read() as conn:
        row = conn.execute(sa.select(st.trainers).where(st.trainers.c.name == name)).first()
    return Trainer(name=row.name, is_admin=bool(row.is_admin)) if row is not None else None


# --- sign-ins: what the trainer cookie and a trainer page's kernel hold --------------------

#: A sign-in's id starts with this, so a key and a sign-in are never taken for one another.
LOGIN_PREFIX = "elan-s1."
#: How long a sign-in lasts (a training day and its evening, then the printed address again).
LOGIN_SECONDS = 24 * 3600


def _login_hash(login_id: str) -> str:
    return hashlib.sha256(login_id.encode("utf-8")).hexdigest()


def is_login(value) -> bool:
    return isinstance(value, str) and value.startswith(LOGIN_PREFIX) and len(value) < 200


def open_login(store, trainer: Trainer, *, seconds: float = LOGIN_SECONDS) -> str:
    """A new sign-in for ``trainer``: a random id, of which only the hash is stored."""
    login_id = LOGIN_PREFIX + secrets.token_urlsafe(32)
    trainer_id = None
    now = st.now()
    with store.write() as conn:
        if trainer.name is not None:
            trainer_id = conn.execute(sa.select(st.trainers.c.id).where(st.trainers.c.name == trainer.name)).scalar()
            if trainer_id is None:
                raise AccountError("core.error_not_trainer")
        # Expired sign-ins go as new ones come: the table holds only live ones (and a few).
        conn.execute(st.trainer_logins.delete().where(st.trainer_logins.c.expires_at < now))
        conn.execute(
            st.trainer_logins.insert().values(
                id_hash=_login_hash(login_id),
                trainer_id=trainer_id,
                is_admin=trainer.is_admin,
                created_at=now,
                expires_at=now + seconds,
            )
        )
    return login_id


def login_trainer(store, login_id) -> Trainer | None:
    """The trainer of a live sign-in, read from the store at each call (a removed account's are gone)."""
    if not is_login(login_id):
        return None
    logins, trainers = st.trainer_logins, st.trainers
    query = (
        sa.select(logins.c.trainer_id, logins.c.is_admin, trainers.c.name, trainers.c.is_admin.label("account_admin"))
        .select_from(logins.outerjoin(trainers, trainers.c.id == logins.c.trainer_id))
        .where(logins.c.id_hash == _login_hash(login_id), logins.c.expires_at > st.now())
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    if row.trainer_id is None:
        return Trainer(name=None, is_admin=True)  # the shared key's sign-in
    if row.name is None:
        return None  # its account is gone
    return Trainer(name=row.name, is_admin=bool(row.account_admin))


def close_login(store, login_id) -> None:
    """Sign out: the id is worth nothing from now on, in every process."""
    if is_login(login_id):
        with store.write() as conn:
            conn.execute(st.trainer_logins.delete().where(st.trainer_logins.c.id_hash == _login_hash(login_id)))
