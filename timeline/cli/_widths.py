"""Column widths for a table on a narrow terminal that never break a word or an id.

Rich shrinks columns evenly when a table is too wide, and then folds words that no
longer fit (`RUS.KREMLI/N`).  Here every column keeps at least the width of its
longest word, and the room left is shared in proportion to what each column lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["GAP", "fit_widths", "records", "too_narrow"]

GAP = 2  # one space of padding and one of the blank column divider


def _measure(texts: Sequence[str]) -> tuple[int, int]:
    """The widest line and the widest word among `texts`."""
    from rich.cells import cell_len

    lines = [line for text in texts for line in text.split("\n")]
    words = [word for line in lines for word in line.split()]
    return max(map(cell_len, lines), default=0), max(map(cell_len, words), default=0)


def fit_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[int] | None:
    """Widths that fit `width` without breaking a word, or the widths of the longest words
    when even those do not fit; None when the table fits as it is."""
    measured = [_measure([h, *(row[i] for row in rows)]) for i, h in enumerate(headers)]
    natural = [line for line, _ in measured]
    least = [max(1, word) for _, word in measured]
    room = width - GAP * (len(headers) - 1)
    if sum(natural) <= room:
        return None
    if sum(least) >= room:
        return least
    lacking = [n - m for n, m in zip(natural, least, strict=True)]
    spare = room - sum(least)
    total = sum(lacking)
    widths = [m + spare * lack // total for m, lack in zip(least, lacking, strict=True)]
    # What integer division left over goes to the columns that still lack the most.
    left = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: widths[i] - natural[i])[:left]:
        widths[i] += 1
    return widths


def too_narrow(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether the table's longest words alone are wider than `width`."""
    least = [max(1, _measure([h, *(row[i] for row in rows)])[1]) for i, h in enumerate(headers)]
    return sum(least) + GAP * (len(headers) - 1) > width


def records(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    paint: Callable[[int, str, str], str] | None = None,
) -> str:
    """Each row as lines of `column: value`, a blank line between rows, for a terminal too
    narrow for columns side by side; lines wrap between words, never inside one.

    `paint(column, label, value)`, when given, returns the coloured line.
    """
    import textwrap

    blocks = []
    for row in rows:
        lines = []
        for i, (header, cell) in enumerate(zip(headers, row, strict=True)):
            if not cell:
                continue
            text = textwrap.fill(
                f"{header}: {' / '.join(cell.split(chr(10)))}",
                width,
                subsequent_indent="  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            label = f"{header}:"
            lines.append(paint(i, label, text[len(label) :]) if paint else text)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
