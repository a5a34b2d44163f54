"""Exports of a `Timeline` as citable snapshots, and imports of the project's log and PLOVER.

The public home of `timeline.formats._exchange` (see it, and `docs/exports.md`, for every
form and field):

    from timeline import Timeline, exchange, seeds

    tl = Timeline()
    tl.load(seeds.path())
    text = exchange.export(tl, "timelinejs", known_at="2018-12-31")
    made = exchange.snapshot(tl, "csv")  # made.text is the table, made.meta the snapshot
    report = exchange.import_file(Timeline(), "story.jsonl")
"""

from __future__ import annotations

from timeline.formats._exchange import (
    FORMATS,
    WHAT,
    ImportReport,
    Snapshot,
    export,
    import_file,
    snapshot,
)

__all__ = ["FORMATS", "WHAT", "ImportReport", "Snapshot", "export", "import_file", "snapshot"]
