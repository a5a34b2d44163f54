"""A topic chart's values and `When`s passed between processes as pickles
(`engine._slots.pickled_by_fields`) come back equal, every field alike, of their class."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import days, whens
from timeline.engine.values import Stance
from timeline.projections.charts import Band, Marker, Series, Step, TopicChart

texts = st.text(max_size=8)
steps = st.builds(
    Step, days(), st.none() | days(), st.sampled_from(Stance), st.booleans(), whens(),
    st.tuples(texts, texts),
)  # fmt: skip
bands = st.builds(Band, days(), days(), st.sampled_from(Stance), st.tuples(texts))
markers = st.builds(Marker, days(), whens(), st.sampled_from(Stance), texts, whens(), texts)
series = st.builds(
    Series, texts, texts, st.integers(0, 99), st.tuples(*[steps] * 3), st.tuples(bands),
    st.tuples(markers),
)  # fmt: skip


def _fields(value: Any) -> list[tuple[str, Any]]:
    """Every field's name and value (a `When`'s `eq=False` ones too), nested values' too."""
    if not attrs.has(type(value)):
        if isinstance(value, tuple):
            return [("", [_fields(item) for item in value])]
        return [("", (type(value), value))]
    return [(f.name, _fields(getattr(value, f.name))) for f in attrs.fields(type(value))]


@given(series, days(), days())
def test_a_topic_chart_comes_back_from_its_pickle_as_it_was(
    one: Series, start: Any, end: Any
) -> None:
    chart = TopicChart("t", "a topic", None, start, end, (one, one))
    back = pickle.loads(pickle.dumps(chart, pickle.HIGHEST_PROTOCOL))
    assert back == chart
    assert _fields(back) == _fields(chart)
    assert type(back.series[0].steps[0]) is Step
    assert type(back.series[0].steps[0].since.earliest) is type(one.steps[0].since.earliest)
