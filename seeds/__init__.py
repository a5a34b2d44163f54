"""The bundled story: Turkey's S-400 purchase, as told in one December 2018 article.

The folder holds the seed files `actors.toml`, `topics.toml` and
`developments.toml` (the format is in `FORMAT.md`), shipped as package data.
Load them with::

    from timeline import Timeline, seeds

    tl = Timeline()
    tl.load(seeds.path())
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["path"]


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
