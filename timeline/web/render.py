"""Charts drawn headless with matplotlib's Agg backend, as PNG or SVG bytes."""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from timeline._output import write_whole
from timeline.engine.errors import TimelineError
from timeline.engine.values import Stance
from timeline.projections.charts import Bar, Comparison, RelationsChart, Series, TopicChart
from timeline.web._chart_style import (
    CONFLICT,
    COOPERATION,
    GRID,
    INK,
    LABEL_RISE,
    MUTED,
    PALETTE,
    PAPER,
    RELATIONS_AXES,
    SIZE,
    STANCE_VIEW,
    STYLE,
    TOPIC_AXES,
    _color,
    _frame,
    _heading,
    _known,
    _styled,
    _wrap,
    _x,
)

__all__ = [
    "CONFLICT",
    "COOPERATION",
    "FORMATS",
    "GRID",
    "INK",
    "LABEL_RISE",
    "MUTED",
    "PALETTE",
    "PAPER",
    "RELATIONS_AXES",
    "SIZE",
    "STANCE_VIEW",
    "STYLE",
    "TOPIC_AXES",
    "ChartError",
    "bar_middle",
    "bar_width",
    "comparison_figure",
    "label_spots",
    "relations_bytes",
    "relations_figure",
    "relations_heading",
    "relations_view",
    "save",
    "to_bytes",
    "topic_bytes",
    "topic_figure",
]

FORMATS = ("png", "svg")


class ChartError(TimelineError, ValueError):
    """A chart was asked for in a format or shape that cannot be drawn."""


def _offsets(count: int) -> list[float]:
    # Lines at the same stance sit a little apart, so each stays visible.
    return [(k - (count - 1) / 2) * 0.08 for k in range(count)]


def _piece(
    line: tuple[list[float], list[float]], x0: float, y0: float, x1: float, y1: float
) -> None:
    """Adds a segment to a line drawn in pieces (NaN lifts the pen between them)."""
    xs, ys = line
    if xs:
        xs.append(math.nan)
        ys.append(math.nan)
    xs += (x0, x1)
    ys += (y0, y1)


def _draw_series(axes: Axes, one: Series, offset: float, chart: TopicChart) -> float | None:
    color = _color(one.index)
    # One artist per kind of mark rather than one per step: a series at a million
    # developments has thousands of steps, and each artist costs ~1 ms to draw.
    bands = []
    for band in one.bands:
        start, end = _x(max(band.start, chart.start)), _x(min(band.end, chart.end))
        y = band.stance.value + offset
        bands.append([(start, y - 0.16), (end, y - 0.16), (end, y + 0.16), (start, y + 0.16)])
    if bands:
        axes.add_collection(PolyCollection(bands, facecolors=color, alpha=0.16, linewidths=0))
    # (a change's vertical join?, tentative?) -> the segments' ends, each segment after
    # a NaN: one line drawn in pieces, as `plot` draws each piece on its own.
    lines: dict[tuple[bool, bool], tuple[list[float], list[float]]] = {}
    previous: float | None = None
    for step in one.steps:
        start = _x(max(step.start, chart.start))
        end = _x(min(step.end or chart.end, chart.end))
        y = step.stance.value + offset
        if previous is not None and previous != y:
            _piece(lines.setdefault((True, step.tentative), ([], [])), start, previous, start, y)
        _piece(lines.setdefault((False, step.tentative), ([], [])), start, y, end, y)
        if step.open_start:
            axes.plot([start], [y], marker="<", color=color, ms=7, clip_on=False)
        previous = y
    for (join, tentative), (xs, ys) in sorted(lines.items()):
        style = (0, (3, 2)) if tentative else "solid"
        if join:
            axes.plot(xs, ys, color=color, lw=2, ls=style)
        else:
            axes.plot(xs, ys, color=color, lw=2.4, ls=style, solid_capstyle="butt")
    for marker in one.markers:
        y = marker.stance.value + offset
        axes.plot(
            [_x(marker.day)], [y], marker="X", ms=10, color=color, mec=PAPER, mew=1.2, zorder=5
        )
        axes.annotate(
            f"{one.name}: retracted {marker.retracted}",
            (_x(marker.day), y),
            xytext=(6, 8),
            textcoords="offset points",
            fontsize=8,
            color=color,
        )
    return previous


def label_spots(ends: Sequence[tuple[float, str, str]]) -> list[tuple[float, float, str, str]]:
    """The series' labels at the right edge, from their lines' last (y, name, colour):
    each (y, its label's pushed-apart y, shortened name, colour), so none overlap."""
    placed: list[tuple[float, float, str, str]] = []
    for y, name, color in sorted(ends):
        spot = max(y, placed[-1][1] + 0.24) if placed else y
        placed.append((y, spot, textwrap.shorten(name, width=20, placeholder="…"), color))
    return placed


def _labels(axes: Axes, ends: Sequence[tuple[float, str, str]], x: dt.date) -> None:
    for y, spot, name, color in label_spots(ends):
        axes.annotate(
            name,
            (_x(x), y),
            xytext=(8, (spot - y) * LABEL_RISE),
            textcoords="offset points",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=color,
            annotation_clip=False,
        )


def _topic_axes(axes: Axes, chart: TopicChart, day: dt.date | None) -> None:
    _frame(axes)
    axes.set_ylim(*STANCE_VIEW)
    axes.set_yticks([s.value for s in Stance], [str(s) for s in Stance])
    axes.axhline(0, color=MUTED, lw=0.6)
    axes.set_xlim(_x(chart.start), _x(chart.end))
    ends = []
    for one, offset in zip(chart.series, _offsets(len(chart.series)), strict=True):
        last = _draw_series(axes, one, offset, chart)
        if last is not None:
            ends.append((last, one.name, _color(one.index)))
    _labels(axes, ends, chart.end)
    if day is not None and chart.start <= day <= chart.end:
        axes.axvline(_x(day), color=INK, lw=1, ls=":")
        axes.annotate(
            f"as of {day.isoformat()}",
            (_x(day), 2.55),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=8,
            color=INK,
            va="top",
        )
    if not chart.series:
        axes.text(0.5, 0.5, "No positions on this topic", ha="center", transform=axes.transAxes)


def _key(figure: Figure) -> None:
    handles = [
        Line2D([], [], color=INK, lw=2.4, label="position"),
        Line2D(
            [], [], color=INK, lw=2.4, ls=(0, (3, 2)), label="tentative (may not have happened)"
        ),
        Patch(color=INK, alpha=0.16, label="when the change may have happened"),
        Line2D([], [], color=INK, marker="X", ls="", ms=8, mec=PAPER, label="retracted claim"),
        Line2D([], [], color=INK, marker="<", ls="", ms=7, label="earlier, date unknown"),
    ]
    figure.legend(
        handles=handles,
        loc="lower left",
        ncol=5,
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.01, 0),
    )


def topic_figure(chart: TopicChart, *, day: dt.date | None = None) -> Figure:
    """Every actor's stance on the topic over story time."""
    with _styled():
        figure = Figure(figsize=SIZE, facecolor=PAPER)
        _heading(
            figure,
            f"Positions on {chart.topic}",
            f"{_wrap(chart.description)} — {_known(chart.known_at)}",
        )
        axes = figure.add_axes(TOPIC_AXES)
        _topic_axes(axes, chart, day)
        _key(figure)
        return figure


def comparison_figure(pair: Comparison, *, day: dt.date | None = None) -> Figure:
    """The topic's chart as known then, beside the chart as known now."""
    with _styled():
        figure = Figure(figsize=(SIZE[0] * 1.4, SIZE[1]), facecolor=PAPER)
        _heading(
            figure,
            f"What later reports changed: {pair.now.topic}",
            _wrap(f"Left: {_known(pair.then.known_at)}. Right: {_known(None)}.", 140),
        )
        for left, chart in ((0.07, pair.then), (0.55, pair.now)):
            axes = figure.add_axes((left, 0.16, 0.32, 0.66))
            _topic_axes(axes, chart, day)
            axes.set_title(_known(chart.known_at), loc="left", fontsize=10, color=INK, pad=10)
        _key(figure)
        return figure


def relations_heading(
    chart: RelationsChart, names: tuple[str, str] | None = None
) -> tuple[str, str]:
    """The relations chart's title and subtitle."""
    a, b = names or (chart.a, chart.b)
    return (
        f"Relations between {a} and {b}",
        f"Goldstein-weighted cooperation (up) and conflict (down) per {chart.by} — "
        f"{_known(chart.known_at)}",
    )


def bar_width(bar: Bar) -> float:
    """A relations bar's drawn width in days: most of its period, a gap before the next."""
    return ((bar.end - bar.start).days + 1) * 0.86


def bar_middle(bar: Bar) -> float:
    """The date number of the middle of a relations bar as drawn."""
    return _x(bar.start) + bar_width(bar) / 2


def relations_view(chart: RelationsChart) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x (date numbers) and y limits of a relations chart with bars: its periods with a
    margin, and its largest bar with room for the notes above it."""
    first, last = chart.bars[0].start, chart.bars[-1].end
    pad = max(15, (last - first).days // 12)
    top = max([abs(x) for bar in chart.bars for x in (bar.cooperation, bar.conflict)] + [1])
    return (_x(first) - pad, _x(last) + pad), (-top * 1.3, top * 1.3)


def relations_figure(chart: RelationsChart, *, names: tuple[str, str] | None = None) -> Figure:
    """Cooperation above the line, conflict below and the score as a dot, per period."""
    with _styled():
        figure = Figure(figsize=SIZE, facecolor=PAPER)
        _heading(figure, *relations_heading(chart, names))
        axes = figure.add_axes(RELATIONS_AXES)
        _frame(axes)
        axes.axhline(0, color=MUTED, lw=0.8)
        for bar in chart.bars:
            start, width = _x(bar.start), bar_width(bar)
            axes.bar(start, bar.cooperation, width=width, align="edge", color=COOPERATION)
            axes.bar(start, bar.conflict, width=width, align="edge", color=CONFLICT)
            middle = bar_middle(bar)
            axes.plot([middle], [bar.score], marker="D", color=INK, ms=6, zorder=4)
            axes.annotate(
                f"{bar.score:+.1f}\n{len(bar.developments)} dev.",
                (middle, max(bar.cooperation, 0)),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=INK,
            )
        if chart.bars:
            middles = [bar_middle(bar) for bar in chart.bars]
            if len(middles) <= 12:  # more periods than that: the date axis labels itself
                axes.set_xticks(middles, [bar.label for bar in chart.bars])
            x_view, y_view = relations_view(chart)
            axes.set_xlim(*x_view)
            axes.set_ylim(*y_view)
        else:
            axes.text(
                0.5, 0.5, "No developments involve both", ha="center", transform=axes.transAxes
            )
        handles = [
            Patch(color=COOPERATION, label="cooperation"),
            Patch(color=CONFLICT, label="conflict"),
            Line2D([], [], color=INK, marker="D", ls="", label="score (their sum)"),
        ]
        figure.legend(handles=handles, loc="lower left", ncol=3, frameon=False, fontsize=8)
        return figure


def relations_bytes(
    chart: RelationsChart, form: str = "png", *, names: tuple[str, str] | None = None
) -> bytes:
    """The relations chart as PNG or SVG bytes: SVG written directly (no lock, text as
    text), unless its axis needs what only matplotlib draws."""
    if form == "svg":
        from timeline.web._relations_svg import relations_svg  # it imports this module (bar layout)

        written = relations_svg(chart, *relations_heading(chart, names))
        if written is not None:
            return written
    return to_bytes(relations_figure(chart, names=names), form)


def topic_bytes(chart: TopicChart, form: str = "png", *, day: dt.date | None = None) -> bytes:
    """The topic chart as PNG or SVG bytes: SVG written directly (no lock, text as text)."""
    if form == "svg":
        from timeline.web._topic_svg import topic_svg  # it imports this module (label places)

        return topic_svg(chart, day)
    return to_bytes(topic_figure(chart, day=day), form)


def to_bytes(figure: Figure, form: str = "png", *, dpi: int = 100) -> bytes:
    """The figure as PNG or SVG bytes."""
    if form not in FORMATS:
        raise ChartError(f"chart format {form!r}: expected one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    metadata = {"Date": None} if form == "svg" else {"Software": None}
    with _styled():
        FigureCanvasAgg(figure)
        figure.savefig(buffer, format=form, dpi=dpi, metadata=metadata, facecolor=PAPER)
    return buffer.getvalue()


def save(figure: Figure, path: str | Path, *, dpi: int = 100) -> Path:
    """Writes the figure to `path`, PNG or SVG by its suffix; returns the path."""
    target = Path(path)
    data = to_bytes(figure, target.suffix.lstrip(".").lower(), dpi=dpi)
    return write_whole(target, data, what="the chart")
