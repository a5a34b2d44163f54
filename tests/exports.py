"""A store holding the bundled article, and a file written, for the export and import tests."""

from __future__ import annotations

from pathlib import Path

from tests.article import article_folder
from timeline import Timeline

__all__ = ["fresh", "write"]


def fresh() -> Timeline:
    """A new in-memory store holding the bundled article."""
    tl = Timeline()
    tl.load(article_folder())
    return tl


def write(tmp_path: Path, name: str, text: str) -> Path:
    """`text` written as the file `name` in `tmp_path`."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
