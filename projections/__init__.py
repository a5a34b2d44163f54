"""timeline's read side: the materialised view of a store and the read models on it.

Pure replay (`timeline.engine.replay`) is the oracle; everything here answers
exactly as it would, from tables that catch up on new events only.  `Timeline`
offers the read models as methods; these are the values they return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.engine._lazy import lazy

if TYPE_CHECKING:
    from timeline.projections.diff import Diff, Difference
    from timeline.projections.errors import QueryError
    from timeline.projections.explain import Claim, Explanation
    from timeline.projections.history import Change
    from timeline.projections.materialised import Materialised
    from timeline.projections.relations import PERIODS, Period, Relations

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

# Loaded on first use: importing one module of the read side (its errors, say)
# loads that module alone, not every read model and the view.
__getattr__ = lazy(
    "timeline.projections",
    {
        "PERIODS": "relations",
        "Change": "history",
        "Claim": "explain",
        "Diff": "diff",
        "Difference": "diff",
        "Explanation": "explain",
        "Materialised": "materialised",
        "Period": "relations",
        "QueryError": "errors",
        "Relations": "relations",
    },
    globals(),
)
