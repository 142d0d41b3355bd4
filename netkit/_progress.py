"""Progress of long work, for a person waiting at a terminal.

Library code says which stage it has reached (`stage`) or walks its items through `steps`;
whoever called it decides whether, and where, that is shown (`reporting`, or `on_stderr` for
the command line). With no one listening both cost almost nothing, so a library function
needs no ``progress`` parameter of its own and its results never depend on it.

The command line shows one status line on standard error, rewritten in place, only when
standard error is a terminal, only once the work has taken `SHOW_AFTER` seconds, and never
with ``--quiet``::

    netkit compare: loading sel (4 s)
    netkit partners: opportunities 3/11 (6 s)

For a library function (``diagnose``, ``track``, ...)::

    from netkit._progress import stage, steps

    def diagnose(system, ...):
        stage("rates by practice")
        ...
        for opportunity in steps(opportunities, "opportunities"):
            ...

and for its command, the shared ``progress_option`` decorator of ``cli/options.py``
(``@progress_option("diagnose")``), which adds ``--quiet`` and shows what the call reports.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TextIO

__all__ = ["stage", "steps", "reporting", "on_stderr", "held", "interrupt", "finish",
           "StatusLine", "SHOW_AFTER"]

#: Seconds of work before anything is shown: quick commands stay silent.
SHOW_AFTER = 2.0

#: ``listener(what, done, total)``; ``done`` and ``total`` are None for a named stage.
Listener = Callable[[str, "int | None", "int | None"], None]

_listener: ContextVar[Listener | None] = ContextVar("netkit_progress", default=None)


def stage(name: str) -> None:
    """Say that the work has reached a named stage (shown as the status, if anyone listens).

    >>> seen = []
    >>> with reporting(lambda what, done, total: seen.append(what)):
    ...     stage("ordering events")
    >>> seen
    ['ordering events']
    """
    listener = _listener.get()
    if listener is not None:
        listener(name, None, None)


def steps(items: Iterable, what: str) -> Iterator:
    """Yield the items, saying before each how many of them are done (``what`` names them).

    >>> seen = []
    >>> with reporting(lambda what, done, total: seen.append((what, done, total))):
    ...     [x * 2 for x in steps([1, 2], "numbers")]
    [2, 4]
    >>> seen
    [('numbers', 0, 2), ('numbers', 1, 2), ('numbers', 2, 2)]
    """
    listener = _listener.get()
    if listener is None:
        yield from items
        return
    items = list(items)
    for done, item in enumerate(items):
        listener(what, done, len(items))
        yield item
    listener(what, len(items), len(items))


@contextlib.contextmanager
def reporting(listener: Listener | None):
    """Send what `stage` and `steps` report to ``listener`` while the block runs (None: to no
    one)."""
    token = _listener.set(listener)
    try:
        yield listener
    finally:
        _listener.reset(token)


class StatusLine:
    """One status line on a terminal stream, rewritten in place: ``label: what done/total
    (seconds)``. It is first drawn `SHOW_AFTER` seconds after it starts, then redrawn every
    ``every`` seconds by a background thread (so the seconds move even in a long stage), and
    erased by `close`.

    Parameters
    ----------
    label : str
    stream : text stream
    after, every : float
        Seconds before the first drawing, and between drawings.
    """

    def __init__(self, label: str, stream: TextIO, after: float = SHOW_AFTER,
                 every: float = 0.5):
        self.label, self.stream, self.after, self.every = label, stream, after, every
        self.status = "working"
        self.start = time.monotonic()
        self.drawn = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="netkit-progress", daemon=True)
        self._thread.start()

    def __call__(self, what: str, done: int | None, total: int | None) -> None:
        self.status = what if total is None else f"{what} {done:,}/{total:,}"

    def _run(self) -> None:
        if self._stop.wait(self.after):
            return
        while True:
            self._draw()
            if self._stop.wait(self.every):
                return

    def _draw(self) -> None:
        seconds = time.monotonic() - self.start
        with self._lock:
            if self._stop.is_set():
                return
            self.stream.write(f"\r\x1b[K{self.label}: {self.status} ({seconds:.0f} s)")
            self.stream.flush()
            self.drawn = True

    def clear(self) -> None:
        """Erase the line for other text (a warning); the next drawing starts afresh."""
        with self._lock:
            if self.drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def close(self) -> None:
        """Stop drawing and erase the line (nothing is written if it was never drawn)."""
        with self._lock:
            self._stop.set()
            if self.drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
        self._thread.join()


_shown: ContextVar[StatusLine | None] = ContextVar("netkit_status_line", default=None)


@contextlib.contextmanager
def on_stderr(label: str, quiet: bool = False, stream: TextIO | None = None,
              after: float = SHOW_AFTER):
    """Show what the block's work reports as a `StatusLine` on standard error (or ``stream``),
    only when it is a terminal and not ``quiet``; otherwise nothing is written at all.

    >>> import io
    >>> with on_stderr("netkit demo", stream=io.StringIO()) as line:
    ...     line is None  # not a terminal: no status line, no thread
    True
    """
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if quiet or not (callable(isatty) and isatty()):
        with reporting(None):
            yield None
        return
    line = StatusLine(label, stream, after=after)
    token = _shown.set(line)
    try:
        with reporting(line):
            yield line
    finally:
        _shown.reset(token)
        line.close()


@contextlib.contextmanager
def held():
    """Hold the status line `on_stderr` shows, if any, still while the block runs: no drawing
    is half-done when a worker process is forked (the worker would inherit the held lock)."""
    line: Any = _shown.get()
    if line is None:
        yield
        return
    with line._lock:
        yield


def interrupt() -> None:
    """Erase the status line `on_stderr` shows, if any, before other text goes to standard
    error (it is drawn again at its next update)."""
    line: Any = _shown.get()
    if line is not None:
        line.clear()


def finish() -> None:
    """Erase and stop the status line `on_stderr` shows, if any: called before a command
    writes its result, so output and status never share a line."""
    line: Any = _shown.get()
    if line is not None:
        line.close()
