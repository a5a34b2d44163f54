"""`positions()` reads each pair's first claims in one statement, and the pairs whose run
may be longer again: it must give what the per-pair lookups give, what the one winning-run
statement gives, and what the pure replay gives, on any story."""

from __future__ import annotations

import uuid
from contextlib import suppress
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import POSTGRES_URL
from tests.strategies import (
    DEV_IDS,
    PAIRS,
    agreement,
    days,
    fill,
    rank,
    rankings,
    retractions,
    revisions,
    stories,
)
from tests.winning_runs_sql import positions_of, runs_statement
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import Development, Ranking, Retraction, Revision, Stance, StanceClaim
from timeline.engine._rule import Position, Scope
from timeline.engine.errors import TimelineError
from timeline.projections._development_reads import scoped_params

PUBLISHERS = ("Sputnik", "Bloomberg", "Reuters")
corrections = st.lists(
    st.tuples(st.sampled_from(DEV_IDS), st.one_of(revisions(), rankings(), retractions())),
    max_size=6,
)
knowledge = st.none() | days()
scopes = st.fixed_dictionaries(
    {},
    optional={
        "without_sources": st.lists(st.sampled_from(PUBLISHERS), max_size=1),
        "min_reports": st.integers(1, 2),
    },
)


def _correct(tl: Timeline, dev_id: str, correction: Revision | Ranking | Retraction) -> None:
    """Applies a correction to a development recorded in `tl`, unless it is refused."""
    with suppress(TimelineError):  # refused: retracted, a pair never claimed, ...
        if isinstance(correction, Revision):
            tl.revise(dev_id, reported=correction.reported, reason="r", **correction.changes)
        elif isinstance(correction, Ranking):
            rank(tl, dev_id, correction)
        else:
            tl.retract(dev_id, reported=correction.reported, reason="withdrawn")


def _story(tl: Timeline, story: list[Development], changes: list[tuple[str, object]]) -> None:
    fill(tl, story)
    recorded = {development.id for development in story}
    for dev_id, correction in changes:
        if dev_id in recorded:
            _correct(tl, dev_id, correction)  # type: ignore[arg-type]


@given(
    story=stories(max_size=10),
    changes=corrections,
    day=days(),
    known_at=knowledge,
    possible=st.booleans(),
    scope=scopes,
)
def test_every_position_at_once_is_each_position_alone_and_the_replay(
    story: list[Development],
    changes: list[tuple[str, object]],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    scope: dict[str, object],
) -> None:
    with Timeline() as tl:
        _story(tl, story, changes)
        view = tl.as_of(day, known_at, possible=possible, **scope)  # type: ignore[arg-type]
        every = view.positions()
        alone = {pair: view.position(*pair) for pair in PAIRS}
        assert every == {pair: held for pair, held in alone.items() if held is not None}
        assert list(every) == sorted(every)
        replayed = tl.reading(Replayed).as_of(day, known_at, possible=possible, **scope)  # type: ignore[arg-type]
        assert every == replayed.positions()


@given(story=stories(max_size=6), changes=corrections, day=days(), possible=st.booleans())
def test_a_file_store_reads_every_position_as_the_replay_does(
    tmp_path_factory: object,
    story: list[Development],
    changes: list[tuple[str, object]],
    day: pendulum.Date,
    possible: bool,
) -> None:
    folder = Path(tmp_path_factory.mktemp("runs"))  # type: ignore[attr-defined]
    with Timeline.open(f"sqlite:///{folder / 'story.db'}") as tl:
        _story(tl, story, changes)
        every = tl.as_of(day, possible=possible).positions()
        assert every == tl.reading(Replayed).as_of(day, possible=possible).positions()


@settings(max_examples=150)
@given(
    story=stories(max_size=10),
    changes=corrections,
    data=st.data(),
    known_at=knowledge,
    scope=scopes,
)
def test_the_tentative_pairs_are_those_of_the_possible_positions_and_the_replay(
    story: list[Development],
    changes: list[tuple[str, object]],
    data: st.DataObject,
    known_at: pendulum.Date | None,
    scope: dict[str, object],
) -> None:
    # One search per pair (its first claim in search order, preferred ranks first)
    # must name exactly the pairs whose position, possibly occurred counted, is tentative.
    # Days on the ends of the story's spans reach the edges of "possibly" and "certainly".
    ends = [day for d in story for day in (d.occurred.earliest, d.occurred.latest)]
    day = data.draw(st.sampled_from(ends) | days() if ends else days())
    with Timeline() as tl:
        _story(tl, story, changes)
        found = tl._tentative_pairs(day, known_at, **scope)  # type: ignore[arg-type]
        held = tl.as_of(day, known_at, possible=True, **scope).positions()  # type: ignore[arg-type]
        assert found == [pair for pair, position in held.items() if position.tentative]
        assert found == tl.reading(Replayed)._tentative_pairs(day, known_at, **scope)  # type: ignore[arg-type]


def _narrowed(story: list[Development]) -> list[Development]:
    """The story with every claim on one of two pairs, of one of two stances: long runs."""
    narrowed = []
    for development in story:
        claims = tuple(
            StanceClaim(
                actor, "s400-purchase", Stance.SUPPORTS if c.stance.value >= 0 else Stance.OPPOSES
            )
            for actor, c in zip(("TUR", "USA"), development.claims, strict=False)
        )
        narrowed.append(attrs.evolve(development, claims=claims))
    return narrowed


def _each_way(
    tl: Timeline, day: pendulum.Date, known_at: pendulum.Date | None, possible: bool, **kw: object
) -> list[dict[tuple[str, str], Position]]:
    """Every position read each way `positions()` may take: the first claims of each pair
    (one at a time, so every pair with a claim is read again or looked up, or many), then
    looked up alone or read again, and the one winning-run statement, in pair order."""
    scope = Scope(**kw)  # type: ignore[arg-type]
    view = tl.materialised
    pin = view.current()
    ways = [
        view.positions(day, known_at, possible, pin, scope, latest=latest, lookups=lookups)
        for latest in (1, 2, 4)
        for lookups in (0, 100)
    ]
    where, params = scoped_params(day, known_at, pin, scope, claims=True)
    whole = view.queries.query(runs_statement(view.queries.dialect, possible, where), params)
    return [*ways, positions_of(whole, day)]


@given(
    story=stories(max_size=10),
    changes=corrections,
    day=days(),
    known_at=knowledge,
    possible=st.booleans(),
    scope=scopes,
    narrow=st.booleans(),
)
def test_each_pairs_first_claims_read_again_or_looked_up_give_the_winning_run(
    story: list[Development],
    changes: list[tuple[str, object]],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    scope: dict[str, object],
    narrow: bool,
) -> None:
    with Timeline() as tl:
        _story(tl, _narrowed(story) if narrow else story, changes)
        ways = _each_way(tl, day, known_at, possible, **scope)
        for way in ways:
            assert way == ways[-1]
            assert list(way) == sorted(way)
        replayed = tl.reading(Replayed).as_of(day, known_at, possible=possible, **scope)  # type: ignore[arg-type]
        assert ways[-1] == replayed.positions()


@pytest.mark.skipif(not POSTGRES_URL, reason="TIMELINE_TEST_POSTGRES_URL is not set")
@settings(max_examples=max(5, settings().max_examples // 5), deadline=None)
@given(
    story=stories(max_size=10),
    changes=corrections,
    day=days(),
    known_at=knowledge,
    possible=st.booleans(),
    scope=scopes,
)
def test_postgresql_reads_each_pairs_first_claims_as_the_winning_runs(
    story: list[Development],
    changes: list[tuple[str, object]],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    scope: dict[str, object],
) -> None:
    import psycopg

    assert POSTGRES_URL is not None
    base, schema = POSTGRES_URL.split("?")[0], f"w_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        with Timeline.open(f"{base}?schema={schema}") as tl:
            _story(tl, _narrowed(story), changes)
            ways = _each_way(tl, day, known_at, possible, **scope)
            for way in ways:
                assert way == ways[-1]
                assert list(way) == sorted(way)
            replayed = tl.reading(Replayed).as_of(day, known_at, possible=possible, **scope)  # type: ignore[arg-type]
            assert ways[-1] == replayed.positions()
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@given(
    story=stories(max_size=10),
    preferred=st.lists(st.sampled_from(DEV_IDS), min_size=1, max_size=4),
    day=days(),
    possible=st.booleans(),
)
def test_a_preferred_run_ends_with_the_preferred_claims_of_its_stance(
    story: list[Development], preferred: list[str], day: pendulum.Date, possible: bool
) -> None:
    # Two stances on two pairs, some claims preferred: a preferred winner's run must stop
    # where its rank does, even where the normal claim after it has the same stance.
    with Timeline() as tl:
        narrowed = _narrowed(story)
        fill(tl, narrowed)
        for dev_id in preferred:
            if any(development.id == dev_id for development in narrowed):
                with suppress(TimelineError):  # refused: a development with no claim
                    tl.rank(dev_id, "preferred", reported="2030-01-01", reason="r")
        ways = _each_way(tl, day, None, possible)
        for way in ways:
            assert way == ways[-1]
        assert ways[-1] == tl.reading(Replayed).as_of(day, possible=possible).positions()


def _one_long_run() -> list[Development]:
    """A claim of one stance, then six of another on the same pair: a run longer than
    every first read of `_each_way` takes, and than some of its reads again."""
    stances = [Stance.OPPOSES, *[Stance.SUPPORTS] * 6]
    return [
        agreement(
            id=f"dev-{n}",
            occurred=f"2016-{n + 1:02d}",
            reported=f"2016-{n + 1:02d}-28",
            claims=[StanceClaim("TUR", "s400-purchase", stance)],
        )
        for n, stance in enumerate(stances)
    ]


def test_a_run_longer_than_the_first_claims_read_is_read_whole_every_way(
    store_url: str,
) -> None:
    # Each first read (1, 2 or 4 claims) holds only claims of the run: read again or
    # looked up, the run must come whole, as the replay's.
    with Timeline.open(store_url) as tl:
        fill(tl, _one_long_run())
        day = pendulum.date(2019, 1, 1)
        ways = _each_way(tl, day, None, False)
        expected = tl.reading(Replayed).as_of(day).positions()
        assert len(expected[("TUR", "s400-purchase")].evidence) == 6
        for way in ways:
            assert way == expected
