"""`sources`: which sources carry a position, and what it would be without each.

"Without" is the position read again without that source's developments
(`timeline._impact.sources`), never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli import _text as words
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._impact_text import difference_words, held, optional_position_json
from timeline.cli._render import Column, stance_style

if TYPE_CHECKING:
    from timeline.engine import Position
    from timeline.projections._impact import Contribution, Sources, SourceShare

__all__ = ["sources", "sources_json"]


SOURCE_COLUMNS = (
    Column("source"),
    Column("reliability", under="source"),
    Column("attribution", under="source"),
    Column("claims"),
    Column("without it", style=stance_style),
)
SOURCE_CSV = tuple(
    Column(name)
    for name in ("publisher", "reliability", "attribution", "development", "occurred", "stance",
                 "evidence", "without_source", "without_publisher")
)  # fmt: skip
SOURCES_HELP = """Which sources carry ACTOR's position on TOPIC as of day D: for each
source (publisher, reliability and attribution, as known), the claims it
contributes, and the position without it.

\b
Every claim on the pair that counts as of D is listed under its source; those
the position rests on are marked, the rest were overtaken. "Without it" is the
position read again without that source's developments (not guessed): "same"
when nothing would change. Then, for each publisher, the position without
anything it reported (as 'timeline positions --without-source NAME' shows it).
"""


def _without(position: Position | None, without: Position | None, differs: bool) -> str:
    """The position without a source: 'same', or what it would be and what moved."""
    if not differs:
        return "same"
    if position is None or without is None or position.stance != without.stance:
        return held(without)
    from timeline.projections._diff import Difference

    moved = difference_words(
        Difference(position.actor, position.topic, "changed", position, without)
    )
    return f"{held(without)} ({moved})"


def _claims_cell(share: SourceShare) -> str:
    return ", ".join(
        f"{c.dev_id} ({c.stance}{'' if c.evidence else ', overtaken'})" for c in share.contributions
    )


def _contribution_json(c: Contribution) -> dict[str, Any]:
    return {
        "development": c.dev_id,
        "occurred": c.occurred.text,
        "stance": str(c.stance),
        "quote": c.quote,
        "evidence": c.evidence,
    }


def sources_json(found: Sources) -> dict[str, Any]:
    """The sources of a position as JSON."""
    return {
        "actor": found.actor,
        "topic": found.topic,
        "as_of": found.day.isoformat(),
        "known_at": words.day_json(found.known_at),
        "possible": found.possible,
        "position": optional_position_json(found.position),
        "publishers": [
            {
                "publisher": p.publisher,
                "without": optional_position_json(p.without),
                "differs": p.differs,
                "sources": [
                    {
                        "publisher": s.publisher,
                        "reliability": str(s.reliability),
                        "attribution": s.attribution,
                        "claims": [_contribution_json(c) for c in s.contributions],
                        "without": optional_position_json(s.without),
                        "differs": s.differs,
                    }
                    for s in p.sources
                ],
            }
            for p in found.publishers
        ],
    }


@click.command(
    help=SOURCES_HELP,
    short_help="Which sources carry a position, and what it is without each.",
    epilog="Example: timeline sources TUR s400-purchase --as-of 2018-12-31",
)
@click.argument("actor")
@click.argument("topic")
@opt.as_of
@opt.known_at()
@opt.possible
@opt.output()
@opt.store
@pass_app
def sources(
    app: App, actor: str, topic: str, as_of: DayArg, known_at: DayArg | None, possible: bool
) -> None:
    """Prints the sources of a position."""
    from timeline._impact import sources as find

    tl = app.timeline()
    known = None if known_at is None else known_at.day
    found = find(tl, actor, topic, as_of=as_of.day, known_at=known, possible=possible)
    if app.form == "json":
        app.out.json(sources_json(found))
        return
    if app.form == "csv":
        rows = [
            [s.publisher, str(s.reliability), s.attribution or "", c.dev_id, c.occurred.text,
             str(c.stance), "yes" if c.evidence else "no",
             _without(found.position, s.without, s.differs),
             _without(found.position, p.without, p.differs)]
            for p in found.publishers for s in p.sources for c in s.contributions
        ]  # fmt: skip
        app.out.csv(SOURCE_CSV, rows)
        return
    where = words.scope(as_of=as_of, known_at=known_at, possible=possible)
    subject = f"{found.actor} on {found.topic}{where}"
    if not found.publishers:
        app.out.line(f"{subject}: no position; no claim counts.")
        return
    position = found.position
    assert position is not None
    app.out.line(f"{subject}: {held(position)}, resting on {', '.join(position.evidence)}.")
    app.out.line("")
    rows = [
        [s.publisher, str(s.reliability), s.attribution or "", _claims_cell(s),
         _without(found.position, s.without, s.differs)]
        for s in found.shares
    ]  # fmt: skip
    app.out.table(SOURCE_COLUMNS, rows, wide=app.wide)
    app.out.line("")
    for p in found.publishers:
        outcome = _without(found.position, p.without, p.differs) if p.differs else "the same"
        app.out.line(f"Without anything {p.publisher} reported: {outcome}.")
