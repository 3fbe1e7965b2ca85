"""Info: the participant's page shows a message (a title, a wait screen); nothing to send."""

from __future__ import annotations

from widgets.live.kinds import Context, Exercise


class Info(Exercise):
    kind = "info"

    def view(self, ctx: Context) -> dict:
        return {}
