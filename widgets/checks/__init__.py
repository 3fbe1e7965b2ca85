"""Checks of content that a JSON Schema cannot express; one module per kind of content."""
