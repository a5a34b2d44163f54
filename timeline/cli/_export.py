"""`export`: the story in other tools' formats (`timeline.formats._exchange`).

`import` is `_import`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
@click.option(
    "--meta",
    "meta_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the snapshot (position, hash, knowledge day) to FILE as JSON; "
    "a CSV export keeps it nowhere else.",
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
    meta_path: Path | None,
    known_at: DayArg | None,
) -> None:
    """Every development (known at --known-at) in story order, in one of these forms:

    json (full records), jsonl (the lossless log of actors, topics, developments,
    revisions and retractions, for `timeline import`), csv (for spreadsheets and
    pandas), timelinejs (a TimelineJS 3 document), plover (PLOVER event records).
    Every export carries the store position, a content hash and the knowledge day it
    was made with, so `--at POSITION` reproduces it byte for byte later.
    """
    from timeline.formats._exchange import snapshot

    known = None if known_at is None else known_at.day
    made = snapshot(app.timeline(), form, known_at=known, at=at, title=title, what=what)
    for skipped in made.skipped:
        app.warn(f"left out {skipped}")
    if meta_path is not None:
        _write_meta(meta_path, made.meta)
    elif form == "csv":
        pin = made.meta["position"]
        app.hint(f"snapshot of store position {pin} ({made.meta['sha256']}); --meta FILE keeps it")
    app.out.write(made.text)


def _write_meta(path: Path, meta: Mapping[str, Any]) -> None:
    from timeline.cli._render import dump
    from timeline.engine.errors import StoreError

    try:
        path.write_text(dump(dict(meta)) + "\n", encoding="utf-8")
    except OSError as error:
        raise StoreError(f"cannot write the snapshot to {path}: {error.strerror}") from None
