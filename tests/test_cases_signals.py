"""What a case must not teach by accident: the longest answer wins, a fast wrong answer scores, an ending its path contradicts."""

from __future__ import annotations

import copy
import json

from widgets.core.languages import REQUIRED
from widgets.live.exercises import casebook
from widgets.ops.cli import main
from widgets.workshops.cases import checks

CASES = casebook.load_cases()


def _kinds(warnings) -> list[str]:
    return [message.key.split(".")[-1] for _, message in warnings]


def test_the_kit_s_best_answers_are_the_longest_about_as_often_as_chance():
    for lang in REQUIRED:
        bias = checks.length_bias(CASES, lang)
        assert not bias.flagged, bias
        assert bias.longest <= 0.4 * bias.steps, bias  # about a third, as chance gives with three answers


def test_a_set_where_the_best_answer_is_always_the_longest_is_flagged():
    padded = copy.deepcopy(CASES)
    for case in padded:
        for item in case["steps"]:
            best = casebook.best_response(item)
            for response in item["responses"]:
                if response["id"] == best:
                    response["text"] = {k: v + " " + "x" * 300 for k, v in response["text"].items()}
    bias = checks.length_bias(padded, "fr")
    assert bias.flagged and bias.longest == bias.steps


def test_elan_cases_reports_the_length_signal_per_language(capsys):
    assert main(["cases", "--json", "--lang", "en"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [b["lang"] for b in report["length_bias"]] == list(REQUIRED)
    assert all(not b["flagged"] and b["steps"] == 45 for b in report["length_bias"])
    assert main(["cases", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "The best response is the longest in" in out and "of 45 steps" in out


def test_no_kit_response_scores_once_and_done_without_resolving():
    for case in CASES:
        assert "speed_unresolved" not in _kinds(checks.case_warnings(case)), case["id"]
        for item in case["steps"]:
            for response in item["responses"]:
                effects = response["effects"]
                assert effects["speed"] <= 0 or effects["resolution"] > 0, (case["id"], response["id"])


def test_a_fast_answer_that_does_not_resolve_is_flagged():
    case = copy.deepcopy(casebook.get_case("bank-account-takeover"))
    response = casebook.response(case, "opening", "quick-change")
    response["effects"]["speed"] = 2
    assert "speed_unresolved" in _kinds(checks.case_warnings(case))


def test_every_kit_ending_that_declares_what_it_requires_is_never_reached_against_it():
    declared = 0
    for case in CASES:
        assert "ending_contradicts" not in _kinds(checks.case_warnings(case)), case["id"]
        for ending in case["endings"]:
            needs = ending.get("requires")
            if not needs:
                continue
            declared += 1
            for walked in casebook.all_paths(case):
                if walked.ending == ending["id"]:
                    chose = set(walked.choices)
                    assert not needs.get("chose") or chose & set(needs["chose"]), (case["id"], walked.choices)
                    assert not chose & set(needs.get("not_chose", [])), (case["id"], walked.choices)
    assert declared >= 5


def test_an_ending_reached_against_its_requirements_is_flagged():
    """The bank case before its fix: raising the limit still ended 'protected', the adviser thanked for saying no."""
    case = copy.deepcopy(casebook.get_case("bank-account-takeover"))
    rules = case["decisions"][0]["rules"]
    rules[:] = [rule for rule in rules if rule.get("ending") != "limit-raised"]
    warnings = [m for _, m in checks.case_warnings(case) if m.key.endswith("ending_contradicts")]
    assert warnings and warnings[0].values["ending"] == "protected" and "raise-limit" in warnings[0].values["path"]


def test_the_endings_the_review_found_contradictory_now_follow_the_path():
    energy = casebook.get_case("energy-vulnerable-customer")
    twelve_months = casebook.walk(energy, ["identify", "certificate-first", "plan-support"])
    assert twelve_months.ending == "waited"  # not "tight", whose text is about the three instalments
    insurance = casebook.get_case("insurance-unfounded-claim")
    withdrawn = casebook.walk(insurance, ["promise-review", "firm-no-explained", "way-forward"])
    assert withdrawn.ending == "mediator"  # the promise withdrawn makes the second complaint its feedback warns of
    offer = casebook.step(insurance, "next-steps")["situation"]
    assert "pour rien" not in offer["fr"] and "for nothing" not in offer["en"]
    bank = casebook.get_case("bank-account-takeover")
    raised = casebook.walk(bank, ["state-rule", "raise-limit", "alert-holder"])
    assert raised.ending == "limit-raised"
