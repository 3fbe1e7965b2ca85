"""Pause: a break in the day; answers are closed, phones and the stage show when the room comes back and what is next.

The spec carries its texts as ``{lang: text}`` maps (the day writes them from its
translation files): ``title`` (Break, Lunch), ``resume`` (back at 10:45) and, when
something follows, ``next``. The countdown is the session's timer. The stage draws it
with ``static/stage/kinds/pause.js`` from :meth:`Pause.shown`, the phone with
``static/participant/kinds/pause.js``.
"""

from __future__ import annotations

from widgets.live.kinds import Context, Exercise, require

TEXTS = ("title", "resume", "next")


class Pause(Exercise):
    kind = "pause"

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        require(isinstance(spec.get("title"), dict), "title")
        for name in TEXTS:
            value = spec.get(name)
            require(
                value is None or (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())), name
            )

    def view(self, ctx: Context) -> dict:
        return {}

    def shown(self, ctx: Context) -> dict:
        """What the room sees of a break: when it comes back and what is next (nothing to answer, no results)."""
        return {"resume": ctx.spec.get("resume"), "next": ctx.spec.get("next")}
