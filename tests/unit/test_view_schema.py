"""The view's tables are defined once, and every statement follows the definition."""

from __future__ import annotations

import sqlite3

import pytest

from timeline.projections._schema import VIEW_TABLES, Column, Table
from timeline.projections._sql import PREFIX, Dialect

SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgresql", "story", "storeapplication_events")


def test_sqlite_makes_each_table_with_the_defined_columns_and_key() -> None:
    conn = sqlite3.connect(":memory:")
    for statement in SQLITE.create:
        conn.execute(statement)
    for name, table in VIEW_TABLES.items():
        info = conn.execute(f'PRAGMA table_info("{PREFIX}{name}")').fetchall()
        assert [row[1] for row in info] == list(table.names)
        keyed = sorted((row[5], row[1]) for row in info if row[5])
        assert [column for _, column in keyed] == list(table.key)


def test_rows_written_in_column_order_read_back_as_written() -> None:
    conn = sqlite3.connect(":memory:")
    for statement in SQLITE.create:
        conn.execute(statement)
    samples = {"text": "t", "integer": 7, "int4": 5, "int2": 3, "blob": b"\x00b"}
    for name, table in VIEW_TABLES.items():
        row = tuple(samples[column.kind] for column in table.columns)
        conn.execute(SQLITE.insert(name), row)
        assert conn.execute(SQLITE.everything(name)).fetchall() == [row]


def test_every_insert_and_copy_lists_the_defined_columns() -> None:
    for name, table in VIEW_TABLES.items():
        listed = f"({', '.join(table.names)})"
        assert listed in SQLITE.insert(name)
        assert listed in POSTGRES.insert(name)
        statement, types = POSTGRES.copy(name)
        assert listed in statement
        assert len(types) == len(table.columns)
        create = next(s for s in POSTGRES.create if f'"{PREFIX}{name}"' in s)
        for column in table.columns:
            assert f"{column.name} " in create


def test_a_table_refuses_an_unknown_key_kind_or_listed_column() -> None:
    with pytest.raises(ValueError, match="not columns"):
        Table("t", (Column("a", "text"),), ("b",))
    with pytest.raises(ValueError, match="must be in"):
        Column("a", "varchar")
    with pytest.raises(ValueError, match="no columns"):
        VIEW_TABLES["claims"].listed("actor", "nonesuch")


def test_postgres_searches_claims_and_developments_by_a_plain_index_on_their_key_s_lead() -> None:
    # No primary key: a heap and one narrower index, which every read and close
    # searches by; SQLite keeps each table clustered by its whole key.
    for name in ("claims", "developments"):
        table = VIEW_TABLES[name]
        assert table.searched_by == table.key[: len(table.searched_by)]
        create = next(
            s
            for s in POSTGRES.create
            if s.startswith(f'CREATE TABLE IF NOT EXISTS "story"."{PREFIX}{name}"')
        )
        assert "PRIMARY KEY" not in create
        [index] = [s for s in POSTGRES.create if f"{PREFIX}{name}_key " in s]
        assert index.endswith(f"({', '.join(table.searched_by)}) WITH (fillfactor = 100)")
        assert not any(f"{PREFIX}{name}_key " in s for s in SQLITE.create)
    with pytest.raises(ValueError, match="must lead its key"):
        Table("t", (Column("a", "text"), Column("b", "text")), ("a", "b"), searched_by=("b",))


def test_the_secondary_indexes_can_be_dropped_and_made_again_by_name() -> None:
    conn = sqlite3.connect(":memory:")
    for statement in SQLITE.create:
        conn.execute(statement)
    names = set(SQLITE.secondary)
    assert names == {f"{PREFIX}developments_1"}
    listed = "SELECT name FROM sqlite_master WHERE type = 'index'"
    assert names <= {row[0] for row in conn.execute(listed)}
    for name in names:
        conn.execute(SQLITE.drop_index(name))
    assert not names & {row[0] for row in conn.execute(listed)}
    for statement in SQLITE.secondary.values():
        conn.execute(statement)
    assert names <= {row[0] for row in conn.execute(listed)}
    assert POSTGRES.drop_index("x") == 'DROP INDEX IF EXISTS "story"."x"'


def test_every_reliability_has_its_own_code() -> None:
    from timeline.engine.values import Reliability
    from timeline.projections._schema import RELIABILITY_CODES

    assert set(RELIABILITY_CODES) == {r.value for r in Reliability}
    assert len(set(RELIABILITY_CODES.values())) == len(RELIABILITY_CODES)
