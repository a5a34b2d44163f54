"""The composition root: opens a store's event application and its materialised view.

Configuration comes in explicitly (a `StoreConfig` made from a URL); nothing here
reads the environment.  This is the one place that joins `timeline.engine` (the
write side) with `timeline.projections` (the read side).
"""

from __future__ import annotations

from eventsourcing.persistence import PersistenceError

from timeline.engine._extras import require
from timeline.engine.application import StoreApplication
from timeline.engine.config import StoreConfig
from timeline.engine.errors import StoreError
from timeline.projections.materialised import Materialised

__all__ = ["open_application", "open_store"]


def open_application(config: StoreConfig) -> StoreApplication:
    """The event store application for `config`, its tables created if need be."""
    if config.kind == "postgresql":
        require("postgres", "a postgresql:// store")
    # One direct connection first: a refused or misnamed server fails at once with
    # the driver's reason, instead of after the connection pool's timeout.
    refused = config.diagnose()
    if refused:
        raise StoreError(f"cannot open the {config.location}: {config.redact(refused)}")
    env = dict(config.env)
    if config.kind == "postgresql":
        # Inserts of any size in one transaction (eventsourcing's pipeline hangs on large ones).
        from timeline.engine._postgres import TOPIC

        env["APPLICATION_RECORDER_TOPIC"] = TOPIC
    try:
        with config.creating():
            return StoreApplication(env=env)
    except StoreError:
        raise
    except Exception as error:  # driver errors vary; the user gets one clear message
        reason = config.diagnose() or (str(error).splitlines() or [type(error).__name__])[0]
        reason = config.locked(config.redact(reason))
        raise StoreError(f"cannot open the {config.location}: {reason}") from None


def open_store(config: StoreConfig) -> tuple[StoreApplication, Materialised]:
    """The application and its view; opening reads the view's tracking and no event."""
    app = open_application(config)
    try:
        view = Materialised(app, config.kind)
    except PersistenceError as error:
        app.close()
        reason = config.locked(config.redact(str(error).splitlines()[0] if str(error) else ""))
        raise StoreError(f"cannot open the {config.location}: {reason}") from None
    except Exception:
        app.close()
        raise
    return app, view
