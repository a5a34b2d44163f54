"""`explain`: why an actor held its position, in the developments' own words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._render import Column
from timeline.cli._scope import read_scope, scope_options
from timeline.cli._whatif import opened, what_if

if TYPE_CHECKING:
    from timeline.projections._explain import Claim

__all__ = ["explain"]

CSV_COLUMNS = tuple(
    Column(name)
    for name in ("status", "development", "occurred", "reported", "stance", "summary", "quote",
                 "why")
)  # fmt: skip
STATUSES = {
    "winner": "sets the position",
    "supporting": "same stance, earlier",
    "beaten": "overtaken",
    "outranked": "outranked by a preferred claim",
    "deprecated": "ranked deprecated",
    "uncertain": "may not have happened",
    "unknown": "not yet reported",
    "retracted": "retracted",
}


def _claim_json(claim: Claim) -> dict[str, Any]:
    development = claim.development
    return {
        "development": development.id,
        "occurred": development.occurred.text,
        "reported": development.reported.text,
        "stance": str(claim.stance),
        "summary": development.summary,
        "quote": claim.quote,
        "source": words.source(development),
        "reports": words.reports_json(development),
        "status": claim.status,
        "reason": claim.reason,
    }


def _block(claim: Claim) -> str:
    """One claim for people: what it is, what was said, and why it fared as it did."""
    development = claim.development
    when = words.span(development.occurred)
    lines = [f"{development.id} ({when}, {development.kind}): {claim.stance}", development.summary]
    if claim.quote:
        lines.append(f'"{claim.quote}"')
    if development.reports:
        told = development.all_reports
        lines.append(f"Reports ({len(told)}, {development.origins()} independent):")
        # Without URLs, which no table cell can wrap: `show` and --json give them.
        lines.extend(f"  {words.report(found, url=False)}" for found in told)
    lines.append(f"Why: {claim.reason}.")
    return "\n".join(lines)


@click.command(
    short_help="Why an actor held its position, in the claims' own words.",
    epilog="Example: timeline explain USA.CONGRESS patriot-sale --as-of 2018-12-31",
)
@click.argument("actor")
@click.argument("topic")
@opt.as_of
@opt.known_at()
@opt.possible
@scope_options
@what_if
@opt.output()
@opt.store
@pass_app
def explain(
    app: App, actor: str, topic: str, as_of: DayArg, known_at: DayArg | None, possible: bool
) -> None:
    """Why ACTOR held its position on TOPIC as of day D: the rule that chose it, then every
    claim on it with the development's summary, the speaker's quote, and how it fared
    (it set the position, supports it, was overtaken, or does not count, and why).
    """
    tl = opened(app)
    known = None if known_at is None else known_at.day
    result = tl.explain(
        actor, topic, as_of.day, known_at=known, possible=possible, **read_scope().facade
    )
    position = result.position
    document = {
        "actor": result.actor,
        "topic": result.topic,
        "as_of": result.day.isoformat(),
        "known_at": words.day_json(result.known_at),
        "position": None if position is None else words.position_json(position),
        "rule": result.rule,
        "claims": [_claim_json(c) for c in result.claims],
    }
    if app.form == "json":
        app.out.json(document)
        return
    rows = [
        [c.status, c.development.id, c.development.occurred.text, c.development.reported.text,
         str(c.stance), c.development.summary, c.quote or "", c.reason]
        for c in result.claims
    ]  # fmt: skip
    if app.form == "csv":
        app.out.csv(CSV_COLUMNS, rows)
        return
    stance = "no position" if position is None else words.stance(position)
    where = words.scope(as_of=as_of, known_at=known_at, possible=possible) + read_scope().words
    app.out.line(f"{result.actor} on {result.topic}{where}: {stance}.")
    app.out.line("")
    app.out.line(result.rule)
    if result.claims:
        app.out.line("")
        blocks = [[STATUSES.get(c.status, c.status), _block(c)] for c in result.claims]
        columns = (Column("status"), Column("claim"))
        app.out.table(columns, blocks, wide=app.wide, header=False, leading=1)
