"""The topic chart written as SVG by hand says what matplotlib's drawing of it says, at the
same places: titles, tick labels, series labels, retraction notes, the day and the key."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.article import article_folder
from tests.integration.test_chart_drawing import _many_steps
from tests.svg_texts import places, texts
from timeline import Timeline
from timeline.projections import charts
from timeline.web import render

DAY = dt.date(2018, 6, 1)


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
    mine, theirs = texts(written), texts(drawn)
    assert [t for t, _, _ in mine] == [t for t, _, _ in theirs]
    ours = places(mine)
    for text, where in places(theirs).items():  # what matplotlib places by x and y
        assert where <= ours[text], text
    # The png is still matplotlib's.
    assert render.topic_bytes(chart, "png", day=day).startswith(b"\x89PNG")


def test_the_x_labels_sit_under_axes_of_the_relations_charts_bottom() -> None:
    # `_svg.x_labels` places them under the frame's bottom: the same line as relations'.
    from timeline.web import _relations_svg, _topic_svg

    assert _topic_svg.BOTTOM == _relations_svg.BOTTOM
