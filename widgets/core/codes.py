"""Join codes and participant tokens."""

from __future__ import annotations

import hashlib
import secrets

#: No 0/O, 1/I/L, and no U/V pair: a code read aloud or off a projector is typed right.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ2345679"
CODE_LENGTH = 6


def new_code(length: int = CODE_LENGTH) -> str:
    """A random join code such as ``'K7MWQ3'``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(raw: str) -> str:
    """What a participant typed, made comparable: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    # Tokens are random and long: a plain SHA-256 is enough, and lookups stay indexed.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
