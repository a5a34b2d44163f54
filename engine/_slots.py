"""Slot setters of frozen attrs classes, for makers on the hot read paths.

attrs' frozen __init__ sets each field through `object.__setattr__` behind a call
with keywords: about 1.5 us for a `View` of nine fields, paid by every lookup.  A
maker that sets a bare instance's slots through their own descriptors takes a
third of that.  It runs no converter or validator: it is for fields whose values
the caller already holds in final form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["slot_setters"]


def slot_setters(cls: type) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setter of each field of a slotted attrs class, in field order.

    A field a maker leaves unset raises AttributeError when read, so each maker
    sets every one (its tests compare what it makes with `cls(...)`).
    """
    names = [field.name for field in attrs.fields(cls)]
    return tuple(cls.__dict__[name].__set__ for name in names)  # KeyError: not slotted
