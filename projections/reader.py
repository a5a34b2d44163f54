"""Pinned reads of the positions view, through one SQLite connection of its own.

Every read names the notification id it is pinned at and only sees rows current
then (`recorded_from <= pin < recorded_until`).  Catching up only closes rows at
later ids and opens rows from later ids, so a pinned read is stable while the
view moves on; only a view reset (`rebuild`) can take rows away, which the
tracking guard detects.  A single statement in autocommit mode is its own read
transaction, so the hot path is one indexed query and no transaction overhead.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from timeline.engine.errors import TimelineError
from timeline.projections.recorder import PREFIX

__all__ = ["Run", "ViewBehindError", "ViewReader"]

# Pins a row to the knowledge day (?1) and the notification id (?2) it is read at.
_CURRENT = "known_from <= ?1 AND known_until > ?1 AND recorded_from <= ?2 AND recorded_until > ?2"
# True when the view has processed the pinned notification (?6: application name).
_GUARD = f"(SELECT notification_id FROM {PREFIX}tracking WHERE application_name = ?6) >= ?2"
_RUN = (
    f"SELECT dev_id, stance, occurred, occurred_latest FROM {PREFIX}claims "
    f"WHERE actor = ?3 AND topic = ?4 AND occurred_earliest <= ?5 AND {_CURRENT} "
    f"{{certain}} AND {_GUARD} "
    "ORDER BY occurred_earliest DESC, occurred_latest DESC, dev_id DESC"
)
# By `possible`: whether a claim or version that only possibly occurred counts.
RUN = {False: _RUN.format(certain="AND occurred_latest <= ?5"), True: _RUN.format(certain="")}

# The reader's page cache, in KiB (SQLite reads a negative size as KiB).
READER_CACHE_KIB = -64 * 1024

T = TypeVar("T")
Run = list[tuple[str, int, str, int]]  # (dev_id, stance, occurred text, occurred latest)


class ViewBehindError(TimelineError, RuntimeError):
    """The view has not processed the notification a read is pinned at."""


class ViewReader:
    """Reads the positions view at a pinned notification id; safe across threads."""

    def __init__(self, db_name: str, application_name: str, *, shared_cache: bool) -> None:
        self._connection = sqlite3.connect(
            db_name, uri=True, check_same_thread=False, isolation_level=None
        )
        # Lookups wander over every pair's index pages; keep up to 64 MiB of them.
        self._connection.execute(f"PRAGMA cache_size = {READER_CACHE_KIB}")
        if shared_cache:
            # In a shared-cache (in-memory) database a reader would otherwise be
            # locked out while a batch is written; the pin hides uncommitted rows,
            # which always come from notifications after the committed tracking.
            self._connection.execute("PRAGMA read_uncommitted = 1")
        self._lock = threading.Lock()
        self.application_name = application_name

    def close(self) -> None:
        """Closes the reader's connection."""
        self._connection.close()

    @contextmanager
    def _cursor(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cursor = self._connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def reached(self) -> int:
        """The last notification id the view has processed (0 for none)."""
        with self._cursor() as c:
            c.execute(
                f"SELECT notification_id FROM {PREFIX}tracking WHERE application_name = ?",
                (self.application_name,),
            )
            row = c.fetchone()
            return 0 if row is None else int(row[0])

    def _check(self, pin: int) -> None:
        if self.reached() < pin:
            raise ViewBehindError(f"the view has not reached notification {pin}")

    def run(self, key: tuple[str, str], when: tuple[int, int, int], possible: bool) -> Run:
        """The winning run of claims for one pair, latest first, at (day, known, pin)."""
        day, known, pin = when
        found: Run = []
        with self._cursor() as c:
            c.execute(RUN[possible], (known, pin, key[0], key[1], day, self.application_name))
            for row in c:
                if found and row[1] != found[0][1]:
                    break
                found.append(row)
        if not found:
            self._check(pin)  # nothing found: no claim counts, or the view is behind
        return found

    def pinned(self, pin: int, read: Callable[[sqlite3.Cursor], T]) -> T:
        """Runs `read(cursor)` and returns its result, if the view holds `pin` throughout."""
        self._check(pin)
        with self._cursor() as c:
            result = read(c)
        self._check(pin)
        return result

    @staticmethod
    def pairs(c: sqlite3.Cursor) -> list[tuple[str, str]]:
        """Every (actor, topic) with a claim, sorted."""
        c.execute(f"SELECT actor, topic FROM {PREFIX}pairs ORDER BY actor, topic")
        return [(actor, topic) for actor, topic in c.fetchall()]

    @staticmethod
    def claimed_by(c: sqlite3.Cursor, key: tuple[str, str], pin: int) -> list[str]:
        """The ids of developments that claim the pair in any version, as of `pin`."""
        c.execute(
            f"SELECT DISTINCT dev_id FROM {PREFIX}claims WHERE actor = ? AND topic = ? "
            "AND recorded_from <= ? AND recorded_until > ? ORDER BY dev_id",
            (key[0], key[1], pin, pin),
        )
        return [dev_id for (dev_id,) in c.fetchall()]

    @staticmethod
    def streams(c: sqlite3.Cursor, pin: int) -> dict[UUID, list[StoredEvent]]:
        """The view's copy of every development stream, up to notification `pin`."""
        c.execute(
            f"SELECT stream, version, topic, state FROM {PREFIX}streams "
            "WHERE notification_id <= ? ORDER BY notification_id",
            (pin,),
        )
        found: dict[UUID, list[StoredEvent]] = {}
        for stream, version, topic, state in c.fetchall():
            ident = UUID(bytes=stream)
            found.setdefault(ident, []).append(StoredEvent(ident, version, topic, state))
        return found
