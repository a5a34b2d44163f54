"""The bundled story: Turkey's S-400 purchase, from a December 2018 article and its sequel.

The folder holds the article's seed files `actors.toml`, `topics.toml` and
`developments.toml`, and `sequel.toml`, the affair from 2017 to 2020 from dated
public reports (the format is in `FORMAT.md`), shipped as package data.
Load them with::

    from timeline import Timeline, seeds

    tl = Timeline()
    tl.load(seeds.path())
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["ARTICLE", "EDITION", "path"]

# The article's own files: loaded alone, they tell the story as the article did.
ARTICLE = ("actors.toml", "topics.toml", "developments.toml")
# A development this edition of the bundled story holds and earlier editions did not:
# a store made from an earlier edition lacks it (see `timeline demo`).
EDITION = "caatsa-sanctions-on-ssb"


def path() -> Path:
    """Returns the folder that holds the bundled seed files.

    Works for a source checkout and for an installed (editable or regular)
    distribution; raises `FileNotFoundError` when the package is imported from
    an archive, where the files have no folder of their own on disk.
    """
    folder = files(__name__)
    if isinstance(folder, Path):
        return folder
    raise FileNotFoundError(
        f"the bundled seeds are not a folder on disk ({folder!r}); "
        "install the timeline package unzipped to load them"
    )
