"""Case files: every bundled case validates, and broken copies are refused with the case, step, field, file and line."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from widgets import content
from widgets.core.typography import NBSP as NB
from widgets.live.exercises import casebook
from widgets.workshops.cases import checks

pytestmark = pytest.mark.usefixtures("english_messages")

CASES = sorted((content.BUNDLED / "cases").glob("*.yaml"))
SOURCE = content.BUNDLED / "cases" / "billing-double-charge.yaml"


def texts(value):
    """Every {fr, en} text map below a value."""
    if isinstance(value, dict):
        if set(value) == {"fr", "en"}:
            yield value
        else:
            for item in value.values():
                yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_bundled_case_validates(path):
    assert content.validate_file(path) == []
    assert content.load_file(path)["id"] == path.stem


def test_at_least_twelve_cases_cover_the_channels_sectors_and_difficulties():
    cases = casebook.load_cases()
    assert len(cases) >= 12
    assert {"phone", "email", "chat", "social-media", "in-person", "letter", "voice-bot"} <= {
        c["channel"] for c in cases
    }
    assert {
        "telecom",
        "retail",
        "insurance",
        "banking",
        "utilities",
        "public-service",
        "transport",
        "health",
        "b2b",
    } <= {c["sector"] for c in cases}
    assert {1, 2, 3} <= {c["difficulty"] for c in cases}


# --- what the cases teach ---------------------------------------------------------------------------


def _paths(case):
    paths = casebook.all_paths(case)
    assert paths and all(w.done for w in paths)
    return paths


def test_at_least_six_cases_reach_different_endings_by_the_same_last_response():
    earned = []
    for case in casebook.load_cases():
        by_last: dict[tuple, set] = {}
        for walk in _paths(case):
            by_last.setdefault((walk.path[-1], walk.choices[-1]), set()).add(walk.ending)
        if any(len(endings) > 1 for endings in by_last.values()):
            earned.append(case["id"])
    assert len(earned) >= 6, earned


def test_no_case_puts_its_best_response_always_first_or_always_longest():
    for case in casebook.load_cases():
        bests = [(item, casebook.best_response(item)) for item in case["steps"]]
        positions = {[r["id"] for r in item["responses"]].index(best) for item, best in bests if best}
        assert positions != {0}, case["id"]
        assert checks.case_warnings(case) == [], case["id"]


def test_at_least_three_cases_reward_a_firm_no():
    # The best path's last response there says no to the customer's demand and the case is about a limit that holds.
    firm = [
        c
        for c in casebook.load_cases()
        if any(
            "firm-no" in r["id"] or r["id"] in ("warn-and-end", "state-rule")
            for s in c["steps"]
            for r in s["responses"]
            if r["id"] == casebook.best_response(s)
        )
    ]
    assert len(firm) >= 3, [c["id"] for c in firm]


def test_every_case_cites_its_sources_for_the_trainer():
    for case in casebook.load_cases():
        notes = case.get("notes")
        assert notes and notes["text"]["fr"] and notes["text"]["en"], case["id"]
        assert notes["sources"] and all(s["url"].startswith("https://") for s in notes["sources"]), case["id"]


def test_french_law_is_stated_right_where_the_issue_found_it_wrong():
    def notes(case_id):
        case = casebook.get_case(case_id)
        return " ".join(content.text(v, "fr") for v in (case["notes"]["text"], case["context"]))

    assert "L216-4" in notes("parcel-not-received")
    assert "L217-3" in notes("shop-return-partly-wrong")
    assert (
        "trêve hivernale" in notes("energy-vulnerable-customer")
        and "priorit" not in casebook.get_case("energy-vulnerable-customer")["context"]["fr"]
    )
    assert "forfait post-stationnement" in notes("wrong-advice-fine") and "RAPO" in notes("wrong-advice-fine")
    for case_id in ("parcel-not-received", "shop-return-partly-wrong", "energy-vulnerable-customer"):
        assert casebook.get_case(case_id)["notes"].get("quebec"), case_id


def test_every_amount_carries_its_currency():
    for case in casebook.load_cases():
        for text in texts(case):
            fr, en = text["fr"], text["en"]
            # Decimal amounts: "29,99 €" in French, "€29.99" in English.
            for match in re.finditer(r"\d+,\d{2}\b", fr):
                assert fr[match.end() : match.end() + 2].strip("\u00a0\u202f ").startswith("€"), (case["id"], fr)
            for match in re.finditer(r"(?<!s\. )(?<!art\. )(?<!no\. )\b\d+\.\d{2}\b", en):
                assert en[max(match.start() - 1, 0)] == "€", (case["id"], en)
            # Money words followed by a bare number ("a refund of up to 50") are refused.
            assert (
                not re.search(
                    r"(jusqu’à|bon de|virement de|remboursement de|avoir de|facture de|caution de|amende de|forfait de) \d+(?![\d,\u00a0\u202f ]*(€|%|h\b|jours|ans|mois|minutes|Go))",
                    fr.replace("\u00a0", " "),
                )
                or "€" in fr
            ), (case["id"], fr)
            assert not re.search(r"(up to|refund of|voucher of|transfer of) \d", en), (case["id"], en)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_french_typography(path):
    case = content.load_file(path)
    for text in texts(case):
        fr = text["fr"]
        assert "'" not in fr, fr  # curly apostrophes
        assert not re.search(r"[^\u00a0\u202f][:;!?»]", fr.replace("://", "")) or not re.search(r" [:;!?»]", fr), fr
        assert not re.search(r" [:;!?»]|« ", fr), fr  # a no-break space, never a plain one


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_french_is_written_in_french(path):
    case = content.load_file(path)
    french = " ".join(t["fr"] for t in texts(case))
    assert re.search(r"[éèàçêù]", french)
    for text in texts(case):
        assert text["fr"] != text["en"] or len(text["fr"]) < 20, text


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_path_puts_every_competence_at_stake(path):
    # A path that never lets a competence vary could not score it fairly.
    case = content.load_file(path)
    for walk in casebook.all_paths(case):
        for competence in casebook.COMPETENCES:
            ranges = [casebook._range(casebook.step(case, s), competence) for s in walk.path]
            assert any(high > low for low, high in ranges), (walk.choices, competence)


def write(tmp_path: Path, data: dict) -> Path:
    file = tmp_path / f"{data['id']}.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def line_of(file: Path, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


@pytest.fixture
def case():
    return copy.deepcopy(yaml.safe_load(SOURCE.read_text(encoding="utf-8")))


def test_a_dangling_next_is_refused_naming_case_step_field_file_and_line(tmp_path, case):
    case["steps"][2]["responses"][1]["next"] = "nowhere"
    file = write(tmp_path, case)
    [problem] = content.validate_file(file)
    assert problem.file.endswith("billing-double-charge.yaml")
    assert problem.line == line_of(file, "next: nowhere")
    assert problem.field == "steps[2].responses[1].next"
    assert "case 'billing-double-charge'" in problem.text() and "step 'check'" in problem.text()
    assert "'nowhere'" in problem.text() and "billing-double-charge.yaml:" in str(problem)
    # A French trainer reads the same problem in French, at the same file, line and field.
    assert problem.render("fr") == (
        f"{problem.file}:{problem.line}: [steps[2].responses[1].next] cas «{NB}billing-double-charge{NB}», "
        f"étape «{NB}check{NB}», réponse «{NB}{case['steps'][2]['responses'][1]['id']}{NB}»{NB}: "
        f"next «{NB}nowhere{NB}» n’est ni une étape, ni une fin, ni une décision de ce cas"
    )


def test_a_missing_english_translation_is_refused_with_its_field_and_line(tmp_path, case):
    needle = case["steps"][1]["responses"][0]["feedback"]["fr"][:30]
    del case["steps"][1]["responses"][0]["feedback"]["en"]
    file = write(tmp_path, case)
    [problem] = content.validate_file(file)
    # The file is named for the case; the field names the step and the response by position.
    assert Path(problem.file).stem == "billing-double-charge"
    assert problem.field == "steps[1].responses[0].feedback.en"
    assert "missing translation 'en'" in problem.text()
    fr_line = line_of(file, needle)
    assert problem.line in (fr_line - 1, fr_line)


def test_an_unreachable_step_is_refused(tmp_path, case):
    # 'pushback' is reached only from 'policy': send it elsewhere and the step is orphaned.
    next(r for r in case["steps"][0]["responses"] if r["id"] == "policy")["next"] = "check"
    file = write(tmp_path, case)
    [problem] = content.validate_file(file)
    assert problem.field == "steps[1].id"
    assert problem.line == line_of(file, "id: pushback")
    assert "step 'pushback'" in problem.text() and "no response leads" in problem.text()
    assert "case 'billing-double-charge'" in problem.text()


def test_a_loop_is_refused_at_the_response_that_closes_it(tmp_path, case):
    case["steps"][2]["responses"][2]["next"] = "opening"
    problems = content.validate_file(write(tmp_path, case))
    assert any(p.field == "steps[2].responses[2].next" and "goes back" in p.text() for p in problems)


def test_a_path_too_short_is_refused(tmp_path, case):
    case["steps"][0]["responses"][0]["next"] = "resolved"  # the first answer ends the case
    problems = content.validate_file(write(tmp_path, case))
    assert any("has 1 step;" in p.text() and "step 'opening'" in p.text() for p in problems)


def test_a_two_step_path_is_a_case_an_organisation_may_write(tmp_path, case):
    case["steps"][0]["responses"][0]["next"] = "closing"
    assert not any("steps;" in p.text() for p in content.validate_file(write(tmp_path, case)))


def test_the_kit_s_own_cases_have_three_to_five_steps_on_every_path():
    for kit_case in casebook.load_cases():
        lengths = {len(walk.path) for walk in _paths(kit_case)}
        assert min(lengths) >= 3 and max(lengths) <= 5, (kit_case["id"], sorted(lengths))


def test_a_path_too_long_is_refused():
    def step(i, last):
        target = "end" if last else f"s{i + 1}"
        effects = dict.fromkeys(casebook.COMPETENCES, 0)
        return {
            "id": f"s{i}",
            "responses": [{"id": r, "next": target, "effects": effects, "customer": "same"} for r in "abc"],
        }

    data = {
        "id": "long",
        "customer": {"mood": "calm"},
        "steps": [step(i, i == 5) for i in range(6)],
        "endings": [{"id": "end"}],
        "debrief": {"principles": [], "points": []},
    }
    problems = checks.check_case(data)
    assert [(path, "has 6 steps" in str(message)) for path, message in problems] == [(("steps", 5, "id"), True)]


def test_too_few_or_too_many_responses_are_refused(tmp_path, case):
    case["steps"][0]["responses"] = case["steps"][0]["responses"][:2]
    case["steps"][3]["responses"] += [dict(case["steps"][3]["responses"][0], id=f"extra-{i}") for i in range(2)]
    problems = content.validate_file(write(tmp_path, case))
    fields = {p.field: p.text() for p in problems}
    assert "has 2 responses" in fields["steps[0].responses"] and "step 'opening'" in fields["steps[0].responses"]
    assert "has 5 responses" in fields["steps[3].responses"]


def test_duplicate_ids_are_refused(tmp_path, case):
    next(r for r in case["steps"][2]["responses"] if r["id"] != "refund-now")["id"] = "refund-now"
    case["endings"][1]["id"] = "loyal"
    problems = content.validate_file(write(tmp_path, case))
    messages = " ".join(p.text() for p in problems)
    assert "response 'refund-now': id 'refund-now' is used twice" in messages
    assert "ending 'loyal': id 'loyal' is used twice" in messages


def test_a_debrief_point_must_name_a_listed_principle(tmp_path, case):
    case["debrief"]["points"][0]["principle"] = "charges"
    [problem] = content.validate_file(write(tmp_path, case))
    assert problem.field == "debrief.points[0].principle"


def test_two_cases_with_one_id_are_refused(tmp_path, monkeypatch, case):
    (tmp_path / "cases").mkdir()
    write(tmp_path / "cases", case)
    (tmp_path / "cases" / "copy.yaml").write_text(SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("ELAN_CONTENT_DIR", str(tmp_path))
    with pytest.raises(content.ContentError, match="defined in two files"):
        casebook.load_cases()
