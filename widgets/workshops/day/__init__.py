"""The training day: its agenda, openers and closers, the training's own evaluation, attendance and certificates.

Importing this package registers the day's report sections, documents and trainer
actions with :mod:`widgets.web.export` (``elan serve`` and ``elan export`` import it).
"""

from widgets.workshops.day import attendance, evaluation, paperwork, realisation, roster, run, sections  # noqa: F401
