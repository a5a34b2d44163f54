"""A JSON Lines line reads as the same value, or fails the same way, through msgspec as
through json (`timeline.formats._json_stream`): msgspec is only the fast path."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.formats._json_stream import _forgiving, _json_forgiving, _parsed

# JSON values as files hold them, and the edges where the two parsers might part: huge
# and negative-zero numbers, NaN and infinities, lone surrogates, control characters.
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**65)
    | st.floats()
    | st.text(st.characters(codec=None, exclude_categories=()))
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


@st.composite
def _lines(draw: st.DrawFn) -> str:
    """A line as written by json.dumps, maybe spoiled: a cut, a character put in or dropped."""
    text = json.dumps(draw(_VALUES), ensure_ascii=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        spoil = draw(st.sampled_from(["cut", "insert", "drop"]))
        if spoil == "cut":
            text = text[:at]
        elif spoil == "insert":
            put = draw(st.sampled_from([",", "}", "]", '"', "\\", "\t", "e9", "-", "NaN"]))
            text = text[:at] + put + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    return text


def _outcome(read: Any, text: str) -> tuple[str, str]:
    try:
        return "value", repr(read(text))
    except (ValueError, RecursionError) as error:
        return type(error).__name__, str(error)


@settings(max_examples=500)
@given(_lines() | st.text())
def test_a_line_reads_as_json_reads_it(text: str) -> None:
    assert _outcome(_forgiving, text) == _outcome(_json_forgiving, text)


@given(_lines())
def test_a_line_is_found_or_refused_with_json_s_own_words(text: str) -> None:
    number, _, found, why = _parsed(3, text)
    assert number == 3
    expected = _outcome(_json_forgiving, text)
    if expected[0] == "value":
        assert (repr(found), why) == (expected[1], "") or (
            found is None and why == "expected a JSON object"
        )
    else:
        assert found is None
        assert why
