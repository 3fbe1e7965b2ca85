"""Privacy tools for administrators: retention purge, a participant's erasure, anonymising a session.

Names go first: :func:`purge` with ``names_only`` drops the names of old sessions
and keeps their anonymous results (the group's ranking, heatmap, scores);
without it, old sessions are removed with everything in them. A participant's data
is deleted on request with :func:`forget_participant`. Each session is changed in
one transaction, which also appends an event so open dashboards refresh.

>>> from widgets.live.store import Store
>>> purge(Store("sqlite://"), 365)
{'sessions': 0, 'participants': 0, 'items': 0, 'responses': 0, 'events': 0, 'names': 0, 'previews': 0}
"""

from __future__ import annotations

import copy

import sqlalchemy as sa

from widgets.core import codes
from widgets.core.errors import Invalid, NotFound
from widgets.live import store as st

DAY = 86400
#: A preview session (``Engine.open_preview``) idle for this many days is removed at every purge,
#: whatever the retention period: it never held a real room's answers.
PREVIEW_DAYS = 1
#: The session mode of a preview (``widgets.live.engine.PREVIEW``; the engine imports this module).
PREVIEW_MODE = "preview"
_CHUNK = 500  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits


def _counts(**values: int) -> dict[str, int]:
    out = dict.fromkeys(("sessions", "participants", "items", "responses", "events", "names", "previews"), 0)
    out.update(values)
    return out


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _locked_session(conn, code: str) -> dict:
    # FOR UPDATE: the engine's writers to this session wait, so event numbers stay in order.
    row = conn.execute(
        sa.select(st.sessions).where(st.sessions.c.code == codes.normalize_code(code)).with_for_update()
    ).first()
    if row is None:
        raise NotFound("core.error_unknown_code")
    return dict(row._mapping)


def _append_event(conn, session: dict, kind: str, data: dict, *, public: bool) -> None:
    # The same numbering as the engine's feed: the next seq, in the session's own transaction.
    seq = session["event_seq"] + 1
    conn.execute(
        st.events.insert().values(
            session_id=session["id"], seq=seq, kind=kind, data=data, public=public, created_at=st.now()
        )
    )
    conn.execute(st.sessions.update().where(st.sessions.c.id == session["id"]).values(event_seq=seq))
    session["event_seq"] = seq


#: Events the data tools write themselves: dropping names is not using a session, so it
#: must not make the session young again and delay its full purge by a whole period.
ADMIN_EVENTS = ("anonymized", "forgotten")


def old_sessions(store, older_than_days: float, *, now: float | None = None) -> list[int]:
    """Ids of sessions with no activity for ``older_than_days``: created, changed and closed before then.

    A session is as old as its last event, so a cohort's session used all year is
    not purged a year after it was created.
    """
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, (int, float)) or older_than_days < 0:
        raise Invalid("core.error_invalid", field="older_than_days")
    cutoff = (st.now() if now is None else now) - older_than_days * DAY
    s, e = st.sessions, st.events
    with store.read() as conn:
        candidates = (
            conn.execute(
                sa.select(s.c.id).where(
                    s.c.created_at < cutoff, sa.or_(s.c.closed_at.is_(None), s.c.closed_at < cutoff)
                )
            )
            .scalars()
            .all()
        )
        recent = set()
        for ids in _chunks(list(candidates)):
            recent.update(
                conn.execute(
                    sa.select(e.c.session_id)
                    .where(e.c.session_id.in_(ids), e.c.created_at >= cutoff, e.c.kind.notin_(ADMIN_EVENTS))
                    .distinct()
                ).scalars()
            )
    return [sid for sid in candidates if sid not in recent]


def purge(store, older_than_days: float, *, names_only: bool = False, now: float | None = None) -> dict[str, int]:
    """Remove sessions older than the retention period; returns what was removed, by table.

    With ``names_only``, the sessions stay and only their names go (see
    :func:`anonymize_session`); ``names`` counts the names dropped.
    """
    previews = old_previews(store, now=now)
    ids = [sid for sid in old_sessions(store, older_than_days, now=now) if sid not in previews]
    gone = delete_sessions(store, previews, scrub=False)
    if names_only:
        with store.read() as conn:
            rows = (
                conn.execute(
                    sa.select(st.sessions.c.code).where(
                        st.sessions.c.id.in_(ids), st.sessions.c.names_purged_at.is_(None)
                    )
                )
                .scalars()
                .all()
                if ids
                else []
            )
        names = sum(anonymize_session(store, code, unlink_devices=True)["names"] for code in rows)
        store.scrub()  # the write-ahead log held the erased texts
        return _counts(sessions=len(rows), names=names, previews=gone["sessions"])
    removed = delete_sessions(store, ids)
    removed["previews"] = gone["sessions"]
    return removed


def old_previews(store, *, now: float | None = None) -> list[int]:
    """Ids of preview sessions idle for ``PREVIEW_DAYS`` (removed at every purge, whatever the retention)."""
    idle = set(old_sessions(store, PREVIEW_DAYS, now=now))
    with store.read() as conn:
        previews = conn.execute(sa.select(st.sessions.c.id).where(st.sessions.c.mode == PREVIEW_MODE)).scalars().all()
    return [sid for sid in previews if sid in idle]


def delete_sessions(store, ids: list[int], *, scrub: bool = True) -> dict[str, int]:
    """Remove sessions with everything in them; returns what was removed, by table."""
    removed = _counts()
    tables = {"participants": st.participants, "items": st.items, "responses": st.responses, "events": st.events}
    with store.write() as conn:
        for chunk in _chunks(ids):
            for name, table in tables.items():
                removed[name] += conn.execute(
                    sa.select(sa.func.count()).select_from(table).where(table.c.session_id.in_(chunk))
                ).scalar_one()
            # The rest follows by ON DELETE CASCADE (SQLite: foreign keys are switched on per connection).
            removed["sessions"] += conn.execute(st.sessions.delete().where(st.sessions.c.id.in_(chunk))).rowcount
    if scrub:
        store.scrub()  # the write-ahead log held the erased texts
    return removed


#: Other places a feature keeps names (a training day's signatures and attendance lines):
#: ``fn(conn, session, state, participant_id)`` removes them from the store and from ``state``
#: (the session's state, written back after): every name when ``participant_id`` is None
#: (the session turns anonymous), else that participant's.
SCRUBBERS: list = []


def register_scrubber(fn):
    """Add a function that removes the names a feature keeps (see ``SCRUBBERS``)."""
    if fn not in SCRUBBERS:
        SCRUBBERS.append(fn)
    return fn


def anonymize_session(store, code: str, *, unlink_devices: bool | None = None) -> dict[str, int]:
    """Drop a session's names for good; answers, cards and votes stay, without names.

    The session turns anonymous, so nobody can give a name again. ``unlink_devices``
    also breaks the link between the participants' browsers and their answers (their
    kept token no longer matches); by default it does so only for a closed session,
    so that a live room keeps working. Returns ``{"names": ..., "devices": ...}``.
    """
    p = st.participants
    with store.write() as conn:
        session = _locked_session(conn, code)
        names = conn.execute(
            p.update().where(p.c.session_id == session["id"], p.c.name.is_not(None)).values(name=None)
        ).rowcount
        devices = 0
        if session["closed_at"] is not None if unlink_devices is None else unlink_devices:
            for pid in conn.execute(sa.select(p.c.id).where(p.c.session_id == session["id"])).scalars().all():
                # A hash of a token nobody holds: unique like the others, matching no browser.
                conn.execute(p.update().where(p.c.id == pid).values(token_hash=codes.token_hash(codes.new_token())))
                devices += 1
        # Good catches name a colleague: that name goes too (the story and its value stay).
        i = st.items
        for item_id, data in conn.execute(sa.select(i.c.id, i.c.data).where(i.c.session_id == session["id"])).all():
            if isinstance(data, dict) and data.get("colleague"):
                conn.execute(i.update().where(i.c.id == item_id).values(data={**data, "colleague": ""}))
                names += 1
        state = copy.deepcopy(session["state"])
        state.update(anonymous=True, show_names=False)
        for scrub in SCRUBBERS:
            scrub(conn, session, state, None)
        conn.execute(
            st.sessions.update()
            .where(st.sessions.c.id == session["id"])
            .values(state=state, names_purged_at=session["names_purged_at"] or st.now())
        )
        _append_event(conn, session, "anonymized", {}, public=True)
    store.scrub()  # the write-ahead log held the erased texts
    return {"names": names, "devices": devices}


def forget_participant(store, code: str, participant_id: int) -> dict[str, int]:
    """Delete one participant's data on request: their place, answers, votes and cards.

    Other participants' votes and ratings on the deleted cards go too (their counts
    would otherwise point at nothing, and dots spent on them could not be placed
    again); cards merged into a deleted card stand on their own again; the feed keeps
    its numbering but no longer holds the deleted cards' texts. Texts the trainer
    copied into the session's own data (``set_data``) are the trainer's to edit.
    Returns what was removed, by table.
    """
    p, i, r, e = st.participants, st.items, st.responses, st.events
    with store.write() as conn:
        session = _locked_session(conn, code)
        sid = session["id"]
        found = conn.execute(sa.select(p.c.id).where(p.c.id == participant_id, p.c.session_id == sid)).first()
        if found is None:
            raise NotFound("core.error_not_participant")
        cards = [
            tuple(row)
            for row in conn.execute(
                sa.select(i.c.id, i.c.activity).where(i.c.session_id == sid, i.c.participant_id == participant_id)
            )
        ]
        card_ids = [card for card, _ in cards]
        removed = _counts(participants=1, items=len(cards))
        removed["responses"] = conn.execute(
            sa.select(sa.func.count()).select_from(r).where(r.c.participant_id == participant_id)
        ).scalar_one()
        if card_ids:
            conn.execute(
                i.update().where(i.c.session_id == sid, i.c.merged_into.in_(card_ids)).values(merged_into=None)
            )
            # Votes (key "<card>") and ratings (key "<card>/<criterion>") in activities built on these cards.
            sources = {activity for _, activity in cards}
            voting = [a for a, spec in session["state"].get("specs", {}).items() if spec.get("source") in sources]
            if voting:
                keys = [str(card) for card in card_ids]
                on_cards = sa.or_(r.c.key.in_(keys), *[r.c.key.like(f"{key}/%") for key in keys])
                removed["responses"] += conn.execute(
                    r.delete().where(
                        r.c.session_id == sid, r.c.activity.in_(voting), r.c.participant_id != participant_id, on_cards
                    )
                ).rowcount
            conn.execute(i.delete().where(i.c.id.in_(card_ids)))
            for seq, data in conn.execute(sa.select(e.c.seq, e.c.data).where(e.c.session_id == sid)).all():
                if isinstance(data, dict) and "text" in data and data.get("id") in card_ids:
                    kept = {k: v for k, v in data.items() if k != "text"}
                    conn.execute(e.update().where(e.c.session_id == sid, e.c.seq == seq).values(data=kept))
                    removed["events"] += 1
        if SCRUBBERS:
            state = copy.deepcopy(session["state"])
            for scrub in SCRUBBERS:
                scrub(conn, session, state, participant_id)
            conn.execute(st.sessions.update().where(st.sessions.c.id == sid).values(state=state))
        # Their answers go with them (ON DELETE CASCADE).
        conn.execute(p.delete().where(p.c.id == participant_id))
        _append_event(conn, session, "forgotten", {"items": card_ids}, public=True)
    store.scrub()  # the write-ahead log held the erased texts
    return removed
