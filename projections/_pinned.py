"""The view a reader of the materialised store answers `as_of()` with, pinned at one
store position: every lookup of it answered there, one object made per view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

from timeline.engine._replay import InPairOrder, View
from timeline.engine._rule import PairKey, Position, Scope
from timeline.engine._slots import filler
from timeline.engine.values import Development

if TYPE_CHECKING:
    from timeline.projections._materialised import Materialised

__all__ = ["PinnedView", "pinned_view"]


class _Held(dict[PairKey, Position]):
    """Every position of a pinned view, read at once, in pair order (as `View.positions`
    lists them without sorting)."""


InPairOrder.register(_Held)


def _unread(*_: object) -> NoReturn:
    """Stands for what a pinned view reads itself when first asked for it (its
    developments, the actors below one): never called."""
    raise AssertionError("a pinned view reads these itself")  # pragma: no cover


class PinnedView(View):
    """A view of the materialised store: each position looked up when asked for, all of
    them read at once when listed, its developments listed on first use.

    Given no pin, it is pinned at its first read: at the store position the view
    has caught up to by then (the first lookup finds it in its own statement).
    Every later read, by any thread, is answered at that one position, as
    PostgreSQL's repeatable-read snapshot is taken at a transaction's first
    statement, not at its start.  One object per `as_of()`: a lookup makes no other.
    """

    __slots__ = ("_pins", "_scope", "_source")

    # The store positions first reads were answered at, the first of them the pin:
    # `list.append` is atomic, so reads racing to be first agree on it with no lock.
    _pins: list[int]
    _scope: Scope
    _source: Materialised

    def pin(self) -> int:
        """The store position every read of the view is answered at (fixed now, as the
        view has caught up to, if no read has fixed it yet)."""
        pins = self._pins
        if not pins:
            pins.append(self._source.current())
        return pins[0]

    def position(self, actor: str, topic: str) -> Position | None:
        key = (self._resolve_actor(actor), self._resolve_topic(topic))
        pins = self._pins
        if not pins:
            # The first read (of a view taken for one lookup, the commonest), inline.
            found, pin = self._source.first_position(
                key, self.day, self.known_at, self.possible, self._scope
            )
            pins.append(pin)
            if pins[0] == pin:
                return found
            # Another thread's first read came first, at another position.
        elif self._positions is not _UNREAD:
            return self._positions.get(key)
        return self._source.position(
            key, self.day, self.known_at, self.possible, pins[0], self._scope
        )

    def positions(
        self, actor: str | None = None, *, children: bool = False
    ) -> dict[PairKey, Position]:
        if self._positions is _UNREAD:
            pin = self.pin()
            read = self._source.positions(self.day, self.known_at, self.possible, pin, self._scope)
            _set(self, "_descendants", self._source.registry(pin).descendants)
            _set(self, "_positions", _Held(read))  # read again by a racing thread: the same
        return super().positions(actor, children=children)

    def developments(self) -> tuple[Development, ...]:
        if not isinstance(self._developments, tuple):
            listed = self._source.developments(
                self.known_at, self.pin(), day=self.day, possible=self.possible, scope=self._scope
            )
            _set(self, "_developments", tuple(listed))
        return super().developments()


# Sets a slot of a frozen view once it has read what the slot holds.
_set = object.__setattr__
# Stands for the positions of a pinned view not yet read all at once.
_UNREAD: Mapping[PairKey, Position] = MappingProxyType({})
_FILLING = filler(PinnedView)


def pinned_view(
    materialised: Materialised,
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
    pin: int | None,
    scope: Scope,
    resolve_actor: Callable[[str], str],
    resolve_topic: Callable[[str], str],
) -> PinnedView:
    """The `PinnedView` of these (pinned at its first read if `pin` is None), made without
    attrs' __init__ (`engine._slots`): a reader makes one for every `as_of()`."""
    view: Any = _FILLING()
    view.day = day
    view.known_at = known_at
    view.possible = possible
    view.source = "materialised"
    view._positions = _UNREAD
    view._developments = _unread
    view._resolve_actor = resolve_actor
    view._resolve_topic = resolve_topic
    view._descendants = _unread  # set when the positions are read all at once
    view._pins = [] if pin is None else [pin]
    view._scope = scope
    view._source = materialised
    view.__class__ = PinnedView  # filled: now frozen
    made: PinnedView = view
    return made
