"""The parts every directly written chart SVG shares: its frame, text, date axis and heading.

The relations and topic charts are written as SVG text laid out as matplotlib lays
out their figures (`_relations_svg`, `_topic_svg`); what they have in common, from
the document's opening to the x labels under the axes, is written here once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from matplotlib import dates as mdates

from timeline.web._chart_style import GRID, INK, MUTED, PAPER
from timeline.web._ticks import YearTicks

__all__ = [
    "ASCENT",
    "FONT",
    "LINE",
    "PAD",
    "Frame",
    "baseline",
    "date_ticks",
    "empty_note",
    "gridline",
    "heading",
    "inside",
    "inside_ticks",
    "number",
    "opening",
    "text",
    "x_labels",
]

FONT = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"
# DejaVu Sans as matplotlib places it: from a text's top to its first baseline, and
# from one line's baseline to the next, in ems.
ASCENT, LINE, FIRST_OF_MANY = 0.7597656, 1.2001953, 0.8598633
TICK, PAD = 3.5, 3.5  # x tick marks' length and the gap before their labels (points)


def number(value: float) -> str:
    """`value` as SVG text: three decimals at most, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def text(x: float, y: float, content: str, style: str) -> str:
    """A `<text>` element of `content`, escaped, with its baseline starting at (x, y)."""
    return f'<text x="{number(x)}" y="{number(y)}" style="{style}">{escape(content)}</text>'


class Frame:
    """Where the axes' data values fall on the page, the axes being at `box` (left,
    right, top, bottom, in points from the top left)."""

    def __init__(
        self, x: tuple[float, float], y: tuple[float, float], box: tuple[float, float, float, float]
    ) -> None:
        self.x, self.y = x, y
        self.left, self.right, self.top, self.bottom = box

    def px(self, value: float) -> float:
        low, high = self.x
        return self.left + (value - low) / (high - low) * (self.right - self.left)

    def py(self, value: float) -> float:
        low, high = self.y
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)


def inside(values: Sequence[float], low: float, high: float) -> list[float]:
    """The values within `low..high`, as matplotlib keeps the ticks within its view."""
    # matplotlib draws only the ticks within the view, give or take a rounding error.
    slack = (high - low) * 1e-10
    return [v for v in values if low - slack <= v <= high + slack]


def inside_ticks(
    ticks: Sequence[tuple[float, str]], low: float, high: float
) -> list[tuple[float, str]]:
    """The (value, label) ticks whose values are within `low..high`."""
    kept = set(inside([value for value, _ in ticks], low, high))
    return [(value, label) for value, label in ticks if value in kept]


def date_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """The x ticks and labels of `_chart_style._frame`'s date axis over the view `low..high`."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    locator.create_dummy_axis()
    assert locator.axis is not None
    locator.axis.set_view_interval(low, high)
    ticks = inside([float(v) for v in locator()], low, high)
    return list(zip(ticks, YearTicks().format_ticks(ticks), strict=True))


def x_labels(ticks: Sequence[tuple[float, str]], frame: Frame) -> Iterator[str]:
    """Each x tick's mark under the axes and its label (one `<text>` per line) below it."""
    bottom = frame.bottom
    top = bottom + TICK + PAD
    style = f"font-size: 10px; text-anchor: middle; fill: {MUTED}"
    for value, label in ticks:
        x = frame.px(value)
        mark = f"M {number(x)} {bottom} L {number(x)} {number(bottom + TICK)}"
        yield f'<path d="{mark}" style="stroke: {MUTED}; stroke-width: 0.8"/>'
        lines = label.split("\n")
        first = top + 10 * (ASCENT if len(lines) == 1 else FIRST_OF_MANY)
        for i, line in enumerate(lines):
            yield text(x, first + i * 10 * LINE, line, style)


def gridline(y: float, frame: Frame) -> str:
    """A horizontal grid line across the axes at page height `y`."""
    return (
        f'<path d="M {frame.left} {number(y)} L {frame.right} {number(y)}" '
        f'clip-path="url(#axes)" '
        f'style="fill: none; stroke: {GRID}; stroke-width: 0.8; stroke-linecap: square"/>'
    )


def opening(width: float, height: float, frame: Frame) -> list[str]:
    """The document's opening: the `<svg>` element, the axes' clip and the paper."""
    left, right, top, bottom = frame.left, frame.right, frame.top, frame.bottom
    return [
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{number(width)}pt" '
        f'height="{number(height)}pt" viewBox="0 0 {number(width)} {number(height)}" '
        f'style="font-family: {FONT}">',
        f'<defs><clipPath id="axes"><rect x="{left}" y="{top}" width="{number(right - left)}" '
        f'height="{number(bottom - top)}"/></clipPath></defs>',
        f'<rect width="{number(width)}" height="{number(height)}" style="fill: {PAPER}"/>',
    ]


def baseline(frame: Frame) -> str:
    """The axes' bottom edge (the only spine the charts draw)."""
    return (
        f'<path d="M {frame.left} {frame.bottom} L {frame.right} {frame.bottom}" '
        f'style="fill: none; stroke: {MUTED}; '
        'stroke-width: 0.8; stroke-linejoin: miter; stroke-linecap: square"/>'
    )


def empty_note(frame: Frame, content: str) -> str:
    """The note written in the middle of axes that have nothing to show."""
    middle = ((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2)
    return text(*middle, content, "font-size: 10px; text-anchor: middle")


def heading(title: str, subtitle: str, height: float) -> list[str]:
    """The chart's title and, under it, its subtitle, at the figure's top left."""
    bold = f"font-size: 14px; font-weight: 700; fill: {INK}"
    return [
        text(14.4, height * 0.035 + 14 * ASCENT, title, bold),
        text(14.4, height * 0.095 + 10 * ASCENT, subtitle, f"font-size: 10px; fill: {MUTED}"),
    ]
