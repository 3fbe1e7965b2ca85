"""The session report and its data: French CSV for Excel, readable XLSX sheets, HTML and PDF, no names when anonymous."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

import widgets.workshops.day  # noqa: F401  (registers the report sections)
from tests.binaries import in_ci
from widgets.live.exercises import casebook
from widgets.web import export
from widgets.workshops.cases.dashboard import step_spec
from widgets.workshops.metrics.matching import match_spec
from widgets.workshops.week import rules as week

NONCE = "nonce-7f3a9c"


def _values_session(
    engine, *, lang: str = "fr", anonymous: bool = False, title: str = "Accueil client, groupe 2"
) -> str:
    """A values session as a room leaves it: cards (one merged, one a formula), a dot vote, statements, a vision."""
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "values", lang, title=title)["code"]
    if anonymous:
        engine.set_option(trainer, code, "anonymous", True)
    engine.open_activity(
        trainer,
        code,
        {
            "kind": "ideas",
            "id": "cards",
            "prompt": {"fr": "Un mot pour notre service ?", "en": "A word for our service?"},
        },
    )
    tokens = [engine.join(code, name=name)[1] for name in ("Zéphyrine", "Barnabé", "Ana")]
    for i, word in enumerate(("Écoute", "Rapidité", "=HYPERLINK(1)")):
        engine.submit(code, tokens[0], "cards", {"text": word, "nonce": f"{NONCE}-{i}"})
    late = engine.submit(code, tokens[1], "cards", {"text": "écoute", "nonce": f"{NONCE}-9"})["id"]
    engine.merge(trainer, code, [late], 1)
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "cards", "budget": 2, "stack": False})
    for token in tokens:
        engine.submit(code, token, "vote", {"item": 1, "dots": 1})
    engine.submit(code, tokens[2], "vote", {"item": 2, "dots": 1})
    engine.set_data(
        trainer,
        code,
        "kept",
        [{"id": 1, "text": "Écoute", "dots": 3, "voters": 3}, {"id": 2, "text": "Rapidité", "dots": 1, "voters": 1}],
    )
    engine.open_activity(
        trainer,
        code,
        {
            "kind": "ideas",
            "id": "actions",
            "prompt": "Comment la vivre ?",
            "tags": [{"id": "1", "label": "Écoute"}, {"id": "2", "label": "Rapidité"}],
        },
    )
    engine.submit(code, tokens[1], "actions", {"text": "Je reformule avant de répondre.", "tag": "1", "nonce": NONCE})
    engine.set_data(trainer, code, "actions", {"1": "Je reformule avant de répondre."})
    engine.set_data(trainer, code, "vision", "Un service qui écoute et tient parole.")
    return code


def _csv_rows(text: str, sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep))


def test_french_csv_has_a_bom_semicolons_and_readable_rows(engine):
    code = _values_session(engine)
    text = export.to_csv(engine, code)
    assert text.startswith("\ufeff")
    rows = _csv_rows(text, ";")
    assert all(len(row) > 3 for row in rows if row), "a French spreadsheet splits every row on ';'"
    assert NONCE not in text  # the re-send nonce is internal
    flat = [cell for row in rows for cell in row]
    assert "fusionnée avec «\u00a0Écoute\u00a0»" in flat  # statuses in French
    assert "visible" not in flat and "hidden" not in flat
    assert "'=HYPERLINK(1)" in flat  # text, never a formula
    assert "Je reformule avant de répondre." in flat
    # The activity is named by its prompt, never by its internal id.
    assert "action_vote" not in text and not any(row[0] in ("cards", "vote", "actions") for row in rows if row)


def test_english_csv_uses_commas(engine):
    code = _values_session(engine, lang="en")
    rows = _csv_rows(export.to_csv(engine, code), ",")
    assert [
        "Activity",
        "Table",
        "Card no.",
        "Text",
        "For",
        "Status",
        "Merged into card no.",
        "Participant",
        "Name",  # the name as the person gave it, often first and last
    ] in rows
    assert any("merged with “Écoute”" in row for row in rows)


def test_xlsx_has_one_readable_sheet_per_activity_and_no_nonce(engine):
    code = _values_session(engine)
    book = load_workbook(io.BytesIO(export.to_xlsx(engine, code)))
    assert book.sheetnames[0] == "Sommaire"
    for sheet in book.worksheets[1:]:
        assert sheet.title not in ("cards", "vote", "actions", "action_vote")
        headers = [c.value for c in sheet[2]]
        assert headers and all(isinstance(h, str) and h[0].isupper() for h in headers), (sheet.title, headers)
    cards = next(sheet for sheet in book if sheet["A1"].value == "Un mot pour notre service ?")
    assert cards.title == "Un mot pour notre service"  # a sheet name may not hold "?"
    header = [c.value for c in cards[2]]
    body = [dict(zip(header, [c.value for c in row])) for row in cards.iter_rows(min_row=3)]
    # Text, never a formula: a string cell with Excel's quote prefix, and no visible apostrophe.
    assert [r["Texte"] for r in body] == ["Écoute", "Rapidité", "=HYPERLINK(1)", "écoute"]
    formula_like = next(c for row in cards.iter_rows(min_row=3) for c in row if c.value == "=HYPERLINK(1)")
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert body[0]["N° de carte"] == 1 and body[0]["Participant"] == "P1" and body[0]["Nom"] == "Zéphyrine"
    everything = " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None
    )
    assert NONCE not in everything
    assert "Classement des valeurs (vote" in book.sheetnames


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "zip"])
def test_an_anonymous_session_exports_no_name(engine, fmt):
    import zipfile

    code = _values_session(engine, anonymous=True)
    body = export.render(engine, code, fmt)
    if fmt == "zip":
        archive = zipfile.ZipFile(io.BytesIO(body))
        body = " ".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        body = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    for name in ("Zéphyrine", "Barnabé", "Ana"):
        assert name not in body.replace("Analyse", ""), (fmt, name)
    assert "Écoute" in body


def test_names_are_exported_when_kept(engine):
    code = _values_session(engine)
    assert "Zéphyrine" in export.to_csv(engine, code)


def test_the_html_report_shows_the_ranking_and_the_statement(engine):
    code = _values_session(engine)
    html = export.to_html(engine, code)
    assert '<html lang="fr">' in html and "@media print" in html
    assert 'font-family: "DejaVu Sans"' in html  # the style sheet goes in as it is, not escaped
    assert "Accueil client, groupe 2" in html
    assert "Un service qui écoute et tient parole." in html
    assert html.index("Nos valeurs de service") < html.index("Activité par activité")
    ranking = html[html.index("Classement des valeurs") :]
    assert ranking.index("Écoute") < ranking.index("Rapidité")
    assert "<strong>Écoute</strong> — Je reformule avant de répondre." in html
    assert "&#39;=HYPERLINK(1)" in html or "'=HYPERLINK(1)" not in html  # escaped text either way
    assert NONCE not in html


def test_case_steps_come_in_the_order_they_were_played(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "cases", "en")["code"]
    options = [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]
    for step in ("zeta", "alpha", "mid"):
        engine.open_activity(
            trainer,
            code,
            {"kind": "choice", "id": f"case-x:{step}", "title": "Case", "prompt": f"Step {step}", "options": options},
        )
    titles = [t.title for t in export.collect(engine, code).tables]
    assert titles == ["Case — Step zeta", "Case — Step alpha", "Case — Step mid"]


def test_the_matching_section_marks_the_reference(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "metrics", "en")["code"]
    engine.open_activity(trainer, code, match_spec("values", "en"))
    token = engine.join(code)[1]
    engine.submit(code, token, "metrics-values", {"row": "speed", "columns": ["FRT", "NPS"]})
    report = export.collect(engine, code)
    section = next(s for s in report.sections if s.id == "matching")
    assert 'class="num ref">100 % ✓' in section.html  # FRT: chosen by everyone, in the reference
    assert 'class="num">100 %' in section.html  # NPS: chosen, not in the reference


@pytest.mark.skipif(not Path(export.CHROMIUM).exists() and not in_ci(), reason="Debian's chromium prints the PDF")
def test_the_pdf_opens_with_its_text(engine):
    from pypdf import PdfReader

    code = _values_session(engine)
    reader = PdfReader(io.BytesIO(export.to_pdf(engine, code)))
    assert 1 <= len(reader.pages) <= 4
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Accueil client, groupe 2",
        "Un service qui écoute",
        "Rapidité",
        "Je reformule avant de répondre.",
    ):
        assert expected in text, expected
    assert "compte rendu de séance" in text.lower()  # printed in capitals by the style


def test_the_cases_section_follows_the_group_path(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "cases", "en")["code"]
    case = casebook.get_case("billing-double-charge")
    tokens = [engine.join(code)[1] for _ in range(3)]
    for step, choice in (("opening", "own-it"), ("check", "refund-now"), ("closing", "check-rest")):
        engine.open_activity(trainer, code, step_spec(case, step, 1))
        for token in tokens:
            engine.submit(code, token, f"billing-double-charge:{step}", {"option": choice})
    report = export.collect(engine, code)
    section = next(s for s in report.sections if s.id == "cases")
    rows = section.tables[0].rows
    assert [r["step_id"] for r in rows] == ["opening", "check", "closing"]
    assert rows[0]["choice"] == casebook.response(case, "opening", "own-it")["text"]["en"]
    assert casebook.ending(case, "loyal")["title"]["en"] in section.html
    assert "Empathy" in section.html and "/ 100" in section.html
    assert [r["turning"] for r in rows].count("yes") == 1  # the cases workshop's own turning step
    assert rows[0]["count"] == "3/3"


def test_the_week_section_lists_the_plan(engine):
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "week", "fr")["code"]
    plan = week.Plan([week.Placement("peer-cards", day=1)])
    engine.set_data(trainer, code, "plan", plan.to_dict())
    engine.set_data(trainer, code, "year", 2026)
    section = next(s for s in export.collect(engine, code).sections if s.id == "week")
    assert section.tables[0].rows[0]["date"] == week.week_days(2026)[1].isoformat()
    assert week.title("peer-cards", week.cards(), "fr") in section.html


def test_the_week_section_names_the_group_own_ideas(engine):
    from widgets.workshops.day.sections import WEEK_IDEAS
    from widgets.workshops.week.dashboard import IDEAS

    assert WEEK_IDEAS == IDEAS
    trainer = engine.authenticate("test-key")
    code = engine.create_session(trainer, "week", "en")["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": IDEAS})
    token = engine.join(code)[1]
    card = engine.submit(code, token, IDEAS, {"text": "Breakfast with the CEO"})["id"]
    engine.set_data(trainer, code, "plan", week.Plan([week.Placement(f"item-{card}", day=2)]).to_dict())
    section = next(s for s in export.collect(engine, code).sections if s.id == "week")
    assert section.tables[0].rows[0]["activity"] == "Breakfast with the CEO"


def test_the_values_section_reads_the_activities_the_values_workshop_opens():
    from widgets.workshops.values import dashboard as values

    assert (values.CARDS, values.VOTE, values.ACTION_VOTE, values.VISION_RATE) == (
        "cards",
        "vote",
        "action_vote",
        "vision_rate",
    )
