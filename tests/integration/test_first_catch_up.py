"""A catch-up into an empty view builds its secondary indexes after the rows.

Nothing reads an empty view, so a first catch-up (or a rebuild) of a page or more
drops the secondary indexes, writes its pages (each with its tracking, resumable
as ever) and builds them at the end; a catch-up that stops midway leaves a view
that the next open completes, and that answers as a view built in one go.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.strategies import agreement, registry_actors, registry_topics
from timeline import Timeline
from timeline.projections._backend import Batch, ViewFullError, ViewRecorder
from timeline.projections._projection import StoryProjection
from timeline.projections._rows import RECORDED_FOREVER

SECONDARY = "positions_developments_1"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'story.db'}"
    return str(request.getfixturevalue("postgres_url"))


def _indexed(view: ViewRecorder) -> bool:
    """Whether the view's story-order index is there."""
    with view.reading() as c:
        if view.dialect.name == "sqlite":
            c.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?", (SECONDARY,)
            )
            return c.fetchone() is not None
        c.execute("SELECT to_regclass(%s) AS found", (view.dialect.index(SECONDARY),))
        row = c.fetchone()
        found = row["found"] if isinstance(row, dict) else row[0]
        return found is not None


def _record(tl: Timeline) -> None:
    tl.record_many(
        [agreement(id=f"d{n}", occurred=f"2019-{n % 12 + 1:02d}") for n in range(20)],
        actors=registry_actors(),
        topics=registry_topics(),
    )
    for n in range(0, 20, 3):  # corrections of developments recorded pages before
        tl.retract(f"d{n}", reported="2020-01-01", reason="withdrawn")


def _answers(tl: Timeline) -> Any:
    view = tl.as_of("2019-12-31")
    return (
        view.positions(),
        [d.id for d in tl.as_of("2019-12-31").developments()],
        view.position("TUR", "s400-purchase"),
    )


def test_a_first_catch_up_writes_its_rows_before_the_index_and_then_builds_it(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Timeline.open(url) as tl:
        _record(tl)
        view = tl.materialised
        view.batch = 4
        assert _indexed(view.view)
        seen: list[bool] = []
        write = StoryProjection.write

        def writing(self: StoryProjection, run: Any, page: Any, name: str, expected: int) -> None:
            seen.append(_indexed(self.view))
            write(self, run, page, name, expected)

        monkeypatch.setattr(StoryProjection, "write", writing)
        assert view.rebuild() == tl.head
        monkeypatch.undo()
        assert len(seen) > 3
        assert not any(seen)  # every page written without the index
        assert _indexed(view.view)  # and built at the end
        deferred = view.view.dump()
        answers = _answers(tl)
        # A catch-up of less than a page keeps the index as it goes.
        view.batch = tl.head + 1
        assert view.rebuild() == tl.head
        assert _indexed(view.view)
        assert view.view.dump() == deferred
        assert _answers(tl) == answers


def test_a_catch_up_into_a_view_with_rows_keeps_its_indexes(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Timeline.open(url) as tl:
        _record(tl)
        tl.materialised.catch_up()
        tl.record_many([agreement(id=f"e{n}", occurred="2019-05") for n in range(12)])
        view = tl.materialised
        view.batch = 4
        dropped: list[str] = []
        drop = type(view.view.dialect).drop_index

        def dropping(self: Any, name: str) -> str:
            dropped.append(name)
            return str(drop(self, name))

        monkeypatch.setattr(type(view.view.dialect), "drop_index", dropping)
        assert view.catch_up() > 0
        assert dropped == []
        assert _indexed(view.view)


def test_a_first_catch_up_stopped_midway_leaves_a_store_the_next_open_completes(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Timeline.open(url) as tl:
        _record(tl)
        tl.materialised.catch_up()
        whole = tl.materialised.view.dump()
        answers = _answers(tl)
    with Timeline.open(url) as tl:
        view = tl.materialised
        view.batch = 4
        write = StoryProjection.write
        pages: list[Any] = []

        def dying(self: StoryProjection, run: Any, page: Any, name: str, expected: int) -> None:
            if len(pages) == 3:
                raise KeyboardInterrupt("killed")  # the process dies after three pages
            pages.append(page)
            write(self, run, page, name, expected)

        monkeypatch.setattr(StoryProjection, "write", dying)
        # Killed: nothing after the kill runs, so the indexes are not built on the way out.
        monkeypatch.setattr(type(view.view), "build_indexes", lambda self: None)
        with pytest.raises(KeyboardInterrupt):
            view.rebuild()
        monkeypatch.undo()
        reached = view.view.max_tracking_id(tl.materialised.application.name)
        assert reached is not None
        assert 0 < reached < tl.head
        assert not _indexed(view.view)
    with Timeline.open(url) as tl:
        view = tl.materialised
        assert _indexed(view.view)  # built by the open
        assert _answers(tl) == answers  # the read resumes the catch-up from its tracking
        assert view.view.dump() == whole


@pytest.mark.postgres
def test_a_first_catch_up_on_postgresql_leaves_its_key_indexes_as_a_sorted_build_packs_them(
    postgres_url: str,
) -> None:
    # Closes search the key indexes, so a first catch-up keeps them up row by row (pages
    # split half full) and rebuilds them at the end: as small as a fresh build.
    import psycopg

    base, _, schema = postgres_url.partition("?schema=")
    stories = [agreement(id=f"d{n * 7919 % 3000}", occurred="2019-05") for n in range(3000)]
    with Timeline.open(postgres_url) as tl:
        tl.record_many(stories, actors=registry_actors(), topics=registry_topics())
        view = tl.materialised
        view.batch = 500
        assert view.rebuild() == tl.head
    names = ("positions_claims_key", "positions_developments_key")
    with psycopg.connect(base, autocommit=True) as conn:
        sizes = [conn.execute(SIZE, (f'"{schema}"."{n}"',)).fetchone() for n in names]
        for name in names:
            conn.execute(f'REINDEX INDEX "{schema}"."{name}"')
        rebuilt = [conn.execute(SIZE, (f'"{schema}"."{n}"',)).fetchone() for n in names]
    assert sizes == rebuilt
    assert all(size is not None and size[0] > 3 * 8192 for size in sizes)  # a few pages each


SIZE = "SELECT pg_relation_size(%s::regclass)"


def test_a_notification_id_past_what_the_view_holds_is_refused_by_name(url: str) -> None:
    # The view keeps notification ids in 32 bits: a store past that many events is told so,
    # before any row is written, rather than failing inside the database.
    with Timeline.open(url) as tl:
        _record(tl)
        view = tl.materialised
        view.catch_up()
        before = view.view.dump()
        with pytest.raises(ViewFullError, match="recorded_from, recorded_until, origin"):
            view.view.write(Batch(), view.application.name, tl.head, RECORDED_FOREVER)
        assert view.view.dump() == before
