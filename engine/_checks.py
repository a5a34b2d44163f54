"""The checks and conversions of the value objects' fields (`engine.values`).

A validator raises `RecordError` naming the class and the field (`Actor.name: ...`),
which the loader and the importer read to point at the field in a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from timeline.engine.errors import RecordError
from timeline.engine.when import When, WhenLike

__all__ = [
    "alias",
    "aliases",
    "check",
    "nonempty",
    "optional_text",
    "optional_when",
    "strings",
    "text",
    "when",
]


# The longest id: ids name files, URLs and table rows, and a dataset's own ids are short.
LONGEST_ID = 200
# A lone surrogate is no Unicode character: no store, file or terminal can encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(value: str) -> str:
    """`value` as a message shows it: repr, cut short when long."""
    return repr(value) if len(value) <= 60 else f"{value[:40]!r}... ({len(value):,} characters)"


def check(pattern: re.Pattern[str], what: str, *examples: str) -> Any:
    """A validator of text that must match `pattern`: `what`, such as one of `examples`."""
    shown = " or ".join(map(repr, examples))

    def validate(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        # The usual value passes in one test: an import checks millions.
        if type(value) is str and len(value) <= LONGEST_ID and pattern.fullmatch(value):
            return
        where = f"{type(instance).__name__}.{attribute.name}"
        if isinstance(value, str) and len(value) > LONGEST_ID:
            raise RecordError(
                f"{where}: expected {what} of at most {LONGEST_ID} characters, "
                f"found {_shown(value)}"
            )
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise RecordError(f"{where}: expected {what} such as {shown}, found {value!r}")

    return validate


def text(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validates non-empty text of Unicode characters (no lone surrogate)."""
    if isinstance(value, str) and value and value.isascii() and not value.isspace():
        return  # the usual text: ASCII holds no surrogate, and these tests are cheap
    where = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{where}: expected non-empty text, found {value!r}")
    _characters(where, value)


def _characters(where: str, value: str) -> None:
    """Refuses text holding a lone surrogate (from undecodable bytes or a JSON escape)."""
    found = _SURROGATE.search(value)
    if found is not None:
        raise RecordError(
            f"{where}: expected Unicode text, found a lone surrogate {found[0]!r} at "
            f"character {found.start() + 1} (is the input UTF-8?)"
        )


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validates non-empty text, or None."""
    if value is not None:
        text(instance, attribute, value)


def strings(value: Iterable[str] | str) -> tuple[str, ...]:
    """Converts one string, or several, to a tuple of them."""
    return (value,) if isinstance(value, str) else tuple(value)


def alias(value: Any) -> str:
    """Returns `value` if it can be an alias (non-empty text), else raises RecordError."""
    # An empty alias would make the empty name (or a blank one) resolve to its owner.
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"expected non-empty text such as 'Ankara', found {value!r}")
    _characters("alias", value)
    return value


def aliases(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    """Validates each alias, naming the one that is not (`Actor.aliases[1]`)."""
    for index, name in enumerate(value):
        try:
            alias(name)
        except RecordError as error:
            where = f"{type(instance).__name__}.{attribute.name}[{index}]"
            raise RecordError(f"{where}: {error}") from None


def when(value: WhenLike) -> When:
    """Converts a date, EDTF text or `When` to a `When`."""
    return When.coerce(value)


def optional_when(value: WhenLike | None) -> When | None:
    """Converts to a `When`, keeping None."""
    return None if value is None else When.coerce(value)


def nonempty(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    """Validates a tuple with at least one entry."""
    if not value:
        raise RecordError(
            f"{type(instance).__name__}.{attribute.name}: expected at least one entry"
        )
