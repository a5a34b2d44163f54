"""The topic chart written as SVG text directly, laid out as `render.topic_figure`.

matplotlib draws a topic chart of a large store (tens of thousands of steps) in over a
second of CPU, under `render`'s process-wide lock: every other chart waited for it.  The
chart is lines, bands and markers at places fixed by the figure's layout, so it is
written here with no lock, and text as `<text>` in DejaVu Sans (matplotlib's font).
The x ticks come from matplotlib's own date locator (`_svg.date_ticks`), so
they fall where matplotlib puts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from timeline.engine.values import Stance
from timeline.projections.charts import Series, TopicChart
from timeline.web._chart_style import (
    INK,
    LABEL_RISE,
    MUTED,
    PAPER,
    SIZE,
    STANCE_VIEW,
    TOPIC_AXES,
    _color,
    _known,
    _wrap,
    _x,
)
from timeline.web._svg import (
    ASCENT,
    PAD,
    Frame,
    baseline,
    date_ticks,
    empty_note,
    gridline,
    heading,
    inside_ticks,
    number,
    opening,
    text,
    x_labels,
)
from timeline.web.render import _offsets, label_spots

__all__ = ["topic_svg"]

# The figure (`render.SIZE`, in inches) in points, and its axes (`render.TOPIC_AXES`) on it,
# measured from the top: the same bottom as the relations chart's, whose x labels
# (`_svg.x_labels`) are placed alike.
WIDTH, HEIGHT = SIZE[0] * 72, SIZE[1] * 72
LEFT = round(TOPIC_AXES[0] * WIDTH, 6)
RIGHT = round((TOPIC_AXES[0] + TOPIC_AXES[2]) * WIDTH, 6)
TOP = round((1 - TOPIC_AXES[1] - TOPIC_AXES[3]) * HEIGHT, 6)
BOTTOM = round((1 - TOPIC_AXES[1]) * HEIGHT, 6)
# A label centred on a point (`va="center"`): its baseline this many ems below the point.
CENTRED = 0.2598027
DASHED = "stroke-dasharray: {a},{b}; stroke-dashoffset: 0"
# The key below the chart never changes: matplotlib's layout of it at 8 points.
KEY = (
    f'<path d="M 14.4 391.278 L 30.4 391.278" style="fill: none; stroke: {INK}; '
    'stroke-width: 2.4; stroke-linecap: square"/>'
    '<text x="36.8" y="394.078" style="font-size: 8px">position</text>'
    f'<path d="M 84.488 391.278 L 100.488 391.278" style="fill: none; '
    f'{DASHED.format(a=7.2, b=4.8)}; stroke: {INK}; stroke-width: 2.4"/>'
    '<text x="106.888" y="394.078" style="font-size: 8px">'
    "tentative (may not have happened)</text>"
    '<path d="M 265.769 394.078 L 281.769 394.078 L 281.769 388.478 L 265.769 388.478 z" '
    f'style="fill: {INK}; opacity: 0.16; stroke: {INK}; stroke-linejoin: miter"/>'
    '<text x="288.169" y="394.078" style="font-size: 8px">'
    "when the change may have happened</text>"
    '<path d="M 464.241 395.278 L 466.241 393.278 L 468.241 395.278 L 470.241 393.278 '
    "L 468.241 391.278 L 470.241 389.278 L 468.241 387.278 L 466.241 389.278 L 464.241 387.278 "
    'L 462.241 389.278 L 464.241 391.278 L 462.241 393.278 z" '
    f'style="fill: {INK}; stroke: {PAPER}; stroke-linejoin: miter"/>'
    '<text x="480.641" y="394.078" style="font-size: 8px">retracted claim</text>'
    '<path d="M 562.121 391.278 L 569.121 394.778 L 569.121 387.778 z" '
    f'style="fill: {INK}; stroke: {INK}; stroke-linejoin: miter"/>'
    '<text x="580.021" y="394.078" style="font-size: 8px">earlier, date unknown</text>'
)
# matplotlib's "X" marker (`ms=10`) and "<" marker (`ms=7`) as offsets from their point.
CROSS = ((-2.5, 5), (0, 2.5), (2.5, 5), (5, 2.5), (2.5, 0), (5, -2.5), (2.5, -5), (0, -2.5),
         (-2.5, -5), (-5, -2.5), (-2.5, 0), (-5, 2.5))  # fmt: skip
LEFTWARD = ((-3.5, 0), (3.5, 3.5), (3.5, -3.5))


def _shape(x: float, y: float, corners: tuple[tuple[float, float], ...]) -> str:
    return "M " + " L ".join(f"{number(x + a)} {number(y + b)}" for a, b in corners) + " z"


def _y_labels(frame: Frame) -> Iterator[str]:
    style = f"font-size: 10px; text-anchor: end; fill: {INK}"
    for stance in Stance:
        y = frame.py(stance.value)
        yield gridline(y, frame)
        yield text(LEFT - PAD, y + 10 * ASCENT / 2, str(stance), style)


def _bands(one: Series, offset: float, chart: TopicChart, frame: Frame) -> Iterator[str]:
    colour = _color(one.index)
    for band in one.bands:
        start, end = _x(max(band.start, chart.start)), _x(min(band.end, chart.end))
        y = band.stance.value + offset
        left, right = number(frame.px(start)), number(frame.px(end))
        low, high = number(frame.py(y - 0.16)), number(frame.py(y + 0.16))
        yield (
            f'<path d="M {left} {low} L {right} {low} L {right} {high} L {left} {high} z" '
            f'clip-path="url(#axes)" style="fill: {colour}; fill-opacity: 0.16"/>'
        )


class _Places:
    """The SVG text of where a chart's days and stances fall, each made once: a chart at
    a million developments has about 90,000 steps over a few thousand distinct days."""

    def __init__(self, chart: TopicChart, frame: Frame) -> None:
        self.chart, self.frame = chart, frame
        self.starts: dict[dt.date, tuple[float, str]] = {}
        self.ends: dict[dt.date | None, str] = {}

    def start(self, day: dt.date) -> tuple[float, str]:
        """A step's start (no earlier than the chart's), and its text."""
        found = self.starts.get(day)
        if found is None:
            x = self.frame.px(_x(max(day, self.chart.start)))
            found = self.starts[day] = (x, number(x))
        return found

    def end(self, day: dt.date | None) -> str:
        """A step's end (None: the chart's end; no later than the chart's end), as text."""
        found = self.ends.get(day)
        if found is None:
            chart = self.chart
            found = self.ends[day] = number(self.frame.px(_x(min(day or chart.end, chart.end))))
        return found


def _lines(one: Series, offset: float, places: _Places) -> Iterator[str]:
    """A series' steps (solid or dashed) and the joins between them, as `_draw_series`
    draws them: one path per kind of mark, and a "<" where a step has no known start."""
    colour = _color(one.index)
    pieces: dict[tuple[bool, bool], list[str]] = {}
    starts: list[str] = []
    previous: str | None = None
    # Each stance's y, and its text, on this series' offset.
    ys = {stance: places.frame.py(stance.value + offset) for stance in Stance}
    texts = {stance: number(y) for stance, y in ys.items()}
    for step in one.steps:
        start, at = places.start(step.start)
        end, y = places.end(step.end), texts[step.stance]
        if previous is not None and previous != y:
            rise = f"M {at} {previous} L {at} {y}"
            pieces.setdefault((True, step.tentative), []).append(rise)
        line = f"M {at} {y} L {end} {y}"
        pieces.setdefault((False, step.tentative), []).append(line)
        if step.open_start:
            starts.append(_shape(start, ys[step.stance], LEFTWARD))
        previous = y
    for (join, tentative), drawn in sorted(pieces.items()):
        width = 2 if join else 2.4
        dashes = f"{DASHED.format(a=number(3 * width), b=number(2 * width))}; " if tentative else ""
        # matplotlib's solid lines end square unless told `butt` (the steps are).
        cap = "; stroke-linecap: square" if join and not tentative else ""
        yield (
            f'<path d="{" ".join(drawn)}" clip-path="url(#axes)" style="fill: none; '
            f'{dashes}stroke: {colour}; stroke-width: {number(width)}{cap}"/>'
        )
    for shape in starts:
        yield f'<path d="{shape}" style="fill: {colour}; stroke: {colour}"/>'


def _markers(one: Series, offset: float, frame: Frame) -> Iterator[str]:
    """The retracted claims' crosses, each with its note above and right of it."""
    colour = _color(one.index)
    for marker in one.markers:
        x, y = frame.px(_x(marker.day)), frame.py(marker.stance.value + offset)
        note = f"{one.name}: retracted {marker.retracted}"
        yield text(x + 6, y - 8, note, f"font-size: 8px; fill: {colour}")
        yield (
            f'<path d="{_shape(x, y, CROSS)}" clip-path="url(#axes)" style="fill: {colour}; '
            f'stroke: {PAPER}; stroke-width: 1.2; stroke-linejoin: miter"/>'
        )


def _labels(ends: list[tuple[float, str, str]], frame: Frame) -> Iterator[str]:
    """Each series' name at the right edge beside its last step, pushed apart as
    `render._labels` pushes them."""
    for y, spot, name, colour in label_spots(ends):
        at = frame.py(y) - (spot - y) * LABEL_RISE + 9 * CENTRED
        yield text(RIGHT + 8, at, name, f"font-size: 9px; font-weight: 700; fill: {colour}")


def _day_line(day: dt.date | None, chart: TopicChart, frame: Frame) -> Iterator[str]:
    if day is None or not chart.start <= day <= chart.end:
        return
    x = frame.px(_x(day))
    yield (
        f'<path d="M {number(x)} {BOTTOM} L {number(x)} {TOP}" clip-path="url(#axes)" '
        f'style="fill: none; {DASHED.format(a=1, b=1.65)}; stroke: {INK}"/>'
    )
    top = frame.py(2.55) + 8 * ASCENT  # its top on the point (`va="top"`)
    yield text(x + 4, top, f"as of {day.isoformat()}", f"font-size: 8px; fill: {INK}")


def _series(chart: TopicChart, frame: Frame) -> Iterator[str]:
    placed = list(zip(chart.series, _offsets(len(chart.series)), strict=True))
    for one, offset in placed:  # the bands under every line, as matplotlib orders them
        yield from _bands(one, offset, chart, frame)
    zero = number(frame.py(0))
    yield (
        f'<path d="M {LEFT} {zero} L {RIGHT} {zero}" clip-path="url(#axes)" '
        f'style="fill: none; stroke: {MUTED}; stroke-width: 0.6; stroke-linecap: square"/>'
    )
    places = _Places(chart, frame)
    for one, offset in placed:
        yield from _lines(one, offset, places)


def topic_svg(chart: TopicChart, day: dt.date | None = None) -> bytes:
    """The chart as `render.topic_figure` lays it out (`day` marked), as SVG bytes."""
    x0, x1 = _x(chart.start), _x(chart.end)
    frame = Frame((x0, x1), STANCE_VIEW, (LEFT, RIGHT, TOP, BOTTOM))
    ends = []
    for one, offset in zip(chart.series, _offsets(len(chart.series)), strict=True):
        if one.steps:
            ends.append((one.steps[-1].stance.value + offset, one.name, _color(one.index)))
    subtitle = f"{_wrap(chart.description)} — {_known(chart.known_at)}"
    parts = [
        *opening(WIDTH, HEIGHT, frame),
        *x_labels(inside_ticks(date_ticks(x0, x1), x0, x1), frame),
        *_y_labels(frame),
        *_series(chart, frame),
        *_day_line(day, chart, frame),
        baseline(frame),
    ]
    for one, offset in zip(chart.series, _offsets(len(chart.series)), strict=True):
        parts += _markers(one, offset, frame)
    parts += _labels(ends, frame)
    if not chart.series:
        parts.append(empty_note(frame, "No positions on this topic"))
    parts += [*heading(f"Positions on {chart.topic}", subtitle, HEIGHT), KEY, "</svg>\n"]
    return "\n".join(parts).encode()
