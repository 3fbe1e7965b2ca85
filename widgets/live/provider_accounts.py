"""Trainer accounts that the organisation's identity provider vouches for.

A trainer signed in through OpenID Connect owns sessions like any account, so a row of
``trainers`` stands for them, made at their first sign-in. Its secret hash is a marker
(``oidc$``) that no key ever matches: such an account is entered only through the provider,
and its administrator flag follows the provider's claims at each sign-in. A kit account
(``elan trainer add``) of the same name is never taken over: the sign-in is refused.
"""

from __future__ import annotations

import sqlalchemy as sa

from widgets.live import store as st
from widgets.live.accounts import AccountError, Trainer

#: The secret hash of an account the provider vouches for; ``accounts.check_secret`` never accepts it.
MARKER = "oidc$"
NAME_MAX = 120


def provider_trainer(store, name: str, *, is_admin: bool) -> Trainer:
    """The trainer the provider named, their account made or brought up to date."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError("oidc.error_name", max=NAME_MAX)
    t = st.trainers
    with store.write() as conn:
        row = conn.execute(sa.select(t.c.id, t.c.secret_hash).where(t.c.name == name)).first()
        if row is None:
            conn.execute(t.insert().values(name=name, secret_hash=MARKER, is_admin=is_admin, created_at=st.now()))
        elif row.secret_hash != MARKER:
            raise AccountError("oidc.error_name_taken", name=name)
        else:
            conn.execute(t.update().where(t.c.id == row.id).values(is_admin=is_admin))
    return Trainer(name=name, is_admin=is_admin)
