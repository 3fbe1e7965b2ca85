"""The session engine over a real store, on SQLite and on PostgreSQL: the same tests for both."""

from __future__ import annotations

import pytest

from widgets.core import codes
from widgets.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from widgets.live import accounts

IDEAS = {"kind": "ideas", "id": "ideas", "max_per_participant": 20}
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    '<a href="javascript:alert(1)">clic</a>',
    "$\\frac{1}{2}$ et $x$",
    "&amp; &lt;b&gt;",
    "'); DROP TABLE items; --",
    "Écoute « active » — 100 % 👍",
]


@pytest.fixture
def trainer(engine):
    return engine.authenticate("test-key")


@pytest.fixture
def code(engine, trainer):
    return engine.create_session(trainer, "brainstorm", "fr", title="Atelier")["code"]


def _cards(engine, trainer, code, texts):
    engine.open_activity(trainer, code, IDEAS)
    return [engine.add_item(trainer, code, "ideas", text) for text in texts]


def _open_dots(engine, trainer, code, **spec):
    engine.open_activity(trainer, code, {"kind": "dots", "id": "vote", "source": "ideas", "budget": 3, **spec})


def test_a_session_is_found_by_its_code_however_typed(engine, code):
    assert set(code) <= set(codes.ALPHABET) and len(code) == codes.CODE_LENGTH
    spaced = " ".join([code[:3].lower(), code[3:]])
    assert engine.session(spaced)["code"] == code
    with pytest.raises(NotFound):
        engine.session("ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")


def test_rejoin_with_the_token_keeps_the_participant_and_answers(engine, trainer, code):
    engine.open_activity(trainer, code, IDEAS)
    me, token = engine.join(code, name="Ana")
    engine.submit(code, token, "ideas", {"text": "Écoute"})
    again, same = engine.join(code.lower(), token=token)
    assert (again["id"], same, again["name"]) == (me["id"], token, "Ana")
    renamed, _ = engine.join(code, token=token, name="Anaïs")
    assert renamed["id"] == me["id"] and renamed["name"] == "Anaïs"
    assert engine.participant_state(code, token)["view"]["mine"][0]["text"] == "Écoute"
    assert engine.counts(code)["joined"] == 1
    # A lost or made-up token is a new participant, never someone else.
    other, _ = engine.join(code, token="not-a-token")
    assert other["id"] != me["id"]


def test_closed_session_refuses_new_participants_and_answers(engine, trainer, code):
    engine.open_activity(trainer, code, IDEAS)
    _, token = engine.join(code)
    engine.close_session(trainer, code)
    with pytest.raises(Conflict, match="session_closed"):
        engine.join(code)
    assert engine.join(code, token=token)[1] == token  # coming back still shows the end page
    with pytest.raises(Conflict, match="session_closed"):
        engine.submit(code, token, "ideas", {"text": "trop tard"})
    assert engine.participant_state(code, token)["session"]["closed"] is True


def test_submit_is_refused_when_input_is_closed_or_the_activity_not_open(engine, trainer, code):
    _cards(engine, trainer, code, ["Écoute", "Rapidité"])
    _, token = engine.join(code)
    engine.set_input(trainer, code, False)
    with pytest.raises(Conflict, match="input_closed"):
        engine.submit(code, token, "ideas", {"text": "fermé"})
    engine.set_input(trainer, code, True)
    assert engine.submit(code, token, "ideas", {"text": "ouvert"})["id"]
    _open_dots(engine, trainer, code)
    with pytest.raises(Conflict, match="input_closed"):
        engine.submit(code, token, "ideas", {"text": "plus l'activité ouverte"})
    with pytest.raises(Conflict, match="input_closed"):
        engine.submit(code, token, "unknown", {"item": 1, "dots": 1})
    with pytest.raises(Forbidden):
        engine.submit(code, "forged", "vote", {"item": 1, "dots": 1})
    with pytest.raises(Invalid):
        engine.submit(code, token, "vote", "not a dict")


def test_trainer_actions_are_refused_to_anyone_else(engine, trainer, code):
    engine.open_activity(trainer, code, IDEAS)
    _, token = engine.join(code)
    item = engine.submit(code, token, "ideas", {"text": "Écoute"})["id"]
    accounts.add(engine.store, "Bruno", "secret-b")
    bruno = engine.authenticate("Bruno:secret-b")
    participant_as_trainer = engine.authenticate(token)
    assert participant_as_trainer is None
    assert engine.authenticate(None) is None and engine.authenticate("test-key-but-wrong") is None
    actions = [
        lambda who: engine.open_activity(who, code, {"kind": "info", "id": "x"}),
        lambda who: engine.set_input(who, code, False),
        lambda who: engine.reveal(who, code, "ideas"),
        lambda who: engine.set_item_status(who, code, item, "hidden"),
        lambda who: engine.merge(who, code, [item], item),
        lambda who: engine.add_item(who, code, "ideas", "ajout"),
        lambda who: engine.start_timer(who, code, 60),
        lambda who: engine.set_option(who, code, "show_names", True),
        lambda who: engine.close_session(who, code),
    ]
    seq = engine.session(code)["event_seq"]
    for action in actions:
        for who in (None, participant_as_trainer, bruno):
            with pytest.raises(Forbidden):
                action(who)
    session = engine.session(code)
    assert session["event_seq"] == seq and session["closed_at"] is None and session["state"]["open"]
    with pytest.raises(Forbidden):
        engine.create_session(None, "brainstorm", "fr")


def test_hide_takes_a_card_off_the_vote(engine, trainer, code):
    first, second = _cards(engine, trainer, code, ["Écoute", "<b>grossier</b>"])
    engine.set_item_status(trainer, code, second, "hidden")
    _open_dots(engine, trainer, code)
    _, token = engine.join(code)
    assert [c["id"] for c in engine.participant_state(code, token)["view"]["cards"]] == [first]
    with pytest.raises(Invalid):
        engine.submit(code, token, "vote", {"item": second, "dots": 1})
    statuses = {c["id"]: c["status"] for c in engine.results(code, "ideas")["cards"]}
    assert statuses == {first: "visible", second: "hidden"}
    with pytest.raises(NotFound):
        engine.set_item_status(trainer, code, 999_999, "hidden")


def test_merged_cards_count_their_votes_for_the_card_kept(engine, trainer, code):
    a, b, c = _cards(engine, trainer, code, ["Écoute", "l'écoute", "Rapidité"])
    _open_dots(engine, trainer, code)
    tokens = [engine.join(code)[1] for _ in range(3)]
    engine.submit(code, tokens[0], "vote", {"item": a, "dots": 1})
    engine.submit(code, tokens[1], "vote", {"item": b, "dots": 1})
    engine.submit(code, tokens[2], "vote", {"item": c, "dots": 1})
    engine.merge(trainer, code, [b], a)
    ranking = {card["id"]: card["dots"] for card in engine.results(code, "vote")["ranking"]}
    assert ranking == {a: 2, c: 1}
    engine.unmerge(trainer, code, b)
    ranking = {card["id"]: card["dots"] for card in engine.results(code, "vote")["ranking"]}
    assert ranking == {a: 1, b: 1, c: 1}


def test_votes_are_idempotent_and_kept_within_the_budget(engine, trainer, code):
    cards = _cards(engine, trainer, code, ["a", "b", "c", "d"])
    _open_dots(engine, trainer, code)
    _, token = engine.join(code)
    assert engine.submit(code, token, "vote", {"item": cards[0], "dots": 1})["changed"] is True
    seq = engine.session(code)["event_seq"]
    assert engine.submit(code, token, "vote", {"item": cards[0], "dots": 1})["changed"] is False
    assert engine.session(code)["event_seq"] == seq  # a replay adds no event
    engine.submit(code, token, "vote", {"item": cards[1], "dots": 1})
    engine.submit(code, token, "vote", {"item": cards[2], "dots": 1})
    with pytest.raises(Conflict, match="no_dots_left"):
        engine.submit(code, token, "vote", {"item": cards[3], "dots": 1})
    assert engine.results(code, "vote")["ranking"][0]["dots"] == 1


def test_reveal_shows_the_reference_and_results_only_when_the_trainer_says(engine, trainer, code):
    spec = {
        "kind": "match",
        "id": "match",
        "rows": [{"id": "speed"}],
        "columns": [{"id": "FRT"}, {"id": "NPS"}],
        "reference": {"speed": ["FRT"]},
    }
    engine.open_activity(trainer, code, spec)
    _, token = engine.join(code)
    engine.submit(code, token, "match", {"row": "speed", "columns": ["FRT", "NPS"]})
    hidden = engine.participant_state(code, token)
    assert "reference" not in hidden["activity"] and "results" not in hidden and "feedback" not in hidden["view"]
    engine.reveal(trainer, code, "match")
    shown = engine.participant_state(code, token)
    assert shown["activity"]["reference"] == {"speed": ["FRT"]}
    assert shown["results"]["counts"]["speed"] == {"FRT": 1, "NPS": 1}
    assert shown["view"]["feedback"]["extra"] == 1
    engine.reveal(trainer, code, "match", False)
    assert "results" not in engine.participant_state(code, token)


def test_events_since_gives_every_change_once_in_order(engine, trainer, code):
    session_id = engine.session(code)["id"]
    engine.open_activity(trainer, code, IDEAS)
    _, token = engine.join(code)
    seen = engine.events_since(session_id, 0)
    assert [e["seq"] for e in seen] == [1, 2]
    last = seen[-1]["seq"]
    ids = [engine.submit(code, token, "ideas", {"text": f"idée {n}"})["id"] for n in range(4)]
    engine.set_phase(trainer, code, "vote")
    new = engine.events_since(session_id, last)
    assert [e["seq"] for e in new] == [3, 4, 5, 6, 7]
    assert [e["data"].get("id") for e in new[:4]] == ids and new[4]["data"] == {"phase": "vote"}
    assert engine.events_since(session_id, 7) == []
    assert engine.last_seq(session_id) == 7
    # Participant pages read public events only: no joins, no other phone's cards.
    public = engine.events_since(session_id, 0, public_only=True)
    assert [e["kind"] for e in public] == ["activity", "phase"] and all(e["public"] for e in public)
    assert [e["seq"] for e in engine.events_since(session_id, 0, limit=3)] == [1, 2, 3]


def test_a_full_session_says_so_but_lets_its_participants_back(engine, trainer, code):
    engine.settings.max_participants = 3
    tokens = [engine.join(code)[1] for _ in range(3)]
    with pytest.raises(Conflict, match="session_full"):
        engine.join(code, name="Zoé")
    assert engine.join(code, token=tokens[1])[1] == tokens[1]
    assert engine.counts(code)["joined"] == 3


def test_rate_limit_per_participant_for_texts(engine, trainer, code):
    engine.settings.rate_limit_per_minute = 3
    engine.open_activity(trainer, code, IDEAS)
    _, token = engine.join(code)
    _, other = engine.join(code)
    for n in range(3):
        engine.submit(code, token, "ideas", {"text": f"idée {n}"})
    with pytest.raises(RateLimited):
        engine.submit(code, token, "ideas", {"text": "une de trop"})
    assert engine.submit(code, other, "ideas", {"text": "la mienne passe"})["id"]


def test_hostile_texts_are_stored_and_given_back_as_plain_text(engine, trainer, code):
    engine.open_activity(trainer, code, IDEAS)
    me, token = engine.join(code, name="<script>x</script>")
    assert me["name"] == "<script>x</script>"
    for text in HOSTILE:
        engine.submit(code, token, "ideas", {"text": text})
    assert [c["text"] for c in engine.results(code, "ideas")["cards"]] == HOSTILE
    # Control and bidirectional characters go; too long or empty is refused, never cut.
    engine.submit(code, token, "ideas", {"text": "a\u202eb\x00c"})
    assert engine.results(code, "ideas")["cards"][-1]["text"] == "abc"
    with pytest.raises(Invalid, match="too_long"):
        engine.submit(code, token, "ideas", {"text": "x" * (engine.settings.max_text_length + 1)})
    with pytest.raises(Invalid, match="empty"):
        engine.submit(code, token, "ideas", {"text": " \u200b "})
    with pytest.raises(Invalid):
        engine.submit(code, token, "ideas", {"text": {"$ne": ""}})


def test_two_sessions_do_not_see_each_other(engine, trainer):
    accounts.add(engine.store, "Aline", "secret-a")
    accounts.add(engine.store, "Bruno", "secret-b")
    aline, bruno = engine.authenticate("Aline:secret-a"), engine.authenticate("Bruno:secret-b")
    a = engine.create_session(aline, "brainstorm", "fr")
    b = engine.create_session(bruno, "metrics", "en")
    for who, session in ((aline, a), (bruno, b)):
        engine.open_activity(who, session["code"], IDEAS)
    _, ta = engine.join(a["code"])
    _, tb = engine.join(b["code"])
    engine.submit(a["code"], ta, "ideas", {"text": "chez A"})
    engine.submit(b["code"], tb, "ideas", {"text": "chez B"})
    assert [c["text"] for c in engine.results(a["code"], "ideas")["cards"]] == ["chez A"]
    assert [c["text"] for c in engine.results(b["code"], "ideas")["cards"]] == ["chez B"]
    with pytest.raises(Forbidden):
        engine.submit(b["code"], ta, "ideas", {"text": "intrus"})
    with pytest.raises(Forbidden):
        engine.participant_state(b["code"], ta)
    cards_a = {c["id"] for c in engine.results(a["code"], "ideas")["cards"]}
    assert {e["data"]["id"] for e in engine.events_since(a["id"], 0) if e["kind"] == "item"} == cards_a
    assert [s["code"] for s in engine.sessions_of(aline)] == [a["code"]]
    assert {s["code"] for s in engine.sessions_of(trainer)} == {a["code"], b["code"]}
    assert engine.counts(a["code"])["joined"] == 1
