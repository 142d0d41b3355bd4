"""Text as Python strings while netkit computes.

pandas 3 holds text in Arrow-backed ``str`` arrays and infers that dtype for every Series or
frame built from strings. netkit's analysis maps, indexes and groups organisation and service
ids thousands of times a query on frames of a few hundred to a few thousand rows, where each
Arrow operation costs more than the work it does: two thirds of a partner query's time on a
generated ICS was spent converting to and from Arrow (sampled stacks, 30 November 2026). So:

* a `System` keeps its text columns as Python strings (object dtype), and
* the analysis runs inside `object_strings`, which turns pandas' string inference off for the
  duration of the call and restores it after (the option is pandas' own,
  ``future.infer_string``; where a pandas has no such option the analysis runs as it is, with
  the same answers, only slower).

The values are the same either way (missing values are NaN in both): the test suite and the
command line run the analysis in this mode, and the outputs were checked byte for byte
against the Arrow-backed run when it was introduced.
"""

from __future__ import annotations

import functools
import warnings
from contextlib import contextmanager

import pandas as pd

__all__ = ["object_strings", "plain_strings"]

_OPTION = "future.infer_string"


def _option(value: bool | None = None):
    """Read (``value`` None) or set pandas' string inference; None where it has no such
    option. pandas 3 warns that the option will go in pandas 4: that is known and handled
    (no option, no switch), so the warning is not passed on."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if value is None:
                return bool(pd.get_option(_OPTION))
            pd.set_option(_OPTION, value)
            return value
        except (KeyError, pd.errors.OptionError):  # a pandas without it
            return None


@contextmanager
def object_strings():
    """Build text as Python strings (object dtype) inside the block, not as Arrow ``str``.

    Nested blocks, and pandas with no string inference to turn off, change nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> with object_strings():
    ...     inside = pd.Series(["a", "b"]).dtype
    >>> str(inside)
    'object'
    """
    if not _option():
        yield
        return
    _option(False)
    try:
        yield
    finally:
        _option(True)


def plain_strings(function):
    """Run ``function`` inside `object_strings` (a decorator for netkit's entry points).

    Examples
    --------
    >>> import pandas as pd
    >>> @plain_strings
    ... def kind():
    ...     return str(pd.Series(["a"]).dtype)
    >>> kind()
    'object'
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with object_strings():
            return function(*args, **kwargs)
    return wrapper
