"""The topic chart written as SVG by hand says what matplotlib's drawing of it says, at the
same places: titles, tick labels, series labels, retraction notes, the day and the key."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from tests.article import article_folder
from tests.integration.test_chart_drawing import _many_steps
from timeline import Timeline
from timeline.projections import charts
from timeline.web import render

SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2018, 6, 1)


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


@pytest.fixture(scope="module")
def story() -> Timeline:
    """The bundled story with a claim retracted, so a chart has a retraction marker."""
    tl = Timeline()
    tl.load(article_folder())
    tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    return tl


def _chart(story: Timeline, which: str) -> tuple[charts.TopicChart, dt.date | None]:
    if which == "many":  # hundreds of steps, tentative and not, with bands
        return _many_steps(), dt.date(2003, 3, 3)
    if which == "empty":  # nothing known yet
        return charts.topic_chart(story, "s400-purchase", known_at="2018-12-18", day=DAY), DAY
    if which == "known":
        return charts.topic_chart(story, "s400-purchase", known_at="2019-01-01"), None
    return charts.topic_chart(story, which, day=DAY), DAY


@pytest.mark.parametrize(
    "which", ["s400-purchase", "f35-participation", "patriot-sale", "known", "empty", "many"]
)
def test_the_written_svg_shows_matplotlibs_texts(
    story: Timeline, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    chart, day = _chart(story, which)
    written = render.topic_bytes(chart, "svg", day=day)
    assert written.startswith(b"<?xml")
    monkeypatch.setitem(render.STYLE, "svg.fonttype", "none")  # matplotlib's text as text
    drawn = render.to_bytes(render.topic_figure(chart, day=day), "svg")
    mine, theirs = _texts(written), _texts(drawn)
    assert [t for t, _, _ in mine] == [t for t, _, _ in theirs]
    ours = _places(mine)
    for text, where in _places(theirs).items():  # what matplotlib places by x and y
        assert where <= ours[text], text
    # The png is still matplotlib's.
    assert render.topic_bytes(chart, "png", day=day).startswith(b"\x89PNG")


def test_the_x_labels_sit_under_axes_of_the_relations_charts_bottom() -> None:
    # `_relations_svg._x_labels` places them under its own axes' bottom: the same line.
    from timeline.web import _relations_svg, _topic_svg

    assert _topic_svg.BOTTOM == _relations_svg.BOTTOM
