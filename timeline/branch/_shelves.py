"""Where saved branches live: a folder of `NAME.jsonl` files, or memory, by store kind.

`shelf_of` chooses, as the notes of `timeline.branch` say: the folder given, else
a folder beside an SQLite file, else memory for the in-memory store.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import attrs

from timeline._output import OutputFileError, write_whole
from timeline.engine._input import read_input
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = [
    "NAME",
    "SUFFIX",
    "FolderShelf",
    "MemoryShelf",
    "Shelf",
    "checked_name",
    "default_folder",
    "shelf_of",
]

# A saved branch's name: it names a file, so letters, digits, '.', '_' and '-' only.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
SUFFIX = ".jsonl"


def checked_name(name: str) -> str:
    """The name of a saved branch, refused unless `NAME` matches it whole."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise QueryError(
            f"branch name {name!r}: expected letters, digits, '.', '_' or '-' "
            "(starting with a letter or digit, at most 100)"
        )
    return name


class Shelf(Protocol):
    """Where saved branches are kept: each one is the text of its JSON Lines log, by name."""

    def names(self) -> list[str]:
        """The names of the saved branches, sorted."""

    def read(self, name: str) -> str | None:
        """The saved branch's text, or None if there is none of that name."""

    def write(self, name: str, text: str) -> None:
        """Saves (or replaces) a branch."""

    def remove(self, name: str) -> bool:
        """Deletes a saved branch; whether there was one."""


@attrs.define
class MemoryShelf:
    """Saved branches in memory: the in-memory store's, gone with its `Timeline`."""

    texts: dict[str, str] = attrs.field(factory=dict)

    def names(self) -> list[str]:
        return sorted(self.texts)

    def read(self, name: str) -> str | None:
        return self.texts.get(name)

    def write(self, name: str, text: str) -> None:
        self.texts[name] = text

    def remove(self, name: str) -> bool:
        return self.texts.pop(name, None) is not None


def _path(folder: str | Path) -> Path:
    return Path(folder).expanduser()


@attrs.frozen
class FolderShelf:
    """Saved branches as files `NAME.jsonl` in one folder (made on the first save)."""

    folder: Path = attrs.field(converter=_path)

    def path(self, name: str) -> Path:
        """The file a branch of this name is saved in."""
        return self.folder / f"{checked_name(name)}{SUFFIX}"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        found = (p.name[: -len(SUFFIX)] for p in self.folder.glob(f"*{SUFFIX}") if p.is_file())
        return sorted(name for name in found if NAME.fullmatch(name))

    def read(self, name: str) -> str | None:
        try:
            return read_input(self.path(name)).decode("utf-8")
        except FileNotFoundError:
            return None

    def write(self, name: str, text: str) -> None:
        target = self.path(name)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputFileError(
                f"cannot make the folder {self.folder} for saved branches: "
                f"{error.strerror or error}"
            ) from None
        # A reader sees the old file or the new one, never half.
        write_whole(target, text.encode("utf-8"), what=f"the branch {name!r} to")

    def remove(self, name: str) -> bool:
        try:
            self.path(name).unlink()
        except FileNotFoundError:
            return False
        return True


_MEMORY: weakref.WeakKeyDictionary[Timeline, MemoryShelf] = weakref.WeakKeyDictionary()


def default_folder(tl: Timeline) -> Path | None:
    """The folder an SQLite file store keeps its saved branches in (None: not a file)."""
    path = tl.config.backend.file(tl.config.env)
    return None if path is None else path.with_name(f"{path.stem}.branches")


def shelf_of(tl: Timeline, folder: str | Path | None = None) -> Shelf:
    """Where the store's saved branches are kept: `folder`, else its own place (see above)."""
    if folder is not None:
        return FolderShelf(folder)
    found = default_folder(tl)
    if found is not None:
        return FolderShelf(found)
    if tl.config.backend.server:
        raise QueryError(
            "a PostgreSQL store has no folder of its own for saved branches: pass a folder "
            "(folder=, or --folder DIR)"
        )
    return _MEMORY.setdefault(tl, MemoryShelf())
