"""`timeline project`: brings the view up to date, or with `--follow` keeps it so.

It stops cleanly on SIGTERM or Ctrl-C: every batch is written with its tracking in
one transaction, so a stop (or a crash) at any point resumes exactly where the
view's tracking says on the next start (see `timeline.projections.worker`).
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from timeline import Timeline
from timeline.cli._args import show
from timeline.projections.worker import Worker

__all__ = ["add_command"]

Commands = Any  # argparse's private _SubParsersAction


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Sets `stop` on SIGTERM or SIGINT for the duration, then restores the handlers."""

    def handle(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _project(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    view = tl.materialised
    if args.batch is not None:
        view.batch = args.batch
    started = view.tracking_id
    if args.rebuild:
        view.rebuild()
    processed = view.tracking_id - started if args.rebuild else 0
    if args.follow:
        stop = threading.Event()
        report = lambda line: print(line, file=stdout, flush=True)  # noqa: E731
        with _stop_on_signals(stop):
            processed += Worker(view, tl.config, interval=args.interval, report=report).run(stop)
    elif not args.rebuild:
        processed = view.catch_up()
    document = {"from": started, "to": view.tracking_id, "processed": processed}
    text = f"the view has processed events up to #{view.tracking_id} ({processed} this run)"
    show(args, stdout, document, text)


def _seconds(text: str) -> float:
    """Reads a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (0 < value < 24 * 3600):
        raise argparse.ArgumentTypeError(
            f"expected seconds above 0 and below a day, found {text!r}"
        )
    return value


def _batch(text: str) -> int:
    """Reads a positive number of events."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of events, 1 or more, found {text!r}"
        )
    return value


def add_command(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Adds `project` to the subcommands."""
    project = commands.add_parser(
        "project",
        parents=[common],
        help="bring the materialised view up to date (and, with --follow, keep it so)",
        description="Process the events recorded since the view's tracking into the "
        "materialised positions. With --follow, keep processing new events until "
        "stopped (SIGTERM or Ctrl-C); a restart resumes exactly where it stopped.",
        epilog="example: timeline project --db postgresql://user@host/news --follow",
    )
    project.add_argument("--follow", action="store_true", help="keep following new events")
    project.add_argument(
        "--interval",
        type=_seconds,
        default=0.5,
        metavar="S",
        help="seconds between polls of an SQLite store (PostgreSQL is followed by subscription)",
    )
    project.add_argument("--rebuild", action="store_true", help="rebuild the view from zero")
    project.add_argument(
        "--batch", type=_batch, metavar="N", help="events per transaction (default: large)"
    )
    project.set_defaults(handler=_project)
