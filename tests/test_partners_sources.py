"""Traceable reasons: the input rows behind each figure, checked by hand on the tiny sample, and
kept through loading (spreadsheet numbering: the header is row 1, as validation counts)."""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

import netkit
from netkit.partners.sources import format_sources
from netkit.render.formats import to_jsonable

TINY = netkit.sample_path("tiny")


@pytest.fixture(scope="module")
def frailty():
    return netkit.find_partners(netkit.load_system(TINY), "frailty")


def _csv_rows(path):
    """A CSV file's records by spreadsheet row number (the header is row 1)."""
    with open(path, newline="", encoding="utf-8") as f:
        return {i: r for i, r in enumerate(csv.DictReader(f), start=2)}


def _by_id(ps, column):
    return dict(zip(ps.partners["id"], ps.partners[column]))


def test_activity_rows_by_hand(frailty):
    # Vale Hospital's 820 contacts: 500 at ED (GPS→ED 100 on row 5, AMB999→ED 400 on row 7) and
    # 320 on the ward (ED→WARD 300 on row 9, UCR→WARD 20 on row 11)
    reasons = _by_id(frailty, "reasons")["ACUTE"]
    found = _by_id(frailty, "reason_sources")["ACUTE"]
    assert reasons[0].startswith("delivers 30% of the contacts in scope (820 a year")
    assert found[0] == [{"file": "flows.csv", "rows": [5, 7, 9, 11]}]
    flows = _csv_rows(TINY / "flows.csv")
    assert [(flows[r]["source"], flows[r]["target"]) for r in (5, 7, 9, 11)] == [
        ("GPS", "ED"), ("AMB999", "ED"), ("ED", "WARD"), ("UCR", "WARD")]
    assert sum(float(flows[r]["patients"]) for r in (5, 7, 9, 11)) == 820
    # the ambulance service: @home→AMB999, 500 patients, row 3
    assert _by_id(frailty, "reason_sources")["AMB"][0] == [{"file": "flows.csv", "rows": [3]}]


def test_every_activity_figure_sums_its_rows(frailty):
    flows = _csv_rows(TINY / "flows.csv")
    for row in frailty.partners.itertuples():
        for text, found in zip(row.reasons, row.reason_sources):
            if text.startswith("delivers"):
                (item,) = found
                assert sum(float(flows[r]["patients"]) for r in item["rows"]) == row.activity


def test_transfers_commissioning_and_members_rows(frailty):
    found = _by_id(frailty, "reason_sources")
    # ACUTE's 720 transfers of care: rows 5, 7, 11 in, 13 and 14 out (100+400+20+150+50)
    assert found["ACUTE"][1] == [{"file": "flows.csv", "rows": [5, 7, 11, 13, 14]}]
    # the ICB's spend: its four contracts (relationships rows 2-5) and the services priced
    assert found["ICB"][0] == [{"file": "services.csv", "rows": [2, 3, 4, 5, 7]},
                               {"file": "relationships.csv", "rows": [2, 3, 4, 5]}]
    # the PCN stands for Hill Surgery, organisations row 8; the PCN itself is row 7
    assert found["PCN1"][-1] == [{"file": "organisations.csv", "rows": [8]}]
    assert _by_id(frailty, "sources")["PCN1"][0] == {"file": "organisations.csv", "rows": [7, 8]}
    # a figure worked out from the others cites no rows (the care home is outside the core
    # at 3% a seat)
    dearer = netkit.find_partners(netkit.load_system(TINY), "frailty",
                                  coordination_cost="partner=0.03")
    assert _by_id(dearer, "reason_sources")["CARE"][0] == []


def test_json_carries_sources_per_partner_and_per_reason(frailty):
    data = json.loads(json.dumps(to_jsonable(frailty.to_dict())))
    for partner in data["partners"]:
        assert len(partner["reason_sources"]) == len(partner["reasons"])
        assert all(set(s) == {"file", "rows"} for s in partner["sources"])
    acute = next(p for p in data["partners"] if p["id"] == "ACUTE")
    assert {"file": "organisations.csv", "rows": [3]} in acute["sources"]


def test_row_numbers_survive_blank_lines_as_validation_counts_them(tmp_path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    lines = (folder / "flows.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")  # a blank line after the first record: a spreadsheet shows it as row 3
    (folder / "flows.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    system = netkit.load_system(folder)
    ps = netkit.find_partners(system, "frailty")
    assert _by_id(ps, "reason_sources")["ACUTE"][0] == [
        {"file": "flows.csv", "rows": [6, 8, 10, 12]}]
    # validation counts the same way: break the record now on row 6 and it is named there
    lines[5] = lines[5].replace(",100", ",lots")
    (folder / "flows.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = netkit.validate(folder).to_frame()
    assert problems.loc[problems["file"] == "flows.csv", "row"].tolist() == [6]


def test_a_system_built_in_code_has_no_rows_to_cite():
    system = netkit.load_system(TINY)
    built = type(system)(system.tables(), system.meta, system.opportunities.values())
    ps = netkit.find_partners(built, "frailty")
    assert all(s == [] for s in ps.partners["sources"])
    assert "it has no row numbers to" in ps.explain("ACUTE").to_text()


def test_format_sources_runs_and_limit():
    assert format_sources([{"file": "f.csv", "rows": [2, 3, 4, 9]}]) == "f.csv rows 2–4, 9"
    assert format_sources([{"file": "f.csv", "rows": [2, 4, 6]}], limit=2) == (
        "f.csv rows 2, 4 and 1 more run of rows")


def test_html_lets_a_reader_open_the_rows_without_script(frailty):
    page = frailty._html_body(with_map=False)
    section = page[page.index('<section class="sources">'):]
    section = section[:section.index("</section>")]
    assert "<script" not in section
    assert "<details><summary>7. Smith &amp; Sons &lt;Care&gt; Ltd (CARE, core)</summary>" in section
    assert "flows.csv rows 5, 7, 9, 11" in section


def test_html_rows_for_the_first_partners_and_says_how_many_more(frailty):
    from netkit.partners.glossary import sources_html

    page = sources_html(frailty.partners, limit=2)
    opened = re.findall(r"<details><summary>(\d+)\. ", page)
    assert opened == ["1", "2", "3", "4", "5", "6", "7"]  # the core, whatever the limit
    assert "more partners" not in page  # all seven are core


def test_a_workbook_cites_its_sheets(tmp_path):
    from netkit.io.saving import save_system

    book = tmp_path / "tiny.xlsx"
    save_system(netkit.load_system(TINY), book)
    ps = netkit.find_partners(netkit.load_system(book), "frailty")
    assert _by_id(ps, "reason_sources")["ACUTE"][0] == [
        {"file": "tiny.xlsx, sheet flows", "rows": [5, 7, 9, 11]}]


@pytest.mark.parametrize("sample", ["tiny", "riverside", "metro", "shire"])
def test_the_scope_flows_input_rows_by_lookup_are_those_matched_by_value(sample):
    """A scope knows which system flow each of its flows is (``flow_rows``), so its input
    rows are a lookup; matching the flows by pathway, source, target and place, as for a
    scope put together without them, gives the same rows in the same order."""
    from dataclasses import replace

    from netkit.partners.scope import find_scope
    from netkit.partners.sources import _scope_flow_rows

    system = netkit.load_system(netkit.sample_path(sample))
    rows = system.input_rows["flows"][1]
    for opportunity in system.opportunities:
        scope = find_scope(system, system.opportunity(opportunity))
        assert len(scope.flow_rows) == len(scope.flows)
        looked_up = _scope_flow_rows(system, scope, rows)
        matched = _scope_flow_rows(system, replace(scope, flow_rows=None), rows)
        assert looked_up.equals(matched), opportunity.id
        assert set(rows[scope.flow_rows]) <= set(looked_up["row"])


@pytest.mark.parametrize("by", ["lookup", "value"])
def test_scope_flow_rows_by_hand(by):
    """Flows 0 and 2 are in scope. Flow 0 has a place, so every input flow of its pathway,
    source and target counts (flow 1, which has none); flow 2 has none, so flow 5, of its
    pathway, source and target but with a place, does not. Flow 3 is of another pathway."""
    from types import SimpleNamespace

    import numpy as np
    import pandas as pd

    from netkit.partners.sources import _scope_flow_rows

    flows = pd.DataFrame({"pathway": ["p", "p", "p", "q", "p", "p"],
                          "source": ["A", "A", "B", "A", "C", "B"],
                          "target": ["B", "B", "C", "B", "D", "C"],
                          "place": ["X", None, None, "X", "Y", "Z"],
                          "patients": [10.0, 5.0, 3.0, 1.0, 2.0, 4.0]})
    scope = SimpleNamespace(pathways=("p",), flows=flows.loc[[0, 2]].reset_index(drop=True),
                            flow_rows=np.array([0, 2]) if by == "lookup" else None)
    found = _scope_flow_rows(SimpleNamespace(flows=flows), scope, np.arange(2, 8))
    assert found["row"].tolist() == [2, 4, 3]
    assert found["patients"].tolist() == [10.0, 3.0, 5.0]


def test_a_scope_whose_rows_are_not_its_flows_is_matched_by_value():
    """A scope cut down after it was found (its ``flow_rows`` no longer its flows) is
    matched by value, not by rows that now belong to other flows."""
    from dataclasses import replace

    from netkit.partners.scope import find_scope
    from netkit.partners.sources import _positions, _scope_flow_rows

    system = netkit.load_system(netkit.sample_path("riverside"))
    scope = find_scope(system, system.opportunity("frailty-admissions"))
    cut = replace(scope, flows=scope.flows.iloc[::2].reset_index(drop=True))
    shifted = replace(scope, flow_rows=scope.flow_rows[::-1].copy())
    flows = system.flows
    assert _positions(flows, scope) is not None
    assert _positions(flows, cut) is None and _positions(flows, shifted) is None
    rows = system.input_rows["flows"][1]
    assert _scope_flow_rows(system, cut, rows).equals(
        _scope_flow_rows(system, replace(cut, flow_rows=None), rows))
