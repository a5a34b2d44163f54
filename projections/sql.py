"""Every statement of the materialised view, built once for each SQL dialect.

The view's tables live beside the events (the same SQLite file, or the same
PostgreSQL schema), each named exactly (`positions_claims`, ...), and only those
names are ever created, cleared or dropped.  Statements are written once, with
`{table}` names and `:name` parameters, and rendered per dialect; the as-of
search is built from the columns `engine.rule` names for its rule.

Tables:

- `tracking`: the last notification id processed, by application name (the
  view's own: SQLite's `tracking` table name is fixed per file).
- `streams`: a copy of each development stream's stored events, so a correction
  recomputes its development without reading the application's events.
- `claims`: the stance claims of each version of each development, keyed
  (actor, topic, story order, known_from, recorded_from): an as-of lookup is one
  backwards range scan of the primary key.
- `pairs`: every (actor, topic) ever claimed.
- `preferred`: every (actor, topic) with a preferred claim in any version: only
  their lookups search by rank first, which costs a sort of the pair's claims.
- `developments`: each version of each development (what was known about it
  during `[known_from, known_until)`), for listings, relations and exports.
- `registry`: every registered actor and topic.
- `mentions`: every (actor, occurred span, development id) where some version of
  the development names the actor (as actor, target or claimant) and occurred in
  that span: listings and relations by actor (and period) search only those
  developments by index, so their cost follows the answer, not the store.

Rows carry the notification ids `[recorded_from, recorded_until)` during which
they were current: they are closed, never deleted, when a later event replaces
them, so a read pinned at a notification id is stable while the view moves on.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs

from timeline.engine import rule
from timeline.engine.errors import StoreError
from timeline.engine.rule import Scope

__all__ = ["FORMER_TABLES", "SCHEMA", "TABLES", "Dialect", "scoped"]

# The version of the tables below, kept in the tracking table under `SCHEMA_ROW`.
SCHEMA = 7
SCHEMA_ROW = "__schema__"
PREFIX = "positions_"
TABLES = (
    "tracking",
    "streams",
    "claims",
    "pairs",
    "developments",
    "registry",
    "preferred",
    "mentions",
)
# Tables of earlier schema versions, dropped by exact name when the view is rebuilt.
FORMER_TABLES = ("tracking", "streams", "claims", "pairs")
RECORDED_FOREVER = 2**62

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _create(blob: str, integer: str, without_rowid: str) -> tuple[str, ...]:
    return (
        "CREATE TABLE IF NOT EXISTS {tracking} (application_name TEXT PRIMARY KEY, "
        f"notification_id {integer}){without_rowid}",
        "CREATE TABLE IF NOT EXISTS {streams} ("
        f"notification_id {integer} PRIMARY KEY, stream {blob}, version {integer}, "
        f"topic TEXT, state {blob})",
        "CREATE UNIQUE INDEX IF NOT EXISTS {streams_by_id} ON {streams} (stream, version)",
        "CREATE TABLE IF NOT EXISTS {claims} ("
        f"actor TEXT, topic TEXT, occurred_earliest {integer}, occurred_latest {integer}, "
        f"dev_id TEXT, known_from {integer}, recorded_from {integer}, "
        f"known_until {integer}, recorded_until {integer}, stance {integer}, occurred TEXT, "
        f"source_key TEXT, reliability TEXT, {rule.RANK} {integer}, "
        "PRIMARY KEY (actor, topic, occurred_earliest, occurred_latest, dev_id, "
        f"known_from, recorded_from)){without_rowid}",
        "CREATE TABLE IF NOT EXISTS {pairs} (actor TEXT, topic TEXT, "
        f"PRIMARY KEY (actor, topic)){without_rowid}",
        "CREATE TABLE IF NOT EXISTS {developments} ("
        f"dev_id TEXT, known_from {integer}, recorded_from {integer}, "
        f"known_until {integer}, recorded_until {integer}, "
        f"occurred_earliest {integer}, occurred_latest {integer}, "
        f"source_key TEXT, reliability TEXT, state {blob}, "
        "UNIQUE (dev_id, known_from, recorded_from))",
        "CREATE TABLE IF NOT EXISTS {registry} (kind TEXT, ident TEXT, "
        f"notification_id {integer}, state {blob}, PRIMARY KEY (kind, ident))",
        "CREATE TABLE IF NOT EXISTS {preferred} (actor TEXT, topic TEXT, "
        f"PRIMARY KEY (actor, topic)){without_rowid}",
        f"CREATE TABLE IF NOT EXISTS {{mentions}} (actor TEXT, occurred_latest {integer}, "
        f"occurred_earliest {integer}, dev_id TEXT, PRIMARY KEY (actor, occurred_latest, "
        f"occurred_earliest, dev_id)){without_rowid}",
    )


_ORDER = ", ".join(rule.STORY_ORDER)
_LATEST_FIRST = ", ".join(f"{column} DESC" for column in rule.STORY_ORDER)
# Search order (`rule.search_order`): higher rank first, then latest first; a
# deprecated claim never counts.
_SEARCH = f"{rule.RANK} DESC, {_LATEST_FIRST}"
_COUNTS = f"{rule.RANK} >= 0"
_KNOWN = f"{rule.KNOWN_SPAN[0]} <= :known AND {rule.KNOWN_SPAN[1]} > :known"
_PINNED = "recorded_from <= :pin AND recorded_until > :pin"
_CURRENT = f"{_KNOWN} AND {_PINNED}"


def scoped(scope: Scope) -> tuple[str, dict[str, Any]]:
    """The condition (to append to a WHERE) and parameters that keep a read in `scope`."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for column, values, keep in (
        ("source_key", sorted(scope.without_sources), False),
        ("reliability", sorted(r.value for r in scope.only_reliability or ()), True),
        ("dev_id", sorted(scope.without), False),
    ):
        if not values and not (keep and scope.only_reliability is not None):
            continue
        names = [f"{column}_{n}" for n in range(len(values))]
        params.update(zip(names, values, strict=True))
        marks = ", ".join(f":{name}" for name in names) or "NULL"
        parts.append(f"{column} {'IN' if keep else 'NOT IN'} ({marks})")
    return "".join(f" AND {part}" for part in parts), params


def _by(possible: bool) -> str:
    """A claim or version counts by the day when its span ends (or, possibly, starts) by it."""
    return f"{rule.POSSIBLE_BY if possible else rule.CERTAIN_BY} <= :day"


@attrs.frozen
class Dialect:
    """The view's statements for one database: `sqlite` or `postgresql` (with a schema)."""

    name: str
    schema: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.schema is not None and not _IDENTIFIER.fullmatch(self.schema):
            raise StoreError(
                f"schema name {self.schema!r}: expected letters, digits and underscores, "
                "starting with a letter or underscore (at most 63)"
            )

    def table(self, name: str) -> str:
        """The exact, quoted name of one of the view's tables (or indexes)."""
        if self.schema is None or name.endswith("_by_id"):
            return f'"{PREFIX}{name}"'
        return f'"{self.schema}"."{PREFIX}{name}"'

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def render(self, statement: str, *, positional: bool = False) -> str:
        """The statement with table names filled in and parameters in the driver's style.

        Named `:name` parameters take a mapping; `positional` ones take a sequence
        in the order the names appear (each name once), for bulk writes.
        """
        names = {t: self.table(t) for t in (*TABLES, "streams_by_id")}
        text = statement.format(**names)
        if positional:
            mark = "%s" if self.name == "postgresql" else "?"
            return re.sub(r"(?<!:):\w+", mark, text)
        if self.name == "postgresql":
            text = re.sub(r"(?<!:):(\w+)", r"%(\1)s", text)
        return text

    def write(self, statement: str) -> str:
        """A bulk-write statement: positional parameters, in the order written."""
        return self.render(statement, positional=True)

    @property
    def create(self) -> list[str]:
        """The statements that create the view's tables."""
        if self.name == "postgresql":
            return [self.render(s) for s in _create("bytea", "bigint", "")]
        return [self.render(s) for s in _create("BLOB", "INTEGER", " WITHOUT ROWID")]

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

    @property
    def insert_streams(self) -> str:
        return self.write("INSERT INTO {streams} VALUES (:n, :stream, :version, :topic, :state)")

    @property
    def close_claims(self) -> str:
        return self.write(
            "UPDATE {claims} SET recorded_until = :n WHERE actor = :actor AND topic = :topic "
            "AND occurred_earliest = :oe AND occurred_latest = :ol AND dev_id = :dev_id "
            f"AND known_from = :known_from AND recorded_until = {RECORDED_FOREVER}"
        )

    @property
    def insert_claims(self) -> str:
        return self.write(
            "INSERT INTO {claims} (actor, topic, occurred_earliest, occurred_latest, dev_id, "
            "known_from, known_until, stance, occurred, source_key, reliability, rank, "
            "recorded_from, recorded_until) "
            "VALUES (:actor, :topic, :oe, :ol, :dev_id, :known_from, :known_until, :stance, "
            ":occurred, :source_key, :reliability, :rank, :n, :until)"
        )

    @property
    def insert_pairs(self) -> str:
        return self.write("INSERT INTO {pairs} VALUES (:actor, :topic) ON CONFLICT DO NOTHING")

    @property
    def insert_preferred(self) -> str:
        return self.write("INSERT INTO {preferred} VALUES (:actor, :topic) ON CONFLICT DO NOTHING")

    @property
    def close_developments(self) -> str:
        return self.write(
            "UPDATE {developments} SET recorded_until = :n WHERE dev_id = :dev_id "
            f"AND known_from = :known_from AND recorded_until = {RECORDED_FOREVER}"
        )

    @property
    def insert_developments(self) -> str:
        return self.write(
            "INSERT INTO {developments} (dev_id, known_from, known_until, occurred_earliest, "
            "occurred_latest, source_key, reliability, state, recorded_from, recorded_until) "
            "VALUES (:dev_id, :known_from, :known_until, :oe, :ol, :source_key, :reliability, "
            ":state, :n, :until)"
        )

    @property
    def insert_mentions(self) -> str:
        return self.write(
            "INSERT INTO {mentions} VALUES (:actor, :ol, :oe, :dev_id) ON CONFLICT DO NOTHING"
        )

    @property
    def insert_registry(self) -> str:
        # The first registration of an id stands; a later one can only repeat it.
        return self.write(
            "INSERT INTO {registry} VALUES (:kind, :ident, :n, :state) ON CONFLICT DO NOTHING"
        )

    def clear(self) -> list[str]:
        """Empties every table but the tracking."""
        return [self.render(f"DELETE FROM {{{t}}}") for t in TABLES if t != "tracking"]

    # -- reading --------------------------------------------------------------------

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def run(self, possible: bool, scope: str = "", *, ranked: bool = False) -> str:
        """The claims on `:actor`/`:topic` that count at (:day, :known, :pin), latest first.

        `ranked` searches preferred claims first, as a pair with one needs; without
        it the search is one backwards scan of the primary key.
        """
        return self.render(
            f"SELECT dev_id, stance, occurred, {rule.RANK} FROM {{claims}} WHERE actor = :actor "
            f"AND topic = :topic AND occurred_earliest <= :day AND {_by(possible)} AND "
            f"{_CURRENT} AND {_COUNTS}{scope} ORDER BY {_SEARCH if ranked else _LATEST_FIRST}"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def runs(self, possible: bool, limit: int, scope: str = "", *, listed: bool = False) -> str:
        """The latest `limit` counted claims of every pair, in one statement (PostgreSQL).

        `listed` reads only the pairs given as the arrays `:actors` and `:topics`.
        """
        pairs = (
            "unnest(:actors::text[], :topics::text[]) p(actor, topic)" if listed else "{pairs} p"
        )
        return self.render(
            f"SELECT p.actor, p.topic, c.dev_id, c.stance, c.occurred, c.rank FROM {pairs} "
            f"CROSS JOIN LATERAL (SELECT dev_id, stance, occurred, {rule.RANK} FROM {{claims}} "
            "WHERE actor = p.actor AND topic = p.topic AND occurred_earliest <= :day AND "
            f"{_by(possible)} AND {_CURRENT} AND {_COUNTS}{scope} ORDER BY {_LATEST_FIRST} "
            f"LIMIT {limit}) c ORDER BY p.actor, p.topic"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def claims(self, scope: str = "") -> str:
        """Every claim on one pair known at :known as of :pin, in story order, ranked."""
        return self.render(
            f"SELECT dev_id, stance, occurred, {rule.RANK} FROM {{claims}} WHERE actor = :actor "
            f"AND topic = :topic AND {_CURRENT}{scope} ORDER BY {_ORDER}"
        )

    @property
    def pairs(self) -> str:
        return self.render("SELECT actor, topic FROM {pairs} ORDER BY actor, topic")

    @property
    def preferred(self) -> str:
        """Every pair with a preferred claim in some version."""
        return self.render("SELECT actor, topic FROM {preferred}")

    @property
    def claimed_by(self) -> str:
        """The developments that claim the pair in any version, as of :pin."""
        return self.render(
            "SELECT DISTINCT dev_id FROM {claims} WHERE actor = :actor AND topic = :topic "
            f"AND {_PINNED} ORDER BY dev_id"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def developments(self, counted: bool, possible: bool, scope: str = "") -> str:
        """The versions known at :known as of :pin in story order (counted: by :day too)."""
        by = f" AND {_by(possible)}" if counted else ""
        return self.render(
            f"SELECT state FROM {{developments}} WHERE {_CURRENT}{by}{scope} ORDER BY {_ORDER}"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def mentioning(self, count: int, counted: bool, possible: bool, scope: str = "") -> str:
        """`developments`, of those naming one of `count` actors (:actor_0, ...) as of :pin
        whose occurred span overlaps [:first, :last]: an index search by actor."""
        by = f" AND {_by(possible)}" if counted else ""
        marks = ", ".join(f":actor_{n}" for n in range(count))
        return self.render(
            "SELECT state FROM {developments} WHERE dev_id IN (SELECT dev_id FROM {mentions} "
            f"WHERE actor IN ({marks}) AND occurred_latest >= :first AND occurred_earliest "
            "<= :last) AND occurred_latest >= :first AND "
            f"occurred_earliest <= :last AND {_CURRENT}{by}{scope} ORDER BY {_ORDER}"
        )

    @property
    def registry(self) -> str:
        return self.render(
            "SELECT kind, state FROM {registry} WHERE notification_id > :after "
            "AND notification_id <= :pin ORDER BY notification_id"
        )

    @property
    def stream(self) -> str:
        return self.render(
            "SELECT version, topic, state FROM {streams} WHERE stream = :stream ORDER BY version"
        )

    @functools.lru_cache(maxsize=64)  # noqa: B019  dialects are few and live for good
    def streams_of(self, count: int) -> str:
        """The stored events of `count` streams (:stream_0, ...), by stream and version."""
        marks = ", ".join(f":stream_{n}" for n in range(count))
        return self.render(
            "SELECT stream, version, topic, state FROM {streams} "
            f"WHERE stream IN ({marks}) ORDER BY stream, version"
        )

    @property
    def streams(self) -> str:
        return self.render(
            "SELECT stream, version, topic, state FROM {streams} WHERE notification_id <= :pin "
            "ORDER BY notification_id"
        )
