"""The shortcuts on the path of every lookup make exactly what the plain code makes:
views and positions set slot by slot, the run stepped inline, names and date texts
looked up in dicts."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import PAIRS, days, edtf_texts, fill, stories, whens
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import _rule as rule
from timeline.engine._registry import NameKind, Registry
from timeline.engine._replay import View
from timeline.engine._slots import filler, slot_setters
from timeline.engine.errors import DateError, UnknownNameError
from timeline.engine.values import Actor, Development, Rank, Stance, Topic
from timeline.engine.when import When, WhenLike, as_day
from timeline.projections._lookups import (
    _plain_span,
    _when,
    claimed,
    claimed_by_actor,
    held_by,
    lookup_params,
    resolver,
)
from timeline.projections._pinned import PinnedView
from timeline.projections._queries import LOOKUP_PARAMS, RUN_MARK
from timeline.projections._rows import occurred_text
from timeline.projections._sqlite_reads import SQLiteQueries
from timeline.projections._winning import mark

DAY = dt.date(2019, 7, 1)


def _fields(made: attrs.AttrsInstance) -> list[object]:
    """Every field's value, read (an unset slot raises AttributeError)."""
    return [getattr(made, field.name) for field in attrs.fields(type(made))]


@given(stories(max_size=6), days(), st.booleans(), st.booleans())
def test_a_pinned_view_holds_what_view_holds(
    story: list[Development], day: dt.date, possible: bool, pinned: bool
) -> None:
    """`pinned_view` sets every field (no attrs __init__ runs) and makes a frozen view that
    answers as the `View` of the replay does, each read of it at its one pin."""
    with Timeline() as tl:
        fill(tl, story)
        pin = tl.materialised.current() if pinned else None
        made = tl.materialised.as_of(day, None, possible, pin=pin)
        assert type(made) is PinnedView
        assert _fields(made)[:4] == [day, None, possible, "materialised"]
        assert made._scope is rule.EVERYTHING
        assert made._pins == ([] if pin is None else [pin])
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.day = DAY  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made._pins = [1]
        replayed = tl.reading(Replayed).as_of(day, possible=possible)
        for key in PAIRS:
            assert made.position(*key) == replayed.position(*key)
        assert made.pin() == tl.materialised.reached  # fixed by the first read
        assert made == replayed  # every position, read at once, and the developments
        assert made.positions("TUR", children=True) == replayed.positions("TUR", children=True)
        for key in PAIRS:  # from the positions read at once
            assert made.position(*key) == replayed.position(*key)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["TUR", "USA"]),
            st.sampled_from(["a", "b"]),
            st.sampled_from([s.value for s in Stance]),
            st.sampled_from(["", "2019-06", "2019-06-03/2019-07"]),
            st.sampled_from([rank.tier for rank in Rank]),
        ),
        max_size=8,
    ).map(sorted)
)
def test_a_topics_claims_are_the_claims_attrs_makes(
    rows: list[tuple[str, str, int, str, int]],
) -> None:
    """A topic's claims made slot by slot (`claimed_by_actor`, and `claimed` of each row
    without its actor) are those attrs makes, by actor, from a stored text or, when it is
    empty, from the span's days."""
    span = (dt.date(2019, 6, 3).toordinal(), dt.date(2019, 7, 31).toordinal())
    full = [(*row, *span) for row in rows]
    made = claimed_by_actor(full)
    expected: dict[str, list[rule.Claimed]] = {}
    for actor, dev_id, stance, text, tier, *_ in full:
        occurred = When(text or occurred_text("", *span))
        attrs_made = rule.Claimed(dev_id, occurred, Stance(stance), Rank.of_tier(tier))
        expected.setdefault(actor, []).append(attrs_made)
    assert [claimed(row[1:]) for row in full] == [c for cs in expected.values() for c in cs]
    assert made == expected
    assert [_fields(c) for c in made.get("TUR", [])] == [
        _fields(c) for c in expected.get("TUR", [])
    ]


@st.composite
def spans(draw: st.DrawFn) -> tuple[int, int]:
    """Spans of day ordinals of every plainest text's shape: a day, a month, a year, A/B."""
    first = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
    shape = draw(st.sampled_from(["day", "month", "year", "span"]))
    if shape == "day":
        last = first
    elif shape == "month":
        first = first.replace(day=1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    elif shape == "year":
        first, last = first.replace(month=1, day=1), first.replace(month=12, day=31)
    else:
        last = first + dt.timedelta(days=draw(st.integers(0, 800)))
    return first.toordinal(), last.toordinal()


@given(spans())
def test_a_plain_spans_when_is_the_when_its_text_makes(span: tuple[int, int]) -> None:
    made, expected = _plain_span(span), When(occurred_text("", *span))
    assert made == expected
    assert _fields(made) == _fields(expected)
    assert [type(value) for value in _fields(made)] == [type(v) for v in _fields(expected)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Stance)),
            st.sampled_from([rank for rank in Rank if rule.counts(rank)]),
            spans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(-2, 2),
)
def test_a_run_s_rows_hold_the_position_the_rule_makes(
    claims: list[tuple[Stance, Rank, tuple[int, int], bool]], shift: int
) -> None:
    # `held_by` fills the position itself: the same as `rule.position` on the run's claims
    # in story order, tentative or not as of days around the winner's end.
    rows = [
        (f"d{n}", stance.value, occurred_text("", *span) if texted else "", rank.tier, *span)
        for n, (stance, rank, span, texted) in enumerate(claims)
    ]
    run = rule.leading_run(rows, RUN_MARK)
    day = pendulum.Date.fromordinal(run[0][5] + shift)
    expected = rule.position(("TUR", "f35"), [claimed(row) for row in reversed(run)], day)
    made = held_by(("TUR", "f35"), run, day)
    assert made is not None
    assert expected is not None
    assert made == expected
    assert type(made) is rule.Position
    assert _fields(made) == _fields(expected)


@pytest.mark.parametrize(("occurred", "tentative"), [("2019-06", False), ("2019-07", True)])
def test_a_held_position_is_the_position_attrs_makes(occurred: str, tentative: bool) -> None:
    made = rule.held(("TUR", "f35"), Stance.OPPOSES, When("2019"), ("a", "b"), When(occurred), DAY)
    expected = rule.Position("TUR", "f35", Stance.OPPOSES, When("2019"), ("a", "b"), tentative)
    assert made == expected
    assert type(made) is rule.Position
    assert _fields(made) == _fields(expected)
    assert hash(made) == hash(expected)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.stance = Stance.SUPPORTS  # type: ignore[misc]


def test_a_filler_adds_no_slot_and_refuses_a_class_without_slots() -> None:
    for cls in (View, PinnedView, rule.Position):
        filling = filler(cls)
        assert filling.__mro__[1] is cls
        assert filling.__basicsize__ == cls.__basicsize__  # one layout: __class__ may change
        assert not hasattr(filling(), "__dict__")

    @attrs.frozen(slots=False)
    class Plain:
        value: int

    with pytest.raises(TypeError):
        filler(Plain)
    with pytest.raises(KeyError):
        slot_setters(Plain)
    assert len(slot_setters(rule.Claimed)) == len(attrs.fields(rule.Claimed))


rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([-2, 0, 2]),
        st.just("2019"),
        st.sampled_from([0, 1]),
        st.integers(0, 9),
    ),
    max_size=8,
)


@given(rows)
def test_the_inline_run_of_a_cursor_is_the_rule_s_leading_run(
    found: list[tuple[object, ...]],
) -> None:
    # The shared-cache connection is the one `run_rows` steps inline, on this thread.
    name = "file:hot-paths-run?mode=memory&cache=shared"
    with contextlib.closing(sqlite3.connect(name, uri=True)) as db:
        db.execute("CREATE TABLE r (n, dev_id, stance, occurred, rank, head)")
        db.executemany(
            "INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)", [(n, *row) for n, row in enumerate(found)]
        )
        db.commit()
        queries = SQLiteQueries(name, "hot", shared_cache=True, events_table=None)
        try:
            statement = "SELECT dev_id, stance, occurred, rank, head FROM r ORDER BY n"
            assert queries.run_rows(statement, ()) == rule.leading_run(found, RUN_MARK)
        finally:
            queries.close()


@given(st.lists(edtf_texts() | st.dates() | days() | whens(), max_size=6))
def test_a_day_asked_for_again_is_the_day_of_its_when(values: list[WhenLike]) -> None:
    # `as_day` keeps each text's and date's last day: asked twice, in any order, each is
    # the last day of the `When` it stands for.
    for value in [*values, *reversed(values)]:
        day = as_day(value)
        assert day == When.coerce(value).latest
        assert type(day) is type(When.coerce(value).latest)


def test_a_datetime_is_no_day_however_often_asked() -> None:
    for _ in range(2):
        with pytest.raises(DateError):
            as_day(dt.datetime(2019, 7, 1, 12))


def test_a_date_text_is_made_once_into_its_when() -> None:
    first = _when("2019-07-17")
    assert first == When("2019-07-17")
    assert _when("2019-07-17") is first


class _Counting(Registry):
    def __init__(self) -> None:
        super().__init__([Actor("TUR", "Turkey")], [Topic("f35", "F-35")])
        self.asked = 0

    def resolve(self, kind: NameKind, name: str) -> str:
        self.asked += 1
        return super().resolve(kind, name)


def test_a_resolver_remembers_names_and_asks_the_refreshed_registry_for_new_ones() -> None:
    registry, later = _Counting(), Registry([Actor("USA", "United States")])
    resolve = resolver(registry, "actor", lambda: later)
    assert resolve("Turkey") == resolve("Turkey") == "TUR"
    assert registry.asked == 1  # the second time from memory
    assert resolve("United States") == "USA"  # not in `registry`: the refreshed one knows it
    with pytest.raises(UnknownNameError):
        resolve("Greece")
    with pytest.raises(UnknownNameError):
        resolver(registry, "topic")("F-16")  # nothing to refresh from


@given(stories(max_size=8), days(), st.none() | days(), st.booleans())
def test_a_lookup_bound_by_number_reads_what_it_reads_bound_by_name(
    story: list[Development], day: dt.date, known_at: dt.date | None, possible: bool
) -> None:
    with Timeline() as tl:
        fill(tl, story)
        view = tl.materialised
        pin = view.current()
        named = view.queries.dialect.run(possible)
        numbered = view.queries.numbered(named)
        assert numbered is not None
        assert numbered == view._runs[possible]
        for key in PAIRS:
            by_name = lookup_params(key, day, known_at, pin, False)
            by_number = lookup_params(key, day, known_at, pin, True)
            assert dict(zip(LOOKUP_PARAMS, by_number, strict=True)) == by_name
            expected = view.queries.run_rows(named, by_name)
            assert view.queries.run_rows(numbered, by_number) == expected
            assert view.position(key, day, known_at, possible, pin) == held_by(key, expected, day)


def test_only_a_statement_of_the_lookup_parameters_alone_is_numbered() -> None:
    with Timeline() as tl:
        queries = tl.materialised.queries
        assert queries.numbered("SELECT 1 WHERE a = :pin AND b = :actor") == (
            "SELECT 1 WHERE a = ?5 AND b = ?1"
        )
        assert queries.numbered("SELECT 1 WHERE a = :pin AND b = :source") is None


def test_each_stance_and_rank_that_counts_has_a_mark_of_its_own_one_character_long() -> None:
    # `positions_of_latest` compares a claim's first character to find its run.
    counted = [(stance, rank) for stance in Stance for rank in Rank if rule.counts(rank)]
    marks = {mark(stance.value, rank.tier) for stance, rank in counted}
    assert len(marks) == len(counted)
    assert all(len(each) == 1 for each in marks)
