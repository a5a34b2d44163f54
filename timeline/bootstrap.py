"""The composition root: opens a store's event application, its view and its reader.

Configuration comes in explicitly (a `StoreConfig` made from a URL), and so does the
reader (`reads`: the materialised view by default, or `Replayed`, the pure replay the
tests check the view with); nothing here reads the environment.  This is the one
place that joins `timeline.engine` (the write side) with `timeline.projections`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from timeline._replayed import Replayed
    from timeline.engine._application import StoreApplication
    from timeline.engine.config import StoreConfig
    from timeline.projections._materialised import Materialised
    from timeline.projections._reads import Reads

__all__ = ["ReadsFrom", "Replayed", "open_application", "open_store", "the_view"]

# What answers a store's reads, made from its materialised view.
ReadsFrom = Callable[["Materialised"], "Reads"]


def __getattr__(name: str) -> Any:
    """`Replayed`, imported on first use: importing the facade loads no replay."""
    if name == "Replayed":
        from timeline._replayed import Replayed

        return Replayed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def the_view(view: Materialised) -> Reads:
    """The materialised view answers the reads itself: the default reader."""
    return view


def open_application(config: StoreConfig) -> StoreApplication:
    """The event store application for `config`, its tables created if need be."""
    from timeline.engine._application import StoreApplication

    # The backend checks its driver first, and says what the application opens with.
    env = config.backend.application_env(config.env)
    # One direct connection first: a refused or misnamed server fails at once with
    # the driver's reason, instead of after the connection pool's timeout.
    refused = config.diagnose()
    if refused:
        raise StoreError(f"cannot open the {config.location}: {config.redact(refused)}")
    try:
        with config.creating():
            return StoreApplication(env=env)
    except StoreError:
        raise
    except Exception as error:  # driver errors vary; the user gets one clear message
        reason = config.diagnose() or (str(error).splitlines() or [type(error).__name__])[0]
        reason = config.locked(config.redact(reason))
        raise StoreError(f"cannot open the {config.location}: {reason}") from None


def open_store(config: StoreConfig, reads: ReadsFrom = the_view) -> tuple[Materialised, Reads]:
    """The view and its reader; opening reads the view's tracking only.

    Where the backend can read its view without the event store application (an
    SQLite file whose view is there), the application is opened when first needed:
    to catch up on new events, or to write.  A read of a current view then loads no
    eventsourcing.  `view.application` is the application either way.
    """
    from timeline.engine.config import APPLICATION
    from timeline.projections._materialised import Materialised
    from timeline.projections._views import view_for

    queries = view_for(config.backend).open_reads(config.env, APPLICATION)
    if queries is not None:
        view = Materialised.deferred(lambda: open_application(config), config.backend, queries)
        return view, reads(view)
    view = _open_view(config)
    return view, reads(view)


def _open_view(config: StoreConfig) -> Materialised:
    """The application and its view, opened together (the view made or rebuilt if need be)."""
    from eventsourcing.persistence import PersistenceError

    from timeline.projections._materialised import Materialised

    app = open_application(config)
    try:
        return Materialised(app, config.backend)
    except PersistenceError as error:
        app.close()
        reason = config.locked(config.redact(str(error).splitlines()[0] if str(error) else ""))
        raise StoreError(f"cannot open the {config.location}: {reason}") from None
    except Exception:
        app.close()
        raise
