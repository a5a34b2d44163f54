"""Makers of frozen attrs instances, for the hot read paths.

attrs' frozen __init__ sets each field through `object.__setattr__` behind a call
with keywords: about 1.5 us for a `View` of nine fields, paid by every lookup.
Calling each slot's own `__set__` takes a third of that, but each call still
builds its arguments' tuple (some 700 CPU instructions a field).  A plain
assignment costs a few dozen once the interpreter has specialised it, and a
frozen class refuses it; so a maker fills an instance of `filler(cls)`, a
subclass with object's own `__setattr__` and `__init__` and nothing else, made by
calling it with no arguments (cheaper than `object.__new__(cls)`, which checks
its argument against the class's bases), and then makes it a `cls` by assigning
`__class__` (the two share one layout).  No converter or validator runs: it is
for fields whose values the caller already holds in final form.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["filler", "pickled_by_fields", "slot_setters"]


def slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setter of each field of a slotted attrs class, in field order (each call
    builds its arguments' tuple: `filler` is cheaper where a maker sets every field).

    A field a maker leaves unset raises AttributeError when read, so each maker
    sets every one (its tests compare what it makes with `cls(...)`).
    """
    names = [field.name for field in attrs.fields(cls)]
    return tuple(cls.__dict__[name].__set__ for name in names)  # KeyError: not slotted


def filler(cls: type) -> type[Any]:
    """The subclass of the slotted class `cls` whose instances take plain assignment.

    A maker sets every field of an empty instance (`filling()`) and then assigns
    `made.__class__ = cls`: a field it leaves unset raises AttributeError when read
    (its tests compare what it makes with `cls(...)`).  TypeError for a class
    without slots, whose instances would take fields into a `__dict__`.
    """
    if "__dict__" in cls.__dict__.get("__slots__", ("__dict__",)):
        raise TypeError(f"{cls.__name__} has no slots to fill")
    # Both hooks of the setattr slot are object's, so the subclass gets the generic
    # setattr that the interpreter specialises (one of them alone does not).
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__init__": object.__init__,
        "__doc__": f"A {cls.__name__} being filled in (`engine._slots.filler`).",
    }
    return type(f"_Filling{cls.__name__}", (cls,), namespace)


# Each class `pickled_by_fields` gave its reduction: its maker from its fields' values.
_PICKLED: dict[type, Callable[..., Any]] = {}
C = TypeVar("C", bound=type)


def pickled_by_fields(cls: C) -> C:
    """`cls` (a slotted attrs class) pickled as its fields' values, in order, and unpickled
    by filling a `filler(cls)` with them: no converter or validator runs, and no attrs
    `__setstate__` (a call per field with its name looked up: 4-5 us an instance)."""
    names = tuple(field.name for field in attrs.fields(cls))
    values = ", ".join(f"v{i}" for i in range(len(names)))
    filled = "".join(f"    made.{name} = v{i}\n" for i, name in enumerate(names))
    # Written out per class: plain assignments, which the interpreter specialises.
    source = f"def make({values}):\n    made = filling()\n{filled}    made.__class__ = cls\n"
    namespace: dict[str, Any] = {"filling": filler(cls), "cls": cls}
    exec(source + "    return made\n", namespace)  # the text is made here, from field names
    _PICKLED[cls] = namespace["make"]

    got = operator.attrgetter(*names)  # a tuple of them all (for two fields or more)
    one = len(names) == 1

    def reduce(self: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return _refilled, (cls, (got(self),) if one else got(self))

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]
    return cls


def _refilled(cls: type, values: tuple[Any, ...]) -> Any:
    """An instance of `cls` holding `values`, its fields' in order (`pickled_by_fields`);
    `cls` is unpickled first, so its module has registered its maker."""
    return _PICKLED[cls](*values)
