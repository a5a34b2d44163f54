"""Where each kind of store keeps its materialised view, one module per engine backend.

`view_for` takes the module `MODULES` gives for an engine backend's name (see
`timeline.engine._backends`) and its `VIEW`; the view and the worker ask that
object instead of comparing names.  A new backend adds one module here and one line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading

    from timeline.engine._application import StoreApplication
    from timeline.engine._backends import Backend
    from timeline.projections._backend import ViewQueries, ViewRecorder
    from timeline.projections._worker import Worker

__all__ = ["MODULES", "ViewBackend", "view_for"]

# Each engine backend, by name, and the module that holds its view's backend.
MODULES = {
    "memory": "timeline.projections._views.memory",
    "sqlite": "timeline.projections._views.sqlite",
    "postgresql": "timeline.projections._views.postgres",
}


class ViewBackend:
    """Where one kind of store keeps its view; the base polls, as a store without notices."""

    def open(self, app: StoreApplication) -> tuple[ViewRecorder, ViewQueries]:
        """The view's recorder and reader for the store `app` keeps its events in."""
        raise NotImplementedError

    def recorder(self, app: StoreApplication) -> ViewRecorder:
        """The view's recorder (its tables made or rebuilt if need be) for the store `app`."""
        recorder, queries = self.open(app)
        queries.close()
        return recorder

    def open_reads(self, env: dict[str, str], application_name: str) -> ViewQueries | None:
        """The view's reader alone, opened without the store's application, where the view
        is there to read (else None: the view needs the full open).

        A read of a current view then loads no eventsourcing; the application is made
        when there is something to catch up, or a write.
        """
        return None

    def head(self, app: StoreApplication, queries: ViewQueries) -> Callable[[], int | None]:
        """What tells the store's last notification id, as cheaply as the store allows."""
        return queries.head

    @contextmanager
    def alone(self, worker: Worker, stop: threading.Event) -> Iterator[None]:
        """Holds whatever keeps a second worker off the view while this one works."""
        yield

    def follow(self, worker: Worker, stop: threading.Event) -> None:
        """Keeps the view current until `stop` is set: here by polling."""
        worker.poll(stop)


def view_for(backend: Backend) -> ViewBackend:
    """The view backend of an engine backend."""
    view: ViewBackend = importlib.import_module(MODULES[backend.name]).VIEW
    return view
