"""Errors the engine raises for refused actions; each names an interface string for the person."""

from __future__ import annotations


class EngineError(Exception):
    """A refused action. ``key`` is an interface string (``core.*``) explaining why."""

    status = 400

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values
        super().__init__(key if not values else f"{key} {values}")


class NotFound(EngineError):
    status = 404


class Forbidden(EngineError):
    status = 403


class Conflict(EngineError):
    """The action is valid in general but not now (input closed, budget spent, session full)."""

    status = 409


class RateLimited(EngineError):
    status = 429


class Invalid(EngineError):
    status = 422
