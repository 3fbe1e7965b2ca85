"""The roster and what is filed from it: every half-day's sheet lists everyone expected, hours follow the programme.

A day of 8 expected (imported from a spreadsheet), 6 joining: one leaves at lunch,
one arrives late. Each half-day's sheet (HTML and PDF read back) lists the 8 with
their status and times; each certificat de réalisation's hours are the programme's
training time of the half-days attended.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from pypdf import PdfReader

import widgets.workshops.day  # noqa: F401  (registrations)
from widgets.core.errors import Conflict, Forbidden, Invalid
from widgets.live.exercises import signin
from widgets.web import export
from widgets.workshops.day import attendance as att
from widgets.workshops.day import certificates as cert
from widgets.workshops.day import paperwork, realisation, roster, run

PARIS = ZoneInfo("Europe/Paris")
# 09:30-12:05 with a 15-minute break: 2 h 20 of training; 13:05-15:20 with a break: 2 h 00.
AGENDA = {
    "start": "09:30",
    "end": "17:00",
    "items": [
        {"kind": "activity", "ref": "signin", "minutes": 5},
        {"kind": "workshop", "ref": "values", "minutes": 70},
        {"kind": "break", "ref": "break"},
        {"kind": "workshop", "ref": "metrics", "minutes": 65},
        {"kind": "break", "ref": "lunch"},
        {"kind": "activity", "ref": "signin", "minutes": 5},
        {"kind": "workshop", "ref": "cases", "minutes": 100},
        {"kind": "break", "ref": "break"},
        {"kind": "activity", "ref": "evaluation", "minutes": 15},
    ],
}
SIGNATURE = [[[0.1, 0.5], [0.2, 0.3], [0.3, 0.6]], [[0.5, 0.5], [0.9, 0.4]]]
ROSTER_CSV = (
    "Prénom;Nom;Employeur\n"
    "Zoé;Duval;Banque Rhône\n"
    "Yann;Le Gall;Banque Rhône\n"
    "Xavier;Martin;Transports Azur\n"
    "Wassila;Benali;Transports Azur\n"
    "Victor;Hugo;Mutuelle Ouest\n"
    "Ursule;Petit;Mutuelle Ouest\n"
    "Théo;Lambert;Banque Rhône\n"
    "Sarah;Cohen;Mutuelle Ouest\n"
).encode("utf-8-sig")


def _at(hour: int, minute: int) -> float:
    return dt.datetime(2026, 12, 1, hour, minute, tzinfo=PARIS).timestamp()


def _sign(engine, monkeypatch, code, token, halfday, name, hour, minute):
    monkeypatch.setattr(signin.time, "time", lambda: _at(hour, minute))
    engine.submit(code, token, f"signin-{halfday}", {"name": name, "strokes": SIGNATURE})
    monkeypatch.undo()


def _day(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "day", "fr", title="Accueil")["code"]
    run.setup(
        engine,
        trainer,
        code,
        {
            "title": "Relation client",
            "organisation": "Forma Plus",
            "trainer": "Aline Martin",
            "place": "Lyon",
            "dates": ["2026-12-01"],
            "agenda": AGENDA,
        },
    )
    return trainer, code


@pytest.fixture
def day_of_eight(engine, monkeypatch):
    """8 expected; 6 join. Victor leaves at lunch; Ursule arrives at 10:05; Théo and Sarah never come."""
    trainer, code = _day(engine)
    entries = roster.parse("inscrits.csv", ROSTER_CSV)
    roster.set_roster(engine, trainer, code, entries)
    run.goto(engine, trainer, code, {"index": 0})
    joined = {}
    # Some join with a first name only, one signs surname first: matched to the roster by name all the same.
    for first, signed_as, minute in (
        ("Zoé", "Zoé Duval", 32),
        ("Yann", "Yann Le Gall", 33),
        ("Xavier", "MARTIN Xavier", 33),
        ("Wassila", "Wassila Benali", 34),
        ("Victor", "Victor Hugo", 35),
    ):
        person, token = engine.join(code, name=first)
        joined[first] = (person, token)
        _sign(engine, monkeypatch, code, token, "d1-am", signed_as, 9, minute)
    person, token = engine.join(code, name="Ursule Petit")
    joined["Ursule"] = (person, token)
    _sign(engine, monkeypatch, code, token, "d1-am", "Ursule Petit", 10, 5)
    for person, _token in joined.values():
        att.mark(engine, trainer, code, "d1-am", person["id"], "present")
    run.goto(engine, trainer, code, {"index": 5})
    for first in ("Zoé", "Yann", "Xavier", "Wassila", "Ursule"):
        person, token = joined[first]
        view = engine.participant_state(code, token)["view"]
        assert view["name"] not in ("", first) or first == "Ursule"  # the morning's name, ready to sign again
        _sign(engine, monkeypatch, code, token, "d1-pm", view["name"], 13, 7)
        att.mark(engine, trainer, code, "d1-pm", person["id"], "present")
    return trainer, code, joined


def _statuses(sheet):
    return {r["name"]: (r["status"], r["arrival"]) for r in sheet["rows"]}


def test_each_half_day_lists_everyone_expected(engine, day_of_eight):
    _trainer, code, _joined = day_of_eight
    morning, afternoon = att.sheet(engine, code, "d1-am"), att.sheet(engine, code, "d1-pm")
    assert _statuses(morning) == {
        "Zoé Duval": ("present", ""),
        "Yann Le Gall": ("present", ""),
        "Xavier Martin": ("present", ""),
        "Wassila Benali": ("present", ""),
        "Victor Hugo": ("present", ""),
        "Ursule Petit": ("late", "10:05"),
        "Théo Lambert": ("absent", ""),
        "Sarah Cohen": ("absent", ""),
    }
    assert _statuses(afternoon) == {
        "Zoé Duval": ("present", ""),
        "Yann Le Gall": ("present", ""),
        "Xavier Martin": ("present", ""),
        "Wassila Benali": ("present", ""),
        "Victor Hugo": ("absent", ""),  # left at lunch
        "Ursule Petit": ("present", ""),
        "Théo Lambert": ("absent", ""),
        "Sarah Cohen": ("absent", ""),
    }
    assert morning["counts"] == {"present": 5, "late": 1, "absent": 2, "pending": 0}
    assert afternoon["counts"] == {"present": 5, "late": 0, "absent": 3, "pending": 0}
    assert (morning["minutes"], afternoon["minutes"]) == (140, 120)  # the programme's training time, breaks out
    section = next(s for s in export.collect(engine, code).sections if s.id == "attendance")
    assert "<td>2</td>" in section.html and "<td>3</td>" in section.html  # absent counts in the report
    assert all(len(table.rows) == 8 for table in section.tables)


NAMES = (
    "Zoé Duval",
    "Yann Le Gall",
    "Xavier Martin",
    "Wassila Benali",
    "Victor Hugo",
    "Ursule Petit",
    "Théo Lambert",
    "Sarah Cohen",
)


def _row_of(text: str, name: str) -> str:
    """A sheet's line as the PDF reads back: from the name to the next name or the counts below the table."""
    start = text.index(name)
    ends = [text.find(other, start + 1) for other in (*NAMES, "Présents")]
    return text[start : min(e for e in ends if e > start)].strip()


def _pdf_text(html: str) -> str:
    reader = PdfReader(io.BytesIO(export.html_to_pdf(html)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_sheets_print_all_eight_in_html_and_pdf(engine, day_of_eight):
    trainer, code, _joined = day_of_eight
    att.sign_as_trainer(engine, trainer, code, "d1-am", SIGNATURE)
    for halfday, absent in (
        ("d1-am", {"Théo Lambert", "Sarah Cohen"}),
        ("d1-pm", {"Théo Lambert", "Sarah Cohen", "Victor Hugo"}),
    ):
        html = att.sheet_html(engine, code, halfday)
        text = _pdf_text(html)
        for name in NAMES:
            assert name in html and name in text, (halfday, name)
            row = _row_of(text, name)
            assert row.endswith("absent") == (name in absent), (halfday, name, row)
        assert html.count('data-status="absent"') == len(absent)
    morning = _pdf_text(att.sheet_html(engine, code, "d1-am"))
    assert _row_of(morning, "Ursule Petit").endswith("10:05 en retard (arrivée à 10:05)")
    assert _row_of(morning, "Zoé Duval").endswith("09:32 présent") and "2 h 20" in morning
    assert "Signé par Aline Martin le 01/12/2026" not in morning  # signed now, not on the day
    assert "Signé par Aline Martin" in morning


def test_hours_on_each_certificate_are_the_half_days_attended(engine, day_of_eight):
    trainer, code, joined = day_of_eight
    found = {c["name"]: c for c in cert.certificates(engine, code)}
    assert set(found) == {"Zoé Duval", "Yann Le Gall", "Xavier Martin", "Wassila Benali", "Victor Hugo", "Ursule Petit"}
    assert found["Victor Hugo"]["minutes"] == 140 and found["Zoé Duval"]["minutes"] == 260
    assert found["Victor Hugo"]["org"] == "Mutuelle Ouest"
    paperwork.save(
        engine,
        trainer,
        code,
        {
            "declaration": "11 75 12345 75",
            "siret": "73282932000074",
            "signatory": "Claire Dubois",
            "nature": "formation",
        },
    )
    html = realisation.realisation_html(engine, code)
    text = _pdf_text(html)
    for piece in (
        "Certificat de réalisation",
        "11751234575",
        "73282932000074",
        "Claire Dubois",
        "Mutuelle Ouest",
        "du 01/12/2026 au 01/12/2026",
        "2,33 heures (2 h 20, 1 demi-journée(s) sur 2)",
        "4,33 heures (4 h 20, 2 demi-journée(s) sur 2)",
        "Cachet et signature",
    ):
        assert piece in text, piece
    assert text.count("Certificat de réalisation") == 6
    one = realisation.realisation_html(engine, code, joined["Victor"][0]["id"])
    assert 'data-minutes="140"' in one and one.count("<section") == 1


def test_a_signature_outside_its_half_day_is_flagged(engine, monkeypatch):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    person, token = engine.join(code, name="Zoé")
    _sign(engine, monkeypatch, code, token, "d1-am", "Zoé Duval", 23, 34)
    sheet = att.sheet(engine, code, "d1-am")
    assert sheet["rows"][0]["outside"] and sheet["outside"] == 1
    assert "signé hors de la demi-journée" in att.sheet_html(engine, code, "d1-am")


def test_the_trainer_signs_each_half_day_on_the_device(engine):
    trainer, code = _day(engine)
    with pytest.raises(Forbidden):
        att.sign_as_trainer(engine, None, code, "d1-am", SIGNATURE)
    with pytest.raises(Invalid):
        att.sign_as_trainer(engine, trainer, code, "d1-am", [[[0.1, 0.1]]])  # a tap
    att.sign_as_trainer(engine, trainer, code, "d1-pm", SIGNATURE)
    assert att.sheet(engine, code, "d1-am")["trainer_signature"] is None
    signed = att.sheet(engine, code, "d1-pm")["trainer_signature"]
    assert signed["name"] == "Aline Martin" and signed["path"].startswith("M25 50")


def test_a_roster_spreadsheet_is_read_whole_or_refused_by_row(engine):
    book = Workbook()
    sheet = book.active
    sheet.append(["First name", "Last name", "Company"])
    sheet.append(["Zoé", "Duval", "Banque Rhône"])
    sheet.append([None, None, None])
    sheet.append(["Yann", None, None])
    raw = io.BytesIO()
    book.save(raw)
    assert roster.parse("list.xlsx", raw.getvalue()) == [
        {"first": "Zoé", "last": "Duval", "org": "Banque Rhône"},
        {"first": "Yann", "last": "", "org": ""},
    ]
    with pytest.raises(Invalid) as bad:
        roster.parse("list.csv", "Prénom,Nom,Employeur\nZoé,Duval,\n,,Banque\n".encode())
    assert bad.value.values == {"row": 3}  # a row with no name is named, never skipped
    with pytest.raises(Invalid):
        roster.parse("list.csv", b"Email;Phone\nz@example.org;1\n")
    with pytest.raises(Invalid):
        roster.parse("list.xlsx", b"PK\x03\x04 not a zip")
    trainer, code = _day(engine)
    action = export.ACTIONS["roster"]
    done = action(engine, trainer, code, {"filename": "list.xlsx", "file": base64.b64encode(raw.getvalue()).decode()})
    assert [e["first"] for e in done["roster"]] == ["Zoé", "Yann"]


def test_the_paperwork_facts_are_checked(engine):
    trainer, code = _day(engine)
    with pytest.raises(Invalid):
        paperwork.save(engine, trainer, code, {"siret": "73282932000075"})
    with pytest.raises(Invalid):
        paperwork.save(engine, trainer, code, {"declaration": "1234"})
    with pytest.raises(Invalid):
        paperwork.save(engine, trainer, code, {"stamp": "data:image/svg+xml;base64,PHN2Zz4="})
    with pytest.raises(Invalid):  # says it is a PNG, is not one
        paperwork.save(engine, trainer, code, {"stamp": "data:image/png;base64," + base64.b64encode(b"<svg>").decode()})
    with pytest.raises(Forbidden):
        paperwork.save(engine, None, code, {"siret": "73282932000074"})
    png = b"\x89PNG\r\n\x1a\n" + bytes(40)
    saved = paperwork.save(engine, trainer, code, {"stamp": "data:image/png;base64," + base64.b64encode(png).decode()})
    assert saved["stamp"] is True


def test_an_anonymous_session_takes_no_roster(engine):
    trainer, code = _day(engine)
    engine.set_option(trainer, code, "anonymous", True)
    with pytest.raises(Conflict):
        roster.set_roster(engine, trainer, code, [{"first": "Zoé"}])


def test_the_programme_states_what_a_programme_must(engine):
    trainer, code = _day(engine)
    paperwork.save(
        engine, trainer, code, {"programme": {"price": "450 € HT par personne", "lead_time": "Sous 7 jours"}}
    )
    with pytest.raises(Invalid):
        paperwork.save(engine, trainer, code, {"programme": {"colour": "bleu"}})
    html = run.programme_html(engine, code)
    text = _pdf_text(html)
    for piece in (
        "Prérequis",
        "Public",
        "Objectifs",
        "Méthodes pédagogiques",
        "Évaluation des acquis",
        "Accessibilité",
        "référent handicap",
        "Délai d’accès",
        "Sous 7 jours",
        "Tarif",
        "450 € HT par personne",
    ):
        assert piece in html and piece in text, piece
    sent = export.ACTIONS["trainer-sign"](engine, trainer, code, {"halfday": "d1-am", "strokes": SIGNATURE})
    assert sent == {"halfday": "d1-am", "name": "Aline Martin"}


# A thousand characters with emoji and no space for 80 of them: kept whole everywhere.
LONG = ("Très utile 👍🏽 : l’écoute active change tout 🎧. " * 40)[:913] + "x" * 80 + " 🙂 fin."


def _evaluate(engine, trainer, code, joined):
    from widgets.workshops.day import evaluation as ev

    people = [joined[first] for first in ("Zoé", "Yann", "Xavier", "Wassila", "Ursule")]
    engine.open_activity(trainer, code, ev.quiz_spec("pre"))
    for n, (_person, token) in enumerate(people):
        engine.submit(code, token, "quiz-pre", {"question": "nps-compute", "option": "a" if n else "b"})
    engine.open_activity(trainer, code, ev.workshop_evaluation_spec("values"))
    for n, (_person, token) in enumerate(people):
        engine.submit(code, token, "evaluation-values", {"question": "satisfaction", "value": 4 + n % 2})
        engine.submit(code, token, "evaluation-values", {"question": "useful-values", "value": 3 + n % 3})
    engine.submit(code, people[1][1], "evaluation-values", {"question": "comment-keep", "value": "Plus d’exemples 🙏"})
    engine.open_activity(trainer, code, ev.evaluation_spec(["values"]))
    for n, (_person, token) in enumerate(people):
        engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": 3 + n % 3})
        engine.submit(code, token, "evaluation", {"question": "recommendation", "value": 6 + n})
    engine.submit(code, people[0][1], "evaluation", {"question": "comment-keep", "value": LONG})


def _bare(text: str) -> str:
    return "".join(text.split())


def test_every_export_opens_in_french_excel_and_keeps_every_word(engine, day_of_eight):
    import html as htmllib
    import zipfile

    import pandas as pd
    from openpyxl import load_workbook

    trainer, code, joined = day_of_eight
    assert len(LONG) == 1000
    _evaluate(engine, trainer, code, joined)
    archive = zipfile.ZipFile(io.BytesIO(export.render(engine, code, "zip")))
    frames = {}
    for name in archive.namelist():
        raw = archive.read(name)
        assert raw.startswith(b"\xef\xbb\xbf"), name
        frames[name] = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
        headers = " ".join(frames[name].columns)
        assert "Identifiant" not in headers and "N° de" not in headers, (name, headers)
    by_title = {name.split(" ", 1)[1].removesuffix(".csv"): frame for name, frame in frames.items()}
    figures = by_title["Satisfaction, recommandation et utilité"]
    assert figures["Résultat"].dtype == float and figures["Réponses"].dtype == "int64"
    workshops = by_title["Après chaque atelier"]
    assert workshops["Satisfaction moyenne sur 5"].tolist() == [4.4]  # 4, 5, 4, 5, 4
    assert workshops["Utilité moyenne sur 5"].tolist() == [3.8]  # 3, 4, 5, 3, 4
    answers = by_title["Réponses de chaque personne"]
    assert len(answers) == 5 and answers["Nom"].tolist()[0] == "Zoé"
    assert LONG in answers.astype(str).to_numpy().ravel().tolist()
    assert "Plus d’exemples 🙏" in by_title["Commentaires après chaque atelier"]["Commentaire"].tolist()
    sheet = next(frame for title, frame in by_title.items() if title.startswith("Présences"))
    assert len(sheet) == 8 and sorted(sheet["Statut"].value_counts().items()) == [
        ("absent", 2),
        ("en retard (arrivée à 10:05)", 1),
        ("présent", 5),
    ]
    assert all("-" not in str(v) or "/" in str(v) for v in sheet["Signé à"].dropna())

    book = load_workbook(io.BytesIO(export.render(engine, code, "xlsx")))
    cells = [c for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row]
    assert LONG in cells and "Plus d’exemples 🙏" in cells

    html = export.render(engine, code, "html")
    assert htmllib.escape(LONG, quote=False) in html or LONG in htmllib.unescape(html)
    text = _bare(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.render(engine, code, "pdf"))).pages))
    # Emoji included (the emoji font is installed by tests/system_setup.py); "fi" may come back as its ligature.
    assert _bare(LONG) in unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_guide_states_the_real_training_time_and_documents_that_exist(lang):
    from widgets import content
    from widgets.core.paths import GUIDE
    from widgets.workshops.day import agenda as ag

    chapter = (GUIDE / lang / "day.md").read_text(encoding="utf-8")
    header = chapter.split("\n## ", 1)[0]
    for sample in content.load("day/agendas")["agendas"]:
        agenda = ag.Agenda.from_dict(sample.get("agenda", sample))
        minutes = agenda.teaching_minutes()
        text = f"{minutes // 60}\u00a0h" + (f"\u00a0{minutes % 60:02d}" if minutes % 60 else "")
        assert text in header, (sample["id"], text)
        for part, value in att.halfday_minutes({"agenda": agenda.to_dict()}).items():
            assert cert.duration_text(value, lang) in chapter, (sample["id"], part)
    assert "7\u00a0h)" not in header and "3\u00a0h\u00a030" not in header
    audit = chapter.split("Qualiopi", 1)[1]
    named = set(re.findall(r"document `([a-z-]+)`", audit))
    assert named == {"programme", "attendance", "realisation", "certificates"}
    assert named <= set(export.DOCUMENTS)
    for indicator in ("1", "5", "10", "11", "12", "26", "30"):
        assert re.search(rf"\b{indicator}\b", audit), indicator


def test_the_phone_says_when_the_trainer_validated_its_signature(engine):
    trainer, code = _day(engine)
    run.goto(engine, trainer, code, {"index": 0})
    person, token = engine.join(code, name="Zoé")
    engine.submit(code, token, "signin-d1-am", {"name": "Zoé Duval", "strokes": SIGNATURE})
    view = engine.participant_state(code, token)["view"]
    assert view["signed"] and not view["validated"]
    att.mark(engine, trainer, code, "d1-am", person["id"], "present")
    assert engine.participant_state(code, token)["view"]["validated"]
    assert "validée" in engine.participant_state(code, token)["activity"]["labels"]["validated"]["fr"]


def test_the_roster_goes_with_the_names(engine):
    from widgets.live import privacy

    trainer, code = _day(engine)
    roster.set_roster(engine, trainer, code, [{"first": "Zoé", "last": "Duval"}, {"first": "Yann", "last": "Le Gall"}])
    person, _token = engine.join(code, name="Zoé")
    roster.link(engine, trainer, code, "r1", person["id"])
    privacy.forget_participant(engine.store, code, person["id"])
    assert "Duval" not in str(engine.session(code)["state"]) and "Le Gall" in str(engine.session(code)["state"])
    privacy.anonymize_session(engine.store, code)
    assert "Le Gall" not in str(engine.session(code)["state"])
