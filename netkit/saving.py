"""Write a `System` back to the format contract: a folder of CSV and YAML, or an ``.xlsx`` workbook.

Writing is all or nothing: files go to a temporary place beside the target and are moved into
place only when everything has been written.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
import yaml

from .errors import NetkitError
from .opportunity import opportunity_to_dict
from .schema import TABLES
from .system import System

__all__ = ["save_system", "write_folder"]


def save_system(system: System, path: str | Path, overwrite: bool = False) -> Path:
    """Write a system as a folder (any path not ending ``.xlsx``) or an ``.xlsx`` workbook.

    Parameters
    ----------
    system : System
    path : str or Path
        The folder or workbook to write.
    overwrite : bool
        Replace an existing folder or workbook. Without it, an existing target is an error.

    Returns
    -------
    Path
        The path written.

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
        with _staged(path, overwrite, folder=False) as staged:
            _write_workbook(system, staged)
        return path
    return write_folder(path, system.tables(), system.meta,
                        [opportunity_to_dict(o) for o in system.opportunities.values()],
                        overwrite=overwrite)


def write_folder(path: str | Path, tables: Mapping[str, pd.DataFrame], meta: Mapping,
                 opportunities: list[dict], overwrite: bool = False) -> Path:
    """Write tables (name → frame, as `System.tables`), the ``system.yaml`` fields and
    opportunities (mappings as in ``opportunities.yaml``) as a system folder, all or nothing.
    `save_system` and `netkit.generate_system` both write through here."""
    path = Path(path)
    with _staged(path, overwrite, folder=True) as staged:
        for name, frame in tables.items():
            _ordered(name, frame).to_csv(staged / TABLES[name].filename, index=False,
                                         lineterminator="\n", encoding="utf-8")
        with open(staged / "system.yaml", "w", encoding="utf-8") as fh:
            yaml.safe_dump(_meta_for_yaml(meta), fh, sort_keys=False, allow_unicode=True)
        if opportunities:
            with open(staged / "opportunities.yaml", "w", encoding="utf-8") as fh:
                yaml.safe_dump(list(opportunities), fh, sort_keys=False, allow_unicode=True)
    return path


@contextlib.contextmanager
def _staged(path: Path, overwrite: bool, folder: bool):
    """A temporary folder or file beside ``path`` to write into; moved into place (replacing
    what was there) only when the block finishes without an error."""
    if path.exists() and not overwrite:
        raise NetkitError(f"{path} already exists; choose another name or allow overwriting "
                          "(--force on the command line)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".netkit-", dir=path.parent))
    try:
        staged = tmp / ("system" if folder else path.name)
        if folder:
            staged.mkdir()
        yield staged
        if path.exists():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        os.replace(staged, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _ordered(name: str, frame: pd.DataFrame, as_text: bool = True) -> pd.DataFrame:
    """Contract columns first (required ones always, optional ones where present), extras after;
    numbers as plain text for CSV, as numbers for a workbook."""
    spec = TABLES[name]
    known = [c for c in spec.columns if c in spec.required or c in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    out = frame.reindex(columns=known + extra)
    if as_text:
        for column in spec.numeric_columns():
            if column in out:
                out[column] = _plain_numbers(out[column])
    return out


def _plain_numbers(values: pd.Series) -> pd.Series:
    """Numbers as a person would write them: ``1200`` not ``1200.0``; missing left empty."""
    numbers = values.astype("float64")
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
    (`netkit.workbook.workbook_bytes`), so reading it back gives the same tables."""
    from .workbook import workbook_bytes

    meta = {k: (v.isoformat() if isinstance(v, (_dt.date, _dt.datetime)) else v)
            for k, v in _meta_for_yaml(system.meta).items()}
    sheets = {"system": pd.DataFrame([meta])}
    for name, frame in system.tables().items():
        sheets[name] = _ordered(name, frame, as_text=False)
    opps = [_flatten(opportunity_to_dict(o)) for o in system.opportunities.values()]
    if opps:
        sheets["opportunities"] = pd.DataFrame(opps)
    Path(file).write_bytes(workbook_bytes(sheets))
