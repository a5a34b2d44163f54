"""The view touches only its own tables, by exact name, whatever else the database holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from tests.strategies import agreement, fill
from timeline import Timeline
from timeline.projections._sqlite import DIALECT

USER_TABLES = ("positions2024", "positions_mine", "positions_")


def _force_migration_sqlite(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(
            f"UPDATE {DIALECT.table('tracking')} SET notification_id = 0 "
            "WHERE application_name = '__schema__'"
        )


def test_rebuilding_an_sqlite_view_keeps_the_users_tables(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    with Timeline.open(f"sqlite:///{db}") as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        tl.as_of("2019").positions()  # read: the view catches up
    with sqlite3.connect(db) as conn:
        for name in USER_TABLES:
            conn.execute(f'CREATE TABLE "{name}" (note TEXT)')
            conn.execute(f'INSERT INTO "{name}" VALUES (?)', (name,))
    _force_migration_sqlite(db)  # an older view: it is dropped and rebuilt on open
    with Timeline.open(f"sqlite:///{db}") as tl:
        assert tl.materialised.tracking_id == 0
        assert tl.as_of("2019").position("TUR", "s400-purchase") is not None
    with sqlite3.connect(db) as conn:
        for name in USER_TABLES:
            assert conn.execute(f'SELECT note FROM "{name}"').fetchall() == [(name,)]


def test_rebuilding_a_postgres_view_keeps_the_users_tables(postgres_url: str) -> None:
    schema = postgres_url.rsplit("schema=", 1)[1]
    with Timeline.open(postgres_url) as tl:
        fill(tl, [agreement(reported="2018-12-20")])
        tl.as_of("2019").positions()  # read: the view catches up
    base = postgres_url.split("?")[0]
    with psycopg.connect(base, autocommit=True) as conn:
        for name in USER_TABLES:
            conn.execute(f'CREATE TABLE "{schema}"."{name}" (note text)')
            conn.execute(f'INSERT INTO "{schema}"."{name}" VALUES (%s)', (name,))
        conn.execute(
            f'UPDATE "{schema}".positions_tracking SET notification_id = 0 '
            "WHERE application_name = '__schema__'"
        )
    with Timeline.open(postgres_url) as tl:
        assert tl.materialised.tracking_id == 0
        assert tl.as_of("2019").position("TUR", "s400-purchase") is not None
    with psycopg.connect(base, autocommit=True) as conn:
        for name in USER_TABLES:
            rows = conn.execute(f'SELECT note FROM "{schema}"."{name}"').fetchall()
            assert rows == [(name,)]


@pytest.mark.parametrize("name", ["ok; DROP TABLE x", 'q"uote', "", "1st"])
def test_a_schema_name_that_is_not_an_identifier_is_refused(name: str) -> None:
    from timeline.engine.errors import StoreError
    from timeline.projections._sql import Dialect

    with pytest.raises(StoreError, match="schema name"):
        Dialect("postgresql", name)
