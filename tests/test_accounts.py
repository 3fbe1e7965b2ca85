"""Trainer accounts and session ownership, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from widgets.core.errors import Forbidden
from widgets.live import accounts
from widgets.live import store as st
from widgets.live.engine import Trainer


def _hashes(store) -> dict[str, str]:
    with store.read() as conn:
        return {row.name: row.secret_hash for row in conn.execute(sa.select(st.trainers))}


def test_add_list_remove(engine):
    store = engine.store
    key = accounts.add(store, "  Aline ", "mot-de-passe-1")
    assert key == "Aline:mot-de-passe-1"
    generated = accounts.add(store, "Bruno", is_admin=True)
    name, _, secret = generated.partition(":")
    assert name == "Bruno" and len(secret) >= 20
    assert secret != accounts.add(store, "Chloé").partition(":")[2]
    listing = accounts.listing(store)
    assert [(row["name"], row["is_admin"]) for row in listing] == [("Aline", False), ("Bruno", True), ("Chloé", False)]
    assert all(set(row) == {"name", "is_admin", "created_at"} for row in listing)
    assert accounts.remove(store, "Chloé") is True
    assert accounts.remove(store, "Chloé") is False
    assert [row["name"] for row in accounts.listing(store)] == ["Aline", "Bruno"]


def test_bad_names_and_short_secrets_are_refused(engine):
    for name in ("", "   ", "a:b", "x" * 121):
        with pytest.raises(accounts.AccountError):
            accounts.add(engine.store, name, "mot-de-passe")
    with pytest.raises(ValueError):  # an AccountError is a ValueError too
        accounts.add(engine.store, "Aline", "court")
    accounts.add(engine.store, "Aline", "mot-de-passe")
    with pytest.raises(sa.exc.IntegrityError):
        accounts.add(engine.store, "Aline", "un-autre-secret")
    assert accounts.listing(engine.store)[0]["name"] == "Aline"


def test_only_a_salted_hash_is_stored(engine):
    accounts.add(engine.store, "Aline", "même-secret")
    accounts.add(engine.store, "Bruno", "même-secret")
    hashes = _hashes(engine.store)
    assert all(h.startswith("scrypt$") and "même-secret" not in h for h in hashes.values())
    assert hashes["Aline"] != hashes["Bruno"]  # a salt each
    assert accounts.check_secret("même-secret", hashes["Aline"])
    assert not accounts.check_secret("meme-secret", hashes["Aline"])
    assert not accounts.check_secret("même-secret", "not a hash")


def test_verify_a_key(engine):
    key = accounts.add(engine.store, "Aline", "mot-de-passe")
    accounts.add(engine.store, "Root", "mot-de-passe-admin", is_admin=True)
    assert accounts.verify(engine.store, key) == Trainer(name="Aline", is_admin=False)
    assert engine.authenticate("Root:mot-de-passe-admin") == Trainer(name="Root", is_admin=True)
    for wrong in ("Aline:mot-de-pass", "Aline:", "Aline", "Inconnue:mot-de-passe", ":mot-de-passe"):
        assert accounts.verify(engine.store, wrong) is None
    accounts.remove(engine.store, "Aline")
    assert engine.authenticate(key) is None


def test_another_trainer_cannot_drive_a_session_but_an_administrator_can(engine):
    aline = engine.authenticate(accounts.add(engine.store, "Aline", "mot-de-passe-a"))
    bruno = engine.authenticate(accounts.add(engine.store, "Bruno", "mot-de-passe-b"))
    admin = engine.authenticate(accounts.add(engine.store, "Admin", "mot-de-passe-c", is_admin=True))
    session = engine.create_session(aline, "brainstorm", "fr")
    code = session["code"]
    assert session["owner"] == "Aline"
    engine.open_activity(aline, code, {"kind": "ideas", "id": "ideas"})
    with pytest.raises(Forbidden):
        engine.set_input(bruno, code, False)
    with pytest.raises(Forbidden):
        engine.close_session(bruno, code)
    assert engine.sessions_of(bruno) == []
    assert engine.session(code)["state"]["open"] is True
    engine.set_input(admin, code, False)
    assert engine.session(code)["state"]["open"] is False
    assert [s["code"] for s in engine.sessions_of(admin)] == [code]
    engine.close_session(admin, code)
    assert engine.session(code)["closed_at"] is not None
    # The shared key is the installation's administrator.
    shared = engine.authenticate("test-key")
    assert shared.is_admin and shared.may_drive(engine.session(code))


def test_trusted_header_names_an_existing_account_only(engine):
    accounts.add(engine.store, "aline@example.org", "mot-de-passe")
    accounts.add(engine.store, "chef@example.org", "mot-de-passe", is_admin=True)
    aline = engine.authenticate(None, trusted_user="aline@example.org")
    assert aline == Trainer(name="aline@example.org", is_admin=False)
    assert engine.authenticate(None, trusted_user="chef@example.org").is_admin is True
    assert engine.authenticate(None, trusted_user="inconnu@example.org") is None
    # The header's name drives that trainer's sessions, not another's.
    bruno_session = engine.create_session(engine.authenticate("test-key"), "brainstorm", "fr")
    with pytest.raises(Forbidden):
        engine.set_phase(aline, bruno_session["code"], "vote")
    mine = engine.create_session(aline, "metrics", "en")
    engine.set_phase(engine.authenticate("x", trusted_user="aline@example.org"), mine["code"], "vote")
    assert engine.session(mine["code"])["state"]["phase"] == "vote"
