"""Self-hosting through the real interfaces: the ``elan`` command, the HTTP API, the privacy notice, deployment files."""

from __future__ import annotations

import io
import shlex
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fixtures_server import ELAN, ROOT, ElanServer
from tests.test_store_migrations import _build_v1, _dump, _fill_v1
from widgets.core.errors import NotFound
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.live import store as st
from widgets.live.engine import Engine
from widgets.live.privacy import DAY
from widgets.live.store import SCHEMA_VERSION, Store
from widgets.ops.cli import parser

FR = Translator("fr")
DEPLOY = ROOT / "facilitator_guide" / "deploy"
KEY = "selfhost-shared-key"


def elan(*args: str, data_dir: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run the ``elan`` command as an administrator would (French messages)."""
    extra = ["--data-dir", str(data_dir)] if data_dir is not None else []
    done = subprocess.run([str(ELAN), *args, *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, f"elan {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def _key_from(output: str, name: str) -> str:
    key = output.strip().rsplit(" ", 1)[-1]
    assert key.startswith(name + ":"), output
    return key


# --- trainer accounts --------------------------------------------------------------------


def test_trainer_add_list_remove_through_the_command(tmp_path):
    added = elan("trainer", "add", "Aline", data_dir=tmp_path)
    key = _key_from(added.stdout, "Aline")
    assert added.stdout.strip() == FR.strings["core.trainer_added"].format(name="Aline", key=key)
    assert len(key.partition(":")[2]) >= 20  # a generated key
    chosen = elan("trainer", "add", "Bruno", "--password", "mot-de-passe-b", data_dir=tmp_path)
    assert _key_from(chosen.stdout, "Bruno") == "Bruno:mot-de-passe-b"
    elan("trainer", "add", "Chef", "--admin", data_dir=tmp_path)
    assert elan("trainer", "list", data_dir=tmp_path).stdout.splitlines() == ["Aline", "Bruno", "Chef (admin)"]

    again = elan("trainer", "add", "Aline", data_dir=tmp_path, check=False)
    assert again.returncode == 1 and FR("core.trainer_exists", name="Aline") in again.stderr
    short = elan("trainer", "add", "Dora", "--password", "court", data_dir=tmp_path, check=False)
    assert short.returncode == 1 and "Traceback" not in short.stderr
    assert elan("trainer", "remove", "Bruno", data_dir=tmp_path).stdout.strip() == FR(
        "core.trainer_removed", name="Bruno"
    )
    gone = elan("trainer", "remove", "Bruno", data_dir=tmp_path, check=False)
    assert gone.returncode == 1 and FR("core.trainer_unknown", name="Bruno") in gone.stderr
    assert elan("trainer", "list", data_dir=tmp_path).stdout.splitlines() == ["Aline", "Chef (admin)"]
    # Only a salted hash is kept: the secret is nowhere in the store.
    assert key.partition(":")[2].encode() not in (tmp_path / "elan.sqlite3").read_bytes()


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory):
    """A server with three accounts made by the command: two trainers and an administrator."""
    data = tmp_path_factory.mktemp("accounts")
    keys = {
        name: _key_from(elan("trainer", "add", name, *flags, data_dir=data).stdout, name)
        for name, flags in (("Aline", ()), ("Bruno", ()), ("Chef", ("--admin",)))
    }
    server = ElanServer(data, key=KEY).start()
    yield server, keys
    server.stop()


def _as(server, key: str) -> dict:
    return {"X-Elan-Key": key}


def test_another_trainer_cannot_drive_a_session_over_http_but_an_administrator_can(accounts_server):
    server, keys = accounts_server
    r = server.api("POST", "sessions", json={"workshop": "values", "lang": "fr"}, headers=_as(server, keys["Aline"]))
    assert r.status_code == 200, r.text
    code = r.json()["code"]
    spec = {"kind": "ideas", "id": "ideas"}

    def action(key, name, **body):
        return server.api("POST", f"s/{code}/trainer/{name}", json=body, headers=_as(server, key))

    assert action(keys["Aline"], "open", spec=spec).status_code == 200
    for refused in (
        action(keys["Bruno"], "input", open=False),
        action(keys["Bruno"], "close"),
        server.api("GET", f"s/{code}/results", headers=_as(server, keys["Bruno"])),
        server.api("GET", f"s/{code}/export.csv", headers=_as(server, keys["Bruno"])),
        action("Aline:not-her-secret", "input", open=False),
    ):
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"] == "core.error_not_trainer"
    listed = server.api("GET", "sessions", headers=_as(server, keys["Bruno"])).json()["sessions"]
    assert code not in {s["code"] for s in listed}
    assert server.api("GET", f"s/{code}/results", headers=_as(server, keys["Aline"])).json()["state"]["open"] is True

    # The administrator (an --admin account, or the shared key) drives everyone's sessions.
    assert action(keys["Chef"], "input", open=False).status_code == 200
    assert server.api("GET", f"s/{code}/results", headers=_as(server, keys["Aline"])).json()["state"]["open"] is False
    assert code in {
        s["code"] for s in server.api("GET", "sessions", headers=_as(server, keys["Chef"])).json()["sessions"]
    }
    assert action(KEY, "input", open=True).status_code == 200
    assert action(keys["Chef"], "close").status_code == 200


# --- exports of anonymous sessions -----------------------------------------------------------


def _session_with_names(server, *, anonymous: bool) -> str:
    code = server.create_session("values", "fr")
    server.trainer(code, "open", spec={"kind": "ideas", "id": "ideas"})
    for name in ("Zéphyrine", "Barnabé"):
        token = server.join(code, name=name)["token"]
        assert server.submit(code, token, "ideas", {"text": f"Écoute de {name[:3]}"}).status_code == 200
    if anonymous:
        server.trainer(code, "option", name="anonymous", value=True)
    return code


def _export_texts(server, code: str) -> dict[str, str]:
    import openpyxl

    out = {}
    for fmt in ("csv", "html", "xlsx"):
        r = server.api("GET", f"s/{code}/export.{fmt}", headers=server.trainer_headers)
        assert r.status_code == 200, r.text
        if fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(r.content))
            out[fmt] = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
        else:
            out[fmt] = r.text
    return out


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "anonymous"])
def test_exports_of_an_anonymous_session_hold_no_names(elan_server, anonymous):
    code = _session_with_names(elan_server, anonymous=anonymous)
    for fmt, text in _export_texts(elan_server, code).items():
        assert "Écoute de Zép" in text, fmt  # the answers are there either way
        for name in ("Zéphyrine", "Barnabé"):
            assert (name in text) is not anonymous, f"{fmt}: {name}"


# --- retention and erasure through the command ------------------------------------------------


def _engine(data_dir: Path) -> Engine:
    settings = Settings(data_dir=str(data_dir), trainer_key=KEY)
    return Engine.from_settings(settings)


def _named_session(engine: Engine, days_old: float) -> tuple[str, list[int]]:
    trainer = engine.authenticate(KEY)
    code = engine.create_session(trainer, "values", "fr")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    ids = []
    for name in ("Ana", "Bea"):
        me, token = engine.join(code, name=name)
        engine.submit(code, token, "ideas", {"text": f"idée de {name}"})
        ids.append(me["id"])
    sid = engine.session(code)["id"]
    then = st.now() - days_old * DAY
    with engine.store.write() as conn:
        conn.execute(st.sessions.update().where(st.sessions.c.id == sid).values(created_at=then, closed_at=then))
        conn.execute(st.events.update().where(st.events.c.session_id == sid).values(created_at=then))
    return code, ids


def _names(engine: Engine, code: str) -> list:
    p = st.participants
    with engine.store.read() as conn:
        return (
            conn.execute(sa.select(p.c.name).where(p.c.session_id == engine.session(code)["id"]).order_by(p.c.id))
            .scalars()
            .all()
        )


def test_purge_names_only_then_everything_through_the_command(tmp_path):
    engine = _engine(tmp_path)
    old, _ = _named_session(engine, 400)
    recent, _ = _named_session(engine, 0)

    done = elan("purge", "--names-only", data_dir=tmp_path)
    assert done.stdout.strip() == FR("core.purged_names", sessions=1, names=2)
    assert _names(engine, old) == [None, None] and _names(engine, recent) == ["Ana", "Bea"]
    assert sorted(c["text"] for c in engine.results(old, "ideas")["cards"]) == ["idée de Ana", "idée de Bea"]

    older, _ = _named_session(engine, 400)
    assert elan("purge", "--days", "500", data_dir=tmp_path).stdout.strip() == FR("core.purged", sessions=0, names=0)
    # Dropping the names of the first old session did not make it young again: both go.
    assert elan("purge", data_dir=tmp_path).stdout.strip() == FR("core.purged", sessions=2, names=0)
    for code in (old, older):
        with pytest.raises(NotFound):
            engine.session(code)
    assert _names(engine, recent) == ["Ana", "Bea"]
    engine.store.dispose()


def test_forget_a_participant_through_the_command(tmp_path):
    engine = _engine(tmp_path)
    code, (ana, bea) = _named_session(engine, 0)
    done = elan("forget", code.lower(), str(ana), data_dir=tmp_path)
    assert done.stdout.strip() == FR("core.forgotten", participant=ana, code=code.lower())
    assert _names(engine, code) == ["Bea"]
    assert [c["text"] for c in engine.results(code, "ideas")["cards"]] == ["idée de Bea"]
    for args, key in (
        ((code, str(ana)), "core.error_not_participant"),
        (("NOPE22", str(bea)), "core.error_unknown_code"),
    ):
        refused = elan("forget", *args, data_dir=tmp_path, check=False)
        assert refused.returncode == 1 and refused.stderr.strip() == FR(key)
    engine.store.dispose()


# --- upgrades -------------------------------------------------------------------------------


def test_elan_upgrade_from_the_previous_schema_keeps_every_row(db_url, monkeypatch, tmp_path):
    old = _build_v1(db_url, monkeypatch)
    _fill_v1(old)
    before = _dump(old)
    old.dispose()
    done = elan("upgrade", "--database-url", db_url, data_dir=tmp_path)
    assert done.stdout.strip() == FR("core.upgraded", version=SCHEMA_VERSION)
    store = Store(db_url, create=False)
    assert store.version() == SCHEMA_VERSION
    assert _dump(store) == before
    store.dispose()
    again = elan("upgrade", "--database-url", db_url, data_dir=tmp_path)
    assert again.stdout.strip() == FR("core.up_to_date", version=SCHEMA_VERSION)


# --- the privacy notice on the join page ----------------------------------------------------------


def test_the_join_page_links_to_the_privacy_notice(elan_server):
    page = elan_server.get("/join?lang=en")
    assert page.status_code == 200
    assert 'href="/privacy"' in page.text and Translator("en")("selfhost.privacy_link") in page.text
    for lang, title in (("fr", "Notice d’information"), ("en", "Privacy notice"), ("fr-CA", "Loi 25")):
        r = elan_server.get(f"/privacy/{lang}")
        assert r.status_code == 200, r.text
        assert f'<html lang="{lang}">' in r.text and title in r.text and "elan forget" in r.text
    # The notice says what the kit collects: the colleagues named in shout-outs, the self-paced scores.
    for lang, words in (
        ("fr", ("prénom du ou de la collègue", "scores par compétence")),
        ("en", ("A colleague", "scores per competence")),
        ("fr-CA", ("Commission d’accès à l’information", "portabilité")),
    ):
        text = elan_server.get(f"/privacy/{lang}").text
        assert all(w in text for w in words), (lang, words)
    # Without a language in the address, the participant's chosen language.
    assert "Privacy notice" in elan_server.get("/privacy", cookies={"elan_lang": "en"}).text
    assert elan_server.get("/privacy/de").status_code == 404


def test_the_organisations_own_notice_is_shown_as_text(tmp_path):
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "privacy.fr.md").write_text(
        "# Notice d'ACME\n\nResponsable : ACME SA. <script>alert(1)</script>\n", encoding="utf-8"
    )
    server = ElanServer(tmp_path / "data", env={"ELAN_PRIVACY_NOTICE": str(notices / "privacy.{lang}.md")}).start()
    try:
        r = server.get("/privacy/fr")
        assert r.status_code == 200
        assert "<h1>Notice d&#x27;ACME</h1>" in r.text or "<h1>Notice d'ACME</h1>" in r.text
        assert "<script>" not in r.text and "&lt;script&gt;" in r.text
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        assert server.get("/privacy/en").status_code == 404  # no English file given: no notice, not the template
        assert "ACME" in server.get("/privacy/fr-CA").text  # no Québec file: the France one, its fallback
    finally:
        server.stop()


# --- deployment files ----------------------------------------------------------------------------


def test_the_guides_nginx_file_is_what_elan_deploy_prints():
    printed = elan(
        "deploy", "nginx", "--backend", "127.0.0.1:8001", "--backend", "127.0.0.1:8002", "--backend", "127.0.0.1:8003"
    ).stdout
    assert (DEPLOY / "nginx-elan.conf").read_text(encoding="utf-8") == printed


def test_the_systemd_unit_starts_elan_serve_with_valid_flags():
    unit = (DEPLOY / "elan@.service").read_text(encoding="utf-8")
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart=").replace("%i", "8001"))
    assert Path(argv[0]).name == "elan"
    args = parser().parse_args(argv[1:])
    assert (args.command, args.port, args.ip) == ("serve", 8001, "127.0.0.1")
    assert "KillSignal=SIGINT" in unit  # how the tests stop elan serve cleanly (its kernels with it)


def test_the_quebec_guide_serves_its_own_chapters_and_reads_the_others_in_quebec_words(elan_server):
    own = elan_server.get("/guide/fr-CA/week")
    assert own.status_code == 200 and '<html lang="fr-CA">' in own.text
    assert "Semaine du service à la clientèle" in own.text and "Amérique du Nord" in own.text
    fallback = elan_server.get("/guide/fr-CA/values")  # listed in fr-CA/FALLBACK.md: the France chapter
    assert fallback.status_code == 200 and '<html lang="fr-CA">' in fallback.text
    assert "code QR" in fallback.text and "QR code" not in fallback.text
    assert "QR code" in elan_server.get("/guide/fr/values").text
    assert elan_server.get("/guide/de/values").status_code == 404
