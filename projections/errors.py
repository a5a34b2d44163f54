"""Errors of the read side; each derives from `TimelineError` and the fitting builtin."""

from __future__ import annotations

from timeline.engine.errors import TimelineError

__all__ = ["ClosedError", "QueryError"]


class QueryError(TimelineError, ValueError):
    """A read-model query was asked with arguments that do not fit together."""


class ClosedError(TimelineError, ValueError):
    """A read of a store after its `Timeline` was closed."""
