"""Rewrites the names a development mentions to registered ids, reporting every miss."""

from __future__ import annotations

import attrs

from timeline.engine._registry import Registry
from timeline.engine.corrections import Correction, Ranking, Revision
from timeline.engine.errors import UnknownNameError
from timeline.engine.values import Development, StanceClaim

__all__ = [
    "NameProblem",
    "canonical_claims",
    "canonical_correction",
    "canonical_development",
    "canonical_ranking",
    "canonical_revision",
    "resolve_name",
    "revision_names",
]

NameProblem = tuple[str, UnknownNameError]  # (field path, error)


def _resolve(
    registry: Registry,
    kind: str,
    name: str,
    problems: list[NameProblem],
    field: tuple[str, int, str],
) -> str:
    try:
        return registry.resolve("actor" if kind == "actor" else "topic", name)
    except UnknownNameError as error:
        # The field's path is written out only for a name not found: a bulk load
        # resolves millions of names, and finds them.
        where, index, part = field
        problems.append((f"{where}[{index}]{part}", error))
        return name


def resolve_name(
    registry: Registry, kind: str, name: str, field: str, problems: list[NameProblem]
) -> str:
    """The id `name` stands for; an unknown name is noted in `problems` (at `field`) and kept."""
    try:
        return registry.resolve("actor" if kind == "actor" else "topic", name)
    except UnknownNameError as error:
        problems.append((field, error))
        return name


def canonical_claims(
    claims: tuple[StanceClaim, ...], registry: Registry, problems: list[NameProblem]
) -> tuple[StanceClaim, ...]:
    """Returns `claims` with actor and topic names replaced by ids."""
    resolved = []
    for i, claim in enumerate(claims):
        actor = _resolve(registry, "actor", claim.actor, problems, ("claims", i, ".actor"))
        topic = _resolve(registry, "topic", claim.topic, problems, ("claims", i, ".topic"))
        same = (actor, topic) == (claim.actor, claim.topic)
        resolved.append(claim if same else attrs.evolve(claim, actor=actor, topic=topic))
    return tuple(resolved)


def canonical_development(
    development: Development, registry: Registry
) -> tuple[Development, list[NameProblem]]:
    """Returns the development with every name resolved, and the names that were not."""
    problems: list[NameProblem] = []
    actors = tuple(
        _resolve(registry, "actor", name, problems, ("actors", i, ""))
        for i, name in enumerate(development.actors)
    )
    targets = tuple(
        _resolve(registry, "actor", name, problems, ("targets", i, ""))
        for i, name in enumerate(development.targets)
    )
    claims = canonical_claims(development.claims, registry, problems)
    if (actors, targets, claims) == (development.actors, development.targets, development.claims):
        # Names already ids (the common case of a bulk load): no copy, no validation again.
        return development, problems
    resolved = attrs.evolve(development, actors=actors, targets=targets, claims=claims)
    return resolved, problems


def canonical_revision(revision: Revision, registry: Registry) -> Revision:
    """Returns the revision with every name resolved; raises on the first unknown one."""
    problems: list[NameProblem] = []
    resolved = revision_names(revision, registry, problems)
    if problems:
        raise problems[0][1]
    return resolved


def revision_names(revision: Revision, registry: Registry, problems: list[NameProblem]) -> Revision:
    """Returns the revision with the names of its claims, actors and targets resolved.

    A name not found is noted in `problems` (at its field) and kept.
    """
    changes: dict[str, object] = {}
    if revision.claims is not None:
        changes["claims"] = canonical_claims(revision.claims, registry, problems)
    for field in ("actors", "targets"):
        names = getattr(revision, field)
        if names is not None:
            changes[field] = tuple(
                _resolve(registry, "actor", name, problems, (field, i, ""))
                for i, name in enumerate(names)
            )
    if all(getattr(revision, k) == v for k, v in changes.items()):
        return revision
    return attrs.evolve(revision, **changes)  # type: ignore[arg-type]


def canonical_ranking(ranking: Ranking, registry: Registry) -> Ranking:
    """Returns the ranking with its claim's names resolved; raises on an unknown one."""
    if ranking.actor is None or ranking.topic is None:
        return ranking
    problems: list[NameProblem] = []
    actor = resolve_name(registry, "actor", ranking.actor, "actor", problems)
    topic = resolve_name(registry, "topic", ranking.topic, "topic", problems)
    if problems:
        raise problems[0][1]
    return attrs.evolve(ranking, actor=actor, topic=topic)


def canonical_correction(correction: Correction, registry: Registry) -> Correction:
    """Returns the correction with every name it mentions resolved to an id."""
    if isinstance(correction, Revision):
        return canonical_revision(correction, registry)
    if isinstance(correction, Ranking):
        return canonical_ranking(correction, registry)
    return correction
