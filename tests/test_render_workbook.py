"""Workbooks: text stays text (never a formula), the round trip is exact, numbers stay numbers,
and a sheet that claims to be enormous is read by what it holds, within a bound."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import textwrap
import time
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import sample_system

import netkit
from netkit.render.workbook import read_sheets, workbook_bytes

HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'


def _tiny_with(names=None, ids=None, extra=None, column="=cmd", title=None):
    """tiny, with organisation names, the ids of organisations without references, an extra
    column, and the system's name and first opportunity's title replaced."""
    system = sample_system("tiny")
    tables = system.tables()
    orgs = tables["organisations"].copy()
    if names is not None:
        orgs["name"] = (list(names) * len(orgs))[: len(orgs)]
    if ids is not None:
        used = set(orgs["parent"].dropna())
        for name, frame in tables.items():
            if name != "organisations":
                used |= set(frame.astype(str).to_numpy().ravel())
        free = [i for i in orgs.index if orgs.at[i, "id"] not in used]
        for i, new in zip(free, ids):
            orgs.at[i, "id"] = new
    if extra is not None:
        orgs[column] = pd.Series((list(extra) * len(orgs))[: len(orgs)], index=orgs.index,
                                 dtype="str")
    tables["organisations"] = orgs
    meta, opportunities = dict(system.meta), list(system.opportunities.values())
    if title is not None:
        meta["name"] = title
        opportunities[0] = dataclasses.replace(opportunities[0], title=title)
    return netkit.System(tables, meta, opportunities)


def _assert_same_tables(a, b):
    for name, frame in a.tables().items():
        pd.testing.assert_frame_equal(b.tables()[name], frame, check_dtype=True)


def test_text_starting_with_equals_is_stored_as_text_not_a_formula(tmp_path):
    system = _tiny_with(names=[HYPERLINK], extra=["=1+1"])
    book = netkit.save_system(system, tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(book)["organisations"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "=cmd" and sheet.cell(1, len(header)).data_type == "s"
    name = sheet.cell(2, header.index("name") + 1)
    assert (name.value, name.data_type) == (HYPERLINK, "s")
    xml = zipfile.ZipFile(book).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in xml  # no formula anywhere


def test_reading_back_keeps_formula_like_text_and_the_column_headed_equals(tmp_path):
    system = _tiny_with(names=[HYPERLINK], extra=["=1+1", "+1", "-2", "@x"])
    again = netkit.load_system(netkit.save_system(system, tmp_path / "s.xlsx"))
    assert again.organisations["name"].iloc[0] == HYPERLINK
    assert list(again.organisations["=cmd"].iloc[:4]) == ["=1+1", "+1", "-2", "@x"]
    _assert_same_tables(system, again)


def test_numbers_stay_numbers_in_the_workbook(tmp_path):
    system = sample_system("tiny")
    book = openpyxl.load_workbook(netkit.save_system(system, tmp_path / "s.xlsx"))
    orgs = book["organisations"]
    budget = [c.value for c in orgs[1]].index("budget") + 1
    assert orgs.cell(2, budget).value == 50_000_000 and orgs.cell(2, budget).data_type == "n"
    flows = book["flows"]
    patients = [c.value for c in flows[1]].index("patients") + 1
    assert all(flows.cell(r, patients).data_type == "n" for r in range(2, flows.max_row + 1))


def test_saving_a_workbook_is_byte_for_byte_deterministic(tmp_path):
    system = sample_system("tiny")
    a = netkit.save_system(system, tmp_path / "a.xlsx").read_bytes()
    b = netkit.save_system(system, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    core = zipfile.ZipFile(io.BytesIO(a)).read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core


def test_text_a_workbook_cannot_hold_is_an_error_naming_the_cell(tmp_path):
    system = _tiny_with(names=["bell\x07"])
    with pytest.raises(netkit.NetkitError, match=r"sheet organisations row 2, column name: "
                       r"'bell\\x07' holds the control character U\+0007, which an \.xlsx "
                       r"workbook cannot store; remove it, or save the system as a folder"):
        netkit.save_system(system, tmp_path / "s.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_column_with_values_but_no_header_is_reported_not_dropped(tmp_path):
    system = sample_system("tiny")
    book = netkit.save_system(system, tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["organisations"]["J3"] = "lost?"
    wb.save(book)
    errors = [str(p) for p in netkit.validate(book).errors]
    assert errors == ["s.xlsx, sheet organisations row 1: column J has values (from cell J3) but "
                      "no name in the header row; name the column or delete its values"]


# Text that spreadsheets treat as formulas or that often goes wrong on the way through a file.
HOSTILE = ["=HYPERLINK(\"http://evil.example/x\",\"click\")", "=cmd|' /C calc'!A0", "+1", "-2",
           "@x", "\t=1+1", "\r=1+1", "<script>alert(1)</script>", "é ü 中文 😀", "\u202eevil",
           "_x000D_", "a\nb", "'quoted", "12", "-12.5", "1e5", "TRUE", "NA", "x" * 5000]
_TEXT = st.text(st.characters(blacklist_categories=("Cs",),
                              blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                              "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
                              "\x1d\x1e\x1f\ufffe\uffff"), max_size=40)
_HOSTILE = st.one_of(st.sampled_from(HOSTILE), st.builds(lambda a, b: a + b,
                                                         st.sampled_from(HOSTILE), _TEXT))
_NAME = _HOSTILE.filter(lambda s: s.strip() != "")
_ID = st.sampled_from(["=1+1", "+1", "-2", "@x", "<b>", "00L", "é", "x" * 300, "=A1"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(names=st.lists(_NAME, min_size=1, max_size=4), extra=st.lists(_HOSTILE, min_size=1,
                                                                    max_size=4),
       ids=st.lists(_ID, max_size=3, unique=True), column=st.sampled_from(
           ["=cmd", "+x", "@sum", "<i>note</i>", "extra"]), title=_NAME)
def test_round_trip_through_a_workbook_is_exact_for_hostile_text(tmp_path, names, extra, ids,
                                                                 column, title):
    system = _tiny_with(names=names, ids=ids, extra=extra, column=column, title=title)
    book = netkit.save_system(system, tmp_path / "s.xlsx", overwrite=True)
    again = netkit.load_system(book)
    _assert_same_tables(system, again)
    assert again.name == title
    assert dict(again.opportunities) == dict(system.opportunities)


@pytest.mark.parametrize("sample", ["tiny", "riverside"])
def test_folder_to_workbook_to_folder_is_exact_with_hostile_text(tmp_path, sample):
    system = sample_system(sample)
    tables = system.tables()
    orgs = tables["organisations"].copy()
    hostile = [h for h in HOSTILE if "\r" not in h and "\n" not in h]
    orgs["name"] = (hostile * len(orgs))[: len(orgs)]
    orgs["=cmd"] = pd.Series((hostile[::-1] * len(orgs))[: len(orgs)], index=orgs.index, dtype="str")
    tables["organisations"] = orgs
    folder = netkit.save_system(netkit.System(tables, system.meta,
                                              list(system.opportunities.values())),
                                tmp_path / "folder")
    original = netkit.load_system(folder)
    book = netkit.save_system(original, tmp_path / "s.xlsx")
    again = netkit.load_system(netkit.save_system(netkit.load_system(book), tmp_path / "again"))
    _assert_same_tables(original, again)
    assert dict(again.opportunities) == dict(original.opportunities)


def _far_cell_book(path, value="x"):
    book = openpyxl.Workbook()
    book.active.title = "organisations"
    book.active.append(["id", "name"])
    book.active["XFD1048576"] = value
    book.save(path)
    return path


def test_a_value_at_the_last_cell_of_a_sheet_is_refused_quickly_and_in_little_memory(tmp_path):
    book = _far_cell_book(tmp_path / "far.xlsx")
    assert book.stat().st_size < 10_000
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        import netkit
        try:
            netkit.load_system({str(book)!r})
        except netkit.InputError as err:
            print(err.problems[0])
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert time.monotonic() - started < 30  # about 2 s, most of it importing netkit
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("far.xlsx, sheet organisations: cell XFD1048576 holds a value, beyond "
                           "the 1,000 columns netkit reads; delete the stray cell (or clear "
                           "everything right of the table) and save again\n")


def test_the_declared_size_of_a_sheet_is_not_trusted(tmp_path):
    """A formatted but empty cell far away (a declared dimension of A1:XFD1048576) costs
    nothing: only rows that hold values are read."""
    path = tmp_path / "styled.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "t"
    book.active.append(["id", "name"])
    book.active.append(["A", "=not a formula"])
    book.active["A2"].data_type = "s"
    book.active["B2"].data_type = "s"
    book.active["XFD1048576"].number_format = "0.00"  # styled, no value
    book.active["A1048576"] = "far down"
    book.save(path)
    assert read_sheets(path, "styled.xlsx") == {"t": [(1, ["id", "name"]),
                                                      (2, ["A", "=not a formula"]),
                                                      (1048576, ["far down"])]}


def test_workbook_bytes_numbers_and_missing_values():
    frame = pd.DataFrame({"name": ["a", None], "n": [1.5, float("nan")], "k": [3, 4]})
    sheets = read_sheets(io.BytesIO(workbook_bytes({"t": frame})), "t.xlsx")
    assert sheets["t"] == [(1, ["name", "n", "k"]), (2, ["a", "1.5", "3"]), (3, ["", "", "4"])]
