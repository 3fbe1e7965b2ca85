"""Who a sign-in through the organisation's identity provider makes someone: plain rules on its claims.

The organisation names one claim (``groups``, or a dotted path such as ``realm_access.roles``
for providers that nest it) and the values of it that make a trainer or an administrator
(``Settings.oidc_claim``, ``oidc_trainer_values``, ``oidc_admin_values``). Nothing else
grants anything: no claim, or none of the values, is no role.

>>> rules = RoleRules("groups", trainer=("elan-trainers",), admin=("elan-admins",))
>>> rules.role({"groups": ["staff", "elan-trainers"]})
'trainer'
>>> rules.role({"groups": "elan-admins"})
'admin'
>>> rules.role({"groups": ["staff"]}) is None
True
>>> RoleRules("realm_access.roles", trainer=("t",), admin=()).role({"realm_access": {"roles": ["t"]}})
'trainer'
"""

from __future__ import annotations

from dataclasses import dataclass

TRAINER = "trainer"
ADMIN = "admin"


def split_values(setting: str) -> tuple[str, ...]:
    """A setting's comma-separated values, blanks around them dropped (``"a, b"`` -> ``("a", "b")``)."""
    return tuple(v.strip() for v in (setting or "").split(",") if v.strip())


def claim_values(claims: dict, path: str) -> set[str]:
    """The values a claim holds, as strings: a list, a single string (or number), or nothing.

    A dotted path walks nested objects. A value of another shape (an object where a list was
    expected) holds nothing: it never matches by accident of its text.
    """
    value: object = claims
    for part in (path or "").split("."):
        if not isinstance(value, dict) or part not in value:
            return set()
        value = value[part]
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {str(value)}
    if isinstance(value, list):
        return {str(v) for v in value if isinstance(v, str | int) and not isinstance(v, bool)}
    return set()


@dataclass(frozen=True)
class RoleRules:
    """The claim to read and the values of it that make a trainer or an administrator."""

    claim: str
    trainer: tuple[str, ...]
    admin: tuple[str, ...]

    def role(self, claims: dict) -> str | None:
        """``"admin"``, ``"trainer"`` or None (refused). An administrator is a trainer too."""
        held = claim_values(claims, self.claim)
        if held & set(self.admin):
            return ADMIN
        if held & set(self.trainer):
            return TRAINER
        return None


def display_name(claims: dict, claim: str) -> str:
    """The account name a sign-in goes by: the configured claim, else ``sub`` (always present)."""
    for key in (claim, "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
