"""Rules of the values brainstorm: duplicate folding, dot budgets, ranking, keep five, best vision, exports."""

from __future__ import annotations

import csv
import io
import random

import mistune
import pytest

from widgets.core.errors import Conflict, Invalid
from widgets.core.text import duplicate_groups, duplicate_key, fold
from widgets.live.exercises import dots
from widgets.workshops.values.philosophy import (
    Statement,
    Value,
    best_actions,
    best_proposal,
    check_action_statement,
    escape_markdown,
    find_cliche,
    from_session,
    keep_top,
    statement_rows,
    tied_at_cut,
    to_csv,
    to_html,
    to_markdown,
)

# --- duplicate proposals ------------------------------------------------------------

SAME = [
    pytest.param(["Écoute", "ecoute", "l'écoute"], id="issue-example"),
    pytest.param(["ÉCOUTE", "écoute", "Ecoute"], id="case"),
    pytest.param(["écoute", "écoutes", "Les écoutes"], id="plural"),
    pytest.param(["  écoute ", "écoute", "écoute\u00a0"], id="spacing"),
    pytest.param(["e-mail", "e mail", "email", "E‑Mail"], id="spacing-inside-a-word"),
    pytest.param(["Rapidité", "rapidite", "RAPIDITÉ"], id="accents"),
    pytest.param(["l’écoute", "lʼécoute", "l`écoute", "d'écoute"], id="elision-apostrophes"),
    pytest.param(["Être à l'écoute", "à l’écoute", "écoute"], id="etre-a"),
    pytest.param(["cœur", "coeur", "Cœurs"], id="ligature"),
    pytest.param(["canaux", "canal"], id="plural-aux"),
    pytest.param(["Qualities", "quality"], id="plural-ies"),
    pytest.param(["Rapide & efficace", "rapide et efficace", "Rapides, efficaces"], id="and"),
    pytest.param(["Honnêteté !", "honnêteté.", "« Honnêteté »"], id="punctuation"),
]


@pytest.mark.parametrize("texts", SAME)
def test_likely_duplicates_fold_together(texts):
    cards = [(i, text) for i, text in enumerate(texts, 1)]
    assert duplicate_groups(cards) == [list(range(1, len(texts) + 1))]


@pytest.mark.parametrize(
    "a, b",
    [
        ("Écoute", "Écoute active"),
        ("bien-être", "bien"),
        ("Respect", "Rapidité"),
        ("bureau", "bural"),
        ("Sourire", "Soutien"),
    ],
)
def test_different_ideas_stay_apart(a, b):
    assert duplicate_key(a) != duplicate_key(b)
    assert duplicate_groups([(1, a), (2, b)]) == []


def test_cards_of_small_words_only_are_never_grouped():
    assert fold("le") == fold("The") == ""
    assert duplicate_groups([(1, "le"), (2, "la"), (3, "the")]) == []


def test_groups_follow_the_order_cards_were_sent():
    cards = [(5, "Rapidité"), (6, "Écoute"), (7, "rapidites"), (8, "l'écoute"), (9, "Respect")]
    assert duplicate_groups(cards) == [[5, 7], [6, 8]]


# --- dot budgets: the pure rule ------------------------------------------------------


def test_place_never_exceeds_the_budget_whatever_the_requests():
    rng = random.Random(4)
    for stack in (False, True):
        for _ in range(300):
            budget = rng.randint(1, 6)
            mine: dict[int, int] = {}
            for _ in range(25):
                request = {"item": rng.randint(1, 8), "dots": rng.choice([0, 1, 1, 2, 3, 7, -1, 100])}
                try:
                    mine = dots.place(mine, item=request["item"], dots=request["dots"], budget=budget, stack=stack)
                except (Conflict, Invalid):
                    pass
                assert sum(mine.values()) <= budget
                assert all(v >= 1 for v in mine.values())
                if not stack:
                    assert all(v == 1 for v in mine.values())


@pytest.mark.parametrize("bad", ["1", 1.0, True, None, -1, [1], {"n": 1}])
def test_place_refuses_hand_made_dot_counts(bad):
    with pytest.raises(Invalid):
        dots.place({}, item=1, dots=bad, budget=5, stack=True)


def test_place_refuses_the_dot_over_budget_and_stacking_when_off():
    mine = {}
    for item in (1, 2, 3):
        mine = dots.place(mine, item=item, dots=1, budget=3, stack=False)
    with pytest.raises(Conflict):
        dots.place(mine, item=4, dots=1, budget=3, stack=False)
    with pytest.raises(Conflict):
        dots.place({}, item=1, dots=2, budget=3, stack=False)
    with pytest.raises(Conflict):
        dots.place({1: 2}, item=2, dots=2, budget=3, stack=True)
    assert dots.place({1: 2}, item=1, dots=3, budget=3, stack=True) == {1: 3}


def test_replaying_a_vote_changes_nothing():
    once = dots.place({}, item=7, dots=2, budget=5, stack=True)
    assert dots.place(once, item=7, dots=2, budget=5, stack=True) == once == {7: 2}


def test_dots_can_always_be_taken_back_after_the_budget_is_lowered():
    # Five dots placed under a budget of 5; the trainer then lowers it to 3.
    mine = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    mine = dots.place(mine, item=5, dots=0, budget=3, stack=False)
    assert mine == {1: 1, 2: 1, 3: 1, 4: 1}
    with pytest.raises(Conflict):
        dots.place(mine, item=5, dots=1, budget=3, stack=False)


# --- merged duplicates and ranking ----------------------------------------------------


def test_merged_cards_count_once_per_participant():
    # Cards 2 and 3 were merged into 1; participant 10 voted on 1 and 2, participant 11 on 3.
    canonical = {1: 1, 2: 1, 3: 1, 4: 4}
    votes = [(10, 1, 1), (10, 2, 1), (11, 3, 1), (11, 4, 1)]
    assert dots.tally(votes, canonical, stack=False) == {1: {"dots": 2, "voters": 2}, 4: {"dots": 1, "voters": 1}}


def test_merged_cards_with_stacking_count_every_dot_once():
    canonical = {1: 1, 2: 1}
    assert dots.tally([(10, 1, 2), (10, 2, 1)], canonical, stack=True) == {1: {"dots": 3, "voters": 1}}


def test_ranking_tie_break_is_dots_then_voters_then_the_card_sent_first():
    totals = {
        4: {"dots": 5, "voters": 3},
        2: {"dots": 5, "voters": 3},
        9: {"dots": 5, "voters": 4},
        1: {"dots": 7, "voters": 2},
        3: {"dots": 2, "voters": 2},
    }
    assert dots.rank(totals) == [1, 9, 2, 4, 3]


def _vote_setup(engine, *, budget=3, stack=False):
    trainer = engine.authenticate("test-key")
    session = engine.create_session(trainer, "values", "fr")
    code = session["code"]
    engine.open_activity(trainer, code, {"kind": "ideas", "id": "ideas"})
    people = [engine.join(code, name=name)[1] for name in ("Ana", "Bo", "Chloé")]
    texts = ["Écoute", "l'écoute", "Rapidité", "Respect", "Honnêteté"]
    ids = [engine.submit(code, people[i % 3], "ideas", {"text": text})["id"] for i, text in enumerate(texts)]
    engine.open_activity(
        trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": budget, "stack": stack}
    )
    return trainer, code, people, ids


def test_engine_refuses_an_over_budget_vote_sent_directly(sqlite_engine):
    engine = sqlite_engine
    _, code, (ana, *_), ids = _vote_setup(engine, budget=3)
    for item in ids[:3]:
        assert engine.submit(code, ana, "vote", {"item": item, "dots": 1})["changed"]
    with pytest.raises(Conflict):
        engine.submit(code, ana, "vote", {"item": ids[3], "dots": 1})
    with pytest.raises(Conflict):
        engine.submit(code, ana, "vote", {"item": ids[0], "dots": 3})
    for payload in (
        {"item": ids[4], "dots": "1"},
        {"item": str(ids[4]), "dots": 1},
        {"item": ids[4], "dots": -2},
        {"item": 999, "dots": 1},
    ):
        with pytest.raises(Invalid):
            engine.submit(code, ana, "vote", payload)
    # A replayed request is accepted and changes nothing.
    assert engine.submit(code, ana, "vote", {"item": ids[0], "dots": 1})["changed"] is False
    ranking = engine.results(code, "vote")["ranking"]
    assert sum(card["dots"] for card in ranking) == 3


def test_engine_refuses_over_budget_stacks(sqlite_engine):
    engine = sqlite_engine
    _, code, (ana, bo, _), ids = _vote_setup(engine, budget=4, stack=True)
    engine.submit(code, ana, "vote", {"item": ids[2], "dots": 3})
    with pytest.raises(Conflict):
        engine.submit(code, ana, "vote", {"item": ids[3], "dots": 2})
    with pytest.raises(Conflict):
        engine.submit(code, bo, "vote", {"item": ids[3], "dots": 5})
    engine.submit(code, ana, "vote", {"item": ids[3], "dots": 1})
    totals = {card["id"]: card["dots"] for card in engine.results(code, "vote")["ranking"]}
    assert totals[ids[2]] == 3 and totals[ids[3]] == 1


def test_engine_counts_merged_duplicates_once_per_participant(sqlite_engine):
    engine = sqlite_engine
    trainer, code, (ana, bo, chloe), ids = _vote_setup(engine, budget=3)
    ecoute, l_ecoute, rapidite = ids[:3]
    # The kit proposes the two "écoute" cards as likely duplicates.
    assert [ecoute, l_ecoute] in engine.results(code, "ideas")["duplicates"]
    engine.submit(code, ana, "vote", {"item": ecoute, "dots": 1})
    engine.submit(code, ana, "vote", {"item": l_ecoute, "dots": 1})
    engine.submit(code, bo, "vote", {"item": l_ecoute, "dots": 1})
    engine.submit(code, chloe, "vote", {"item": rapidite, "dots": 1})
    engine.merge(trainer, code, [l_ecoute], into=ecoute)
    ranking = engine.results(code, "vote")["ranking"]
    top = ranking[0]
    assert top["id"] == ecoute and top["dots"] == 2 and top["voters"] == 2
    assert l_ecoute not in [card["id"] for card in ranking]


def test_engine_ranking_ties_go_to_the_card_sent_first(sqlite_engine):
    engine = sqlite_engine
    _, code, (ana, bo, chloe), ids = _vote_setup(engine, budget=1)
    honesty, respect = ids[4], ids[3]
    engine.submit(code, ana, "vote", {"item": honesty, "dots": 1})
    engine.submit(code, bo, "vote", {"item": respect, "dots": 1})
    order = [card["id"] for card in engine.results(code, "vote")["ranking"][:2]]
    assert order == [respect, honesty]
    engine.submit(code, chloe, "vote", {"item": honesty, "dots": 1})
    order = [card["id"] for card in engine.results(code, "vote")["ranking"][:2]]
    assert order == [honesty, respect]


# --- keep five -----------------------------------------------------------------------------

RANKING = [
    {"id": 11, "text": "Écoute", "dots": 9, "voters": 6},
    {"id": 12, "text": "Rapidité", "dots": 7, "voters": 5},
    {"id": 13, "text": "Honnêteté", "dots": 6, "voters": 5},
    {"id": 14, "text": "Respect", "dots": 4, "voters": 4},
    {"id": 15, "text": "Autonomie", "dots": 3, "voters": 3},
    {"id": 16, "text": "Personnalisation", "dots": 3, "voters": 3},
    {"id": 17, "text": "Qualité", "dots": 1, "voters": 1},
    {"id": 18, "text": "Sourire", "dots": 0, "voters": 0},
]


def _ids(cards):
    return [card["id"] for card in cards]


def test_keep_top_five_in_voted_order():
    assert _ids(keep_top(RANKING)) == [11, 12, 13, 14, 15]
    assert _ids(keep_top(RANKING, n=3)) == [11, 12, 13]


def test_keep_top_with_the_trainers_adjustment_keeps_the_voted_order():
    kept = keep_top(RANKING, adjust={"remove": [12], "add": [17]})
    assert _ids(kept) == [11, 13, 14, 15, 17]
    # Taking a card out without naming another brings in the next one.
    assert _ids(keep_top(RANKING, adjust={"remove": [11]})) == [12, 13, 14, 15, 16]
    # A card nobody voted for comes in only when the trainer adds it.
    assert _ids(keep_top(RANKING, n=8)) == [11, 12, 13, 14, 15, 16, 17]
    assert 18 in _ids(keep_top(RANKING, n=8, adjust={"add": [18]}))


def test_keep_top_refuses_unknown_cards_and_too_many():
    with pytest.raises(Invalid):
        keep_top(RANKING, adjust={"add": [99]})
    with pytest.raises(Invalid):
        keep_top(RANKING, n=2, adjust={"add": [15, 16, 17]})


def test_ties_at_the_cut_are_shown_to_the_trainer():
    assert tied_at_cut(RANKING, n=5) == [16]
    assert tied_at_cut(RANKING, n=4) == []
    assert tied_at_cut(RANKING[:5], n=5) == []


def test_best_action_statement_per_value():
    ranking = [
        {"id": 31, "text": "Je reformule.", "tag": "11", "dots": 5},
        {"id": 30, "text": "J'écoute.", "tag": "11", "dots": 2},
        {"id": 32, "text": "Répondre le jour même.", "tag": "12", "dots": 0},
    ]
    assert best_actions(ranking) == {"11": "Je reformule.", "12": "Répondre le jour même."}


# --- the best vision --------------------------------------------------------------------


def _proposal(pid, means, n=3):
    return {"id": pid, "text": f"Vision {pid}", "criteria": {f"c{i}": {"mean": m, "n": n} for i, m in enumerate(means)}}


def test_best_proposal_has_the_highest_average():
    assert best_proposal([_proposal("a", [3, 3, 3]), _proposal("b", [4, 4, 5]), _proposal("c", [2, 5, 5])])["id"] == "b"


def test_best_proposal_tie_break_weakest_criterion_then_ratings_then_first_sent():
    balanced, uneven = _proposal("balanced", [4, 4, 4]), _proposal("uneven", [5, 5, 2])
    assert best_proposal([uneven, balanced])["id"] == "balanced"
    few, many = _proposal("few", [4, 4, 4], n=2), _proposal("many", [4, 4, 4], n=5)
    assert best_proposal([few, many])["id"] == "many"
    first, second = _proposal("first", [4, 4, 4]), _proposal("second", [4, 4, 4])
    assert best_proposal([first, second])["id"] == "first"
    assert best_proposal([second, first])["id"] == "second"


def test_best_proposal_ignores_unrated_and_may_be_none():
    unrated = {"id": "x", "text": "X", "criteria": {"c0": {"mean": None, "n": 0}}}
    assert best_proposal([]) is None
    assert best_proposal([unrated]) is None
    assert best_proposal([unrated, _proposal("y", [1, 1, 1])])["id"] == "y"


# --- hints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Je reformule la demande.",
        "J'écoute avant de répondre.",
        "J’écoute",
        "Nous rappelons chaque client.",
        "Écoutez le client.",
        "Répondre le jour même.",
        "Réponds vite",
        "I restate the request.",
        "I'm on it.",
        "Listen first.",
        "« Je vérifie » avant de clore.",
    ],
)
def test_action_statements_that_start_well(text):
    assert check_action_statement(text) is None


@pytest.mark.parametrize(
    "text, hint",
    [
        ("La qualité avant tout", "values.hint_action_start"),
        ("Customers come first", "values.hint_action_start"),
        ("Notre priorité : le client", "values.hint_action_start"),
        ("", "values.hint_empty"),
        ("   ", "values.hint_empty"),
        ("Je " + "vraiment " * 30 + "écoute.", "values.hint_too_long"),
    ],
)
def test_action_statements_that_get_a_hint(text, hint):
    assert check_action_statement(text) == hint


def test_hint_can_be_limited_to_one_language():
    assert check_action_statement("Listen first.", "fr") == "values.hint_action_start"
    assert check_action_statement("Listen first.", "en") is None


def test_cliches_are_spotted_for_the_trainer():
    assert find_cliche("Le client est ROI !")["id"] == "always-right"
    assert find_cliche("the customer is always right")["id"] == "always-right"
    assert find_cliche("Écoute") is None
    assert find_cliche("le") is None


# --- the statement and its exports ------------------------------------------------------------

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "$x$",
    "&amp;",
    "<script>alert(1)</script>",
    "*gras* [lien](javascript:alert(1))",
]


def _statement():
    kept = keep_top(RANKING, adjust={"remove": [12], "add": [17]})
    actions = {11: "Je reformule la demande.", "13": HOSTILE[0], 15: HOSTILE[1]}
    vision = best_proposal([_proposal("a", [3, 3, 3]), {**_proposal("b", [5, 5, 5]), "text": HOSTILE[2]}])
    return from_session(kept, actions, vision, purpose=HOSTILE[3], organisation=HOSTILE[4])


def test_from_session_keeps_the_voted_order_and_matches_actions_by_id():
    statement = _statement()
    assert [v.name for v in statement.values] == ["Écoute", "Honnêteté", "Respect", "Autonomie", "Qualité"]
    assert statement.values[0] == Value("Écoute", "Je reformule la demande.")
    assert statement.values[1].action == HOSTILE[0]
    assert statement.values[2].action == ""
    assert statement.vision == "&amp;"


def _order(document, names):
    positions = [document.index(name) for name in names]
    return positions == sorted(positions)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_lists_values_in_voted_order_and_escapes_everything(lang):
    html = to_html(_statement(), lang, date="2024-10-07")
    assert _order(
        html, ["<li>Écoute</li>", "<li>Honnêteté</li>", "<li>Respect</li>", "<li>Autonomie</li>", "<li>Qualité</li>"]
    )
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp;amp;" in html
    assert "$x$" in html  # shown as is; the page loads no math renderer
    assert f'<html lang="{lang}">' in html
    assert "@media print" in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_markdown_lists_values_in_voted_order_and_escapes_everything(lang):
    md = to_markdown(_statement(), lang)
    assert _order(md, ["1. Écoute", "2. Honnêteté", "3. Respect", "4. Autonomie", "5. Qualité"])
    assert "\\$x\\$" in md and "\\&amp;" in md and "\\<img" in md
    # Rendered by a Markdown engine that lets raw HTML through, nothing becomes markup.
    rendered = mistune.create_markdown(escape=False)(md)
    assert "<img" not in rendered and "<script" not in rendered and "<a " not in rendered and "<em>gras" not in rendered
    assert "&amp;amp;" in rendered


def test_markdown_escape_neutralises_block_markup_at_the_start():
    render = mistune.create_markdown(escape=False)
    for text in ["# titre", "> citation", "- puce", "+ puce", "1. liste", "2) liste", "=== ", "`code`", "a|b|c"]:
        html = render(escape_markdown(text))
        assert html.startswith("<p>"), (text, html)
        assert "<code>" not in html


def test_empty_statement_shows_what_is_left_to_fill():
    assert "À compléter" in to_markdown(Statement(), "fr")
    assert "To fill in" in to_html(Statement(), "en")


def test_csv_keeps_the_order_and_defuses_formulas():
    statement = Statement(vision='=HYPERLINK("http://x")', values=[Value("Écoute", "+1 appel"), Value("@Respect", "-")])
    text = to_csv(statement_rows(statement))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["position"] for r in rows] == ["1", "2"]
    assert [r["value"] for r in rows] == ["Écoute", "'@Respect"]
    assert rows[0]["action"] == "'+1 appel" and rows[0]["vision"].startswith("'=")
    assert to_csv(RANKING[:2], columns=["id", "text"]).splitlines() == ["id,text", "11,Écoute", "12,Rapidité"]
