"""``elan cases --json``: every path of every case with its ending and scores, and what the checks flag."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import yaml

from widgets import content
from widgets.core.i18n import Translator
from widgets.core.settings import Settings
from widgets.live.exercises import casebook
from widgets.ops.cli import main

SOURCE = content.BUNDLED / "cases" / "billing-double-charge.yaml"


def run(capsys, *args, lang="en") -> tuple[int, dict]:
    code = main(["cases", "--json", "--lang", lang, *args])
    return code, json.loads(capsys.readouterr().out)


def test_every_bundled_case_with_every_path_its_ending_and_scores(capsys):
    code, report = run(capsys)
    assert code == 0 and report["problems"] == 0 and report["warnings"] == 0
    cases = {c["id"]: c for c in report["cases"]}
    assert set(cases) == {c["id"] for c in casebook.load_cases()}
    for case in casebook.load_cases():
        entry = cases[case["id"]]
        expected = casebook.all_paths(case)
        assert [p["choices"] for p in entry["paths"]] == [list(w.choices) for w in expected]
        for path, walked in zip(entry["paths"], expected):
            assert path["ending"] == walked.ending and path["scores"] == casebook.scores(case, list(walked.choices))
            assert path["decision"] == walked.decision
    assert sum(c["summary"]["path_dependent"] for c in cases.values()) >= 6


def _folder(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "cases").mkdir(exist_ok=True)
    (tmp_path / "cases" / f"{data['id']}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return tmp_path


def test_a_broken_case_is_flagged_with_file_line_and_field_and_fails(tmp_path, capsys):
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    data["steps"][1]["responses"][0]["next"] = "nowhere"
    code, report = run(capsys, "--content-dir", str(_folder(tmp_path, data)))
    [entry] = [c for c in report["cases"] if c["origin"] != "kit"]
    assert entry["origin"] == "replaced" and entry["file"] == str(tmp_path / "cases" / "billing-double-charge.yaml")
    assert code == 1 and entry["paths"] == []
    [problem] = entry["problems"]
    assert (
        problem["field"] == "steps[1].responses[0].next" and problem["line"] > 0 and "'nowhere'" in problem["message"]
    )
    code, french = run(capsys, "--content-dir", str(tmp_path), lang="fr")
    [same] = [c for c in french["cases"] if c["origin"] != "kit"][0]["problems"]
    assert (same["field"], same["line"]) == (problem["field"], problem["line"])
    assert "next «\u00a0nowhere\u00a0» n’est ni une étape" in same["message"]


def test_a_case_that_teaches_pick_a_is_warned_about(tmp_path, capsys):
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    flat = copy.deepcopy(data)
    flat.pop("decisions")
    for item in flat["steps"]:
        best = casebook.best_response(item)
        item["responses"].sort(key=lambda r: r["id"] != best)  # the best first, as the old files had it
        for response in item["responses"]:
            if response["next"] == "closing-outcome":
                response["next"] = "loyal"
    code, report = run(capsys, "--content-dir", str(_folder(tmp_path, flat)))
    [entry] = [c for c in report["cases"] if c["id"] == flat["id"]]
    messages = " ".join(w["message"] for w in entry["warnings"])
    assert code == 0 and "position 1 of every step" in messages and "last response alone" in messages
    assert all(w["field"] for w in entry["warnings"]) and entry["paths"]


def test_an_organisation_folder_is_read_merged_with_the_kit_s_cases_as_the_server_reads_it(tmp_path, capsys):
    own = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    own["id"] = "acme-late-delivery"
    _folder(tmp_path, own)
    (tmp_path / "organisation.yaml").write_text(
        "kind: organisation\nhide:\n  cases: [wrong-advice-fine]\n", encoding="utf-8"
    )
    code, report = run(capsys, "--content-dir", str(tmp_path))
    origins = {c["id"]: c["origin"] for c in report["cases"]}
    kit = {c["id"] for c in casebook.load_cases()}
    assert code == 0 and report["problems"] == 0
    assert origins["acme-late-delivery"] == "organisation"
    assert "wrong-advice-fine" not in origins  # hidden by the organisation, as in a room
    assert set(origins) == kit - {"wrong-advice-fine"} | {"acme-late-delivery"}
    assert {origins[i] for i in kit - {"wrong-advice-fine"}} == {"kit"}
    assert "ELAN_CONTENT_DIR" not in os.environ or os.environ["ELAN_CONTENT_DIR"] != str(tmp_path)
    # The lines for people say where each case comes from, in the language set.
    code = main(["cases", "--content-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    t = Translator(Settings().language)
    assert f"acme-late-delivery ({t('cases.tool_origin_organisation')})" in out
    assert f"billing-double-charge ({t('cases.tool_origin_kit')})" in out
    assert "wrong-advice-fine" not in out


def test_a_missing_folder_is_named(tmp_path, capsys):
    assert main(["cases", "--content-dir", str(tmp_path / "nothing")]) == 2
    assert str(tmp_path / "nothing") in capsys.readouterr().err
