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

from timeline import Timeline, seeds

__all__ = ["article_folder", "corrected_story"]


@functools.cache
def article_folder() -> Path:
    """A folder (made once per process, removed at exit) holding only the article's files."""
    folder = Path(tempfile.mkdtemp(prefix="timeline-article-"))
    atexit.register(shutil.rmtree, folder, True)
    for name in seeds.ARTICLE:
        shutil.copy(seeds.path() / name, folder / name)
    return folder


def corrected_story() -> Timeline:
    """The bundled story, in memory, with the README's revision and retraction reported in 2019."""
    tl = Timeline()
    tl.load(seeds.path())
    tl.revise(
        "patriot-sale-approved", reported="2019-01-15", reason="exact date", occurred="2018-12-18"
    )
    tl.retract("us-senator-scrap-s400", reported="2019-02-01", reason="misattributed")
    return tl
