"""The relations chart written as SVG text directly, laid out as `render.relations_figure`.

matplotlib draws this chart in ~80 ms of CPU, most of it turning text into paths, and
under `render`'s process-wide lock (its settings are global): on a page read by many
at once, every relations chart waited for the others.  The chart is a few bars,
diamonds and labels at places fixed by the figure's layout, so it is written here in
a millisecond, with no lock, and text as `<text>` in DejaVu Sans (matplotlib's font).
The ticks come from matplotlib's own locators and formatters (on stand-in axes, which
touch no global setting), so they fall where matplotlib puts them.  A chart whose
y labels would need an offset (`1e6` beside the axis) is left to matplotlib (None).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from matplotlib import dates as mdates
from matplotlib.ticker import AutoLocator, ScalarFormatter

from timeline.projections.charts import RelationsChart
from timeline.web._ticks import YearTicks
from timeline.web.render import (
    CONFLICT,
    COOPERATION,
    GRID,
    INK,
    MUTED,
    PAPER,
    _x,
    bar_middle,
    bar_width,
    relations_view,
)

__all__ = ["relations_svg"]

# The figure (`render.SIZE`, 10 × 5.6 inches) in points, and its axes at `render.RELATIONS_AXES`.
WIDTH, HEIGHT = 720.0, 403.2
LEFT, RIGHT, TOP, BOTTOM = 57.6, 676.8, 64.512, 338.688
FONT = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"
# DejaVu Sans as matplotlib places it: from a text's top to its first baseline, and
# from one line's baseline to the next, in ems.
ASCENT, LINE, FIRST_OF_MANY = 0.7597656, 1.2001953, 0.8598633
TICK, PAD = 3.5, 3.5  # x tick marks' length and the gap before their labels (points)
# The key below the chart never changes: its swatches, diamond and labels as matplotlib
# lays them out at 8 points.
KEY = (
    '<path d="M 7.2 394.078 L 23.2 394.078 L 23.2 388.478 L 7.2 388.478 z" '
    f'style="fill: {COOPERATION}; stroke: {COOPERATION}; stroke-linejoin: miter"/>'
    f'<text x="29.6" y="394.078" style="font-size: 8px">cooperation</text>'
    '<path d="M 93.305 394.078 L 109.305 394.078 L 109.305 388.478 L 93.305 388.478 z" '
    f'style="fill: {CONFLICT}; stroke: {CONFLICT}; stroke-linejoin: miter"/>'
    '<text x="115.705" y="394.078" style="font-size: 8px">conflict</text>'
    '<path d="M 168.865 395.521 L 173.108 391.278 L 168.865 387.035 L 164.622 391.278 z" '
    f'style="fill: {INK}; stroke: {INK}; stroke-linejoin: miter"/>'
    '<text x="183.265" y="394.078" style="font-size: 8px">score (their sum)</text>'
)


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, style: str) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" style="{style}">{escape(text)}</text>'


class _Frame:
    """Where the axes' data values fall on the page (in axes at `box`: left, right, top,
    bottom; by default the relations chart's)."""

    def __init__(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        box: tuple[float, float, float, float] = (LEFT, RIGHT, TOP, BOTTOM),
    ) -> None:
        self.x, self.y, self.box = x, y, box

    def px(self, value: float) -> float:
        low, high = self.x
        left, right, _, _ = self.box
        return left + (value - low) / (high - low) * (right - left)

    def py(self, value: float) -> float:
        low, high = self.y
        _, _, top, bottom = self.box
        return bottom - (value - low) / (high - low) * (bottom - top)


def _inside(values: Sequence[float], low: float, high: float) -> list[float]:
    # matplotlib draws only the ticks within the view, give or take a rounding error.
    slack = (high - low) * 1e-10
    return [v for v in values if low - slack <= v <= high + slack]


def _y_ticks(low: float, high: float) -> list[tuple[float, str]] | None:
    """The y ticks and labels matplotlib's default locator and formatter give, or None
    when the labels need an offset text this writer does not draw."""
    locator, formatter = AutoLocator(), ScalarFormatter()
    for helper in (locator, formatter):
        helper.create_dummy_axis()
        assert helper.axis is not None
        helper.axis.set_view_interval(low, high)
    ticks = _inside(list(locator.tick_values(low, high)), low, high)
    labels = formatter.format_ticks(ticks)
    if formatter.get_offset():
        return None
    return list(zip(ticks, labels, strict=True))


def _date_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """The x ticks and labels of `render._frame`'s date axis over the view `low..high`."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    locator.create_dummy_axis()
    assert locator.axis is not None
    locator.axis.set_view_interval(low, high)
    ticks = _inside([float(v) for v in locator()], low, high)
    return list(zip(ticks, YearTicks().format_ticks(ticks), strict=True))


def _x_labels(ticks: Sequence[tuple[float, str]], frame: _Frame) -> Iterator[str]:
    top = BOTTOM + TICK + PAD
    style = f"font-size: 10px; text-anchor: middle; fill: {MUTED}"
    for value, label in ticks:
        x = frame.px(value)
        mark = f"M {_n(x)} {BOTTOM} L {_n(x)} {_n(BOTTOM + TICK)}"
        yield f'<path d="{mark}" style="stroke: {MUTED}; stroke-width: 0.8"/>'
        lines = label.split("\n")
        first = top + 10 * (ASCENT if len(lines) == 1 else FIRST_OF_MANY)
        for i, line in enumerate(lines):
            yield _text(x, first + i * 10 * LINE, line, style)


def _y_labels(ticks: Sequence[tuple[float, str]], frame: _Frame) -> Iterator[str]:
    style = f"font-size: 10px; text-anchor: end; fill: {INK}"
    for value, label in ticks:
        y = frame.py(value)
        yield (
            f'<path d="M {LEFT} {_n(y)} L {RIGHT} {_n(y)}" clip-path="url(#axes)" '
            f'style="fill: none; stroke: {GRID}; stroke-width: 0.8; stroke-linecap: square"/>'
        )
        # Centred on the tick by its baseline, as matplotlib's `center_baseline`.
        yield _text(LEFT - PAD, y + 10 * ASCENT / 2, label, style)


def _bars(chart: RelationsChart, frame: _Frame) -> Iterator[str]:
    zero = frame.py(0)
    for bar in chart.bars:
        start = _x(bar.start)
        width = bar_width(bar)
        left, right = _n(frame.px(start)), _n(frame.px(start + width))
        for value, colour in ((bar.cooperation, COOPERATION), (bar.conflict, CONFLICT)):
            y = _n(frame.py(value))
            yield (
                f'<path d="M {left} {_n(zero)} L {right} {_n(zero)} L {right} {y} L {left} {y} z" '
                f'clip-path="url(#axes)" style="fill: {colour}"/>'
            )
    yield (
        f'<path d="M {LEFT} {_n(zero)} L {RIGHT} {_n(zero)}" clip-path="url(#axes)" '
        f'style="fill: none; stroke: {MUTED}; stroke-width: 0.8; stroke-linecap: square"/>'
    )


def _notes(chart: RelationsChart, frame: _Frame) -> Iterator[str]:
    """Each bar's score and count above it, then the scores' diamonds (drawn above all)."""
    style = f"font-size: 8px; text-anchor: middle; fill: {INK}"
    for bar in chart.bars:
        x, base = frame.px(bar_middle(bar)), frame.py(max(bar.cooperation, 0)) - 4
        # The last line sits on the point 4 points above the bar, the first a line higher.
        yield _text(x, base - 8 * LINE, f"{bar.score:+.1f}", style)
        yield _text(x, base, f"{len(bar.developments)} dev.", style)
    half = 4.242641  # a 6-point square turned 45°: half its diagonal
    for bar in chart.bars:
        x, y = frame.px(bar_middle(bar)), frame.py(bar.score)
        corners = ((x, y + half), (x + half, y), (x, y - half), (x - half, y))
        d = " L ".join(f"{_n(a)} {_n(b)}" for a, b in corners)
        yield f'<path d="M {d} z" style="fill: {INK}; stroke: {INK}; stroke-linejoin: miter"/>'


_CENTRED = "font-size: 10px; text-anchor: middle"
_BOLD = "font-size: 14px; font-weight: 700"


def _inside_ticks(
    ticks: Sequence[tuple[float, str]], low: float, high: float
) -> list[tuple[float, str]]:
    kept = set(_inside([value for value, _ in ticks], low, high))
    return [(value, label) for value, label in ticks if value in kept]


def relations_svg(chart: RelationsChart, title: str, subtitle: str) -> bytes | None:
    """The chart as `render.relations_figure` lays it out, as SVG bytes (None: an axis
    this writer does not draw, left to matplotlib)."""
    # An empty chart keeps matplotlib's view of 0..1 on both axes.
    (x0, x1), (y0, y1) = relations_view(chart) if chart.bars else ((0.0, 1.0), (0.0, 1.0))
    frame = _Frame((x0, x1), (y0, y1))
    y_ticks = _y_ticks(y0, y1)
    if y_ticks is None:
        return None
    if chart.bars and len(chart.bars) <= 12:  # as many periods: each labelled under its bar
        x_ticks = [(bar_middle(b), b.label) for b in chart.bars]
    else:
        x_ticks = _date_ticks(x0, x1)
    parts = [
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(WIDTH)}pt" '
        f'height="{_n(HEIGHT)}pt" viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" '
        f'style="font-family: {FONT}">',
        f'<defs><clipPath id="axes"><rect x="{LEFT}" y="{TOP}" width="{_n(RIGHT - LEFT)}" '
        f'height="{_n(BOTTOM - TOP)}"/></clipPath></defs>',
        f'<rect width="{_n(WIDTH)}" height="{_n(HEIGHT)}" style="fill: {PAPER}"/>',
        *_x_labels(_inside_ticks(x_ticks, x0, x1), frame),
        *_y_labels(y_ticks, frame),
        *_bars(chart, frame),
        f'<path d="M {LEFT} {BOTTOM} L {RIGHT} {BOTTOM}" style="fill: none; stroke: {MUTED}; '
        'stroke-width: 0.8; stroke-linejoin: miter; stroke-linecap: square"/>',
        *_notes(chart, frame),
    ]
    if not chart.bars:
        middle = ((LEFT + RIGHT) / 2, (TOP + BOTTOM) / 2)
        parts.append(_text(*middle, "No developments involve both", _CENTRED))
    parts += [
        _text(14.4, HEIGHT * 0.035 + 14 * ASCENT, title, f"{_BOLD}; fill: {INK}"),
        _text(14.4, HEIGHT * 0.095 + 10 * ASCENT, subtitle, f"font-size: 10px; fill: {MUTED}"),
        KEY,
        "</svg>\n",
    ]
    return "\n".join(parts).encode()
