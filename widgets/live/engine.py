"""The live session engine: sessions, participants, activities, answers and the change feed.

Everything goes through the store, so the server, every dashboard kernel and the
command line see the same sessions. Every action that changes a session checks,
here in Python, who asks and whether the session's state allows it.

>>> from widgets.core.settings import Settings
>>> eng = Engine(Store("sqlite://"), Settings(trainer_key="k"))
>>> trainer = eng.authenticate("k")
>>> session = eng.create_session(trainer, "brainstorm", "en")
>>> eng.open_activity(trainer, session["code"], {"kind": "ideas", "id": "ideas"})
>>> me, token = eng.join(session["code"], name="Ana")
>>> eng.submit(session["code"], token, "ideas", {"text": "Listening"})["id"]
1
>>> [c["text"] for c in eng.results(session["code"], "ideas")["cards"]]
['Listening']
"""

from __future__ import annotations

import copy
import hmac
import threading
import time
from concurrent.futures import Future
from typing import Any

import sqlalchemy as sa

from widgets import content
from widgets.core import codes
from widgets.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from widgets.core.languages import LANGUAGES
from widgets.core.settings import Settings
from widgets.core.text import clean_text
from widgets.live import accounts, kinds, lrs, privacy
from widgets.live import store as st
from widgets.live.accounts import Trainer
from widgets.live.batch import GroupCommit
from widgets.live.kinds import Context
from widgets.live.store import Store

#: A participant whose page asked for anything within this many seconds counts as connected.
CONNECTED_WINDOW = 75
#: How often a participant's ``last_seen`` is written at most (a write per page poll would be waste).
SEEN_EVERY = 20
NAME_MAX = 40
#: A session's ``mode`` for a throwaway preview (the case editor's): listed nowhere, never
#: resumed by a dashboard, removed by ``elan purge`` once idle for a day (see ``privacy.purge``).
PREVIEW = privacy.PREVIEW_MODE


def _as_id(value: Any, field: str) -> int:
    """A row id from a request: a whole number a database column can hold, or Invalid naming the field.

    >>> _as_id(12, "item")
    12
    >>> _as_id(2**70, "item")
    Traceback (most recent call last):
    ...
    widgets.core.errors.Invalid: core.error_invalid {'field': 'item'}
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise Invalid("core.error_invalid", field=field)
    return value


def _require(value: Any, kind, field: str, *, optional: bool = False):
    """``value`` if it has the expected type (``None`` too when optional), else Invalid naming the field."""
    if (value is None and optional) or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        return value
    raise Invalid("core.error_invalid", field=field)


def _takes_answers(state: dict) -> bool:
    """Whether the current step takes answers: there is one, and its kind has something to send."""
    spec = state.get("specs", {}).get(state.get("activity") or "")
    return spec is not None and kinds.get(spec.get("kind", "")).takes_answers()


def _require_answers(state: dict) -> None:
    """Refuse opening answers when the current step takes none (a break, a message) or there is none."""
    if not _takes_answers(state):
        raise Conflict("core.error_no_answers_here")


def _row(row) -> dict | None:
    return dict(row._mapping) if row is not None else None


def _public_spec(spec: dict | None, revealed: bool) -> dict | None:
    if spec is None:
        return None
    out = {k: v for k, v in spec.items() if not k.startswith("_")}
    if not revealed:
        out.pop("reference", None)
        out.pop("answer", None)
    return out


class Engine:
    """Sessions and participants over one store."""

    def __init__(self, store: Store, settings: Settings | None = None):
        self.store = store
        self.settings = settings or Settings()
        self._group: GroupCommit | None = None
        self._group_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Engine:
        settings = settings or Settings()
        settings.data_path.mkdir(parents=True, exist_ok=True)
        return cls(Store(settings.effective_database_url()), settings)

    # --- trainers -----------------------------------------------------------------

    def authenticate(self, key: str | None, *, trusted_user: str | None = None) -> Trainer | None:
        """The trainer a key belongs to, or None. Accounts' keys are ``name:secret``."""
        if trusted_user:
            return accounts.trusted(self.store, trusted_user)
        if not key or not isinstance(key, str):
            return None
        if accounts.is_login(key):
            return accounts.login_trainer(self.store, key)
        shared = self.settings.ensure_trainer_key()
        if hmac.compare_digest(key.encode(), shared.encode()):
            return Trainer(name=None, is_admin=True)
        if ":" in key:
            return accounts.verify(self.store, key)
        return None

    def open_login(self, trainer: Trainer) -> str:
        """A sign-in for a trainer the server checked: what the cookie and the page's kernel hold."""
        return accounts.open_login(self.store, trainer)

    def page_trainer(self, credential: str | None) -> Trainer | None:
        """The trainer of a page's sign-in, and nothing else: a kernel never checks a raw key."""
        return accounts.login_trainer(self.store, credential)

    def close_login(self, credential: str | None) -> None:
        accounts.close_login(self.store, credential)

    # --- who may do what: every caller (dashboard, HTTP API, command line, remote) asks here ---

    def _require_trainer(self, trainer: Trainer | None, session: dict) -> None:
        """The one permission rule: a trainer drives their own sessions; an administrator, all."""
        if not isinstance(trainer, Trainer) or not trainer.may_drive(session):
            raise Forbidden("core.error_not_trainer")

    def trainer_session(self, trainer: Trainer | None, code: str) -> dict:
        """The session, for a trainer who may drive it (reading its results, feed, exports); else Forbidden."""
        session = self.session(code)
        self._require_trainer(trainer, session)
        return session

    # --- sessions -------------------------------------------------------------------

    def create_session(
        self,
        trainer: Trainer | None,
        workshop: str,
        lang: str,
        *,
        title: str = "",
        mode: str = "live",
        options: dict | None = None,
    ) -> dict:
        if trainer is None:
            raise Forbidden("core.error_not_trainer")
        if lang not in LANGUAGES:
            raise Invalid("core.error_invalid", field="lang")
        state = {
            "phase": None,
            "activity": None,
            "open": False,
            "revealed": [],
            "specs": {},
            "timer": None,
            "show_names": False,
            "anonymous": False,
            "data": {},
            **(options or {}),
        }
        for _ in range(20):
            code = codes.new_code()
            try:
                with self.store.write() as conn:
                    conn.execute(
                        st.sessions.insert().values(
                            code=code,
                            workshop=workshop,
                            mode=mode,
                            lang=lang,
                            owner=trainer.name,
                            title=title[:200],
                            state=state,
                            event_seq=0,
                            created_at=st.now(),
                        )
                    )
                return self.session(code)
            except sa.exc.IntegrityError:
                continue  # the code was taken: draw another
        raise Conflict("core.error_try_again")

    def open_preview(self, trainer: Trainer | None, workshop: str, lang: str, *, title: str = "") -> dict:
        """A throwaway session to preview content as the phones and the stage show it (the case editor's).

        It is an ordinary session for the pages (join, state, stage), marked ``PREVIEW``:
        :meth:`sessions_of` never lists it (no dashboard resumes it, no count includes it),
        and ``elan purge`` removes it once idle for a day.
        """
        return self.create_session(trainer, workshop, lang, title=title, mode=PREVIEW)

    def discard_preview(self, trainer: Trainer | None, code: str) -> None:
        """Remove a preview session and everything in it; refused for a real session or another trainer's."""
        session = self.trainer_session(trainer, code)
        if session["mode"] != PREVIEW:
            raise Conflict("core.error_not_preview")
        privacy.delete_sessions(self.store, [session["id"]])

    def session(self, code: str) -> dict:
        """The session with this join code (any case, spaces ignored); raises NotFound."""
        with self.store.read() as conn:
            return self._session_in(conn, code)

    def sessions_of(self, trainer: Trainer, *, workshop: str | None = None, include_closed: bool = False) -> list[dict]:
        """Sessions a trainer may drive, newest first (to resume one after a restart); previews are not sessions."""
        s = st.sessions
        query = sa.select(s).where(s.c.mode != PREVIEW).order_by(s.c.created_at.desc(), s.c.id.desc())
        if workshop:
            query = query.where(s.c.workshop == workshop)
        if not include_closed:
            query = query.where(s.c.closed_at.is_(None))
        if not trainer.is_admin:
            query = query.where(s.c.owner == trainer.name)
        with self.store.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def _session_in(self, conn, code: str, *, lock: bool = False) -> dict:
        """The session with this join code, read in ``conn``; raises NotFound."""
        query = sa.select(st.sessions).where(st.sessions.c.code == codes.normalize_code(code))
        row = _row(conn.execute(query.with_for_update() if lock else query).first())
        if row is None:
            raise NotFound("core.error_unknown_code")
        return row

    def _locked_session(self, conn, code: str) -> dict:
        # FOR UPDATE serialises writes to one session on PostgreSQL, so event numbers
        # are given in commit order; SQLite's BEGIN IMMEDIATE already serialises.
        return self._session_in(conn, code, lock=True)

    def _append_events(self, conn, session: dict, events: list[tuple[str, dict, bool]]) -> int:
        seq = session["event_seq"]
        if not events:
            return seq
        now = st.now()
        rows = []
        for kind, data, public in events:
            seq += 1
            rows.append(
                {
                    "session_id": session["id"],
                    "seq": seq,
                    "kind": kind,
                    "data": data,
                    "public": public,
                    "created_at": now,
                }
            )
        conn.execute(st.events.insert(), rows)
        conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(event_seq=seq))
        session["event_seq"] = seq
        return seq

    def _change_state(
        self, trainer: Trainer | None, code: str, change, event: str, public: bool = True, *, also=None
    ) -> dict:
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            if session["closed_at"] is not None and event != "reopened":
                raise Conflict("core.error_session_closed")
            state = copy.deepcopy(session["state"])
            data = change(state) or {}
            if also is not None:
                also(conn, session, state)  # more writes in the same transaction
            conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(state=state))
            self._append_events(conn, session, [(event, data, public)])
            session["state"] = state
            return session

    # --- trainer actions ------------------------------------------------------------------

    def open_activity(self, trainer, code: str, spec: dict, *, phase: str | None = None, open: bool = True) -> None:
        """Show an activity on every participant's page (and accept answers when ``open``)."""
        _require(spec, dict, "spec")
        _require(spec.get("kind"), str, "kind")
        _require(spec.get("id"), str, "id")
        _require(phase, str, "phase", optional=True)
        _require(open, bool, "open")
        kind = kinds.get(spec["kind"])
        kind.check_spec(spec)

        def change(state):
            state["activity"] = spec["id"]
            state["specs"][spec["id"]] = spec
            state["open"] = open and kind.takes_answers()  # a break or a message is never "open"
            if phase is not None:
                state["phase"] = phase
            return {"activity": spec["id"], "phase": state["phase"]}

        self._change_state(trainer, code, change, "activity")

    def set_phase(self, trainer, code: str, phase: str) -> None:
        _require(phase, str, "phase", optional=True)
        self._change_state(trainer, code, lambda s: s.update(phase=phase) or {"phase": phase}, "phase")

    def set_input(self, trainer, code: str, open: bool) -> None:
        """Open or close input for the current activity (a closed activity still shows).

        Opening is refused on a step that takes no answers (a break, a message).
        """
        _require(open, bool, "open")

        def change(state):
            if open:
                _require_answers(state)
            state["open"] = open
            return {"open": open}

        self._change_state(trainer, code, change, "input")

    def reveal(self, trainer, code: str, activity: str, revealed: bool = True) -> None:
        """Show (or hide) an activity's results; showing those of the current step closes its answers.

        Bars that move under the room's eyes after the reveal teach nothing: answers reopen only
        by an explicit :meth:`set_input`, which the console and the remote offer.
        """
        _require(activity, str, "activity")
        _require(revealed, bool, "revealed")

        def change(state):
            shown = [a for a in state["revealed"] if a != activity]
            if revealed:
                shown.append(activity)
                if state.get("activity") == activity:
                    state["open"] = False
            state["revealed"] = shown
            return {"activity": activity, "revealed": revealed, "open": bool(state.get("open"))}

        self._change_state(trainer, code, change, "reveal")

    def set_option(self, trainer, code: str, name: str, value: Any) -> None:
        """Session options, each a true/false value.

        ``show_names`` (names on the projector); ``anonymous`` (no names at all: the names
        already given are dropped at once, and a session cannot turn back: anonymous is for
        good); ``locked`` (nobody new may join; those already in come back as before).
        """
        if name not in ("show_names", "anonymous", "locked"):
            raise Invalid("core.error_invalid", field="name")
        if not isinstance(value, bool):
            raise Invalid("core.error_invalid", field="value")

        def change(state):
            if state.get("anonymous") and ((name == "anonymous" and not value) or (name == "show_names" and value)):
                raise Conflict("core.error_anonymous_for_good")
            state[name] = value
            if name == "anonymous" and value:
                state["show_names"] = False
            return {name: value}

        def drop_names(conn, session, state):
            if name == "anonymous" and value:
                p = st.participants
                conn.execute(p.update().where(p.c.session_id == session["id"]).values(name=None))

        self._change_state(trainer, code, change, "option", also=drop_names)
        if name == "anonymous" and value:
            self.store.scrub()

    def set_data(self, trainer, code: str, key: str, value: Any, *, public: bool = True) -> None:
        """Workshop data the trainer decides (kept values, the week plan, the case path)."""
        _require(key, str, "key")

        def change(state):
            state["data"][key] = value
            return {"key": key}

        self._change_state(trainer, code, change, "data", public)

    def start_timer(self, trainer, code: str, seconds: int) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= 3 * 3600:
            raise Invalid("core.error_invalid", field="seconds")

        def change(state):
            state["timer"] = {"ends_at": time.time() + seconds, "seconds": seconds}
            return state["timer"]

        self._change_state(trainer, code, change, "timer")

    def stop_timer(self, trainer, code: str) -> None:
        self._change_state(trainer, code, lambda s: s.update(timer=None) or {}, "timer")

    def close_session(self, trainer, code: str) -> None:
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            if session["closed_at"] is None:
                now = st.now()
                conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(closed_at=now))
                seq = self._append_events(conn, session, [("closed", {}, True)])
                lrs.completed(conn, self.settings, session, seq, now)

    def set_item_status(self, trainer, code: str, item_id: int, status: str) -> None:
        """Hide or show a card (``visible``, ``hidden``), or approve a moderated one."""
        item_id = _as_id(item_id, "item")
        if status not in ("visible", "hidden", "pending"):
            raise Invalid("core.error_invalid", field="status")
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            updated = conn.execute(
                st.items.update()
                .where((st.items.c.id == item_id) & (st.items.c.session_id == session["id"]))
                .values(status=status)
            ).rowcount
            if not updated:
                raise NotFound("core.error_invalid")
            self._append_events(conn, session, [("item_status", {"id": item_id, "status": status}, True)])

    def merge(self, trainer, code: str, item_ids: list[int], into: int) -> None:
        """Merge duplicate cards into one; their votes then count for it."""
        _require(item_ids, list, "items")
        item_ids = [_as_id(x, "items") for x in item_ids]
        into = _as_id(into, "into")
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            i = st.items
            ids = [x for x in item_ids if x != into]
            found = conn.execute(
                sa.select(sa.func.count())
                .select_from(i)
                .where(i.c.session_id == session["id"], i.c.id.in_(ids + [into]))
            ).scalar_one()
            if found != len(set(ids + [into])):
                raise NotFound("core.error_invalid")
            conn.execute(i.update().where(i.c.session_id == session["id"], i.c.id.in_(ids)).values(merged_into=into))
            # Cards already merged into a card being merged now follow it.
            conn.execute(
                i.update().where(i.c.session_id == session["id"], i.c.merged_into.in_(ids)).values(merged_into=into)
            )
            self._append_events(conn, session, [("merge", {"ids": ids, "into": into}, True)])

    def unmerge(self, trainer, code: str, item_id: int) -> None:
        item_id = _as_id(item_id, "item")
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            conn.execute(
                st.items.update()
                .where(st.items.c.session_id == session["id"], st.items.c.id == item_id)
                .values(merged_into=None)
            )
            self._append_events(conn, session, [("merge", {"ids": [item_id], "into": None}, True)])

    def add_item(self, trainer, code: str, activity: str, text: str, data: dict | None = None) -> int:
        """A card the trainer adds (ideas from the content, a value kept by hand)."""
        _require(activity, str, "activity")
        _require(text, str, "text")
        _require(data, dict, "data", optional=True)
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            ctx = Context(conn, session, {"id": activity}, settings=self.settings)
            item_id = ctx.add_item(text, data)
            self._append_events(conn, session, [("item", {"activity": activity, "id": item_id}, True)])
            return item_id

    # --- participants ----------------------------------------------------------------------

    def join(
        self, code: str, *, name: str | None = None, token: str | None = None, newcomer_allowed: bool = True
    ) -> tuple[dict, str]:
        """Join a session, or come back with the token kept by the browser (same participant).

        ``newcomer_allowed=False`` (the server's per-address join limit is reached) still lets
        a participant come back, and refuses a new place.
        """
        if not isinstance(code, str):
            raise Invalid("core.error_invalid", field="code")
        if token is not None and not isinstance(token, str):
            raise Invalid("core.error_invalid", field="token")
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            p = st.participants
            if token:
                row = _row(
                    conn.execute(
                        sa.select(p).where(p.c.token_hash == codes.token_hash(token), p.c.session_id == session["id"])
                    ).first()
                )
                if row is not None:
                    clean = self._clean_name(name, session)
                    if clean is not None and clean != row["name"]:
                        conn.execute(p.update().where(p.c.id == row["id"]).values(name=clean))
                        row["name"] = clean
                    return row, token
            if session["closed_at"] is not None:
                raise Conflict("core.error_session_closed")
            if session["state"].get("locked"):
                raise Conflict("core.error_session_locked")
            if not newcomer_allowed:
                raise RateLimited("core.error_too_many_joins")
            count = conn.execute(
                sa.select(sa.func.count()).select_from(p).where(p.c.session_id == session["id"])
            ).scalar_one()
            if count >= self.settings.max_participants:
                raise Conflict("core.error_session_full")
            token = codes.new_token()
            now = st.now()
            values = {
                "session_id": session["id"],
                "token_hash": codes.token_hash(token),
                "name": self._clean_name(name, session),
                "created_at": now,
                "last_seen": now,
            }
            pid = conn.execute(p.insert().values(**values)).inserted_primary_key[0]
            seq = self._append_events(conn, session, [("joined", {"participants": count + 1}, False)])
            lrs.launched(conn, self.settings, session, pid, seq, now)
            return {"id": pid, **values}, token

    def participants(self, trainer, code: str) -> list[dict]:
        """Who joined, for the trainer: ``id``, ``name`` (None in an anonymous session), ``joined_at``,
        ``connected``, and how many cards and answers each sent (to spot a seat taken by nobody)."""
        p, i, r = st.participants, st.items, st.responses
        with self.store.read() as conn:
            session = self._session_in(conn, code)
            self._require_trainer(trainer, session)
            cards = dict(
                conn.execute(
                    sa.select(i.c.participant_id, sa.func.count())
                    .where(i.c.session_id == session["id"])
                    .group_by(i.c.participant_id)
                ).all()
            )
            answers = dict(
                conn.execute(
                    sa.select(r.c.participant_id, sa.func.count())
                    .where(r.c.session_id == session["id"])
                    .group_by(r.c.participant_id)
                ).all()
            )
            rows = conn.execute(
                sa.select(p.c.id, p.c.name, p.c.created_at, p.c.last_seen)
                .where(p.c.session_id == session["id"])
                .order_by(p.c.id)
            ).all()
        anonymous = bool(session["state"].get("anonymous"))
        now = st.now()
        return [
            {
                "id": row.id,
                "name": None if anonymous else row.name,
                "joined_at": row.created_at,
                "connected": row.last_seen > now - CONNECTED_WINDOW,
                "cards": cards.get(row.id, 0),
                "answers": answers.get(row.id, 0),
            }
            for row in rows
        ]

    def remove_participant(self, trainer, code: str, participant_id: int) -> dict:
        """The trainer removes a participant (a seat taken by a stranger): their place, cards and
        answers go, and their page is no longer in the session. Lock the session first so that
        the same phone cannot join again."""
        participant_id = _as_id(participant_id, "participant")
        self.trainer_session(trainer, code)
        return privacy.forget_participant(self.store, code, participant_id)

    def _clean_name(self, name: Any, session: dict) -> str | None:
        if session["state"].get("anonymous") or not isinstance(name, str):
            return None
        try:
            return clean_text(name, NAME_MAX)
        except Invalid:
            if name.strip():
                raise
            return None

    def _participant(self, conn, session: dict, token: str) -> dict:
        if not token or not isinstance(token, str):
            raise Forbidden("core.error_not_participant")
        p = st.participants
        row = _row(
            conn.execute(
                sa.select(p).where(p.c.token_hash == codes.token_hash(token), p.c.session_id == session["id"])
            ).first()
        )
        if row is None:
            raise Forbidden("core.error_not_participant")
        return row

    def submit(self, code: str, token: str, activity: str, payload: dict) -> dict:
        """A participant's answer to the open activity; checked against the rules, then stored."""
        if not isinstance(payload, dict):
            raise Invalid("core.error_invalid", field="payload")
        with self.store.write() as conn:
            return self.submit_in(conn, code, token, activity, payload)

    def submit_grouped(self, code: str, token: str, activity: str, payload: dict) -> Future:
        """:meth:`submit`, committed with the answers queued beside it (see ``widgets.live.batch``).

        The future holds the same answer :meth:`submit` returns, or its refusal, once the
        transaction that holds it is committed; the caller waits on it without holding a thread.
        """
        if not isinstance(payload, dict):
            raise Invalid("core.error_invalid", field="payload")
        with self._group_lock:
            if self._group is None:
                self._group = GroupCommit(self.store, self.settings.group_commit_max)
        return self._group.submit(self.submit_in, code, token, activity, payload, key=codes.normalize_code(code))

    def close_group(self) -> None:
        """Stop the group committer's writer once what is queued is committed (a server stopping)."""
        with self._group_lock:
            group, self._group = self._group, None
        if group is not None:
            group.close()

    def submit_in(self, conn, code: str, token: str, activity: str, payload: dict) -> dict:
        """The body of :meth:`submit`, inside a write transaction the caller opened and commits."""
        session = self._locked_session(conn, code)
        participant = self._participant(conn, session, token)
        state = session["state"]
        if session["closed_at"] is not None:
            raise Conflict("core.error_session_closed")
        if state.get("activity") != activity or not state.get("open"):
            raise Conflict("core.error_input_closed")
        spec = state["specs"][activity]
        kind = kinds.get(spec["kind"])
        if kind.sends_text:
            self._check_rate(conn, session, participant)
        ctx = Context(conn, session, spec, participant, self.settings)
        result = kind.submit(ctx, payload)
        seq = self._append_events(conn, session, ctx.events)
        now = st.now()
        conn.execute(st.participants.update().where(st.participants.c.id == participant["id"]).values(last_seen=now))
        lrs.answered(conn, self.settings, session, participant["id"], spec, payload, result, seq, now)
        # The participant's own view after this answer: the page shows it without reading its state again.
        return {**result, "seq": seq, "view": kind.view(ctx)}

    def _check_rate(self, conn, session: dict, participant: dict) -> None:
        i = st.items
        recent = conn.execute(
            sa.select(sa.func.count())
            .select_from(i)
            .where(i.c.participant_id == participant["id"], i.c.created_at > st.now() - 60)
        ).scalar_one()
        if recent >= self.settings.rate_limit_per_minute:
            raise RateLimited("core.error_rate_limited")

    def participant_state(self, code: str, token: str, *, touch: bool = True) -> dict:
        """Everything one participant's page shows now (JSON).

        ``touch=False`` leaves noting the participant as connected to the caller
        (the server batches those writes, see :meth:`touch_many`).
        """
        with self.store.read() as conn:
            session = self._session_in(conn, code)
            participant = self._participant(conn, session, token)
            state = session["state"]
            spec = state["specs"].get(state["activity"]) if state.get("activity") else None
            revealed = bool(spec) and spec["id"] in state.get("revealed", [])
            out = {
                "session": {
                    "code": session["code"],
                    "workshop": session["workshop"],
                    "lang": session["lang"],
                    "title": session["title"],
                    "closed": session["closed_at"] is not None,
                    "phase": state.get("phase"),
                    "anonymous": bool(state.get("anonymous")),
                    "seq": session["event_seq"],
                },
                "participant": {"id": participant["id"], "name": participant["name"]},
                # Every text in every language (fr-CA filled from fr where it has none): the page picks.
                "activity": content.with_variants(_public_spec(spec, revealed)),
                "open": bool(state.get("open")) and session["closed_at"] is None,
                "revealed": revealed,
                "timer": state.get("timer"),
                "now": time.time(),
            }
            if spec:
                kind = kinds.get(spec["kind"])
                ctx = Context(conn, session, spec, participant, self.settings)
                out["view"] = kind.view(ctx)
                if revealed:
                    out["results"] = kind.results(ctx)
        if touch and time.time() - participant["last_seen"] > SEEN_EVERY:
            self.touch(participant["id"])
        return out

    def touch(self, participant_id: int) -> None:
        """Note that a participant's page is alive (for the 'connected' count)."""
        self.touch_many([participant_id])

    def touch_many(self, participant_ids) -> None:
        """Note many live pages in one write (one commit for a whole room, not one each)."""
        ids = sorted(set(participant_ids))
        if not ids:
            return
        p = st.participants
        with self.store.write() as conn:
            for start in range(0, len(ids), 500):
                chosen = p.c.id.in_(ids[start : start + 500])
                if not self.store.is_sqlite:
                    # A row locked now is a participant's answer being written, which notes them
                    # seen anyway. Waiting for it could deadlock with a batch of answers (see
                    # widgets.live.batch) that holds one of these rows and waits for another.
                    locked = sa.select(p.c.id).where(chosen).with_for_update(skip_locked=True)
                    chosen = p.c.id.in_(locked.scalar_subquery())
                conn.execute(p.update().where(chosen).values(last_seen=st.now()))

    def participant_feed(self, code: str, token: str) -> tuple[int, int]:
        """(session id, participant id) for a phone's live feed: one read, no session state decoded."""
        with self.store.read() as conn:
            s = st.sessions
            session_id = conn.execute(sa.select(s.c.id).where(s.c.code == codes.normalize_code(code))).scalar()
            if session_id is None:
                raise NotFound("core.error_unknown_code")
            return session_id, self._participant(conn, {"id": session_id}, token)["id"]

    # --- reading for dashboards ----------------------------------------------------------

    def results(self, code: str, activity: str | None = None) -> dict:
        """The aggregate of one activity (the current one by default), for the trainer's view."""
        return self.results_in(self.session(code), activity)

    def counts(self, code: str) -> dict:
        """Participants joined, connected now, and who answered the current activity."""
        session = self.session(code)
        with self.store.read() as conn:
            return self._counts(conn, session)

    def events_since(self, session_id: int, since: int, *, public_only: bool = False, limit: int = 500) -> list[dict]:
        e = st.events
        query = (
            sa.select(e.c.seq, e.c.kind, e.c.data, e.c.public, e.c.created_at)
            .where(e.c.session_id == session_id, e.c.seq > since)
            .order_by(e.c.seq)
            .limit(limit)
        )
        if public_only:
            query = query.where(e.c.public.is_(True))
        with self.store.read() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def last_seq(self, session_id: int) -> int:
        with self.store.read() as conn:
            return conn.execute(sa.select(st.sessions.c.event_seq).where(st.sessions.c.id == session_id)).scalar_one()

    # =====================================================================================
    # Stage, console and phone remote (the projector's page, the trainer's console, the
    # remote on the trainer's phone). Kept together at the end of the class.
    # =====================================================================================

    def reopen_session(self, trainer, code: str) -> None:
        """Reopen an ended session: the same code, answers kept; the phones resume where they were."""
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            if session["closed_at"] is not None:
                conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(closed_at=None))
                self._append_events(conn, session, [("reopened", {}, True)])

    def show_step(self, trainer, code: str, spec: dict, *, phase: str | None = None, open: bool = True) -> None:
        """Show a step's activity on every phone; a step already revealed comes back closed.

        Going back to a step whose results the room has seen must not let anyone change
        an answer under the feedback: answers reopen only by an explicit :meth:`set_input`.
        """
        kind = kinds.get(spec.get("kind", ""))
        kind.check_spec(spec)

        def change(state):
            state["activity"] = spec["id"]
            state["specs"][spec["id"]] = spec
            state["open"] = bool(open) and kind.takes_answers() and spec["id"] not in state.get("revealed", [])
            if phase is not None:
                state["phase"] = phase
            return {"activity": spec["id"], "phase": state["phase"]}

        self._change_state(trainer, code, change, "activity")

    def set_stage(self, trainer, code: str, *, join: bool) -> None:
        """What the stage shows besides the step: the join strip (address, code, QR code) or not."""
        self._change_state(
            trainer, code, lambda s: s.update(stage={"join": bool(join)}) or {"join": bool(join)}, "stage"
        )

    def stage_view(self, code: str) -> dict:
        """What the projector shows now (JSON): public by design, the room sees it.

        The step itself is its kind's :class:`~widgets.live.kinds.PublicView` (``view``): the
        one source the stage, the console's preview and the remote draw. Around it: whether
        answers are open, the timer, the counts, the join strip. No trainer data here.
        """
        with self.store.read() as conn:
            session = self._session_in(conn, code)
            state = session["state"]
            spec = state["specs"].get(state["activity"]) if state.get("activity") else None
            revealed = bool(spec) and spec["id"] in state.get("revealed", [])
            counts = self._counts(conn, session)
            joined = counts["joined"]
            view = self._public_view(conn, session)
            return {
                "session": {
                    "code": session["code"],
                    "workshop": session["workshop"],
                    "lang": session["lang"],
                    "title": session["title"],
                    "closed": session["closed_at"] is not None,
                    "seq": session["event_seq"],
                },
                "phase": state.get("phase"),
                "activity": _public_spec(spec, revealed),
                "view": view,
                "open": bool(state.get("open")) and session["closed_at"] is None,
                "revealed": revealed,
                "timer": state.get("timer"),
                # The trainer's choice; with nobody in yet the room needs the way in whatever it is.
                "join": bool(state.get("stage", {}).get("join", True)) or joined == 0,
                "counts": counts,
                "now": time.time(),
            }

    def _public_view(self, conn, session: dict) -> dict | None:
        """The current step's :class:`~widgets.live.kinds.PublicView` (JSON): what the stage and the remote draw."""
        state = session["state"]
        spec = state["specs"].get(state["activity"]) if state.get("activity") else None
        if spec is None:
            return None
        return kinds.get(spec["kind"]).public(Context(conn, session, spec, None, self.settings)).as_json()

    def _counts(self, conn, session: dict) -> dict:
        """What :meth:`counts` says, inside a read the caller already holds (the stage, the console)."""
        p, r, i = st.participants, st.responses, st.items
        joined = conn.execute(
            sa.select(sa.func.count()).select_from(p).where(p.c.session_id == session["id"])
        ).scalar_one()
        connected = conn.execute(
            sa.select(sa.func.count())
            .select_from(p)
            .where(p.c.session_id == session["id"], p.c.last_seen > st.now() - CONNECTED_WINDOW)
        ).scalar_one()
        activity = session["state"].get("activity")
        answered = 0
        if activity:
            answered = conn.execute(
                sa.select(sa.func.count(sa.distinct(r.c.participant_id))).where(
                    r.c.session_id == session["id"], r.c.activity == activity
                )
            ).scalar_one()
            authors = conn.execute(
                sa.select(sa.func.count(sa.distinct(i.c.participant_id))).where(
                    i.c.session_id == session["id"], i.c.activity == activity
                )
            ).scalar_one()
            answered = max(answered, authors)
        return {"joined": joined, "connected": connected, "answered": answered}

    def console_view(self, trainer, code: str) -> dict:
        """One read for a console redraw: the session row, the counts, and the events since."""
        with self.store.read() as conn:
            session = self._session_in(conn, code)
            self._require_trainer(trainer, session)
            return {"session": session, "counts": self._counts(conn, session)}

    def results_in(self, session: dict, activity: str | None = None) -> dict:
        """An activity's results from a session row already read (a console redraw reads the row once)."""
        state = session["state"]
        activity = activity or state.get("activity")
        spec = state["specs"].get(activity) if activity else None
        if spec is None:
            return {}
        with self.store.read() as conn:
            ctx = Context(conn, session, spec, None, self.settings)
            return kinds.get(spec["kind"]).results(ctx)

    # --- the phone remote: a trainer credential for one session, revocable ----------------

    def pair_remote(self, trainer, code: str) -> str:
        """A new remote credential for this session only (shown once, in the console's QR code)."""
        secret = codes.new_token()
        holder = {}

        def change(state):
            remotes = state.setdefault("remotes", [])
            remote_id = max((r["id"] for r in remotes), default=0) + 1
            remotes.append({"id": remote_id, "hash": codes.token_hash(secret), "paired_at": time.time()})
            holder["id"] = remote_id
            return {"remote": remote_id}

        self._change_state(trainer, code, change, "remote", public=False)
        return f"{holder['id']}.{secret}"

    def revoke_remote(self, trainer, code: str, remote_id: int | None = None) -> None:
        """Revoke one paired phone (or all of them): its next request is refused."""

        def change(state):
            state["remotes"] = [r for r in state.get("remotes", []) if remote_id is not None and r["id"] != remote_id]
            return {"revoked": remote_id}

        self._change_state(trainer, code, change, "remote", public=False)

    def remotes(self, trainer, code: str) -> list[dict]:
        session = self.session(code)
        self._require_trainer(trainer, session)
        return [{"id": r["id"], "paired_at": r["paired_at"]} for r in session["state"].get("remotes", [])]

    @staticmethod
    def _remote_allowed(session: dict, credential: Any) -> bool:
        if not isinstance(credential, str) or "." not in credential:
            return False
        remote_id, _, secret = credential.partition(".")
        digest = codes.token_hash(secret)
        return any(
            str(r["id"]) == remote_id and hmac.compare_digest(r["hash"], digest)
            for r in session["state"].get("remotes", [])
        )

    def remote_view(self, code: str, credential: str) -> dict:
        """What the trainer's phone shows: the step, answers and reveal state, timer, counts, the script's next line."""
        with self.store.read() as conn:
            session = self._session_in(conn, code)
            if not self._remote_allowed(session, credential):
                raise Forbidden("core.error_not_trainer")
            state = session["state"]
            activity = state.get("activity")
            return {
                "code": session["code"],
                "lang": session["lang"],
                "closed": session["closed_at"] is not None,
                "seq": session["event_seq"],
                "activity": activity,
                "open": bool(state.get("open")),
                # Whether answers can open on this step at all (not on a break or a message).
                "answers": _takes_answers(state),
                "revealed": bool(activity) and activity in state.get("revealed", []),
                "timer": state.get("timer"),
                "join": bool(state.get("stage", {}).get("join", True)),
                "console": state.get("data", {}).get("console", {}),
                "console_open": self._console_open(session),
                "counts": self._counts(conn, session),
                "view": self._public_view(conn, session),
                "now": time.time(),
            }

    #: A console not heard from for this long is taken as closed: the remote cannot change steps.
    CONSOLE_ALIVE_SECONDS = 30

    def console_seen(self, trainer, code: str) -> None:
        """The console is open on this session (written every few seconds, no event: nothing to show)."""
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            self._require_trainer(trainer, session)
            state = copy.deepcopy(session["state"])
            state["console_at"] = time.time()
            conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(state=state))

    def _console_open(self, session: dict) -> bool:
        return time.time() - session["state"].get("console_at", 0) < self.CONSOLE_ALIVE_SECONDS

    REMOTE_ACTIONS = ("next", "previous", "input", "reveal", "timer", "join")

    def remote_action(self, code: str, credential: str, action: str, value: Any = None) -> None:
        """One action from a paired phone, checked against the session's remote credentials.

        ``next``/``previous`` are asked of the console (it knows the workshop's steps), and
        refused when no console is open (the step would never change); answers, reveal, timer
        and join strip change the session here.
        """
        if action not in self.REMOTE_ACTIONS:
            raise Invalid("core.error_invalid", field="action")
        if action == "timer" and value and (not isinstance(value, int) or not 0 < value <= 3 * 3600):
            raise Invalid("core.error_invalid", field="seconds")
        with self.store.write() as conn:
            session = self._locked_session(conn, code)
            if not self._remote_allowed(session, credential):
                raise Forbidden("core.error_not_trainer")
            if session["closed_at"] is not None:
                raise Conflict("core.error_session_closed")
            state = copy.deepcopy(session["state"])
            activity = state.get("activity")
            if action in ("next", "previous"):
                if not self._console_open(session):
                    raise Conflict("core.error_console_closed")
                event, data, public = "nav", {"step": 1 if action == "next" else -1}, False
            elif action == "input":
                if value:
                    _require_answers(state)  # as set_input: a break has nothing to answer
                state["open"] = bool(value)
                event, data, public = "input", {"open": bool(value)}, True
            elif action == "reveal":
                if not activity:
                    raise Conflict("core.error_invalid", field="activity")
                shown = [a for a in state["revealed"] if a != activity]
                state["revealed"] = shown + ([activity] if value else [])
                if value:
                    state["open"] = False  # as Engine.reveal: the revealed answers stop moving
                event, data = "reveal", {"activity": activity, "revealed": bool(value), "open": bool(state["open"])}
                public = True
            elif action == "timer":
                state["timer"] = {"ends_at": time.time() + value, "seconds": value} if value else None
                event, data, public = "timer", state["timer"] or {}, True
            else:
                state["stage"] = {"join": bool(value)}
                event, data, public = "stage", {"join": bool(value)}, True
            conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(state=state))
            self._append_events(conn, session, [(event, data, public)])
