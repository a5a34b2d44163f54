"""A dataset row's development made directly (`engine._made`) is the constructor's, or its error."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import (
    ACTORS,
    actor_names,
    cameo_codes,
    csv_cells,
    developments,
    event_data,
    scale_weights,
    whens,
)
from timeline.engine import _made
from timeline.engine.errors import RecordError
from timeline.engine.values import Development, Kind, Reliability, Source

# Texts as a row's cells give them, and the odd values a reader should never pass on
# (empty, blank, non-ASCII, a lone surrogate, not text at all).
_TEXTS = (
    st.sampled_from(["", " ", "\t", "é", "\ud800", "Ünïcode text", "x" * 300])
    | csv_cells()
    | actor_names()
    | st.text(max_size=8)
)
_ODD: Any = st.sampled_from([None, 3, 2.5, b"x", ["a"], ("a", 1)])
_IDS = st.sampled_from(["gdelt-1000000000001", "acled-ARG12345", "x", "Bad Id", "-"]) | _TEXTS
_WEIGHTS = st.none() | scale_weights() | st.sampled_from([11.0, -10.5, 3, True, float("nan")])


def _outcome(make: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """What `make` gives: its value, or the kind and message of its error."""
    try:
        return "made", make(*args, **kwargs)
    except (RecordError, TypeError, ValueError) as error:  # DateError is a ValueError
        return "refused", type(error), str(error)


_PUBLISHERS = st.sampled_from(["GDELT", "ACLED", "bbc.co.uk", "news.example.org"])
_URLS = st.sampled_from(["https://www.bbc.co.uk/news/1", "http://x.org/a?b=c"])


@given(
    # The usual parts about as often as the odd ones.
    publisher=st.one_of(_PUBLISHERS, _PUBLISHERS, _TEXTS, _ODD),
    reliability=st.one_of(*[st.sampled_from(Reliability)] * 3, st.sampled_from(["named", "x"])),
    url=st.one_of(st.none(), _URLS, _URLS, _TEXTS, _ODD),
)
def test_a_source_is_the_constructors(publisher: Any, reliability: Any, url: Any) -> None:
    made = _outcome(_made.source, publisher, reliability, url)
    assert made == _outcome(Source, publisher, reliability, url=url)
    if made[0] == "made":
        assert attrs.asdict(made[1]) == attrs.asdict(Source(publisher, reliability, url=url))


def _fields(draw: st.DrawFn) -> dict[str, Any]:
    """A dataset row's development's fields: mostly as readers make them, some odd."""
    usual: Development = draw(developments().flatmap(event_data))
    chosen = {name: getattr(usual, name) for name in _made.ROW_FIELDS}
    chosen["source"] = Source(usual.source.publisher, Reliability.NAMED, url=None)
    odd = {
        "id": _IDS | _ODD,
        "occurred": whens() | st.sampled_from(["2019-04-12", None]),
        "reported": whens() | st.sampled_from(["2019", 20190412]),
        "kind": st.sampled_from(Kind) | st.sampled_from(["meet", "nonsense", None]),
        "summary": _TEXTS | _ODD,
        "actors": st.lists(st.sampled_from(ACTORS), max_size=2).map(tuple) | _ODD | _TEXTS,
        "targets": st.lists(st.sampled_from(ACTORS), max_size=2) | st.sampled_from(["USA", ()]),
        "source": st.sampled_from([None, "Reuters"]),
        "coded": st.none() | cameo_codes() | _TEXTS | _ODD,
        "mode": st.lists(_TEXTS, max_size=2).map(tuple) | st.sampled_from(["visit", ["a"]]),
        "context": st.lists(_TEXTS, max_size=2).map(tuple) | st.sampled_from(["military"]),
        "weight": _WEIGHTS | _ODD,
    }
    for name in draw(st.lists(st.sampled_from(sorted(odd)), max_size=3, unique=True)):
        chosen[name] = draw(odd[name])
    return chosen


@given(st.composite(_fields)())
def test_a_development_is_the_constructors(fields: dict[str, Any]) -> None:
    made = _outcome(_made.development, *(fields[name] for name in _made.ROW_FIELDS))
    expected = _outcome(Development, **fields)
    assert made == expected
    if made[0] == "made":  # equal field by field, each of the same type
        mine, theirs = (
            attrs.asdict(made[1], recurse=False),
            attrs.asdict(expected[1], recurse=False),
        )
        assert mine == theirs
        assert [type(v) for v in mine.values()] == [type(v) for v in theirs.values()]
