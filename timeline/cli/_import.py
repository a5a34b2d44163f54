"""`import`: a file of records into the store, streamed and all or nothing, or a release."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.cli._dates import DayArg
from timeline.cli._load import _catch_up, _progress

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.formats._exchange import ImportReport

__all__ = ["import_"]

HELP = """Record the actors, topics, developments and corrections in FILE: the
project's JSON Lines log (timeline export --format jsonl), PLOVER records or a
dataset's own files (the format is found from the content, or named by --format).

\b
All or nothing: any problem (reported with its line and field) writes nothing,
and importing the same file again changes nothing. With --skip-bad --rejects
FILE, the good records are written and each rejected one goes to FILE (JSON
Lines: line, reason, text); the summary counts both.

\b
--release DATE takes FILE as its dataset as published that day: an event the
store holds that the file gives otherwise becomes a revision known from DATE,
and with --full every event of that dataset the file lacks becomes a
retraction known from DATE. Then --known-at K answers "the dataset as
published on K".
"""


def _check(full: bool, release: DayArg | None, skip_bad: bool, rejects: Path | None) -> None:
    if full and release is None:
        raise click.UsageError(
            "--full needs --release DATE: the day the full dataset was published"
        )
    if skip_bad and rejects is None:
        raise click.UsageError(
            "--skip-bad needs --rejects FILE: every rejected record is written there"
        )
    if rejects is not None and not skip_bad:
        raise click.UsageError("--rejects FILE goes with --skip-bad")


@click.command(
    "import",
    help=HELP,
    short_help="Record a file of records (JSON Lines, PLOVER, datasets), or a release.",
    epilog="Examples: timeline import story.jsonl; "
    "timeline import acled-2024-03.csv --release 2024-03-05 --full",
)
@click.argument("path", metavar="FILE",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
@click.option("--format", "form", default=None, metavar="F",
              help="The file's format (default: found from its content).")  # fmt: skip
@click.option("--reported", type=opt.DAY, default=None, metavar="DATE",
              help="When the records became known, for a format that carries no date "
              "of its own.")  # fmt: skip
@click.option("--release", type=opt.DAY, default=None, metavar="DATE",
              help="The file is its dataset as published on DATE: changes become "
              "revisions known from DATE.")  # fmt: skip
@click.option("--full", is_flag=True,
              help="With --release: retract the dataset's events absent from FILE.")  # fmt: skip
@click.option("--skip-bad", is_flag=True,
              help="Write the good records; reject the bad ones to --rejects.")  # fmt: skip
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Where --skip-bad writes each rejected record.")  # fmt: skip
@opt.output(table=False)
@opt.store
@pass_app
def import_(
    app: App,
    path: Path,
    form: str | None,
    reported: DayArg | None,
    release: DayArg | None,
    full: bool,
    skip_bad: bool,
    rejects: Path | None,
) -> None:
    """Imports a file."""
    from timeline.formats._exchange import import_file

    _check(full, release, skip_bad, rejects)
    started = time.monotonic()
    tl = app.timeline(write=True)
    with _progress(app) as progress, _hinting(app, skip_bad):
        shown = _shower(progress, path)
        report = import_file(
            tl, path, format=form, reported=None if reported is None else reported.when,
            release=None if release is None else release.day, full=full,
            skip_bad=skip_bad, rejects=rejects, progress=shown,
        )  # fmt: skip
        _view_after(app, tl, progress)
    for note in report.notes:
        app.info(note)
    _summarise(app, report, rejects, time.monotonic() - started)


@contextlib.contextmanager
def _hinting(app: App, skip_bad: bool) -> Iterator[None]:
    """Says, when the file is refused for its records, how to import the good ones."""
    from timeline.engine.errors import LoadError

    try:
        yield
    except LoadError:
        if not skip_bad and not app.json:
            app.hint("--skip-bad --rejects FILE imports the good records and lists the others")
        raise


def _shower(progress: Any, path: Path) -> Any:
    """A progress callback showing the line reached and the events written, or None."""
    if progress is None:
        return None
    task = progress.add_task(f"importing {path}", total=None, count="")

    def show(line: int, events: int) -> None:
        progress.update(task, count=f"line {line:,}, {events:,} events")

    return show


def _view_after(app: App, tl: Timeline, progress: Any) -> None:
    """Brings the view up to date; the import is committed, so a failure here only warns."""
    from timeline.engine.errors import TimelineError

    try:
        _catch_up(tl, progress)
    except (TimelineError, OSError) as error:
        app.warn(f"the import is recorded; the view will catch up on the next read ({error})")


def _summarise(app: App, report: ImportReport, rejects: Path | None, seconds: float) -> None:
    counts = (
        f"{report.added:,} developments, {len(report.actors):,} actors, "
        f"{len(report.topics):,} topics, {report.revisions:,} revisions, "
        f"{report.retractions:,} retractions, {report.rankings:,} rankings new; "
        f"{report.unchanged:,} already there"
    )
    if report.rejected or rejects is not None:
        counts += f"; {report.rejected:,} rejected (written to {rejects})"
    document = {
        "path": report.path,
        "form": report.form,
        "dataset": report.dataset,
        "actors": list(report.actors),
        "topics": list(report.topics),
        "developments": list(report.developments),
        "added": report.added,
        "revisions": report.revisions,
        "retractions": report.retractions,
        "rankings": report.rankings,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "position": report.position,
        "notes": list(report.notes),
    }
    text = (
        f"imported {report.path} ({report.form}): {counts}; store position "
        f"{report.position} ({seconds:.1f} s)"
    )
    app.say(document, text)
