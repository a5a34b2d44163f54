"""Every error the engine raises derives from `TimelineError` and the fitting builtin."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConflictError",
    "DateError",
    "DuplicateError",
    "LoadError",
    "MissingExtraError",
    "NotRetractableError",
    "RecordError",
    "StoreError",
    "TimelineError",
    "UnknownDevelopmentError",
    "UnknownNameError",
]


class TimelineError(Exception):
    """Base class of every error raised by timeline."""


class DateError(TimelineError, ValueError):
    """A date or relative phrase could not be read; the message quotes the text."""


class RecordError(TimelineError, ValueError):
    """A value or record is malformed; the message names the field and what was expected."""


class UnknownNameError(TimelineError, LookupError):
    """An actor or topic name is not in the registry; the message suggests close ones."""

    def __init__(
        self, kind: str, name: str, suggestions: Sequence[str] = (), where: str = ""
    ) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {', '.join(map(repr, self.suggestions))}?" if suggestions else ""
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}unknown {kind} {name!r}{hint}")

    def located(self, where: str) -> UnknownNameError:
        """The same error, its message prefixed with where the name was found."""
        return UnknownNameError(self.kind, self.name, self.suggestions, where)


class UnknownDevelopmentError(TimelineError, LookupError):
    """No development with this id has been recorded."""

    def __init__(self, dev_id: str) -> None:
        self.dev_id = dev_id
        super().__init__(f"no development with id {dev_id!r} has been recorded")


class DuplicateError(TimelineError, ValueError):
    """An id is already recorded with different content."""


class NotRetractableError(TimelineError, ValueError):
    """A development is already retracted with a different retraction."""


class ConflictError(TimelineError, RuntimeError):
    """A concurrent writer changed the same development; retrying did not resolve it."""


class StoreError(TimelineError, OSError):
    """The store could not be opened or reached; the message names host and database."""


class MissingExtraError(TimelineError, ImportError):
    """A part of timeline needs an optional extra that is not installed; the message says
    which extra and the pip command that installs it."""

    def __init__(self, what: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{what} needs the '{extra}' extra, which is not installed: "
            f"pip install 'timeline-engine[{extra}]' (from a checkout: pip install '.[{extra}]')"
        )


class LoadError(TimelineError, ValueError):
    """A load was rejected; `problems` lists every error found, each with its location."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found; nothing was loaded"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[type[LoadError], tuple[tuple[str, ...]]]:
        # Made again from its problems, not its message, when sent to another process.
        return type(self), (self.problems,)
