"""The JSON writer of an attrs value's fields, made as straight-line code for its class.

`fields_writer` writes what looping over the fields would (`AttrsByFields.encode`,
then the standard encoder): each field in order, one left out at its default
(compared with `==`), each value by its type's writer.  Each field's declared types
(`str | None`, `When`, `tuple[str, ...]`, a nested attrs class) are tried first,
inline, by an exact type test: a text is escaped at once, None is `null`, an enum
member's text is looked up, a `When` is written around its text, an empty tuple is
`[]`, and a nested value's writer is called directly.  Any other value goes to its
type's writer by the type table, as before, so a field holding an undeclared type
is still written as the encoder writes it (or refused as unusual).
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Callable
from typing import Any

__all__ = ["UnusualError", "fields_writer"]

Writer = Callable[[Any], str]


class UnusualError(Exception):
    """A value the fast encoder does not write; the mapper's own path is taken instead."""


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    """A class's resolved field annotations (none when they cannot be resolved)."""
    try:
        return typing.get_type_hints(kind)
    except (NameError, TypeError):
        return {}


def _declared(kind: type, name: str) -> tuple[type, ...]:
    """The concrete types a field is declared to hold (`str | None`: str, NoneType)."""
    hint = _hints(kind).get(name)
    if hint is None:
        return ()
    parts = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    found = []
    for part in parts:
        origin = typing.get_origin(part) or part
        if isinstance(origin, type):
            found.append(origin)
    return tuple(found)


def _inline(
    i: int,
    kinds: tuple[type, ...],
    by_type: dict[type, Writer],
    heads: dict[type, str],
    scope: dict[str, Any],
) -> str:
    """The expression writing field `f{i}`: its declared types inline, then the type table."""
    field = f"f{i}"
    # A type with no writer raises KeyError, which the writer turns into `UnusualError`.
    expression = f"by_type[type({field})]({field})"
    for n, kind in reversed(list(enumerate(kinds))):
        writer = by_type.get(kind)
        if kind is str:
            written = f"text({field})"
        elif kind is type(None):
            written = '"null"'
        elif kind is tuple and writer is not None:
            scope[f"L{i}_{n}"] = writer
            written = f'("[]" if not {field} else L{i}_{n}({field}))'
        elif kind in heads:  # written as its head, its `.text` and "}"
            scope[f"H{i}_{n}"] = heads[kind]
            written = f'H{i}_{n} + text({field}.text) + "}}"'
        elif isinstance(getattr(writer, "__self__", None), dict):  # an enum's texts
            scope[f"E{i}_{n}"] = writer.__self__  # type: ignore[union-attr]
            written = f"E{i}_{n}[{field}]"
        elif writer is not None:
            scope[f"W{i}_{n}"] = writer
            written = f"W{i}_{n}({field})"
        else:
            continue
        scope[f"T{i}_{n}"] = kind
        expression = f"({written} if type({field}) is T{i}_{n} else {expression})"
    return expression


def fields_writer(
    kind: type,
    head: str,
    names: tuple[str, ...],
    omitted: dict[str, Any],
    by_type: dict[type, Writer],
    heads: dict[type, str],
    text: Writer,
) -> Writer:
    """The writer of a `kind` value's fields `names` as `head` + `{...}` + `}`; `heads`
    names the types written as a head, their `.text` escaped, and `}` (a `When`).

    Unrolled, a value of fifteen fields costs one call instead of fifteen turns of a
    loop, and each field's usual type no lookup in `by_type`.
    """
    # One C call fetches every field (attrgetter of one name gives the value itself).
    scope: dict[str, Any] = {
        "getter": operator.attrgetter(*names),
        "text": text,
        "by_type": by_type,
        "OPEN": head + "{",
        "UnusualError": UnusualError,
    }
    fields = ", ".join(f"f{i}" for i in range(len(names))) if len(names) != 1 else "f0"
    # Each key carries the comma before it; the first field, always written unless it
    # may be omitted, carries none (else the comma the body starts with is cut off).
    first = bool(names) and names[0] not in omitted
    lines = ["def write(value):", f"    {fields} = getter(value)", "    try:"]
    lines.append("        parts = []")
    run = ["OPEN"] if first else []  # the pieces always written, added as one list
    for i, name in enumerate(names):
        scope[f"K{i}"] = ("" if first and i == 0 else ",") + text(name) + ":"
        written = f"K{i}, {_inline(i, _declared(kind, name), by_type, heads, scope)}"
        if name not in omitted:
            run.append(written)
            continue
        if run:
            lines.append(f"        parts += [{', '.join(run)}]")
            run = []
        scope[f"D{i}"] = omitted[name]
        lines.append(f"        if not (f{i} == D{i}):")
        lines.append(f"            parts += ({written})")
    if run:
        lines.append(f"        parts += [{', '.join(run)}]")
    # A type with no writer (here or in a value inside): the mapper's own path.
    lines += ["    except KeyError as error:", "        raise UnusualError(error) from None"]
    if lines[4].startswith("        parts += ["):  # the first list starts the parts
        lines[3:5] = ["        parts = " + lines[4].removeprefix("        parts += ")]
    if first:
        lines += ['    parts.append("}}")', '    return "".join(parts)']
    else:
        lines.append('    return OPEN + "".join(parts)[1:] + "}}"')
    exec("\n".join(lines), scope)  # made here from field names alone: nothing read in
    write: Writer = scope["write"]
    return write
