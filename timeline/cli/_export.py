"""`export`: the story in other tools' formats (`timeline._exchange`); `import` is `_import`."""

from __future__ import annotations

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg

__all__ = ["export"]

FORMATS = ("json", "jsonl", "csv", "timelinejs", "plover")
WHAT = ("developments", "changes")


@click.command(
    short_help="The story as JSON, JSON Lines, CSV, TimelineJS 3 or PLOVER.",
    epilog="Examples: timeline export --format timelinejs > story.json; "
    "timeline export --format jsonl --at 25 (the store as it stood at position 25)",
)
@click.option("--format", "form", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option(
    "--what",
    type=click.Choice(WHAT),
    default="developments",
    show_default=True,
    help="CSV only: the developments, or every position's change points.",
)
@click.option("--title", default=None, help="The TimelineJS title (default: the main topic).")
@click.option(
    "--at",
    type=click.IntRange(min=0),
    default=None,
    metavar="POSITION",
    help="Export the store as it stood at this position (printed in every export's meta).",
)
@opt.known_at()
@opt.store
@pass_app
def export(
    app: App,
    form: str,
    what: str,
    title: str | None,
    at: int | None,
    known_at: DayArg | None,
) -> None:
    """Every development (known at --known-at) in story order, in one of these forms:

    json (full records), jsonl (the lossless log of actors, topics, developments,
    revisions and retractions, for `timeline import`), csv (for spreadsheets and
    pandas), timelinejs (a TimelineJS 3 document), plover (PLOVER event records).
    Every export carries the store position, a content hash and the knowledge day it
    was made with, so `--at POSITION` reproduces it byte for byte later.
    """
    from timeline._exchange import snapshot

    known = None if known_at is None else known_at.day
    made = snapshot(app.timeline(), form, known_at=known, at=at, title=title, what=what)
    for reason in made.skipped:
        app.warn(f"left out: {reason}")
    app.out.write(made.text)
