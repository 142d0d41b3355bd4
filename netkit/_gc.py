"""Pausing Python's cyclic garbage collector while many small containers are built.

Building a few hundred thousand small lists, tuples or dicts sets off collections, and each
full collection walks every object the process holds: with a national system loaded that costs
more than the work itself. Nothing built inside the pause holds a reference cycle.
"""

from __future__ import annotations

import contextlib
import gc

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused():
    """Disable the cyclic collector inside the block, restoring its state after.

    Examples
    --------
    >>> with gc_paused():
    ...     rows = [[i, i + 1] for i in range(3)]
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
