"""The relations chart written as SVG by hand says what matplotlib's drawing of it says,
at the same places: titles, tick labels, bar notes and the key."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pendulum
import pytest

from timeline import Timeline, seeds
from timeline.projections import charts
from timeline.web import render

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: bytes) -> list[tuple[str, str | None, str | None]]:
    """Every text the SVG shows (each line of a label on its own), with its x and y when
    set as attributes (matplotlib places some by a transform instead)."""
    found = ET.fromstring(svg).iter(f"{SVG}text")
    return sorted(((t.text or "", t.get("x"), t.get("y")) for t in found), key=str)


def _places(texts: list[tuple[str, str | None, str | None]]) -> dict[str, set[tuple[float, float]]]:
    places: dict[str, set[tuple[float, float]]] = {}
    for text, x, y in texts:
        if x is not None and y is not None:
            places.setdefault(text, set()).add((round(float(x), 1), round(float(y), 1)))
    return places


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
    mine, theirs = _texts(written), _texts(drawn)
    assert [t for t, _, _ in mine] == [t for t, _, _ in theirs]
    ours = _places(mine)
    for text, where in _places(theirs).items():  # what matplotlib places by x and y
        assert where <= ours[text], text
    # The png is still matplotlib's.
    assert render.relations_bytes(chart, "png").startswith(b"\x89PNG")
