"""The JSON API's response shapes, as pydantic models for its OpenAPI document.

Dates are EDTF text (a single day is `YYYY-MM-DD`); a span's `earliest`/`latest`
are calendar days, or null where the span is open (`..`) on that side.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "ActorOut",
    "ChangeOut",
    "ClaimOut",
    "DevelopmentOut",
    "DevelopmentsOut",
    "DiffOut",
    "DifferenceOut",
    "ErrorBody",
    "ErrorOut",
    "ExplanationOut",
    "HistoryOut",
    "PeriodOut",
    "PositionOut",
    "PositionsOut",
    "RelationsOut",
    "SpanOut",
    "StoryOut",
    "TopicOut",
]

StanceName = Literal["rejects", "opposes", "undecided", "supports", "committed"]


class ErrorBody(BaseModel):
    """What went wrong, and with which parameter."""

    status: int
    parameter: str | None = Field(description="the query parameter at fault, if one is")
    message: str


class ErrorOut(BaseModel):
    """Every 4xx answer: a JSON object under `error`."""

    error: ErrorBody


class SpanOut(BaseModel):
    """An EDTF date and the calendar days it spans (null: open on that side)."""

    text: str
    earliest: str | None
    latest: str | None


class ActorOut(BaseModel):
    """A registered actor."""

    id: str
    name: str
    parent: str | None
    aliases: list[str]


class TopicOut(BaseModel):
    """A registered topic."""

    id: str
    description: str
    aliases: list[str]


class StoryOut(BaseModel):
    """What the page needs to lay out its axes and sliders."""

    title: str
    actors: list[ActorOut]
    topics: list[TopicOut]
    developments: int
    first_day: str | None = Field(description="the earliest bounded day any development spans")
    last_day: str | None = Field(description="the latest bounded day any development spans")
    story_days: list[str] = Field(
        description="the days by which developments had certainly occurred"
    )
    first_reported: str | None
    last_reported: str | None
    knowledge_days: list[str] = Field(description="the days on which what is known changes")
    position: int = Field(description="the store position the answers are read at")


class SourceOut(BaseModel):
    """Who reported a development."""

    publisher: str
    reliability: Literal["official", "named", "anonymous"]
    attribution: str | None
    url: str | None
    published: str | None = Field(None, description="a further report's day (EDTF)")
    repeats: str | None = Field(None, description="the outlet whose report it repeats")


class StanceClaimOut(BaseModel):
    """A development's claim of a stance."""

    actor: str
    topic: str
    stance: StanceName
    quote: str | None
    rank: Literal["preferred", "normal", "deprecated"] = Field(
        "normal",
        description="the claim's rank as known: preferred outranks normal, deprecated never counts",
    )


class DevelopmentOut(BaseModel):
    """A development with every field of its record."""

    id: str
    occurred: SpanOut
    occurred_as_written: str | None
    reported: SpanOut
    kind: str
    summary: str
    actors: list[str]
    targets: list[str]
    source: SourceOut
    claims: list[StanceClaimOut]
    reports: list[SourceOut] = Field(
        [], description="further reports of it, each known from its published day"
    )


class DevelopmentsOut(BaseModel):
    """The developments known at a day, in story order."""

    known_at: str | None
    developments: list[DevelopmentOut]
    next: str | None = Field(
        default=None,
        description="with limit: the `after` of the next page (null: this page is the last)",
    )


class PositionOut(BaseModel):
    """An actor's stance on a topic as of a day."""

    actor: str
    actor_name: str
    topic: str
    stance: StanceName
    value: int = Field(ge=-2, le=2)
    since: SpanOut
    tentative: bool
    evidence: list[str]


class PositionsOut(BaseModel):
    """Every position as of `day`, as known at `known_at` (null: everything recorded)."""

    day: str
    known_at: str | None
    possible: bool
    positions: list[PositionOut]


class ChangeOut(BaseModel):
    """A day on which a position changed."""

    day: str
    kind: str
    before: PositionOut | None
    after: PositionOut | None
    causes: list[str]


class HistoryOut(BaseModel):
    """The change points of one position over story time."""

    actor: str
    topic: str
    known_at: str | None
    possible: bool
    changes: list[ChangeOut]


class DifferenceOut(BaseModel):
    """A position added, removed or changed between two states."""

    actor: str
    topic: str
    kind: Literal["added", "removed", "changed"]
    stance_changed: bool
    before: PositionOut | None
    after: PositionOut | None


class DiffOut(BaseModel):
    """What changed from (d1, known_at) to (d2, vs_known_at)."""

    days: list[str]
    known_at: list[str | None]
    possible: bool
    differences: list[DifferenceOut]


class ClaimOut(BaseModel):
    """One development's claim on the explained pair, and how it fared."""

    status: Literal[
        "winner",
        "supporting",
        "beaten",
        "outranked",
        "deprecated",
        "uncertain",
        "unknown",
        "retracted",
    ]
    stance: StanceName
    quote: str | None
    reason: str
    development: DevelopmentOut


class ExplanationOut(BaseModel):
    """Why an actor held its position on a topic as of a day."""

    actor: str
    topic: str
    day: str
    known_at: str | None
    possible: bool
    position: PositionOut | None
    rule: str
    claims: list[ClaimOut] = Field(
        description="in story order: every claim, or one page of them (see `skip`)"
    )
    total: int = Field(description="how many claims the whole explanation lists")
    skip: int = Field(description="how many of the latest claims come after this page")
    earlier: int | None = Field(
        description="the `skip` of the page of earlier claims; null: this page reaches the first"
    )


class PeriodOut(BaseModel):
    """One period's cooperation–conflict score."""

    label: str
    start: str
    end: str
    cooperation: float
    conflict: float
    score: float
    mean: float
    developments: list[str]


class RelationsOut(BaseModel):
    """Two actors' relations, one entry per period with developments."""

    a: str
    b: str
    by: str
    known_at: str | None
    score: float
    periods: list[PeriodOut]
