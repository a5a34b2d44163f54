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

from matplotlib.ticker import AutoLocator, ScalarFormatter

from timeline.projections.charts import RelationsChart
from timeline.web._chart_style import CONFLICT, COOPERATION, INK, MUTED, _x
from timeline.web._svg import (
    ASCENT,
    LINE,
    PAD,
    Frame,
    baseline,
    date_ticks,
    empty_note,
    gridline,
    heading,
    inside,
    inside_ticks,
    number,
    opening,
    text,
    x_labels,
)
from timeline.web.render import bar_middle, bar_width, relations_view

__all__ = ["relations_svg"]

# The figure (`render.SIZE`, 10 × 5.6 inches) in points, and its axes at `render.RELATIONS_AXES`.
WIDTH, HEIGHT = 720.0, 403.2
LEFT, RIGHT, TOP, BOTTOM = 57.6, 676.8, 64.512, 338.688
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


def _y_ticks(low: float, high: float) -> list[tuple[float, str]] | None:
    """The y ticks and labels matplotlib's default locator and formatter give, or None
    when the labels need an offset text this writer does not draw."""
    locator, formatter = AutoLocator(), ScalarFormatter()
    for helper in (locator, formatter):
        helper.create_dummy_axis()
        assert helper.axis is not None
        helper.axis.set_view_interval(low, high)
    ticks = inside(list(locator.tick_values(low, high)), low, high)
    labels = formatter.format_ticks(ticks)
    if formatter.get_offset():
        return None
    return list(zip(ticks, labels, strict=True))


def _y_labels(ticks: Sequence[tuple[float, str]], frame: Frame) -> Iterator[str]:
    style = f"font-size: 10px; text-anchor: end; fill: {INK}"
    for value, label in ticks:
        y = frame.py(value)
        yield gridline(y, frame)
        # Centred on the tick by its baseline, as matplotlib's `center_baseline`.
        yield text(LEFT - PAD, y + 10 * ASCENT / 2, label, style)


def _bars(chart: RelationsChart, frame: Frame) -> Iterator[str]:
    zero = frame.py(0)
    for bar in chart.bars:
        start = _x(bar.start)
        width = bar_width(bar)
        left, right = number(frame.px(start)), number(frame.px(start + width))
        for value, colour in ((bar.cooperation, COOPERATION), (bar.conflict, CONFLICT)):
            y = number(frame.py(value))
            yield (
                f'<path d="M {left} {number(zero)} L {right} {number(zero)} L {right} {y} '
                f'L {left} {y} z" clip-path="url(#axes)" style="fill: {colour}"/>'
            )
    yield (
        f'<path d="M {LEFT} {number(zero)} L {RIGHT} {number(zero)}" clip-path="url(#axes)" '
        f'style="fill: none; stroke: {MUTED}; stroke-width: 0.8; stroke-linecap: square"/>'
    )


def _notes(chart: RelationsChart, frame: Frame) -> Iterator[str]:
    """Each bar's score and count above it, then the scores' diamonds (drawn above all)."""
    style = f"font-size: 8px; text-anchor: middle; fill: {INK}"
    for bar in chart.bars:
        x, base = frame.px(bar_middle(bar)), frame.py(max(bar.cooperation, 0)) - 4
        # The last line sits on the point 4 points above the bar, the first a line higher.
        yield text(x, base - 8 * LINE, f"{bar.score:+.1f}", style)
        yield text(x, base, f"{len(bar.developments)} dev.", style)
    half = 4.242641  # a 6-point square turned 45°: half its diagonal
    for bar in chart.bars:
        x, y = frame.px(bar_middle(bar)), frame.py(bar.score)
        corners = ((x, y + half), (x + half, y), (x, y - half), (x - half, y))
        d = " L ".join(f"{number(a)} {number(b)}" for a, b in corners)
        yield f'<path d="M {d} z" style="fill: {INK}; stroke: {INK}; stroke-linejoin: miter"/>'


def relations_svg(chart: RelationsChart, title: str, subtitle: str) -> bytes | None:
    """The chart as `render.relations_figure` lays it out, as SVG bytes (None: an axis
    this writer does not draw, left to matplotlib)."""
    # An empty chart keeps matplotlib's view of 0..1 on both axes.
    (x0, x1), (y0, y1) = relations_view(chart) if chart.bars else ((0.0, 1.0), (0.0, 1.0))
    frame = Frame((x0, x1), (y0, y1), (LEFT, RIGHT, TOP, BOTTOM))
    y_ticks = _y_ticks(y0, y1)
    if y_ticks is None:
        return None
    if chart.bars and len(chart.bars) <= 12:  # as many periods: each labelled under its bar
        x_ticks = [(bar_middle(b), b.label) for b in chart.bars]
    else:
        x_ticks = date_ticks(x0, x1)
    parts = [
        *opening(WIDTH, HEIGHT, frame),
        *x_labels(inside_ticks(x_ticks, x0, x1), frame),
        *_y_labels(y_ticks, frame),
        *_bars(chart, frame),
        baseline(frame),
        *_notes(chart, frame),
    ]
    if not chart.bars:
        parts.append(empty_note(frame, "No developments involve both"))
    parts += [*heading(title, subtitle, HEIGHT), KEY, "</svg>\n"]
    return "\n".join(parts).encode()
