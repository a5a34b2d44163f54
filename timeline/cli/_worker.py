"""`timeline project`: brings the view up to date, or with `--follow` keeps it so.

It stops cleanly on SIGTERM or Ctrl-C: every batch is written with its tracking in
one transaction, so a stop (or a crash) at any point resumes exactly where the
view's tracking says on the next start (see `timeline.projections._worker`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from timeline.cli import _options as opt
from timeline.cli._context import App, pass_app
from timeline.cli._dates import _Type

if TYPE_CHECKING:
    from timeline import Timeline

__all__ = ["project"]


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


class Seconds(_Type):
    """A positive, finite number of seconds, below a day."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = float("nan")
        if not (0 < seconds < 24 * 3600):
            self.fail(f"expected seconds above 0 and below a day, found {value!r}", param, ctx)
        return seconds


class Events(_Type):
    """A whole number of events, 1 or more."""

    name = "events"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            count = int(value)
        except (TypeError, ValueError):
            count = 0
        if count < 1:
            self.fail(f"expected a whole number of events, 1 or more, found {value!r}", param, ctx)
        return count


# What a server says while it stops, starts or is down: a following worker waits.
_PASSING = ("Connection refused", "starting up", "shutting down", "not yet accepting")
# The longest pause, in seconds, between attempts to open a store that is down.
_MAX_PAUSE = 8.0


def _open(app: App, stop: threading.Event, follow: bool) -> Timeline:
    """The store; with `follow`, a server that is down or restarting is waited for."""
    from timeline.engine.errors import StoreError

    pause = 0.5
    while True:
        try:
            return app.timeline()
        except StoreError as error:
            if not follow or not any(text in str(error) for text in _PASSING):
                raise
            app.out.write(f"cannot reach the store yet; retrying in {pause:g} s")
            if stop.wait(pause):
                raise
            pause = min(pause * 2, _MAX_PAUSE)


@click.command(
    short_help="Bring the materialised view up to date (a worker with --follow).",
    epilog="Example: timeline project --db postgresql://user@host/news --follow",
)
@click.option("--follow", is_flag=True, help="Keep following new events until stopped.")
@click.option("--interval", type=Seconds(), default=0.5, show_default=True, metavar="S",
              help="Seconds between polls of an SQLite store (PostgreSQL is followed by "
              "subscription).")  # fmt: skip
@click.option("--rebuild", is_flag=True, help="Rebuild the view from zero.")
@click.option("--batch", type=Events(), metavar="N", help="Events per transaction.")
@opt.output(table=False)
@opt.store
@pass_app
def project(app: App, follow: bool, interval: float, rebuild: bool, batch: int | None) -> None:
    """Process the events recorded since the view's tracking into the materialised
    positions. With --follow, keep processing new events until stopped (SIGTERM or
    Ctrl-C); a restart resumes exactly where it stopped."""
    from timeline.projections._worker import Worker

    stop = threading.Event()
    # From the start: opening the store may already catch up, and a stop asked for then
    # must end the run between batches too, not kill it.
    with _stop_on_signals(stop):
        tl = _open(app, stop, follow)
        view = tl.materialised
        if batch is not None:
            view.batch = batch
        started = view.tracking_id
        if rebuild:
            view.rebuild()
        processed = view.tracking_id - started if rebuild else 0
        if follow:
            report = lambda line: app.out.write(line)  # noqa: E731
            processed += Worker(view, tl.config, interval=interval, report=report).run(stop)
        elif not rebuild:
            processed = view.catch_up(stop=stop)
    document = {"from": started, "to": view.tracking_id, "processed": processed}
    text = f"The view has processed events up to #{view.tracking_id} ({processed} this run)."
    app.say(document, text)
