"""Bad input is a clear `TimelineError` of the fitting builtin, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.strategies import agreement, registry_actors, registry_topics
from timeline import Timeline
from timeline.engine import (
    Actor,
    DateError,
    DuplicateError,
    NotRetractableError,
    RecordError,
    StanceClaim,
    TimelineError,
    Topic,
    UnknownDevelopmentError,
    UnknownNameError,
)


@pytest.fixture
def tl(timeline: Timeline) -> Timeline:
    timeline.record_many([agreement()], actors=registry_actors(), topics=registry_topics())
    return timeline


def unchanged(tl: Timeline, action: Callable[[], object]) -> TimelineError:
    """Runs an action that must fail, and checks the store did not change."""
    head, entries = tl.head, tl.entries()
    actors, topics = dict(tl.registry.actors), dict(tl.registry.topics)
    with pytest.raises(TimelineError) as caught:
        action()
    assert (tl.head, tl.entries()) == (head, entries)
    assert (dict(tl.registry.actors), dict(tl.registry.topics)) == (actors, topics)
    return caught.value


def test_a_malformed_date_names_the_text(tl: Timeline) -> None:
    error = unchanged(tl, lambda: tl.record(agreement(id="other", occurred="2017-13")))
    assert isinstance(error, DateError)
    assert isinstance(error, ValueError)
    assert "'2017-13'" in str(error)
    assert "month 13" in str(error)


def test_a_malformed_field_names_the_field() -> None:
    with pytest.raises(RecordError, match=r"Development\.id: expected a slug") as caught:
        agreement(id="Not A Slug")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(RecordError, match=r"stance .*committed.*found 'keen'"):
        StanceClaim("TUR", "s400-purchase", "keen")
    with pytest.raises(RecordError, match="two claims for actor 'TUR'"):
        agreement(
            claims=[
                StanceClaim("TUR", "s400-purchase", "committed"),
                StanceClaim("TUR", "s400-purchase", "supports"),
            ]
        )


def test_an_unknown_actor_suggests_close_names(tl: Timeline) -> None:
    claims = [StanceClaim("TRU", "s400-purchase", "supports")]
    error = unchanged(tl, lambda: tl.record(agreement(id="other", claims=claims)))
    assert isinstance(error, UnknownNameError)
    assert isinstance(error, LookupError)
    assert "development 'other' claims[0].actor: unknown actor 'TRU'" in str(error)
    assert "'TUR'" in str(error)


def test_an_unknown_topic_is_an_error(tl: Timeline) -> None:
    claims = [StanceClaim("TUR", "s400-purchas", "supports")]
    error = unchanged(tl, lambda: tl.record(agreement(id="other", claims=claims)))
    assert isinstance(error, UnknownNameError)
    assert "unknown topic 's400-purchas'; did you mean 's400-purchase'?" in str(error)


def test_one_bad_development_in_a_batch_writes_none_of_it(tl: Timeline) -> None:
    good = agreement(id="good")
    bad = agreement(id="bad", actors=["Atlantis"])
    error = unchanged(tl, lambda: tl.record_many([good, bad]))
    assert isinstance(error, UnknownNameError)


def test_a_duplicate_id_with_different_content_says_to_revise(tl: Timeline) -> None:
    error = unchanged(tl, lambda: tl.record(agreement(summary="Something else.")))
    assert isinstance(error, DuplicateError)
    assert isinstance(error, ValueError)
    assert "'agreement' is already recorded" in str(error)
    assert "summary" in str(error)
    assert "revise()" in str(error)
    assert "timeline revise agreement --reported DATE --reason TEXT" in str(error)


def test_recording_identical_content_again_is_a_no_op(tl: Timeline) -> None:
    head = tl.head
    assert tl.record(agreement()) == "agreement"
    assert tl.record_many([agreement()]) == []
    assert tl.head == head


def test_revising_an_unknown_id_is_a_lookup_error(tl: Timeline) -> None:
    error = unchanged(
        tl, lambda: tl.revise("nothing", reported="2019-01-01", reason="x", summary="y")
    )
    assert isinstance(error, UnknownDevelopmentError)
    assert isinstance(error, LookupError)
    assert "'nothing'" in str(error)


def test_retracting_an_unknown_id_is_a_lookup_error(tl: Timeline) -> None:
    error = unchanged(tl, lambda: tl.retract("nothing", reported="2019-01-01", reason="x"))
    assert isinstance(error, UnknownDevelopmentError)


def test_a_revision_must_change_something(tl: Timeline) -> None:
    error = unchanged(tl, lambda: tl.revise("agreement", reported="2019-01-01", reason="x"))
    assert isinstance(error, RecordError)
    assert "at least one of" in str(error)


def test_a_revision_with_an_unknown_actor_writes_nothing(tl: Timeline) -> None:
    claims = [StanceClaim("Narnia", "s400-purchase", "supports")]
    error = unchanged(
        tl, lambda: tl.revise("agreement", reported="2019-01-01", reason="x", claims=claims)
    )
    assert isinstance(error, UnknownNameError)


def test_a_second_different_retraction_is_refused(tl: Timeline) -> None:
    tl.retract("agreement", reported="2019-01-01", reason="withdrawn")
    head = tl.head
    tl.retract("agreement", reported="2019-01-01", reason="withdrawn")  # a safe retry
    assert tl.head == head
    error = unchanged(tl, lambda: tl.retract("agreement", reported="2019-02-01", reason="again"))
    assert isinstance(error, NotRetractableError)
    assert "already retracted" in str(error)


def test_a_name_clash_in_the_registry_is_refused(tl: Timeline) -> None:
    clash = Actor("TUR", "Turkey, renamed")
    error = unchanged(tl, lambda: tl.register_actor(clash))
    assert isinstance(error, RecordError)
    assert "already registered with different details" in str(error)
    alias_clash = Topic("other-topic", "Another topic", aliases=["s400-purchase"])
    error = unchanged(tl, lambda: tl.register_topic(alias_clash))
    assert "already stands for 's400-purchase'" in str(error)


def test_a_datetime_is_not_a_day(tl: Timeline) -> None:
    import datetime as dt

    error = unchanged(tl, lambda: tl.as_of(dt.datetime(2018, 1, 1, 12)))
    assert isinstance(error, DateError)


def test_the_same_actor_twice_in_one_batch_is_registered_once(timeline: Timeline) -> None:
    turkey = Actor("TUR", "Turkey", aliases=["Ankara"])
    timeline.record_many([], actors=[turkey, turkey], topics=registry_topics() * 2)
    assert timeline.registry.actors == {"TUR": turkey}
    assert timeline.registry.resolve("actor", "ankara") == "TUR"
