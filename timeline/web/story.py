"""The story a web app answers from: one `Timeline`, read under one lock."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request

from timeline.engine.registry import Registry
from timeline.engine.when import FIRST_DAY, LAST_DAY

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["Story", "story_of"]

T = TypeVar("T")


class Story:
    """A timeline shared by every request; reads take turns, and drawn charts are kept."""

    def __init__(self, timeline: Timeline, title: str | None = None, *, keep: int = 128) -> None:
        self.timeline = timeline
        self._title = title
        self._lock = threading.RLock()
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._keep = keep
        self._drawing: dict[Hashable, threading.Lock] = {}

    def read(self, read: Callable[[Timeline], T]) -> T:
        """Runs `read` on the timeline, one request at a time."""
        with self._lock:
            return read(self.timeline)

    @property
    def title(self) -> str:
        """The headline: the title given, else the story's own (its main topic's description)."""
        if self._title:
            return self._title
        from timeline._export_forms import default_title

        return self.read(lambda tl: default_title(tl.developments(), tl.registry))

    @property
    def registry(self) -> Registry:
        """The registered actors and topics, current with the store."""
        return self.read(lambda tl: tl.registry)

    def names(self) -> Callable[[str], str]:
        """A function from actor id to the actor's name (the id when unregistered)."""
        actors = self.registry.actors
        return lambda ident: actors[ident].name if ident in actors else ident

    def drawn(self, key: Hashable, draw: Callable[[], bytes]) -> bytes:
        """A chart's bytes, drawn once per store position and kept for later requests.

        Requests for a chart being drawn wait for that drawing instead of drawing it again.
        """
        full = (key, self.read(lambda tl: tl.position))
        with self._lock:
            if full in self._kept:
                self._kept.move_to_end(full)
                return self._kept[full]
            drawing = self._drawing.setdefault(full, threading.Lock())
        with drawing:
            with self._lock:
                if full in self._kept:
                    return self._kept[full]
            image = draw()
            with self._lock:
                self._kept[full] = image
                self._drawing.pop(full, None)
                while len(self._kept) > self._keep:
                    self._kept.popitem(last=False)
        return image

    def bounds(self) -> dict[str, Any]:
        """The bounded days the developments span and the days what is known changes."""

        def days(tl: Timeline) -> dict[str, Any]:
            spans = [d.occurred for d in tl.developments()]
            story = _inside([w.earliest for w in spans] + [w.latest for w in spans])
            known = _inside(day for entry in tl.entries() for day in entry.knowledge_days())
            return {
                "first_day": story[0] if story else None,
                "last_day": story[-1] if story else None,
                "story_days": _inside(w.latest for w in spans),
                "first_reported": known[0] if known else None,
                "last_reported": known[-1] if known else None,
                "knowledge_days": known,
            }

        return self.read(days)


def _inside(days: Iterable[dt.date]) -> list[str]:
    """The distinct bounded days, sorted, as `YYYY-MM-DD`."""
    return [d.isoformat() for d in sorted(set(days)) if d not in (FIRST_DAY, LAST_DAY)]


def story_of(request: Request) -> Story:
    """The app's story (a FastAPI dependency)."""
    story: Story = request.app.state.story
    return story
