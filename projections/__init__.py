"""timeline's read side: the materialised view of a store and the read models on it.

Pure replay (`timeline.engine._replay`) is the oracle; everything here answers
exactly as it would, from tables that catch up on new events only.  `Timeline`
offers the read models as methods; these are the values they return.  Names are
loaded on first use, so importing a value does not load the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.engine._lazy import lazy

if TYPE_CHECKING:
    from timeline.projections._diff import Diff, Difference
    from timeline.projections._explain import Claim, Explanation
    from timeline.projections._history import Change
    from timeline.projections._materialised import Materialised
    from timeline.projections._relations import PERIODS, Period, Relations
    from timeline.projections.errors import QueryError

_HOMES = {
    "_diff": ("Diff", "Difference"),
    "errors": ("QueryError",),
    "_explain": ("Claim", "Explanation"),
    "_history": ("Change",),
    "_materialised": ("Materialised",),
    "_relations": ("PERIODS", "Period", "Relations"),
}
_MODULES = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "PERIODS",
    "Change",
    "Claim",
    "Diff",
    "Difference",
    "Explanation",
    "Materialised",
    "Period",
    "QueryError",
    "Relations",
]
assert sorted(_MODULES) == sorted(__all__)  # the table and the list name the same values


__getattr__ = lazy("timeline.projections", _MODULES, globals())
