"""Reading systems: folders and workbooks, encodings, ids kept exactly as written."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import read_table, write_table

import netkit


def test_tiny_loads_with_typed_columns():
    system = netkit.load_system(netkit.sample_path("tiny"))
    orgs = system.organisations
    assert orgs["budget"].dtype == "float64"
    assert orgs.loc[orgs["id"] == "ICB", "budget"].item() == 50_000_000
    assert orgs.loc[orgs["id"] == "PCN1", "budget"].isna().item()
    assert orgs.loc[orgs["id"] == "ICB", "place"].isna().item()
    assert system.flows["patients"].sum() == 4940
    assert system.meta["population"] == 100000
    assert system.opportunity("frailty").shift.fraction == 0.2


def test_ods_codes_and_odd_ids_keep_their_shape(tiny_dir):
    orgs = read_table(tiny_dir, "organisations")
    orgs.loc[orgs["id"] == "GP1", "id"] = "00L"
    orgs.loc[orgs["id"] == "PCN1", "id"] = "01"
    orgs.loc[orgs["parent"] == "PCN1", "parent"] = "01"
    orgs.loc[orgs["id"] == "CARE", "id"] = "NA"
    write_table(tiny_dir, "organisations", orgs)
    services = read_table(tiny_dir, "services")
    services["provider"] = services["provider"].replace({"GP1": "00L", "CARE": "NA"})
    write_table(tiny_dir, "services", services)
    rels = read_table(tiny_dir, "relationships")
    rels = rels.replace({"GP1": "00L", "CARE": "NA"})
    write_table(tiny_dir, "relationships", rels)
    system = netkit.load_system(tiny_dir)
    ids = set(system.organisations["id"])
    assert {"00L", "01", "NA"} <= ids
    assert system.organisations.set_index("id").at["00L", "parent"] == "01"
    assert system.org_network().nodes["00L"]["activity"] == 1300


def test_names_with_markup_and_extra_columns_are_kept(tiny_dir):
    orgs = read_table(tiny_dir, "organisations")
    orgs["ods_code"] = ["Q99", "RXX", "", "RYY", "E06", "U1", "A1", ""]
    orgs.loc[1, "name"] = "St Mary's & <General>"
    write_table(tiny_dir, "organisations", orgs)
    system = netkit.load_system(tiny_dir)
    assert system.organisations.loc[1, "name"] == "St Mary's & <General>"
    assert system.organisations.loc[1, "ods_code"] == "RXX"
    assert system.organisations["ods_code"].isna().sum() == 2


def test_excel_bom_loads_with_a_warning(tiny_dir):
    data = (tiny_dir / "organisations.csv").read_bytes()
    (tiny_dir / "organisations.csv").write_bytes(b"\xef\xbb\xbf" + data)
    system = netkit.load_system(tiny_dir)
    assert "id" in system.organisations.columns
    assert [str(w) for w in system.warnings] == [
        "organisations.csv: starts with a byte-order mark (as Excel saves 'CSV UTF-8'); "
        "read as UTF-8"]


def test_windows_1252_loads_with_a_warning(tiny_dir):
    text = (tiny_dir / "organisations.csv").read_text().replace("Vale Council", "Vale Café Council")
    (tiny_dir / "organisations.csv").write_bytes(text.encode("cp1252"))
    system = netkit.load_system(tiny_dir)
    assert "Vale Café Council" in set(system.organisations["name"])
    assert "is not UTF-8; read as Windows-1252" in str(system.warnings[0])


def test_missing_path_and_wrong_kind(tmp_path):
    with pytest.raises(netkit.InputError, match="does not exist; give a system folder"):
        netkit.load_system(tmp_path / "nowhere")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(netkit.InputError, match="is neither a folder nor an .xlsx workbook"):
        netkit.load_system(tmp_path / "notes.txt")


def test_broken_workbook(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    report = netkit.validate(tmp_path / "bad.xlsx")
    assert not report.ok
    assert str(report.errors[0]).startswith("bad.xlsx: could not be opened as an .xlsx workbook")


def test_workbook_problems_name_the_sheet_and_row(tmp_path):
    system = netkit.load_system(netkit.sample_path("tiny"))
    book = netkit.save_system(system, tmp_path / "tiny.xlsx")
    sheets = pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False)
    sheets["flows"].loc[3, "patients"] = "lots"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    errors = [str(p) for p in netkit.validate(book).errors]
    assert errors == ["tiny.xlsx, sheet flows row 5, column patients: 'lots' is not a number "
                      "(expected a number of patients a year (≥ 0))"]


def test_system_is_immutable():
    system = netkit.load_system(netkit.sample_path("tiny"))
    flows = system.flows
    flows.loc[0, "patients"] = 999_999
    assert system.flows.loc[0, "patients"] == 1000
    with pytest.raises(AttributeError, match="immutable"):
        system.name = "Other"
    with pytest.raises(TypeError):
        system.meta["name"] = "Other"


def test_unknown_opportunity_lists_the_known_ones():
    system = netkit.load_system(netkit.sample_path("tiny"))
    with pytest.raises(netkit.OpportunityError,
                       match=r"no opportunity 'nope' in Tiny Vale \(opportunities: frailty, falls\)"):
        system.opportunity("nope")
