"""The training's own evaluation: the survey and quiz rules, CSAT/NPS by the kit's formulas, the learning gain."""

from __future__ import annotations

import pytest

import widgets.workshops.day  # noqa: F401
from widgets import content
from widgets.core.errors import Conflict, Invalid
from widgets.web import export
from widgets.workshops.day import evaluation as ev

pytestmark = pytest.mark.usefixtures("english_messages")


def _trainer(engine):
    return engine.authenticate("test-key")


def test_the_content_loads_in_both_languages_and_the_answers_are_options():
    doc = content.load("day/knowledge")
    for q in doc["questions"]:
        assert q["answer"] in [o["id"] for o in q["options"]]
        assert q["label"]["fr"] and q["label"]["en"]
    assert content.load("day/evaluation")["recommendation"]["metric"] == "NPS"


def test_a_wrong_answer_key_is_reported_with_its_field(tmp_path):
    bad = tmp_path / "quiz.yaml"
    bad.write_text(
        "kind: knowledge-check\ntitle: {fr: Quiz, en: Quiz}\nquestions:\n"
        "  - id: q\n    label: {fr: Q, en: Q}\n    options:\n"
        "      - {id: a, label: {fr: A, en: A}}\n      - {id: b, label: {fr: B, en: B}}\n    answer: z\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in content.validate_file(bad)]
    assert any("questions[0].answer" in p and "'z'" in p for p in problems), problems


def test_survey_answers_are_checked_and_replaced(engine):
    trainer = _trainer(engine)
    code = engine.create_session(trainer, "day", "fr")["code"]
    engine.open_activity(trainer, code, ev.evaluation_spec(["values"]))
    _, token = engine.join(code)
    with pytest.raises(Invalid):
        engine.submit(code, token, "evaluation", {"question": "recommendation", "value": 11})
    with pytest.raises(Invalid):
        engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": True})
    with pytest.raises(Invalid):
        engine.submit(code, token, "evaluation", {"question": "nope", "value": 3})
    engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": 2})
    assert engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": 5})["changed"]
    assert not engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": 5})["changed"]
    engine.submit(code, token, "evaluation", {"question": "comment-keep", "value": "  Le vote <b>  "})
    results = engine.results(code, "evaluation")
    satisfaction = next(q for q in results["questions"] if q["id"] == "satisfaction")
    assert satisfaction["scores"] == [5] and results["respondents"] == 1
    assert "useful-values" in [q["id"] for q in results["questions"]]


def test_the_quiz_hides_its_answers_until_revealed(engine):
    trainer = _trainer(engine)
    code = engine.create_session(trainer, "day", "en")["code"]
    engine.open_activity(trainer, code, ev.quiz_spec("pre"))
    _, token = engine.join(code)
    assert "answer" not in engine.participant_state(code, token)["activity"]
    engine.submit(code, token, "quiz-pre", {"question": "nps-compute", "option": "b"})
    with pytest.raises(Invalid):
        engine.submit(code, token, "quiz-pre", {"question": "nps-compute", "option": "zz"})
    engine.reveal(trainer, code, "quiz-pre")
    assert engine.participant_state(code, token)["activity"]["answer"]["nps-compute"] == "a"
    engine.set_input(trainer, code, False)
    with pytest.raises(Conflict):
        engine.submit(code, token, "quiz-pre", {"question": "nps-compute", "option": "a"})


def _day_with_evaluation(engine, lang="fr"):
    trainer = _trainer(engine)
    code = engine.create_session(trainer, "day", lang, title="Journée relation client")["code"]
    tokens = [engine.join(code, name=f"P{i}")[1] for i in range(4)]
    engine.open_activity(trainer, code, ev.quiz_spec("pre"))
    for i, token in enumerate(tokens):
        engine.submit(code, token, "quiz-pre", {"question": "nps-compute", "option": "a" if i == 0 else "b"})
        engine.submit(code, token, "quiz-pre", {"question": "csat-definition", "option": "a"})
    engine.open_activity(trainer, code, ev.evaluation_spec(["values"]))
    for token, sat, rec in zip(tokens, (5, 4, 3, 5), (10, 9, 6, 8)):
        engine.submit(code, token, "evaluation", {"question": "satisfaction", "value": sat})
        engine.submit(code, token, "evaluation", {"question": "recommendation", "value": rec})
        engine.submit(code, token, "evaluation", {"question": "useful-values", "value": 4})
    engine.submit(code, tokens[0], "evaluation", {"question": "comment-improve", "value": "Plus de pauses"})
    engine.open_activity(trainer, code, ev.quiz_spec("post"))
    for token in tokens[:3]:
        engine.submit(code, token, "quiz-post", {"question": "nps-compute", "option": "a"})
        engine.submit(code, token, "quiz-post", {"question": "csat-definition", "option": "b"})
    return code


def test_the_report_gives_nps_csat_and_the_learning_gain(engine):
    code = _day_with_evaluation(engine)
    report = export.collect(engine, code)
    section = next(s for s in report.sections if s.id == "evaluation")
    figures = {row["figure"]: row for row in section.tables[0].rows}
    # NPS: promoters 10, 9 (50 %) minus detractors 6 (25 %) = +25; CSAT: 4 and 5 = 3 of 4 = 75 %.
    assert figures["NPS"]["value"] == 25.0 and figures["NPS"]["n"] == 4
    assert figures["CSAT"]["value"] == 75.0
    assert "+25" in section.html and "75 %" in section.html
    assert "calculé comme vous venez de l’apprendre" in section.html
    gain = next(t for t in section.tables if t.id == "quiz-gain").rows
    nps_q = next(q for q in gain if q["id"] == "nps-compute")
    assert (nps_q["pre"], nps_q["post"], nps_q["gain"]) == (25, 100, 75)
    # Only the three who took both quizzes count for the group: 2 right answers of 6 questions each, after.
    found = ev.results(export.Source(engine, engine.session(code), "fr", True, []))
    assert found["quiz"]["group"]["matched"] == 3
    assert found["quiz"]["group"]["post"] == round(100 * 2 / 6)
    comments = next(t for t in section.tables if t.id == "evaluation-comments").rows
    assert comments == [{"question": "Ce qui pourrait être amélioré", "text": "Plus de pauses"}]


def test_the_stage_teaching_moment_says_the_number_of_answers(engine):
    code = _day_with_evaluation(engine, lang="en")
    source = export.Source(engine, engine.session(code), "en", True, [])
    html = ev.stage_html(source)
    assert "computed the way you just learnt" in html and "with 4 answers" in html
    assert "Plus de pauses" not in html  # comments stay off the projector


def test_a_workshop_can_be_evaluated_right_after_it(engine):
    from widgets.workshops.day import run

    trainer = _trainer(engine)
    code = engine.create_session(trainer, "day", "fr")["code"]
    run.setup(
        engine,
        trainer,
        code,
        {
            "dates": ["2026-12-01"],
            "agenda": {
                "start": "09:00",
                "items": [{"kind": "workshop", "ref": "metrics"}, {"kind": "activity", "ref": "workshop-evaluation"}],
            },
        },
    )
    run.goto(engine, trainer, code, {"index": 1})
    spec = engine.session(code)["state"]["specs"]["evaluation-metrics"]
    assert "Des valeurs aux indicateurs" in spec["questions"][0]["label"]["fr"]
    tokens = [engine.join(code)[1] for _ in range(4)]
    for token, score in zip(tokens, (5, 4, 2, 4)):
        engine.submit(code, token, "evaluation-metrics", {"question": "satisfaction", "value": score})
        engine.submit(code, token, "evaluation-metrics", {"question": "useful-metrics", "value": 5})
    section = next(s for s in export.collect(engine, code).sections if s.id == "evaluation")
    rows = next(t for t in section.tables if t.id == "evaluation-workshops").rows
    assert rows == [
        {
            "label": "Des valeurs aux indicateurs",
            "csat": 75.0,
            "satisfaction": 3.8,
            "useful": 5.0,
            "n": 4,
            "comments": [],
        }
    ]
    # The satisfaction mean (5+4+2+4)/4 under "satisfaction", the usefulness one under its own name.
    assert "Satisfaction moyenne sur 5" in section.html and "<td>3,8</td><td>5</td>" in section.html
    assert "Après chaque atelier" in section.html
