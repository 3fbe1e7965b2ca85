"""The kit's base: settings, errors, languages, interface strings, messages, paths, join codes, text rules."""

# Wires the messages to the translator that writes them (see widgets.core.messages.use_translator).
from widgets.core import i18n  # noqa: F401
