"""The floor under a lookup: the same lookups as bare indexed queries on the SQLite view.

`coldopen.py`'s reader and `reads_limit.py` compare the API's lookups with these.  Only
the standard library is imported at module level: a reader process that imports this
still times its own import of `timeline`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

__all__ = ["raw_probe", "winning_run"]


def winning_run(cursor: Any) -> list[Any]:
    """The rows of the winning run only: steps the cursor until the stance changes."""
    rows: list[Any] = []
    for row in cursor:
        if rows and row[1] != rows[0][1]:
            break
        rows.append(row)
    cursor.close()
    return rows


def raw_probe(
    path: str, queries: Sequence[tuple[str, str, str]], pin: int, every_day: str, *, run_only: bool
) -> tuple[list[float], list[bool], float]:
    """The same lookups as one bare indexed query each, on a new sqlite3 connection.

    With `run_only` the rows are stepped only as far as the winning run (the
    latest counted claim and those before it with its stance) instead of fetched
    whole; this is the floor the lookup could reach with the same index.  Returns each
    lookup's time, whether it found a claim, and the time of every pair's lookup as of
    `every_day`.
    """
    import datetime as dt
    import sqlite3

    from timeline.projections._rows import known_ordinal
    from timeline.projections._sql import Dialect

    statement = Dialect("sqlite").run(possible=False)
    known = known_ordinal(None)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

    def fetch(cursor: Any) -> list[Any]:
        return winning_run(cursor) if run_only else list(cursor.fetchall())

    clock = time.perf_counter
    took: list[float] = []
    found: list[bool] = []
    try:
        for actor, topic, day in queries:
            ordinal = dt.date.fromisoformat(day).toordinal()
            begin = clock()
            rows = fetch(
                connection.execute(
                    statement,
                    {"actor": actor, "topic": topic, "day": ordinal, "known": known, "pin": pin},
                )
            )
            took.append(clock() - begin)
            found.append(bool(rows))
        # Every pair's run at once, as `positions()` reads them on SQLite.
        ordinal = dt.date.fromisoformat(every_day).toordinal()
        begin = clock()
        pairs = connection.execute('SELECT actor, topic FROM "positions_pairs"').fetchall()
        for actor, topic in pairs:
            fetch(
                connection.execute(
                    statement,
                    {"actor": actor, "topic": topic, "day": ordinal, "known": known, "pin": pin},
                )
            )
        every = clock() - begin
    finally:
        connection.close()
    return took, found, every
