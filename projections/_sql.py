"""Every statement of the materialised view, built once for each SQL dialect.

The reads are `projections._sql_reads.ReadStatements`, which `Dialect` extends.

The view's tables (`projections._schema`, where each is defined once) live beside
the events (the same SQLite file, or the same PostgreSQL schema), each named
exactly (`positions_claims`, ...), and only those names are ever created,
cleared or dropped.  Statements are written once, with `{table}` names and
`:name` parameters, and rendered per dialect; the as-of search is built from the
columns `engine._rule` names for its rule.  A further table,
`mentions`, holds every (actor, occurred span, development id) where some version
of the development names the actor as actor or target but not as claimant (a
claimant's claim row holds the same): listings and relations by actor (and period)
search only those developments, by index (`mentions`, and `claims` by each of the
actor's pairs), so their cost follows the answer, not the store.

Rows carry the notification ids `[recorded_from, recorded_until)` during which
they were current: they are closed, never deleted, when a later event replaces
them, so a read pinned at a notification id is stable while the view moves on.
The events themselves are read from the store's own table (`{events}`).
"""

from __future__ import annotations

import functools
import re
from typing import Any
from uuid import UUID

import attrs

from timeline.engine.errors import StoreError
from timeline.projections._rows import RECORDED_FOREVER
from timeline.projections._schema import (
    EVENTS,
    TABLES,
    VIEW_TABLES,
    Table,
)
from timeline.projections._sql_reads import ReadStatements

__all__ = ["FORMER_TABLES", "SCHEMA", "TABLES", "Dialect"]

# The version of the tables, kept in the tracking table under `SCHEMA_ROW`.
# 6: no copy of the events (`streams` gone); a version as recorded names its event.
# 7: `origins` (independent reports) in claims and developments.
# 8: `mentions`, the developments naming each actor, by occurred span.
# 9: `developments` indexed in story order.
# 10: PostgreSQL: days, counts, stances and ranks in 32 or 16 bits, columns laid out
#     widest first (no alignment padding).
# 11: reliabilities as codes, no NULLs in `developments` (empty state, origin 0);
#     PostgreSQL: `claims` and `developments` searched by a plain index on their
#     leading key columns, without a primary key.
# 12: `claims` without its version's source, reliability and origins (read from
#     `developments`), its occurred text empty where the span's plainest says it;
#     `mentions` without the mentions claims hold; notification ids in 32 bits.
SCHEMA = 12
SCHEMA_ROW = "__schema__"
PREFIX = "positions_"
# Tables of earlier schema versions, dropped by exact name when the view is rebuilt.
FORMER_TABLES = ("tracking", "streams", "claims", "pairs")
# Each kind of column as each dialect declares it, and as PostgreSQL's COPY sends it.
_TYPES = {
    "sqlite": {"text": "TEXT", "integer": "INTEGER", "int4": "INTEGER", "int2": "INTEGER",
               "blob": "BLOB"},
    "postgresql": {"text": "text", "integer": "bigint", "int4": "integer", "int2": "smallint",
                   "blob": "bytea"},
}  # fmt: skip
COPY_TYPES = {"text": "text", "integer": "int8", "int4": "int4", "int2": "int2", "blob": "bytea"}
# PostgreSQL: an index built from sorted rows (after a first catch-up) fills its pages
# whole, where the default leaves a tenth free for later inserts: the view is mostly
# filled at once, and a store that grows after splits pages as one filled row by row does.
PACKED = " WITH (fillfactor = 100)"
# The tables whose key index a first catch-up fills row by row, then rebuilds packed.
_REPACKED = ("claims", "developments", "mentions")
# PostgreSQL aligns an 8-byte column at 8 bytes, and so on: laid out widest first, a
# row wastes no padding (statements name their columns, so the layout is free).
_WIDEST_FIRST = {"integer": 0, "int4": 1, "int2": 2, "text": 3, "blob": 4}


@functools.cache
def _retraction_topics() -> str:
    """The topics of a retraction event, current and former names, as SQL literals."""
    from timeline.engine import _contract as contract
    from timeline.engine.aggregates import DevelopmentStream

    return ", ".join(f"'{topic}'" for topic in contract.topics_of(DevelopmentStream.Retracted))


@functools.cache
def _development_topics() -> str:
    """The topics of a development's events, current and former names, as SQL literals.

    Made on first need, since the aggregates import eventsourcing, which a read of
    a current view does without.
    """
    from timeline.engine import _contract as contract
    from timeline.engine.aggregates import DevelopmentStream

    return ", ".join(
        f"'{topic}'"
        for topic in contract.topics_of(
            DevelopmentStream.Recorded,
            DevelopmentStream.Revised,
            DevelopmentStream.Retracted,
            DevelopmentStream.Ranked,
        )
    )


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _create(table: Table, types: dict[str, str], clustered: str, *, packed: bool = False) -> str:
    """A table; `packed` (PostgreSQL): widest columns first, searched by a plain index
    (`Table.searched_by`, made by `_searched`) rather than a primary key, and any key's
    index built full (`PACKED`)."""
    laid = sorted(table.columns, key=lambda c: _WIDEST_FIRST[c.kind]) if packed else table.columns
    columns = ", ".join(f"{c.name} {types[c.kind]}" for c in laid)
    if packed and table.searched_by:
        return f"CREATE TABLE IF NOT EXISTS {{{table.name}}} ({columns})"
    suffix = clustered if table.clustered else ""
    full = PACKED if packed else ""
    return (
        f"CREATE TABLE IF NOT EXISTS {{{table.name}}} ({columns}, "
        f"PRIMARY KEY ({', '.join(table.key)}){full}){suffix}"
    )


def _searched(table: Table) -> list[str]:
    """PostgreSQL: the plain index a table without a primary key is searched by."""
    if not table.searched_by:
        return []
    return [
        f"CREATE INDEX IF NOT EXISTS {PREFIX}{table.name}_key "
        f"ON {{{table.name}}} ({', '.join(table.searched_by)}){PACKED}"
    ]


def _indexes(table: Table, full: str = "") -> dict[str, str]:
    """A table's secondary indexes, each statement by the index's name (`full`: how
    full a build packs them, where the dialect says)."""
    return {
        f"{PREFIX}{table.name}_{n}": f"CREATE INDEX IF NOT EXISTS {PREFIX}{table.name}_{n} "
        f"ON {{{table.name}}} ({', '.join(columns)}){full}"
        for n, columns in enumerate(table.indexes, start=1)
    }


def _insert(table: Table, *, ignore: bool = False) -> str:
    marks = ", ".join(f":{name}" for name in table.names)
    conflict = " ON CONFLICT DO NOTHING" if ignore else ""
    return f"INSERT INTO {{{table.name}}} ({', '.join(table.names)}) VALUES ({marks}){conflict}"


@attrs.frozen
class Dialect(ReadStatements):
    """The view's statements for one database: `sqlite` or `postgresql` (with a schema);
    its reads are `ReadStatements`'.

    `events` is the name of the store's own events table beside the view.
    """

    name: str
    schema: str | None = None
    events: str = "stored_events"

    def __attrs_post_init__(self) -> None:
        for what, value in (("schema", self.schema), ("events table", self.events)):
            if value is not None and not _IDENTIFIER.fullmatch(value):
                raise StoreError(
                    f"{what} name {value!r}: expected letters, digits and underscores, "
                    "starting with a letter or underscore (at most 63)"
                )

    def table(self, name: str) -> str:
        """The exact, quoted name of one of the view's tables, or (`events`) the store's."""
        bare = self.events if name == "events" else f"{PREFIX}{name}"
        if self.schema is None:
            return f'"{bare}"'
        return f'"{self.schema}"."{bare}"'

    @property
    def event_id(self) -> str:
        """The column of the events table that holds the notification id."""
        return "notification_id" if self.name == "postgresql" else "rowid"

    def stream_key(self, ident: UUID) -> Any:
        """A stream's id as the events table stores it (SQLite: hex text)."""
        return ident if self.name == "postgresql" else ident.hex

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def render(self, statement: str, *, positional: bool = False) -> str:
        """The statement with table names filled in and parameters in the driver's style.

        Named `:name` parameters take a mapping; `positional` ones take a sequence
        in the order the names appear (each name once), for bulk writes.
        """
        text = statement
        if positional:
            mark = "%s" if self.name == "postgresql" else "?"
            text = re.sub(r"(?<!:):\w+", mark, text)
        elif self.name == "postgresql":
            text = re.sub(r"(?<!:):(\w+)", r"%(\1)s", text)
        # Names go in last: a topic's text holds colons that are no parameters.
        names = {t: self.table(t) for t in (*TABLES, "events")}
        topics = _development_topics() if "{topics}" in text else ""
        retractions = _retraction_topics() if "{retractions}" in text else ""
        return text.format(**names, event_id=self.event_id, topics=topics, retractions=retractions)

    def write(self, statement: str) -> str:
        """A bulk-write statement: positional parameters, in the order written."""
        return self.render(statement, positional=True)

    @property
    def create(self) -> list[str]:
        """The statements that create the view's tables and their indexes."""
        clustered = "" if self.name == "postgresql" else " WITHOUT ROWID"
        types = _TYPES[self.name]
        packed = self.name == "postgresql"
        tables = [
            self.render(_create(t, types, clustered, packed=packed)) for t in VIEW_TABLES.values()
        ]
        searched = [self.render(i) for t in VIEW_TABLES.values() for i in _searched(t)]
        return tables + (searched if packed else []) + list(self.secondary.values())

    @property
    def secondary(self) -> dict[str, str]:
        """The statements that create the secondary indexes, by index name: no write
        needs them, so a catch-up into an empty view builds them after its rows."""
        full = PACKED if self.name == "postgresql" else ""
        return {
            name: self.render(statement)
            for table in VIEW_TABLES.values()
            for name, statement in _indexes(table, full).items()
        }

    @property
    def repacked(self) -> list[str]:
        """PostgreSQL: rebuilds the indexes a catch-up keeps up row by row (every close and
        every new key searches them), sorted and full, as after a first catch-up."""
        names = [
            f"{PREFIX}{t.name}_key" if t.searched_by else f"{PREFIX}{t.name}_pkey"
            for t in VIEW_TABLES.values()
            if t.name in _REPACKED
        ]
        return [f"REINDEX INDEX {self.index(name)}" for name in names]

    def index(self, name: str) -> str:
        """The exact, quoted name of one of the view's indexes (in the view's schema)."""
        return f'"{name}"' if self.schema is None else f'"{self.schema}"."{name}"'

    def drop_index(self, name: str) -> str:
        """Drops one of the view's indexes, by its exact name, if it exists."""
        return f"DROP INDEX IF EXISTS {self.index(name)}"

    @property
    def any_development(self) -> str:
        """A row if the view holds any development's version."""
        return self.render("SELECT 1 FROM {developments} LIMIT 1")

    @property
    def create_events(self) -> str:
        """Creates an events table shaped like SQLite's own (for the in-memory store)."""
        return self.render(_create(EVENTS, _TYPES["sqlite"], ""))

    def drop(self, names: tuple[str, ...]) -> list[str]:
        """Drops exactly the named tables of the view, if they exist."""
        return [f"DROP TABLE IF EXISTS {self.table(name)}" for name in names]

    # -- tracking: one template for every backend ---------------------------------

    @property
    def tracked(self) -> str:
        """The notification id processed for an application (no row: none)."""
        return self.render(
            "SELECT notification_id FROM {tracking} WHERE application_name = :application_name"
        )

    @property
    def track(self) -> str:
        """Moves a tracking on, only forwards; returns a row when it moved."""
        return self.render(
            "INSERT INTO {tracking} (application_name, notification_id) "
            "VALUES (:application_name, :notification_id) ON CONFLICT (application_name) "
            "DO UPDATE SET notification_id = :notification_id "
            "WHERE {tracking}.notification_id < :notification_id RETURNING notification_id"
        )

    # -- writing rows ---------------------------------------------------------------

    @functools.lru_cache(maxsize=32)  # noqa: B019  dialects are few and live for good
    def insert(self, table: str, *, ignore: bool = False) -> str:
        """Inserts rows of one table, in its columns' order (`ignore`: skip existing keys)."""
        return self.write(_insert(VIEW_TABLES[table], ignore=ignore))

    @functools.lru_cache(maxsize=32)  # noqa: B019  dialects are few and live for good
    def copy(self, table: str) -> tuple[str, tuple[str, ...]]:
        """PostgreSQL's binary COPY of rows into one table, and the types its columns go as."""
        columns = VIEW_TABLES[table].columns
        names = ", ".join(c.name for c in columns)
        statement = f"COPY {self.table(table)} ({names}) FROM STDIN (FORMAT BINARY)"
        return statement, tuple(COPY_TYPES[c.kind] for c in columns)

    @functools.lru_cache(maxsize=32)  # noqa: B019  dialects are few and live for good
    def insert_new(self, table: str) -> str:
        """PostgreSQL: inserts rows given as one array per column, skipping existing keys."""
        columns = VIEW_TABLES[table].columns
        arrays = ", ".join(f"%s::{_TYPES['postgresql'][c.kind]}[]" for c in columns)
        names = ", ".join(c.name for c in columns)
        return (
            f"INSERT INTO {self.table(table)} ({names}) SELECT * FROM unnest({arrays}) "
            "ON CONFLICT DO NOTHING"
        )

    @property
    def insert_events(self) -> str:
        """Inserts events, each with its notification id first, into an events table."""
        names = ", ".join(EVENTS.names)
        marks = ", ".join("?" for _ in EVENTS.names)
        return self.render(f"INSERT INTO {{events}} (rowid, {names}) VALUES (?, {marks})")

    @property
    def close_claims(self) -> str:
        return self.write(
            "UPDATE {claims} SET recorded_until = :n WHERE actor = :actor AND topic = :topic "
            "AND occurred_earliest = :oe AND occurred_latest = :ol AND dev_id = :dev_id "
            f"AND known_from = :known_from AND recorded_until = {RECORDED_FOREVER}"
        )

    @property
    def close_developments(self) -> str:
        return self.write(
            "UPDATE {developments} SET recorded_until = :n WHERE dev_id = :dev_id "
            f"AND known_from = :known_from AND recorded_until = {RECORDED_FOREVER}"
        )

    def clear(self) -> list[str]:
        """Empties every table but the tracking."""
        return [self.render(f"DELETE FROM {{{t}}}") for t in TABLES if t != "tracking"]

    def everything(self, table: str) -> str:
        """Every row of one table, its columns in row order."""
        return self.render(f"SELECT {', '.join(VIEW_TABLES[table].names)} FROM {{{table}}}")
