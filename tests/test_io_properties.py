"""Property tests: corrupting any cell of a valid system gives problems that name that file and
row, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netkit
from netkit.model.schema import TABLES

TINY = netkit.sample_path("tiny")
CORRUPTIONS = ["", "lots", "-1", "nan", "inf", "1e400", "@home", "NOBODY", "0", "<b>&amp;</b>",
               "'", '"', "1,5", " ", "£5", "x" * 300]


@st.composite
def corrupted_cell(draw):
    table = draw(st.sampled_from([n for n in TABLES if (TINY / f"{n}.csv").exists()]))
    frame = pd.read_csv(TINY / f"{table}.csv", dtype=str, keep_default_na=False)
    row = draw(st.integers(0, len(frame) - 1))
    column = draw(st.sampled_from(list(frame.columns)))
    value = draw(st.sampled_from(CORRUPTIONS)
                 | st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12))
    return table, row, column, value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted_cell())
def test_corrupting_a_cell_never_crashes(case):
    table, row, column, value = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(TINY, Path(tmp) / "tiny"))
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        before = frame.loc[row, column]
        frame.loc[row, column] = value
        frame.to_csv(folder / f"{table}.csv", index=False)
        report = netkit.validate(folder)
        if report.ok:
            netkit.load_system(folder)  # whatever validates must load
            return
        assert all(p.message for p in report.errors)
        at_the_cell = [p for p in report.errors
                       if p.file == f"{table}.csv" and p.row in (row + 2, None, 1)]
        # Renaming an id leaves the rows that named the old id dangling: those rows are reported.
        dangling = [p for p in report.errors if column == "id" and p.value == before]
        # A cell changed to repeat a later row's key is reported at that row, naming this one.
        repeated = [p for p in report.errors if f"the flow at row {row + 2} " in p.message]
        assert at_the_cell or dangling or repeated, (before, value,
                                                     [str(p) for p in report.errors])
