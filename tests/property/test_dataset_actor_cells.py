"""POLECAT's actor cells, parsed once per distinct set and kept, name the actors the former
reader named, row after row: the same ids, and the same actors made."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from timeline.engine._registry import Registry
from timeline.engine.errors import RecordError
from timeline.formats._actors import Actors
from timeline.formats._events import Cells
from timeline.formats.polecat import _actors, _split, _wikidata


def _former(actors: Actors, cells: Cells, role: str, wiki: str) -> tuple[str, ...]:
    """The reader before its cells were kept (`polecat._actors` as it was)."""
    names = _split(cells.get(f"{role} Name"))
    countries = _split(cells.get(f"{role} Country"))
    ids = _split(cells.get(wiki))
    sector = cells.get(f"Primary {role} Sector") or None
    found = []
    for i, name in enumerate(names):
        country = countries[i] if i < len(countries) else (countries[0] if countries else "")
        wikidata = _wikidata(ids[i]) if i < len(ids) else None
        found.append(actors.find(name, country, sector=sector, wikidata=wikidata))
    return tuple(dict.fromkeys(found))


_COLUMNS = [
    *("Actor Name", "Actor Country", "Wikipedia Actor ID", "Primary Actor Sector"),
    *("Recipient Name", "Recipient Country", "Wikipedia Recipient ID"),
    "Primary Recipient Sector",
]
_PART = st.sampled_from(["Erdoğan", "Sweden", "TUR", "SWE", "Q1", "wiki/Q42", "Q", " ", ""])
# A cell of a few parts, joined by ";" with spaces, as POLECAT writes several actors.
_CELL = st.lists(_PART, max_size=3).map(";".join) | st.sampled_from(["Government", ""])
_ROLES = [("Actor", "Wikipedia Actor ID"), ("Recipient", "Wikipedia Recipient ID")]
# Rows that repeat each other's cells, so that kept cells are read again.
_ROWS = st.lists(st.lists(_CELL, min_size=len(_COLUMNS), max_size=len(_COLUMNS)), max_size=6)


def _outcome(read: Callable[[], tuple[str, ...]]) -> tuple[str, ...] | str:
    try:
        return read()
    except RecordError as error:  # a name that stands for another actor: the row's refusal
        return f"refused: {error}"


_NONE = [""] * 4


@given(_ROWS)
# Three actors named "Government": Swedish, of no country, and of the country "Government"
# (its code is its id, so neither tells it apart): the third is shown numbered.
@example(
    [
        ["Government", "Sweden", "", "", *_NONE],
        [*_NONE, "Government", "", "", ""],
        [*_NONE, "Government", "Government", "", ""],
    ]
)
def test_kept_actor_cells_name_the_actors_the_former_reader_named(rows: list[list[str]]) -> None:
    columns = {name: i for i, name in enumerate(_COLUMNS)}
    ours, former = Actors(Registry()), Actors(Registry())
    parsed: dict[Any, Any] = {}
    for row in [*rows, *rows]:
        cells = Cells(columns, row)
        for role, wiki in _ROLES:
            found = _outcome(partial(_actors, ours, cells, role, parsed))
            assert found == _outcome(partial(_former, former, cells, role, wiki))
        assert list(ours.pending(0)) == list(former.pending(0))
