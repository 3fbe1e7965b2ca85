"""Exercise kinds: what each provides to the engine, the context it works in, and their registry.

An exercise kind (ideas, dots, choice, match, rate, ...) is a class with:

* ``kind``: its name, also the name of its participant-page module
  (``widgets/server/static/participant/kinds/<kind>.js``);
* ``check_spec(spec)``: refuses an activity description that cannot work;
* ``submit(ctx, payload)``: the participant's action, checked against the rules;
* ``view(ctx)``: what one participant's page needs (JSON);
* ``results(ctx)``: the aggregate the dashboard shows (JSON);
* ``public(ctx)``: the step as the room sees it, a :class:`PublicView` that the stage,
  the console's preview (the stage in a frame) and the remote all read: one source.
  A kind usually writes only ``projection(ctx)`` (its results as the room may see
  them: labels from the spec, no hidden card, names only when shown) and, when the
  room sees something before any answer, ``shown(ctx)``. The stage draws a view with
  ``widgets/web/static/stage/kinds/<view.kind>.js`` (see ``docs/stage.md``).

The rules themselves (what is valid, how it counts) are plain functions in the
kind's module, tested without a store; ``submit`` only reads and writes through
the context. Every write happens in one transaction that also appends the event.

The kinds themselves live in ``widgets/live/exercises/`` and register here when that
package is imported (``widgets.live`` imports it), so the engine looks kinds up by
name without importing any of them; a workshop may register a kind of its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from widgets.core.errors import Invalid
from widgets.live import store as st

__all__ = ["KINDS", "Context", "Exercise", "get", "register", "require"]


@dataclass
class Context:
    """One session, one activity, maybe one participant, inside one transaction."""

    conn: Connection
    session: dict
    spec: dict
    participant: dict | None = None
    settings: Any = None
    events: list = field(default_factory=list)

    @property
    def activity(self) -> str:
        return self.spec["id"]

    @property
    def session_id(self) -> int:
        return self.session["id"]

    @property
    def revealed(self) -> bool:
        return self.activity in self.session["state"].get("revealed", [])

    @property
    def show_names(self) -> bool:
        """Names on the projector: asked for, never in an anonymous session (whatever came first), and
        never once the session is closed (its stage may stay open on some screen)."""
        state = self.session["state"]
        closed = self.session.get("closed_at") is not None
        return bool(state.get("show_names")) and not state.get("anonymous") and not closed

    @property
    def me(self) -> dict:
        """The participant who acts (an answer always has one; a trainer's action has none)."""
        if self.participant is None:
            raise Invalid("participant")
        return self.participant

    # --- reading ----------------------------------------------------------

    def responses(self, activity: str | None = None, participant_id: int | None = None) -> list[dict]:
        r = st.responses
        query = sa.select(r.c.participant_id, r.c.key, r.c.value).where(
            r.c.session_id == self.session_id, r.c.activity == (activity or self.activity)
        )
        if participant_id is not None:
            query = query.where(r.c.participant_id == participant_id)
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def my_responses(self) -> dict[str, Any]:
        if not self.participant:
            return {}
        rows = self.responses(participant_id=self.me["id"])
        return {row["key"]: row["value"] for row in rows}

    def items(self, activity: str | None = None, *, include_hidden: bool = False) -> list[dict]:
        i = st.items
        query = (
            sa.select(i.c.id, i.c.participant_id, i.c.text, i.c.data, i.c.status, i.c.merged_into, i.c.created_at)
            .where(i.c.session_id == self.session_id, i.c.activity == (activity or self.activity))
            .order_by(i.c.id)
        )
        if not include_hidden:
            query = query.where(i.c.status == "visible")
        return [dict(row._mapping) for row in self.conn.execute(query)]

    def my_items(self) -> list[dict]:
        """This participant's cards in this activity, hidden and pending ones included."""
        return [i for i in self.items(include_hidden=True) if i["participant_id"] == self.me["id"]]

    def resent(self, payload: dict, mine: list[dict]) -> tuple[int | None, str | None]:
        """A text re-sent after a lost connection carries the same nonce: the card it made, if any.

        Returns ``(existing card id or None, the nonce to store with a new card or None)``.
        """
        nonce = payload.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            return None, None
        nonce = nonce[:64]
        for item in mine:
            if item["data"].get("nonce") == nonce:
                return item["id"], nonce
        return None, nonce

    def participant_names(self) -> dict[int, str | None]:
        if self.session["state"].get("anonymous"):
            return {}
        p = st.participants
        rows = self.conn.execute(sa.select(p.c.id, p.c.name).where(p.c.session_id == self.session_id))
        return {row.id: row.name for row in rows}

    def put(self, key: str, value: Any) -> None:
        """Set this participant's answer for ``key`` (an upsert: replaying it changes nothing)."""
        r = st.responses
        pid = self.me["id"]
        where = (r.c.participant_id == pid) & (r.c.activity == self.activity) & (r.c.key == key)
        updated = self.conn.execute(r.update().where(where).values(value=value, updated_at=st.now())).rowcount
        if not updated:
            self.conn.execute(
                r.insert().values(
                    session_id=self.session_id,
                    participant_id=pid,
                    activity=self.activity,
                    key=key,
                    value=value,
                    updated_at=st.now(),
                )
            )

    def delete(self, key: str) -> None:
        r = st.responses
        self.conn.execute(
            r.delete().where((r.c.participant_id == self.me["id"]) & (r.c.activity == self.activity) & (r.c.key == key))
        )

    def add_item(self, text: str, data: dict | None = None, *, status: str = "visible") -> int:
        result = self.conn.execute(
            st.items.insert().values(
                session_id=self.session_id,
                activity=self.activity,
                participant_id=self.me["id"] if self.participant else None,
                text=text,
                data=data or {},
                status=status,
                created_at=st.now(),
            )
        )
        key = result.inserted_primary_key
        if key is None:  # an insert always has its key; SQLAlchemy types it Optional
            raise RuntimeError("no key for the inserted item")
        return key[0]

    def emit(self, kind: str, data: dict, *, public: bool = False) -> None:
        """Queue an event; the engine appends it in the same transaction."""
        self.events.append((kind, data, public))


@dataclass(frozen=True)
class PublicView:
    """One step as the room sees it: public by design (the projector), JSON once :meth:`as_json`.

    ``kind`` names the stage renderer (``static/stage/kinds/<kind>.js``); ``title`` and
    ``prompt`` are content texts (``{fr, en}`` maps) or None; ``shown`` is what the room
    sees before any answer (a case's title, a plan); ``results`` the room's answers as
    the room may see them, or None while they are not revealed. Labels travel as content
    maps or translation keys, never as ids for the page to show.
    """

    kind: str
    title: Any = None
    prompt: Any = None
    shown: dict = field(default_factory=dict)
    results: dict | None = None

    def as_json(self) -> dict:
        return asdict(self)


class Exercise:
    """Base of the exercise kinds; see the module docstring."""

    kind: ClassVar[str] = ""
    #: Texts this kind receives from participants (the engine rate-limits them).
    sends_text: ClassVar[bool] = False
    #: The room sees the results as they come (a brainstorm's wall, a word cloud), not only once revealed.
    live_on_stage: ClassVar[bool] = False

    def check_spec(self, spec: dict) -> None:
        if not isinstance(spec.get("id"), str) or not spec["id"] or len(spec["id"]) > 80:
            raise Invalid("core.error_invalid", field="id")

    def submit(self, ctx: Context, payload: dict) -> dict:
        raise Invalid("core.error_not_accepted")

    def takes_answers(self) -> bool:
        """Whether participants can send anything on this step (a kind with its own ``submit``).

        A break or a message takes none: the engine refuses to open answers on it, since the
        stage would say "answers open" where nothing can be sent.
        """
        return type(self).submit is not Exercise.submit

    def view(self, ctx: Context) -> dict:
        return {}

    def results(self, ctx: Context) -> dict:
        return {}

    def public(self, ctx: Context) -> PublicView:
        """The step as the room sees it; results only once revealed (or as they come, ``live_on_stage``)."""
        shown = ctx.revealed or self.live_on_stage
        return PublicView(
            self.kind,
            ctx.spec.get("title"),
            ctx.spec.get("prompt"),
            self.shown(ctx),
            self.projection(ctx) if shown else None,
        )

    def shown(self, ctx: Context) -> dict:
        """What the room sees of the step before any answer (JSON); nothing by default."""
        return {}

    def projection(self, ctx: Context) -> dict:
        """The results as the room may see them (JSON): no names unless shown, labels not ids."""
        return {}


def require(condition: bool, field: str) -> None:
    """Refuse a malformed request, naming the field."""
    if not condition:
        raise Invalid("core.error_invalid", field=field)


#: Every kind the engine knows, by name.
KINDS: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise kind (an instance); workshop modules may register their own."""
    KINDS[exercise.kind] = exercise
    return exercise


def get(kind: str) -> Exercise:
    """The kind of that name; an unknown name is the participant's or trainer's invalid input."""
    try:
        return KINDS[kind]
    except (KeyError, TypeError):
        raise Invalid("core.error_invalid", field="kind") from None
