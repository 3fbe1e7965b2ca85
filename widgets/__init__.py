"""Élan: live customer-service training workshops on Jupyter and Voilà.

The package is layered; each layer imports only the ones below it (checked by
import-linter in ``make test``)::

    ops        the command line, deployment files
    workshops  one folder per workshop: rules, dashboard, solo lesson, checks, exports, texts
    ui | web   the ipywidgets shell of dashboards | the Tornado server, its pages and API
    live       the store, the session engine, trainer accounts, the change feed, exercise kinds
    content    course content from ``datasets/``: one loader, one schema per kind
    core       settings, errors, languages, interface strings, codes, text rules

The small public API below is what notebooks and organisations use.

>>> from widgets import text
>>> text({"fr": "Bonjour", "en": "Hello"}, "fr")
'Bonjour'
"""

from widgets.content import ContentError, load, text
from widgets.core.i18n import Translator
from widgets.core.languages import LANGUAGES
from widgets.core.settings import Settings

__version__ = "0.2.0"

__all__ = ["LANGUAGES", "ContentError", "Settings", "Translator", "__version__", "load", "text"]
