"""Independent pieces of work side by side in worker processes, their results in order.

`ordered_map` is what ``find_all_partners(system, jobs=N)`` (``netkit partners --all``) and
the tracker's first partner sets use: each opportunity's partner query depends on nothing but
the system and the options, so the queries can run in several processes at once and the
results are the same, in the same order, as one after another. The workers are forked from
the calling process, so they start with the system already loaded (nothing is pickled on the
way out, only the results on the way back); each builds its own working memory, so N workers
take up to N times a query's memory. Where the platform cannot fork (Windows; macOS, where
forking is unsafe), where one job is asked for, or inside a worker, the work runs in the
calling process. With ``warm_up``, the smallest piece is worked out in the calling process
first, so that what the pieces share and build on first use is built once, before the fork.

The answer never depends on the workers:

* a piece of work that fails in a worker, or whose result cannot be sent back, is run again
  in the calling process, so an error is raised there as it would be without workers (the
  same exception and message, for the first piece in order that fails);
* a worker that dies (killed, out of memory) stops the workers, and what is left is done in
  the calling process, one piece after another, with a warning saying so;
* Python warnings raised in a worker are raised again in the calling process, in order, each
  once (as Python's default filter shows a warning once per place in one process);
* Ctrl-C is left to the calling process, which stops the workers.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from netkit._progress import held, reporting, steps
from netkit.errors import OptionError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = [
    "DEFAULT_JOBS",
    "available_jobs",
    "can_fork",
    "in_background",
    "in_threads",
    "ordered_map",
    "spare_processor",
]

#: At most this many worker processes unless more are asked for: each builds its own working
#: memory (about 0.5 GB for a national partner query).
DEFAULT_JOBS = 4

#: In a worker: the work it was forked with, (function, items).
_work: tuple[Callable, list] | None = None


def available_jobs() -> int:
    """The processes a command uses unless told otherwise: one per processor this process may
    run on, at most `DEFAULT_JOBS` (at least 1).

    >>> 1 <= available_jobs() <= DEFAULT_JOBS
    True
    """
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        processors = os.cpu_count() or 1
    return max(1, min(processors, DEFAULT_JOBS))


def _check_jobs(jobs) -> None:
    """``jobs`` is a whole number of processes, 1 or more (else `netkit.errors.OptionError`).

    >>> _check_jobs(2)
    >>> _check_jobs(0)
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: jobs=0: give a whole number of processes, 1 or more
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise OptionError(f"jobs={jobs!r}: give a whole number of processes, 1 or more")


def can_fork() -> bool:
    """Whether workers can be forked here (Linux and the like; not Windows, and not macOS,
    where forking a process with threads is unsafe), and this is not a worker already."""
    return (_work is None and sys.platform != "darwin"
            and "fork" in multiprocessing.get_all_start_methods())


def ordered_map(func: Callable[[Any], Any], items: Iterable, what: str,
                jobs: int = 1, sizes: Iterable[float] | None = None,
                warm_up: bool = False) -> list:
    """``[func(item) for item in items]``, in up to ``jobs`` worker processes at once.

    Progress is reported as ``what done/total`` (`netkit._progress`), as the results come
    back in order. With ``sizes`` (how much work each item is expected to be, in any unit),
    the workers are handed the largest first, so that none is left with a large item while
    the others wait; the results are the same, in the same order.

    Parameters
    ----------
    func : callable
        Run on each item; it must not depend on anything another item changes.
    items : iterable
    what : str
        What the items are, for progress ("opportunities").
    jobs : int
        Worker processes at most (never more than the items); 1 runs everything here.
    sizes : iterable of float, optional
        Each item's expected work, for the order the workers are handed them (ties in item
        order).
    warm_up : bool
        Where there are more items than workers, work out the smallest (the last handed out)
        here first, before the workers are forked: what the items share and build on first use
        (a system's coded tables, kept with it; modules imported on first use) is then built
        once and inherited by every worker, where each worker would otherwise build its own,
        copying the memory pages it touches. Its result, warnings and error take their place
        in order, as the others do.

    Examples
    --------
    >>> ordered_map(lambda x: x * x, [3, 1, 2], "numbers", jobs=2)
    [9, 1, 4]
    >>> ordered_map(lambda x: x * x, [3, 1, 2], "numbers", jobs=2, sizes=[3, 1, 2])
    [9, 1, 4]
    >>> ordered_map(lambda x: x * x, [3, 1, 2], "numbers", jobs=2, sizes=[3, 1, 2],
    ...             warm_up=True)
    [9, 1, 4]
    """
    _check_jobs(jobs)
    items = list(items)
    jobs = min(jobs, len(items))
    if jobs <= 1 or not can_fork():
        return [func(item) for item in steps(items, what)]
    from concurrent.futures import ProcessPoolExecutor  # only where workers are used
    from concurrent.futures.process import BrokenProcessPool

    results: list = []
    order = _handed_out(len(items), sizes)
    early: dict = {}
    if warm_up and len(items) > jobs:
        early[order[-1]] = _here(func, items[order[-1]])
        order = order[:-1]
    # what exists now is moved out of the collector's sight before the workers are forked:
    # a worker's collections would otherwise walk the system's objects, copying every memory
    # page they touch (0.2 s of the generated region's 3.7 s with 2 processes); afterwards it
    # is handed back, unless the caller had frozen objects itself
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker, initargs=(func, items))
    try:
        with held():  # the workers are forked as the work is handed out
            sent = {i: pool.submit(_run, i) for i in order}
        shown: dict = {}  # the workers' warnings, each shown once, as in one process
        opened: dict = {}  # answers unpickled as they came back, before their turn
        for index, item in enumerate(steps(items, what)):  # in order
            answer = None
            if index in early:
                results.append(_early(early.pop(index), shown))
                continue
            if sent is not None:
                try:
                    answer = _answer(sent, index, opened)
                except BrokenProcessPool:  # a worker died: the rest is done here
                    sent = None
                    _stop(pool)
                    warnings.warn(f"a worker process stopped (out of memory?); the {what} "
                                  f"from {index + 1} of {len(items)} on are analysed one "
                                  "after another in this process (--jobs 1 or 2 uses less "
                                  "memory)", RuntimeWarning, stacklevel=2)
            results.append(_result(func, item, answer, shown))
    except BaseException:
        _stop(pool)
        raise
    finally:
        if frozen:
            gc.unfreeze()
    pool.shutdown()
    return results


def _handed_out(count: int, sizes: Iterable[float] | None) -> list[int]:
    """The order the workers are handed the items: the largest first where ``sizes`` are
    given (ties, and without them all, in item order).

    >>> _handed_out(4, [5, 9, 5, 1]), _handed_out(3, None)
    ([1, 0, 2, 3], [0, 1, 2])
    """
    if sizes is None:
        return list(range(count))
    sizes = list(sizes)
    if len(sizes) != count:
        raise ValueError(f"sizes: {len(sizes)} given for {count} items")
    return sorted(range(count), key=lambda i: (-sizes[i], i))


@contextlib.contextmanager
def in_threads(most: int | None = None) -> Iterator[Callable[[Callable], Any]]:
    """``submit(work)`` for the block: ``work()`` run in up to `available_jobs` threads, and
    at most ``most`` (the pieces of work there are), each call giving something whose
    ``result()`` is the work's. One thread (the calling one) where one would do, and inside a
    worker process, whose siblings have the other processors.
    For numpy's long loops, which let other threads run meanwhile; the threads are gone when
    the block ends (so no thread is left when worker processes are forked).

    >>> with in_threads(2) as submit:
    ...     done = [submit(lambda i=i: i * i) for i in range(4)]
    >>> [d.result() for d in done]
    [0, 1, 4, 9]
    """
    threads = 1 if _work is not None else min(most or available_jobs(), available_jobs())
    if threads <= 1:
        yield _Done
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads, thread_name_prefix="netkit") as pool:
        yield pool.submit


def spare_processor() -> bool:
    """Whether work started `in_background` would run beside the caller: there is more than
    one processor, and this is not a worker process (whose siblings have the others)."""
    return _work is None and available_jobs() > 1


def in_background(work: Callable[[], Any]) -> Any:
    """``work()`` started in a thread of its own while the caller goes on, giving something
    whose ``result()`` waits for it; done at once in the calling thread where `in_threads`
    would use one thread (one processor, or inside a worker process). The thread is gone once
    the work is done: wait for it before forking.

    >>> later = in_background(lambda: sum(range(10)))
    >>> later.result()
    45
    """
    if not spare_processor():
        return _Done(work)
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="netkit")
    try:
        return pool.submit(work)
    finally:
        pool.shutdown(wait=False)  # the thread ends with the work


class _Done:
    """Work done at once, in the calling thread (`in_threads` with one thread)."""

    def __init__(self, work: Callable[[], Any]):
        self._value = work()

    def result(self) -> Any:
        return self._value


def _answer(sent: dict, index: int, opened: dict) -> tuple | None:
    """Item ``index``'s answer from its worker, unpickled (None where the worker could not
    give it), once it is back. While waiting for it, the answers of the items after it that
    are back already are unpickled (into ``opened``): the workers finish out of order (the
    largest first), and unpickling them all after the last (a tenth of a second of the
    generated London region's 19 MB) would keep the report waiting; their warnings are still
    raised in order, by `_result`."""
    from concurrent.futures import FIRST_COMPLETED, wait

    def open_back() -> None:
        for i, future in sent.items():
            if i > index and i not in opened and future.done() and not future.exception():
                answer = future.result()
                opened[i] = None if answer is None else pickle.loads(answer)

    while not sent[index].done():
        open_back()
        wait([f for i, f in sent.items() if i >= index and not f.done()],
             return_when=FIRST_COMPLETED)
    if index in opened:
        return opened.pop(index)
    answer = sent[index].result()  # (a dead worker's error is raised here, in order)
    return None if answer is None else pickle.loads(answer)


def _result(func: Callable, item, answer: tuple | None, shown: dict) -> Any:
    """A worker's answer, unpickled (its result, and its warnings raised again here, each
    once, the registry ``shown`` remembering them), or ``func(item)`` worked out here where the
    worker could not give it (it failed, its result cannot be pickled, or the workers died)."""
    if answer is None:
        return func(item)
    result, raised = answer
    for message, category, filename, lineno in raised:
        warnings.warn_explicit(message, category, filename, lineno, registry=shown)
    return result


def _here(func: Callable, item) -> tuple:
    """``func(item)`` worked out here: its result, the warnings it raised, and the error it
    raised, if any (None), for `_early`; the threads it started `in_background` are gone
    before this returns (the workers are forked next)."""
    import threading

    before = set(threading.enumerate())
    with warnings.catch_warnings(record=True) as raised:  # as `_run` records them
        try:
            done = func(item), raised, None
        except Exception as error:  # noqa: BLE001 - raised at its place in order
            done = None, raised, error
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("netkit_"):
            thread.join()
    return done


def _early(done: tuple, shown: dict) -> Any:
    """A result `_here` worked out, its warnings raised again in order (each once), or its
    error raised."""
    result, raised, error = done
    for w in raised:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, registry=shown)
    if error is not None:
        raise error
    return result


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (Ctrl-C, or an error raised here), not after their current work."""
    if hasattr(pool, "terminate_workers"):  # Python 3.14
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _worker(func: Callable, items: list) -> None:
    """A worker keeps the work it was forked with and leaves Ctrl-C to the caller, which
    stops the workers and says so once."""
    global _work

    _work = (func, items)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int) -> bytes | None:
    """In a worker: one item's result and the warnings it raised, pickled; None where it
    failed or cannot be sent (the caller then works it out itself, to raise the real error)."""
    func, items = _work
    try:
        with reporting(None), warnings.catch_warnings(record=True) as raised:
            result = func(items[index])
        return pickle.dumps((result, [(str(w.message), w.category, w.filename, w.lineno)
                                      for w in raised]), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - worked out again by the caller, which raises it
        return None
