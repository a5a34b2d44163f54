"""The cyclic collector is paused while a topic chart is made, while a chart's pickle is
made or loaded and while every position is read at once, and runs again after, as it was
(`engine._uncollected`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.article import article_folder
from timeline import Timeline
from timeline.engine._uncollected import uncollected
from timeline.projections import _claim_reads, _lookups, charts
from timeline.projections._chart_steps import pair_series
from timeline.web.story import _Shared


@pytest.fixture(autouse=True)
def collecting() -> Iterator[None]:
    assert gc.isenabled()
    yield
    gc.enable()  # whatever a failed test left


def test_the_collector_runs_again_after_the_block_as_it_was() -> None:
    with uncollected():
        assert not gc.isenabled()
        with uncollected():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it paused and leaves it so
    assert gc.isenabled()
    with pytest.raises(KeyError), uncollected():
        raise KeyError("an error inside")
    assert gc.isenabled()
    gc.disable()
    with uncollected():
        pass
    assert not gc.isenabled()


def test_a_topic_chart_is_made_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    made = pair_series

    def series(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return made(*args, **kwargs)

    monkeypatch.setattr(charts, "pair_series", series)
    with Timeline() as tl:
        tl.load(article_folder())
        chart = charts.topic_chart(tl, "s400-purchase")
    assert chart.series
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_every_position_is_read_at_once_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    made = _lookups.positions_of_latest

    def positions(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return made(*args, **kwargs)

    monkeypatch.setattr(_claim_reads, "positions_of_latest", positions)
    with Timeline() as tl:
        tl.load(article_folder())
        assert tl.as_of("2020-01-01").positions()
    assert seen == [False]
    assert gc.isenabled()


def test_a_pickle_is_made_and_loaded_with_the_collector_paused(tmp_path: Path) -> None:
    seen: list[bool] = []

    class Value:
        def __reduce__(self) -> tuple[Any, ...]:
            seen.append(gc.isenabled())
            return _loaded, ()

    _Shared(tmp_path).made(("value",), Value, pickled=True)
    _Shared(tmp_path).made(("value",), Value, pickled=True)
    assert seen == [False]
    assert LOADED == [False]
    assert gc.isenabled()


LOADED: list[bool] = []


def _loaded() -> object:
    LOADED.append(gc.isenabled())
    return object()
