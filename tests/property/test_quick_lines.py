"""A development line made at once (`engine._quick_lines`) is what the field walk makes of it.

Lines are the export's records of generated developments, then spoiled in the ways
files are: a key dropped, an unknown key, a value null or of another shape, a date,
kind or stance that does not read.  Either the quick path declines (None) and the walk
reads the line as it always did, or both make the same development and the walk
finds no problem.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import agreement, developments, event_data
from timeline.engine._import_lines import Line, Load
from timeline.engine._importer import _walked_value
from timeline.engine._quick_lines import quick_development
from timeline.engine._registry import Registry
from timeline.projections.export import development_record

# Values a spoiled field may take: null, or another JSON shape, or text that does not read.
_ODD = st.sampled_from(
    [None, 0, 1.5, True, "", "  ", "no such thing", [], ["x"], [1], {}, {"a": 1}]
)
_KEYS = ["id", "occurred", "reported", "kind", "summary", "actors", "targets", "source", "claims"]
_KEYS += ["occurred_as_written", "coded", "mode", "context", "weight", "reports"]
_KEYS += ["nonsense"] * 4  # an unknown key: often, as hand-edited files have them
_NESTED = ["publisher", "reliability", "attribution", "url", "published", "repeats", "extra"]
_NESTED += ["extra"] * 2
_CLAIM = ["actor", "topic", "stance", "quote", "extra", "extra"]


@st.composite
def lines(draw: st.DrawFn) -> dict[str, Any]:
    """The record of a development, as the export writes it, maybe spoiled in a few places."""
    development = draw(developments())
    if draw(st.booleans()):
        development = draw(event_data(development))
    data: dict[str, Any] = {"type": "development", **development_record(development)}
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(0, 2))):
        where = draw(st.sampled_from(["top", "drop", "source", "claim"]))
        if where == "top":
            data[draw(st.sampled_from(_KEYS))] = draw(_ODD)
        elif where == "drop":
            data.pop(draw(st.sampled_from(_KEYS)), None)
        elif where == "source" and isinstance(data.get("source"), dict):
            data["source"][draw(st.sampled_from(_NESTED))] = draw(_ODD)
        elif where == "claim" and isinstance(data.get("claims"), list) and data["claims"]:
            claim = data["claims"][0]
            if isinstance(claim, dict):
                claim[draw(st.sampled_from(_CLAIM))] = draw(_ODD)
    return data


@settings(max_examples=400)
@given(lines())
def test_the_quick_path_makes_what_the_walk_makes_or_declines(data: dict[str, Any]) -> None:
    quick = quick_development(copy.deepcopy(data))
    load = Load("lines.jsonl", Registry())
    walked = _walked_value(Line(load, 1, "development", data))
    if quick is not None:
        assert load.problems == []
        assert walked == quick


@pytest.mark.parametrize("value", ["x", None])  # null too: the walk names the key anyway
@pytest.mark.parametrize(
    ("where", "key"), [((), "nonsense"), (("source",), "extra"), (("claims", 0), "extra")]
)
def test_an_unknown_key_anywhere_sends_the_line_to_the_walk(
    where: tuple[Any, ...], key: str, value: str | None
) -> None:
    root: dict[str, Any] = {"type": "development", **development_record(agreement())}
    assert quick_development(root) is not None
    place: Any = root
    for step in where:
        place = place[step]
    place[key] = value
    assert quick_development(root) is None


@given(developments())
def test_a_sound_line_takes_the_quick_path(development: Any) -> None:
    # The quick path is taken for what the export writes (else it would never pay).
    data = {"type": "development", **development_record(development)}
    if not development.reports:
        assert quick_development(data) == development
