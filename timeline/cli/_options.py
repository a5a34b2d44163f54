"""Options several commands share, as click decorators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from timeline.cli._context import App
from timeline.cli._dates import DayType

__all__ = [
    "DAY",
    "RELIABILITIES",
    "as_of",
    "filters",
    "known_at",
    "output",
    "possible",
    "store",
]

F = TypeVar("F", bound=Callable[..., Any])
DAY = DayType()
RELIABILITIES = ("official", "named", "anonymous")
DB_HELP = (
    "The store: a path to an SQLite file (story.db), sqlite:///path.db, "
    "postgresql://user@host/db (needs the postgres extra) or memory:// "
    "(default: $TIMELINE_DB, else your own store in the data folder)."
)


def _setter(attribute: str, value: Any = None) -> Callable[[click.Context, Any, Any], None]:
    """A callback that puts an option's value on the run's `App` when it was given."""

    def callback(ctx: click.Context, param: click.Parameter, given: Any) -> None:
        if given is None or given is False:
            return
        setattr(ctx.ensure_object(App), attribute, given if value is None else value)

    return callback


def store(function: F) -> F:
    """`--db`: which store (also accepted before the command)."""
    return click.option(
        "--db", metavar="URL", expose_value=False, callback=_setter("db"), help=DB_HELP
    )(function)


def output(*, table: bool = True) -> Callable[[F], F]:
    """`--json`, and for table commands `--csv` and `--wide`."""

    def decorate(function: F) -> F:
        if table:
            function = click.option(
                "--wide",
                is_flag=True,
                expose_value=False,
                callback=_setter("wide"),
                help="Every column, each row on one line, however wide.",
            )(function)
            function = click.option(
                "--csv",
                is_flag=True,
                expose_value=False,
                callback=_setter("form", "csv"),
                help="Print CSV (every column) instead of a table.",
            )(function)
        return click.option(
            "--json",
            is_flag=True,
            expose_value=False,
            callback=_setter("form", "json"),
            help="Print JSON for programs (errors too, on stderr).",
        )(function)

    return decorate


def as_of(function: F) -> F:
    """`--as-of D`, default today."""
    return click.option(
        "--as-of",
        "as_of",
        metavar="D",
        type=DAY,
        default="today",
        show_default=True,
        help="The day to look at (its last day, for a month or a year).",
    )(function)


def known_at(flag: str = "--known-at", what: str = "", metavar: str = "K") -> Callable[[F], F]:
    """A knowledge-day option."""

    def decorate(function: F) -> F:
        return click.option(
            flag,
            metavar=metavar,
            type=DAY,
            default=None,
            help=what
            or "Count only what had been reported by day K (default: everything recorded).",
        )(function)

    return decorate


def possible(function: F) -> F:
    """`--possible`."""
    return click.option(
        "--possible",
        is_flag=True,
        help="Also count developments that may have happened by then (their span has "
        "begun); positions resting on them are tentative.",
    )(function)


def filters(*, topic: bool = True) -> Callable[[F], F]:
    """`--actor A [--children]`, `--topic T` and `--reliability R`."""

    def decorate(function: F) -> F:
        function = click.option(
            "--reliability",
            multiple=True,
            type=click.Choice(RELIABILITIES, case_sensitive=False),
            help="Only developments from sources of this reliability (repeatable).",
        )(function)
        if topic:
            function = click.option(
                "--topic", metavar="T", help="Only this topic (its id or an alias)."
            )(function)
        function = click.option(
            "--children", is_flag=True, help="With --actor: also the actors below it."
        )(function)
        return click.option(
            "--actor", metavar="A", help="Only this actor (its id, name, alias or a person)."
        )(function)

    return decorate
