"""The topic SVG's step lines, written from each day's and stance's place made once per
chart (`_topic_svg._Places`), are the lines written step by step, byte for byte."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.engine.values import Stance
from timeline.engine.when import FIRST_DAY, LAST_DAY, When
from timeline.projections.charts import Series, Step, TopicChart
from timeline.web import _topic_svg as svg
from timeline.web._chart_style import STANCE_VIEW, _color, _x
from timeline.web._svg import Frame, number
from timeline.web.render import _offsets


def former_lines(one: Series, offset: float, chart: TopicChart, frame: Frame) -> Iterator[str]:
    """`_topic_svg._lines` as it was: every place computed and written for each step."""
    colour = _color(one.index)
    pieces: dict[tuple[bool, bool], list[str]] = {}
    starts: list[str] = []
    previous: float | None = None
    for step in one.steps:
        start = frame.px(_x(max(step.start, chart.start)))
        end = frame.px(_x(min(step.end or chart.end, chart.end)))
        y = frame.py(step.stance.value + offset)
        if previous is not None and previous != y:
            rise = f"M {number(start)} {number(previous)} L {number(start)} {number(y)}"
            pieces.setdefault((True, step.tentative), []).append(rise)
        line = f"M {number(start)} {number(y)} L {number(end)} {number(y)}"
        pieces.setdefault((False, step.tentative), []).append(line)
        if step.open_start:
            starts.append(svg._shape(start, y, svg.LEFTWARD))
        previous = y
    for (join, tentative), drawn in sorted(pieces.items()):
        width = 2 if join else 2.4
        dashes = (
            f"{svg.DASHED.format(a=number(3 * width), b=number(2 * width))}; " if tentative else ""
        )
        cap = "; stroke-linecap: square" if join and not tentative else ""
        yield (
            f'<path d="{" ".join(drawn)}" clip-path="url(#axes)" style="fill: none; '
            f'{dashes}stroke: {colour}; stroke-width: {number(width)}{cap}"/>'
        )
    for shape in starts:
        yield f'<path d="{shape}" style="fill: {colour}; stroke: {colour}"/>'


# A few days, the calendar's ends among them: steps reach past the chart's domain.
DAYS = [FIRST_DAY, LAST_DAY] + [pendulum.Date(2010, 1, 1).add(days=n * 37) for n in range(12)]


@st.composite
def series(draw: st.DrawFn, index: int) -> Series:
    starts = sorted(draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=12)))
    steps = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else draw(st.sampled_from([None, LAST_DAY]))
        stance = draw(st.sampled_from(list(Stance)))
        steps.append(Step(start, end, stance, draw(st.booleans()), When("2010"), ("d",)))
    return Series(f"A{index}", f"Actor {index}", index, tuple(steps), ())


@st.composite
def charts(draw: st.DrawFn) -> TopicChart:
    first, last = sorted(draw(st.lists(st.sampled_from(DAYS[2:]), min_size=2, max_size=2)))
    count = draw(st.integers(1, 4))
    made = tuple(draw(series(index)) for index in range(count))
    return TopicChart("t", "A topic", None, first, last + dt.timedelta(days=1), made)


@settings(max_examples=200, deadline=None)
@given(chart=charts())
def test_each_series_lines_are_written_as_step_by_step(chart: TopicChart) -> None:
    frame = Frame(
        (_x(chart.start), _x(chart.end)),
        STANCE_VIEW,
        (svg.LEFT, svg.RIGHT, svg.TOP, svg.BOTTOM),
    )
    places = svg._Places(chart, frame)
    for one, offset in zip(chart.series, _offsets(len(chart.series)), strict=True):
        assert list(svg._lines(one, offset, places)) == list(
            former_lines(one, offset, chart, frame)
        )
