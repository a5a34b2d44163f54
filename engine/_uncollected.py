"""The cyclic garbage collector paused while a read or a catch-up page makes many objects
without cycles.

At a million developments the view's process holds millions of objects, and a read
that makes a few hundred thousand (a topic chart's steps, or their pickle loaded) sets
off full collections that walk all of them again and again: a quarter of a topic
chart's CPU, three quarters of loading its pickle.  The objects made hold no cycles, so
nothing is left uncollected: the collector runs as usual once the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["uncollected"]


@contextmanager
def uncollected() -> Iterator[None]:
    """Pauses the cyclic collector for the block, if it was running, and resumes it after."""
    # Process-wide: a thread inside a block that began while another's was open may see
    # the collector resume before its own block ends, which costs it time, nothing else.
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
