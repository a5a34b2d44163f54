"""A deliberately plain model of the time model, written apart from the engine.

It keeps what was recorded in dictionaries and answers as-of questions by brute
force, straight from the rules below, so the engine can be checked against it.
It uses only the engine's value types (developments, revisions, retractions and
their `When` spans), never `engine._replay` or `engine._rule`; the engine states
the same rules in the docstring of `engine/_rule.py`.

For `as_of(D, known_at=K, possible)`:

- something is known at K when its `reported` span ends on or before K (no K:
  everything recorded is known);
- a development is as known at K: not known at all before its own report, gone
  once any of its retractions is known, and otherwise changed by every revision
  known at K, applied in order of the revision's reported span (latest day, then
  earliest day, then content);
- a development counts at D when its `occurred` span ends on or before D, or, with
  `possible`, starts on or before D;
- story order is occurred earliest day, then latest day, then development id;
- a claim's rank as known at K is that of the latest ranking known at K (by the
  ranking's reported span, latest day, then earliest day, then content) that
  names its (actor, topic) or ranks every claim of its development; normal when
  there is none;
- a development's further reports are known each from its own published day;
  with `min_reports` N, only developments whose known reports have at least N
  independent origins count (a report's origin is the outlet it repeats, else
  its publisher; case and spacing aside);
- for each (actor, topic), deprecated claims never count, and when a preferred
  claim counts only preferred claims count; of those, the latest counted claim
  in story order wins; `since` and `evidence` cover the unbroken run of its
  stance that ends in it, and the position is tentative when the winner's span
  has not ended by D.

`tests/naive_checks.py` holds the read models (history, diff, explain) to this
model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from timeline.engine import (
    Development,
    Rank,
    Ranking,
    Retraction,
    Revision,
    Source,
    Stance,
    When,
)

if TYPE_CHECKING:
    from timeline.engine import Position

Pair = tuple[str, str]
# A position as the model gives it: stance, since (EDTF text), evidence ids, tentative.
Held = tuple[Stance, str, tuple[str, ...], bool]
Answer = dict[Pair, Held]
# A change point: the day, the answer the day before (None on the first day), the answer.
NaiveChange = tuple[dt.date, Held | None, Held | None]

FIRST_DAY = dt.date(1, 1, 1)
LAST_DAY = dt.date(9999, 12, 31)
# What a revision may replace (the last seven came with event data's releases).
FIELDS = (
    *("occurred", "kind", "summary", "source", "claims", "actors", "targets"),
    *("occurred_as_written", "coded", "mode", "context", "weight"),
)
# The statuses `explain` gives the claims that count.
COUNTED = ("winner", "supporting", "beaten")
# The statuses `explain` gives the claims its ranks set aside.
RANKED_ASIDE = ("outranked", "deprecated")


def story_order(development: Development) -> tuple[dt.date, dt.date, str]:
    """Occurred earliest day, then latest day, then id."""
    return (development.occurred.earliest, development.occurred.latest, development.id)


def published(report: Source) -> When:
    """A further report's published day (every further report has one)."""
    assert report.published is not None
    return report.published


def independent(development: Development) -> int:
    """How many distinct origins the development's reports have."""
    told = (development.source, *development.reports)
    return len({" ".join((r.repeats or r.publisher).casefold().split()) for r in told})


def rank_on(development: Development, key: Pair) -> Rank:
    """The rank of the development's claim on (actor, topic), as it is known."""
    for claim in development.claims:
        if (claim.actor, claim.topic) == key:
            return claim.rank
    raise KeyError(key)


def stance_on(development: Development, key: Pair) -> Stance | None:
    """The development's stance on (actor, topic), or None when it claims none."""
    for claim in development.claims:
        if (claim.actor, claim.topic) == key:
            return claim.stance
    return None


def held(position: Position | None) -> Held | None:
    """An engine position in the model's terms."""
    if position is None:
        return None
    return (position.stance, position.since.text, position.evidence, position.tentative)


def held_all(positions: dict[Pair, Position]) -> Answer:
    """Engine positions by pair, in the model's terms."""
    return {key: (p.stance, p.since.text, p.evidence, p.tentative) for key, p in positions.items()}


@attrs.define
class NaiveStory:
    """Everything recorded, by development id."""

    originals: dict[str, Development] = attrs.field(factory=dict)
    revisions: dict[str, list[Revision]] = attrs.field(factory=dict)
    retractions: dict[str, list[Retraction]] = attrs.field(factory=dict)
    rankings: dict[str, list[Ranking]] = attrs.field(factory=dict)
    min_reports: int = 1  # the counterfactual: how many independent reports must carry one

    def record(self, development: Development) -> None:
        self.originals[development.id] = development
        self.revisions[development.id] = []
        self.retractions[development.id] = []
        self.rankings[development.id] = []

    def rank(self, dev_id: str, ranking: Ranking) -> None:
        """Keeps a ranking; the same one again changes nothing."""
        if ranking not in self.rankings[dev_id]:
            self.rankings[dev_id].append(ranking)

    def revise(self, dev_id: str, revision: Revision) -> None:
        """Keeps a revision; the same one again changes nothing."""
        if revision not in self.revisions[dev_id]:
            self.revisions[dev_id].append(revision)

    def retract(self, dev_id: str, retraction: Retraction) -> None:
        """Keeps a retraction; the same one again changes nothing."""
        if retraction not in self.retractions[dev_id]:
            self.retractions[dev_id].append(retraction)

    @classmethod
    def of(
        cls,
        recorded: Iterable[tuple[Development, Iterable[Revision], Iterable[Retraction]]],
    ) -> NaiveStory:
        """A model of developments given with their revisions and retractions."""
        model = cls()
        for development, revisions, retractions in recorded:
            model.record(development)
            for revision in revisions:
                model.revise(development.id, revision)
            for retraction in retractions:
                model.retract(development.id, retraction)
        return model

    # -- knowledge --------------------------------------------------------------

    def retracted(self, dev_id: str, known_at: dt.date | None) -> list[Retraction]:
        """The development's retractions known at `known_at`."""
        return [
            r for r in self.retractions[dev_id] if known_at is None or r.reported.latest <= known_at
        ]

    def current(self, dev_id: str, known_at: dt.date | None) -> Development | None:
        """The development as known at `known_at`, or None."""

        def known(day: dt.date) -> bool:
            return known_at is None or day <= known_at

        original = self.originals[dev_id]
        if not known(original.reported.latest):
            return None
        if any(known(r.reported.latest) for r in self.retractions[dev_id]):
            return None
        applied = sorted(
            (r for r in self.revisions[dev_id] if known(r.reported.latest)),
            key=lambda r: (r.reported.latest, r.reported.earliest, repr(r)),
        )
        result = original
        for revision in applied:
            for field in FIELDS:
                value = getattr(revision, field)
                if value is not None:
                    result = attrs.evolve(result, **{field: value})
            cleared: dict[str, Any] = dict.fromkeys(revision.cleared)
            result = attrs.evolve(result, **cleared)
        reports = tuple(r for r in result.reports if known(published(r).latest))
        result = attrs.evolve(result, reports=reports)
        ranked = []
        for claim in result.claims:
            rank = self.rank_of(dev_id, claim.actor, claim.topic, known_at)
            ranked.append(attrs.evolve(claim, rank=rank))
        return attrs.evolve(result, claims=tuple(ranked))

    def rank_of(self, dev_id: str, actor: str, topic: str, known_at: dt.date | None) -> Rank:
        """The rank of the development's claim on (actor, topic) as known at `known_at`."""
        known = [
            r
            for r in self.rankings[dev_id]
            if (known_at is None or r.reported.latest <= known_at)
            and (r.actor is None or (r.actor, r.topic) == (actor, topic))
        ]
        if not known:
            return Rank.NORMAL
        latest = max(known, key=lambda r: (r.reported.latest, r.reported.earliest, repr(r)))
        return latest.rank

    def knowledge_days(self, dev_id: str) -> list[dt.date]:
        """Every day on which something about the development became known, in order."""
        reports = [self.originals[dev_id].reported]
        reports += [r.reported for r in self.revisions[dev_id]]
        reports += [r.reported for r in self.retractions[dev_id]]
        reports += [r.reported for r in self.rankings[dev_id]]
        reports += [published(r) for r in self.originals[dev_id].reports]
        return sorted({report.latest for report in reports})

    def ever_known(self, dev_id: str) -> list[tuple[dt.date, Development]]:
        """Each day something became known, with the development as known from then on."""
        found = []
        for day in self.knowledge_days(dev_id):
            development = self.current(dev_id, day)
            if development is not None:
                found.append((day, development))
        return found

    def telling_days(self) -> list[dt.date]:
        """Every bounded day the records name: occurred ends and report days, in order."""
        spans = [d.occurred for d in self.originals.values()]
        spans += [r.occurred for rs in self.revisions.values() for r in rs if r.occurred]
        named: set[dt.date] = {day for span in spans for day in (span.earliest, span.latest)}
        named |= {day for dev_id in self.originals for day in self.knowledge_days(dev_id)}
        return sorted(day for day in named if FIRST_DAY < day < LAST_DAY)

    def story(self, known_at: dt.date | None) -> list[Development]:
        """Every development as known at `known_at`, in story order."""
        known = (self.current(dev_id, known_at) for dev_id in self.originals)
        kept = (d for d in known if d is not None and independent(d) >= self.min_reports)
        return sorted(kept, key=story_order)

    # -- as of a day --------------------------------------------------------------

    @staticmethod
    def counts(development: Development, day: dt.date, possible: bool) -> bool:
        """Whether the development counts at `day`."""
        certain = development.occurred.latest <= day
        maybe = development.occurred.earliest <= day
        return certain or (possible and maybe)

    def counted(self, day: dt.date, known_at: dt.date | None, possible: bool) -> list[Development]:
        """The developments that count at `day` as known at `known_at`, in story order."""
        return [d for d in self.story(known_at) if self.counts(d, day, possible)]

    def chain(
        self, key: Pair, day: dt.date, known_at: dt.date | None, possible: bool
    ) -> list[Development]:
        """The counted developments whose claims on `key` the ranks let count, in story order."""
        counted = self.counted(day, known_at, possible)
        claiming = [d for d in counted if stance_on(d, key) is not None]
        ranks = {d.id: rank_on(d, key) for d in claiming}
        kept = [d for d in claiming if ranks[d.id] is not Rank.DEPRECATED]
        if any(ranks[d.id] is Rank.PREFERRED for d in kept):
            kept = [d for d in kept if ranks[d.id] is Rank.PREFERRED]
        return kept

    def as_of(self, day: dt.date, known_at: dt.date | None, possible: bool) -> Answer:
        """Each (actor, topic): stance, since (EDTF text), evidence ids, tentative."""
        counted = self.counted(day, known_at, possible)
        answer: Answer = {}
        for key in {(c.actor, c.topic) for d in counted for c in d.claims}:
            chain = [(d, c) for d in self.chain(key, day, known_at, possible) for c in d.claims]
            chain = [(d, c) for d, c in chain if (c.actor, c.topic) == key]
            if not chain:
                continue  # every claim on the pair is deprecated
            stance = chain[-1][1].stance
            start = len(chain) - 1
            while start > 0 and chain[start - 1][1].stance == stance:
                start -= 1
            run = chain[start:]
            answer[key] = (
                stance,
                run[0][0].occurred.text,
                tuple(d.id for d, _ in run),
                not run[-1][0].occurred.latest <= day,
            )
        return answer

    def position(
        self, key: Pair, day: dt.date, known_at: dt.date | None, possible: bool
    ) -> Held | None:
        """One pair's answer, or None."""
        return self.as_of(day, known_at, possible).get(key)

    def history(self, key: Pair, known_at: dt.date | None, possible: bool) -> list[NaiveChange]:
        """Every day whose answer for `key` differs from the day before's.

        The answer on a day D depends on D only through `occurred.latest <= D` and
        `occurred.earliest <= D` of the developments known at `known_at`, so it can
        only change on one of those days: the model asks about each of them and
        the day before it, and keeps the days where the two differ.
        """
        candidates = sorted(
            {day for d in self.story(known_at) for day in (d.occurred.earliest, d.occurred.latest)}
        )
        changes: list[NaiveChange] = []
        for day in candidates:
            after = self.position(key, day, known_at, possible)
            if day == FIRST_DAY:
                before = None
            else:
                before = self.position(key, day - dt.timedelta(days=1), known_at, possible)
            if after != before:
                changes.append((day, before, after))
        return changes

    def listing(
        self,
        known_at: dt.date | None,
        *,
        actor: str | None = None,
        topic: str | None = None,
        period: When | None = None,
    ) -> list[Development]:
        """The story as known, keeping developments that name `actor` (as actor, target
        or claimant), claim on `topic`, or whose occurred span overlaps `period`."""
        chosen = []
        for development in self.story(known_at):
            named = {*development.actors, *development.targets}
            named |= {claim.actor for claim in development.claims}
            if actor is not None and actor not in named:
                continue
            if topic is not None and topic not in {claim.topic for claim in development.claims}:
                continue
            if period is not None and (
                development.occurred.latest < period.earliest
                or development.occurred.earliest > period.latest
            ):
                continue
            chosen.append(development)
        return chosen
