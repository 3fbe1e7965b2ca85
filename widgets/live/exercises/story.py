"""Good catches: a participant tells a short story of good service seen from a named colleague.

A story is a moderated item: it arrives ``pending`` and nobody but the trainer
sees it (nor the colleague's name) until the trainer approves it (``visible``)
or leaves it out (``hidden``). Only an approved story gets a badge.

>>> clean_story({"colleague": " Amélie  D. ", "title": "Rappel le soir même", "story": "Elle a rappelé.",
...              "value": "listening"}, ["listening", "empathy"], 280)["colleague"]
'Amélie D.'
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from widgets.core import codes
from widgets.core.errors import Conflict, EngineError, Forbidden
from widgets.core.text import clean_text
from widgets.live import store as st
from widgets.live.kinds import Context, Exercise, require

NAME_MAX = 40
TITLE_MAX = 80
STORY_MAX = 600
PER_PARTICIPANT = 5


def clean_story(payload: dict, values: list[str], story_max: int) -> dict:
    """The story as stored: each text cleaned and within its limit, the value one of ``values``.

    Raises :class:`Invalid` naming what is wrong (an empty or too long field, an unknown value).
    """
    require(payload.get("value") in values, "value")
    return {
        "colleague": clean_text(payload.get("colleague"), NAME_MAX),
        "title": clean_text(payload.get("title"), TITLE_MAX),
        "story": clean_text(payload.get("story"), story_max),
        "value": payload["value"],
    }


def public_story(item: dict) -> dict:
    """What anybody may see of an approved story (never called for another status)."""
    data = item["data"]
    return {
        "id": item["id"],
        "title": item["text"],
        "colleague": data.get("colleague", ""),
        "story": data.get("story", ""),
        "value": data.get("value", ""),
        "date": _date(item["created_at"]),
    }


def _date(created_at: float) -> str:
    return dt.datetime.fromtimestamp(created_at, dt.UTC).date().isoformat()


class Story(Exercise):
    """Spec: ``{"kind": "story", "id": ..., "values": [{"id", "label"}], "labels": {key: {fr, en}}}``.

    ``labels`` carries the form's texts (the participant page only knows the core strings).
    """

    kind = "story"
    sends_text = True

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        values = spec.get("values")
        require(
            isinstance(values, list) and values and all(isinstance(v, dict) and v.get("id") for v in values), "values"
        )

    def submit(self, ctx: Context, payload: dict) -> dict:
        story_max = min(int(ctx.spec.get("max_length") or STORY_MAX), STORY_MAX, ctx.settings.max_text_length)
        story = clean_story(payload, [v["id"] for v in ctx.spec["values"]], story_max)
        mine = ctx.my_items()
        existing, nonce = ctx.resent(payload, mine)
        if existing is not None:
            return {"id": existing, "changed": False}
        if nonce:
            story["nonce"] = nonce
        limit = int(ctx.spec.get("max_per_participant", PER_PARTICIPANT))
        if len(mine) >= limit:
            raise Conflict("core.error_limit_reached", max=limit)
        title = story.pop("title")
        item_id = ctx.add_item(title, story, status="pending")
        # Nobody else sees a pending story: only the trainer's dashboard needs to wake up.
        ctx.emit("item", {"activity": ctx.activity, "id": item_id}, public=False)
        return {"id": item_id, "status": "pending"}

    def view(self, ctx: Context) -> dict:
        items = ctx.items(include_hidden=True)
        mine = [
            {"id": i["id"], "title": i["text"], "colleague": i["data"].get("colleague", ""), "status": i["status"]}
            for i in items
            if i["participant_id"] == ctx.participant["id"]
        ]
        return {"mine": mine, "wall": [public_story(i) for i in items if i["status"] == "visible"]}

    def results(self, ctx: Context) -> dict:
        # Results also reach the phones once revealed: approved stories only, pending ones counted.
        items = ctx.items(include_hidden=True)
        return {
            "approved": [public_story(i) for i in items if i["status"] == "visible"],
            "pending": sum(1 for i in items if i["status"] == "pending"),
            "hidden": sum(1 for i in items if i["status"] == "hidden"),
        }

    def projection(self, ctx: Context) -> dict:
        """The wall of approved stories; the colleague's name only when the trainer shows names."""
        values = {v["id"]: v["label"] for v in ctx.spec["values"]}
        stories = [
            {
                "id": s["id"],
                "title": s["title"],
                "story": s["story"],
                "value": values.get(s["value"]),
                "colleague": s["colleague"] if ctx.show_names else None,
            }
            for s in map(public_story, ctx.items())
        ]
        return {"stories": stories}


def _items(engine, code: str, activity: str | None, where) -> list[dict]:
    session = engine.session(code)
    i = st.items
    query = (
        sa.select(i.c.id, i.c.activity, i.c.text, i.c.data, i.c.status, i.c.created_at)
        .where(i.c.session_id == session["id"], where)
        .order_by(i.c.id)
    )
    if activity is not None:
        query = query.where(i.c.activity == activity)
    with engine.store.read() as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    kinds = {a: s.get("kind") for a, s in session["state"]["specs"].items()}
    return [r for r in rows if kinds.get(r["activity"]) == "story"]


def moderation_queue(engine, trainer, code: str, activity: str) -> list[dict]:
    """Every story of an activity with its status and the colleague's name: for the session's trainer only."""
    session = engine.session(code)
    if trainer is None or not trainer.may_drive(session):
        raise Forbidden("core.error_not_trainer")
    return [{**public_story(r), "status": r["status"]} for r in _items(engine, code, activity, sa.true())]


def approved(engine, code: str, item_id: int) -> dict | None:
    """An approved story of the session (for its badge), or None: pending, hidden, unknown or not a story."""
    try:
        item_id = int(item_id)
        code = codes.normalize_code(code)
    except (TypeError, ValueError):
        return None
    try:
        rows = _items(engine, code, None, (st.items.c.id == item_id) & (st.items.c.status == "visible"))
    except EngineError:
        return None
    return public_story(rows[0]) if rows else None
