"""Write a `System` back to the format contract: a folder of CSV and YAML, or an ``.xlsx`` workbook.

Writing is all or nothing, and touches only netkit's own files:

* The new files are written into a work folder beside the target (``.netkit-<pid>-<token>.write``,
  holding ``new/``), so nothing in the target changes while they are being written. (When an
  existing target folder is a mount point, the work folder goes inside it instead, so that
  every rename stays on one file system.)
* A new (or empty) folder is then renamed into place, and a workbook replaced, in one step.
* An existing system folder is swapped file by file: a journal naming the files to replace is
  written, each of netkit's old files (`NETKIT_FILES`) is moved aside into ``old/``, then each new
  one is moved in. Every other file and folder in the target (a README, ``.git/``, changesets) is
  never touched. When the last new file is in place the swap is done and the work folder is
  deleted. If the process stops part way, the next write into the same parent folder (or
  `recover`) puts the old files back when the swap had not finished, and deletes the work
  folder when it had: at every moment the target holds, or can be returned to, the whole old
  set or the whole new set.
* Nothing is written over the current folder, the home folder, the root, a folder that holds
  an input system, or a folder that is not a system folder (it has files but no
  ``system.yaml``), even with ``overwrite``.

``system.yaml`` is netkit's file: it is written afresh, so comments in it are not kept.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import yaml

from netkit._files import (
    OutputError,
    cannot_write,
    leftovers,
    nearest_existing,
    probe_folder,
    work_name,
)
from netkit.model.opportunity import opportunity_to_dict
from netkit.model.schema import POPULATION_PREFIX, TABLES, VERSION_1_TABLES
from netkit.model.system import System

__all__ = ["save_system", "write_folder", "check_target", "recover", "NETKIT_FILES"]

#: The files netkit writes in a system folder, and the only ones ``overwrite`` replaces.
NETKIT_FILES = ("system.yaml", *(spec.filename for spec in TABLES.values()), "opportunities.yaml")


def _pause(stage: str) -> None:
    """Called at each stage of writing (``"writing"``, ``"staged"``, ``"journal"``, ``"set-aside"``,
    ``"moved-in"``, ``"swapped"``). Does nothing; the tests replace it in a child process to
    stop there and kill the process, to show that every stage can be recovered."""


def save_system(system: System, path: str | Path, overwrite: bool = False, *,
                inputs: Iterable = ()) -> Path:
    """Write a system as a folder (any path not ending ``.xlsx``) or an ``.xlsx`` workbook.

    Parameters
    ----------
    system : System
    path : str or Path
        The folder or workbook to write. Missing parent folders are made.
    overwrite : bool
        Replace an existing workbook, or netkit's own files (`NETKIT_FILES`) in an existing
        system folder; every other file in the folder is left alone, and a netkit file the
        new system does not have (``opportunities.yaml`` when it has no opportunities) is
        removed. Without it, an existing target is an error (an empty folder is fine).
    inputs : iterable of path, optional
        What the system was read from (folders, workbooks, changesets): the target may be the
        input system itself, but not a folder that contains one, nor an input file.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    OutputError
        When the target cannot or must not be written (see `check_target`); nothing is
        written.

    Examples
    --------
    >>> import netkit, tempfile, pathlib
    >>> system = netkit.load_system(netkit.sample_path("tiny"))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "copy"
    >>> netkit.save_system(system, out).name
    'copy'
    >>> netkit.load_system(out).flows.equals(system.flows)
    True
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        with _staged(path, overwrite, folder=False, inputs=inputs) as staged:
            _write_workbook(system, staged)
        return path
    tables = {name: _as_given(system, name, frame) for name, frame in system.tables().items()
              if name in VERSION_1_TABLES or len(frame)}
    return write_folder(path, tables, system.meta,
                        [opportunity_to_dict(o) for o in system.opportunities.values()],
                        overwrite=overwrite, inputs=inputs)


def write_folder(path: str | Path, tables: Mapping[str, pd.DataFrame], meta: Mapping,
                 opportunities: list[dict], overwrite: bool = False, *,
                 inputs: Iterable = ()) -> Path:
    """Write tables (name → frame, as `System.tables`), the ``system.yaml`` fields and
    opportunities (mappings as in ``opportunities.yaml``) as a system folder, all or nothing.
    `save_system` and `netkit.generate_system` both write through here; ``overwrite`` and
    ``inputs`` are as for `save_system`."""
    path = Path(path)
    with _staged(path, overwrite, folder=True, inputs=inputs) as staged:
        for name, frame in tables.items():
            table = _ordered(name, frame)
            table.to_csv(staged / TABLES[name].filename, index=False, quoting=_quoting(table),
                         lineterminator="\n", encoding="utf-8")
            _pause("writing")
        with open(staged / "system.yaml", "w", encoding="utf-8") as fh:
            yaml.safe_dump(_meta_for_yaml(meta), fh, sort_keys=False, allow_unicode=True)
        if opportunities:
            with open(staged / "opportunities.yaml", "w", encoding="utf-8") as fh:
                yaml.safe_dump(list(opportunities), fh, sort_keys=False, allow_unicode=True)
    return path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_target(path: str | Path, overwrite: bool = False, inputs: Iterable = (),
                 folder: bool | None = None) -> Path:
    """Check that a system folder or workbook may be written at ``path``, before anything is
    computed or written.

    Refused, whatever ``overwrite`` says: a symbolic link; the root, the home folder, the
    current folder or a folder above them; a folder that holds an input system (a folder or
    workbook in ``inputs``); an input file; a folder that is not empty and has no
    ``system.yaml`` (netkit does not own it); a file where a folder is wanted or a folder
    where a workbook is; a path below a file or in a folder where files cannot be made.
    Refused without ``overwrite``: an existing workbook or system folder (an empty folder is
    fine).

    Parameters
    ----------
    path : str or Path
    overwrite : bool
    inputs : iterable of path
        What the command reads. The target may be the input system itself (to update it in
        place with ``overwrite``).
    folder : bool, optional
        A folder (default unless ``path`` ends ``.xlsx``) or a workbook.

    Returns
    -------
    Path

    Raises
    ------
    OutputError

    Examples
    --------
    >>> try:
    ...     check_target(".", overwrite=True)
    ... except OutputError as err:
    ...     print(err)
    will not write a system to .: it is the current folder; give a new folder, or a system folder to replace
    """
    given = Path(path)
    folder = given.suffix.lower() != ".xlsx" if folder is None else folder
    what = "a system" if folder else "a workbook"

    def refuse(reason: str, advice: str = "give a new folder, or a system folder to replace"):
        return OutputError(f"will not write {what} to {given}: {reason}; {advice}")

    if str(path) == "":
        raise refuse("the path is empty (is a shell variable unset?)")
    if given.is_symlink():
        raise refuse(f"it is a symbolic link (to {os.readlink(given)})",
                     "give the real path, or a new name")
    real = Path(os.path.realpath(given))
    _refuse_places(real, refuse)
    _refuse_inputs(real, inputs, folder, refuse)
    if os.path.lexists(given):
        _check_existing(given, folder, overwrite, refuse)
    else:
        probe_folder(nearest_existing(given), given)
    return given


def _refuse_places(real: Path, refuse) -> None:
    """The root folder, the current folder, the home folder and any folder above them."""
    cwd = Path.cwd().resolve()
    try:
        home = Path.home().resolve()
    except (KeyError, RuntimeError):  # no home folder known
        home = cwd
    if real == Path(real.anchor):
        raise refuse("it is the root folder")
    if _inside(cwd, real):
        raise refuse("it is the current folder" if real == cwd
                     else "it contains the current folder")
    if _inside(home, real):
        raise refuse("it is your home folder" if real == home else "it contains your home folder")


def _refuse_inputs(real: Path, inputs: Iterable, folder: bool, refuse) -> None:
    """An input of the command, or a folder holding one (the input system itself may be
    replaced in place)."""
    for given_input in inputs:
        source = Path(os.path.realpath(given_input))
        if source == real:
            if source.is_dir() == folder and (folder or source.suffix.lower() == ".xlsx"):
                continue  # the input system itself, replaced in place with overwrite
            raise refuse(f"it is an input of this command ({given_input})",
                         "choose another --output" if not folder else
                         "give a new folder, or a system folder to replace")
        if real in source.parents and (source.is_dir() or source.suffix.lower() == ".xlsx"
                                       or source.name in NETKIT_FILES):
            raise refuse(f"it contains an input of this command ({given_input})")


def _check_existing(given: Path, folder: bool, overwrite: bool, refuse) -> None:
    """Something is already at ``given``: the right kind, a system netkit owns, and
    ``overwrite`` allows replacing it."""
    if folder and not given.is_dir():
        raise refuse("it is a file, not a folder", "give a folder, or a name ending .xlsx")
    if not folder and given.is_dir():
        raise refuse("it is a folder", "give a file name ending .xlsx")
    try:
        names = {p.name for p in given.iterdir()} if folder else {given.name}
    except OSError as err:
        raise cannot_write(given, err) from None
    if folder and names and "system.yaml" not in names:
        raise refuse("it is not empty and has no system.yaml, so it is not a system "
                     "folder netkit wrote", "netkit writes only into a new or empty folder "
                     "or over a system folder, even with --force; choose another folder, "
                     "or empty this one yourself")
    if names and not overwrite:
        raise OutputError(f"{given} already exists; choose another name or allow "
                          "overwriting (--force on the command line)")
    probe_folder(given if folder else given.parent, given)


def recover(folder: str | Path) -> list[Path]:
    """Finish or undo writes into ``folder`` that a stopped netkit process left part done.

    A swap that had not finished gets its old files back; one that had is kept. Work folders
    and temporary files of processes that are no longer running are deleted. Every write
    into a folder does this first, so nothing is left for long.

    Parameters
    ----------
    folder : str or Path
        The folder that holds the targets (the parent of a system folder or workbook).

    Returns
    -------
    list of Path
        The leftovers dealt with.
    """
    dealt = []
    for path, kind in leftovers(folder):
        try:
            if kind == "tmp":
                path.unlink()
            elif kind == "write":
                _settle(path)
            else:
                shutil.rmtree(path)
        except OSError:
            continue  # left for a later run; never fatal
        dealt.append(path)
    return dealt


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (so a power cut keeps the order of the steps)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _staged(path: Path, overwrite: bool, folder: bool, inputs: Iterable = ()):
    """A folder (or workbook file) in a work folder beside ``path`` to write into; put in place
    (replacing only netkit's files) only when the block finishes without an error."""
    check_target(path, overwrite, inputs, folder=folder)
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        recover(parent)
        base = parent
        if folder and path.is_dir():
            recover(path)
            if not _same_device(path, parent):
                base = path  # a mount point: stage inside it, so every rename stays on it
        work = base / work_name("write")
        work.mkdir()
    except OSError as err:
        raise cannot_write(path, err) from None
    try:
        new = work / "new"
        new.mkdir()
        staged = new if folder else new / path.name
        yield staged
        for file in new.iterdir():
            _fsync(file)
        _fsync(new)
        _pause("staged")
        if not folder:
            os.replace(staged, path)
        elif not os.path.lexists(path) or not any(path.iterdir()):
            os.replace(new, path)  # a new or empty folder: one rename
        else:
            _swap(path, work)
        _fsync(parent)
    except OSError as err:
        raise cannot_write(path, err) from None
    finally:
        with contextlib.suppress(OSError):
            _settle(work)  # if this fails, the next write into the folder finishes it


def _same_device(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


def _swap(path: Path, work: Path) -> None:
    """Replace netkit's files in the system folder ``path`` by those in ``work/new``."""
    new, old = work / "new", work / "old"
    replaced = [name for name in NETKIT_FILES if os.path.lexists(path / name)]
    old.mkdir()
    journal = work / "journal.tmp"
    target = os.path.relpath(path, work.parent)  # the folder's name, or "." when inside it
    journal.write_text(json.dumps({"target": target, "replaced": replaced}), encoding="utf-8")
    _fsync(journal)
    os.replace(journal, work / "journal.json")  # from here on, a stop is undone by _settle
    _fsync(work)
    _pause("journal")
    for name in replaced:
        os.rename(path / name, old / name)
        _pause("set-aside")
    _fsync(old)
    for file in sorted(new.iterdir()):
        os.rename(file, path / file.name)
        _pause("moved-in")
    _fsync(path)
    _pause("swapped")


def _settle(work: Path) -> None:
    """Finish with a work folder: undo a swap that had not finished (some new files still
    waiting in ``new/``), keep one that had, then delete the work folder."""
    journal = work / "journal.json"
    if journal.exists():
        record = json.loads(journal.read_text(encoding="utf-8"))
        target = work.parent / record["target"]
        new, old = work / "new", work / "old"
        if new.is_dir() and any(new.iterdir()):
            replaced = set(record["replaced"])
            for name in NETKIT_FILES:
                if os.path.lexists(old / name):
                    os.replace(old / name, target / name)  # the old file back
                elif name not in replaced and os.path.lexists(target / name):
                    os.unlink(target / name)  # a new file that had no old one
            _fsync(target)
    done = work.with_name(work.name[: -len(".write")] + ".done")
    os.replace(work, done)  # marked for deletion in one step
    shutil.rmtree(done)


def _as_given(system: System, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the optional columns the system was not given that have no value
    (the loader adds every optional column; a folder is written back with the ones it had)."""
    given = system.given_columns[name]
    unused = [c for c in TABLES[name].optional
              if c in frame.columns and c not in given and frame[c].isna().all()]
    return frame.drop(columns=unused)


def _ordered(name: str, frame: pd.DataFrame, as_text: bool = True) -> pd.DataFrame:
    """Contract columns first (required ones always, optional ones where present), extras after;
    numbers as plain text for CSV, as numbers for a workbook."""
    spec = TABLES[name]
    known = [c for c in spec.columns if c in spec.required or c in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    out = frame.reindex(columns=known + extra)
    if as_text:
        numeric = list(spec.numeric_columns())
        if name == "places":  # age bands: extra columns read as numbers
            numeric += [c for c in out.columns if c.startswith(POPULATION_PREFIX)
                        and c not in numeric]
        for column in numeric:
            if column in out:
                out[column] = _plain_numbers(out[column])
    return out


def _plain_numbers(values: pd.Series) -> pd.Series:
    """Numbers as a person would write them: ``1200`` not ``1200.0``; missing left empty.

    Numbers are rounded to 6 decimals first, which removes the noise of float arithmetic (800
    scaled by 1.1 is ``880``, not ``880.0000000000001``) and keeps every meaningful digit of a
    count, an amount in pounds or a strength.

    Examples
    --------
    >>> _plain_numbers(pd.Series([800 * 1.1, 84 * 1.1, 1200.0, None, 0.25])).tolist()
    ['880', '92.4', '1200', '', '0.25']
    """
    numbers = values.astype("float64")
    finite = np.isfinite(numbers)
    numbers = numbers.where(~finite, np.round(numbers, 6))
    whole = numbers.notna() & (numbers == np.round(numbers)) & (numbers.abs() < 1e15)
    text = numbers.map(lambda v: "" if v != v else repr(float(v)))
    return text.where(~whole, numbers.where(whole).fillna(0).astype("int64").astype(str))


def _meta_for_yaml(meta) -> dict:
    out = {}
    for key, value in meta.items():
        if isinstance(value, (_dt.date, _dt.datetime)):
            out[key] = value
        elif isinstance(value, (np.generic,)):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def _flatten(item: dict, prefix: str = "") -> dict:
    """An opportunity as one flat row: nested keys joined with ``.``, lists with ``;``."""
    out = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, (list, tuple)):
            out[name] = ";".join(str(v) for v in value)
        else:
            out[name] = value
    return out


def _write_workbook(system: System, file: Path) -> None:
    """The system as a workbook: text stored as text (never a formula), numbers as numbers
    (`netkit.render.workbook.workbook_bytes`), so reading it back gives the same tables."""
    from netkit.render.workbook import workbook_bytes

    meta = {k: (v.isoformat() if isinstance(v, (_dt.date, _dt.datetime)) else v)
            for k, v in _meta_for_yaml(system.meta).items()}
    sheets = {"system": pd.DataFrame([meta])}
    for name, frame in system.tables().items():
        if name in VERSION_1_TABLES or len(frame):
            sheets[name] = _ordered(name, _as_given(system, name, frame), as_text=False)
    opps = [_flatten(opportunity_to_dict(o)) for o in system.opportunities.values()]
    if opps:
        sheets["opportunities"] = pd.DataFrame(opps)
    Path(file).write_bytes(workbook_bytes(sheets))


def _quoting(table: pd.DataFrame) -> int:
    """How to quote a table's CSV: as little as possible, but every cell where any text holds a
    carriage return. Python's csv module quotes a line feed but not a lone carriage return when
    lines end in ``\n``, so such a name would split its row on reading.

    Examples
    --------
    >>> import csv
    >>> _quoting(pd.DataFrame({"name": ["a"]})) == csv.QUOTE_MINIMAL
    True
    >>> _quoting(pd.DataFrame({"name": ["a" + chr(13) + "b"]})) == csv.QUOTE_ALL
    True
    """
    import csv

    text = table.select_dtypes(include=["object", "string"])
    has_cr = any(text[c].astype(str).str.contains("\r", regex=False).any() for c in text)
    return csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL
