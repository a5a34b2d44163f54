"""A topic chart drawn with one line per kind of mark paints what one line per step did.

At a million developments a topic's chart has ~90,000 steps; drawn as one matplotlib
artist each it took tens of seconds, so each series is drawn as one line per kind of
mark (horizontal or join, solid or dashed), its pieces split by NaN.  The reference
here is the earlier drawing, one `plot` per step, and the two PNGs must agree pixel
for pixel up to anti-aliasing.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pendulum
import pytest
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from PIL import Image, ImageChops

from timeline import Timeline, seeds
from timeline.engine.values import Stance
from timeline.engine.when import When
from timeline.projections import charts
from timeline.projections.charts import Band, Series, Step, TopicChart
from timeline.web import render
from timeline.web._chart_style import _x


def _per_step(axes: Axes, one: Series, offset: float, chart: TopicChart) -> float | None:
    """The earlier drawing of a series: one `plot` per step and per change of stance."""
    color = render.PALETTE[one.index % len(render.PALETTE)]
    for band in one.bands:
        start, end = _x(max(band.start, chart.start)), _x(min(band.end, chart.end))
        y = band.stance.value + offset
        axes.fill_between([start, end], y - 0.16, y + 0.16, color=color, alpha=0.16, lw=0)
    previous: float | None = None
    for step in one.steps:
        start = _x(max(step.start, chart.start))
        end = _x(min(step.end or chart.end, chart.end))
        y = step.stance.value + offset
        style = (0, (3, 2)) if step.tentative else "solid"
        if previous is not None and previous != y:
            axes.plot([start, start], [previous, y], color=color, lw=2, ls=style)
        axes.plot([start, end], [y, y], color=color, lw=2.4, ls=style, solid_capstyle="butt")
        if step.open_start:
            axes.plot([start], [y], marker="<", color=color, ms=7, clip_on=False)
        previous = y
    for marker in one.markers:
        y = marker.stance.value + offset
        axes.plot(
            [_x(marker.day)],
            [y],
            marker="X",
            ms=10,
            color=color,
            mec="#ffffff",
            mew=1.2,
            zorder=5,
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


def _many_steps(seed: int = 7, actors: int = 4, steps: int = 300) -> TopicChart:
    """A chart whose series change often, as a large store's do, some steps tentative."""
    rng = random.Random(seed)
    first = pendulum.Date(2001, 1, 1)
    series = []
    for index in range(actors):
        day, made, bands = first, [], []
        for _ in range(steps):
            end = day.add(days=rng.randint(1, 40))
            stance = rng.choice(list(Stance))
            since = When.day(day)
            made.append(Step(day, end, stance, rng.random() < 0.3, since, ("d",)))
            if rng.random() < 0.2:
                bands.append(Band(day.subtract(days=rng.randint(1, 9)), day, stance, ("d",)))
            day = end
        last = made[-1]
        made[-1] = Step(last.start, None, last.stance, last.tentative, last.since, ("d",))
        series.append(Series(f"A{index}", f"Actor {index}", index, tuple(made), tuple(bands)))
    end = max(s.steps[-1].start for s in series).add(days=30)
    return TopicChart("t", "A busy topic", None, first, end, tuple(series))


@pytest.fixture(scope="module")
def story() -> Timeline:
    tl = Timeline()
    tl.load(seeds.path())
    tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    return tl


def _png(chart: TopicChart) -> Image.Image:
    data = render.to_bytes(render.topic_figure(chart, day=dt.date(2018, 6, 1)), "png")
    return Image.open(io.BytesIO(data)).convert("RGB")


def _charts(story: Timeline) -> list[TopicChart]:
    topics = ("s400-purchase", "patriot-sale", "f35-participation")
    return [charts.topic_chart(story, t, day="2018-06-01") for t in topics] + [_many_steps()]


def test_the_lines_paint_the_pixels_one_plot_per_step_painted(
    story: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _charts(story)
    assert sum(len(s.steps) for s in drawn[-1].series) == 1200
    batched = [_png(chart) for chart in drawn]
    monkeypatch.setattr(render, "_draw_series", _per_step)
    for chart, image in zip(drawn, batched, strict=True):
        reference = _png(chart)
        difference = ImageChops.difference(image, reference).convert("L")
        histogram = difference.histogram()
        # Anti-aliased edges differ a little where pieces meet (one plot per step left
        # faint seams there), by a few levels of grey; no mark may move or go missing.
        assert sum(histogram[65:]) == 0, chart.topic
        assert sum(histogram[9:]) < 0.001 * image.size[0] * image.size[1], chart.topic


def test_a_series_is_a_few_artists_however_many_steps_it_has() -> None:
    chart = _many_steps(steps=300)
    figure = render.topic_figure(chart)
    lines = [a for axes in figure.axes for a in axes.get_children() if isinstance(a, Line2D)]
    # Per series at most four lines (horizontals and joins, solid and dashed), plus the
    # legend's and the axes' own; one per step would be over 1,200.
    assert len(lines) <= 4 * len(chart.series) + 10


def test_days_are_placed_where_date2num_places_them() -> None:
    days = [dt.date(1, 1, 1), dt.date(1969, 12, 31), dt.date(2000, 2, 29)]
    days += [pendulum.Date(2018, 12, 19), pendulum.Date(9999, 12, 31)]
    for day in days:
        assert _x(day) == float(mdates.date2num(day))  # type: ignore[no-untyped-call]
