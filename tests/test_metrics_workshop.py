"""The values-to-metrics dashboard in demo mode, the metrics lab and the solo notebook (no kernel, no browser)."""

from __future__ import annotations

import base64
import html
import re

import pandas as pd
import pytest

from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.workshops.metrics import dashboard as ws
from widgets.workshops.metrics import formulas as metrics
from widgets.workshops.metrics.lab import GROUPS, MetricsLab, catalogue, groups_offered, sample_path, sample_tickets
from widgets.workshops.metrics.solo import SoloMatching, SoloView


@pytest.fixture(scope="module", params=["fr", "en"])
def dash(request):
    return ws.trainer_dashboard(request.param)


@pytest.fixture
def fresh():
    """A dashboard of its own, for tests that change the session."""
    return ws.trainer_dashboard("fr")


def test_every_step_builds_and_redraws_without_error(dash):
    assert dash.phase.id == "compare"  # the demo opens on the heatmap
    for index, phase in enumerate(dash.phases):
        dash.go(index)
        assert dash.message.value == "", (phase.id, dash.message.value)
    assert [p.id for p in dash.phases] == ["match", "compare", "teams", "lab", "practices"]


@pytest.mark.parametrize("activity", [ws.VALUES, ws.TEAMS])
def test_heatmap_counts_equal_what_was_sent(dash, activity):
    spec = ws.SPECS[activity](dash)
    sent = ws.demo_answers(spec)
    expected = {
        r["id"]: {c["id"]: sum(c["id"] in answer[r["id"]] for answer in sent) for c in spec["columns"]}
        for r in spec["rows"]
    }
    results = dash.results(activity)
    assert results["counts"] == expected
    assert results["participants"] == len(sent)
    board = ws.MatchBoard(dash, activity)
    fig, _ = board.figure()
    z = fig.data[0].z
    for i, row in enumerate(spec["rows"]):
        for j, col in enumerate(spec["columns"]):
            assert z[i][j] == round(100 * expected[row["id"]][col["id"]] / len(sent))


def test_reference_outlined_only_for_revealed_columns(fresh):
    fresh.go(1)
    board = fresh.data["compare_board"]
    spec = ws.values_spec(fresh, fresh.lang)
    links = lambda shown: sum(c in shown for cols in spec["reference"].values() for c in cols)
    assert len(fresh.engine.session(fresh.code)["state"]["data"]["shown_values"]) == 3
    board.set_shown(["FCR"])
    assert len(board.figure()[0].layout.shapes) == links({"FCR"}) > 0
    assert 'data-column="FCR"' in board.reasons.value and 'data-column="NPS"' not in board.reasons.value
    board.toggles["BACKLOG"].value = True  # linked to nothing: its reason says why
    assert fresh.engine.session(fresh.code)["state"]["data"]["shown_values"] == ["FCR", "BACKLOG"]
    assert spec["answer"]["unmatched"]["BACKLOG"][:20] in board.reasons.value.replace("&#x27;", "'")
    board.set_shown([])
    assert len(board.figure()[0].layout.shapes) == 0 and board.reasons.value == ""


def test_linked_values_join_as_rows_without_reference(fresh):
    engine, trainer = fresh.engine, fresh.trainer
    values = engine.create_session(trainer, "values", "fr")["code"]
    kept = [
        {"id": 7, "text": "Écoute <b>vraie</b>", "dots": 4, "voters": 4},
        {"id": 8, "text": "rapidité", "dots": 3, "voters": 3},
    ]
    engine.set_data(trainer, values, "kept", kept)
    fresh.go(0)
    # The demo revealed this step already: it comes back closed until the trainer reopens it.
    assert not engine.session(fresh.code)["state"]["open"]
    fresh._act(engine.set_input, True)
    said = ws.link_values(fresh, values.lower())
    assert "Écoute <b>vraie</b>" in said
    live = engine.session(fresh.code)["state"]["specs"][ws.VALUES]
    rows = [r["id"] for r in live["rows"]]
    assert rows[-1] == "linked-7" and "linked-8" not in rows  # "rapidité" is already the kit's "Rapidité"
    assert "linked-7" not in live["reference"]
    assert "&lt;b&gt;vraie&lt;/b&gt;" in ws.progress_html(fresh, ws.VALUES)
    # A participant matches the linked value; it is counted, and scores only what has a reference.
    _, token = engine.join(fresh.code)
    engine.submit(fresh.code, token, ws.VALUES, {"row": "linked-7", "columns": ["CSAT", "NPS"]})
    engine.submit(fresh.code, token, ws.VALUES, {"row": "speed", "columns": ["FRT", "CSAT"]})
    assert fresh.results(ws.VALUES)["counts"]["linked-7"]["CSAT"] == 1
    engine.reveal(trainer, fresh.code, ws.VALUES)
    view = engine.participant_state(fresh.code, token)["view"]
    assert "linked-7" not in view["feedback"]["rows"]
    assert view["reasons"]["speed"]["missed"]["AHT"] == live["answer"]["reasons"]["speed"]["AHT"]
    assert view["reasons"]["speed"]["extra"]["CSAT"]["elsewhere"][0]["row"] == "quality"
    ws.unlink_values(fresh)
    assert "linked-7" not in [r["id"] for r in engine.session(fresh.code)["state"]["specs"][ws.VALUES]["rows"]]


def test_linking_refuses_an_unknown_or_foreign_session(fresh):
    t = Translator("fr")
    assert ws.link_values(fresh, "ZZZZZZ") == t("metrics.link_unknown", code="ZZZZZZ")
    other = fresh.engine.create_session(fresh.trainer, "week", "fr")["code"]
    assert ws.link_values(fresh, other) == t("metrics.link_unknown", code=other)
    empty = fresh.engine.create_session(fresh.trainer, "values", "fr")["code"]
    assert ws.link_values(fresh, empty) == t("metrics.link_none", code=empty)


def test_phones_get_no_reference_before_the_reveal(fresh):
    fresh.go(0)
    fresh.engine.reveal(fresh.trainer, fresh.code, ws.VALUES, False)
    _, token = fresh.engine.join(fresh.code)
    state = fresh.engine.participant_state(fresh.code, token)
    assert "reference" not in state["activity"] and "answer" not in state["activity"]
    assert "reasons" not in state["view"]


# --- the lab -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab():
    return MetricsLab("fr")


def test_lab_computes_and_plots_every_metric_on_the_sample(lab):
    t = Translator("fr")
    assert set(lab.available) == set(catalogue())
    for metric in catalogue():
        assert f'data-metric="{metric}"' in lab.summary.value
        for group in GROUPS:
            lab.show(metric, group)
            data = lab.chart.figure["data"]
            values = [v for v in data[0]["y"] if v is not None]
            assert values, (metric, group)
            if group == "week":
                assert len(data[0]["x"]) >= 52  # a year of weeks
    assert t("metrics.no_value") not in lab.summary.value.split("<td")[1]


def test_lab_shows_the_trap_for_aht_and_fcr(lab):
    lab.show("AHT", "week")
    assert lab.trap_chart.layout.display is None and len(lab.trap_chart.figure["data"]) == 2
    assert "−" in lab.trap_text.value or "-" in lab.trap_text.value
    lab.show("CSAT", "channel")
    assert lab.trap_chart.layout.display == "none"
    assert catalogue()["CSAT"]["trap"]["fr"][:30] in lab.about.value.replace("&#x27;", "'")


def test_a_french_screen_names_handle_time_dmt_only(lab):
    """One term per concept: the French lab says DMT, in its table, charts and the trap's sentence."""
    lab.show("AHT", "week")
    figures = [lab.chart.figure, lab.trap_chart.figure]
    words = [str(trace.get("name") or "") for fig in figures for trace in fig["data"]]
    words += [str(fig["layout"].get(axis, {}).get("title", "")) for fig in figures for axis in ("yaxis", "yaxis2")]
    html = " ".join([lab.trap_text.value, lab.about.value, lab.summary.value])
    shown = re.sub(r"<[^>]+>", " ", html) + " ".join(words)  # attributes carry the metric's id, not text
    assert "DMT" in shown and not re.search(r"\bAHT\b", shown)


def _export(rename: dict, drop: tuple = (), rows: int = 300) -> bytes:
    df = pd.read_csv(sample_path(), dtype=str, keep_default_na=False).head(rows)
    df = df.drop(columns=list(drop)).rename(columns=rename)
    return df.to_csv(index=False, sep=";").encode("utf-8")


def test_an_export_with_other_column_names_is_mapped_by_the_person():
    lab = MetricsLab("en")
    data = _export(
        {
            "ticket_id": "Dossier",
            "customer_id": "Qui",
            "created_at": "Ouvert",
            "channel": "Par où",
            "handle_seconds": "Durée totale",
            "csat": "Note",
        }
    )
    lab.read_export(data, "export.csv")
    assert lab.mapping["ticket_id"].value == ""  # "Dossier" is not a name the kit knows
    assert lab.mapping["resolved_at"].value == "resolved_at"
    lab.set_mapping(
        {
            "ticket_id": "Dossier",
            "customer_id": "Qui",
            "created_at": "Ouvert",
            "channel": "Par où",
            "handle_seconds": "Durée totale",
            "csat": "Note",
        }
    )
    assert lab.apply_mapping(), lab.errors.value
    assert len(lab.tickets) == 300 and "Your organisation" in lab.source.value
    lab.show("CSAT", "channel")
    assert lab.chart.figure["data"][0]["x"]


def test_an_export_missing_a_required_column_says_which():
    lab = MetricsLab("en")
    t = Translator("en")
    lab.read_export(_export({}, drop=("ticket_id",)), "export.csv")
    assert not lab.apply_mapping()
    assert t("metrics.field_ticket_id") in lab.errors.value
    assert len(lab.tickets) > 1000  # still the sample: nothing half-loaded


def test_an_export_without_a_customer_column_loads_and_says_what_it_cannot_compute():
    lab = MetricsLab("en")
    t = Translator("en")
    lab.read_export(_export({}, drop=("customer_id",)), "export.csv")
    assert lab.apply_mapping(), lab.errors.value
    row = lab.summary.value.split('data-metric="CRR"')[1].split("</tr>")[0]
    assert t("metrics.no_value") in row and t("metrics.reason_missing_crr") in html.unescape(row)
    assert "0.0 %" not in row


def test_a_malformed_value_is_left_out_with_its_line_and_can_be_downloaded():
    lab = MetricsLab("fr")
    df = pd.read_csv(sample_path(), dtype=str, keep_default_na=False).head(5)
    df.loc[2, "csat"] = "excellent"
    lab.read_export(df.to_csv(index=False).encode("utf-8"), "export.csv")
    assert lab.apply_mapping(), lab.errors.value
    assert len(lab.tickets) == 5 and lab.tickets["csat"].isna().sum() == df["csat"].eq("").sum() + 1
    assert 'data-line="4"' in lab.skipped.value and "excellent" in lab.skipped.value and "csat" in lab.skipped.value
    href = lab.skipped.value.split('href="')[1].split('"')[0]
    download = base64.b64decode(href.split(",", 1)[1]).decode("utf-8-sig")
    assert download.splitlines()[1].startswith("4;") and "excellent" in download


def test_durations_in_minutes_are_shown_in_the_preview_and_can_be_changed():
    lab = MetricsLab("en")
    t = Translator("en")
    data = "Ticket;Date;DMT;Contacts\n1;02/01/2024 10:00;9,5;1\n2;02/01/2024 11:00;10,5;2\n".encode("cp1252")
    lab.read_export(data, "export.csv")
    assert lab.units["handle_seconds"].value == "minutes"  # no unit in the name: a median of 10 reads as minutes
    assert t("metrics.unit_source_assumed", unit=t("metrics.unit_minutes")) in html.unescape(lab.preview.value)
    assert "9,5" in lab.preview.value and "9.5 min" in lab.preview.value  # as the file wrote it, then as read
    lab.units["handle_seconds"].value = "hours"
    assert "9.5 h" in lab.preview.value
    lab.units["handle_seconds"].value = "minutes"
    assert lab.apply_mapping()
    assert 'data-metric="AHT"' in lab.summary.value
    aht = lab.summary.value.split('data-metric="AHT"')[1].split("</tr>")[0]
    assert "6.7 min" in aht  # 20 minutes of work over 3 contacts


def test_no_breakdown_by_adviser_unless_the_organisation_allows_it():
    assert "agent" not in groups_offered(sample_tickets(), Settings())
    assert "agent" in groups_offered(sample_tickets(), Settings(metrics_by_adviser=True))
    lab = MetricsLab("en", settings=Settings(metrics_by_adviser=True))
    lab.show("CSAT", "agent")
    assert len(lab.chart.figure["data"][0]["x"]) > 10


def test_the_trap_says_fcr_moved_in_points(lab):
    lab.show("FCR", "week")
    trap = metrics.aht_fcr_trap(lab.tickets, "week")
    assert -16 < trap.change["fcr"] < -8  # 74 % -> 62 %: about −12 points, not −16 %
    assert "points" in lab.trap_text.value


def test_an_unreadable_file_gets_a_message_not_a_traceback():
    lab = MetricsLab("fr")
    lab.read_export(b"", "vide.csv")
    assert 'role="alert"' in lab.errors.value and lab.mapping_box.children == ()


# --- solo -------------------------------------------------------------------------------------------


def test_solo_matching_scores_with_the_reasons():
    view = SoloView("en")
    rnd = view.values_round
    for row, cols in rnd.model.spec["reference"].items():
        for col in cols:
            rnd.buttons[(row, col)].value = True
    assert rnd.check()["score"] == 100
    rnd.buttons[("speed", "CSAT")].value = True
    result = rnd.check()
    assert result["extra"] == 1 and rnd.buttons[("speed", "CSAT")].button_style == "danger"
    assert rnd.buttons[("speed", "FRT")].button_style == "success"
    assert "Quality" in rnd.feedback.value  # where the reference puts CSAT instead
    rnd.buttons[("speed", "FRT")].value = False
    assert rnd.buttons[("speed", "FRT")].button_style == "warning"  # redrawn once checked
    assert rnd.model.check()["reasons"]["speed"]["missed"]["FRT"] in rnd.feedback.value.replace("&#x27;", "'")


def test_solo_teams_round_is_the_reference_turned_around():
    m = SoloMatching(SoloView("fr").teams_round.model.spec)
    m.toggle("CRR", "support")
    result = m.check()
    assert result["rows"]["CRR"] == {"missed": ["product"], "extra": []}


def test_durations_switch_to_business_hours(lab):
    lab.clock.value = False
    lab.show("FRT", "channel")
    clock = dict(zip(lab.chart.figure["data"][0]["x"], lab.chart.figure["data"][0]["y"]))
    lab.clock.value = True
    business = dict(zip(lab.chart.figure["data"][0]["x"], lab.chart.figure["data"][0]["y"]))
    lab.clock.value = False
    email = Translator("fr")("metrics.channel_email")  # the channel's label, whatever the glossary's word
    assert business[email] < clock[email] / 2  # e-mail waits over nights and weekends


def test_each_file_s_mapping_closes_the_last_one_and_keeps_the_preview():
    lab = MetricsLab("en")
    data = _export({"ticket_id": "Dossier"})
    lab.read_export(data, "first.csv")
    first = lab.mapping["ticket_id"]
    lab.read_export(data, "second.csv")
    lab.read_export(data, "third.csv")  # the first file's form, kept one drawing for a late click, is closed
    assert first.comm is None and first.layout.comm is None
    assert lab.preview.comm is not None and lab.apply_button.comm is not None
    lab.use_tickets(sample_tickets(), sample=True)  # back to the sample: the mapping goes away
    lab.read_export(data, "fourth.csv")
    assert lab.preview in lab.mapping_box.children and lab.preview.comm is not None
    lab.set_mapping({"ticket_id": "Dossier"})
    assert lab.apply_mapping(), lab.errors.value


def test_the_lab_says_how_dates_are_read_and_lets_the_person_choose():
    t = Translator("en")
    lab = MetricsLab("en")
    data = b"id,created,resolved\n1,01/02/2026 10:00,01/03/2026 10:00\n2,01/02/2026 09:00,01/03/2026 09:00\n"
    lab.read_export(data, "us.csv")
    assert "--monthfirst" in html.unescape(lab.date_note.value)  # nothing in the file tells: said
    assert lab.apply_mapping(), lab.errors.value
    assert metrics.resolution_time(lab.tickets).value == 28 * 86400  # read day first
    lab.date_order.value = "month"
    assert t("metrics.report_dates_chosen", order=t("metrics.dates_month")) in html.unescape(lab.date_note.value)
    assert lab.apply_mapping(), lab.errors.value
    assert metrics.resolution_time(lab.tickets).value == 86400
    lab.date_order.value = ""
    lab.read_export(b"id,created\n1,01/02/2026 10:00\n2,13/02/2026 10:00\n", "fr.csv")
    assert "13/02/2026" in html.unescape(lab.date_note.value)  # the cell that settles it, with its line
