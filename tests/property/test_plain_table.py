"""The plain-text table drawer draws exactly what `rich` draws, or leaves it to `rich`."""

from __future__ import annotations

import io

from hypothesis import event, example, given
from hypothesis import strategies as st

from timeline.cli._plain import plain_table
from timeline.cli._render import UNLIMITED, Column, Output

# Printable ASCII (spaces included); some tables also hold characters left to rich.
ASCII = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
ODD = ASCII | st.text(st.sampled_from("ab éü✓漢\t"), max_size=4)
WIDTHS = st.sampled_from([UNLIMITED, UNLIMITED, 80, 40, 12])


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], bool, int]:
    text = ODD if draw(st.booleans()) else ASCII
    names = draw(st.lists(text.filter(bool), min_size=1, max_size=5))
    rows = draw(st.lists(st.lists(text, min_size=len(names), max_size=len(names)), max_size=6))
    return names, rows, draw(st.booleans()), draw(WIDTHS)


def drawn_by_rich(names: list[str], rows: list[list[str]], header: bool, width: int) -> str:
    out = io.StringIO()
    output = Output(out, columns=width, no_color=True, term=None)
    output._rich_table([Column(n) for n in names], rows, wide=False, header=header, leading=0)
    return out.getvalue()


@given(tables())
# Hidden names still take part in fitting the table to the terminal.
@example((["0000000000", "0"], [["0", "0"]], False, 12))
def test_a_plain_table_is_the_one_rich_draws(
    table: tuple[list[str], list[list[str]], bool, int],
) -> None:
    names, rows, header, width = table
    plain = plain_table(names, rows, header, width)
    event("drawn plainly" if plain is not None else "left to rich")
    if plain is not None:
        out = io.StringIO()
        Output(out, columns=width, no_color=True, term=None).write(plain)
        assert out.getvalue() == drawn_by_rich(names, rows, header, width)


@st.composite
def ascii_tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    names = draw(st.lists(st.text("abc -:()0123", min_size=1), min_size=1, max_size=5))
    row = st.lists(st.text("ab c.-", min_size=1), min_size=len(names), max_size=len(names))
    return names, draw(st.lists(row, max_size=8))


@given(ascii_tables())
def test_an_unwrapped_ascii_table_is_drawn_plainly(
    table: tuple[list[str], list[list[str]]],
) -> None:
    names, rows = table
    assert plain_table(names, rows, True, UNLIMITED) is not None
