"""The one documented point where the engine reaches into `projections`.

`Timeline` inherits these read methods; each imports `projections` lazily, on
first use, so the engine package itself never depends on the read side.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.replay import View


class ReadMethods:
    """Read models that live in `projections`, offered as methods of `Timeline`."""

    def _materialised_view(
        self, day: dt.date, known_at: dt.date | None, possible: bool
    ) -> View | None:
        """The view from the materialised positions when they are current, else None."""
        return None

    def history(self, actor: str, topic: str, **options: Any) -> Any:
        """The change points of one position over story time."""
        raise NotImplementedError("history is built in projections (issue 4)")
