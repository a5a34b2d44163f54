"""Shared Hypothesis strategies: EDTF texts, days, and small random stories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import pendulum
from hypothesis import strategies as st

from timeline import Branch, Timeline
from timeline.engine import (
    Actor,
    Development,
    Kind,
    Rank,
    Ranking,
    Reliability,
    Retraction,
    Revision,
    Source,
    Stance,
    StanceClaim,
    Topic,
    When,
)
from timeline.engine._cameo import CROSSWALK
from timeline.engine._coding import OLDER_TYPES, PLOVER_TYPES

ACTORS = ("TUR", "USA", "RUS", "USA.STATE", "RUS.KREMLIN")
TOPICS = ("s400-purchase", "patriot-sale", "f35-participation")
PAIRS = tuple((actor, topic) for actor in ACTORS for topic in TOPICS)
# A small pool of ids makes collisions (duplicates, revisions of known ids) likely.
DEV_IDS = tuple(f"dev-{n}" for n in range(12))

FIRST_YEAR, LAST_YEAR = 2016, 2020


def registry_actors() -> list[Actor]:
    """The actors every generated story may mention."""
    return [Actor(ident, f"Actor {ident}") for ident in ACTORS]


def registry_topics() -> list[Topic]:
    """The topics every generated story may mention."""
    return [Topic(ident, f"Topic {ident}") for ident in TOPICS]


def days(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> st.SearchStrategy[pendulum.Date]:
    """Calendar days between the first and last year, as pendulum dates."""
    return st.dates(dt.date(first, 1, 1), dt.date(last, 12, 31)).map(
        lambda d: pendulum.Date(d.year, d.month, d.day)
    )


@st.composite
def point_texts(draw: st.DrawFn, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    """Canonical EDTF text of one date: a day, month, season, year or decade."""
    year = draw(st.integers(first, last))
    shape = draw(st.sampled_from(["day", "month", "season", "year", "decade", "xmonth"]))
    if shape == "day":
        day = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        text = day.isoformat()
    elif shape == "month":
        text = f"{year:04d}-{draw(st.integers(1, 12)):02d}"
    elif shape == "season":
        text = f"{year:04d}-{draw(st.integers(21, 24))}"
    elif shape == "decade":
        text = f"{year // 10:03d}X"
    elif shape == "xmonth":
        text = f"{year:04d}-XX"
    else:
        text = f"{year:04d}"
    return text + draw(st.sampled_from(["", "", "", "~", "?", "%"]))


@st.composite
def edtf_texts(draw: st.DrawFn, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    """Canonical EDTF text: a single date, or an interval with at most one open end."""
    if draw(st.booleans()):
        return draw(point_texts(first, last))
    a, b = draw(point_texts(first, last)), draw(point_texts(first, last))
    start, end = sorted([a, b], key=lambda text: When(text.rstrip("?~%")).earliest)
    if When(start.rstrip("?~%")).earliest > When(end.rstrip("?~%")).latest:
        return start
    ends = draw(st.sampled_from(["both", "both", "open start", "unknown start", "open end"]))
    if ends == "open start":
        start = ".."
    elif ends == "unknown start":
        start = ""
    elif ends == "open end":
        end = ".."
    return f"{start}/{end}"


def whens(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> st.SearchStrategy[When]:
    """`When` values drawn from canonical EDTF texts."""
    return edtf_texts(first, last).map(When)


def bounded_whens() -> st.SearchStrategy[When]:
    """`When` values with both ends known (usable as report dates and anchors)."""
    return whens().filter(lambda w: w.is_bounded)


def sources() -> st.SearchStrategy[Source]:
    """A source with any reliability."""
    return st.builds(
        Source,
        publisher=st.sampled_from(["Sputnik", "Bloomberg", "Reuters"]),
        reliability=st.sampled_from(Reliability),
        attribution=st.none() | st.sampled_from(["two unnamed sources", "a spokesman"]),
        repeats=st.none() | st.sampled_from(["Reuters", "AP"]),
    )


@st.composite
def further_reports(draw: st.DrawFn, reported: When) -> tuple[Source, ...]:
    """Further reports of a development reported on `reported`: dated on or after it."""
    found = draw(st.lists(sources(), max_size=2, unique_by=lambda s: s.publisher))
    days = draw(st.lists(st.integers(0, 400), min_size=len(found), max_size=len(found)))
    latest = reported.latest
    return tuple(
        attrs.evolve(report, published=When((latest + dt.timedelta(days)).isoformat()))
        for report, days in zip(found, days, strict=True)
    )


@st.composite
def claim_sets(draw: st.DrawFn) -> tuple[StanceClaim, ...]:
    """Stance claims with at most one per (actor, topic)."""
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS)),
            max_size=3,
            unique=True,
        )
    )
    return tuple(StanceClaim(actor, topic, draw(st.sampled_from(Stance))) for actor, topic in pairs)


@st.composite
def developments(draw: st.DrawFn, ids: st.SearchStrategy[str] | None = None) -> Development:
    """A development over the registry actors and topics."""
    reported = draw(bounded_whens())
    return Development(
        id=draw(ids if ids is not None else st.sampled_from(DEV_IDS)),
        occurred=draw(whens()),
        reported=reported,
        kind=draw(st.sampled_from(Kind)),
        summary=draw(st.sampled_from(["Something happened.", "A statement was made."])),
        actors=tuple(draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=2, unique=True))),
        source=draw(sources()),
        claims=draw(claim_sets()),
        reports=draw(further_reports(reported)),
    )


@st.composite
def stories(draw: st.DrawFn, max_size: int = 8) -> list[Development]:
    """Developments with distinct ids."""
    ids = draw(st.lists(st.sampled_from(DEV_IDS), max_size=max_size, unique=True))
    return [draw(developments(ids=st.just(ident))) for ident in ids]


@st.composite
def revisions(draw: st.DrawFn) -> Revision:
    """A correction that changes the occurred date, the claims, both, the text or the parties.

    The parties (actors and targets, with a weight) change as a later release of
    event data changes them.
    """
    change = draw(st.sampled_from(["occurred", "claims", "both", "summary", "parties"]))
    parties = change == "parties"
    actors = st.lists(st.sampled_from(ACTORS), min_size=1, max_size=2, unique=True)
    return Revision(
        reported=draw(bounded_whens()),
        reason="a correction",
        occurred=draw(whens()) if change in ("occurred", "both") else None,
        claims=draw(claim_sets()) if change in ("claims", "both") else None,
        summary="Corrected." if change == "summary" else None,
        actors=draw(actors) if parties else None,
        targets=draw(st.lists(st.sampled_from(ACTORS), max_size=2, unique=True))
        if parties
        else None,
        weight=draw(st.none() | scale_weights()) if parties else None,
    )


def retractions() -> st.SearchStrategy[Retraction]:
    """A withdrawal with its own report date."""
    return st.builds(Retraction, reported=bounded_whens(), reason=st.just("withdrawn"))


@st.composite
def rankings(
    draw: st.DrawFn,
    pairs: Sequence[tuple[str, str]] = PAIRS,
    grounds: Sequence[str] = DEV_IDS,
) -> Ranking:
    """A ranking of every claim of a development, or of its claim on one of `pairs`.

    By default the pair may be one the development never claims, and `by` an id
    that is not recorded, so that refusals are exercised too.
    """
    pair = draw(st.none() | st.sampled_from(pairs)) if pairs else None
    by = draw(st.none() | st.sampled_from(grounds)) if grounds else None
    return Ranking(
        rank=draw(st.sampled_from(Rank)),
        reported=draw(bounded_whens()),
        reason="ranked",
        by=by,
        actor=None if pair is None else pair[0],
        topic=None if pair is None else pair[1],
    )


def rank(timeline: Timeline | Branch, dev_id: str, ranking: Ranking) -> None:
    """Records `ranking` of `dev_id` through the facade (or a branch), field by field."""
    timeline.rank(
        dev_id,
        ranking.rank,
        reported=ranking.reported,
        reason=ranking.reason,
        by=ranking.by,
        actor=ranking.actor,
        topic=ranking.topic,
    )


def fill(timeline: Timeline, story: list[Development]) -> None:
    """Registers the strategies' actors and topics and records `story`, in one go."""
    timeline.record_many(story, actors=registry_actors(), topics=registry_topics())


def agreement(**changes: object) -> Development:
    """A fixed example: the 2017 S-400 agreement, with any fields replaced."""
    development = Development(
        id="agreement",
        occurred="2017-12",
        reported="2018-12-19/2018-12-20",
        kind="agreement",
        summary="An agreement was signed.",
        actors=["RUS", "TUR"],
        source=Source("Sputnik", "official"),
        claims=[StanceClaim("TUR", "s400-purchase", "committed")],
    )
    return attrs.evolve(development, **changes)  # type: ignore[arg-type]


def csv_cells() -> st.SearchStrategy[str]:
    """Text for a CSV cell, often starting as a spreadsheet formula would (OWASP's list)."""
    starts = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", " ", "#", ""])
    return st.builds(lambda start, rest: start + rest, starts, st.text(max_size=20))


# The fields a release may change in an event it keeps (a revision's fields).
REVISABLE = (
    *("occurred", "kind", "summary", "source", "claims", "actors", "targets"),
    *("occurred_as_written", "coded", "mode", "context", "weight"),
)


@st.composite
def event_data(draw: st.DrawFn, development: Development) -> Development:
    """The development with what event data may say of it: targets, code, mode, context, weight.

    Each is often absent, so that a later release may add it, change it or drop it.
    """
    coded = draw(st.none() | cameo_codes())
    return attrs.evolve(
        development,
        targets=draw(st.lists(st.sampled_from(ACTORS), max_size=2, unique=True)),
        occurred_as_written=draw(st.none() | st.sampled_from(["last month", "early 2017"])),
        coded=coded,
        mode=draw(st.lists(st.sampled_from(["visit", "economic", "verbal"]), max_size=2)),
        context=draw(st.lists(st.sampled_from(["military", "diplomatic"]), max_size=2)),
        weight=draw(st.none() | scale_weights()),
    )


@attrs.frozen
class ReleasePair:
    """Two releases of one dataset: each the whole dataset as published on its day."""

    first_day: dt.date
    first: tuple[Development, ...]
    second_day: dt.date
    second: tuple[Development, ...]


def _reported_by(draw: st.DrawFn, day: dt.date) -> When:
    return When.day(draw(st.dates(dt.date(FIRST_YEAR, 1, 1), day)))


@st.composite
def release_pairs(draw: st.DrawFn) -> ReleasePair:
    """A release, then a later one that keeps, changes, drops and adds events.

    Events are known by their release day; a change may give any field a
    revision can change (actors, targets and event data's fields included),
    and a new date of its own; a new event may give a date before the first
    release (published late, as datasets do).  The first
    release holds at least one event.
    """
    first_day = draw(st.dates(dt.date(2018, 1, 1), dt.date(2018, 12, 31)))
    second_day = first_day + dt.timedelta(days=draw(st.integers(1, 400)))
    # Not empty: a store holding none of a dataset's events cannot tell that an
    # earlier release of it was imported (see `timeline.formats._releases.first_known`).
    story = draw(stories(max_size=6).filter(bool))
    # A dataset's event has one report (its own): further reports, whose days would
    # have to follow the moved `reported`, are dropped.
    story = [draw(event_data(d)) for d in story]
    first = [attrs.evolve(d, reported=_reported_by(draw, first_day), reports=()) for d in story]
    second = []
    for old in first:
        fate = draw(st.sampled_from(["kept", "changed", "dropped"]))
        if fate == "kept":
            second.append(old)
        elif fate == "changed":
            new = draw(developments(ids=st.just(old.id)).flatmap(event_data))
            revisable = {name: getattr(new, name) for name in REVISABLE}
            reported = _reported_by(draw, second_day)
            second.append(attrs.evolve(old, reported=reported, **revisable, reports=()))
    taken = {d.id for d in first}
    fresh = draw(st.lists(st.sampled_from([i for i in DEV_IDS if i not in taken]), unique=True))
    for ident in fresh:
        new = draw(developments(ids=st.just(ident)).flatmap(event_data))
        second.append(attrs.evolve(new, reported=_reported_by(draw, second_day), reports=()))
    return ReleasePair(first_day, tuple(first), second_day, tuple(second))


# -- event data (timeline.formats) ---------------------------------------------------------

# Every CAMEO code the crosswalk lists, and the statement and appeal codes PLOVER drops.
CAMEO_CODES = (*CROSSWALK, "010", "012", "019", "020", "0231", "028")


def cameo_codes() -> st.SearchStrategy[str]:
    """CAMEO event codes as datasets write them."""
    return st.sampled_from(CAMEO_CODES)


def plover_types() -> st.SearchStrategy[str]:
    """PLOVER event types in the current and the older spellings."""
    return st.sampled_from((*PLOVER_TYPES, *OLDER_TYPES))


def actor_names() -> st.SearchStrategy[str]:
    """Names of people and groups as event data gives them, accents and punctuation kept."""
    words = st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x17F),
        min_size=2,
        max_size=9,
    )
    return st.lists(words, min_size=1, max_size=4).map(" ".join)


def scale_weights() -> st.SearchStrategy[float]:
    """Weights on the Goldstein scale, to one decimal, as datasets print them."""
    return st.integers(-100, 100).map(lambda tenths: tenths / 10)
