"""Data protection after an erasure: nothing left in the store's files, files for their owner only."""

from __future__ import annotations

import stat

from tests.test_selfhosting import elan
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.live import privacy
from widgets.live.engine import Engine

SECRET = "Zéphyrine-a-dit-un-secret"
STORY = {
    "kind": "story",
    "id": "catches",
    "values": [{"id": "listening", "label": {"fr": "Écoute", "en": "Listening"}}],
}
FR = Translator("fr")


def _engine(tmp_path) -> Engine:
    return Engine.from_settings(Settings(data_dir=str(tmp_path), trainer_key="k" * 16))


def _files(tmp_path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("elan.sqlite3*"))


def test_a_forgotten_participants_text_is_gone_from_every_file_of_the_store(tmp_path):
    engine = _engine(tmp_path)
    trainer = engine.authenticate("k" * 16)
    code = engine.create_session(trainer, "values", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    me, token = engine.join(code, name="Zéphyrine")
    engine.submit(code, token, "ideas", {"text": SECRET})
    assert SECRET.encode() in _files(tmp_path)
    privacy.forget_participant(engine.store, code, me["id"])
    assert SECRET.encode() not in _files(tmp_path)
    assert "Zéphyrine".encode() not in _files(tmp_path)


def test_the_store_files_are_for_their_owner_only(tmp_path):
    engine = _engine(tmp_path)
    trainer = engine.authenticate("k" * 16)
    engine.create_session(trainer, "values", "fr")
    for path in tmp_path.glob("elan.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))
    # An existing store made by an older kit, readable by all, is closed on the next start.
    engine.store.dispose()
    (tmp_path / "elan.sqlite3").chmod(0o644)
    _engine(tmp_path)
    assert stat.S_IMODE((tmp_path / "elan.sqlite3").stat().st_mode) == 0o600


def test_names_only_purge_drops_good_catch_colleagues_and_says_no_session_was_removed(tmp_path):
    engine = _engine(tmp_path)
    trainer = engine.authenticate("k" * 16)
    code = engine.create_session(trainer, "values", "fr")["code"]
    engine.open_activity(trainer, code, STORY)
    _, token = engine.join(code, name="Ana")
    story = {
        "colleague": "Amélie Durand",
        "title": "Rappel le soir même",
        "story": "Elle a rappelé.",
        "value": "listening",
    }
    engine.submit(code, token, "catches", story)
    with engine.store.write() as conn:  # the session is two years old
        conn.exec_driver_sql("UPDATE sessions SET created_at = created_at - 730 * 86400")
        conn.exec_driver_sql("UPDATE events SET created_at = created_at - 730 * 86400")
    engine.store.dispose()
    done = elan("purge", "--names-only", data_dir=tmp_path)
    assert done.stdout.strip() == FR("core.purged_names", sessions=1, names=2)
    assert "supprimée" not in done.stdout.split("(")[0]
    assert b"Durand" not in _files(tmp_path)
    assert b"Elle a rappel" in _files(tmp_path)  # the story itself stays
    # Nothing old: nothing anonymised, and the message does not claim sessions were removed.
    again = elan("purge", "--names-only", data_dir=tmp_path)
    assert again.stdout.strip() == FR("core.purged_names", sessions=0, names=0)
