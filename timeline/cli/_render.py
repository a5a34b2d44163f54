"""Printing for people and programs: tables that fit the terminal, CSV, and JSON.

Tables are drawn by `rich`, which measures text as the terminal shows it and wraps
cells to fit the width: on a terminal its width, else `COLUMNS` when set, else
unlimited (piped output is not wrapped).  `--wide` adds the wide-only columns and
never wraps.  Colour is used on a terminal only, and never with `NO_COLOR`.  A
table of plain ASCII that fits unwrapped is drawn, the same, by `cli._plain`.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from timeline.cli._plain import plain_table
from timeline.cli._widths import GAP, fit_widths, records, too_narrow

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = ["Column", "Output", "dump", "tidy"]

UNLIMITED = 10_000
DEFAULT_WIDTH = 80
STANCE_STYLES = {
    "rejects": "bold red",
    "opposes": "red",
    "undecided": "yellow",
    "supports": "green",
    "committed": "bold green",
}


@attrs.frozen
class Column:
    """One column of a table: its header, and how it gives way on a narrow terminal.

    `wide` columns show only with `--wide`; an `under` column, when the table is too
    wide for the terminal, moves into the cell of the column it names, on a line of
    its own (several such columns share the line, comma-separated).
    """

    name: str
    wide: bool = False
    style: Callable[[str], str | None] | None = None
    under: str | None = None


def _natural(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> int:
    """The width a table needs to put every row on one line."""
    from rich.cells import cell_len

    widths = [max([cell_len(column.name), *(cell_len(row[i]) for row in rows)])
              for i, column in enumerate(columns)]  # fmt: skip
    return sum(widths) + 2 * (len(columns) - 1)


def stack(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None
) -> tuple[list[Column], list[list[str]]]:
    """The columns and rows to draw: `under` columns folded into others when too wide."""
    if width is None or _natural(columns, rows) <= width:
        return list(columns), [list(row) for row in rows]
    names = [column.name for column in columns]
    kept = [i for i, column in enumerate(columns) if column.under not in names]
    moved: dict[int, list[int]] = {}
    for i, column in enumerate(columns):
        if column.under in names:
            moved.setdefault(names.index(column.under), []).append(i)
    stacked = []
    headers = [
        Column(" / ".join([columns[i].name, ", ".join(columns[j].name for j in moved[i])]))
        if i in moved
        else columns[i]
        for i in kept
    ]
    for row in rows:
        cells = []
        for i in kept:
            extra = ", ".join(row[j] for j in moved.get(i, []) if row[j])
            cells.append(f"{row[i]}\n{extra}" if extra else row[i])
        stacked.append(cells)
    return [
        attrs.evolve(h, style=columns[i].style) for h, i in zip(headers, kept, strict=True)
    ], stacked


def stance_style(cell: str) -> str | None:
    """The colour of a stance cell (its first word)."""
    return STANCE_STYLES.get(cell.split(" ", 1)[0])


def tidy(value: Any) -> Any:
    """JSON-ready data with floats rounded to 6 places, so sums read as written (-26.4)."""
    if isinstance(value, float):
        rounded = round(value, 6) if math.isfinite(value) else None
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, Mapping):
        return {key: tidy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [tidy(item) for item in value]
    return value


def dump(document: Any) -> str:
    """JSON text for programs: indented, keys in a fixed order, non-ASCII kept."""
    return json.dumps(tidy(document), indent=2, ensure_ascii=False)


# Control characters but the newline: ESC would start a terminal command, NUL and the
# rest garble or hide what follows.  Stored texts may hold any of them.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with its control characters (ESC, NUL, ...) shown as escapes such as `\\x1b`."""
    return _CONTROL.sub(lambda found: repr(found[0])[1:-1], text)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Output:
    """One output stream (stdout or stderr) with its width and colour decided once."""

    def __init__(
        self, stream: TextIO, *, columns: int | None, no_color: bool, term: str | None
    ) -> None:
        self.stream = stream
        self.terminal = _is_terminal(stream)
        self.color = self.terminal and not no_color and term != "dumb"
        self.width = columns or self._terminal_width()
        self._term = term
        self._console: Console | None = None

    def _terminal_width(self) -> int | None:
        if not self.terminal:
            return None
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return DEFAULT_WIDTH
        # A terminal that reports no width (a serial console, some CI runners) gets the default.
        return columns if columns > 0 else DEFAULT_WIDTH

    def console(self, *, wide: bool = False, live: bool = False) -> Console:
        """A rich console that draws for this stream (unlimited width when `wide`).

        It draws into a string that `write` then prints, except a `live` one (for
        progress on a terminal), which draws on the stream itself.
        """
        from rich.console import Console

        environ = {"TERM": self._term} if self._term else {}
        return Console(
            file=self.stream if live else io.StringIO(),
            width=UNLIMITED if wide or self.width is None else self.width,
            force_terminal=self.color or (live and self.terminal),
            no_color=not self.color,
            color_system="standard" if self.color else None,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
            _environ=environ,
        )

    def write(self, text: str) -> None:
        """Writes lines as they are, with the trailing spaces rich pads cells with removed."""
        lines = [line.rstrip(" ") for line in text.rstrip("\n").split("\n")]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()

    def _render(self, renderable: Any, *, wide: bool = False, least: int | None = None) -> str:
        console = self.console(wide=wide)
        if least is not None and least > console.width:
            console.width = least
        with console.capture() as captured:
            console.print(renderable)
        return captured.get()

    def _wrap(self, text: str) -> str:
        if self.width is None:
            return text
        return "\n".join(
            textwrap.fill(part, self.width, break_on_hyphens=False) for part in text.split("\n")
        )

    def _styled(self, text: str, style: str) -> str:
        from rich.text import Text

        return self._render(Text(text, style=style), wide=True).rstrip("\n")

    def line(self, text: str, *, style: str | None = None) -> None:
        """A paragraph, wrapped to the width (never split inside a word)."""
        wrapped = self._wrap(visible(text))
        self.write(self._styled(wrapped, style) if self.color and style else wrapped)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        wide: bool,
        header: bool = True,
        leading: int = 0,
    ) -> None:
        """Rows under a header, wrapped to fit (wide: every column, one line per row)."""
        rows = [[visible(cell) for cell in row] for row in rows]
        shown_columns = [column for column in columns if wide or not column.wide]
        shown_rows = [[row[i] for i, c in enumerate(columns) if wide or not c.wide] for row in rows]
        stacked = False
        if not wide and self.width is not None and header:
            stacked_columns, stacked_rows = stack(shown_columns, shown_rows, self.width)
            names = [c.name for c in stacked_columns]
            if too_narrow(names, stacked_rows, self.width):
                self._records(shown_columns, shown_rows)
                return
        if not wide:
            count = len(shown_columns)
            shown_columns, shown_rows = stack(shown_columns, shown_rows, self.width)
            stacked = len(shown_columns) < count
        width = UNLIMITED if wide or self.width is None else self.width
        if not (self.color or stacked or leading):
            plain = plain_table([c.name for c in shown_columns], shown_rows, header, width)
            if plain is not None:
                self.write(plain)
                return
        leading = 1 if stacked else leading
        self._rich_table(shown_columns, shown_rows, wide=wide, header=header, leading=leading)

    def _records(self, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
        """Each row as `column: value` lines, for a terminal too narrow for any table."""
        assert self.width is not None

        def paint(index: int, label: str, rest: str) -> str:
            column = columns[index]
            style = column.style(rest.strip()) if column.style else None
            return self._styled(label, "bold") + (self._styled(rest, style) if style else rest)

        names = [c.name for c in columns]
        self.write(records(names, rows, self.width, paint if self.color else None))

    def _rich_table(
        self,
        shown_columns: Sequence[Column],
        shown_rows: Sequence[Sequence[str]],
        *,
        wide: bool,
        header: bool,
        leading: int,
    ) -> None:
        from rich import box
        from rich.table import Table

        dashes = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
        table = Table(
            box=dashes,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
            header_style="bold" if self.color else "",
            highlight=False,
            show_header=header,
            leading=leading,
        )
        fitted = None
        if not wide and self.width is not None:
            fitted = fit_widths([c.name for c in shown_columns], shown_rows, self.width)
        for i, column in enumerate(shown_columns):
            fixed = None if fitted is None else fitted[i]
            table.add_column(column.name, overflow="fold", no_wrap=wide, width=fixed)
        for row in shown_rows:
            table.add_row(
                *(self._cell(c, cell) for c, cell in zip(shown_columns, row, strict=True))
            )
        # Words are never broken: when even the longest words do not fit, the table is
        # drawn wider than the terminal, which wraps its lines.
        needed = None if fitted is None else sum(fitted) + GAP * (len(fitted) - 1)
        self.write(self._render(table, wide=wide, least=needed))

    def _cell(self, column: Column, text: str) -> Text:
        from rich.text import Text

        style = column.style(text) if column.style and self.color else None
        return Text(text, style=style or "")

    def csv(self, columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> None:
        """Every column as CSV with a header row, written as `export --format csv` writes
        (RFC 4180 quoting, formula cells neutralised by `safe_cell`)."""
        from timeline.projections.export import write_csv

        self.stream.write(write_csv([c.name for c in columns], [list(map(str, r)) for r in rows]))
        self.stream.flush()

    def json(self, document: Any) -> None:
        """The document as JSON."""
        self.write(dump(document))

    def note(self, label: str, text: str, *, style: str = "bold") -> None:
        """A labelled message such as `timeline: error: ...` or `hint: ...`, wrapped."""
        wrapped = self._wrap(f"{label} {text}")
        if self.color:
            wrapped = self._styled(label, style) + wrapped[len(label) :]
        self.write(wrapped)
