"""The live layer: the store, the session engine, trainer accounts, the change feed and the exercise kinds.

Importing it registers the kit's exercise kinds (``widgets.live.exercises``) with
``widgets.live.kinds``, where the engine finds them by name.
"""

from widgets.live import exercises  # noqa: F401  (registers the kinds)
