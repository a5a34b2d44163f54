"""The relations chart written as SVG by hand says what matplotlib's drawing of it says,
at the same places: titles, tick labels, bar notes and the key."""

from __future__ import annotations

import random

import pendulum
import pytest

from tests.svg_texts import places, texts
from timeline import Timeline, seeds
from timeline.projections import charts
from timeline.web import render


def _many() -> charts.RelationsChart:
    rng = random.Random(3)
    bars = []
    for year in range(2001, 2021):
        up, down = rng.uniform(0, 900), -rng.uniform(0, 1200)
        days = (pendulum.Date(year, 1, 1), pendulum.Date(year, 12, 31))
        bars.append(charts.Bar(str(year), *days, up, down, up + down, ("d1",) * rng.randint(1, 9)))
    return charts.RelationsChart("AAB", "AAC", "year", None, tuple(bars))


@pytest.mark.parametrize("by", ["month", "quarter", "year", "week", "none", "many"])
def test_the_written_svg_shows_matplotlibs_texts(by: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if by == "none":
        chart = charts.RelationsChart("AAB", "AAC", "year", None, ())
    elif by == "many":  # more than 12 periods: the date axis labels itself
        chart = _many()
    else:
        story = Timeline()
        story.load(seeds.path())
        chart = charts.relations_chart(story.relations("TUR", "USA", by=by))
    written = render.relations_bytes(chart, "svg", names=("Turkey", "USA"))
    assert written.startswith(b"<?xml")
    monkeypatch.setitem(render.STYLE, "svg.fonttype", "none")  # matplotlib's text as text
    drawn = render.to_bytes(render.relations_figure(chart, names=("Turkey", "USA")), "svg")
    mine, theirs = texts(written), texts(drawn)
    assert [t for t, _, _ in mine] == [t for t, _, _ in theirs]
    ours = places(mine)
    for text, where in places(theirs).items():  # what matplotlib places by x and y
        assert where <= ours[text], text
    # The png is still matplotlib's.
    assert render.relations_bytes(chart, "png").startswith(b"\x89PNG")
