"""The counterfactual options of every read command: `--without-source`, `--only`, `--min-reports`.

A command takes them with `@scope_options` and reads them with `read_scope()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs
import click

from timeline.cli import _options as opt

__all__ = ["ReadScope", "read_scope", "scope_options"]

F = TypeVar("F", bound=Callable[..., Any])
_SCOPE = "timeline.read_scope"


@attrs.frozen
class ReadScope:
    """A read's counterfactual, as given on the command line."""

    without_sources: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    min_reports: int = 1

    @property
    def facade(self) -> dict[str, Any]:
        """Keyword arguments for `Timeline.as_of`, `history`, `diff`, `explain`, `relations`."""
        found: dict[str, Any] = {
            "without_sources": self.without_sources,
            "only_reliability": list(self.only) or None,
        }
        if self.min_reports > 1:
            found["min_reports"] = self.min_reports
        return found

    def reliability(self, given: Sequence[str] = ()) -> list[str] | None:
        """`--only` joined with a command's own `--reliability` filter: both must hold."""
        if not self.only:
            return list(given) or None
        if not given:
            return list(self.only)
        return [r for r in self.only if r in {g.lower() for g in given}]

    @property
    def words(self) -> str:
        """The counterfactual in words, to follow a command's scope: ', without ...'."""
        parts = []
        if self.without_sources:
            parts.append(f"without what {' or '.join(self.without_sources)} reported")
        if self.only:
            parts.append(f"counting only {' or '.join(self.only)} sources")
        if self.min_reports > 1:
            parts.append(f"counting only what {self.min_reports} or more independent reports carry")
        return "".join(f", {part}" for part in parts)

    def json(self) -> dict[str, Any]:
        """The counterfactual as JSON, to add to a command's document."""
        found: dict[str, Any] = {
            "without_sources": list(self.without_sources),
            "only": list(self.only),
        }
        if self.min_reports > 1:
            found["min_reports"] = self.min_reports
        return found


def _keep(field: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, given: Any) -> None:
        current = ctx.meta.get(_SCOPE, ReadScope())
        if field == "min_reports":
            ctx.meta[_SCOPE] = attrs.evolve(current, min_reports=given or 1)
            return
        values = tuple(v.lower() for v in given) if field == "only" else tuple(given)
        ctx.meta[_SCOPE] = attrs.evolve(current, **{field: tuple(dict.fromkeys(values))})

    return callback


def scope_options(function: F) -> F:
    """`--without-source NAME`, `--only RELIABILITY` (both repeatable) and `--min-reports N`."""
    function = click.option(
        "--min-reports",
        type=click.IntRange(min=1),
        metavar="N",
        expose_value=False,
        callback=_keep("min_reports"),
        help="Count only developments that N or more independent reports carry by the "
        "knowledge day (a report repeating another outlet counts as that outlet's).",
    )(function)
    function = click.option(
        "--only",
        multiple=True,
        type=click.Choice(opt.RELIABILITIES, case_sensitive=False),
        expose_value=False,
        callback=_keep("only"),
        help="Count only sources of this reliability (repeatable): what the story says on "
        "their word alone.",
    )(function)
    return click.option(
        "--without-source",
        multiple=True,
        metavar="NAME",
        expose_value=False,
        callback=_keep("without_sources"),
        help="Leave out what this publisher reported (repeatable, any case): what the story "
        "says without it.",
    )(function)


def read_scope(ctx: click.Context | None = None) -> ReadScope:
    """The counterfactual the running command was given (`scope_options`)."""
    ctx = ctx or click.get_current_context()
    found: ReadScope = ctx.meta.get(_SCOPE, ReadScope())
    return found
