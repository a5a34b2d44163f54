"""What-if branches: they answer as a store that recorded the same, and never touch the store.

Each example records a random story with random corrections into an in-memory
store, then layers random speculative developments, revisions and retractions
over it in a `Branch`:

1. the store answers exactly as before (positions for many days and knowledge
   days, developments, history, explanations, its head and the view's tables);
2. the branch answers every read exactly as a second store that really recorded
   the story, its corrections and the branch's items, read by pure replay;
3. a saved branch loads back the same, pinned where it was saved, and is gone
   once discarded;
4. a branch is pinned: it answers the same while the store moves on, and after
   `refresh()` as a store that recorded everything.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.naive import NaiveStory
from tests.strategies import (
    ACTORS,
    DEV_IDS,
    TOPICS,
    days,
    developments,
    fill,
    rank,
    rankings,
    retractions,
    revisions,
    stories,
)
from timeline import Timeline
from timeline.bootstrap import Replayed
from timeline.branch import Branch
from timeline.engine import (
    Development,
    Ranking,
    Reliability,
    Retraction,
    Revision,
    Stance,
    StanceClaim,
)
from timeline.projections.errors import QueryError

Correction = tuple[str, Revision | Retraction | Ranking]
PUBLISHERS = ("Sputnik", "Bloomberg", "Reuters")
CROWDED_PAIRS = (("TUR", "s400-purchase"), ("USA", "s400-purchase"))
# Ids only a branch uses, beside those of the story's pool that the story left free.
WHAT_IF_IDS = ("what-if-1", "what-if-2", "what-if-3")
pairs = st.sampled_from(CROWDED_PAIRS) | st.tuples(st.sampled_from(ACTORS), st.sampled_from(TOPICS))
scopes: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    st.sampled_from(PUBLISHERS).map(lambda p: {"without_sources": [p]}),
    st.sets(st.sampled_from(Reliability), min_size=1).map(
        lambda r: {"only_reliability": sorted(str(x) for x in r)}
    ),
)


@st.composite
def crowded_claims(draw: st.DrawFn) -> tuple[StanceClaim, ...]:
    """Stance claims on the crowded pairs only, so branch and store claims meet."""
    keys = draw(st.lists(st.sampled_from(CROWDED_PAIRS), min_size=1, max_size=2, unique=True))
    return tuple(StanceClaim(actor, topic, draw(st.sampled_from(Stance))) for actor, topic in keys)


@attrs.frozen
class Scenario:
    """A story with its corrections in the store, and what a branch layers over it."""

    story: tuple[Development, ...]
    real: tuple[Correction, ...]  # recorded in the store, after the story
    added: tuple[Development, ...]  # the branch's developments (a story one again, too)
    fixes: tuple[Correction, ...]  # the branch's corrections, of story or branch ids

    def model(self) -> NaiveStory:
        model = NaiveStory()
        for development in (*self.story, *self.added):
            if development.id not in model.originals:
                model.record(development)
        for dev_id, correction in (*self.real, *self.fixes):
            if isinstance(correction, Revision):
                model.revise(dev_id, correction)
            elif isinstance(correction, Ranking):
                model.rank(dev_id, correction)
            else:
                model.retract(dev_id, correction)
        return model


def _retractable(draw: st.DrawFn, ids: list[str], taken: set[str]) -> list[Correction]:
    free = [i for i in ids if i not in taken]
    chosen = draw(st.lists(st.sampled_from(free), unique=True, max_size=2)) if free else []
    taken.update(chosen)
    return [(dev_id, draw(retractions())) for dev_id in chosen]


def _rankings(draw: st.DrawFn, story: list[Development], ids: list[str]) -> list[Correction]:
    # Valid rankings only: of a pair the development claims, on grounds of a recorded id.
    # A development given twice (the branch's copy of a story one) is the same content.
    chosen = draw(st.lists(st.sampled_from(story), max_size=2)) if story else []
    found: list[Correction] = []
    for development in chosen:
        claimed = [(c.actor, c.topic) for c in development.claims]
        grounds = [i for i in ids if i != development.id]
        found.append((development.id, draw(rankings(pairs=claimed, grounds=grounds))))
    return found


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A corrected story and a branch of new developments and corrections over it."""
    crowd = draw(st.booleans())

    def crowded(development: Development) -> Development:
        return attrs.evolve(development, claims=draw(crowded_claims())) if crowd else development

    def revision() -> Revision:
        found = draw(revisions())
        if crowd and found.claims is not None:
            found = attrs.evolve(found, claims=draw(crowded_claims()))
        return found

    story = [crowded(d) for d in draw(stories(max_size=6))]
    ids = [d.id for d in story]
    retracted: set[str] = set()
    real: list[Correction] = []
    if ids:
        real = [(draw(st.sampled_from(ids)), revision()) for _ in range(draw(st.integers(0, 3)))]
        real += _retractable(draw, ids, retracted)
        real += _rankings(draw, story, ids)
    free = [i for i in (*DEV_IDS, *WHAT_IF_IDS) if i not in ids]
    new_ids = draw(st.lists(st.sampled_from(free), unique=True, max_size=3))
    added = [crowded(draw(developments(ids=st.just(ident)))) for ident in new_ids]
    again: bool = draw(st.booleans())
    if story and again:
        added.append(draw(st.sampled_from(story)))  # recorded already, the same: no change
    targets = ids + new_ids
    fixes: list[Correction] = []
    if targets:
        fixes = [
            (draw(st.sampled_from(targets)), revision()) for _ in range(draw(st.integers(0, 3)))
        ]
        fixes += _retractable(draw, targets, retracted)
        fixes += _rankings(draw, [*story, *added], targets)
        fixes = draw(st.permutations(fixes))
    return Scenario(tuple(story), tuple(real), tuple(added), tuple(fixes))


def _correct(tl: Timeline, corrections: tuple[Correction, ...]) -> None:
    for dev_id, correction in corrections:
        if isinstance(correction, Revision):
            tl.revise(
                dev_id, reported=correction.reported, reason=correction.reason, **correction.changes
            )
        elif isinstance(correction, Ranking):
            rank(tl, dev_id, correction)
        else:
            tl.retract(dev_id, reported=correction.reported, reason=correction.reason)


@contextmanager
def stored(scenario: Scenario) -> Iterator[Timeline]:
    """The store: the story and its corrections, with the view caught up."""
    tl = Timeline()
    try:
        fill(tl, list(scenario.story))
        _correct(tl, scenario.real)
        yield tl
    finally:
        tl.close()
        tl.materialised.close()


@contextmanager
def recorded(scenario: Scenario) -> Iterator[Timeline]:
    """The truth: a store that really recorded the branch's items too, read by pure replay."""
    with stored(scenario) as tl:
        tl.record_many(scenario.added)
        _correct(tl, scenario.fixes)
        yield tl.reading(Replayed)


def branched(tl: Timeline, scenario: Scenario) -> Branch:
    """A branch of the store holding the scenario's speculative items."""
    branch = Branch(tl)
    branch.record_many(scenario.added[:1])
    branch.record_many(scenario.added[1:], corrections=scenario.fixes[:1])
    for dev_id, correction in scenario.fixes[1:]:
        if isinstance(correction, Revision):
            branch.revise(
                dev_id, reported=correction.reported, reason=correction.reason, **correction.changes
            )
        elif isinstance(correction, Ranking):
            rank(branch, dev_id, correction)
        else:
            branch.retract(dev_id, reported=correction.reported, reason=correction.reason)
    return branch


def near(model: NaiveStory) -> st.SearchStrategy[pendulum.Date]:
    """A day on or next to one the records name (a change is likely there), or any day."""
    named = [pendulum.Date(d.year, d.month, d.day) for d in model.telling_days()]
    if not named:
        return days()
    shifted = st.builds(
        lambda day, shift: day.add(days=shift),
        st.sampled_from(named),
        st.sampled_from((-1, 0, 0, 1)),
    )
    return shifted | shifted | st.just(named[-1]) | days()


def maybe_near(model: NaiveStory) -> st.SearchStrategy[pendulum.Date | None]:
    return st.none() | near(model)


Reads = Timeline | Branch


def answers(
    tl: Reads,
    day: dt.date,
    known_at: dt.date | None,
    possible: bool,
    pair: tuple[str, str],
    scope: dict[str, Any],
) -> dict[str, Any]:
    """Every read's answer for one (day, knowledge day, pair, scope), by read."""
    view = tl.as_of(day, known_at, possible=possible, **scope)
    fresh = tl.as_of(day, known_at, possible=possible, **scope)  # a lookup before any listing
    return {
        "position": fresh.position(*pair),
        "positions": view.positions(),
        "counted": view.developments(),
        "history": tl.history(*pair, known_at=known_at, possible=possible, **scope),
        "explain": tl.explain(*pair, day, known_at=known_at, possible=possible, **scope),
        "relations": tl.relations(
            "TUR", "USA", by="year", known_at=known_at, possible=possible, **scope
        ),
        "diff": tl.diff(day, known_at=known_at, vs_known_at="9999", possible=possible, **scope),
        "developments": tl.developments(
            known_at, retracted=True, without_sources=scope.get("without_sources", ())
        ),
        "listing": tl.developments(known_at, actor=pair[0], children=True, topic=pair[1]),
        "corrections": tl.corrections(known_at),
    }


@given(scenarios(), st.booleans(), pairs, scopes, st.data())
def test_a_branch_answers_as_a_store_that_recorded_the_same(
    scenario: Scenario,
    possible: bool,
    pair: tuple[str, str],
    scope: dict[str, Any],
    data: st.DataObject,
) -> None:
    model = scenario.model()
    with stored(scenario) as tl, recorded(scenario) as truth:
        branch = branched(tl, scenario)
        assert branch.touched <= {d.id for d in (*scenario.added, *scenario.story)}
        assert sorted(e.id for e in branch.entries()) == sorted(e.id for e in truth.entries())
        assert branch.entries() == truth.entries()
        for _ in range(3):
            day = data.draw(near(model), label="day")
            known_at = data.draw(maybe_near(model), label="known_at")
            expected = answers(truth, day, known_at, possible, pair, scope)
            found = answers(branch, day, known_at, possible, pair, scope)
            for read, answer in expected.items():
                assert found[read] == answer, read


def _snapshot(tl: Timeline, model: NaiveStory) -> dict[str, Any]:
    """What the store says on the days its records name, and what it holds."""
    named = model.telling_days()
    probes = [*named, *(day + dt.timedelta(days=1) for day in named), dt.date(2021, 1, 1)]
    found: dict[str, Any] = {
        "head": tl.head,
        "position": tl.position,
        "entries": tl.entries(),
        "developments": tl.developments(retracted=True),
        "registry": (dict(tl.registry.actors), dict(tl.registry.topics)),
        "view": tl.materialised.view.dump(),
    }
    for known_at in (None, *named[::2]):
        found[f"story {known_at}"] = tl.developments(known_at)
        for pair in CROWDED_PAIRS:
            found[f"history {pair} {known_at}"] = tl.history(*pair, known_at=known_at)
        for day in probes:
            for possible in (False, True):
                view = tl.as_of(day, known_at, possible=possible)
                found[f"as of {day} {known_at} {possible}"] = (
                    view.positions(),
                    view.developments(),
                )
    return found


@given(scenarios())
def test_a_branch_never_changes_the_store(scenario: Scenario) -> None:
    with stored(scenario) as tl:
        before = _snapshot(tl, scenario.model())
        branch = branched(tl, scenario)
        branch.as_of("2021").positions()
        branch.developments(retracted=True)
        branch.history(*CROWDED_PAIRS[0])
        branch.explain(*CROWDED_PAIRS[0], "2021")
        branch.save("what-if")
        Branch.load(tl, "what-if").refresh()
        branch.discard()
        assert tl.head == before["head"]
        assert _snapshot(tl, scenario.model()) == before


def _same_answers(first: Branch, second: Branch, model: NaiveStory) -> None:
    for day in (*model.telling_days()[::3], dt.date(2021, 1, 1)):
        for known_at in (None, day):
            a, b = first.as_of(day, known_at), second.as_of(day, known_at)
            assert (a.positions(), a.developments()) == (b.positions(), b.developments())
    assert first.developments(retracted=True) == second.developments(retracted=True)
    assert first.entries() == second.entries()


@pytest.mark.parametrize("where", ["memory", "folder"])
@given(scenarios())
def test_a_saved_branch_loads_back_the_same_until_discarded(where: str, scenario: Scenario) -> None:
    with stored(scenario) as tl, tempfile.TemporaryDirectory() as tmp:
        folder = None if where == "memory" else Path(tmp) / "branches"
        branch = branched(tl, scenario)
        assert branch.save("what-if", folder=folder) == "what-if"
        assert Branch.saved(tl, folder=folder) == ["what-if"]
        if folder is not None:
            assert (folder / "what-if.jsonl").is_file()
            assert Branch.saved(tl) == []  # the in-memory store's own shelf holds none
        fill(tl, [attrs.evolve(d, id=f"later-{d.id}") for d in scenario.story])  # store moves
        loaded = Branch.load(tl, "what-if", folder=folder)
        assert loaded.name == "what-if"
        assert loaded.position == branch.position  # pinned where it was saved
        assert loaded.layered == branch.layered
        assert loaded.touched == branch.touched
        _same_answers(loaded, branch, scenario.model())
        assert loaded.discard()
        assert loaded.layered == Branch(tl).layered  # empty again
        assert Branch.saved(tl, folder=folder) == []
        assert not loaded.discard()
        with pytest.raises(QueryError, match="no saved branch 'what-if'"):
            Branch.load(tl, "what-if", folder=folder)


@given(scenarios(), stories(max_size=4), st.lists(revisions(), max_size=3), st.data())
def test_a_branch_is_pinned_until_refreshed(
    scenario: Scenario,
    more: list[Development],
    later: list[Revision],
    data: st.DataObject,
) -> None:
    model = scenario.model()
    with stored(scenario) as tl:
        branch = branched(tl, scenario)
        probes = [(data.draw(near(model)), data.draw(maybe_near(model))) for _ in range(3)]
        pair = data.draw(pairs)

        def said(reads: Reads) -> list[Any]:
            found: list[Any] = []
            for day, known in probes:
                view = reads.as_of(day, known)
                found += [view.positions(), view.developments()]
                found.append(reads.history(*pair, known_at=known))
                found.append(reads.explain(*pair, day, known_at=known))
            return found

        before = said(branch)
        saved = branch.log()
        start = tl.position
        # The store moves on: new developments, and revisions of what the branch touches.
        taken = {d.id for d in (*scenario.story, *scenario.added)}
        extra = [
            attrs.evolve(d, id=f"more-{d.id}", claims=data.draw(crowded_claims()))
            for d in more
            if f"more-{d.id}" not in taken
        ]
        touched = sorted(branch.touched & {d.id for d in scenario.story})
        targets = [*[d.id for d in scenario.story], *[d.id for d in extra]]
        chosen = st.sampled_from(targets)
        if touched:
            chosen = st.sampled_from(touched) | chosen
        fixes = tuple((data.draw(chosen), r) for r in later) if targets else ()
        tl.record_many(extra)
        _correct(tl, fixes)
        assert said(branch) == before
        # Read afresh from its log after the store moved, it answers as before too.
        assert said(Branch.from_log(tl, saved)) == before
        # New developments always move the store on; a correction identical to one already
        # recorded is a no-op, so corrections alone may leave it where it was.
        assert branch.position == start <= tl.position
        assert tl.position > start or not extra
        assert branch.refresh() == tl.position
        everything = attrs.evolve(
            scenario, story=(*scenario.story, *extra), real=(*scenario.real, *fixes)
        )
        with recorded(everything) as truth:
            assert said(branch) == said(truth)
