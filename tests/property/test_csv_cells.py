"""CSV cells never start a formula in a spreadsheet: `export --format csv` and every `--csv`."""

from __future__ import annotations

import csv
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import csv_cells
from timeline.cli._render import Column, Output
from timeline.projections._tables import write_csv
from timeline.projections.export import safe_cell

FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _check(original: str, written: str) -> None:
    if original.startswith(FORMULA) and not NUMBER.fullmatch(original):
        assert written == "'" + original
    else:
        assert written == original
    assert not written.startswith(FORMULA) or NUMBER.fullmatch(written)


@given(csv_cells())
def test_a_cell_starting_a_formula_gets_a_quote_mark_and_nothing_else_changes(cell: str) -> None:
    _check(cell, safe_cell(cell))


@given(st.lists(st.lists(csv_cells(), min_size=2, max_size=2), max_size=5))
def test_the_export_table_reads_back_neutralised(rows: list[list[str]]) -> None:
    text = write_csv(["a", "b"], rows)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["a", "b"]
    assert len(read) == len(rows) + 1
    for row, back in zip(rows, read[1:], strict=True):
        for original, written in zip(row, back, strict=True):
            _check(original, written)


@given(st.lists(st.lists(csv_cells(), min_size=2, max_size=2), max_size=5))
def test_every_csv_table_of_the_command_reads_back_neutralised(rows: list[list[str]]) -> None:
    stream = io.StringIO(newline="")
    Output(stream, columns=None, no_color=True, term=None).csv([Column("a"), Column("b")], rows)
    read = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert len(read) == len(rows) + 1
    for row, back in zip(rows, read[1:], strict=True):
        for original, written in zip(row, back, strict=True):
            _check(original, written)


def test_numbers_stay_numbers() -> None:
    for number in ("-26.4", "+3", "-1e5", "0"):
        assert safe_cell(number) == number
    assert safe_cell("-") == "'-"
    assert safe_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
