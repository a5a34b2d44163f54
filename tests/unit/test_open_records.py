"""`timeline.formats.open_records`: detection by content, the seam every import reads through."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import Timeline, seeds
from timeline.engine import Development, LoadError
from timeline.engine._registry import Registry
from timeline.formats import FORMATS, Item, Records, Rejected, open_records
from timeline.formats._exchange import export


def _registry() -> Registry:
    return Registry((), ())


def _story_file(tmp_path: Path, form: str) -> Path:
    with Timeline() as tl:
        tl.load(seeds.path())
        path = tmp_path / f"story.{form}"
        path.write_text(export(tl, form), encoding="utf-8")
    return path


@pytest.mark.parametrize("form", ["jsonl", "plover"])
def test_the_projects_exports_are_recognised_by_content(tmp_path: Path, form: str) -> None:
    path = _story_file(tmp_path, form)
    renamed = path.rename(tmp_path / "no-extension")
    records = open_records(renamed, registry=_registry())
    assert isinstance(records, Records)
    assert records.format == form
    found = list(records)
    assert not [r for r in found if isinstance(r, Rejected)]
    assert any(isinstance(r, Item) and isinstance(r.value, Development) for r in found)
    lines = [r.line for r in found]
    assert lines == sorted(lines)


def test_a_file_in_no_known_format_is_one_error_naming_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "mystery.txt"
    path.write_text("\n".join(f"a;b;c;{n}" for n in range(500)), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        open_records(path, registry=_registry())
    assert len(caught.value.problems) == 1
    message = caught.value.problems[0]
    assert all(name in message for name in FORMATS)
    assert "a;b;c;0" in message


def test_a_named_format_that_is_unknown_is_refused(tmp_path: Path) -> None:
    path = _story_file(tmp_path, "jsonl")
    with pytest.raises(LoadError, match="unknown format 'csv'"):
        open_records(path, registry=_registry(), format="csv")
