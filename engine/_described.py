"""An actor or topic in words for messages, where a Python repr would otherwise show."""

from __future__ import annotations

from timeline.engine.values import Actor, Topic

__all__ = ["described", "different"]


def described(value: Actor | Topic) -> str:
    """`GRC (Greece; aliases Athens; people Nikos Dendias, foreign minister)`."""
    parts = [value.name if isinstance(value, Actor) else value.description]
    if value.aliases:
        parts.append("aliases " + ", ".join(value.aliases))
    if isinstance(value, Actor) and value.people:
        people = [p.name + (f", {p.role}" if p.role else "") for p in value.people]
        parts.append("people " + "; ".join(people))
    return f"{value.id} ({'; '.join(parts)})"


def different(kind: str, registered: Actor | Topic, given: Actor | Topic) -> str:
    """The message for other details given under a registered id."""
    return (
        f"{kind} {given.id!r} is already registered with different details: registered as "
        f"{described(registered)}, given as {described(given)}"
    )
