"""The article's seed files alone: the bundled story as the December 2018 article told it.

Tests written about the article (its 13 developments, its dates, its answers) load
this folder; the bundled folder also holds the sequel (`seeds/sequel.toml`).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from timeline import seeds

__all__ = ["article_folder"]


@functools.cache
def article_folder() -> Path:
    """A folder (made once per process, removed at exit) holding only the article's files."""
    folder = Path(tempfile.mkdtemp(prefix="timeline-article-"))
    atexit.register(shutil.rmtree, folder, True)
    for name in seeds.ARTICLE:
        shutil.copy(seeds.path() / name, folder / name)
    return folder
