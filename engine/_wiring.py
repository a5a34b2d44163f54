"""The one documented point where the engine reaches into `projections`.

`Timeline` inherits these read methods; each imports `projections` lazily, on
first use, so the engine package itself never depends on the read side.

Reads use the materialised positions view where the store has one (in-memory
and SQLite stores; PostgreSQL follows in issue 5) and pure replay elsewhere.
The view catches up on read: writes only append events, and the first read
after them processes what is new (see `projections.materialised`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.engine.config import StoreConfig
    from timeline.engine.registry import Registry
    from timeline.engine.replay import Entry, View
    from timeline.engine.store import EventLog, StoreApplication
    from timeline.engine.values import Development, Reliability
    from timeline.engine.when import WhenLike
    from timeline.projections.diff import Diff
    from timeline.projections.explain import Explanation
    from timeline.projections.history import Change
    from timeline.projections.materialised import Materialised
    from timeline.projections.relations import Relations


def _day(value: WhenLike | None) -> dt.date | None:
    from timeline.engine.when import as_day

    return None if value is None else as_day(value)


class ReadMethods:
    """Read models that live in `projections`, offered as methods of `Timeline`."""

    if TYPE_CHECKING:
        config: StoreConfig
        _app: StoreApplication
        _log: EventLog
        _registry: Registry

        def _sync(self) -> None: ...

        def as_of(
            self, day: WhenLike, known_at: WhenLike | None = None, *, possible: bool = False
        ) -> View: ...

    _materialised: Materialised | None = None

    @property
    def materialised(self) -> Materialised:
        """The store's materialised positions view, opened on first use.

        Set `.enabled = False` on it to answer every read by pure replay;
        `.catch_up()` and `.rebuild()` bring it up to date explicitly.
        """
        if self._materialised is None:
            from timeline.projections.materialised import Materialised

            self._materialised = Materialised(self._app, self.config.kind)
        return self._materialised

    def _current(self) -> Materialised | None:
        """The materialised view, caught up with what was synced, or None for replay."""
        from timeline.projections.materialised import SUPPORTED

        if self.config.kind not in SUPPORTED or not self.materialised.enabled:
            return None
        self.materialised.ensure(self._log.position)
        return self.materialised

    def _materialised_view(
        self, day: dt.date, known_at: dt.date | None, possible: bool
    ) -> View | None:
        """The view from the materialised positions when they are current, else None."""
        view = self._current()
        if view is None:
            return None
        pin = self._log.position
        return view.as_of(day, known_at, possible, pin=pin, registry=self._registry, log=self._log)

    def _claiming(self, actor: str, topic: str) -> Iterable[Entry]:
        """Entries enough to answer about one pair: those claiming it, or all of them."""
        view = self._current()
        if view is None:
            return self._log.entries()
        ids = view.claimed_by((actor, topic), self._log.position)
        return [self._log.developments[dev_id] for dev_id in ids]

    def _pair(self, actor: str, topic: str) -> tuple[str, str]:
        self._sync()
        return self._registry.resolve("actor", actor), self._registry.resolve("topic", topic)

    def history(
        self,
        actor: str,
        topic: str,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
    ) -> list[Change]:
        """The change points of one position over story time, as known at `known_at`."""
        from timeline.projections.history import history

        key = self._pair(actor, topic)
        entries = self._claiming(*key)
        return history(entries, *key, known_at=_day(known_at), possible=possible)

    def diff(
        self,
        d1: WhenLike,
        d2: WhenLike | None = None,
        *,
        known_at: WhenLike | None = None,
        vs_known_at: WhenLike | None = None,
        possible: bool = False,
    ) -> Diff:
        """What changed from (d1, known_at) to (d2, vs_known_at), position by position.

        `d2` defaults to `d1` and `vs_known_at` to `known_at`; at least one must be
        given.  To compare against everything recorded, pass `vs_known_at="9999"`.
        """
        from timeline.projections.diff import Diff, diff_positions
        from timeline.projections.errors import QueryError

        if d2 is None and vs_known_at is None:
            raise QueryError("diff needs a second day (d2) or a second knowledge day (vs_known_at)")
        first = self.as_of(d1, known_at, possible=possible)
        second = self.as_of(
            d1 if d2 is None else d2,
            known_at if vs_known_at is None else vs_known_at,
            possible=possible,
        )
        return Diff(
            days=(first.day, second.day),
            known_at=(first.known_at, second.known_at),
            possible=possible,
            differences=diff_positions(first.positions(), second.positions()),
        )

    def explain(
        self,
        actor: str,
        topic: str,
        as_of: WhenLike,
        *,
        known_at: WhenLike | None = None,
        possible: bool = False,
    ) -> Explanation:
        """The developments behind a position, the rule that chose it, and what it beat."""
        from timeline.projections.explain import explain

        key = self._pair(actor, topic)
        entries = self._claiming(*key)
        day = _day(as_of)
        assert day is not None
        return explain(entries, *key, day, known_at=_day(known_at), possible=possible)

    def relations(
        self,
        a: str,
        b: str,
        *,
        by: str = "month",
        known_at: WhenLike | None = None,
        children: bool = True,
    ) -> Relations:
        """Two actors' cooperation–conflict score per period (see `projections.relations`)."""
        from timeline.projections.errors import QueryError
        from timeline.projections.relations import relations

        self._sync()
        first, second = (self._registry.resolve("actor", name) for name in (a, b))
        if first == second:
            raise QueryError(f"relations of {first!r} with itself: expected two actors")
        group = self._registry.descendants if children else (lambda ident: [ident])
        story = self._story(known_at)
        return relations(
            story,
            set(group(first)),
            set(group(second)),
            by=by,
            names=(first, second),
            known_at=_day(known_at),
        )

    def _story(self, known_at: WhenLike | None) -> list[Development]:
        from timeline.engine.replay import known_developments

        self._sync()
        return known_developments(self._log.entries(), _day(known_at))

    def developments(
        self,
        known_at: WhenLike | None = None,
        *,
        actor: str | None = None,
        children: bool = False,
        topic: str | None = None,
        period: WhenLike | None = None,
        reliability: Reliability | str | Collection[Reliability | str] | None = None,
    ) -> list[Development]:
        """Developments known at `known_at` in story order, filtered by what is given.

        `actor` keeps those naming it (or, with `children`, any actor below it) as
        actor, target or claimant; `topic` those claiming on it; `period` those whose
        occurred span overlaps it; `reliability` those whose source has it (or one of them).
        """
        from timeline.engine.values import Reliability
        from timeline.engine.when import When
        from timeline.projections.listing import select

        story = self._story(known_at)
        actors = None
        if actor is not None:
            ident = self._registry.resolve("actor", actor)
            actors = self._registry.descendants(ident) if children else [ident]
        if reliability is not None:
            values = [reliability] if isinstance(reliability, (str, Reliability)) else reliability
            reliability = {Reliability.parse(value) for value in values}
        return select(
            story,
            actors=actors,
            topic=None if topic is None else self._registry.resolve("topic", topic),
            period=None if period is None else When.coerce(period),
            reliability=reliability,  # type: ignore[arg-type]
        )
