"""Pause: a break in the day; answers are closed, phones and the stage show when the room comes back and what is next.

The spec carries its texts as ``{lang: text}`` maps (the day writes them from its
translation files): ``title`` (Break, Lunch), ``resume`` (back at 10:45) and, when
something follows, ``prompt`` (what comes next). The countdown is the session's timer.
"""

from __future__ import annotations

from widgets.live.kinds import Context, Exercise, require

TEXTS = ("title", "resume", "prompt")


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
