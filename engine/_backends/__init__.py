"""The kinds of store, one module each, looked up once from the URL's scheme.

As eventsourcing's `InfrastructureFactory.construct` imports the module its
`PERSISTENCE_MODULE` names and takes the factory it finds there, `backend_for`
imports the module `MODULES` gives for a scheme and takes its `BACKEND`.  Everything
else asks that object (`StoreConfig.backend`, `StoreApplication.backend`) instead of
comparing names.  A new backend is one module here, one beside it in
`timeline/projections/_views/`, and one line in each table.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from timeline.engine._application import StoreApplication
    from timeline.engine._bulk_stores import StoreTransaction
    from timeline.engine._copying import Copier
    from timeline.engine.config import StoreConfig

__all__ = ["MODULES", "Backend", "backend_for", "backend_of"]

# Each URL scheme, and the module that holds its backend.
MODULES = {
    "memory": "timeline.engine._backends.memory",
    "sqlite": "timeline.engine._backends.sqlite",
    "postgresql": "timeline.engine._backends.postgres",
    "postgres": "timeline.engine._backends.postgres",
}


class Backend:
    """One kind of store; the base answers as a store that is neither a file nor a server."""

    name = ""  # as `StoreConfig.kind` shows it: "memory", "sqlite" or "postgresql"
    persistence = ""  # eventsourcing's PERSISTENCE_MODULE for it
    in_process = False  # the store lives in this process's memory and ends with it
    server = False  # a database server keeps the store, for processes on any host

    def __repr__(self) -> str:
        return f"<{self.name} backend>"

    def settings(
        self, url: str, password: str | None, schema: str | None, replica: str | None
    ) -> dict[str, str]:
        """The eventsourcing settings a URL of this kind stands for; StoreError if it is wrong."""
        raise NotImplementedError

    def location(self, env: dict[str, str]) -> str:
        """A short description of the store for messages."""
        raise NotImplementedError

    def file(self, env: dict[str, str]) -> Path | None:
        """The file the store lives in (None: it has no file of its own)."""
        return None

    def application_env(self, env: dict[str, str]) -> dict[str, str]:
        """The settings the store application opens with (its driver checked first)."""
        return dict(env)

    def diagnose(self, config: StoreConfig) -> str | None:
        """Why a direct connection is refused, or None if it is not (or none is made)."""
        return None

    def connect(self, config: StoreConfig) -> Any:
        """A new autocommit connection to the store's database server."""
        raise StoreError(f"the {self.location(config.env)} takes no direct connection")

    def creating(self, config: StoreConfig) -> AbstractContextManager[None]:
        """Holds, where processes may race to create the store's tables, a lock against it."""
        return nullcontext()

    def holds_store(self, config: StoreConfig) -> bool:
        """Whether a timeline store is there (files and memory are checked elsewhere)."""
        return True

    def locked(self, config: StoreConfig, reason: str) -> str:
        """The reason for a lock that waited too long, with whatever helps to act on it."""
        return reason

    def replica(self, config: StoreConfig) -> StoreConfig | None:
        """The hot standby that reads go to, if one is set."""
        return None

    def begin(self, recorder: Any) -> StoreTransaction:
        """A write transaction on the recorder's store, its write lock already held."""
        raise NotImplementedError

    def copier(self, target: StoreApplication, name: str) -> Copier:
        """The one transaction a copy writes into the empty `target` (named `name`) with."""
        raise StoreError(f"cannot copy into {name}: expected an SQLite or PostgreSQL store")


def backend_for(scheme: str) -> Backend | None:
    """The backend of a URL scheme (its name, lower case), None if there is none."""
    module = MODULES.get(scheme)
    if module is None:
        return None
    backend: Backend = importlib.import_module(module).BACKEND
    return backend


def backend_of(env: Any) -> Backend:
    """The backend whose eventsourcing persistence module `env` names (in memory by default)."""
    persistence = env.get("PERSISTENCE_MODULE") or "eventsourcing.popo"
    for backend in _all():
        if backend.persistence == persistence:
            return backend
    raise StoreError(f"no timeline backend keeps events with {persistence!r}")


def _all() -> Sequence[Backend]:
    found = (backend_for(scheme) for scheme in MODULES)
    return list(dict.fromkeys(b for b in found if b is not None))
