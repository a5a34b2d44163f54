"""The facade's read models held to the naive model, on random corrected stories.

Each example records a random story through `Timeline`, then random revisions
and retractions, and keeps the same in `tests.naive.NaiveStory`; every read is
asked on both paths (the materialised view, and pure replay with
`tl.reading(Replayed)`) and must give what the naive model gives.
Half the stories crowd their claims onto two pairs, so runs, beaten claims and
changes of stance are common.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.naive import NaiveStory, held_all
from tests.naive_checks import check_diff, check_explanation, check_history
from tests.strategies import (
    ACTORS,
    TOPICS,
    days,
    fill,
    rank,
    rankings,
    retractions,
    revisions,
    stories,
    whens,
)
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.engine import (
    Development,
    Ranking,
    Retraction,
    Revision,
    Stance,
    StanceClaim,
    When,
)
from timeline.projections._explain_page import ExplanationPage, explain_page
from timeline.web import payloads
from timeline.web.models import ExplanationOut

PATHS = ("materialised", "replay")
# Two pairs on one topic: a crowded story's claims all fall on them.
CROWDED_PAIRS = (("TUR", "s400-purchase"), ("USA", "s400-purchase"))
any_pairs = st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))
pairs = st.sampled_from(CROWDED_PAIRS) | any_pairs


@st.composite
def crowded_claims(draw: st.DrawFn) -> tuple[StanceClaim, ...]:
    """Stance claims on the crowded pairs only: one or both of them."""
    keys = draw(st.lists(st.sampled_from(CROWDED_PAIRS), min_size=1, max_size=2, unique=True))
    return tuple(StanceClaim(actor, topic, draw(st.sampled_from(Stance))) for actor, topic in keys)


@attrs.frozen
class Story:
    """What an example records: developments, then revisions, then retractions."""

    developments: tuple[Development, ...]
    revisions: tuple[tuple[str, Revision], ...]
    retractions: tuple[tuple[str, Retraction], ...]
    read_between: bool  # read (so the view catches up) before the corrections
    rankings: tuple[tuple[str, Ranking], ...] = ()

    def model(self) -> NaiveStory:
        model = NaiveStory()
        for development in self.developments:
            model.record(development)
        for dev_id, revision in self.revisions:
            model.revise(dev_id, revision)
        for dev_id, retraction in self.retractions:
            model.retract(dev_id, retraction)
        for dev_id, ranking in self.rankings:
            model.rank(dev_id, ranking)
        return model


@st.composite
def corrected_stories(draw: st.DrawFn) -> Story:
    """A story with random revisions, rankings and at most one retraction per development."""
    least = draw(st.sampled_from((0, 2, 4)))
    story = draw(stories().filter(lambda developments: len(developments) >= least))
    crowd = draw(st.booleans())
    if crowd:
        story = [attrs.evolve(d, claims=draw(crowded_claims())) for d in story]
    ids = [d.id for d in story]
    corrections: list[tuple[str, Revision]] = []
    withdrawals: list[tuple[str, Retraction]] = []
    if ids:
        for _ in range(draw(st.integers(0, 4))):
            revision = draw(revisions())
            if crowd and revision.claims is not None:
                revision = attrs.evolve(revision, claims=draw(crowded_claims()))
            corrections.append((draw(st.sampled_from(ids)), revision))
        for dev_id in draw(st.lists(st.sampled_from(ids), unique=True, max_size=2)):
            withdrawals.append((dev_id, draw(retractions())))
    ranked: list[tuple[str, Ranking]] = []
    for development in draw(st.lists(st.sampled_from(story), max_size=3)) if story else ():
        claimed = [(c.actor, c.topic) for c in development.claims]
        others = [i for i in ids if i != development.id]
        ranked.append((development.id, draw(rankings(pairs=claimed, grounds=others))))
    return Story(
        tuple(story),
        tuple(corrections),
        tuple(withdrawals),
        draw(st.booleans()),
        tuple(ranked),
    )


@contextmanager
def recorded(story: Story, path: str) -> Iterator[tuple[Timeline, NaiveStory]]:
    """A timeline holding the story, reading by `path`, and the naive model of it."""
    tl = Timeline()
    try:
        fill(tl, list(story.developments))
        if story.read_between:
            tl.as_of("2019").positions()
        for dev_id, revision in story.revisions:
            tl.revise(
                dev_id, reported=revision.reported, reason=revision.reason, **revision.changes
            )
        for dev_id, retraction in story.retractions:
            tl.retract(dev_id, reported=retraction.reported, reason=retraction.reason)
        for dev_id, ranking in story.rankings:
            rank(tl, dev_id, ranking)
        yield (tl if path == "materialised" else tl.reading(Replayed)), story.model()
    finally:
        tl.close()
        tl.materialised.close()


def near(model: NaiveStory) -> st.SearchStrategy[pendulum.Date]:
    """A day on or next to one the story names (a change is likely there), or any day."""
    named = [pendulum.Date(d.year, d.month, d.day) for d in model.telling_days()]
    if not named:
        return days()
    shifted = st.builds(
        lambda day, shift: day.add(days=shift),
        st.sampled_from(named),
        st.sampled_from((-1, 0, 0, 1)),
    )
    # The story's last named day: everything bounded has certainly occurred by then.
    return shifted | shifted | st.just(named[-1]) | days()


def maybe_near(model: NaiveStory) -> st.SearchStrategy[pendulum.Date | None]:
    """No knowledge day (everything known), or one near the story's days."""
    return st.none() | near(model)


@pytest.mark.parametrize("path", PATHS)
@given(corrected_stories(), pairs, st.booleans(), st.data())
def test_history_changes_on_exactly_the_naive_change_days(
    path: str, story: Story, pair: tuple[str, str], possible: bool, data: st.DataObject
) -> None:
    with recorded(story, path) as (tl, model):
        known_at = data.draw(maybe_near(model), label="known_at")
        probes = data.draw(st.lists(near(model), max_size=6), label="probes")
        changes = tl.history(*pair, known_at=known_at, possible=possible)
        check_history(model, changes, pair, known_at, possible, probes)


@pytest.mark.parametrize("path", PATHS)
@given(corrected_stories(), st.booleans(), st.booleans(), st.data())
def test_diff_lists_exactly_the_naive_differences(
    path: str, story: Story, two_days: bool, possible: bool, data: st.DataObject
) -> None:
    with recorded(story, path) as (tl, model):
        d1 = data.draw(near(model), label="d1")
        k1, k2 = data.draw(maybe_near(model), label="k1"), data.draw(maybe_near(model), label="k2")
        if two_days:
            d2 = data.draw(near(model), label="d2")
            found = tl.diff(d1, d2, known_at=k1, vs_known_at=k2, possible=possible)
            assert (found.days, found.known_at) == ((d1, d2), (k1, k1 if k2 is None else k2))
        else:
            # Two states of knowledge about one day; no second day means everything known.
            vs = k2 if k2 is not None else pendulum.Date(9999, 12, 31)
            found = tl.diff(d1, known_at=k1, vs_known_at=vs, possible=possible)
            assert (found.days, found.known_at) == ((d1, d1), (k1, vs))
        assert found.possible == possible
        check_diff(model, found)


@pytest.mark.parametrize("path", PATHS)
@given(corrected_stories(), pairs, st.booleans(), st.data())
def test_explain_gives_the_naive_winner_and_justifies_every_status(
    path: str, story: Story, pair: tuple[str, str], possible: bool, data: st.DataObject
) -> None:
    with recorded(story, path) as (tl, model):
        day = data.draw(near(model), label="day")
        known_at = data.draw(maybe_near(model), label="known_at")
        found = tl.explain(*pair, day, known_at=known_at, possible=possible)
        assert (found.actor, found.topic, found.day) == (*pair, day)
        assert (found.known_at, found.possible) == (known_at, possible)
        check_explanation(model, found)


@given(corrected_stories(), pairs, st.booleans(), st.integers(1, 4), st.data())
def test_the_web_pages_of_an_explanation_joined_are_the_whole_explanation(
    story: Story, pair: tuple[str, str], possible: bool, limit: int, data: st.DataObject
) -> None:
    with recorded(story, "materialised") as (tl, model):
        day = data.draw(near(model), label="day")
        known_at = data.draw(maybe_near(model), label="known_at")
        found = tl.explain(*pair, day, known_at=known_at, possible=possible)
        whole = ExplanationOut.model_validate(payloads.explanation(found, str)).model_dump()
        assert (whole["total"], whole["earlier"]) == (len(found.claims), None)
        joined: list[object] = []
        skip: int | None = 0
        pages = 0
        while skip is not None:
            page = ExplanationOut.model_validate(
                payloads.explanation(found, str, skip=skip, limit=limit)
            ).model_dump()
            assert (page["skip"], page["total"]) == (skip, len(found.claims))
            assert 0 < len(page["claims"]) <= limit or page["total"] == 0
            assert {k: v for k, v in page.items() if k not in ("claims", "skip", "earlier")} == {
                k: v for k, v in whole.items() if k not in ("claims", "skip", "earlier")
            }
            joined[:0] = page["claims"]
            skip, pages = page["earlier"], pages + 1
        assert joined == whole["claims"]
        assert pages == max(1, -(-len(found.claims) // limit))


def stood_in_page(
    tl: Timeline,
    pair: tuple[str, str],
    day: pendulum.Date,
    known_at: pendulum.Date | None,
    possible: bool,
    skip: int,
    limit: int,
) -> ExplanationPage:
    """`tl.explain_page(...)` with no development decoded ahead of the first pass."""
    pin = tl.reads.current()
    return explain_page(
        tl.reads.claim_spans_by_day(pair, day, pin),
        lambda dev_ids: tl.reads.entries(pin, dev_ids),
        *pair,
        day,
        known_at=known_at,
        possible=possible,
        skip=skip,
        limit=limit,
        ahead=0,
    )


@pytest.mark.parametrize("path", PATHS)
@given(corrected_stories(), pairs, st.booleans(), st.integers(0, 6), st.integers(1, 4), st.data())
def test_a_page_read_on_its_own_is_the_slice_of_the_whole_explanation(
    path: str,
    story: Story,
    pair: tuple[str, str],
    possible: bool,
    skip: int,
    limit: int,
    data: st.DataObject,
) -> None:
    # `explain_page` decodes only what the page shows, the rest stood in for by the
    # view's claim rows: the page must be the very slice of the whole explanation.
    with recorded(story, path) as (tl, model):
        day = data.draw(near(model), label="day")
        known_at = data.draw(maybe_near(model), label="known_at")
        whole = tl.explain(*pair, day, known_at=known_at, possible=possible)
        page = tl.explain_page(
            *pair, day, known_at=known_at, possible=possible, skip=skip, limit=limit
        )
        assert payloads.explanation_page(page, str) == payloads.explanation(
            whole, str, skip=skip, limit=limit
        )
        # And with every plain development stood in for until it is shown (at a
        # million, most are; in a story this small, the page would decode them all).
        assert stood_in_page(tl, pair, day, known_at, possible, skip, limit) == page


@pytest.mark.parametrize("path", PATHS)
@given(
    corrected_stories(),
    st.none() | st.sampled_from(ACTORS),
    st.none() | st.sampled_from(TOPICS),
    st.none() | whens(),
    st.data(),
)
def test_developments_are_the_naive_story_in_story_order(
    path: str,
    story: Story,
    actor: str | None,
    topic: str | None,
    period: When | None,
    data: st.DataObject,
) -> None:
    with recorded(story, path) as (tl, model):
        known_at = data.draw(maybe_near(model), label="known_at")
        assert tl.developments(known_at) == model.story(known_at)
        found = tl.developments(known_at, actor=actor, topic=topic, period=period)
        assert found == model.listing(known_at, actor=actor, topic=topic, period=period)


@pytest.mark.parametrize("path", PATHS)
@given(corrected_stories(), st.booleans(), st.data())
def test_as_of_gives_the_naive_positions_and_counted_developments(
    path: str, story: Story, possible: bool, data: st.DataObject
) -> None:
    with recorded(story, path) as (tl, model):
        day = data.draw(near(model), label="day")
        known_at = data.draw(maybe_near(model), label="known_at")
        view = tl.as_of(day, known_at, possible=possible)
        assert view.source == path
        assert held_all(view.positions()) == model.as_of(day, known_at, possible)
        assert list(view.developments()) == model.counted(day, known_at, possible)
