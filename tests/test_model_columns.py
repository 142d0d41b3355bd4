"""The loader completes the optional columns of the contract, and saving writes back only those
a system had (`netkit.model.schema.complete_columns`, `System.given_columns`)."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest

import netkit
from netkit.change.changeset import Changeset
from netkit.model.schema import TABLES, complete_columns
from tests.conftest import SAMPLES

REQUIRED_ONLY = {name: list(spec.required) for name, spec in TABLES.items()}


@pytest.fixture
def bare_dir(tiny_dir):
    """The tiny sample with only the required columns in every table."""
    for name, columns in REQUIRED_ONLY.items():
        file = tiny_dir / TABLES[name].filename
        if not file.exists():  # tiny names no seats
            continue
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame[columns].to_csv(file, index=False, lineterminator="\n")
    return tiny_dir


def test_every_optional_column_is_there_empty_and_typed(bare_dir):
    system = netkit.load_system(bare_dir)
    for name, spec in TABLES.items():
        frame = system.tables()[name]
        assert list(frame.columns) == list(spec.columns), name
        assert system.given_columns[name] == ()
        for column in spec.optional:
            assert frame[column].isna().all(), (name, column)
            if spec.kinds[column] == "number":
                assert frame[column].dtype == "float64", (name, column)
            else:  # typed as the loader types text it reads
                assert frame[column].dtype == frame["source" if name in ("flows", "relationships")
                                                    else "name"].dtype, (name, column)


def test_given_columns_are_those_of_the_files():
    system = netkit.load_system(SAMPLES / "tiny")
    assert system.given_columns["flows"] == ()  # tiny's flows.csv has no place
    assert system.given_columns["services"] == ("place", "capacity", "unit_cost", "price")
    assert system.flows["place"].isna().all()


@pytest.mark.parametrize("sample", ["tiny", "riverside", "metro", "shire"])
def test_a_sample_is_saved_back_byte_for_byte(sample, tmp_path):
    out = netkit.save_system(netkit.load_system(SAMPLES / sample), tmp_path / sample)
    for spec in TABLES.values():
        if not (SAMPLES / sample / spec.filename).exists():  # an optional file it lacks
            assert not (out / spec.filename).exists(), spec.filename
            continue
        assert filecmp.cmp(SAMPLES / sample / spec.filename, out / spec.filename,
                           shallow=False), spec.filename


def test_a_folder_without_optional_columns_is_saved_back_byte_for_byte(bare_dir, tmp_path):
    out = netkit.save_system(netkit.load_system(bare_dir), tmp_path / "copy")
    for spec in TABLES.values():
        if (bare_dir / spec.filename).exists():
            assert filecmp.cmp(bare_dir / spec.filename, out / spec.filename, shallow=False)
        else:
            assert not (out / spec.filename).exists()
    assert (out / "flows.csv").read_text().splitlines()[0] == "pathway,source,target,patients"


def test_a_workbook_keeps_the_columns_it_had(bare_dir, tmp_path):
    book = netkit.save_system(netkit.load_system(bare_dir), tmp_path / "bare.xlsx")
    again = netkit.load_system(book)
    assert all(again.given_columns[name] == () for name in TABLES)


def test_a_changed_system_writes_a_column_it_was_not_given_once_it_has_a_value(tiny_dir, tmp_path):
    system = netkit.load_system(tiny_dir)
    unplaced = netkit.apply_changes(system, Changeset.of(
        [{"set_flow": {"pathway": "frailty", "source": "GPS", "target": "ED", "patients": 99}}]))
    assert unplaced.system.given_columns == system.given_columns
    out = netkit.save_system(unplaced.system, tmp_path / "unplaced")
    assert "place" not in (out / "flows.csv").read_text().splitlines()[0]
    placed = netkit.apply_changes(system, Changeset.of(
        [{"set_flow": {"pathway": "frailty", "source": "GPS", "target": "ED", "place": "North",
                       "patients": 9}}]))
    out = netkit.save_system(placed.system, tmp_path / "placed")
    assert (out / "flows.csv").read_text().splitlines()[0] == \
        "pathway,source,target,patients,place"


def test_a_system_built_in_code_is_completed_too():
    tiny = netkit.load_system(SAMPLES / "tiny")
    tables = {name: frame[REQUIRED_ONLY[name]] for name, frame in tiny.tables().items()}
    system = netkit.System(tables, tiny.meta, [])
    assert list(system.organisations.columns) == list(TABLES["organisations"].columns)
    assert system.organisations["budget"].dtype == "float64"
    assert system.given_columns["organisations"] == ()
    # built from another system's (completed) tables, it was given every column
    assert netkit.System(tiny.tables()).given_columns["flows"] == ("place", "commissioner",
                                                                    "period")
    # a partner query runs on it, with the optional columns empty
    assert netkit.find_partners(netkit.System(tables, tiny.meta, tiny.opportunities.values()),
                                "frailty").core


def test_complete_columns_keeps_extra_columns_and_leaves_a_complete_frame_alone():
    flows = pd.DataFrame({"pathway": ["p"], "source": ["A"], "target": ["B"], "patients": [1.0],
                          "note": ["x"]})
    done = complete_columns("flows", flows)
    assert list(done.columns) == ["pathway", "source", "target", "patients", "note", "place",
                                  "commissioner", "period"]
    assert complete_columns("flows", done) is done
