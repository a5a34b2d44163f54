"""The story a web app answers from: one `Timeline`, read by many requests at once."""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from fastapi import Request, Response
from pydantic import BaseModel

from timeline.engine._registry import Registry
from timeline.engine._uncollected import uncollected
from timeline.engine.errors import StoreError
from timeline.engine.when import FIRST_DAY, LAST_DAY

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["Story", "kept", "story_of"]

T = TypeVar("T")
LOG = logging.getLogger("timeline.web")


class Story:
    """A timeline shared by every request: reads run side by side, and drawn charts are kept.

    Reads take no lock of their own: the view pins each read at a store position and
    serialises only its catch-up.  An SQLite store file replaced under the server
    (copied over, or moved away and back) is noticed on the next request and opened
    again, so answers never come from the file that was there before.
    """

    def __init__(
        self,
        timeline: Timeline,
        title: str | None = None,
        *,
        keep: int = 128,
        shared: Path | None = None,
    ) -> None:
        self.timeline = timeline
        self._title = title
        self._lock = threading.RLock()
        # Kept answers, least recently used first, in one order per kind of answer (an
        # endpoint's, or a chart's): the many distinct explanations do not push out the
        # few positions every reader asks for.
        self._kept: dict[Hashable, OrderedDict[Hashable, Any]] = {}
        self._keep = keep
        self._drawing: dict[Hashable, threading.Lock] = {}
        self._file = _store_file(timeline)
        self._identity = _identity(self._file)
        # Worker processes serving one store keep their encoded answers in one folder too.
        self._shared = None if shared is None else _Shared(shared)

    def read(self, read: Callable[[Timeline], T]) -> T:
        """Runs `read` on the timeline (the store's file opened again if it was replaced)."""
        return read(self._current())

    def _current(self) -> Timeline:
        if self._file is None:
            return self.timeline
        found = _identity(self._file)
        if found == self._identity:
            return self.timeline
        with self._lock:
            if found != self._identity:
                self._reopen(found)
            return self.timeline

    def _reopen(self, found: tuple[int, int] | None) -> None:
        from timeline._timeline import Timeline

        if found is None:
            raise StoreError(f"the store file {self._file} was removed while being served")
        LOG.warning("the store file %s was replaced: opening it again", self._file)
        # The old timeline is left to the requests still reading it; its connections
        # close when the last of them is done with it.
        self.timeline = Timeline.open(f"sqlite:///{self._file}")
        self._identity = found
        self._kept.clear()

    @property
    def title(self) -> str:
        """The headline: the title given, else the story's own (its main topic's description)."""
        if self._title:
            return self._title
        from timeline.formats._export_forms import default_title

        return self.read(lambda tl: default_title(tl.developments(), tl.registry))

    @property
    def registry(self) -> Registry:
        """The registered actors and topics, current with the store."""
        return self.read(lambda tl: tl.registry)

    def names(self) -> Callable[[str], str]:
        """A function from actor id to the actor's name (the id when unregistered)."""
        actors = self.registry.actors
        return lambda ident: actors[ident].name if ident in actors else ident

    def drawn(
        self,
        key: Hashable,
        draw: Callable[[], T],
        *,
        shared: bool = False,
        keep: int = 0,
        pickled: bool = False,
    ) -> T:
        """A chart's bytes (or any answer), made once per store position and kept.

        Requests for an answer being made wait for that one instead of making it again;
        a `shared` answer (bytes, or any value when `pickled`) is made once by every
        process serving the store.  Of each kind, the `keep` (default: the story's own
        number) used last are kept.
        """
        full = (key, self.read(lambda tl: tl.position))
        kind = key[0] if isinstance(key, tuple) and key else key
        with self._lock:
            kept = self._kept.setdefault(kind, OrderedDict())
            if full in kept:
                kept.move_to_end(full)
                return cast(T, kept[full])
            drawing = self._drawing.setdefault(full, threading.Lock())
        with drawing:
            with self._lock:
                if full in kept:
                    return cast(T, kept[full])
            try:
                if shared and self._shared is not None:
                    # The file's identity: a store file replaced under the server may
                    # reach the same position with other answers.
                    made = self._shared.made((full, self._identity), draw, pickled)
                else:
                    made = draw()
            finally:
                with self._lock:
                    self._drawing.pop(full, None)
            with self._lock:
                kept[full] = made
                while len(kept) > (keep or self._keep):
                    kept.popitem(last=False)
        return made

    def forget(self) -> None:
        """Lets go of every answer this process keeps (the shared folder keeps its own)."""
        with self._lock:
            self._kept.clear()

    def bounds(self) -> dict[str, Any]:
        """The bounded days the developments span and the days what is known changes."""

        def days(tl: Timeline) -> dict[str, Any]:
            # Read by the view's SQL (and the corrected entries), once per store position.
            _, earliest, latest = tl.occurred_days()
            story = _inside(earliest | latest)
            known = _inside(tl.knowledge_days())
            return {
                "first_day": story[0] if story else None,
                "last_day": story[-1] if story else None,
                "story_days": _inside(latest),
                "first_reported": known[0] if known else None,
                "last_reported": known[-1] if known else None,
                "knowledge_days": known,
            }

        # Every development and entry is read: once per store position, not per request.
        return self.drawn("bounds", lambda: self.read(days))


class _Shared:
    """Answers in bytes kept as files in a folder that several processes share: the first
    to need one makes it under a file lock, the others wait for it and read it.

    The folder holds at most about `most` bytes: the answers written longest ago go first.
    """

    def __init__(self, folder: Path, most: int = 256 * 1024 * 1024) -> None:
        self.folder, self.most = folder, most
        self._unchecked = 0  # bytes this process wrote since it last measured the folder

    def made(self, key: Hashable, make: Callable[[], T], pickled: bool = False) -> T:
        """The bytes kept for `key`, made by `make` unless some process already has;
        `pickled`, any value, passed between the processes as a pickle."""
        name = hashlib.sha256(repr(key).encode()).hexdigest()
        path = self.folder / f"{name}.bytes"
        with open(self.folder / f"{name}.lock", "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            try:
                found = path.read_bytes()
            except FileNotFoundError:
                pass
            else:
                # Only this server's processes write the folder (made private by
                # `tempfile`), so its pickles are as trusted as the values they hold.
                if not pickled:
                    return cast(T, found)
                with uncollected():  # as many objects as the value holds
                    return cast(T, pickle.loads(found))
            made = make()
            with uncollected():
                data = pickle.dumps(made, pickle.HIGHEST_PROTOCOL) if pickled else made
            if isinstance(data, bytes):
                written = path.with_suffix(f".{os.getpid()}")
                written.write_bytes(data)
                written.replace(path)
                self._unchecked += len(data)
        if self._unchecked > self.most // 8:
            self._unchecked = 0
            self.prune()
        return made

    def prune(self) -> None:
        """Removes the answers written longest ago until the folder holds 3/4 of `most`."""
        found = []
        for path in self.folder.glob("*.bytes"):
            try:
                stat = path.stat()
            except FileNotFoundError:  # another process pruned it meanwhile
                continue
            found.append((stat.st_mtime_ns, stat.st_size, path))
        total = sum(size for _, size, _ in found)
        for _, size, path in sorted(found):
            if total <= self.most * 3 // 4:
                break
            # A process reading it meanwhile still reads it whole; one asking later makes
            # it again (its lock file goes too, so two may: the answer is the same).
            path.unlink(missing_ok=True)
            path.with_suffix(".lock").unlink(missing_ok=True)
            total -= size


def kept(
    model: type[BaseModel],
) -> Callable[[Callable[..., dict[str, Any] | bytes]], Callable[..., Response]]:
    """An API endpoint whose answers, JSON in the shape of `model`, are kept per store
    position and parameters.

    Many readers of one page ask the same questions (its first view above all): each
    is answered once per store position, and again only when the store moves on.
    The answer is kept encoded, so a kept answer is sent as it is, not encoded again.
    An endpoint may answer its JSON text itself (bytes, `timeline.web._encoded`'s).
    """

    def keeping(endpoint: Callable[..., dict[str, Any] | bytes]) -> Callable[..., Response]:
        @functools.wraps(endpoint)
        def answer(story: Story, **params: Any) -> Response:
            key = (endpoint.__name__, repr(sorted(params.items())))

            def encoded() -> bytes:
                found = endpoint(story=story, **params)
                if isinstance(found, bytes):
                    return found
                return model.model_validate(found).model_dump_json(by_alias=True).encode()

            answer = story.drawn(key, encoded, shared=True)
            return Response(answer, media_type="application/json")

        return answer

    return keeping


def _store_file(timeline: Timeline) -> Path | None:
    """The SQLite file the timeline reads (None: a store without a file of its own)."""
    return timeline.config.backend.file(timeline.config.env)


def _identity(file: Path | None) -> tuple[int, int] | None:
    """The file's device and inode: what changes when another file takes its name."""
    if file is None:
        return None
    try:
        found = file.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _inside(days: Iterable[dt.date]) -> list[str]:
    """The distinct bounded days, sorted, as `YYYY-MM-DD`."""
    return [d.isoformat() for d in sorted(set(days)) if d not in (FIRST_DAY, LAST_DAY)]


def story_of(request: Request) -> Story:
    """The app's story (a FastAPI dependency)."""
    story: Story = request.app.state.story
    return story
