"""What the user sees when a command fails: one message, a hint, the right exit status.

Exit status: 0 success (a reader that closed the pipe early is no failure), 2 bad
input (a usage error, a bad date, a rejected load; the message names what and
where), 1 a store that is missing or unreachable, 130 interrupted.  No traceback
reaches the user; under `--json` the error is a JSON object on stderr.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click

from timeline.cli._context import PROG, App
from timeline.engine.errors import (
    ConflictError,
    DuplicateError,
    LoadError,
    MissingExtraError,
    StoreError,
    TimelineError,
    UnknownDevelopmentError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from timeline import Timeline

__all__ = ["report"]

_RECORDED = re.compile(r"development '([^']+)' is already recorded with different content")
_LOADED = re.compile(r"development '([^']+)' field 'id': already recorded with different content")
REVISE = "timeline revise {id} --reported DATE --reason TEXT [--summary ... | --occurred ...]"


def _status(error: BaseException) -> int:
    if isinstance(error, click.ClickException):
        return 2 if isinstance(error, click.UsageError) else error.exit_code
    if isinstance(error, StoreError | ConflictError | OSError | MissingExtraError):
        return 1
    return 2 if isinstance(error, TimelineError) else 1  # else a bug: said as such


def _message(error: BaseException) -> str:
    if isinstance(error, click.ClickException):
        return error.format_message()
    if isinstance(error, TimelineError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:  # the system's refusal, said as such
        where = f"{error.filename}: " if error.filename is not None else ""
        return f"{where}{error.strerror}"
    return (
        f"unexpected {type(error).__name__}: {error} (this is a bug in timeline; please report it)"
    )


def _hints(error: BaseException, tl: Timeline | None) -> list[str]:
    text = str(error)
    hints = []
    if isinstance(error, DuplicateError | LoadError):
        ids = _RECORDED.findall(text) + _LOADED.findall(text)
        for dev_id in dict.fromkeys(ids):
            hints.append(f"to correct {dev_id!r}, record a revision: {REVISE.format(id=dev_id)}")
    if tl is not None and isinstance(error, UnknownNameError) and not error.suggestions:
        known = sorted(tl.registry.actors if error.kind == "actor" else tl.registry.topics)
        if known:
            listed = _listed(known)
            hints.append(f"the known {error.kind}s are {listed} (see 'timeline {error.kind}s')")
        add = "ID NAME" if error.kind == "actor" else "ID DESCRIPTION"
        if error.kind in ("actor", "topic"):
            hints.append(f"to add a new one: timeline {error.kind} add {add}")
        else:
            hints.append(f"this store has no {error.kind}s yet; load a story first")
    if tl is not None and isinstance(error, UnknownDevelopmentError):
        hints.append(_close_ids(tl, error.dev_id))
    return hints


def _close_ids(tl: Timeline, dev_id: str) -> str:
    import difflib

    ids = sorted(d.id for d in tl.developments(retracted=True))
    close = difflib.get_close_matches(dev_id, ids, n=3, cutoff=0.6)
    if close:
        return f"did you mean {' or '.join(close)}?"
    if not ids:
        return "this store has no developments yet; load a story first"
    return f"the recorded ids include {_listed(ids)} (see 'timeline developments')"


def _listed(names: list[str], limit: int = 12) -> str:
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def _store_error(app: App, error: BaseException) -> BaseException:
    """A failure of the store's database (locked, full, corrupt) as a `StoreError`."""
    import sqlite3

    from eventsourcing.persistence import PersistenceError

    if not isinstance(error, PersistenceError | sqlite3.Error):
        return error
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    tl = app.opened
    if tl is not None:
        reason = tl.config.locked(tl.config.redact(reason))
        return StoreError(f"the {tl.config.location} could not be used: {reason}")
    return StoreError(f"the store could not be used: {reason}")


def report(app: App, error: BaseException) -> int:
    """Prints `error` for the user (JSON under --json) and returns the exit status."""
    from timeline.engine._extras import missing

    error = missing(error) or _store_error(app, error)
    status = _status(error)
    try:
        hints = _hints(error, app.opened)
    except Exception:  # a hint is a courtesy: never let it hide the error itself
        hints = []
    message = _message(error)
    if app.json:
        document: dict[str, Any] = {"message": message, "exit_status": status}
        document["type"] = type(error).__name__
        if isinstance(error, LoadError):
            document["problems"] = list(error.problems)
        if hints:
            document["hints"] = hints
        app.err.json({"error": document})
        return status
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())
    if isinstance(error, no_args) and error.ctx is not None:  # a group given no command
        app.err.write(error.ctx.get_help())
        return status
    if isinstance(error, click.UsageError) and error.ctx is not None:
        app.err.write(error.ctx.get_usage())
    app.err.note(f"{PROG}: error:", message, style="bold red")
    for hint in hints:
        app.hint(hint)
    if isinstance(error, click.UsageError) and error.ctx is not None:
        app.err.write(f"Try '{error.ctx.command_path} --help' for help.")
    return status
