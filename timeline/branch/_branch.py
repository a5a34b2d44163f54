"""`Branch`: what-if writes over a store, answering every read, savable by name.

Its reads come from `BranchReads` and its writes from `BranchWrites`, both over
`BranchState`; this module adds its name, `refresh`, and saving and loading it
(kept on a shelf, `_shelves`, as its JSON Lines log, `_saved_log`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from timeline.branch._reads import BranchReads
from timeline.branch._saved_log import log_text, read_log
from timeline.branch._shelves import NAME, SUFFIX, checked_name, shelf_of
from timeline.branch._writes import BranchWrites
from timeline.engine._input import read_input
from timeline.projections.errors import QueryError

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["Branch"]


class Branch(BranchReads, BranchWrites):
    """Speculative developments, revisions and retractions over a store, never written to it.

    `at` makes the branch at an earlier store position (default: the current one).
    """

    def __init__(
        self,
        timeline: Timeline,
        name: str | None = None,
        *,
        folder: str | Path | None = None,
        at: int | None = None,
    ) -> None:
        self.name = None if name is None else checked_name(name)
        self.folder = folder
        super().__init__(timeline, at)

    def __repr__(self) -> str:
        layered = self.layered
        label = "" if self.name is None else f"{self.name!r}, "
        return (
            f"Branch({label}at {self._pin} of {self.timeline.config.redacted_url}: "
            f"{len(layered.developments)} developments, {len(layered.corrections)} corrections)"
        )

    def refresh(self) -> int:
        """Moves the branch to the store's current position, checking it there; returns it.

        What the store recorded meanwhile must agree with the branch as a load would
        (an id recorded with other content, a second retraction, is refused, and the
        branch stays where it was).
        """
        fresh = Branch(self.timeline, self.name, folder=self.folder)
        fresh._add(self.layered)
        self._pin, self._layers = fresh._pin, {}
        self._actors, self._topics = fresh._actors, fresh._topics
        self._developments, self._corrections = fresh._developments, fresh._corrections
        return self._pin

    # -- saving ------------------------------------------------------------------------------

    def log(self) -> str:
        """The branch as the project's JSON Lines log: a meta line, then what it adds."""
        return log_text(self.layered, self.name, self._pin)

    @classmethod
    def from_log(
        cls,
        timeline: Timeline,
        text: str,
        *,
        name: str | None = None,
        source: str = "branch",
        folder: str | Path | None = None,
    ) -> Branch:
        """The branch a JSON Lines log holds, pinned at the position its meta line names.

        Without a position in the log, the branch is made at the current one.
        """
        saved = read_log(timeline, text, source)
        chosen = saved.name if name is None else name
        branch = cls(
            timeline, chosen if isinstance(chosen, str) else None, folder=folder, at=saved.position
        )
        branch._add(saved.seeds)
        return branch

    @classmethod
    def read(cls, timeline: Timeline, path: str | Path) -> Branch:
        """The branch saved in a JSON Lines file (as `save` writes them)."""
        file = Path(path).expanduser()
        try:
            text = read_input(file).decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{file}: cannot read the branch: {error}") from None
        stem = file.name[: -len(SUFFIX)] if file.name.endswith(SUFFIX) else file.stem
        name = stem if NAME.fullmatch(stem) else None
        return cls.from_log(timeline, text, name=name, source=str(file))

    def save(self, name: str | None = None, *, folder: str | Path | None = None) -> str:
        """Saves the branch under `name` (default: its own), replacing one of that name.

        It is kept outside the store (see the module's notes): `folder`, else the
        store's own place.  Returns the name.
        """
        chosen = name if name is not None else self.name
        if chosen is None:
            raise QueryError("saving a branch needs a name: branch.save('name')")
        chosen = checked_name(chosen)
        where = folder if folder is not None else self.folder
        self.name, self.folder = chosen, where
        shelf_of(self.timeline, where).write(chosen, self.log())
        return chosen

    @classmethod
    def load(cls, timeline: Timeline, name: str, *, folder: str | Path | None = None) -> Branch:
        """The branch saved under `name`, pinned at the store position it was saved at."""
        text = shelf_of(timeline, folder).read(checked_name(name))
        if text is None:
            raise QueryError(f"no saved branch {name!r}")
        return cls.from_log(timeline, text, name=name, source=name, folder=folder)

    @staticmethod
    def saved(timeline: Timeline, *, folder: str | Path | None = None) -> list[str]:
        """The names of the store's saved branches (in `folder`, else the store's place)."""
        return shelf_of(timeline, folder).names()

    def discard(self) -> bool:
        """Empties the branch and deletes its saved copy; whether there was one."""
        removed = False
        if self.name is not None:
            removed = shelf_of(self.timeline, self.folder).remove(self.name)
        self._forget()
        return removed
