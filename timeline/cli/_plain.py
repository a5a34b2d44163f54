"""Tables of plain text drawn without `rich`, exactly as `rich` draws them.

A thousand positions take `rich` most of a second to measure and lay out, which is
most of what `timeline positions` costs.  A table of printable ASCII cells that
fits on one line per row needs no measuring or wrapping: its columns are as wide
as their widest cell, so it is drawn here in a few milliseconds.  Anything else
(colour, wide characters, cells that must wrap) is left to `rich`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["plain_table"]

# Cells from a space up to a tilde are one terminal column per character.
_PRINTABLE = frozenset(map(chr, range(0x20, 0x7F)))


def plain_table(
    names: Sequence[str], rows: Sequence[Sequence[str]], header: bool, width: int
) -> str | None:
    """The table as `rich` draws it unwrapped (for `Output.write`), or None if it cannot be."""
    cells = (cell for row in (names, *rows) for cell in row)
    if not names or not all(map(_PRINTABLE.issuperset, cells)):
        return None
    widths = [len(name) if header else 0 for name in names]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    # Each column but the last is padded by one space on its right, and one space
    # divides each from the next.
    padded = [w + 1 for w in widths[:-1]] + widths[-1:]
    # The renderer fits the columns by their names too, shown or not: a table whose
    # names alone would not fit is laid out by `rich` with fixed widths.
    named = [max(w, len(name)) for w, name in zip(widths, names, strict=True)]
    if sum(named) + 2 * (len(named) - 1) > width or 0 in widths:
        return None
    lines = []
    if header:
        lines.append(_line(names, padded))
        lines.append(" ".join("-" * w for w in padded))
    lines.extend(_line(row, padded) for row in rows)
    return "\n".join(lines) + "\n"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    # Padded as rich pads it: `Output.write` strips the spaces from each line's end,
    # after it has dropped the empty lines at the end (a row of empty cells is not).
    return " ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True))
