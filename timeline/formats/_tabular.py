"""Tab- and comma-separated files read one row at a time, each with its line number."""

from __future__ import annotations

import csv
import sys
from collections.abc import Collection, Iterator, Sequence

from timeline.engine.errors import LoadError

__all__ = ["Row", "columns_of", "first_columns", "headed", "rows"]

# A row: the line it starts on, its raw text (for a rejection) and its cells.
Row = tuple[int, str, list[str]]

# Event datasets hold long free-text cells (ACLED's notes), longer than csv's default.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def columns_of(line: str, delimiter: str) -> list[str]:
    """A header line's column names, stripped of quotes and spaces."""
    return [cell.strip().strip('"').strip() for cell in line.rstrip("\r\n").split(delimiter)]


def first_columns(lines: Sequence[str], delimiter: str) -> set[str]:
    """The column names of a file's first line: how a headed format is recognised."""
    return set(columns_of(lines[0], delimiter)) if lines else set()


def headed(
    path: str, needed: Collection[str], dataset: str
) -> tuple[dict[str, int], Iterator[Row]] | None:
    """A tab-separated file's column positions by name and its rows after the header
    (None for an empty file); a header without a needed column is one `LoadError`."""
    found = rows(path, "\t", quoted=False)
    header = next(found, None)
    if header is None:
        return None
    columns = {name: i for i, name in enumerate(columns_of(header[1], "\t"))}
    missing = sorted(set(needed) - set(columns))
    if missing:
        raise LoadError(
            [f"{path}:{header[0]}: header: missing columns {', '.join(missing)} of {dataset}"]
        )
    return columns, found


def rows(path: str, delimiter: str, *, quoted: bool) -> Iterator[Row]:
    """Every non-blank row of the file, lazily; a quoted cell may span lines when `quoted`."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            if quoted:
                yield from _quoted(file, delimiter)
            else:
                yield from _plain(file, delimiter)
    except UnicodeDecodeError as error:
        raise LoadError([f"{path}: not UTF-8 text: {error}"]) from None
    except OSError as error:
        raise LoadError([f"{path}: cannot read the file: {error}"]) from None


def _plain(file: Iterator[str], delimiter: str) -> Iterator[Row]:
    for number, line in enumerate(file, start=1):
        text = line.rstrip("\r\n")
        if text.strip():
            yield number, text, text.split(delimiter)


def _quoted(file: Iterator[str], delimiter: str) -> Iterator[Row]:
    lines: list[str] = []

    def remember(source: Iterator[str]) -> Iterator[str]:
        for line in source:
            lines.append(line)
            yield line

    reader = csv.reader(remember(file), delimiter=delimiter)
    start = 1
    for cells in reader:
        text = "".join(lines).rstrip("\r\n")
        lines.clear()
        if any(cell.strip() for cell in cells):
            yield start, text, cells
        start = reader.line_num + 1
