"""Each chart written to a PNG or SVG file (by its suffix), from a store's reads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from timeline.engine.when import WhenLike, as_day
from timeline.projections import charts
from timeline.web import render

if TYPE_CHECKING:
    from timeline._timeline import Timeline

__all__ = ["write_comparison", "write_relations", "write_topic"]


def write_topic(
    tl: Timeline,
    topic: str,
    path: str | Path,
    *,
    known_at: WhenLike | None = None,
    day: WhenLike | None = None,
    dpi: int = 100,
) -> Path:
    """Every actor's stance on `topic` over story time, as known at `known_at`."""
    chart = charts.topic_chart(tl, topic, known_at=known_at, day=day)
    marked = None if day is None else as_day(day)
    return render.save(render.topic_figure(chart, day=marked), path, dpi=dpi)


def write_comparison(
    tl: Timeline,
    topic: str,
    path: str | Path,
    *,
    known_at: WhenLike,
    day: WhenLike | None = None,
    dpi: int = 100,
) -> Path:
    """The topic's chart as known at `known_at`, beside the chart as known now."""
    pair = charts.comparison(tl, topic, known_at=known_at, day=day)
    marked = None if day is None else as_day(day)
    return render.save(render.comparison_figure(pair, day=marked), path, dpi=dpi)


def write_relations(
    tl: Timeline,
    a: str,
    b: str,
    path: str | Path,
    *,
    by: str = "month",
    known_at: WhenLike | None = None,
    dpi: int = 100,
) -> Path:
    """Two actors' cooperation and conflict per period, with the score."""
    found = tl.relations(a, b, by=by, known_at=known_at)
    actors = tl.registry.actors
    names = (actors[found.a].name, actors[found.b].name)
    figure = render.relations_figure(charts.relations_chart(found), names=names)
    return render.save(figure, path, dpi=dpi)
