"""The materialised view's tables, each defined once: columns, types, key.

Every CREATE, INSERT, COPY and SELECT column list of the view is derived from
these definitions (`projections._sql` renders them per dialect), so a new column
is one edit here.  Rows are tuples in the order of a table's columns.

- `tracking`: the last notification id processed, by application name (the
  view's own: SQLite's `tracking` table name is fixed per file).
- `claims`: the stance claims of each version of each development, keyed
  (actor, topic, story order, known_from, recorded_from): an as-of lookup is one
  backwards range scan of the primary key.  A claim's source, reliability and
  reports are its version's, read from `developments` when a scope asks; its
  `occurred` text is empty when it is its span's plainest (`_rows.stored_claim`).
- `pairs`: every (actor, topic) ever claimed.
- `preferred`: every (actor, topic) with a preferred claim in any version.
- `developments`: each version of each development (what was known about it
  during `[known_from, known_until)`), indexed in story order too (for pages).
  A version that is the development as recorded keeps no copy of it: `origin`
  names the store's own event that holds it (and `state` is empty); any other
  version keeps its encoded `state` (and `origin` is 0).  No column is ever NULL:
  a PostgreSQL row with a NULL carries a bitmap that costs it 8 bytes.
- `registry`: every registered actor and topic.
- `mentions`: every (actor, occurred span, development id) where some version of
  the development names the actor as actor or target and not as claimant (a
  claimant's claim row holds its mention): listings and relations by actor (and
  period) search only those developments, by index.

The view keeps no copy of the events: a correction recomputes its development
from the store's own events table, read by stream.  A reliability is kept as its
small code (`RELIABILITY_CODES`), not its name.

PostgreSQL keeps `claims` and `developments` in heaps without a primary key: each
has one plain index on the leading columns every read and every close searches
by (`searched_by`), narrower than the whole key; rows are written exactly once
(their tracking says so), so no key needs checking.  SQLite keeps each table
clustered by its whole key.  Secondary `indexes` are built after the rows when a
catch-up fills an empty view (`projections._catchup`).
"""

from __future__ import annotations

import attrs

from timeline.engine import _rule as rule

__all__ = ["EVENTS", "RELIABILITY_CODES", "TABLES", "VIEW_TABLES", "Column", "Table"]

# Each reliability (`Reliability.value`) as the view stores it: 2 bytes, not its name.
RELIABILITY_CODES = {"official": 1, "named": 2, "anonymous": 3}

# `integer` holds 64 bits; `int4` 32 (a day's ordinal, a count, a notification id: see
# `_rows.RECORDED_FOREVER`); `int2` 16 (a stance, a rank).  SQLite stores every integer
# as small as its value; PostgreSQL stores each at its declared width, so narrow ones
# keep its rows small.
KINDS = ("text", "integer", "int4", "int2", "blob")


@attrs.frozen
class Column:
    """One column: its name and kind (`text`, `integer`, `int4`, `int2` or `blob`)."""

    name: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))


@attrs.frozen
class Table:
    """One table of the view: its columns in row order, and its primary key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # SQLite: a table keyed by its primary key alone (WITHOUT ROWID) keeps no
    # second copy of the key in an index of its own.
    clustered: bool = True
    # Further indexes, each a tuple of column names.
    indexes: tuple[tuple[str, ...], ...] = ()
    # PostgreSQL: no primary key, but a plain index on these leading key columns.
    searched_by: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.searched_by != self.key[: len(self.searched_by)]:
            raise ValueError(f"table {self.name}: searched_by must lead its key")
        unknown = set(self.key).union(*self.indexes) - set(self.names)
        if unknown:
            raise ValueError(f"table {self.name}: key columns {sorted(unknown)} are not columns")

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in row order."""
        return tuple(column.name for column in self.columns)

    def listed(self, *names: str, alias: str = "") -> str:
        """A column list for a SELECT, each name checked against the table's columns."""
        unknown = [name for name in names if name not in self.names]
        if unknown:
            raise ValueError(f"table {self.name} has no columns {unknown}")
        prefix = f"{alias}." if alias else ""
        return ", ".join(f"{prefix}{name}" for name in names)


def _columns(spec: str) -> tuple[Column, ...]:
    """Columns from `name kind, name kind, ...`."""
    return tuple(Column(*part.split()) for part in spec.split(","))


TRACKING = Table(
    "tracking", _columns("application_name text, notification_id integer"), ("application_name",)
)
CLAIMS = Table(
    "claims",
    _columns(
        "actor text, topic text, occurred_earliest int4, occurred_latest int4, "
        "dev_id text, known_from int4, known_until int4, stance int2, occurred text, "
        f"{rule.RANK} int2, recorded_from int4, recorded_until int4"
    ),
    ("actor", "topic", "occurred_earliest", "occurred_latest", "dev_id", "known_from",
     "recorded_from"),
    searched_by=("actor", "topic", "occurred_earliest", "occurred_latest", "dev_id"),
)  # fmt: skip
PAIRS = Table("pairs", _columns("actor text, topic text"), ("actor", "topic"))
PREFERRED = Table("preferred", _columns("actor text, topic text"), ("actor", "topic"))
DEVELOPMENTS = Table(
    "developments",
    _columns(
        "dev_id text, known_from int4, known_until int4, occurred_earliest int4, "
        "occurred_latest int4, source_key text, reliability int2, origins int4, "
        "state blob, origin int4, recorded_from int4, recorded_until int4"
    ),
    ("dev_id", "known_from", "recorded_from"),
    searched_by=("dev_id",),
    # Story order: a page of the listing walks it, reading only the page.
    indexes=(("occurred_earliest", "occurred_latest", "dev_id"),),
)
REGISTRY = Table(
    "registry",
    _columns("kind text, ident text, notification_id integer, state blob"),
    ("kind", "ident"),
)
# Every (actor, occurred span, development) where a version names the actor.
MENTIONS = Table(
    "mentions",
    _columns("actor text, occurred_latest int4, occurred_earliest int4, dev_id text"),
    ("actor", "occurred_latest", "occurred_earliest", "dev_id"),
)
VIEW_TABLES = {
    t.name: t for t in (TRACKING, CLAIMS, PAIRS, DEVELOPMENTS, REGISTRY, PREFERRED, MENTIONS)
}
TABLES = tuple(VIEW_TABLES)
# The shape of SQLite's own events table (eventsourcing's `stored_events`, whose
# rowid is the notification id): the in-memory store's view keeps its events in
# one, since they are not in SQL otherwise.
EVENTS = Table(
    "events",
    _columns("originator_id text, originator_version integer, topic text, state blob"),
    ("originator_id", "originator_version"),
    clustered=False,
)
