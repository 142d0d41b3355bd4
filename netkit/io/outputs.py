"""Where a command may write a report or picture: never over one of its inputs (a system folder's contract files, a changeset, an events file), never below a file, only where files can be made. Checked before anything is read or computed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from netkit._files import _same, cannot_write, is_stream, nearest_existing, probe_folder

__all__ = ['contract_files', 'input_files', 'check_output']


def contract_files(folder: Path) -> list[Path]:
    """The files of the format contract in a system folder (those that exist)."""
    from netkit.model.schema import TABLES

    names = ["system.yaml", *(spec.filename for spec in TABLES.values()), "opportunities.yaml"]
    return [folder / name for name in names if (folder / name).is_file()]


def input_files(inputs: Iterable) -> list[Path]:
    """The files a command reads: each input file, and the contract files of each input
    system folder."""
    files = []
    for given in inputs:
        given = Path(given)
        files.extend(contract_files(given) if given.is_dir() else [given])
    return files


def check_output(path: str | Path, inputs: Iterable = ()) -> Path:
    """Check, before anything is computed, that a report or picture can be written to
    ``path``: not one of the command's inputs, not a folder, not below a file, and in a
    folder where files can be made. Missing parent folders are fine (they are made on
    writing). Nothing is left behind.

    Parameters
    ----------
    path : str or Path
        The output file.
    inputs : iterable of path
        What the command reads: files, and system folders (whose contract files count).

    Raises
    ------
    OutputError
        Saying which path and why.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "flows.csv").write_text("pathway,source,target,patients\\n")
    >>> check_output(folder / "report.txt", [folder / "flows.csv"]).name
    'report.txt'
    >>> from netkit._files import OutputError
    >>> def reason(out, inputs=()):
    ...     try:
    ...         check_output(out, inputs)
    ...     except OutputError as err:
    ...         return str(err).split(": ", 1)[1]
    >>> reason(folder / "flows.csv", [folder / "flows.csv"])
    'it is an input of this command; choose another file'
    >>> reason(folder / "flows.csv" / "report.txt").endswith("flows.csv is a file, not a folder")
    True
    """
    path = Path(path)
    for given in input_files(inputs):
        if _same(path, given):
            raise cannot_write(path, "it is an input of this command; choose another file")
    if path.is_dir():
        raise cannot_write(path, "it is a folder; give a file name")
    if is_stream(path):  # /dev/null, a pipe: written as it is (`netkit._files.write_atomic`)
        if not os.access(path, os.W_OK):
            raise cannot_write(path, "permission denied")
        return path
    if path.is_symlink():  # the file the link points to is the one written
        probe_folder(nearest_existing(Path(os.path.realpath(path))), path)
        return path
    probe_folder(nearest_existing(path), path)
    return path
