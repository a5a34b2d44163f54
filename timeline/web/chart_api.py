"""The charts as images (PNG or SVG) and as the data they are drawn from."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from timeline.engine._rule import Entry
from timeline.projections import charts
from timeline.web import payloads, render
from timeline.web.api import ERRORS, Actor, By, KnownAt, StoryDep, Topic
from timeline.web.params import ParameterError, blame, day, name
from timeline.web.story import Story

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["charts"])
Format = Annotated[Literal["png", "svg"], Query(description="image format")]
Marked = Annotated[
    str | None, Query(description="draw a line at this EDTF day (the page's 'as of')")
]
MEDIA = {"png": "image/png", "svg": "image/svg+xml"}
# How many topic charts' data (per topic and knowledge day) each process keeps.
TOPIC_DATA_KEPT = 8
IMAGES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}, "image/svg+xml": {}}, "description": "The chart"},
    **ERRORS,
}


def _image(content: bytes, form: str) -> Response:
    return Response(content, media_type=MEDIA[form], headers={"Cache-Control": "no-cache"})


def _retracted(story: Story) -> list[Entry]:
    """The store's retracted entries, read once per store position for every topic chart."""

    def read() -> list[Entry]:
        return story.read(lambda tl: tl.corrections(retracted=True))

    return story.drawn("retracted", read)


@router.get("/charts/topic", response_class=Response, responses=IMAGES)
def topic_image(
    story: StoryDep,
    topic: Topic,
    known_at: KnownAt = None,
    day_: Annotated[Marked, Query(alias="day")] = None,
    format: Format = "svg",
) -> Response:
    """Every actor's stance on a topic over story time: bands, tentative dashes, retractions."""
    what = name(story.registry, "topic", "topic", topic)
    known, marked = day("known_at", known_at), day("day", day_)

    def read() -> charts.TopicChart:
        entries = _retracted(story)
        return story.read(lambda tl: charts.topic_chart(tl, what, known_at=known, entries=entries))

    def draw() -> bytes:
        # The chart's data is read once per knowledge day, by one of the processes serving
        # the store (the others load its pickle: a tenth of reading it): a day only moves
        # its domain.  A few are kept: at a million developments one holds hundreds of
        # thousands of steps.
        key = ("topic-data", what, known)
        undated = story.drawn(key, read, shared=True, keep=TOPIC_DATA_KEPT, pickled=True)
        chart = charts.on_day(undated, marked)
        return render.topic_bytes(chart, format, day=marked)

    return _image(story.drawn(("topic", what, known, marked, format), draw, shared=True), format)


@router.get("/charts/compare", response_class=Response, responses=IMAGES)
def compare_image(
    story: StoryDep,
    topic: Topic,
    known_at: Annotated[str, Query(description="the earlier state of knowledge (EDTF)")],
    day_: Annotated[Marked, Query(alias="day")] = None,
    format: Format = "svg",
) -> Response:
    """The topic's chart as known at `known_at`, beside the chart as known now."""
    what = name(story.registry, "topic", "topic", topic)
    known, marked = day("known_at", known_at), day("day", day_)
    if known is None:
        raise ParameterError("known_at", "expected an EDTF date such as '2018-12-18'")

    def draw() -> bytes:
        pair = story.read(lambda tl: charts.comparison(tl, what, known_at=known, day=marked))
        return render.to_bytes(render.comparison_figure(pair, day=marked), format)

    return _image(story.drawn(("compare", what, known, marked, format), draw, shared=True), format)


@router.get("/charts/relations", response_class=Response, responses=IMAGES)
def relations_image(
    story: StoryDep,
    a: Actor,
    b: Annotated[str, Query(description="the other actor", examples=["USA"])],
    by: Annotated[By, Query(description="the length of a period")] = "month",
    known_at: KnownAt = None,
    format: Format = "svg",
) -> Response:
    """Two actors' cooperation and conflict per period, with the score."""
    registry, known = story.registry, day("known_at", known_at)
    first, second = name(registry, "actor", "a", a), name(registry, "actor", "b", b)
    if first == second:
        raise ParameterError("b", f"relations of {first!r} with itself: expected two actors")
    names = (registry.actors[first].name, registry.actors[second].name)

    def draw() -> bytes:
        found = story.read(lambda tl: tl.relations(first, second, by=by, known_at=known))
        return render.relations_bytes(charts.relations_chart(found), format, names=names)

    return _image(
        story.drawn(("relations", first, second, by, known, format), draw, shared=True), format
    )


@router.get("/chart-data/topic", responses=ERRORS)
def topic_data(story: StoryDep, topic: Topic, known_at: KnownAt = None) -> dict[str, Any]:
    """The data behind the topic chart: per actor, its steps, bands and retraction markers."""
    what = name(story.registry, "topic", "topic", topic)
    known = day("known_at", known_at)
    chart = blame(
        "topic", lambda: story.read(lambda tl: charts.topic_chart(tl, what, known_at=known))
    )
    return payloads.chart_data(chart)
