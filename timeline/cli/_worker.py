"""`timeline project`: a projection worker that catches up the view, then follows the store.

It stops cleanly on SIGTERM or Ctrl-C, between batches: every batch is written with
its tracking in one transaction, so a stop (or a crash) at any point resumes exactly
where the view's tracking says on the next start.
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

__all__ = ["add_command", "follow"]

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


def follow(
    tl: Timeline,
    stop: threading.Event,
    *,
    interval: float = 0.5,
    out: TextIO | None = None,
) -> int:
    """Catches the view up again and again until `stop` is set; returns events processed."""
    view, total = tl.materialised, 0
    while not stop.is_set():
        processed = view.catch_up()
        total += processed
        if processed and out is not None:
            print(f"processed {processed} events, up to #{view.tracking_id}", file=out, flush=True)
        if not processed:
            stop.wait(interval)
    return total


def _project(tl: Timeline, args: argparse.Namespace, stdout: TextIO) -> None:
    view = tl.materialised
    if args.batch is not None:
        view.batch = args.batch
    started = view.tracking_id
    processed = view.rebuild() if args.rebuild else view.catch_up()
    if args.follow:
        stop = threading.Event()
        with _stop_on_signals(stop):
            processed += follow(tl, stop, interval=args.interval, out=stdout)
    document = {"from": started, "to": view.tracking_id, "processed": processed}
    text = f"the view has processed events up to #{view.tracking_id} ({processed} this run)"
    show(args, stdout, document, text)


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
        "--interval", type=float, default=0.5, metavar="S", help="seconds between polls"
    )
    project.add_argument("--rebuild", action="store_true", help="rebuild the view from zero")
    project.add_argument(
        "--batch", type=int, metavar="N", help="events per transaction (default: large)"
    )
    project.set_defaults(handler=_project)
