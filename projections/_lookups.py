"""What a lookup of the materialised view makes of its rows: claims, names, positions.

Kept apart from `projections._materialised`, which runs the reads; everything here
is on the path of every single lookup, so each step is as short as it can be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, TypeVar

import pendulum

from timeline.engine import _rule as rule
from timeline.engine._registry import NameKind, Registry
from timeline.engine._rule import Claimed, PairKey, Position
from timeline.engine._slots import filler, slot_setters
from timeline.engine.errors import UnknownNameError
from timeline.engine.values import Actor, Rank, Stance, Topic
from timeline.engine.when import Precision, When
from timeline.projections._queries import Params
from timeline.projections._rows import known_ordinal, occurred_text
from timeline.projections._winning import CLAIM_BREAK, FIELD_BREAK, mark

__all__ = [
    "EVERYTHING_KNOWN",
    "claimed",
    "claimed_by_actor",
    "held_by",
    "lookup_params",
    "positions_of_latest",
    "register",
    "resolver",
]

K = TypeVar("K")

# The knowledge day that reads as "everything recorded is known".
EVERYTHING_KNOWN = known_ordinal(None)
# Names each view resolver remembers at most (names asked for, not registered ones).
_REMEMBERED = 4096


class _Made(dict[K, When]):
    """Each key's `When`, made once by `make` (a When is immutable, and few distinct date
    texts or spans recur across a story).  Read by subscript: a C-level look-up, a third
    of an lru_cache call; `__missing__` runs only for a key not seen yet."""

    def __init__(self, make: Callable[[K], When]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: K) -> When:
        made = self._make(key)
        if len(self) < _WHENS_KEPT:
            self[key] = made
        return made


# Date texts (and spans) kept at most.
_WHENS_KEPT = 65536
_when = _Made[str](When).__getitem__


# A run statement's row begins with its development's id.
_DEV_ID = itemgetter(0)
# Stances by stored value: a dict look-up, not an enum call, for each row read.
_STANCES = {stance.value: stance for stance in Stance}


_WHEN_SLOTS = slot_setters(When)
# A plainest text's precision by its length (`projections._rows._plain_text`): a day, a
# month or a year; any other (A/B) is an interval.
_PLAIN_PRECISION = {10: Precision.DAY, 7: Precision.MONTH, 4: Precision.YEAR}


def _plain_span(span: tuple[int, int]) -> When:
    """The `When` of a span's plainest text, made from the span's days without parsing the
    text (a topic's claims hold thousands of distinct spans)."""
    text = occurred_text("", *span)
    if not text:  # an open end has no plainest text: When says why
        return When(text)
    made = object.__new__(When)
    fields = (
        text,
        pendulum.Date.fromordinal(span[0]),
        pendulum.Date.fromordinal(span[1]),
        _PLAIN_PRECISION.get(len(text), Precision.INTERVAL),
        False,
        False,
    )
    for setter, value in zip(_WHEN_SLOTS, fields, strict=True):
        setter(made, value)
    return made


# Each span's `When` from its plainest text, for claims stored with an empty text
# (`projections._rows.stored_claim`).
_plain_when = _Made[tuple[int, int]](_plain_span).__getitem__


def _occurred(row: Sequence[Any], at: int) -> When:
    """The occurred span of a claim row whose stored text is at `at`, and its span's first
    and last days after its rank (`projections._rows.stored_claim`)."""
    text = row[at]
    return _when(text) if text else _plain_when((row[at + 2], row[at + 3]))


def _stance(value: int) -> Stance:
    """The stance of a stored value: a dict look-up for each row read, the enum's own call
    (which says what is wrong with a value no stance has) only for a value not found."""
    found = _STANCES.get(value)
    return Stance(value) if found is None else found


_new = object.__new__
_DEV, _OCCURRED, _STANCE, _RANK = slot_setters(Claimed)
_TIERS = {rank.tier: rank for rank in Rank}


def _claim(dev_id: str, occurred: When, stance: int, tier: int) -> Claimed:
    """The claim of a stored claim row's values, made without attrs' __init__
    (`engine._slots`): a topic's claims are a hundred thousand at scale."""
    made = _new(Claimed)
    _DEV(made, dev_id)
    _OCCURRED(made, occurred)
    _STANCE(made, _stance(stance))
    _RANK(made, _TIERS[tier])
    return made


def claimed(row: tuple[Any, ...]) -> Claimed:
    """The claim a row (dev_id, stance, occurred, rank, occurred earliest and latest) of a
    run statement stands for."""
    return _claim(row[0], _occurred(row, 2), row[1], row[3])


def claimed_by_actor(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[Claimed]]:
    """The claims rows (actor, then a run statement's claim, as `claimed` reads it) stand
    for, by actor in the rows' order."""
    found: dict[str, list[Claimed]] = {}
    actor: str | None = None
    claims: list[Claimed] = []
    for row in rows:
        if row[0] != actor:
            actor = row[0]
            claims = found.setdefault(actor, [])
        claims.append(_claim(row[1], _occurred(row, 3), row[2], row[4]))
    return found


def held_by(key: PairKey, rows: Sequence[tuple[Any, ...]], day: dt.date) -> Position | None:
    """The position that rows (as `claimed` reads them) of a winning run, latest
    first as a run statement gives them, make (`rule.position` on the run in story
    order, with no `Claimed` made for each row and no row copied)."""
    if not rows:
        return None
    winner = rows[0]
    stance = _STANCES.get(winner[1])  # `_stance(winner[1])`, inline: every lookup runs it
    if stance is None:
        stance = Stance(winner[1])
    text = winner[2]  # `_occurred(winner, 2)`, inline for the commonest run, of one claim
    occurred = _when(text) if text else _plain_when((winner[4], winner[5]))
    # `rule.held(key, stance, since, evidence, occurred, day)` written out, with no call
    # of its own (`engine._slots.filler`): every lookup with a position makes one.
    made: Any = _FILLING_POSITION()
    made.actor, made.topic = key
    made.stance = stance
    if len(rows) == 1:
        made.since, made.evidence = occurred, (winner[0],)
    else:
        made.since = _occurred(rows[-1], 2)
        made.evidence = tuple(map(_DEV_ID, reversed(rows)))  # no comprehension's frame
    made.tentative = occurred.latest > day  # as `rule.held`: the winner not certainly over
    made.__class__ = Position  # filled: now frozen
    held: Position = made
    return held


_FILLING_POSITION = filler(Position)


# Stances by a claim's mark as `projections._winning.latest_claims` writes it: one digit
# for its stance and rank (a rank that counts).
_MARKS = {mark(s.value, r.tier): s for s in Stance for r in Rank if rule.counts(r)}


def _span_of(joined: str) -> When:
    """The occurred span of a claim's last fields as `latest_claims` joins them (occurred
    text, occurred earliest and latest)."""
    text, earliest, latest = joined.split(FIELD_BREAK)
    return When(occurred_text(text, int(earliest), int(latest)))


# Each claim's span by its joined last fields, made once.
_span = _Made[str](_span_of).__getitem__


def positions_of_latest(
    rows: Iterable[tuple[str, str, str | None]], day: dt.date, latest: int
) -> tuple[dict[PairKey, Position | None], list[PairKey]]:
    """The positions that rows of each pair's first `latest` claims in search order make
    (`projections._winning.latest_claims`), and the pairs whose run may go on past them.

    A pair's run is its first claim and those after it of the same stance and rank
    (`rule.winning_run`); when all `latest` claims read are of the run, the claims not
    read may be too: the pair is left to be looked up whole, its place kept with None.
    """
    found: dict[PairKey, Position | None] = {}
    unfinished: list[PairKey] = []
    held, marks, span, split, after = rule.held, _MARKS, _span, FIELD_BREAK, CLAIM_BREAK
    for actor, topic, text in rows:
        if text is None:
            continue  # no claim on the pair counts
        # Each claim begins with its one-digit mark: a run's claims begin with the same.
        end = text.find(after)
        if end < 0:  # one claim read: the whole run, unless it was the only one asked for
            if latest == 1:
                found[actor, topic] = None
                unfinished.append((actor, topic))
                continue
            dev_id, joined = text[1:].split(split, 1)
        elif text[end + 1] != text[0]:  # the commonest: a run of one claim, and another after
            dev_id, joined = text[1:end].split(split, 1)
        else:
            found[actor, topic] = _run_of(text, day, latest, (actor, topic), unfinished)
            continue
        occurred = span(joined)
        found[actor, topic] = held(
            (actor, topic), marks[text[0]], occurred, (dev_id,), occurred, day
        )
    return found, unfinished


def _run_of(
    text: str, day: dt.date, latest: int, key: PairKey, unfinished: list[PairKey]
) -> Position | None:
    """The position of a pair whose first two claims read (`text`) are of its run, or
    None with the pair added to `unfinished` when every claim read is of it."""
    claims = text.split(CLAIM_BREAK)
    first = text[0]
    count = 2
    while count < len(claims) and claims[count][0] == first:
        count += 1
    if count == latest:
        unfinished.append(key)
        return None
    # The run in story order: its claims were read latest first.
    run = [claim[1:].split(FIELD_BREAK, 1) for claim in reversed(claims[:count])]
    evidence = tuple([fields[0] for fields in run])
    return rule.held(key, _MARKS[first], _span(run[0][1]), evidence, _span(run[-1][1]), day)


def resolver(
    registry: Registry, kind: NameKind, refreshed: Callable[[], Registry] | None = None
) -> Callable[[str], str]:
    """Resolves names of one kind, remembering those asked for before; a name `registry`
    does not know is looked up in the registry `refreshed` gives, if given.

    A name, once registered, never stands for another id, and a registry only
    grows, so a name resolved once resolves the same for as long as it lives.
    """
    return _Names(registry, kind, refreshed).__getitem__


class _Names(dict[str, str]):
    """The ids of the names of one kind asked for so far: a name asked for again costs a
    C-level look-up, the first time `__missing__` resolves it (`resolver`)."""

    def __init__(
        self, registry: Registry, kind: NameKind, refreshed: Callable[[], Registry] | None
    ) -> None:
        super().__init__()
        self._registry, self._kind, self._refreshed = registry, kind, refreshed

    def __missing__(self, name: str) -> str:
        try:
            ident = self._registry.resolve(self._kind, name)  # raises for a name not registered
        except UnknownNameError:
            if self._refreshed is None:
                raise
            ident = self._refreshed().resolve(self._kind, name)  # raises if still not registered
        if len(self) < _REMEMBERED:
            self[name] = ident
        return ident


def lookup_params(
    key: PairKey, day: dt.date, known_at: dt.date | None, pin: int, numbered: bool
) -> Params:
    """The parameters of an unscoped lookup (the commonest read): one tuple in
    `LOOKUP_PARAMS` order where its statement is `numbered`, else one dict."""
    known = EVERYTHING_KNOWN if known_at is None else known_ordinal(known_at)
    if numbered:
        return (key[0], key[1], day.toordinal(), known, pin)
    return {"day": day.toordinal(), "known": known, "pin": pin, "actor": key[0], "topic": key[1]}


def register(registry: Registry, kind: str, value: Actor | Topic) -> None:
    """Registers an actor or topic read from the view's registry table."""
    # The first registration of a name stands; a clash written by a concurrent
    # writer (which the writers' own checks make rare) is left out, not fatal.
    try:
        if kind == "actor" and isinstance(value, Actor):
            registry.add_actor(value)
        elif isinstance(value, Topic):
            registry.add_topic(value)
    except ValueError:
        pass
