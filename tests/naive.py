"""A deliberately plain model of the time model, written apart from `engine.replay`.

It keeps what was recorded in dictionaries and answers as-of questions by brute
force, straight from the rules in DESIGN.md, so the engine can be checked against it.
"""

from __future__ import annotations

import datetime as dt

import attrs

from timeline.engine import Development, Retraction, Revision, Stance

Answer = dict[tuple[str, str], tuple[Stance, str, tuple[str, ...], bool]]


@attrs.define
class NaiveStory:
    """Everything recorded, by development id."""

    originals: dict[str, Development] = attrs.field(factory=dict)
    revisions: dict[str, list[Revision]] = attrs.field(factory=dict)
    retractions: dict[str, list[Retraction]] = attrs.field(factory=dict)

    def record(self, development: Development) -> None:
        self.originals[development.id] = development
        self.revisions[development.id] = []
        self.retractions[development.id] = []

    def current(self, dev_id: str, known_at: dt.date | None) -> Development | None:
        """The development as known at `known_at`, or None."""

        def known(day: dt.date) -> bool:
            return known_at is None or day <= known_at

        original = self.originals[dev_id]
        if not known(original.reported.latest):
            return None
        if any(known(r.reported.latest) for r in self.retractions[dev_id]):
            return None
        applied = sorted(
            (r for r in self.revisions[dev_id] if known(r.reported.latest)),
            key=lambda r: (r.reported.latest, r.reported.earliest, repr(r)),
        )
        result = original
        for revision in applied:
            for field in ("occurred", "kind", "summary", "source", "claims"):
                value = getattr(revision, field)
                if value is not None:
                    result = attrs.evolve(result, **{field: value})
        return result

    def as_of(self, day: dt.date, known_at: dt.date | None, possible: bool) -> Answer:
        """Each (actor, topic): stance, since (EDTF text), evidence ids, tentative."""
        counted = []
        for dev_id in self.originals:
            development = self.current(dev_id, known_at)
            if development is None:
                continue
            certain = development.occurred.latest <= day
            maybe = development.occurred.earliest <= day
            if certain or (possible and maybe):
                counted.append(development)
        counted.sort(key=lambda d: (d.occurred.earliest, d.occurred.latest, d.id))
        answer: Answer = {}
        for key in {(c.actor, c.topic) for d in counted for c in d.claims}:
            chain = [(d, c) for d in counted for c in d.claims if (c.actor, c.topic) == key]
            stance = chain[-1][1].stance
            start = len(chain) - 1
            while start > 0 and chain[start - 1][1].stance == stance:
                start -= 1
            run = chain[start:]
            answer[key] = (
                stance,
                run[0][0].occurred.text,
                tuple(d.id for d, _ in run),
                not run[-1][0].occurred.latest <= day,
            )
        return answer
