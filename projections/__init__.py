"""timeline's read side: the materialised positions view and the read models on it.

Pure replay (`engine.replay`) is the oracle; everything here answers exactly as it
would, faster.  `Timeline` offers the read models as methods (`history`, `diff`,
`explain`, `relations`, `developments`) through `engine._wiring`, and its
`materialised` property gives the view itself (`catch_up`, `rebuild`, `enabled`).
"""

from timeline.projections.catchup import catch_up
from timeline.projections.diff import Diff, Difference
from timeline.projections.errors import QueryError
from timeline.projections.explain import Claim, Explanation
from timeline.projections.history import Change
from timeline.projections.materialised import Materialised
from timeline.projections.projection import PositionsProjection
from timeline.projections.recorder import SQLitePositionsRecorder
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
    "PositionsProjection",
    "QueryError",
    "Relations",
    "SQLitePositionsRecorder",
    "catch_up",
]
