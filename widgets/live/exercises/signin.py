"""Sign-in: a participant signs the attendance sheet of a half-day, with a name and a signature drawn with a finger.

The signature is kept as vector data: strokes of points with coordinates from 0 to 1
across the signature pad (three decimals), so the sheet redraws it at any size and a
signature weighs a few kilobytes. Anonymous sessions take no signature: attendance
exists only where the trainer turned names on.

>>> clean_strokes([[[0.1, 0.2], [0.15, 0.25]], [[0.5, 0.5], [0.6, 0.55], [0.7, 0.5]]])
[[[0.1, 0.2], [0.15, 0.25]], [[0.5, 0.5], [0.6, 0.55], [0.7, 0.5]]]
>>> clean_strokes([[[0.1, 2.0]]])
Traceback (most recent call last):
...
widgets.core.errors.Invalid: core.error_invalid {'field': 'signature'}
"""

from __future__ import annotations

import time

from widgets.core.errors import Conflict
from widgets.core.text import clean_text
from widgets.live.kinds import Context, Exercise, require

MAX_STROKES = 80
MAX_POINTS = 5000
NAME_MAX = 80


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def clean_strokes(strokes) -> list[list[list[float]]]:
    """Strokes as stored; refuses anything else than a short list of point lists inside the pad."""
    require(isinstance(strokes, list) and 0 < len(strokes) <= MAX_STROKES, "signature")
    out, total = [], 0
    for stroke in strokes:
        require(isinstance(stroke, list) and stroke, "signature")
        points = []
        for point in stroke:
            require(isinstance(point, list) and len(point) == 2 and all(_number(v) for v in point), "signature")
            points.append([round(float(point[0]), 3), round(float(point[1]), 3)])
        total += len(points)
        out.append(points)
    require(total <= MAX_POINTS, "signature")
    require(total >= 3, "signature")  # a tap is not a signature
    return out


class SignIn(Exercise):
    """Spec: ``{"kind": "signin", "id": ..., "halfday": {"id", "date", "start", "end"}, "labels": {...}}``.

    One signature per participant and half-day; signing again replaces it until the
    trainer validates the sheet (``state["data"]["attendance"]``).
    """

    kind = "signin"
    sends_text = True
    live_on_stage = True  # the room waits for the count to be full; it holds no name

    def check_spec(self, spec: dict) -> None:
        super().check_spec(spec)
        require(isinstance(spec.get("halfday"), dict) and spec["halfday"].get("id"), "halfday")

    def submit(self, ctx: Context, payload: dict) -> dict:
        if ctx.session["state"].get("anonymous"):
            raise Conflict("day.error_anonymous_attendance")
        halfday = ctx.spec["halfday"]["id"]
        marked = (ctx.session["state"].get("data", {}).get("attendance") or {}).get(halfday) or {}
        if (marked.get(str(ctx.participant["id"])) or {}).get("status") in ("present", "late", "absent"):
            raise Conflict("day.error_already_validated")
        name = clean_text(payload.get("name"), NAME_MAX)
        strokes = clean_strokes(payload.get("strokes"))
        ctx.put("signature", {"name": name, "strokes": strokes, "at": time.time()})
        ctx.emit("signed", {"activity": ctx.activity}, public=False)
        return {"changed": True}

    def view(self, ctx: Context) -> dict:
        mine = ctx.my_responses().get("signature")
        return {
            "signed": bool(mine),
            "validated": self._status(ctx) in ("present", "late"),
            "name": mine["name"] if mine else self._earlier_name(ctx) or (ctx.participant or {}).get("name") or "",
            "anonymous": bool(ctx.session["state"].get("anonymous")),
        }

    def _status(self, ctx: Context) -> str:
        """The trainer's decision on this participant's line of this half-day ("" before any)."""
        if not ctx.participant:
            return ""
        marks = (ctx.session["state"].get("data", {}).get("attendance") or {}).get(ctx.spec["halfday"]["id"]) or {}
        return (marks.get(str(ctx.participant["id"])) or {}).get("status") or ""

    def _earlier_name(self, ctx: Context) -> str:
        """The name this participant signed an earlier half-day with: the afternoon reuses the morning's."""
        if not ctx.participant:
            return ""
        specs = ctx.session["state"].get("specs", {})
        for activity, spec in specs.items():
            if spec.get("kind") != "signin" or activity == ctx.activity:
                continue
            for row in ctx.responses(activity, ctx.participant["id"]):
                if row["key"] == "signature" and row["value"].get("name"):
                    return row["value"]["name"]
        return ""

    def results(self, ctx: Context) -> dict:
        # Counts only: names and signatures are for the trainer's sheet, never the phones.
        return {"signed": len(ctx.responses()), "participants": len(ctx.participant_names())}

    def projection(self, ctx: Context) -> dict:
        """How many signed, out of how many joined: never a name or a signature."""
        return self.results(ctx)
