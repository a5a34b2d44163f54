"""The API's answers joined from kept texts (`timeline.web._encoded`) are, byte for byte,
the pydantic model's encoding of the whole answer (the path it replaced), every time."""

from __future__ import annotations

from typing import Any

import pendulum
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from tests.strategies import days, event_data, fill, rank, rankings, revisions, stories
from timeline import Timeline
from timeline.bootstrap import Replayed, the_view
from timeline.engine import Development
from timeline.engine.corrections import Revision
from timeline.engine.when import LAST_DAY
from timeline.web import _encoded, models, params, payloads

knowns = st.none() | days()


def _whole(model: type[BaseModel], data: dict[str, Any]) -> bytes:
    return model.model_validate(data).model_dump_json(by_alias=True).encode()


def _timeline(story: list[Development], data: Any, corrections: list[Revision]) -> Timeline:
    """The story recorded, some developments with event data, some corrected or ranked."""
    tl = Timeline()
    fill(tl, [data.draw(event_data(d)) if data.draw(st.booleans()) else d for d in story])
    for development, revision in zip(story, corrections, strict=False):
        tl.revise(
            development.id, reported=revision.reported, reason=revision.reason, **revision.changes
        )
    for development in story:
        claimed = [(c.actor, c.topic) for c in development.claims]
        if claimed and data.draw(st.booleans()):  # a claim ranked: its rank is shown
            rank(tl, development.id, data.draw(rankings(claimed, grounds=())))
    return tl


def _names(shown: str) -> Any:
    """Actor names as the page shows them: a name of its own for some, the id for the others."""
    return lambda ident: f"{ident} {shown}" if ident.startswith("RUS") else ident


@given(stories(), st.data(), st.lists(revisions(), max_size=3), knowns, st.integers(1, 4))
def test_a_listing_and_its_pages_are_the_models_encoding(
    story: list[Development],
    data: Any,
    corrections: list[Revision],
    known: pendulum.Date | None,
    limit: int,
) -> None:
    with _timeline(story, data, corrections) as tl:
        every = tl.developments(known)
        for _ in range(2):  # the second time from the kept texts
            whole = {"known_at": payloads.day(known), "developments": payloads.listing(every)}
            assert _encoded.developments(payloads.day(known), every, None) == _whole(
                models.DevelopmentsOut, whole
            )
        page, following = tl.developments_page(known, limit=limit)
        paged = {
            "known_at": payloads.day(known),
            "developments": payloads.listing(page),
            "next": params.place(following),
        }
        encoded = _encoded.developments(payloads.day(known), page, params.place(following))
        assert encoded == _whole(models.DevelopmentsOut, paged)


@given(
    stories(),
    st.data(),
    st.lists(revisions(), max_size=3),
    days(),
    knowns,
    knowns,
    st.booleans(),
)
def test_positions_and_diffs_are_the_models_encoding(
    story: list[Development],
    data: Any,
    corrections: list[Revision],
    day: pendulum.Date,
    known: pendulum.Date | None,
    versus: pendulum.Date | None,
    possible: bool,
) -> None:
    with _timeline(story, data, corrections) as tl:
        view = tl.as_of(day, known, possible=possible)
        found = view.positions()
        compared = tl.diff(
            day,
            known_at=known,
            vs_known_at=versus or pendulum.date(9999, 12, 31),
            possible=possible,
        )
        # Each twice with one naming of the actors (the second from the kept texts), then
        # with another: a position's text is kept per name shown.
        for names in (_names("one"), _names("one"), _names("two")):
            whole = {
                "day": day.isoformat(),
                "known_at": payloads.day(known),
                "possible": possible,
                "positions": payloads.positions(found, names),
            }
            encoded = _encoded.positions(
                day.isoformat(), payloads.day(known), possible, found.values(), names
            )
            assert encoded == _whole(models.PositionsOut, whole)
            assert _encoded.diff(compared, names) == _whole(
                models.DiffOut, payloads.diff(compared, names)
            )


@given(stories(), st.data(), st.lists(revisions(), max_size=3), days(), st.booleans())
def test_the_positions_known_by_the_last_day_are_those_of_everything_recorded(
    story: list[Development],
    data: Any,
    corrections: list[Revision],
    day: pendulum.Date,
    possible: bool,
) -> None:
    """What the web's diff against everything recorded reads as the kept positions."""
    with _timeline(story, data, corrections) as tl:
        for reads in (the_view, Replayed):
            reader = tl.reading(reads)
            everything = reader.as_of(day, None, possible=possible).positions()
            assert reader.as_of(day, LAST_DAY, possible=possible).positions() == everything


def test_a_kept_text_is_the_values_own_until_it_is_let_go() -> None:
    kept = _encoded.Kept(most=2)
    first, second, third = ([n] for n in range(3))  # distinct objects, equal to none other
    assert kept.text(first, None, lambda: b"1") == b"1"
    assert kept.text(first, None, lambda: b"again") == b"1"
    assert kept.text(first, "other", lambda: b"tagged") == b"tagged"
    kept.text(second, None, lambda: b"2")
    kept.text(third, None, lambda: b"3")  # the least recently used (`first`'s) go
    assert kept.text(first, None, lambda: b"made again") == b"made again"
