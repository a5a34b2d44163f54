"""Which store a command uses, and whether it may create it.

`--db` takes a URL (`sqlite:///story.db`, `postgresql://user@host/db`, `memory://`)
or, as sqlite-utils and datasette do, a plain path to an SQLite file.  Reads never
create a store: on a missing SQLite file they say so (exit 1) and leave no file or
folder behind.  Writes (`init`, `load`, `add`, ...) create it.  The demo store is
separate: it lives beside the default store and holds the bundled story only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from timeline.engine.errors import StoreError

if TYPE_CHECKING:
    from timeline import Timeline
    from timeline.cli._settings import Settings

__all__ = ["MissingStoreError", "Store", "locate"]

POSTGRES = ("postgresql://", "postgres://")


class MissingStoreError(StoreError):
    """A read named a store that does not exist; nothing was created."""


@attrs.frozen
class Store:
    """A store the command may open: its URL, its SQLite file if any, and what it is."""

    url: str
    path: Path | None
    role: str  # "default", "demo" or "named"
    shown: str = ""

    @property
    def label(self) -> str:
        """How messages name the store (a file under the home folder as ~/...)."""
        return self.shown or (str(self.path) if self.path is not None else self.url)

    def exists(self) -> bool:
        """Whether the store is there already: its SQLite file, or on a PostgreSQL server
        its tables (memory always is)."""
        if self.path is not None:
            return self.path.is_file()
        if self.url.startswith(POSTGRES):
            from timeline.engine._extras import require
            from timeline.engine.config import StoreConfig

            require("postgres", "a postgresql:// store")
            return StoreConfig.from_url(self.url).holds_store()
        return True

    def missing(self) -> MissingStoreError:
        """The error a read gives when the store is not there."""
        if self.path is None:
            from timeline.engine.config import StoreConfig

            config = StoreConfig.from_url(self.url)
            return MissingStoreError(
                f"no timeline store in the {config.location} (nothing was created). "
                f"Create it with 'timeline init --db {config.url}'"
            )
        if self.role == "default":
            return MissingStoreError(
                f"there is no story yet: {self.label} does not exist. Start one with "
                "'timeline init' or 'timeline load FILE', or look at the bundled story "
                "with 'timeline demo positions'"
            )
        return MissingStoreError(
            f"no store at {self.label}: the file does not exist (nothing was created). "
            f"Check the path, or create it with 'timeline init --db {self.label}'"
        )

    def open(self, *, create: bool) -> Timeline:
        """Opens the store; a read (`create=False`) refuses a missing one."""
        if not create and not self.exists():
            raise self.missing()
        from timeline import Timeline

        return Timeline.open(self.url)


def _sqlite(path: Path, role: str, settings: Settings) -> Store:
    return Store(f"sqlite:///{path}", path, role, settings.shown(path))


def locate(db: str | None, settings: Settings, *, demo: bool = False) -> Store:
    """The store named by `--db`, else `$TIMELINE_DB`, else the default (or the demo)."""
    if demo:
        return _sqlite(settings.demo_store, "demo", settings)
    named = db or settings.db_url
    if named is None:
        return _sqlite(settings.default_store, "default", settings)
    if named.startswith("sqlite:///"):
        rest = named.removeprefix("sqlite:///")
        if rest and rest != ":memory:" and "?" not in rest:
            return _sqlite(Path(rest).expanduser().absolute(), "named", settings)
        return Store(named, None, "named")
    if "://" in named:
        return Store(named, None, "named")
    return _sqlite(Path(named).expanduser().absolute(), "named", settings)
