"""The training day: its agenda, openers and closers, the training's own evaluation, attendance and certificates.

Importing this package registers the day's report sections, documents and trainer
actions with :mod:`widgets.web.export` (``elan serve`` and ``elan export`` import it),
and the workshops' own sections it reports on (the cases workshop keeps its own).
"""

from widgets.workshops.cases import sections as cases_sections  # noqa: F401  (registrations)
from widgets.workshops.day import (  # noqa: F401  (registrations)
    attendance,
    evaluation,
    paperwork,
    realisation,
    roster,
    run,
    sections,
)
