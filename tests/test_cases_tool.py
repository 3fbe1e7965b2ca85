"""``elan cases --json``: every path of every case with its ending and scores, and what the checks flag."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from widgets import content
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
    [entry] = report["cases"]
    assert code == 1 and entry["paths"] == []
    [problem] = entry["problems"]
    assert (
        problem["field"] == "steps[1].responses[0].next" and problem["line"] > 0 and "'nowhere'" in problem["message"]
    )
    code, french = run(capsys, "--content-dir", str(tmp_path), lang="fr")
    [same] = french["cases"][0]["problems"]
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
    [entry] = report["cases"]
    messages = " ".join(w["message"] for w in entry["warnings"])
    assert code == 0 and "position 1 of every step" in messages and "last response alone" in messages
    assert all(w["field"] for w in entry["warnings"]) and entry["paths"]
