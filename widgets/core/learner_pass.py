"""A learner's pass to the self-paced lessons, once the organisation's provider signed them in.

With ``solo_access = sign-in`` and ``oidc_learners``, anyone the provider signs in may open the
self-paced notebooks; they drive nothing and own nothing, so the pass holds no name and no
row of the store: an expiry and a random part, signed (HMAC-SHA256) with a secret every
process of the server shares. A trainer's sign-in is never this: it stays server-side.

>>> secret = b"s" * 32
>>> token = issue(secret, now=1000.0)
>>> valid(secret, token, now=1001.0)
True
>>> valid(secret, token, now=1000.0 + SECONDS + 1)
False
>>> valid(b"t" * 32, token, now=1001.0)
False
>>> valid(secret, token[:-1] + ("A" if token[-1] != "A" else "B"), now=1001.0)
False
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "elan_learner"
#: A learner's pass lasts a working day, then the provider is asked again.
SECONDS = 12 * 3600
_PREFIX = "elan-l1"


def secret_from(trainer_key: str) -> bytes:
    """The signing secret, derived from the server's trainer key (shared by its processes, never sent)."""
    return hashlib.sha256(b"elan learner pass\0" + trainer_key.encode("utf-8")).digest()


def _mac(secret: bytes, body: str) -> str:
    return hmac.new(secret, body.encode("ascii"), hashlib.sha256).hexdigest()


def issue(secret: bytes, *, now: float) -> str:
    body = f"{_PREFIX}.{int(now + SECONDS)}.{secrets.token_urlsafe(16)}"
    return f"{body}.{_mac(secret, body)}"


def valid(secret: bytes, token, *, now: float) -> bool:
    if not isinstance(token, str) or len(token) > 200 or not token.isascii():
        return False
    body, _, mac = token.rpartition(".")
    prefix, _, rest = body.partition(".")
    until = rest.partition(".")[0]
    if prefix != _PREFIX or not until.isdigit():
        return False
    return hmac.compare_digest(mac, _mac(secret, body)) and int(until) > now
