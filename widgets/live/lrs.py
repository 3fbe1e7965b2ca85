"""Learning records for the organisation's LRS: xAPI statements about a session, queued in the store.

The engine calls :func:`launched`, :func:`answered` and :func:`completed` inside the
transaction that records the join, the answer or the closing, so a statement is queued
exactly when what it says happened, and waits in the store (``lrs_queue``) while the LRS
is down; :mod:`widgets.live.lrs_send` delivers it from the server process. Nothing is
queued when no LRS is configured.

The verbs are cmi5's (ADL's vocabulary): a participant *launched* the workshop or lesson
when joining, *answered* each activity, *completed* a case (with its score, then *passed* or
*failed* it against ``lrs_pass_score``) and *completed* the workshop at its closing when they
took part. A queued statement has no actor: :func:`actor` writes it at sending time from
the participant's row, an opaque account id always and a first name only when the session
is not anonymous, so a name dropped meanwhile is never sent.

>>> someone = {"token_hash": "ab" * 32, "name": "Léa"}
>>> actor(someone, {"state": {"anonymous": True}}, "https://elan.example.org/")["account"]["name"]
'7e1cc0b8e7c59334bf3809fd20b9e501'
>>> "name" in actor(someone, {"state": {"anonymous": True}}, "https://elan.example.org/")
False
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from widgets.core.settings import Settings
from widgets.live.tables import items, lrs_queue, participants, responses

#: ADL's verb identifiers, as cmi5 uses them; the display is the vocabulary's own (en-US).
VERBS = {
    verb: f"http://adlnet.gov/expapi/verbs/{verb}" for verb in ("launched", "answered", "completed", "passed", "failed")
}
#: Activity types: a self-paced cohort is a lesson, a live workshop a meeting, a step an interaction.
TYPES = {
    "solo": "http://adlnet.gov/expapi/activities/lesson",
    "live": "http://adlnet.gov/expapi/activities/meeting",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "case": "http://adlnet.gov/expapi/activities/simulation",
}
#: Statement ids are derived (uuid5) from what they record: a statement sent twice after a
#: lost answer from the LRS is the same statement, which the LRS keeps once.
NAMESPACE = uuid.UUID("0b8f7a52-3c1e-5d2a-9f41-6a7d1c0e2b93")
#: Sessions whose records go to the LRS: not the case editor's throwaway previews.
RECORDED_MODES = ("live", "solo")


def enabled(settings: Settings, session: dict) -> bool:
    return bool(settings.lrs_endpoint) and session.get("mode") in RECORDED_MODES


def home_page(settings: Settings) -> str:
    """The kit's address: the root of its activity ids and the home page of its learners' accounts."""
    root = settings.public_url or f"http://localhost:{settings.port}"
    return root.rstrip("/") + settings.base_url


def opaque_id(token_hash: str) -> str:
    """A participant's stable account name for the LRS: derived from the token's hash, so the same
    learner coming back keeps it, and nothing in it leads back to the token or a name."""
    return hashlib.sha256(b"elan-xapi-actor:" + token_hash.encode()).hexdigest()[:32]


def actor(participant: dict, session: dict, home: str) -> dict:
    """The statement's actor: an opaque account, with the first name only outside anonymous sessions."""
    agent = {"objectType": "Agent", "account": {"homePage": home, "name": opaque_id(participant["token_hash"])}}
    if participant.get("name") and not session["state"].get("anonymous"):
        agent["name"] = participant["name"]
    return agent


def registration(participant: dict, session: dict) -> str:
    """cmi5's registration: one per learner and session (a learner's attempt at this lesson)."""
    return str(uuid.uuid5(NAMESPACE, f"{session['code']}:{participant['token_hash']}"))


def session_activity(settings: Settings, session: dict) -> dict:
    iri = f"{home_page(settings)}xapi/{quote(session['workshop'])}/sessions/{quote(session['code'])}"
    definition = {"type": TYPES.get(session["mode"], TYPES["live"])}
    if session.get("title"):
        definition["name"] = {session["lang"]: session["title"]}
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _child(settings: Settings, session: dict, path: str, kind: str) -> dict:
    iri = f"{session_activity(settings, session)['id']}/{path}"
    return {"objectType": "Activity", "id": iri, "definition": {"type": TYPES[kind]}}


def _timestamp(when: float) -> str:
    return dt.datetime.fromtimestamp(when, dt.UTC).isoformat()


def _statement(settings, session, verb: str, obj: dict, when: float, seq: int, *, result=None, parent=True) -> dict:
    statement = {
        "id": str(uuid.uuid5(NAMESPACE, f"{session['id']}:{session['code']}:{seq}:{verb}:{obj['id']}")),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "timestamp": _timestamp(when),
        "context": {"platform": "Élan", "language": session["lang"]},
    }
    if parent:
        statement["context"]["contextActivities"] = {"parent": [session_activity(settings, session)]}
    if result is not None:
        statement["result"] = result
    return statement


def _queue(conn: Connection, session: dict, participant_id: int, statements: list[dict], when: float) -> None:
    if not statements:
        return
    rows = [
        {
            "session_id": session["id"],
            "participant_id": participant_id,
            "statement": s,
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": when,
            "created_at": when,
        }
        for s in statements
    ]
    conn.execute(lrs_queue.insert(), rows)


# --- what the engine records ---------------------------------------------------------------------


def launched(conn: Connection, settings: Settings, session: dict, participant_id: int, seq: int, when: float):
    """A new participant joined: they launched the workshop (or the self-paced lesson)."""
    if not enabled(settings, session):
        return
    obj = session_activity(settings, session)
    _queue(
        conn, session, participant_id, [_statement(settings, session, "launched", obj, when, seq, parent=False)], when
    )


def case_result(scores: dict[str, int], pass_score: int) -> tuple[dict, bool]:
    """A finished case's xAPI result: the mean of its competence scores (percent), and whether it passes.

    >>> case_result({"empathy": 100, "ownership": 50, "resolution": 75, "speed": 75}, 60)
    ({'score': {'scaled': 0.75, 'raw': 75, 'min': 0, 'max': 100}, 'completion': True, 'success': True}, True)
    """
    mean = round(sum(scores.values()) / len(scores)) if scores else 0
    passed = mean >= pass_score
    result = {"score": {"scaled": mean / 100, "raw": mean, "min": 0, "max": 100}, "completion": True}
    return {**result, "success": passed}, passed


def answered(
    conn: Connection,
    settings: Settings,
    session: dict,
    participant_id: int,
    spec: dict,
    payload: dict,
    outcome: dict,
    seq: int,
    when: float,
):
    """An answer the rules accepted: *answered* the activity, or for a finished case *completed*
    with its score and *passed* or *failed*. The participant's text is not sent, only that they answered."""
    if not enabled(settings, session) or outcome.get("changed") is False:
        return  # the same answer sent again (a reload) is not a new one
    if spec["kind"] == "caseplay":
        case = quote(str(payload.get("case")))
        obj = _child(settings, session, f"cases/{case}", "case")
        result, passed = case_result(outcome.get("scores") or {}, settings.lrs_pass_score)
        result["extensions"] = {f"{home_page(settings)}xapi/extensions/ending": outcome.get("ending")}
        statements = [
            _statement(settings, session, "completed", obj, when, seq, result=result),
            _statement(settings, session, "passed" if passed else "failed", obj, when, seq, result=result),
        ]
    else:
        obj = _child(settings, session, f"activities/{quote(spec['id'])}", "interaction")
        result = None
        key = spec.get("answer")
        if spec["kind"] == "quiz" and isinstance(key, dict) and payload.get("question") in key:
            result = {"success": key[payload["question"]] == payload.get("option")}
        statements = [_statement(settings, session, "answered", obj, when, seq, result=result)]
    _queue(conn, session, participant_id, statements, when)


def completed(conn: Connection, settings: Settings, session: dict, seq: int, when: float):
    """The workshop closed: each participant who took part (an answer or a card) completed it."""
    if not enabled(settings, session):
        return
    took_part = sa.union(
        sa.select(responses.c.participant_id).where(responses.c.session_id == session["id"]),
        sa.select(items.c.participant_id).where(
            items.c.session_id == session["id"], items.c.participant_id.is_not(None)
        ),
    ).subquery()
    ids = conn.execute(
        sa.select(participants.c.id).where(participants.c.id.in_(sa.select(took_part.c.participant_id)))
    ).scalars()
    obj = session_activity(settings, session)
    for pid in sorted(ids):
        statement = _statement(
            settings, session, "completed", obj, when, seq, result={"completion": True}, parent=False
        )
        # One statement per participant: the id must differ too.
        statement["id"] = str(uuid.uuid5(NAMESPACE, f"{statement['id']}:{pid}"))
        _queue(conn, session, pid, [statement], when)
