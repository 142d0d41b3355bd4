"""Writing files whole, and checking an output path before anything is computed or written.

Every temporary name netkit makes beside an output starts ``.netkit-`` and carries the id of the
process that made it: ``.netkit-<pid>-<token>.tmp`` (a file being written by `write_atomic`),
``.netkit-<pid>-<token>.write`` (a system folder or workbook being written, see
`netkit.io.saving`) and ``.netkit-<pid>-<token>.done`` (one to delete). A later write into the same
folder removes those left by a process that is no longer running (killed, or the machine
stopped), so nothing is stranded for ever.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import Iterator

from netkit.errors import NetkitError

__all__ = ["write_atomic", "OutputError"]

#: The start of every temporary name netkit makes.
PREFIX = ".netkit-"
_LEFTOVER = re.compile(r"^\.netkit-(\d+)-[0-9a-f]+\.(tmp|write|done)$")
#: A temporary name older than this is a leftover even if its process id is in use again.
STALE_AFTER = 24 * 3600


class OutputError(NetkitError, OSError):
    """An output that cannot be written: the path is unusable, or writing it would overwrite an
    input or a folder netkit does not own. Also an `OSError`, so code that catches
    ``OSError`` around writing still does."""


def cannot_write(path, err: OSError | str) -> OutputError:
    """``cannot write PATH: reason`` for an `OSError` (or a reason in words)."""
    if isinstance(err, OutputError):
        return err
    reason = err if isinstance(err, str) else (err.strerror or str(err))
    reason = reason[:1].lower() + reason[1:]
    return OutputError(f"cannot write {path}: {reason}")


def work_name(kind: str) -> str:
    """A fresh temporary name of this process: ``.netkit-<pid>-<token>.<kind>``."""
    return f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}.{kind}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def leftovers(folder: str | Path) -> Iterator[tuple[Path, str]]:
    """Temporary names in ``folder`` whose process is no longer running (or that are older than
    a day): ``(path, kind)`` with kind ``"tmp"``, ``"write"`` or ``"done"``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in sorted(entries, key=lambda e: e.name):
        match = _LEFTOVER.match(entry.name)
        if not match:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
        except OSError:
            continue
        if old or not _alive(int(match.group(1))):
            yield Path(entry.path), match.group(2)


def _remove_stale_temp_files(folder: Path) -> None:
    for path, kind in leftovers(folder):
        if kind == "tmp":
            try:
                path.unlink()
            except OSError:
                pass


def write_atomic(path: str | Path, content: str | bytes) -> Path:
    """Write text (UTF-8, ``\\n`` line ends) or bytes to ``path`` all or nothing.

    The content goes to a temporary file beside ``path`` that is renamed over it, so ``path``
    is at every moment the old file or the whole new one. A link is kept: the file it points
    to is the one replaced. A character device or a named pipe (``/dev/null``, a pipe another
    program reads) is written as it is, never replaced. Missing parent folders are made.
    The file gets the mode an ordinary new file gets (0644 under the usual umask). Temporary
    files left in the folder by a netkit process that was killed are removed first.

    Raises
    ------
    OutputError
        ``cannot write PATH: reason`` when the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", "hello\\n").read_text()
    'hello\\n'
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    path = Path(path)
    tmp = None
    try:
        if path.is_dir():
            raise cannot_write(path, "it is a folder")
        if is_stream(path):  # /dev/null, a named pipe: written as it is, never replaced
            with open(path, "wb") as fh:
                fh.write(content if isinstance(content, bytes) else
                         content.encode("utf-8"))
            return path
        target = Path(os.path.realpath(path)) if path.is_symlink() else path  # keep the link
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temp_files(target.parent)
        tmp = target.parent / work_name("tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(content)
        os.replace(tmp, target)
    except OSError as err:
        raise cannot_write(path, err) from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
    return path


def is_stream(path: str | Path) -> bool:
    """Whether ``path`` (through any links) is a character device or a named pipe, such as
    ``/dev/null`` or ``/dev/stdout``: an output written as it is, never replaced by a file.

    >>> is_stream("/dev/null"), is_stream(__file__)
    (True, False)
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def nearest_existing(path: Path) -> Path:
    """The nearest folder above ``path`` that exists.

    Raises
    ------
    OutputError
        When that nearest existing thing is a file (``path`` would be below a file).
    """
    for above in Path(os.path.abspath(path)).parents:
        if os.path.lexists(above):
            if not above.is_dir():
                raise cannot_write(path, f"{above} is a file, not a folder")
            return above
    return Path(os.path.abspath(path)).parents[-1]  # pragma: no cover - the root exists


def probe_folder(folder: Path, path) -> None:
    """Check that files can be made in ``folder`` (for writing ``path``) by making one and
    removing it: catches permissions, read-only file systems and ``/proc``, even as root."""
    tmp = folder / work_name("tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(tmp)
    except OSError as err:
        raise cannot_write(path, err) from None


def _same(a: Path, b: Path) -> bool:
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


