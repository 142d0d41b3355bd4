"""Independent pieces of work side by side in worker processes, their results in order.

`ordered_map` is what ``find_all_partners(system, jobs=N)`` (``netkit partners --all``)
uses: each opportunity's partner query depends on nothing but the system and the options, so
the queries can run in several processes at once and the results are the same, in the same
order, as one after another. The workers are forked from the calling process, so they start
with the system already loaded (nothing is pickled on the way out, and only the results on
the way back). Where the platform cannot fork (Windows; macOS is left to spawn, which would
reload everything), or one job is asked for, the work runs in the calling process.

A piece of work that fails in a worker, or whose result cannot be sent back, is run again in
the calling process, so an error is raised there as it would be without workers: the same
exception, the same message, for the first piece in order that fails.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

from netkit._progress import counted, reporting, steps
from netkit.errors import OptionError

__all__ = ["available_jobs", "can_fork", "check_jobs", "ordered_map"]

#: The work the forked workers read: (function, items), set only while a pool runs.
_work: tuple[Callable, list] | None = None


def available_jobs() -> int:
    """The processors this process may run on (at least 1).

    >>> available_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def check_jobs(jobs) -> None:
    """``jobs`` is a whole number of processes, 1 or more (else `netkit.errors.OptionError`).

    >>> check_jobs(2)
    >>> check_jobs(0)
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: jobs=0: give a whole number of processes, 1 or more
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise OptionError(f"jobs={jobs!r}: give a whole number of processes, 1 or more")


def can_fork() -> bool:
    """Whether workers can be forked here (Linux and the like; not Windows, and not macOS,
    where forking a process with threads is unsafe)."""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def ordered_map(func: Callable[[Any], Any], items: Iterable, what: str,
                jobs: int = 1) -> list:
    """``[func(item) for item in items]``, in up to ``jobs`` worker processes at once.

    Progress is reported as ``what done/total`` (`netkit._progress`), as the results come
    back in order.

    Parameters
    ----------
    func : callable
        Run on each item; it must not depend on anything another item changes.
    items : iterable
    what : str
        What the items are, for progress ("opportunities").
    jobs : int
        Worker processes at most (never more than the items); 1 runs everything here.

    Examples
    --------
    >>> ordered_map(lambda x: x * x, [3, 1, 2], "numbers", jobs=2)
    [9, 1, 4]
    """
    global _work

    items = list(items)
    jobs = min(int(jobs), len(items))
    if jobs <= 1 or not can_fork():
        return [func(item) for item in steps(items, what)]
    results: list = []
    counted(what, 0, len(items))
    _work = (func, items)
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker) as pool:
            for index, sent in enumerate(pool.imap(_run, range(len(items)))):
                results.append(pickle.loads(sent) if sent is not None else func(items[index]))
                counted(what, index + 1, len(items))
    finally:
        _work = None
    return results


def _worker() -> None:
    """A worker leaves Ctrl-C to the caller, which stops the workers and says so once (else
    each worker would print its own interrupted traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int) -> bytes | None:
    """In a worker: one item's result, pickled, or None where it failed or cannot be sent
    (the caller then runs it itself, to raise the real error)."""
    func, items = _work
    try:
        with reporting(None):  # the caller reports progress
            return pickle.dumps(func(items[index]), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - run again by the caller, which raises it
        return None
