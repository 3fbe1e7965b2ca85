"""Attendance and certificates: signatures as strokes, the trainer's validation, sheets, certificates, anonymity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import widgets.workshops.day  # noqa: F401
from widgets.core.errors import Conflict, Forbidden, Invalid, NotFound
from widgets.web import export
from widgets.workshops.day import attendance as att
from widgets.workshops.day import certificates as cert
from widgets.workshops.day import run

AGENDA = {
    "start": "09:00",
    "end": "17:00",
    "items": [
        {"kind": "activity", "ref": "signin"},
        {"kind": "activity", "ref": "wordcloud"},
        {"kind": "workshop", "ref": "values"},
        {"kind": "break", "ref": "lunch"},
        {"kind": "activity", "ref": "signin"},
        {"kind": "workshop", "ref": "metrics"},
        {"kind": "activity", "ref": "evaluation"},
    ],
}
SIGNATURE = [[[0.1, 0.5], [0.2, 0.3], [0.3, 0.6]], [[0.5, 0.5], [0.9, 0.4]]]


def _day(engine, *, anonymous=False):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
    if anonymous:
        engine.set_option(trainer, code, "anonymous", True)
    run.setup(
        engine,
        trainer,
        code,
        {
            "title": "Relation client",
            "organisation": "Forma Plus",
            "trainer": "Aline Martin",
            "place": "Lyon, salle 2",
            "dates": ["2026-12-01"],
            "agenda": AGENDA,
        },
    )
    return trainer, code


def test_setup_derives_the_half_days_from_the_agenda(engine):
    _, code = _day(engine)
    day = engine.session(code)["state"]["data"]["day"]
    assert [(h["id"], h["start"], h["end"]) for h in day["halfdays"]] == [
        ("d1-am", "09:00", "10:20"),
        ("d1-pm", "11:20", "12:27"),
    ]


def test_setup_refuses_a_bad_agenda_by_name(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "day", "fr")["code"]
    with pytest.raises(Invalid) as bad:
        run.setup(
            engine,
            trainer,
            code,
            {"dates": ["2026-12-01"], "agenda": {"items": [{"kind": "workshop", "ref": "juggling"}]}},
        )
    assert bad.value.values == {"ref": "juggling"}
    with pytest.raises(Invalid):
        run.setup(engine, trainer, code, {"dates": [], "agenda": AGENDA})


def test_sign_validate_and_print(engine):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    people = [engine.join(code, name=n) for n in ("Zoé", "Yann", "Xavier")]
    with pytest.raises(Invalid):
        engine.submit(code, people[0][1], "signin-d1-am", {"name": "Zoé Duval", "strokes": [[[0.1, 0.1]]]})  # a tap
    for (_person, token), name in zip(people[:2], ("Zoé Duval", "Yann Le Gall")):
        engine.submit(code, token, "signin-d1-am", {"name": name, "strokes": SIGNATURE})
    stored = engine.results(code, "signin-d1-am")
    assert stored == {"signed": 2, "participants": 3}  # the phones get counts, never names or signatures
    att.mark(engine, trainer, code, "d1-am", people[0][0]["id"], "present")
    att.mark(engine, trainer, code, "d1-am", people[1][0]["id"], "present", name="Yann Le Gall-Morvan")
    att.mark(engine, trainer, code, "d1-am", people[2][0]["id"], "absent")
    with pytest.raises(Conflict):  # validated: the participant can no longer change it
        engine.submit(code, people[0][1], "signin-d1-am", {"name": "Autre", "strokes": SIGNATURE})
    with pytest.raises(Forbidden):
        att.mark(engine, None, code, "d1-am", people[0][0]["id"], "present")
    with pytest.raises(NotFound):
        att.mark(engine, trainer, code, "d9-am", people[0][0]["id"], "present")
    sheet = att.sheet(engine, code, "d1-am")
    rows = {r["name"]: r for r in sheet["rows"]}
    assert set(rows) == {"Zoé Duval", "Yann Le Gall-Morvan", "Xavier"}
    assert rows["Zoé Duval"]["signature"].startswith("M25 50L50 30L75 60M125 50")
    assert rows["Yann Le Gall-Morvan"]["corrected"] and rows["Xavier"]["status_label"] == "absent"
    html = att.sheet_html(engine, code, "d1-am")
    for text in (
        "Feuille d’émargement",
        "Relation client",
        "Lyon, salle 2",
        "Aline Martin",
        "mardi 1er décembre 2026",
        "09:00–10:20",
    ):
        assert text in html, text
    assert html.count("<path d=") == 2  # the absent line shows no signature


def test_certificates_for_those_validated_present(engine):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    zoe, token = engine.join(code, name="Zoé")
    yann, token2 = engine.join(code, name="Yann")
    engine.submit(code, token, "signin-d1-am", {"name": "Zoé Duval", "strokes": SIGNATURE})
    engine.submit(code, token2, "signin-d1-am", {"name": "Yann Le Gall", "strokes": SIGNATURE})
    att.mark(engine, trainer, code, "d1-am", zoe["id"], "present")
    found = cert.certificates(engine, code)
    assert [c["name"] for c in found] == ["Zoé Duval"]  # Yann's signature is not validated yet
    assert found[0]["present"] == 1 and found[0]["halfdays"] == 2
    html = cert.certificates_html(engine, code)
    for text in (
        "Attestation de fin de formation",
        "Zoé Duval",
        "Relation client",
        "Forma Plus",
        "1 demi-journée(s) sur 2",
        "Aline Martin",
        "garde cinq valeurs",
        "Faire entendre chaque voix",
    ):
        assert text in html, text
    assert "Chacun signe la feuille" not in html  # the paperwork is no objective of the training
    with pytest.raises(NotFound):
        cert.certificates(engine, code, participant_id=yann["id"])


def test_a_certificate_states_the_assessment_of_learning(engine):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    zoe, token = engine.join(code, name="Zoé")
    engine.submit(code, token, "signin-d1-am", {"name": "Zoé Duval", "strokes": SIGNATURE})
    att.mark(engine, trainer, code, "d1-am", zoe["id"], "present")
    engine.open_activity(trainer, code, run.ev.quiz_spec("pre"))
    engine.submit(code, token, "quiz-pre", {"question": "nps-compute", "option": "b"})
    engine.open_activity(trainer, code, run.ev.quiz_spec("post"))
    engine.submit(code, token, "quiz-post", {"question": "nps-compute", "option": "a"})
    engine.submit(code, token, "quiz-post", {"question": "service-week", "option": "a"})
    html = cert.certificates_html(engine, code)
    assert "quiz de départ\u00a0: 0/6" in html and "quiz de fin\u00a0: 2/6" in html
    assert "0 bonnes réponses" not in html  # a score, never a count of nothing right


def test_an_anonymous_session_has_no_attendance_and_no_certificate(engine):
    trainer, code = _day(engine, anonymous=True)
    run.goto(engine, trainer, code, {"index": 0})
    me, token = engine.join(code, name="Zoé")
    assert engine.participant_state(code, token)["view"]["anonymous"]
    with pytest.raises(Conflict):
        engine.submit(code, token, "signin-d1-am", {"name": "Zoé", "strokes": SIGNATURE})
    with pytest.raises(Conflict):
        att.mark(engine, trainer, code, "d1-am", me["id"], "present")
    with pytest.raises(Conflict):
        cert.certificates_html(engine, code)
    assert all(s.id != "attendance" for s in export.collect(engine, code).sections)


def test_the_report_counts_attendance_and_the_programme_prints(engine):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    me, token = engine.join(code, name="Zoé")
    engine.submit(code, token, "signin-d1-am", {"name": "Zoé Duval", "strokes": SIGNATURE})
    att.mark(engine, trainer, code, "d1-am", me["id"], "present")
    section = next(s for s in export.collect(engine, code).sections if s.id == "attendance")
    assert section.tables[0].rows[0]["name"] == "Zoé Duval" and "Présents" not in section.tables[0].title
    html = run.programme_html(engine, code)
    for text in (
        "Relation client",
        "Programme",
        "09:00–09:05",
        "Accueil et émargement",
        "Déjeuner",
        "Nos valeurs de service",
        code,
    ):
        assert text in html, text


def test_the_word_cloud_folds_and_moderates(engine):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 1})
    tokens = [engine.join(code)[1] for _ in range(3)]
    for token, word in zip(tokens, ("Écoute", "écoute", "Sourire")):
        engine.submit(code, token, "wordcloud", {"text": word})
    assert [(w["text"], w["count"]) for w in engine.results(code, "wordcloud")["words"]] == [
        ("écoute", 2),
        ("Sourire", 1),
    ]
    run.openers.moderate(engine, trainer, code, {"key": "sourire", "status": "hidden"})
    assert [w["text"] for w in engine.results(code, "wordcloud")["words"]] == ["écoute"]


def test_signatures_and_attendance_lines_go_with_the_names(engine):
    from widgets.live import privacy
    from widgets.live import store as st

    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    people = [engine.join(code, name=n) for n in ("Zoé", "Yann")]
    for (person, token), name in zip(people, ("Zoé Duval", "Yann Le Gall")):
        engine.submit(code, token, "signin-d1-am", {"name": name, "strokes": SIGNATURE})
        att.mark(engine, trainer, code, "d1-am", person["id"], "present", name=name + " (corrigé)")

    def stored_text():
        with engine.store.read() as conn:
            answers = [str(row.value) for row in conn.execute(sa.select(st.responses.c.value))]
        return " ".join(answers) + str(engine.session(code)["state"])

    privacy.forget_participant(engine.store, code, people[0][0]["id"])
    assert "Zoé" not in stored_text() and "Yann Le Gall" in stored_text()
    privacy.anonymize_session(engine.store, code)
    assert "Yann" not in stored_text()
