"""`When`: EDTF parsing and printing, spans, qualifiers and relative phrases."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import bounded_whens, edtf_texts, point_texts, whens
from timeline.engine import DateError, Precision, TimelineError, When


@given(edtf_texts())
def test_canonical_text_prints_as_written(text: str) -> None:
    assert str(When(text)) == text


@given(whens())
def test_printing_then_parsing_gives_the_same_value(when: When) -> None:
    again = When(str(when))
    assert again == when
    assert (again.earliest, again.latest, again.precision) == (
        when.earliest,
        when.latest,
        when.precision,
    )


@given(whens())
def test_span_is_ordered_and_contains_its_ends(when: When) -> None:
    assert when.earliest <= when.latest
    assert when.contains(when.earliest)
    assert when.contains(when.latest)
    assert when.ended_by(when.latest)
    assert when.started_by(when.earliest)


@given(point_texts())
def test_a_qualifier_widens_the_span_around_the_plain_date(text: str) -> None:
    plain = When(text.rstrip("?~%"))
    for qualifier in "?~%":
        qualified = When(plain.text + qualifier)
        assert qualified.earliest < plain.earliest <= plain.latest < qualified.latest
        assert qualified.precision is plain.precision


@given(point_texts(), point_texts())
def test_an_interval_spans_from_its_start_to_its_end(a: str, b: str) -> None:
    start, end = sorted([When(a), When(b)], key=lambda w: w.earliest)
    plain_start, plain_end = (
        When(start.text.rstrip("?~%")),
        When(end.text.rstrip("?~%")),
    )
    if plain_start.earliest > plain_end.latest:
        return
    interval = When(f"{start}/{end}")
    assert interval.precision is Precision.INTERVAL
    assert (interval.earliest, interval.latest) == (start.earliest, end.latest)


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2018-12-18", "2018-12-18", "2018-12-18", Precision.DAY),
        ("2017-12", "2017-12-01", "2017-12-31", Precision.MONTH),
        ("2019", "2019-01-01", "2019-12-31", Precision.YEAR),
        ("2018-11~", "2018-10-01", "2018-12-31", Precision.MONTH),
        ("2019?", "2018-01-01", "2020-12-31", Precision.YEAR),
        ("2019-07-12/2019-07-25", "2019-07-12", "2019-07-25", Precision.INTERVAL),
        ("../2018-06", "0001-01-01", "2018-06-30", Precision.INTERVAL),
        ("2019-07/..", "2019-07-01", "9999-12-31", Precision.INTERVAL),
        ("201X", "2010-01-01", "2019-12-31", Precision.DECADE),
        ("2019-21", "2019-03-01", "2019-05-31", Precision.SEASON),
        ("2019-24", "2019-12-01", "2020-02-29", Precision.SEASON),
        ("2016-02-XX", "2016-02-01", "2016-02-29", Precision.MONTH),
    ],
)
def test_known_spans(text: str, earliest: str, latest: str, precision: Precision) -> None:
    when = When(text)
    assert (when.earliest.isoformat(), when.latest.isoformat()) == (earliest, latest)
    assert when.precision is precision
    assert isinstance(when.earliest, pendulum.Date)


def test_flags_follow_the_qualifier() -> None:
    assert (When("2018~").approximate, When("2018~").uncertain) == (True, False)
    assert (When("2018?").approximate, When("2018?").uncertain) == (False, True)
    assert (When("2018%").approximate, When("2018%").uncertain) == (True, True)


def test_whitespace_is_not_part_of_the_value() -> None:
    assert When(" 2019-07-12 / 2019-07-25 ").text == "2019-07-12/2019-07-25"


@pytest.mark.parametrize(
    "text",
    ["garbage", "2018-13", "2019-02-30", "0000", "2019-21-03", "2019/2018", "/", "18-12-2018",
     "2018-12-18T10:00", "201X-05", "2018-1-5", "2018/2019/2020", ""],
)  # fmt: skip
def test_garbage_is_a_date_error_quoting_the_text(text: str) -> None:
    with pytest.raises(DateError) as caught:
        When(text)
    assert isinstance(caught.value, TimelineError)
    assert isinstance(caught.value, ValueError)
    assert repr(text) in str(caught.value)


def test_non_text_is_a_date_error() -> None:
    with pytest.raises(DateError, match="expected EDTF text"):
        When(2018)


def test_coerce_takes_text_days_and_whens_but_not_datetimes() -> None:
    assert When.coerce("2018") == When("2018")
    assert When.coerce(dt.date(2018, 5, 1)) == When("2018-05-01")
    assert When.coerce(pendulum.Date(2018, 5, 1)) == When("2018-05-01")
    with pytest.raises(DateError, match="datetime"):
        When.coerce(dt.datetime(2018, 5, 1, 12))


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected"),
    [
        ("last month", "2018-12-19", "2018-11"),
        ("Last  Month", "2018-12-19/2018-12-20", "2018-11"),
        ("this month", "2018-12-19", "2018-12"),
        ("last year", "2018-12-19", "2017"),
        ("this year", "2018-12-19", "2018"),
        ("yesterday", "2018-12-01", "2018-11-30"),
        ("today", "2018-12-01", "2018-12-01"),
        ("3 days ago", "2018-03-02", "2018-02-27"),
        ("two months ago", "2018-01-15", "2017-11"),
        ("a year ago", "2018-01-15", "2017"),
        ("last week", "2018-12-19", "2018-12-10/2018-12-16"),
        ("2 weeks ago", "2018-12-19", "2018-12-03/2018-12-09"),
        ("last month", "2018-12", "2018-11"),
        ("last month", "2018-12-31/2019-01-02", "2018-11/2018-12"),
        ("last month", "2018-12?", "2018-10/2018-12"),
    ],
)
def test_relative_phrases_resolve_against_the_anchor(
    phrase: str, anchor: str, expected: str
) -> None:
    assert When.relative(phrase, anchor=anchor) == When(expected)


@given(
    bounded_whens(),
    st.sampled_from(["last month", "yesterday", "last year", "last week"]),
)
def test_relative_result_covers_every_day_of_the_anchor(anchor: When, phrase: str) -> None:
    result = When.relative(phrase, anchor=anchor)
    for day in (anchor.earliest, anchor.latest):
        assert result.span_covers(When.relative(phrase, anchor=When.day(day)))


def test_an_uncertain_anchor_widens_the_result() -> None:
    certain = When.relative("last month", anchor="2018-12")
    uncertain = When.relative("last month", anchor="2018-12?")
    assert uncertain.earliest < certain.earliest
    assert certain.latest <= uncertain.latest


@pytest.mark.parametrize("phrase", ["next month", "soon", "last decade", "many days ago"])
def test_unknown_phrases_are_date_errors(phrase: str) -> None:
    assert not When.is_relative(phrase)
    with pytest.raises(DateError, match=repr(phrase)):
        When.relative(phrase, anchor="2018-12-19")


def test_an_open_anchor_cannot_resolve_a_phrase() -> None:
    with pytest.raises(DateError, match="open-ended"):
        When.relative("last month", anchor="../2018-12")
