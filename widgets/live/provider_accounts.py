"""Trainer accounts that the organisation's identity provider vouches for.

A trainer signed in through OpenID Connect owns sessions like any account, so a row of
``trainers`` stands for them, made at their first sign-in. Its secret hash is a marker
(``oidc$`` and a hash of the provider's issuer and subject) that no key ever matches: such an
account is entered only through the provider, by that one person (a name given later to
someone else at the provider does not open it), and its administrator flag follows the
provider's claims at each sign-in. A kit account (``elan trainer add``) of the same name is
never taken over: the sign-in is refused. The marker also finds the person's sign-ins when
the provider says they signed out (back-channel logout).
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from widgets.live import store as st
from widgets.live.accounts import AccountError, Trainer

#: How the secret hash of an account the provider vouches for starts; ``accounts.check_secret``
#: never accepts it (it is no scrypt hash).
MARKER = "oidc$"
NAME_MAX = 120


def subject_marker(issuer: str, subject: str) -> str:
    """The secret hash standing for one person of one provider (``sub`` is unique per issuer)."""
    return MARKER + hashlib.sha256(f"{issuer}\0{subject}".encode()).hexdigest()


def provider_trainer(store, name: str, *, is_admin: bool, marker: str) -> Trainer:
    """The trainer the provider named (``marker``: :func:`subject_marker`), their account made or brought up to date."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError("oidc.error_name", max=NAME_MAX)
    t = st.trainers
    with store.write() as conn:
        row = conn.execute(sa.select(t.c.id, t.c.secret_hash).where(t.c.name == name)).first()
        if row is None:
            conn.execute(t.insert().values(name=name, secret_hash=marker, is_admin=is_admin, created_at=st.now()))
        elif row.secret_hash != marker:
            raise AccountError("oidc.error_name_taken", name=name)
        else:
            conn.execute(t.update().where(t.c.id == row.id).values(is_admin=is_admin))
    return Trainer(name=name, is_admin=is_admin)


def close_subject(store, marker: str) -> int:
    """Close every sign-in of the person the provider signed out (at once, in every process)."""
    t, logins = st.trainers, st.trainer_logins
    # (More than one account when the provider changed the person's name claim since.)
    ids = sa.select(t.c.id).where(t.c.secret_hash == marker)
    with store.write() as conn:
        return conn.execute(logins.delete().where(logins.c.trainer_id.in_(ids))).rowcount
