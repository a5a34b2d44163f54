"""Rewrites the names a development mentions to registered ids, reporting every miss."""

from __future__ import annotations

import attrs

from timeline.engine.errors import UnknownNameError
from timeline.engine.registry import Registry
from timeline.engine.values import Development, Revision, StanceClaim

__all__ = ["NameProblem", "canonical_claims", "canonical_development"]

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
    """Returns the revision with claim names resolved; raises on the first unknown one."""
    if revision.claims is None:
        return revision
    problems: list[NameProblem] = []
    claims = canonical_claims(revision.claims, registry, problems)
    if problems:
        raise problems[0][1]
    return attrs.evolve(revision, claims=claims)
