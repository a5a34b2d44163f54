"""Query parameters read into the engine's values, each failure naming its parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pendulum

from timeline.engine._registry import NameKind, Registry
from timeline.engine.errors import TimelineError, UnknownNameError
from timeline.engine.when import When
from timeline.projections._listing import StoryKey

__all__ = ["ParameterError", "blame", "cursor", "day", "name", "place", "when"]

T = TypeVar("T")


class ParameterError(TimelineError, ValueError):
    """A query parameter could not be used; `status` is the HTTP status to answer with."""

    def __init__(self, parameter: str | None, message: str, status: int = 400) -> None:
        self.parameter = parameter
        self.message = message
        self.status = status
        prefix = f"parameter {parameter!r}: " if parameter else ""
        super().__init__(prefix + message)


def _text(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def day(parameter: str, value: str | None) -> pendulum.Date | None:
    """The last day of an EDTF date (`2018-12`, `2018-12-31`), or None when not given."""
    if value is None or not value.strip():
        return None
    try:
        return When(value.strip()).latest
    except (TimelineError, ValueError, OverflowError) as error:
        raise ParameterError(parameter, _text(error)) from None


def when(parameter: str, value: str | None) -> When | None:
    """An EDTF date as a `When`, or None when not given."""
    if value is None or not value.strip():
        return None
    try:
        return When(value.strip())
    except (TimelineError, ValueError, OverflowError) as error:
        raise ParameterError(parameter, _text(error)) from None


def cursor(parameter: str, value: str | None) -> StoryKey | None:
    """A place in story order as `place` writes it (`EARLIEST.LATEST.ID`), or None."""
    if value is None or not value:
        return None
    earliest, _, rest = value.partition(".")
    latest, _, ident = rest.partition(".")
    if not (earliest.isdigit() and latest.isdigit() and ident):
        raise ParameterError(parameter, "expected the `next` of an earlier page")
    return int(earliest), int(latest), ident


def place(key: StoryKey | None) -> str | None:
    """A place in story order as a cursor for `cursor` to read (None: none)."""
    return None if key is None else f"{key[0]}.{key[1]}.{key[2]}"


def name(registry: Registry, kind: NameKind, parameter: str, value: str) -> str:
    """The id an actor or topic name stands for; unknown names answer 404."""
    try:
        return registry.resolve(kind, value)
    except UnknownNameError as error:
        raise ParameterError(parameter, _text(error), status=404) from None


def blame(parameter: str, read: Callable[[], T]) -> T:
    """Runs a read, blaming `parameter` for a query error it raises."""
    try:
        return read()
    except ParameterError:
        raise
    except UnknownNameError as error:
        raise ParameterError(parameter, _text(error), status=404) from None
    except (TimelineError, ValueError, OverflowError) as error:
        raise ParameterError(parameter, _text(error)) from None
