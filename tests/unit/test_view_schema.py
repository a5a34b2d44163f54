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
