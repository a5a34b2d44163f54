"""timeline: dated developments of a story in an append-only event store, replayable
as of any day, as it was known on any day.

    from timeline import Timeline, seeds

    tl = Timeline()  # in memory; Timeline.open("sqlite:///story.db") for a file
    tl.load(seeds.path())
    tl.as_of("2018-12-31").position("Ankara", "s400-purchase")

The write side and the time model live in `timeline.engine`, the read models in
`timeline.projections`, the bundled story in `timeline.seeds`; this package joins
them and is the API to import from.
"""

from __future__ import annotations

import pkgutil
from typing import TYPE_CHECKING

# Run from a source checkout, this folder comes first on the path, and engine/,
# projections/ and seeds/ sit beside it rather than in it: the package also spans every
# other `timeline` folder on the path, so they come from the installed (or editable) tree.
__path__ = pkgutil.extend_path(__path__, __name__)

from timeline.engine._lazy import lazy

if TYPE_CHECKING:
    from timeline import exchange
    from timeline._timeline import Timeline
    from timeline.branch import Branch
    from timeline.engine._replay import View
    from timeline.engine._rule import Position
    from timeline.engine.errors import TimelineError
    from timeline.engine.values import (
        Actor,
        Development,
        Kind,
        Rank,
        Reliability,
        Source,
        Stance,
        StanceClaim,
        Topic,
    )
    from timeline.engine.when import When

__version__ = "0.3.0"

__all__ = [
    "Actor",
    "Branch",
    "Development",
    "Kind",
    "Position",
    "Rank",
    "Reliability",
    "Source",
    "Stance",
    "StanceClaim",
    "Timeline",
    "TimelineError",
    "Topic",
    "View",
    "When",
    "exchange",
]

# Loaded on first use: the facade joins the engine with the read side, so
# `timeline.engine` stands alone, and `timeline --help` loads neither.
_HOMES = {
    "Actor": "engine.values",
    "Kind": "engine.values",
    "Position": "engine._rule",
    "Reliability": "engine.values",
    "Topic": "engine.values",
    "View": "engine._replay",
    "Branch": "branch",
    "Development": "engine.values",
    "Rank": "engine.values",
    "Source": "engine.values",
    "Stance": "engine.values",
    "StanceClaim": "engine.values",
    "Timeline": "_timeline",
    "TimelineError": "engine.errors",
    "When": "engine.when",
}


_attribute = lazy("timeline", _HOMES, globals())


def __getattr__(name: str) -> object:
    """A public name, imported on first use (`exchange` is a module of its own)."""
    if name == "exchange":
        import importlib

        return importlib.import_module("timeline.exchange")
    return _attribute(name)
