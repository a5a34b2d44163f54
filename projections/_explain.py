"""Explain a position: the developments behind it, the rule that chose it, and what it beat.

Every claim on the (actor, topic) that bears on the day is listed with its
status: the `winner`, the `supporting` claims of its unbroken run, the `beaten`
claims earlier in story order, and the claims that do not count — `outranked`
(normal, while a preferred claim counts), `deprecated` (ranked so), `uncertain`
(only possibly occurred), `unknown` (reported after the knowledge day) and
`retracted`.  Competing claims from different sources stay side by side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from timeline.engine._replay import fold_positions
from timeline.engine._rule import (
    EVERYTHING,
    Entry,
    Position,
    Scope,
    is_known,
    occurred_by,
    story_key_of,
)
from timeline.engine.corrections import Ranking
from timeline.engine.values import Development, Rank, Stance
from timeline.projections._rows import day_of, known_ordinal, versions
from timeline.projections.errors import QueryError

__all__ = ["Claim", "Explanation", "check_page", "explain"]

COUNTED = ("winner", "supporting", "beaten")


@attrs.frozen
class Claim:
    """One development's claim on the explained pair, and how it fared."""

    development: Development
    stance: Stance
    quote: str | None
    status: str
    reason: str


@attrs.frozen
class Explanation:
    """Why an actor held its position on a topic as of a day."""

    actor: str
    topic: str
    day: dt.date
    known_at: dt.date | None
    possible: bool
    position: Position | None
    rule: str
    claims: tuple[Claim, ...]

    @property
    def winner(self) -> Claim | None:
        """The claim that set the position, if any."""
        return next((c for c in self.claims if c.status == "winner"), None)

    @property
    def evidence(self) -> tuple[Development, ...]:
        """The developments of the winning run, in story order, latest last."""
        return tuple(c.development for c in self.claims if c.status in ("supporting", "winner"))

    @property
    def competing(self) -> tuple[Claim, ...]:
        """The claims that did not set the position: beaten, or not counted and why."""
        return tuple(c for c in self.claims if c.status not in ("supporting", "winner"))

    def latest(self, skip: int, limit: int) -> tuple[tuple[Claim, ...], int | None]:
        """Up to `limit` claims before the `skip` latest, in story order, and the `skip` of
        the page of earlier ones (None: there are none).

        The latest claims come first because the winner and its run end there: a page
        shows what set the position however long the pair's history is.
        """
        check_page(skip, limit)
        end = max(0, len(self.claims) - skip)
        start = max(0, end - limit)
        return self.claims[start:end], (len(self.claims) - start if start > 0 else None)


def check_page(skip: int, limit: int) -> None:
    """Raises `QueryError` unless a page skips 0 or more claims and shows 1 or more."""
    if skip < 0 or limit < 1:
        raise QueryError(f"a page skips 0 or more claims and shows 1 or more: {skip}, {limit}")


def _source(development: Development) -> str:
    source = development.source
    by = f", {source.attribution}" if source.attribution else ""
    return f"{source.publisher} ({source.reliability}{by})"


def _claim(development: Development, key: tuple[str, str]) -> tuple[Stance, str | None] | None:
    for claim in development.claims:
        if (claim.actor, claim.topic) == key:
            return claim.stance, claim.quote
    return None


def _uncounted(
    entry: Entry, key: tuple[str, str], day: dt.date, known_at: dt.date | None, possible: bool
) -> Claim | None:
    """The claim of a development that does not count at (day, known_at), and why."""
    known = entry.as_known(known_at)
    if known is not None:
        found = _claim(known, key)
        if found is None or occurred_by(known.occurred, day, possible=possible):
            return None
        if known.occurred.earliest > day:
            return None  # it lies after the day: no competitor yet
        reason = (
            f"it has only possibly occurred by {day} "
            f"({known.occurred} ends {known.occurred.latest})"
        )
        return Claim(known, *found, "uncertain", reason)
    shown, status, reason = _not_known(entry, known_at)
    if shown is None:
        return None
    found = _claim(shown, key)
    if found is None or not occurred_by(shown.occurred, day, possible=True):
        return None
    return Claim(shown, *found, status, reason)


def _not_known(entry: Entry, known_at: dt.date | None) -> tuple[Development | None, str, str]:
    # Shows a version that really was known at some time: the last one before a
    # retraction, or the first one reported after the knowledge day.
    at = known_ordinal(known_at)
    spans = versions(entry)
    retracted = [r for r in entry.retractions if is_known(r.reported, known_at)]
    earlier = [development for _, until, development in spans if until <= at]
    if retracted and earlier:
        first = min(retracted, key=lambda r: r.reported.latest)
        return earlier[-1], "retracted", f"retracted ({first.reported}: {first.reason})"
    later = [(start, development) for start, _, development in spans if start > at]
    if later:
        start, development = later[0]
        when = day_of(start)
        return development, "unknown", f"known only from {when}, after the knowledge day {known_at}"
    return None, "", ""


def _rank(development: Development, key: tuple[str, str]) -> Rank:
    return next(c.rank for c in development.claims if (c.actor, c.topic) == key)


def _why(ranking: Ranking) -> str:
    by = f", on the grounds of {ranking.by!r}" if ranking.by else ""
    return f"ranked {ranking.rank} ({ranking.reported}: {ranking.reason}{by})"


def _ranked(
    story: list[Development],
    key: tuple[str, str],
    entries: dict[str, Entry],
    known_at: dt.date | None,
) -> tuple[list[Development], list[Claim]]:
    """The claims the rule searches, and those its ranks set aside (deprecated, outranked)."""
    ranks = {d.id: _rank(d, key) for d in story}
    preferred = any(rank is Rank.PREFERRED for rank in ranks.values())
    searched: list[Development] = []
    aside: list[Claim] = []
    for development in story:
        rank = ranks[development.id]
        stance, quote = _claim(development, key) or (Stance.UNDECIDED, None)
        if rank is Rank.DEPRECATED:
            ranking = entries[development.id].ranking_of(*key, known_at)
            assert ranking is not None  # a claim is deprecated only by a known ranking
            why = _why(ranking)
            aside.append(Claim(development, stance, quote, "deprecated", f"{why}; never counts"))
        elif preferred and rank is Rank.NORMAL:
            reason = "a preferred claim counts, so normal claims do not"
            aside.append(Claim(development, stance, quote, "outranked", reason))
        else:
            searched.append(development)
    return searched, aside


def _ranks(story: list[Development], key: tuple[str, str]) -> str:
    ranks = [_rank(d, key) for d in story]
    if Rank.PREFERRED not in ranks and Rank.DEPRECATED not in ranks:
        return ""
    return (
        " Ranks count first: deprecated claims never count and, when a preferred claim "
        "counts, only preferred claims do."
    )


def _counted(
    story: list[Development], key: tuple[str, str], position: Position | None
) -> list[Claim]:
    if position is None:
        return []
    winner = story[-1]
    claims: list[Claim] = []
    for development in story:
        stance, quote = _claim(development, key) or (position.stance, None)
        if development.id == winner.id:
            status, reason = "winner", "the latest claim in story order that counts"
        elif development.id in position.evidence:
            status = "supporting"
            reason = f"same stance as the winner, in its unbroken run since {position.since}"
        else:
            status = "beaten"
            reason = (
                f"earlier in story order ({development.occurred}) than the winner "
                f"{winner.id!r} ({winner.occurred})"
                + ("" if stance == position.stance else f"; its stance {stance} was overtaken")
            )
        claims.append(
            Claim(development, stance, quote, status, f"{reason}; {_source(development)}")
        )
    return claims


def _run(story: list[Development], position: Position) -> str:
    run = [d for d in story if d.id in position.evidence]
    named = ", ".join(f"{d.id!r} ({d.occurred})" for d in run)
    return f"{len(run)} consecutive claim{'s' if len(run) != 1 else ''}: {named}"


def _rule(
    key: tuple[str, str],
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
    story: list[Development],
    position: Position | None,
    claiming: int,
) -> str:
    occurred = "had at least possibly occurred" if possible else "had certainly occurred"
    knowledge = f"were known on {known_at}" if known_at is not None else "have been recorded"
    scope = f"claims by {key[0]} on {key[1]} that {occurred} by {day} and {knowledge}"
    if position is None and claiming:
        return f"There is no position: the {claiming} {scope} are all deprecated."
    if position is None:
        return f"There is no position: no {scope}."
    winner = story[-1]
    text = (
        f"Of the {len(story)} {scope}, the latest in story order wins (story order is "
        f"occurred earliest day, then latest day, then id; never the order of recording). "
        f"The winner is {winner.id!r} ({winner.occurred}, {winner.kind}, reported by "
        f"{_source(winner)}): {position.stance}. That stance has held since "
        f"{position.since}, through {_run(story, position)}."
    )
    if position.tentative:
        text += f" It is tentative: {winner.id!r} has only possibly occurred by {day}."
    return text


def explain(
    entries: Iterable[Entry],
    actor: str,
    topic: str,
    day: dt.date,
    *,
    known_at: dt.date | None = None,
    possible: bool = False,
    scope: Scope = EVERYTHING,
) -> Explanation:
    """Explains (actor, topic) as of `day`, as known at `known_at`, counting what `scope` does.

    `entries` may be every entry of the store or any superset of those that
    claim the pair in some version; the answer only depends on the latter.  A
    development `scope` leaves out (judged by its version as known, else as
    recorded) is left out of the explanation, as if it had never been recorded.
    """
    key = (actor, topic)
    relevant = [e for e in entries if _ever_claims(e, key) and _in_scope(e, known_at, scope)]
    story: list[Development] = []
    for entry in relevant:
        known = entry.as_known(known_at)
        if (
            known is not None
            and _claim(known, key)
            and occurred_by(known.occurred, day, possible=possible)
        ):
            story.append(known)
    story.sort(key=story_key_of)
    position = fold_positions(story, day, possible=possible).get(key)
    searched, claims = _ranked(story, key, {e.id: e for e in relevant}, known_at)
    claims += _counted(searched, key, position)
    for entry in relevant:
        other = _uncounted(entry, key, day, known_at, possible)
        if other is not None:
            claims.append(other)
    claims.sort(key=lambda c: story_key_of(c.development))
    rule = _rule(key, day, known_at, possible, searched, position, len(story)) + _ranks(story, key)
    return Explanation(actor, topic, day, known_at, possible, position, rule, tuple(claims))


def _in_scope(entry: Entry, known_at: dt.date | None, scope: Scope) -> bool:
    if scope.everything:
        return True
    known = entry.as_known(known_at)
    return scope.admits(known if known is not None else entry.development)


def _ever_claims(entry: Entry, key: tuple[str, str]) -> bool:
    # Exactly the developments with a claim row for the pair in the materialised view.
    return any(_claim(development, key) is not None for _, _, development in versions(entry))
