"""Case rules: branching and scoring walked through every path of every bundled case."""

from __future__ import annotations

import pytest

from widgets.live.exercises import casebook

CASES = casebook.load_cases()
IDS = [c["id"] for c in CASES]


@pytest.fixture(params=CASES, ids=IDS)
def case(request):
    return request.param


def test_every_path_ends_after_three_to_five_steps(case):
    paths = casebook.all_paths(case)
    assert paths
    endings = {e["id"] for e in case["endings"]}
    for walk in paths:
        assert walk.done and walk.current is None and walk.ending in endings
        assert 3 <= len(walk.path) <= 5
        assert walk.path[0] == case["steps"][0]["id"]
        assert len(walk.moods) == len(walk.path) + 1
    # Every ending and every response is on some path: nothing written is dead.
    assert {w.ending for w in paths} == endings
    chosen = {(s, c) for w in paths for s, c in zip(w.path, w.choices)}
    assert chosen == {(s["id"], r["id"]) for s in case["steps"] for r in s["responses"]}


def test_walk_follows_next_and_adds_effects(case):
    for walk in casebook.all_paths(case):
        totals = dict.fromkeys(casebook.COMPETENCES, 0)
        for i, (step_id, choice) in enumerate(zip(walk.path, walk.choices)):
            response = casebook.response(case, step_id, choice)
            for c in casebook.COMPETENCES:
                totals[c] += response["effects"][c]
            following = walk.path[i + 1] if i + 1 < len(walk.path) else walk.ending
            assert response["next"] == following
        assert walk.totals == totals


def test_scores_are_0_to_100_and_the_best_path_scores_100(case):
    paths = casebook.all_paths(case)
    results = [casebook.scores(case, list(w.choices)) for w in paths]
    for result in results:
        assert set(result) == set(casebook.COMPETENCES)
        assert all(0 <= v <= 100 and isinstance(v, int) for v in result.values())
    for c in casebook.COMPETENCES:
        assert max(r[c] for r in results) == 100
        assert min(r[c] for r in results) < 100


def test_scores_follow_the_stated_rule_by_hand():
    case = casebook.get_case("billing-double-charge")
    # opening: empathy ranges -1..2, chose 'policy' (-1): 0 of 3; pushback: 0..2, chose 'take-back' (2): 2 of 2;
    # check: 0..1, chose 'explain-bug' (0): 0 of 1; waiting: 1..1 adds nothing.
    assert casebook.scores(case, ["policy", "take-back", "explain-bug", "confirm-written"])["empathy"] == round(100 * 2 / 6)
    assert casebook.scores(case, ["own-it", "refund-now", "check-rest"]) == dict.fromkeys(casebook.COMPETENCES, 100)
    assert casebook.scores(case, ["policy", "hold-line", "reassure"]) == dict.fromkeys(casebook.COMPETENCES, 0)


def test_a_partial_walk_waits_at_its_step_and_scores_what_was_answered():
    case = casebook.get_case("billing-double-charge")
    walk = casebook.walk(case, ["policy"])
    assert (walk.path, walk.current, walk.ending, walk.done) == (("opening",), "pushback", None, False)
    assert walk.customer == "upset"  # started uneasy, one notch angrier
    assert casebook.scores(case, ["policy"]) == dict.fromkeys(casebook.COMPETENCES, 0)
    assert casebook.scores(case, []) == dict.fromkeys(casebook.COMPETENCES, 100)


def test_mood_moves_one_notch_and_stays_within_the_scale():
    case = casebook.get_case("billing-double-charge")
    assert casebook.walk(case, ["own-it", "refund-now", "check-rest"]).moods == ("uneasy", "calm", "calm", "calm")
    assert casebook.walk(case, ["policy", "hold-line", "reassure"]).moods == ("uneasy", "upset", "angry", "angry")


def test_invalid_choices_are_refused_naming_the_step():
    case = casebook.get_case("billing-double-charge")
    with pytest.raises(ValueError, match="step 'opening' has no response 'refund-now'"):
        casebook.walk(case, ["refund-now"])
    with pytest.raises(ValueError, match="already ended"):
        casebook.walk(case, ["own-it", "refund-now", "check-rest", "own-it"])
    with pytest.raises(KeyError):
        casebook.step(case, "nope")
    with pytest.raises(KeyError):
        casebook.get_case("nope")


def test_walking_is_deterministic(case):
    first = [(w.choices, w.ending, w.totals, w.moods) for w in casebook.all_paths(case)]
    assert first == [(w.choices, w.ending, w.totals, w.moods) for w in casebook.all_paths(case)]


def test_a_room_that_chose_alike_gets_that_persons_scores(case):
    for walk in casebook.all_paths(case):
        counts = {s: {c: 7} for s, c in zip(walk.path, walk.choices)}
        profile = casebook.room_profile(case, counts)
        expected = casebook.scores(case, list(walk.choices))
        # The profile keeps one decimal, the scores none: they agree to within that rounding.
        assert all(abs(profile[c] - expected[c]) <= 0.5 for c in casebook.COMPETENCES), (walk.choices, profile, expected)


def test_room_profile_weights_each_response_by_its_count():
    case = casebook.get_case("billing-double-charge")
    # empathy at 'opening' ranges -1..2: own-it earns 3, apologise-first 2, policy 0.
    profile = casebook.room_profile(case, {"opening": {"own-it": 2, "apologise-first": 1, "policy": 1}})
    assert profile["empathy"] == round(100 * (2 * 3 + 1 * 2 + 0) / (4 * 3), 1)
    assert casebook.room_profile(case, {}) == dict.fromkeys(casebook.COMPETENCES, 0.0)
    # Stale or unknown entries are ignored rather than breaking the projector.
    assert casebook.room_profile(case, {"gone": {"x": 3}, "opening": {"nope": 2}}) == dict.fromkeys(casebook.COMPETENCES, 0.0)
