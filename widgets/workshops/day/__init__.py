"""The training day: its agenda, the training's own evaluation, attendance, certificates and the report's sections.

Importing this package registers the day's report sections with :mod:`widgets.web.export`.
"""

from widgets.workshops.day import evaluation, sections  # noqa: F401  (register the report sections)
