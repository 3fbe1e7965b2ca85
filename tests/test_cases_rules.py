"""Case rules: branching and scoring walked through every path of every bundled case."""

from __future__ import annotations

import copy

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
            if i + 1 == len(walk.path) and walk.decision:
                assert response["next"] == walk.decision  # a decision chose the ending from the whole path
                assert casebook.decision(case, walk.decision)["rules"][walk.rule]["ending"] == walk.ending
            else:
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
    assert casebook.scores(case, ["policy", "take-back", "explain-bug", "confirm-written"])["empathy"] == round(
        100 * 2 / 6
    )
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
        assert all(abs(profile[c] - expected[c]) <= 0.5 for c in casebook.COMPETENCES), (
            walk.choices,
            profile,
            expected,
        )


def test_room_profile_weights_each_response_by_its_count():
    case = casebook.get_case("billing-double-charge")
    # empathy at 'opening' ranges -1..2: own-it earns 3, apologise-first 2, policy 0.
    profile = casebook.room_profile(case, {"opening": {"own-it": 2, "apologise-first": 1, "policy": 1}})
    assert profile["empathy"] == round(100 * (2 * 3 + 1 * 2 + 0) / (4 * 3), 1)
    assert casebook.room_profile(case, {}) == dict.fromkeys(casebook.COMPETENCES, 0.0)
    # Stale or unknown entries are ignored rather than breaking the projector.
    assert casebook.room_profile(case, {"gone": {"x": 3}, "opening": {"nope": 2}}) == dict.fromkeys(
        casebook.COMPETENCES, 0.0
    )


# --- endings earned by the whole path ---------------------------------------------------------------------


def _tiny(**changes):
    """A three-step case whose ending is a decision over mood, facts, earlier choices and totals."""

    def effects(n):
        return dict.fromkeys(casebook.COMPETENCES, n)

    def response(rid, n, mood, target, learns=()):
        out = {
            "id": rid,
            "text": {"fr": rid, "en": rid},
            "feedback": {"fr": rid, "en": rid},
            "effects": effects(n),
            "customer": mood,
            "next": target,
        }
        if learns:
            out["learns"] = list(learns)
        return out

    case = {
        "id": "tiny",
        "customer": {"mood": "upset"},
        "steps": [
            {
                "id": "one",
                "responses": [
                    response("ask", 2, "calmer", "two", ["need"]),
                    response("rush", 0, "angrier", "two"),
                    response("wait", 1, "same", "two"),
                ],
            },
            {
                "id": "two",
                "responses": [
                    response("act", 2, "calmer", "three"),
                    response("defer", 0, "same", "three"),
                    response("deny", -1, "angrier", "three"),
                ],
            },
            {
                "id": "three",
                "responses": [
                    response("close", 1, "same", "outcome"),
                    response("follow", 2, "calmer", "outcome"),
                    response("drop", -1, "angrier", "lost"),
                ],
            },
        ],
        "endings": [{"id": e} for e in ("kept", "fragile", "complaint", "lost")],
        "debrief": {"principles": [], "points": []},
        "decisions": [
            {
                "id": "outcome",
                "rules": [
                    {"when": {"knows": ["need"], "mood": ["calm", "uneasy"]}, "ending": "kept"},
                    {"when": {"missed": ["need"], "chose": ["deny"]}, "ending": "complaint"},
                    {"when": {"min": {"empathy": 3}}, "ending": "fragile"},
                    {"ending": "complaint"},
                ],
            }
        ],
    }
    case.update(changes)
    return case


def test_a_decision_reads_the_path_not_only_the_last_response():
    case = _tiny()
    # The same last response ('close') reaches three different endings, by what happened before.
    assert casebook.walk(case, ["ask", "act", "close"]).ending == "kept"  # knows the need, customer calm
    assert casebook.walk(case, ["rush", "deny", "close"]).ending == "complaint"  # missed the need, denied
    assert casebook.walk(case, ["wait", "act", "close"]).ending == "fragile"  # empathy 1+2+1 = 4 >= 3
    assert casebook.walk(case, ["rush", "defer", "close"]).ending == "complaint"  # the default
    walked = casebook.walk(case, ["ask", "act", "close"])
    assert walked.decision == "outcome" and walked.rule == 0 and walked.facts == {"need"}
    assert casebook.walk(case, ["ask", "act", "drop"]).decision is None  # an ending named directly


def test_mood_in_a_rule_is_the_mood_reached_after_the_last_response():
    case = _tiny()
    # upset -> calmer (uneasy) -> angrier (upset) -> same: the need is known but the customer ends upset,
    # so the first rule fails; empathy 2 - 1 + 1 = 2 misses the third; the default decides.
    walked = casebook.walk(case, ["ask", "deny", "close"])
    assert walked.moods == ("upset", "uneasy", "upset", "upset") and walked.totals["empathy"] == 2
    assert walked.facts == {"need"} and walked.ending == "complaint"
    # The same facts and the same last response with a calmer customer: kept.
    assert casebook.walk(case, ["ask", "act", "close"]).moods[-1] == "calm"


def test_holds_needs_every_condition():
    state = {"mood": "calm", "facts": {"a"}, "chose": ["x"], "totals": {"empathy": 3}}
    assert casebook.holds({"mood": ["calm"], "knows": ["a"], "chose": ["x"], "min": {"empathy": 3}}, **state)
    assert not casebook.holds({"mood": ["calm"], "knows": ["b"]}, **state)
    assert not casebook.holds({"missed": ["a"]}, **state)
    assert not casebook.holds({"chose": ["y"]}, **state)
    assert not casebook.holds({"min": {"empathy": 4}}, **state)


def test_scores_and_endings_along_every_path_of_a_decision_case():
    case = _tiny()
    paths = casebook.all_paths(case)
    assert len(paths) == 27
    for walk in paths:
        expected = casebook.walk(case, list(walk.choices))
        assert walk.ending == expected.ending
        facts = {"need"} if "ask" in walk.choices else set()
        assert walk.facts == facts
        score = casebook.scores(case, list(walk.choices))
        assert all(0 <= v <= 100 for v in score.values())
    assert casebook.scores(case, ["ask", "act", "follow"]) == dict.fromkeys(casebook.COMPETENCES, 100)


def test_the_turning_step_is_where_the_ending_became_certain():
    case = _tiny()
    # After 'ask' and 'act' every way on still differs ('drop' loses): the last step decides.
    assert casebook.turning_step(case, ["ask", "act", "close"]) == 2
    assert casebook.reachable_endings(case, []) == {"kept", "fragile", "complaint", "lost"}
    assert casebook.turning_step(case, ["ask"]) is None  # not finished


def test_decision_checks_name_the_rule_and_the_field():
    from widgets.workshops.cases import checks

    assert checks.check_case(_tiny()) == []
    bad = _tiny()
    bad["decisions"][0]["rules"][0]["when"]["knows"] = ["oxygen"]
    [(path, message)] = checks.check_case(bad)
    assert path == ("decisions", 0, "rules", 0, "when", "knows")
    assert "fact 'oxygen' is learnt by no response" in message.render("en")
    bad = _tiny()
    bad["decisions"][0]["rules"][-1]["when"] = {"mood": ["calm"]}
    problems = checks.check_case(bad)
    assert any(
        p == ("decisions", 0, "rules", 3, "when") and "last rule is the default" in m.render("en") for p, m in problems
    )
    bad = _tiny()
    bad["decisions"][0]["rules"].insert(1, {"when": {"chose": ["ask"], "knows": ["need"]}, "ending": "lost"})
    problems = checks.check_case(bad)
    # Whoever chose 'ask' knows the need; the rule before catches every calm one, but not an upset one: reachable.
    bad["decisions"][0]["rules"].insert(1, {"when": {"knows": ["need"]}, "ending": "lost"})
    bad["decisions"][0]["rules"].insert(1, {"when": {"chose": ["ask"]}, "ending": "lost"})
    problems = checks.check_case(bad)
    assert any(
        p == ("decisions", 0, "rules", 2) and "no path makes this rule apply" in m.render("en") for p, m in problems
    )
    bad = _tiny()
    bad["steps"][2]["responses"][0]["next"] = "nowhere"
    [(path, message)] = checks.check_case(bad)
    assert "neither a step, an ending nor a decision" in message.render("en")


def test_warnings_for_a_case_that_teaches_pick_a():
    from widgets.workshops.cases import checks

    case = _tiny()
    last = case["steps"][2]["responses"]
    last.insert(0, last.pop(1))  # 'follow', the best there, first: now the best is first at every step
    last[0]["text"] = {"fr": "a longer text than the others", "en": "a longer text than the others"}
    messages = [m.render("en") for _, m in checks.case_warnings(case)]
    assert any("position 1 of every step" in m for m in messages)
    assert not any("the longest at every step" in m for m in messages)  # only one step has the best the longest
    assert not any("last response alone" in m for m in messages)
    for item in case["steps"]:
        item["responses"][0]["text"] = {"fr": "the longest of all, by far", "en": "the longest of all, by far"}
    assert any("the longest at every step" in m.render("en") for _, m in checks.case_warnings(case))
    flat = _tiny()
    flat["steps"][2]["responses"][0]["next"] = "kept"
    flat["steps"][2]["responses"][1]["next"] = "fragile"
    flat["decisions"] = []
    assert any("last response alone" in m.render("en") for _, m in checks.case_warnings(flat))
    shuffled = copy.deepcopy(case)
    shuffled["steps"][1]["responses"].reverse()
    assert not any("position" in m.render("en") for _, m in checks.case_warnings(shuffled))


def test_the_shown_order_is_a_permutation_stable_for_a_seed_and_varies_between_seeds(case):
    for item in case["steps"]:
        ids = [r["id"] for r in item["responses"]]
        first = casebook.shown_order(case, item["id"], "ABC123/1")
        assert sorted(first) == sorted(ids) and first == casebook.shown_order(case, item["id"], "ABC123/1")
    orders = {tuple(casebook.shown_order(case, case["steps"][0]["id"], f"S{n}")) for n in range(20)}
    assert len(orders) > 1
