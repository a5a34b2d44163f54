"""The JSON API: positions, history, diff, explain, developments and relations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

import pendulum
from fastapi import APIRouter, Depends, Query

from timeline.engine._rule import PairKey, Position
from timeline.engine.when import LAST_DAY
from timeline.projections._diff import Diff, diff_positions
from timeline.projections._relations import PERIODS
from timeline.web import _encoded, models, params, payloads
from timeline.web.story import Story, kept, story_of

__all__ = ["ERRORS", "router"]

router = APIRouter(prefix="/api", tags=["story"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.ErrorOut, "description": "A parameter could not be read"},
    404: {"model": models.ErrorOut, "description": "An actor or topic name is not registered"},
}

StoryDep = Annotated[Story, Depends(story_of)]
Day = Annotated[
    str,
    Query(description="EDTF date; a month or year means its last day", examples=["2018-12-31"]),
]
KnownAt = Annotated[
    str | None,
    Query(
        description="only what was reported by this EDTF date; omitted: everything recorded",
        examples=["2018-12-20"],
    ),
]
Possible = Annotated[
    bool, Query(description="count developments that had possibly (not certainly) occurred")
]
Actor = Annotated[str, Query(description="actor id, name, alias or person", examples=["TUR"])]
Topic = Annotated[str, Query(description="topic slug or alias", examples=["s400-purchase"])]
By = Literal["day", "week", "month", "quarter", "year"]
Reliability = Literal["official", "named", "anonymous"]
assert set(PERIODS) == set(get_args(By))
# The longest page of developments answered at once.
MOST_LISTED = 10_000
# The claims an explanation's page shows unless asked for more: at a million developments
# a pair's history holds hundreds, and the page needs the latest few.
CLAIMS_SHOWN = 40
# How many sets of every position (per day, knowledge day and `possible`) each process
# keeps: the page's diff against everything recorded reads the positions the page asked
# for the same day, and its other side serves every knowledge day's diff of that day.
POSITIONS_KEPT = 16


def _required(parameter: str, value: str) -> pendulum.Date:
    found = params.day(parameter, value)
    if found is None:
        raise params.ParameterError(parameter, "expected an EDTF date such as '2018-12-31'")
    return found


@router.get("/story", response_model=models.StoryOut)
@kept(models.StoryOut)
def story(story: StoryDep) -> dict[str, Any]:
    """The story's title, actors and topics, and the days its developments span."""
    registry = story.registry
    return {
        "title": story.title,
        "actors": [
            {"id": a.id, "name": a.name, "parent": a.parent, "aliases": list(a.aliases)}
            for a in registry.actors.values()
        ],
        "topics": [
            {"id": t.id, "description": t.description, "aliases": list(t.aliases)}
            for t in registry.topics.values()
        ],
        "developments": story.drawn("count", lambda: story.read(lambda tl: tl.occurred_days()[0])),
        "position": story.read(lambda tl: tl.position),
        **story.bounds(),
    }


@router.get("/positions", response_model=models.PositionsOut, responses=ERRORS)
@kept(models.PositionsOut)
def positions(
    story: StoryDep,
    day: Day,
    known_at: KnownAt = None,
    possible: Possible = False,
    actor: Annotated[str | None, Query(description="only this actor")] = None,
    children: Annotated[bool, Query(description="with actor: and the actors below it")] = False,
) -> bytes:
    """Every actor's position on every topic as of `day`, as known at `known_at`."""
    on, known = _required("day", day), params.day("known_at", known_at)
    if actor is None:
        found = _every_position(story, on, known, possible)[2]
    else:
        who = params.name(story.registry, "actor", "actor", actor)
        view = story.read(lambda tl: tl.as_of(on, known, possible=possible))
        found = view.positions(who, children=children)
    return _encoded.positions(
        on.isoformat(), payloads.day(known), possible, found.values(), story.names()
    )


@router.get("/history", response_model=models.HistoryOut, responses=ERRORS)
@kept(models.HistoryOut)
def history(
    story: StoryDep,
    actor: Actor,
    topic: Topic,
    known_at: KnownAt = None,
    possible: Possible = False,
) -> dict[str, Any]:
    """The days on which one actor's position on one topic changed."""
    registry, known = story.registry, params.day("known_at", known_at)
    who = params.name(registry, "actor", "actor", actor)
    what = params.name(registry, "topic", "topic", topic)
    changes = story.read(lambda tl: tl.history(who, what, known_at=known, possible=possible))
    names = story.names()
    return {
        "actor": who,
        "topic": what,
        "known_at": payloads.day(known),
        "possible": possible,
        "changes": [payloads.change(c, names) for c in changes],
    }


@router.get("/diff", response_model=models.DiffOut, responses=ERRORS)
@kept(models.DiffOut)
def diff(
    story: StoryDep,
    d1: Day,
    d2: Annotated[str | None, Query(description="the second day; omitted: d1")] = None,
    known_at: KnownAt = None,
    vs_known_at: Annotated[
        str | None, Query(description="the second knowledge day; omitted: known_at")
    ] = None,
    possible: Possible = False,
) -> bytes:
    """What changed from (d1, known_at) to (d2, vs_known_at), position by position."""
    first, second = _required("d1", d1), params.day("d2", d2)
    known, versus = params.day("known_at", known_at), params.day("vs_known_at", vs_known_at)
    if second is None and versus is None:
        raise params.ParameterError("d2", "give d2 (a second day) or vs_known_at, or both")
    # As `Timeline.diff`: the positions of both states, compared (each read once and kept).
    day1, known1, before = _every_position(story, first, known, possible)
    later = known if versus is None else versus
    day2, known2, after = _every_position(
        story, first if second is None else second, later, possible
    )
    found = Diff((day1, day2), (known1, known2), possible, diff_positions(before, after))
    return _encoded.diff(found, story.names())


def _every_position(
    story: Story, on: dt.date, known: dt.date | None, possible: bool
) -> tuple[dt.date, dt.date | None, dict[PairKey, Position]]:
    """The view's day and knowledge day and every position in it, read once and kept."""
    # Everything recorded was reported by the last day: the positions known then are
    # those known with no knowledge day (the page's diff against everything recorded
    # asks the one, its positions the other), read and kept once for both.
    settled = None if known == LAST_DAY else known

    def read() -> tuple[dt.date, dict[PairKey, Position]]:
        view = story.read(lambda tl: tl.as_of(on, settled, possible=possible))
        return view.day, view.positions()

    day, found = story.drawn(("every-position", on, settled, possible), read, keep=POSITIONS_KEPT)
    return day, known, found


@router.get("/explain", response_model=models.ExplanationOut, responses=ERRORS)
@kept(models.ExplanationOut)
def explain(
    story: StoryDep,
    actor: Actor,
    topic: Topic,
    day: Day,
    known_at: KnownAt = None,
    possible: Possible = False,
    limit: Annotated[
        int, Query(ge=1, le=MOST_LISTED, description="at most this many claims (a page)")
    ] = CLAIMS_SHOWN,
    skip: Annotated[
        int, Query(ge=0, description="after this many of the latest claims (a page's `earlier`)")
    ] = 0,
) -> dict[str, Any]:
    """The developments behind a position, the rule that chose it, and the claims it beat.

    The claims come a page at a time, latest first (the winner and its run end there):
    the `limit` claims before the `skip` latest, in story order, with the `skip` of the
    page of `earlier` ones.
    """
    registry, on = story.registry, _required("day", day)
    known = params.day("known_at", known_at)
    who = params.name(registry, "actor", "actor", actor)
    what = params.name(registry, "topic", "topic", topic)
    found = story.read(
        lambda tl: tl.explain_page(
            who, what, on, known_at=known, possible=possible, skip=skip, limit=limit
        )
    )
    return payloads.explanation_page(found, story.names())


@router.get("/developments", response_model=models.DevelopmentsOut, responses=ERRORS)
@kept(models.DevelopmentsOut)
def developments(
    story: StoryDep,
    known_at: KnownAt = None,
    actor: Annotated[str | None, Query(description="naming this actor")] = None,
    children: Annotated[bool, Query(description="or an actor below it")] = False,
    topic: Annotated[str | None, Query(description="claiming on this topic")] = None,
    period: Annotated[
        str | None, Query(description="overlapping this EDTF span", examples=["2018"])
    ] = None,
    reliability: Annotated[
        list[Reliability] | None, Query(description="from sources of this reliability")
    ] = None,
    limit: Annotated[
        int | None, Query(ge=1, le=MOST_LISTED, description="at most this many (a page)")
    ] = None,
    after: Annotated[
        str | None, Query(description="with limit: the page after this one's `next`")
    ] = None,
) -> bytes:
    """The developments known at `known_at`, in story order, filtered by what is given.

    With `limit`, one page of them (after `after`), and the `next` page's cursor.
    """
    registry, known = story.registry, params.day("known_at", known_at)
    who = None if actor is None else params.name(registry, "actor", "actor", actor)
    what = None if topic is None else params.name(registry, "topic", "topic", topic)
    span = params.when("period", period)
    if limit is not None:
        start = params.cursor("after", after)
        page, following = story.read(
            lambda tl: tl.developments_page(
                known,
                after=start,
                limit=limit,
                actor=who,
                children=children,
                topic=what,
                period=span,
                reliability=reliability or None,
            )
        )
        return _encoded.developments(payloads.day(known), page, params.place(following))
    found = story.read(
        lambda tl: tl.developments(
            known,
            actor=who,
            children=children,
            topic=what,
            period=span,
            reliability=reliability or None,
        )
    )
    return _encoded.developments(payloads.day(known), found, None)


@router.get("/relations", response_model=models.RelationsOut, responses=ERRORS)
@kept(models.RelationsOut)
def relations(
    story: StoryDep,
    a: Actor,
    b: Annotated[str, Query(description="the other actor", examples=["USA"])],
    by: Annotated[By, Query(description="the length of a period")] = "month",
    known_at: KnownAt = None,
    children: Annotated[bool, Query(description="actors' organs stand for them")] = True,
) -> dict[str, Any]:
    """Two actors' Goldstein-weighted cooperation–conflict score per period."""
    registry, known = story.registry, params.day("known_at", known_at)
    first = params.name(registry, "actor", "a", a)
    second = params.name(registry, "actor", "b", b)
    if first == second:
        raise params.ParameterError("b", f"relations of {first!r} with itself: expected two actors")
    found = story.read(
        lambda tl: tl.relations(first, second, by=by, known_at=known, children=children)
    )
    return payloads.relations(found)
