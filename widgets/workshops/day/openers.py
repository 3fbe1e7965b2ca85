"""The day's opener (a word cloud on "one word for great service") and closer (the Monday commitment card)."""

from __future__ import annotations

import sqlalchemy as sa

from widgets import content
from widgets.core.errors import Forbidden, Invalid
from widgets.live import store as st
from widgets.live.exercises.cloud import fold

WORDCLOUD, COMMITMENT = "wordcloud", "commitment"


def wordcloud_spec(*, moderated: bool = False) -> dict:
    doc = content.load("day/openers")["wordcloud"]
    return {
        "kind": "cloud",
        "id": WORDCLOUD,
        "prompt": doc["prompt"],
        "moderated": moderated,
        "max_per_participant": doc.get("max_per_participant", 3),
        "max_length": doc.get("max_length", 30),
    }


def commitment_spec() -> dict:
    doc = content.load("day/openers")["commitment"]
    return {
        "kind": "commitment",
        "id": COMMITMENT,
        "prompt": doc["prompt"],
        "card": {k: doc[k] for k in ("heading", "download", "footer", "placeholder")},
    }


def moderate(engine, trainer, code: str, body: dict) -> dict:
    """Show, hide or approve a word of the cloud: every card that folds to it at once."""
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    activity, key, status = body.get("activity", WORDCLOUD), body.get("key"), body.get("status")
    if not isinstance(activity, str):
        raise Invalid("core.error_invalid", field="activity")
    spec = session["state"].get("specs", {}).get(activity)
    if not spec or spec.get("kind") != "cloud":
        raise Invalid("core.error_invalid", field="activity")
    if status not in ("visible", "hidden"):
        raise Invalid("core.error_invalid", field="status")
    cards = _cards(engine, session, activity)
    ids = [i for w in fold([(c["id"], c["text"]) for c in cards]) if w["key"] == key for i in w["ids"]]
    if not ids:
        raise Invalid("core.error_invalid", field="key")
    for item_id in ids:
        engine.set_item_status(trainer, code, item_id, status)
    return {"changed": len(ids)}


def _cards(engine, session: dict, activity: str) -> list[dict]:
    i = st.items
    with engine.store.read() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(i.c.id, i.c.text, i.c.status).where(i.c.session_id == session["id"], i.c.activity == activity)
            )
        ]


def trainer_words(engine, code: str, activity: str = WORDCLOUD) -> list[dict]:
    """Every word of the cloud for the trainer, hidden and waiting ones too: ``key, text, count, status``."""
    session = engine.session(code)
    if activity not in session["state"].get("specs", {}):
        return []
    cards = _cards(engine, session, activity)
    status = {c["id"]: c["status"] for c in cards}
    out = []
    for word in fold([(c["id"], c["text"]) for c in cards]):
        states = {status[i] for i in word["ids"]}
        shown = "visible" if "visible" in states else "pending" if "pending" in states else "hidden"
        out.append({"key": word["key"], "text": word["text"], "count": word["count"], "status": shown})
    return out
