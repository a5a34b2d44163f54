"""An explanation a page at a time: only the claims the page shows are decoded.

A whole explanation (`_explain.explain`) decodes every development that claims the
pair, since each claim's status and place in story order come from the development
as known.  At a million developments a pair has hundreds of them, and a page shows
the latest few.  Most developments are never corrected: one version, known from
the day it was reported, for good, with one claim on the pair at normal rank.  The
view's claim row of such a development holds all the rule reads of it (its id,
occurred span, report day and stance), so a stand-in made from the row takes its
place; the developments with more than one version, or another rank, are decoded.

The latest developments by their rows (most likely the page) are decoded with the
corrected ones, and the explanation is made with stand-ins for the others; should
the page or the winner (which the rule's text describes) fall on a stand-in after
all, those are decoded and it is made again.  A stand-in differs from its development
only in what no status, order or count depends on (summary, source, quote), and no
stand-in is left on the page or as the winner: the page is the same slice of the same
whole explanation.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import cast

import attrs

from timeline.engine._rule import Entry
from timeline.engine.errors import StoreError
from timeline.engine.values import Development, Kind, Rank, Source, Stance, StanceClaim
from timeline.engine.when import When
from timeline.projections._explain import Explanation, explain
from timeline.projections._rows import KNOWN_FOREVER, ClaimSpan, day_of

__all__ = ["ExplanationPage", "explain_page", "page_of"]


@attrs.frozen
class ExplanationPage:
    """A page of an explanation: its claims before the `skip` latest, and the whole's count."""

    explanation: Explanation  # with only the page's claims, in story order
    total: int  # how many claims the whole explanation lists
    skip: int
    earlier: int | None  # the `skip` of the page of earlier claims; None: none are left


def page_of(whole: Explanation, skip: int, limit: int) -> ExplanationPage:
    """The page of `whole` of up to `limit` claims before the `skip` latest."""
    shown, earlier = whole.latest(skip, limit)
    return ExplanationPage(attrs.evolve(whole, claims=shown), len(whole.claims), skip, earlier)


# Stands for every stand-in's source: only claims a page does not show name it.
_NO_SOURCE = Source("(not read)", "anonymous")
_NORMAL = Rank.NORMAL.tier
_SOME_KIND = next(iter(Kind))


@attrs.frozen
class _StandIn:
    """What the rule reads of an uncorrected development, from its claim row."""

    id: str
    occurred: When
    reported: When
    claims: tuple[StanceClaim, ...]
    reports: tuple[()] = ()
    # Read only in the text of a winner, which is decoded before the page is answered.
    kind: Kind = _SOME_KIND
    source: Source = _NO_SOURCE


def _plain(spans: list[ClaimSpan]) -> bool:
    """Whether a development's claim rows on the pair say all the rule reads of it."""
    if len(spans) != 1:
        return False
    span = spans[0]
    return span.versions == 1 and span.known_until == KNOWN_FOREVER and span.rank == _NORMAL


@functools.lru_cache(maxsize=1 << 15)
def _when(text: str) -> When:
    """A span read from its text, kept: stories repeat their days, and a `When` is a value."""
    return When(text)


@functools.lru_cache(maxsize=1 << 15)
def _reported(known_from: int) -> When:
    return When.day(day_of(known_from))


def _stand_in(span: ClaimSpan, claim: StanceClaim) -> Entry:
    made = _StandIn(span.dev_id, _when(span.occurred), _reported(span.known_from), (claim,))
    # The rule reads a development's id, occurred, reported, claims and reports (and
    # kind and source in texts of claims that are decoded before they are shown).
    return Entry(cast(Development, made))


def _key(span: ClaimSpan) -> tuple[int, int, str]:
    return (span.occurred_earliest, span.occurred_latest, span.dev_id)


def explain_page(
    spans: Iterable[ClaimSpan],
    decode: Callable[[list[str]], Iterable[Entry]],
    actor: str,
    topic: str,
    day: dt.date,
    *,
    known_at: dt.date | None,
    possible: bool,
    skip: int,
    limit: int,
    ahead: int | None = None,
) -> ExplanationPage:
    """`page_of(explain(...), skip, limit)`, decoding only the developments it shows.

    `spans` are the claim rows on the pair of (a superset of) the developments that
    claim it in a version begun by `day`; `decode` gives the entries of developments
    by id.  Only for a whole store (no scope): a scope reads what a row lacks.  `ahead`
    of the latest plain developments are decoded before the first pass (default: the
    `skip + limit` a page reaches back; tests ask 0, so that stand-ins are made).
    """
    rows: dict[str, list[ClaimSpan]] = {}
    for span in spans:
        rows.setdefault(span.dev_id, []).append(span)
    standing = {dev_id for dev_id, found in rows.items() if _plain(found)}
    # Each plain development's one row gives a claim (counted, uncertain or unknown, as
    # the rule finds), so the page is most likely the latest of them: decoded at once,
    # the explanation is made once.
    ahead = skip + limit if ahead is None else ahead
    latest = sorted(standing, key=lambda i: _key(rows[i][0]))[len(standing) - ahead :]
    standing.difference_update(latest)
    entries = {entry.id: entry for entry in decode([i for i in rows if i not in standing])}
    claims = {stance.value: StanceClaim(actor, topic, stance) for stance in Stance}
    for dev_id in standing:
        span = rows[dev_id][0]
        entries[dev_id] = _stand_in(span, claims[span.stance])
    while True:
        whole = explain(
            sorted(entries.values(), key=lambda e: e.id),
            actor,
            topic,
            day,
            known_at=known_at,
            possible=possible,
        )
        page = page_of(whole, skip, limit)
        shown = [claim.development.id for claim in page.explanation.claims]
        if whole.winner is not None:
            shown.append(whole.winner.development.id)
        missing = sorted({dev_id for dev_id in shown if dev_id in standing})
        if not missing:
            return page
        decoded = {entry.id: entry for entry in decode(missing)}
        if len(decoded) < len(missing):
            lost = ", ".join(sorted(set(missing) - set(decoded)))
            raise StoreError(f"the view has claim rows of developments the store lacks: {lost}")
        entries.update(decoded)
        standing.difference_update(missing)
