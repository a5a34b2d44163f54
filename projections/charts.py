"""The data behind each chart: plain values a renderer draws and a test checks.

A topic's chart has one `Series` per actor: the `steps` of its position over story
time from `history(..., possible=True)` (so a step is `tentative` while the claim
behind it has only possibly occurred), the `bands` of the days within which each
change of stance may have happened (from the certain history: a change whose
`since` spans several days), and `markers` for retracted claims, placed where they
were once believed.  Open ends (`..`, year 1 or 9999) are never part of a chart's
`start`/`end`: a step or band that reaches one is flagged `open_start` instead.
A relations chart is one `Bar` per period of `relations(...)`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

import attrs
import pendulum

from timeline.engine._registry import Registry
from timeline.engine._replay import View
from timeline.engine._rule import Claimed, Entry, PairKey
from timeline.engine._uncollected import uncollected
from timeline.engine.corrections import Retraction
from timeline.engine.values import Stance
from timeline.engine.when import FIRST_DAY, LAST_DAY, When, WhenLike
from timeline.projections._chart_steps import pair_series
from timeline.projections._chart_values import Band, Marker, Series, Step
from timeline.projections._history import Change
from timeline.projections._relations import Relations
from timeline.projections._rows import versions

__all__ = [
    "Band",
    "Bar",
    "Comparison",
    "Marker",
    "Reads",
    "RelationsChart",
    "Series",
    "Step",
    "TopicChart",
    "comparison",
    "on_day",
    "relations_chart",
    "retracted_markers",
    "series",
    "topic_chart",
]


class Reads(Protocol):
    """The reads a chart needs; `timeline.Timeline` has them all."""

    @property
    def registry(self) -> Registry: ...

    def as_of(
        self, day: WhenLike, known_at: WhenLike | None = ..., *, possible: bool = ...
    ) -> View: ...

    def topic_claims(
        self, topic: str, *, known_at: WhenLike | None = ...
    ) -> dict[str, list[Claimed]]: ...

    def entries(self) -> list[Entry]: ...

    def corrections(
        self, known_at: WhenLike | None = ..., *, retracted: bool = ...
    ) -> list[Entry]: ...


def _retracted(reads: Reads) -> list[Entry]:
    """The entries with a retraction, by id: read by their own statement, not every entry."""
    return reads.corrections(retracted=True)


@attrs.frozen
class TopicChart:
    """Every actor's position on one topic over story time, as known at `known_at`."""

    topic: str
    description: str
    known_at: dt.date | None
    start: pendulum.Date
    end: pendulum.Date
    series: tuple[Series, ...]


@attrs.frozen
class Comparison:
    """The same topic's chart as known at `known_at` and as known now, on one time axis."""

    then: TopicChart
    now: TopicChart


@attrs.frozen
class Bar:
    """One period's cooperation (≥ 0), conflict (≤ 0) and score, with its developments."""

    label: str
    start: pendulum.Date
    end: pendulum.Date
    cooperation: float
    conflict: float
    score: float
    developments: tuple[str, ...]


@attrs.frozen
class RelationsChart:
    """Two actors' cooperation–conflict score per period."""

    a: str
    b: str
    by: str
    known_at: dt.date | None
    bars: tuple[Bar, ...]


def series(
    actor: str,
    name: str,
    index: int,
    possible: Sequence[Change],
    certain: Sequence[Change],
    markers: Iterable[Marker] = (),
) -> Series:
    """An actor's series from its history with and without `possible`, as known at one day.

    A step is tentative only where the certain history does not already hold its stance:
    a claim that may have happened, repeating what has certainly happened, casts no doubt.
    """
    steps: list[Step] = []
    days = [change.day for change in certain]
    for i, change in enumerate(possible):
        after = change.after
        if after is None:  # with fixed knowledge a position never ends; kept for safety
            continue
        end = possible[i + 1].day if i + 1 < len(possible) else None
        step = Step(change.day, end, after.stance, after.tentative, after.since, after.evidence)
        steps += _doubted(step, certain, days) if step.tentative else [step]
    bands = []
    for change in certain:
        after, before = change.after, change.before
        if after is None or (before is not None and before.stance == after.stance):
            continue
        start = min(after.since.earliest, change.day)
        if start < change.day:
            bands.append(Band(start, change.day, after.stance, change.causes))
    return Series(actor, name, index, tuple(steps), tuple(bands), tuple(markers))


def _certain_stance(
    certain: Sequence[Change], days: Sequence[dt.date], day: dt.date
) -> Stance | None:
    """The stance the certain history holds on `day`, or None when it holds none.

    `days` are the certain history's change days, in order (as it lists them).
    """
    at = bisect.bisect_right(days, day)
    after = certain[at - 1].after if at else None
    return None if after is None else after.stance


def _doubted(step: Step, certain: Sequence[Change], days: Sequence[pendulum.Date]) -> list[Step]:
    """`step` cut where the certain history changes, each piece tentative only where the
    certain history holds another stance (or none); adjacent pieces alike are joined."""
    first = bisect.bisect_right(days, step.start)
    last = len(days) if step.end is None else bisect.bisect_left(days, step.end)
    bounds = [step.start, *days[first:last]]
    pieces: list[Step] = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else step.end
        doubt = _certain_stance(certain, days, start) != step.stance
        if pieces and pieces[-1].tentative == doubt:
            pieces[-1] = attrs.evolve(pieces[-1], end=end)
        else:
            pieces.append(attrs.evolve(step, start=start, end=end, tentative=doubt))
    return pieces


def _retraction(entry: Entry, known_at: dt.date | None) -> Retraction | None:
    known = [r for r in entry.retractions if known_at is None or r.reported.latest <= known_at]
    return min(known, key=lambda r: (r.reported.latest, r.reported.earliest), default=None)


def retracted_markers(
    entries: Iterable[Entry], key: PairKey, known_at: dt.date | None = None
) -> tuple[Marker, ...]:
    """Markers for the claims on `key` retracted by `known_at`, as last believed before."""
    markers = []
    for entry in entries:
        retraction = _retraction(entry, known_at)
        if retraction is None:
            continue
        before = retraction.reported.latest - dt.timedelta(days=1)
        version = entry.as_known(before) if retraction.reported.latest > FIRST_DAY else None
        development = version or entry.development
        claim = next((c for c in development.claims if (c.actor, c.topic) == key), None)
        occurred = development.occurred
        day = occurred.latest if occurred.latest != LAST_DAY else occurred.earliest
        if claim is None or day in (FIRST_DAY, LAST_DAY):
            continue
        markers.append(
            Marker(
                day, occurred, claim.stance, development.id, retraction.reported, retraction.reason
            )
        )
    return tuple(sorted(markers, key=lambda m: (m.day, m.development)))


def _finite(days: Iterable[dt.date | None]) -> list[dt.date]:
    return [d for d in days if d is not None and d not in (FIRST_DAY, LAST_DAY)]


def _domain(charted: Iterable[Series], today: dt.date | None) -> tuple[pendulum.Date, ...]:
    days = []
    for one in charted:
        days += _finite(s.start for s in one.steps)
        days += _finite(d for b in one.bands for d in (b.start, b.end))
        days += _finite(m.day for m in one.markers)
    days += _finite([today])
    if not days:
        first = last = pendulum.Date(2000, 1, 1) if today is None else _date(today)
    else:
        first, last = _date(min(days)), _date(max(days))
    pad = max(15, (last - first).days // 12)
    start = first.subtract(days=pad) if first.year > 1 else first
    end = last.add(days=pad) if last.year < 9999 else last
    return start, end


def _date(day: dt.date) -> pendulum.Date:
    return pendulum.Date(day.year, day.month, day.day)


def _claimants(entry: Entry, topic: str) -> set[str]:
    """The actors claiming on `topic` in any version of the entry, as recorded or as known."""
    states = [entry.development, *(development for _, _, development in versions(entry))]
    return {claim.actor for state in states for claim in state.claims if claim.topic == topic}


def _known_day(known_at: WhenLike | None) -> dt.date | None:
    return None if known_at is None else When.coerce(known_at).latest


def topic_chart(
    reads: Reads,
    topic: str,
    *,
    known_at: WhenLike | None = None,
    day: WhenLike | None = None,
    entries: Sequence[Entry] | None = None,
) -> TopicChart:
    """Every actor's series on `topic` as known at `known_at`; `day` is kept in the domain."""
    with uncollected():  # hundreds of thousands of steps at scale, and no cycle
        return _topic_chart(reads, topic, known_at, day, entries)


def _topic_chart(
    reads: Reads,
    topic: str,
    known_at: WhenLike | None,
    day: WhenLike | None,
    entries: Sequence[Entry] | None,
) -> TopicChart:
    registry = reads.registry
    ident = registry.resolve("topic", topic)
    known = _known_day(known_at)
    retracted = _retracted(reads) if entries is None else [e for e in entries if e.retractions]
    charted = []
    # Each actor's claims, from the topic's claims read at once: the actors with a
    # series are those with a claim that counts, or a retracted one.
    claims = reads.topic_claims(ident, known_at=known)
    claimants = set(claims)
    claimants |= {
        claim.actor for e in retracted for claim in e.development.claims if claim.topic == ident
    }
    # Each actor's markers are searched among the retracted entries that claim for it
    # in some version, not among all of them: thousands at scale, for each actor.
    retracting: dict[str, list[Entry]] = {}
    for entry in retracted:
        for actor in _claimants(entry, ident):
            retracting.setdefault(actor, []).append(entry)
    for index, actor in enumerate(registry.actors):
        markers = retracted_markers(retracting.get(actor, ()), (actor, ident), known)
        if actor not in claimants:
            continue
        name = registry.actors[actor].name
        made = pair_series(actor, name, index, claims.get(actor, ()), markers)
        if made is not None:
            charted.append(made)
    start, end = _domain(charted, _known_day(day))
    description = registry.topics[ident].description
    return TopicChart(ident, description, known, start, end, tuple(charted))


def on_day(chart: TopicChart, day: WhenLike | None) -> TopicChart:
    """`chart` as `topic_chart(..., day=day)` makes it: only its domain depends on `day`,
    so a chart read once serves every day a page's slider asks for."""
    start, end = _domain(chart.series, _known_day(day))
    return attrs.evolve(chart, start=start, end=end)


def comparison(
    reads: Reads, topic: str, *, known_at: WhenLike, day: WhenLike | None = None
) -> Comparison:
    """The topic's chart as known at `known_at` beside the chart as known now."""
    entries = _retracted(reads)
    then = topic_chart(reads, topic, known_at=known_at, day=day, entries=entries)
    now = topic_chart(reads, topic, day=day, entries=entries)
    # One time axis for both, from the panels that have data: an empty panel (nothing
    # known yet) takes the other's span instead of stretching both to a default one.
    drawn = [chart for chart in (then, now) if chart.series] or [then, now]
    start, end = min(c.start for c in drawn), max(c.end for c in drawn)
    return Comparison(
        attrs.evolve(then, start=start, end=end), attrs.evolve(now, start=start, end=end)
    )


def relations_chart(relations: Relations) -> RelationsChart:
    """One bar per period of `relations`, in the same order."""
    bars = tuple(
        Bar(
            p.label,
            p.start,
            p.end,
            float(p.cooperation),
            float(p.conflict),
            float(p.score),
            p.developments,
        )
        for p in relations.periods
    )
    return RelationsChart(relations.a, relations.b, relations.by, relations.known_at, bars)
