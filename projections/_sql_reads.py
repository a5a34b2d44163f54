"""The view's read statements: the as-of search, listings, pages and the store's own events.

`ReadStatements` is the reading half of `projections._sql.Dialect`, which extends it
with the tables, their names and the writes; each statement is rendered per dialect by
`Dialect.render`.  The as-of search is built from the columns `engine._rule` names for
its rule.
"""

from __future__ import annotations

import functools
from typing import Any

from timeline.engine import _rule as rule
from timeline.engine._rule import Scope
from timeline.projections._schema import CLAIMS, EVENTS, RELIABILITY_CODES

__all__ = ["LATEST_FIRST", "STORY", "ReadStatements", "current", "scoped"]

# The columns a claim is read by (stance second and rank fourth, as `lookups.claimed` reads;
# its span last, which its stored occurred text may stand for).
_CLAIMED_NAMES = ("dev_id", "stance", "occurred", rule.RANK, "occurred_earliest", "occurred_latest")
_CLAIMED = CLAIMS.listed(*_CLAIMED_NAMES)
# An event as read by stream: its notification id, stream, version, topic and state.
_STORED = f"{{event_id}}, {EVENTS.listed(*EVENTS.names)}"

STORY = ", ".join(rule.STORY_ORDER)
LATEST_FIRST = ", ".join(f"{column} DESC" for column in rule.STORY_ORDER)
# Search order (`rule.search_order`): higher rank first, then latest first; a
# deprecated claim never counts.
_SEARCH = f"{rule.RANK} DESC, {LATEST_FIRST}"
_COUNTS = rule.COUNTS
_PINNED = "recorded_from <= :pin AND recorded_until > :pin"


def current(alias: str = "") -> str:
    """The one version of a row held at (:known, :pin), its columns those of `alias`."""
    a = f"{alias}." if alias else ""
    known_from, known_until = rule.KNOWN_SPAN
    return (
        f"{a}{known_from} <= :known AND {a}{known_until} > :known "
        f"AND {a}recorded_from <= :pin AND {a}recorded_until > :pin"
    )


_CURRENT = current()


def scoped(scope: Scope, *, claims: bool = False) -> tuple[str, dict[str, Any]]:
    """The condition (to append to a WHERE) and parameters that keep a read in `scope`.

    A read of `developments` tests its own columns; one of `claims` (aliased `c`, with
    `:known` and `:pin`) tests those of the claim's version known then, which
    `developments` holds: a claim row does not repeat its version's source,
    reliability and reports.
    """
    parts: list[str] = []
    params: dict[str, Any] = {}
    for column, values, keep in (
        ("source_key", sorted(scope.without_sources), False),
        (
            "reliability",
            sorted(RELIABILITY_CODES[r.value] for r in scope.only_reliability or ()),
            True,
        ),
        ("dev_id", sorted(scope.without), False),
    ):
        if not values and not (keep and scope.only_reliability is not None):
            continue
        names = [f"{column}_{n}" for n in range(len(values))]
        params.update(zip(names, values, strict=True))
        marks = ", ".join(f":{name}" for name in names) or "NULL"
        parts.append(f"{column} {'IN' if keep else 'NOT IN'} ({marks})")
    if scope.min_reports > 1:
        parts.append("origins >= :min_reports")
        params["min_reports"] = scope.min_reports
    if claims:
        parts = [*(p for p in parts if p.startswith("dev_id")), *_of_version(parts)]
    return "".join(f" AND {part}" for part in parts), params


def _of_version(parts: list[str]) -> list[str]:
    """A claim's scope conditions on its version's columns, tested on that version's row
    (one search of `developments` by id); none if there are none."""
    tested = [f"v.{part}" for part in parts if not part.startswith("dev_id")]
    if not tested:
        return []
    known_from, known_until = rule.KNOWN_SPAN
    return [
        "EXISTS (SELECT 1 FROM {developments} v WHERE v.dev_id = c.dev_id "
        f"AND v.{known_from} <= :known AND v.{known_until} > :known "
        f"AND v.recorded_from <= :pin AND v.recorded_until > :pin AND {' AND '.join(tested)})"
    ]


def _named_by(marks: str, *, spanned: bool = False) -> str:
    """The ids of the developments naming one of the actors `marks` (overlapping
    [:first, :last] if `spanned`): claimants by their claim rows, searched by each of
    their pairs, and other actors by `mentions`."""
    mentioned = " AND occurred_latest >= :first AND occurred_earliest <= :last"
    claimed = " AND c.occurred_earliest <= :last AND c.occurred_latest >= :first"
    return (
        f"SELECT dev_id FROM {{mentions}} WHERE actor IN ({marks}){mentioned if spanned else ''} "
        "UNION ALL SELECT c.dev_id FROM {pairs} p JOIN {claims} c ON c.actor = p.actor "
        f"AND c.topic = p.topic WHERE p.actor IN ({marks}){claimed if spanned else ''}"
    )


def _by(possible: bool) -> str:
    """A claim or version counts by the day when its span ends (or, possibly, starts) by it."""
    return f"{rule.POSSIBLE_BY if possible else rule.CERTAIN_BY} <= :day"


class ReadStatements:
    """The view's read statements, for a dialect that renders them (`Dialect`)."""

    __slots__ = ()
    name: str  # `sqlite` or `postgresql`, as the dialect says

    def render(self, statement: str, *, positional: bool = False) -> str:
        """The statement rendered for the dialect (`Dialect.render`)."""
        raise NotImplementedError

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def run(self, possible: bool, scope: str = "", *, ranked: bool = False) -> str:
        """The claims on `:actor`/`:topic` that count at (:day, :known, :pin), latest first.

        `ranked` searches preferred claims first, as a pair with one needs; without
        it the search is one backwards scan of the primary key.
        """
        return self.render(
            f"SELECT {_CLAIMED} FROM {{claims}} c WHERE actor = :actor "
            f"AND topic = :topic AND occurred_earliest <= :day AND {_by(possible)} AND "
            f"{self.filtered(f'{_CURRENT} AND {_COUNTS}{scope}')} "
            f"ORDER BY {_SEARCH if ranked else LATEST_FIRST}"
        )

    def filtered(self, conditions: str) -> str:
        """`conditions`, which the key index cannot search by, as a search of the pair's
        claims in key order tests each row it reads (PostgreSQL: as one CASE).

        PostgreSQL's planner cannot see into a CASE, so it takes it for true on half the
        rows; as four range tests of values a prepared (generic) plan does not know, it
        took them for true on one row in 81, expected about one of the pair's claims to
        pass, and, once the tables had statistics, read all of them and sorted them rather
        than the latest few in key order (`docs/scale.md`, "Plans with statistics").
        """
        if self.name == "postgresql":
            return f"CASE WHEN {conditions} THEN true END"  # NULL, not true, when they fail
        return conditions

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def claims(self, scope: str = "") -> str:
        """Every claim on one pair known at :known as of :pin, in story order, ranked."""
        return self.render(
            f"SELECT {_CLAIMED} FROM {{claims}} c WHERE actor = :actor "
            f"AND topic = :topic AND {_CURRENT}{scope} ORDER BY {STORY}"
        )

    @property
    def topic_claims(self) -> str:
        """Every claim on each pair of :topic known at :known as of :pin, by actor, each
        pair's in story order: the pairs of the topic, then each one's claims by its key."""
        return self.render(
            f"SELECT p.actor, {_CLAIMED} FROM {{pairs}} p JOIN {{claims}} c "
            f"ON c.actor = p.actor AND c.topic = p.topic WHERE p.topic = :topic "
            f"AND {_CURRENT} ORDER BY p.actor, {STORY}"
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

    @property
    def claimed_by_day(self) -> str:
        """The developments that claim the pair in a version begun by :day, as of :pin:
        a range scan of the claims' primary key."""
        return self.render(
            "SELECT DISTINCT dev_id FROM {claims} WHERE actor = :actor AND topic = :topic "
            f"AND occurred_earliest <= :day AND {_PINNED} ORDER BY dev_id"
        )

    @property
    def claim_spans_by_day(self) -> str:
        """`claimed_by_day`'s claim rows themselves: each development's versions that claim
        the pair, with their story key, knowledge span, stance, occurred text and rank, and
        how many versions the development has in all (a search of its primary key)."""
        versions = (
            "SELECT COUNT(*) FROM {developments} v WHERE v.dev_id = c.dev_id "
            "AND v.recorded_from <= :pin AND v.recorded_until > :pin"
        )
        return self.render(
            "SELECT c.dev_id, c.occurred_earliest, c.occurred_latest, c.known_from, "
            f"c.known_until, c.stance, c.occurred, c.{rule.RANK}, ({versions}) "
            "FROM {claims} c WHERE c.actor = :actor AND c.topic = :topic "
            "AND c.occurred_earliest <= :day AND c.recorded_from <= :pin "
            "AND c.recorded_until > :pin"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def developments(self, counted: bool, possible: bool, scope: str = "") -> str:
        """The versions known at :known as of :pin in story order (counted: by :day too).

        Each row is the version's own state, or (as recorded) the topic and state
        of the event that recorded it.
        """
        by = f" AND {_by(possible)}" if counted else ""
        return self.render(
            f"SELECT d.state, {EVENTS.listed('topic', 'state', alias='e')} "
            "FROM {developments} d LEFT JOIN {events} e ON e.{event_id} = d.origin "
            f"WHERE {_CURRENT}{by}{scope} ORDER BY {STORY}"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def mentioning(self, count: int, counted: bool, possible: bool, scope: str = "") -> str:
        """`developments`, of those naming one of `count` actors (:actor_0, ...) as of :pin
        whose occurred span overlaps [:first, :last]: an index search by actor."""
        by = f" AND {_by(possible)}" if counted else ""
        marks = ", ".join(f":actor_{n}" for n in range(count))
        return self.render(
            f"SELECT d.state, {EVENTS.listed('topic', 'state', alias='e')} "
            "FROM {developments} d LEFT JOIN {events} e ON e.{event_id} = d.origin "
            f"WHERE {self._among(_named_by(marks, spanned=True))} "
            "AND d.occurred_latest >= :first AND "
            f"d.occurred_earliest <= :last AND {_CURRENT}{by}{scope} ORDER BY {STORY}"
        )

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def mentioning_both(self, count: int, others: int, scope: str = "") -> str:
        """`developments` of those naming one of `count` actors (:actor_0, ...) and one of
        `others` (:other_0, ...) as of :pin: two index searches by actor, intersected."""
        marks = ", ".join(f":actor_{n}" for n in range(count))
        other = ", ".join(f":other_{n}" for n in range(others))
        both = (
            f"SELECT dev_id FROM ({_named_by(marks)}) a "
            f"INTERSECT SELECT dev_id FROM ({_named_by(other)}) b"
        )
        return self.render(
            f"SELECT d.state, {EVENTS.listed('topic', 'state', alias='e')} "
            "FROM {developments} d LEFT JOIN {events} e ON e.{event_id} = d.origin "
            f"WHERE {self._among(both)} AND {_CURRENT}{scope} ORDER BY {STORY}"
        )

    def _among(self, ids: str) -> str:
        """The condition that a development `d` is among the ids a subquery gives.

        PostgreSQL: an array made once, each id then one search of `developments` by id.
        Given a union of two searches it cannot estimate (the view's tables have no
        statistics until analysed), its planner chose to read every development instead.
        """
        if self.name == "postgresql":
            return f"d.dev_id = ANY(ARRAY({ids}))"
        return f"d.dev_id IN ({ids})"

    def occurred(self, column: str) -> str:
        """The distinct `occurred_earliest` or `occurred_latest` of the versions known at
        :known as of :pin, and how many versions have each."""
        assert column in ("occurred_earliest", "occurred_latest")
        return self.render(
            f"SELECT {column}, COUNT(*) FROM {{developments}} WHERE {_CURRENT} GROUP BY {column}"
        )

    @property
    def knowledge_starts(self) -> str:
        """The distinct days on which a version of a development begins, as of :pin."""
        return self.render(f"SELECT DISTINCT known_from FROM {{developments}} WHERE {_PINNED}")

    @functools.lru_cache(maxsize=256)  # noqa: B019  dialects are few and live for good
    def paged(self, statement: str) -> str:
        """A `developments` or `mentioning` statement, of only the versions after the story
        key (:after_earliest, :after_latest, :after_id), the first :limit of them."""
        head, order = statement.rsplit(" ORDER BY ", 1)
        after = self.render(
            " AND (d.occurred_earliest > :after_earliest OR (d.occurred_earliest = "
            ":after_earliest AND (d.occurred_latest > :after_latest OR (d.occurred_latest = "
            ":after_latest AND d.dev_id > :after_id))))"
        )
        return f"{head}{after} ORDER BY {order} LIMIT {self.render(':limit')}"

    @property
    def registry(self) -> str:
        return self.render(
            "SELECT kind, state FROM {registry} WHERE notification_id > :after "
            "AND notification_id <= :pin ORDER BY notification_id"
        )

    # -- the store's own events, by development stream ---------------------------------

    @functools.lru_cache(maxsize=64)  # noqa: B019  dialects are few and live for good
    def streams_of(self, count: int, *, pinned: bool = False) -> str:
        """The events of `count` streams (:stream_0, ...; up to :pin if `pinned`), in order."""
        marks = ", ".join(f":stream_{n}" for n in range(count))
        pin = " AND {event_id} <= :pin" if pinned else ""
        return self.render(
            f"SELECT {_STORED} FROM {{events}} WHERE originator_id IN ({marks}){pin} "
            "ORDER BY {event_id}"
        )

    @functools.lru_cache(maxsize=4)  # noqa: B019  dialects are few and live for good
    def development_streams(self, *, corrected: bool = False, retracted: bool = False) -> str:
        """The events of every development stream up to :pin (`corrected`: of those corrected;
        `retracted`: of those with a retraction)."""
        kept = "topic IN ({topics}) AND {event_id} <= :pin"
        only = ""
        if retracted:
            only = f" AND originator_id IN ({self._later_events('topic IN ({retractions})')})"
        elif corrected:
            only = f" AND originator_id IN ({self._later_events('topic IN ({topics})')})"
        return self.render(
            f"SELECT {_STORED} FROM {{events}} WHERE {kept}{only} ORDER BY {{event_id}}"
        )

    def _later_events(self, condition: str) -> str:
        """The streams of the events after a stream's first, up to :pin, that meet
        `condition` (a correction is never a stream's first event)."""
        if self.name == "postgresql":
            return (
                f"SELECT originator_id FROM {{events}} WHERE {condition} "
                "AND {event_id} <= :pin AND originator_version > 1"
            )
        # SQLite finds the later events in the key index (stream, version), which holds
        # no event's state, then reads only their rows: `+` keeps it from walking the
        # whole table by rowid instead (0.3 s of CPU at a million developments).
        return (
            f"SELECT originator_id FROM {{events}} WHERE {condition} AND {{event_id}} IN "
            "(SELECT {event_id} FROM {events} WHERE originator_version > 1 "
            "AND +{event_id} <= :pin)"
        )
