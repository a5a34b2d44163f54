"""Properties of the projection's parts: rows, read models against the naive model, tracking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from eventsourcing.persistence import Tracking
from hypothesis import given
from hypothesis import strategies as st

from tests.naive import NaiveStory
from tests.naive_checks import check_diff, check_explanation, check_history
from tests.property.test_readmodels_naive import CROWDED_PAIRS, crowded_claims, maybe_near, near
from tests.strategies import (
    ACTORS,
    DEV_IDS,
    TOPICS,
    agreement,
    developments,
    fill,
    retractions,
    revisions,
    whens,
)
from timeline import Timeline
from timeline.bootstrap import Replayed, the_view
from timeline.engine import Development, Entry, Position, aggregates
from timeline.engine import _rule as rule
from timeline.engine._replay import claims_on, fold_positions, known_developments
from timeline.engine._rule import Claimed, occurred_by
from timeline.engine.when import LAST_DAY, When
from timeline.projections._diff import Diff, diff_positions
from timeline.projections._explain import explain
from timeline.projections._history import history
from timeline.projections._listing import mentions
from timeline.projections._materialised import Materialised
from timeline.projections._projection import StoryProjection, default_mapper
from timeline.projections._rows import (
    KNOWN_FOREVER,
    ClaimRow,
    claim_rows,
    development_rows,
    occurred_text,
    stored_claim,
    versions,
)
from timeline.projections._schema import CLAIMS
from timeline.projections._sql import SCHEMA
from timeline.projections._sqlite import SQLiteViewRecorder
from timeline.projections._wire import recorded_rows
from timeline.projections.errors import ClosedError

pairs = st.sampled_from(CROWDED_PAIRS) | st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))


@st.composite
def entries(
    draw: st.DrawFn, ident: str | None = None, *, crowd: bool = False, retract: bool | None = None
) -> Entry:
    """A development with random corrections, as recorded in any order.

    With `crowd`, every claim (the development's and its revisions') falls on the
    two crowded pairs; `retract` says whether it is retracted (None: at random).
    """
    ids = st.just(ident) if ident is not None else st.sampled_from(DEV_IDS)
    development = draw(developments(ids=ids))
    corrections = draw(st.lists(revisions(), max_size=3))
    if crowd:
        development = attrs.evolve(development, claims=draw(crowded_claims()))
        corrections = [
            r if r.claims is None else attrs.evolve(r, claims=draw(crowded_claims()))
            for r in corrections
        ]
    if retract is None:
        withdrawals = tuple(draw(st.lists(retractions(), max_size=1)))
    else:
        withdrawals = (draw(retractions()),) if retract else ()
    return Entry(development, tuple(corrections), withdrawals)


@st.composite
def corrected_stories(draw: st.DrawFn) -> list[Entry]:
    """Entries with distinct ids, a few of them retracted; half the stories crowd
    their claims onto two pairs, so runs, beaten claims and changes are common."""
    least = draw(st.sampled_from((0, 2, 4)))
    ids = draw(st.lists(st.sampled_from(DEV_IDS), min_size=least, max_size=8, unique=True))
    crowd = draw(st.booleans())
    retracted = draw(st.sets(st.sampled_from(ids), max_size=2)) if ids else set()
    return [draw(entries(ident, crowd=crowd, retract=ident in retracted)) for ident in ids]


def oracle(
    story: list[Entry], day: dt.date, known_at: dt.date | None, possible: bool
) -> dict[tuple[str, str], Position]:
    """Every position by pure replay."""
    counted = [
        d
        for d in known_developments(story, known_at)
        if occurred_by(d.occurred, day, possible=possible)
    ]
    return fold_positions(counted, day, possible=possible)


@given(entries())
def test_versions_tell_what_was_known_on_every_day(entry: Entry) -> None:
    spans = versions(entry)
    probes = {
        day + dt.timedelta(days=shift) for day in entry.knowledge_days() for shift in (-1, 0, 1)
    }
    for day in [*probes, LAST_DAY]:
        held = [d for start, until, d in spans if start <= day.toordinal() < until]
        assert held == ([] if entry.as_known(day) is None else [entry.as_known(day)])
    assert all(until <= KNOWN_FOREVER for _, until, _ in spans)


@given(entries())
def test_claim_rows_hold_each_versions_claims(entry: Entry) -> None:
    spans = versions(entry)
    rows = claim_rows(spans)
    for start, _, development in spans:
        at = [r for r in rows if r.known_from <= start < r.known_until]
        assert sorted((r.actor, r.topic, r.stance) for r in at) == sorted(
            (c.actor, c.topic, c.stance.value) for c in development.claims
        )


@given(entries())
def test_a_stored_claim_keeps_everything_a_claim_row_says_but_its_versions(entry: Entry) -> None:
    # The view's claims keep no source, reliability or reports (its version's row holds
    # them), and an empty occurred text where the span's plainest text says it.
    for row in claim_rows(versions(entry)):
        stored = stored_claim(row)
        assert len(stored) == len(CLAIMS.columns) - 2  # all but the recorded span
        assert stored[:8] == row[:8]
        assert stored[9] == row.rank
        assert occurred_text(stored[8], row.occurred_earliest, row.occurred_latest) == row.occurred


@given(whens())
def test_an_occurred_text_is_stored_empty_only_where_its_span_says_it(when: When) -> None:
    earliest, latest = when.earliest.toordinal(), when.latest.toordinal()
    row = ClaimRow("A", "t", earliest, latest, "d", 1, 2, 0, when.text, "s", 1, 0, 1)
    stored = stored_claim(row)[8]
    assert stored in ("", when.text)
    assert occurred_text(stored, earliest, latest) == when.text


def _stored_text(text: str) -> str:
    when = When(text)
    span = (when.earliest.toordinal(), when.latest.toordinal())
    stored: str = stored_claim(ClaimRow("A", "t", *span, "d", 1, 2, 0, when.text, "s", 1, 0, 1))[8]
    return stored


def test_plain_days_months_years_and_intervals_are_stored_empty_and_others_as_written() -> None:
    for text in ("2019-03-04", "2019-03", "2019", "2019-03-04/2019-05-06", "0987-02"):
        assert _stored_text(text) == ""
    # The same span as "2019-03", written otherwise; qualified or open-ended texts.
    for text in ("2019-03-01/2019-03-31", "2019-03~", "2019?", "../2019", "2019/2020"):
        assert _stored_text(text) == When(text).text


def naive_of(story: list[Entry]) -> NaiveStory:
    """The naive model of the same entries."""
    return NaiveStory.of((e.development, e.revisions, e.retractions) for e in story)


@given(corrected_stories(), pairs, st.booleans(), st.data())
def test_history_changes_exactly_where_the_naive_model_does(
    story: list[Entry], pair: tuple[str, str], possible: bool, data: st.DataObject
) -> None:
    model = naive_of(story)
    known_at = data.draw(maybe_near(model), label="known_at")
    probes = data.draw(st.lists(near(model), max_size=5), label="probes")
    claims = claims_on(known_developments(story, known_at), pair)
    changes = history(claims, *pair, possible=possible)
    check_history(model, changes, pair, known_at, possible, probes)


def _searched_causes(
    claims: list[Claimed], day: dt.date, after: Position | None, possible: bool
) -> tuple[str, ...]:
    """A change's causes by searching every counted claim, in search order (the reference)."""
    counted = sorted(
        (c for c in claims if rule.counts(c.rank) and _begun(c, possible) <= day),
        key=lambda c: c.search_key,
    )
    evidence = after.evidence if after is not None else ()
    return tuple(
        c.dev_id
        for c in counted
        if _begun(c, possible) == day or (c.occurred.latest == day and c.dev_id in evidence)
    )


def _begun(claim: Claimed, possible: bool) -> dt.date:
    return claim.occurred.earliest if possible else claim.occurred.latest


@given(corrected_stories(), pairs, st.booleans(), st.data())
def test_history_names_as_causes_the_claims_a_search_of_the_counted_ones_finds(
    story: list[Entry], pair: tuple[str, str], possible: bool, data: st.DataObject
) -> None:
    known_at = data.draw(maybe_near(naive_of(story)), label="known_at")
    claims = claims_on(known_developments(story, known_at), pair)
    for change in history(claims, *pair, possible=possible):
        assert change.causes == _searched_causes(claims, change.day, change.after, possible)


@given(corrected_stories(), pairs, st.booleans(), st.data())
def test_explain_names_the_naive_position_and_justifies_every_claim(
    story: list[Entry], pair: tuple[str, str], possible: bool, data: st.DataObject
) -> None:
    model = naive_of(story)
    day = data.draw(near(model), label="day")
    known_at = data.draw(maybe_near(model), label="known_at")
    check_explanation(model, explain(story, *pair, day, known_at=known_at, possible=possible))


@given(corrected_stories(), st.booleans(), st.data())
def test_diff_lists_every_naive_difference_once(
    story: list[Entry], possible: bool, data: st.DataObject
) -> None:
    model = naive_of(story)
    d1, d2 = data.draw(near(model), label="d1"), data.draw(near(model), label="d2")
    k1, k2 = data.draw(maybe_near(model), label="k1"), data.draw(maybe_near(model), label="k2")
    before, after = oracle(story, d1, k1, possible), oracle(story, d2, k2, possible)
    found = Diff((d1, d2), (k1, k2), possible, diff_positions(before, after))
    check_diff(model, found)


@given(developments())
def test_rows_read_from_the_stored_json_equal_the_decoded_ones(development: Development) -> None:
    mapper = default_mapper()
    stream = aggregates.DevelopmentStream(development=development)
    [recorded] = stream.collect_events()
    stored = mapper.to_stored_event(recorded)
    spans = versions(Entry(development))
    if development.reports:
        # Several reports make several versions: such an event is decoded in full.
        assert recorded_rows(stored.state, 7) is None
        return
    assert recorded_rows(stored.state, 7) == (
        development.id,
        claim_rows(spans),
        development_rows(spans, mapper.transcoder.encode, development, 7)[0],
        mentions(development),
    )
    changed = recorded_rows(stored.state.replace(b'"stanceclaim"', b'"claim"'), 7)
    # No claims: nothing of another shape to notice.
    assert changed is None or (changed[0], changed[1]) == (development.id, [])


@given(st.lists(developments(), max_size=6, unique_by=lambda d: d.id))
def test_event_by_event_processing_builds_the_same_tables(story: list[Development]) -> None:
    with Timeline() as tl:
        fill(tl, story)
        tl.materialised.catch_up()
        app = tl.materialised.application
        other = Materialised(app)
        projection = StoryProjection(other.view, mapper=app.mapper)
        for notification in app.notifications():
            # The way a ProjectionRunner feeds a projection: one event at a time.
            tracking = Tracking(app.name, notification.id)
            event = app.mapper.to_domain_event(notification)
            projection.process_event(event, tracking)
            projection.process_event(event, tracking)  # again: tracking makes it a no-op
        assert other.view.dump() == tl.materialised.view.dump()
        other.close()


def test_a_view_read_after_the_store_closes_says_so(tmp_path: Path) -> None:
    # close() closes every connection (issue 23, item 14): a view taken before reads no more.
    for url in ("memory://", f"sqlite:///{tmp_path / 'story.db'}"):
        with Timeline.open(url) as tl:
            fill(tl, [agreement(reported="2018-12-20")])
            view = tl.as_of("2019")
            assert view.position("TUR", "s400-purchase") is not None
        assert view.source == "materialised"
        with pytest.raises(ClosedError, match="the store is closed"):
            view.developments()
        with pytest.raises(ClosedError, match="the store is closed"):
            tl.as_of("2019")


def test_two_timelines_on_one_file_share_the_view(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as first, Timeline.open(url) as second:
        fill(first, [agreement(reported="2018-12-20")])
        assert second.as_of("2019").position("TUR", "s400-purchase") is not None
        assert first.materialised.tracking_id == second.materialised.tracking_id
        first.retract("agreement", reported="2019-02-01", reason="withdrawn")
        assert first.as_of("2019", "2019-01-31").position("TUR", "s400-purchase") is not None
        assert first.as_of("2019").position("TUR", "s400-purchase") is None
        assert second.as_of("2019").position("TUR", "s400-purchase") is None


def test_a_view_of_another_schema_is_dropped_and_rebuilt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'story.db'}"
    with Timeline.open(url) as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        tl.materialised.catch_up()
        datastore = tl.materialised.view.datastore
        with datastore.transaction(commit=True) as c:
            c.execute(
                "UPDATE positions_tracking SET notification_id = 0 "
                "WHERE application_name = '__schema__'"
            )
        SQLiteViewRecorder(datastore).create_table()
        assert tl.materialised.tracking_id == 0
        assert tl.as_of("2019").position("TUR", "s400-purchase") is not None
        assert tl.materialised.view.dump()["tracking"][0] == ("__schema__", SCHEMA)


def test_catching_up_stops_where_asked() -> None:
    with Timeline() as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        head = tl.materialised.application.recorder.max_notification_id() or 0
        assert tl.materialised.catch_up(until=2) == 2
        assert tl.materialised.tracking_id == 2
        assert tl.materialised.catch_up() == head - 2
        assert tl.materialised.catch_up() == 0


def test_the_reader_is_the_one_the_store_is_opened_with() -> None:
    with Timeline(reads=Replayed) as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        assert tl.as_of("2019").source == "replay"
        assert tl.reading(the_view).as_of("2019").source == "materialised"
    with Timeline() as tl:
        assert tl.as_of("2019").source == "materialised"
        assert tl.reading(Replayed).as_of("2019").source == "replay"


@pytest.mark.parametrize(("known_at", "known"), [(None, True), ("2018-12-19", False)])
def test_a_development_counts_once_it_is_known(known_at: str | None, known: bool) -> None:
    with Timeline() as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        position = tl.as_of("2019", known_at).position("TUR", "s400-purchase")
        assert (position is not None) == known
