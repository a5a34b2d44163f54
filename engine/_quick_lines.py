"""A sound development line made at once, without the field-by-field walk of `Line`.

A log of a million developments is almost all sound lines, and the walk that
finds and words every problem of a bad line (`_import_lines.Line`) costs more than
making the development.  Here a line whose every key is known and every value of
the right shape is made with the same constructors from the same values; any
doubt (an unknown key, a wrong shape, a further report, a value a constructor
refuses) gives None, and the walk reads the line as before and says what is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from timeline.engine._fields import TEXT, TEXTS
from timeline.engine._import_lines import COMMON, NUMBER, OBJECT, OBJECTS, SCHEMAS
from timeline.engine.values import Development, Kind, Reliability, Source, Stance, StanceClaim
from timeline.engine.when import When

__all__ = ["quick_development", "when_of"]


@functools.lru_cache(maxsize=65536)
def _when_of_text(text: str) -> When:
    return When(text)


def when_of(value: Any) -> When:
    """A `When` of a field's value; a file repeats its dates, and a `When` is frozen."""
    return _when_of_text(value) if type(value) is str else When(value)


_STR, _DICT = frozenset({str}), frozenset({dict})


def _texts(value: Any) -> bool:
    # Every item's exact type is str: the set of their types, made in C, is at most {str}.
    return type(value) is list and {*map(type, value)} <= _STR


def _objects(value: Any) -> bool:
    return type(value) is list and {*map(type, value)} <= _DICT


def _number(value: Any) -> bool:
    return type(value) is not bool and isinstance(value, (int, float))


# Whether a value is of a shape, as `Line.shape` decides it (exact types: a subclass of
# a JSON value never comes from a parser, and is left to the walk).
_IS: dict[str, Callable[[Any], bool]] = {
    TEXT: lambda value: type(value) is str,
    TEXTS: _texts,
    OBJECT: lambda value: type(value) is dict,
    OBJECTS: _objects,
    NUMBER: _number,
}
# Per schema: its text keys, each other key's shape test, and the keys that must be
# there (not null).
_SHAPES = {
    name: (
        frozenset(key for key, spec in keys.items() if spec[0] == TEXT),
        {key: _IS[spec[0]] for key, spec in keys.items() if spec[0] != TEXT},
        [k for k, s in keys.items() if s[1]],
    )
    for name, keys in SCHEMAS.items()
}


def _sound(schema: str, data: Mapping[str, Any], common: frozenset[str] = frozenset()) -> bool:
    """Whether every key is known, every value null or of its shape, every required one given."""
    texts, tests, required = _SHAPES[schema]
    for key, value in data.items():
        if key in texts:  # most keys: a text, or null
            if type(value) is str or value is None:
                continue
            return False
        test = tests.get(key)
        if test is None:
            if key not in common:
                return False
        elif value is not None and not test(value):
            return False
    # Every required key given and not null (a parsed JSON value equals None only if null).
    return None not in map(data.get, required)


_TOP = frozenset(COMMON)


def quick_development(data: Mapping[str, Any]) -> Development | None:
    """The development a sound line holds, or None when the line needs the walk."""
    source, claims = data.get("source"), data.get("claims") or ()
    if data.get("reports") or not _sound("development", data, _TOP):
        return None
    if source is None or not _sound("source", source):
        return None
    if not all(_sound("claims", claim) for claim in claims):
        return None
    try:
        published = source.get("published")
        return Development(
            id=data["id"],
            occurred=when_of(data["occurred"]),
            reported=when_of(data["reported"]),
            kind=Kind.parse(data["kind"]),
            summary=data["summary"],
            actors=tuple(data["actors"]),
            targets=tuple(data.get("targets") or ()),
            source=Source(
                publisher=source["publisher"],
                reliability=Reliability.parse(source["reliability"]),
                attribution=source.get("attribution"),
                url=source.get("url"),
                published=None if published is None else when_of(published),
                repeats=source.get("repeats"),
            ),
            claims=tuple(
                StanceClaim(
                    actor=claim["actor"],
                    topic=claim["topic"],
                    stance=Stance.parse(claim["stance"]),
                    quote=claim.get("quote"),
                )
                for claim in claims
            ),
            occurred_as_written=data.get("occurred_as_written"),
            coded=data.get("coded"),
            mode=tuple(data.get("mode") or ()),
            context=tuple(data.get("context") or ()),
            weight=data.get("weight"),
        )
    except Exception:  # any refusal: the walk reads the line again and words the problem
        return None
