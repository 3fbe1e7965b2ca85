"""The case debrief as a document: the room's path with the alternatives not taken, the turning step, HTML and CSV."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

from widgets.live.exercises import casebook
from widgets.workshops.cases import dashboard as cases
from widgets.workshops.cases import report as cases_report

LOCALES = Path(__file__).resolve().parent.parent / "widgets" / "workshops" / "cases" / "locales"
FR = json.loads((LOCALES / "cases.fr.json").read_text(encoding="utf-8"))
CASE = "transport-abusive-caller"


def _play(dash, case_id, answers):
    """The room answers each step (lists of response ids, one per person), then follows its majority."""
    cases.choose_case(dash, case_id)
    cases.start_case(dash)
    tokens = None
    for step_answers in answers:
        tokens = tokens or [dash.engine.join(dash.code)[1] for _ in step_answers]
        activity = dash.engine.session(dash.code)["state"]["activity"]
        for token, option in zip(tokens, step_answers):
            dash.engine.submit(dash.code, token, activity, {"option": option})
        cases.reveal_step(dash)
        assert cases.follow_majority(dash)
    return cases.play_state(dash)


def test_the_html_debrief_shows_each_case_on_its_page_with_path_alternatives_and_turning_step():
    dash = cases.trainer_dashboard("fr")
    play = _play(
        dash, CASE, [["limit-once"] * 3 + ["absorb"], ["warn-and-end"] * 3 + ["full-name"], ["report-and-pause"] * 4]
    )
    case = casebook.get_case(CASE)
    walked = casebook.walk(case, play["choices"])
    assert walked.ending == "safe-fair"
    reports = cases_report.session_debriefs(dash.engine, dash.code, "fr")
    assert {r["id"] for r in reports} >= {CASE}  # the demo's case too: every run of the session
    html = cases_report.to_html(reports, "fr", code=dash.code)
    section = html[html.index(f'data-case="{CASE}"') :]
    for step_id, choice in zip(walked.path, walked.choices):
        assert f'data-step="{step_id}"' in section and f'data-response="{choice}"' in section
        for other in casebook.step(case, step_id)["responses"]:
            assert f'data-response="{other["id"]}"' in section  # the alternatives not taken
    turning = casebook.turning_step(case, play["choices"])
    assert turning is not None and section.count('class="turning"') == 1
    assert section.index('class="turning"') > section.index(f'data-step="{walked.path[turning]}"') - 80
    assert FR["turning_step"] in section and FR["question_turning"] in section
    assert html.count('<section class="case"') == len(reports)  # one section per case, a page break between them
    assert "break-before: page" in html
    for label in ("competence_empathy", "competence_ownership", "competence_resolution", "competence_speed"):
        assert FR[label] in section
    # Content text is escaped, never markup.
    assert "<script" not in html


def test_the_csv_names_responses_by_id_and_text_in_the_session_language_with_step_order():
    dash = cases.trainer_dashboard("fr")
    play = _play(
        dash, CASE, [["absorb", "absorb"], ["concede-money", "concede-money"], ["report-and-pause", "report-and-pause"]]
    )
    assert casebook.walk(casebook.get_case(CASE), play["choices"]).ending == "precedent"
    reports = [r for r in cases_report.session_debriefs(dash.engine, dash.code, "fr") if r["id"] == CASE]
    rows = list(csv.reader(io.StringIO(cases_report.to_csv(reports, "fr"))))
    header, body = rows[0], rows[1:]
    assert header == [FR[f"csv_{c}"] for c in cases_report.CSV_COLUMNS]
    case = casebook.get_case(CASE)
    assert len(body) == 9  # three steps, three responses shown at each
    col = {name: header.index(FR[f"csv_{name}"]) for name in cases_report.CSV_COLUMNS}
    chosen = [r for r in body if r[col["chosen"]] == FR["csv_yes"]]
    assert [r[col["response"]] for r in chosen] == play["choices"]
    assert [r[col["step_order"]] for r in chosen] == ["1", "2", "3"]
    for row in body:
        response = casebook.response(case, row[col["step"]], row[col["response"]])
        assert row[col["text"]] == response["text"]["fr"]
    # The letters are the ones the room saw (the shuffled order), not the file's.
    for step_id in play["orders"]:
        shown = [r[col["response"]] for r in body if r[col["step"]] == step_id]
        assert shown == play["orders"][step_id]
        assert [r[col["letter"]] for r in body if r[col["step"]] == step_id] == ["A", "B", "C"]


def test_the_files_follow_the_sessions_language_not_the_trainers_screen():
    dash = cases.trainer_dashboard("en")  # the trainer reads English...
    dash.attach(dash.engine.create_session(dash.trainer, "cases", "fr")["code"])  # ...a French room
    _play(dash, CASE, [["absorb"], ["warn-and-end"], ["next-call"]])
    files = cases.debrief_files(dash)
    name, uri = files["csv"]
    body = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert name.startswith("debriefing-cas-") and body.splitlines()[0].startswith(FR["csv_case"])
    assert casebook.response(casebook.get_case(CASE), "threat", "warn-and-end")["text"]["fr"] in body
