"""Pathway mining: hand-worked logs, a naive reference implementation (hypothesis), and pm4py's
directly-follows graph on two real hospital logs (../shared/data)."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

import netkit
from netkit.errors import InputError
from netkit.mining.directly_follows import directly_follows
from netkit.mining.events import read_events
from netkit.mining.pathways import mine_pathways

SEPSIS = SHARED_DATA / "sepsis"
BPIC = SHARED_DATA / "bpic2011_hospital"
needs_shared = pytest.mark.skipif(not SEPSIS.exists(), reason="../shared/data is absent")


def log(rows):
    return pd.DataFrame(rows, columns=["patient_id", "timestamp", "service"])


def flows_of(mined):
    return {(s, t): (p, n) for s, t, p, n in
            mined.flows[["source", "target", "patients", "transitions"]].values}


def test_a_small_log_by_hand():
    mined = mine_pathways(log([
        ("p1", "2024-01-01 09:00", "ED"), ("p1", "2024-01-03 09:00", "WARD"),
        ("p1", "2024-01-04 21:00", "REABLE"),
        ("p2", "2024-02-01 10:00", "ED"), ("p2", "2024-02-02 10:00", "WARD"),
        ("p2", "2024-02-02 10:00", "WARD"), ("p2", "2024-02-05 10:00", "ED"),
        ("p2", "2024-02-06 10:00", "WARD")]), pathway="frailty")
    assert flows_of(mined) == {
        ("@home", "ED"): (2, 2), ("ED", "WARD"): (2, 3), ("WARD", "REABLE"): (1, 1),
        ("WARD", "ED"): (1, 1), ("REABLE", "@home"): (1, 1), ("WARD", "@home"): (1, 1)}
    medians = mined.flows.set_index(["source", "target"])["median_days"]
    assert medians[("ED", "WARD")] == 1.0  # steps of 2, 1 and 1 days
    assert medians[("WARD", "REABLE")] == 1.5
    assert np.isnan(medians[("@home", "ED")])
    assert mined.summary["repeats"] == 1  # WARD then WARD: one stay
    assert mined.summary["events"] == 8 and mined.summary["cases"] == 2
    assert mined.summary["transitions"] == 6
    assert mined.flows["pathway"].unique().tolist() == ["frailty"]
    assert mined.services.set_index("id")[["events", "patients"]].to_dict("index") == {
        "ED": {"events": 3, "patients": 2}, "REABLE": {"events": 1, "patients": 1},
        "WARD": {"events": 4, "patients": 2}}


def test_ties_in_time_keep_file_order():
    same_time = "2024-01-01 09:00"
    a_then_b = mine_pathways(log([("x", same_time, "A"), ("x", same_time, "B")]))
    b_then_a = mine_pathways(log([("x", same_time, "B"), ("x", same_time, "A")]))
    assert ("A", "B") in flows_of(a_then_b) and ("B", "A") in flows_of(b_then_a)


def test_case_ids_stay_text_as_written(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("patient_id,timestamp,service\nNA,2024-01-01,A\nNA,2024-01-02,B\n"
                    "007,2024-01-01,A\n7,2024-01-02,B\n", encoding="utf-8")
    mined = mine_pathways(read_events(path))
    assert mined.summary["cases"] == 3  # NA, 007 and 7
    assert flows_of(mined)[("A", "B")] == (1, 1)


def test_shuffled_input_is_sorted_and_ordered_input_is_not():
    rows = [(f"{c:03d}", f"2024-01-{d:02d}", s) for c in range(5)
            for d, s in ((1, "A"), (2, "B"), (3, "C"))]
    ordered = mine_pathways(log(rows))
    shuffled = mine_pathways(log([rows[i] for i in np.random.default_rng(1).permutation(15)]))
    assert ordered.summary["was_sorted"] and not shuffled.summary["was_sorted"]
    pd.testing.assert_frame_equal(ordered.flows, shuffled.flows)


def naive_flows(rows):
    """The obvious implementation: sort each case's events by (time, file row) and walk them."""
    by_case = defaultdict(list)
    for i, (case, time, service) in enumerate(rows):
        by_case[case].append((time, i, service))
    transitions, patients = Counter(), defaultdict(set)
    for case, events in by_case.items():
        walk = ["@home"] + [s for _, _, s in sorted(events)] + ["@home"]
        for a, b in zip(walk, walk[1:]):
            if a != b:
                transitions[a, b] += 1
                patients[a, b].add(case)
    return {k: (len(patients[k]), n) for k, n in transitions.items()}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["NA", "007", "7", "a", "b"]),
                          st.integers(0, 5), st.sampled_from(["X", "Y", "Z"])),
                min_size=1, max_size=40))
def test_matches_a_naive_implementation(rows):
    events = log([(c, f"2024-01-0{t + 1}", s) for c, t, s in rows])
    expected = naive_flows([(c, t, s) for c, t, s in rows])
    # A stay repeated at one service is not a flow, but @home → X → @home is.
    assert flows_of(mine_pathways(events)) == expected


def test_directly_follows_counts_starts_and_ends():
    got = directly_follows(log([("1", "2024-01-01", "A"), ("1", "2024-01-02", "A"),
                                ("1", "2024-01-03", "B"), ("2", "2024-01-01", "B")]),
                           case="patient_id", activity="service")
    assert got.values.tolist() == [["dfg", "A", "A", 1], ["dfg", "A", "B", 1],
                                   ["start", "", "A", 1], ["start", "", "B", 1],
                                   ["end", "B", "", 2]]


# -- errors ----------------------------------------------------------------------------------
def test_missing_columns_are_named_with_the_columns_that_exist():
    with pytest.raises(InputError) as err:
        mine_pathways(log([("p", "2024-01-01", "A")]), case="nhs_number", service="activity")
    assert [str(p) for p in err.value.problems] == [
        "the events, column nhs_number: no such column for case (the columns are: patient_id, "
        "timestamp, service); name yours with case='...'",
        "the events, column activity: no such column for service (the columns are: "
        "patient_id, timestamp, service); name yours with service='...'"]


def test_unparseable_times_are_reported_with_their_rows():
    with pytest.raises(InputError) as err:
        mine_pathways(log([("p", "2024-01-01", "A"), ("p", "yesterday", "B"),
                           ("q", "31/12/2024", "A")]))
    assert [str(p) for p in err.value.problems] == [
        "the events row 3, column timestamp: 'yesterday' is not a time (give the layout as "
        "time_format='%d/%m/%Y %H:%M' (for example), or dayfirst=True)",
        "the events row 4, column timestamp: '31/12/2024' is not a time (give the layout as "
        "time_format='%d/%m/%Y %H:%M' (for example), or dayfirst=True)"]
    mined = mine_pathways(log([("q", "31/12/2024", "A"), ("q", "01/01/2025", "B")]),
                          time_format="%d/%m/%Y")
    assert ("A", "B") in flows_of(mined)


def test_empty_logs_and_empty_case_ids_are_refused():
    with pytest.raises(InputError, match="has no events: expected one row per event"):
        mine_pathways(log([]))
    with pytest.raises(InputError, match="row 3, column patient_id: is empty: every event "
                                         "needs a case"):
        mine_pathways(log([("p", "2024-01-01", "A"), (None, "2024-01-02", "B")]))


# -- mapping, cohort, organisations, per year, disclosure ------------------------------------------
def test_mapping_codes_to_services_and_providers():
    events = read_events(netkit.sample_path("tiny_events") / "events.csv")
    codes = pd.read_csv(netkit.sample_path("tiny_events") / "codes.csv", dtype=str)
    mined = mine_pathways(events, case="patient", time="when", service="code", dayfirst=True,
                          mapping=codes, pathway="frailty")
    assert set(mined.services["id"]) <= {"GPS", "AMB999", "ED", "WARD", "UCR", "REABLE", "CH"}
    assert mined.services.set_index("id").at["WARD", "provider"] == "ACUTE"
    assert mined.summary["cases"] == 120 and mined.warnings == []
    partial = mine_pathways(events, case="patient", time="when", service="code",
                            dayfirst=True, mapping=codes[codes["code"] != "CH01"])
    assert partial.summary["unmapped_events"] == (events["code"] == "CH01").sum()
    assert partial.warnings == [f"{partial.summary['unmapped_events']} events have codes that "
                                "are not in the mapping table and are left out (commonest: "
                                f"CH01 ×{partial.summary['unmapped_events']})"]


def test_cohort_keeps_only_matching_events():
    events = log([("p", "2024-01-01", "A"), ("p", "2024-01-02", "B"), ("q", "2024-01-01", "A")])
    events["band"] = ["85+", "85+", "65-74"]
    mined = mine_pathways(events, cohort={"band": "85+"})
    assert mined.summary["cases"] == 1
    with pytest.raises(InputError, match="no events are left in the cohort"):
        mine_pathways(events, cohort={"band": ["under 18"]})


def test_organisation_column_gives_providers_and_handovers():
    events = log([("p", "2024-01-01", "ED"), ("p", "2024-01-02", "WARD"),
                  ("p", "2024-01-03", "REABLE"), ("q", "2024-01-01", "ED"),
                  ("q", "2024-01-02", "WARD")])
    events["org"] = ["ACUTE", "ACUTE", "COUNCIL", "ACUTE", "ACUTE"]
    mined = mine_pathways(events, organisation="org")
    assert mined.handovers.values.tolist() == [["ACUTE", "COUNCIL", 1, 1]]
    assert mined.services.set_index("id")["provider"].to_dict() == {
        "ED": "ACUTE", "REABLE": "COUNCIL", "WARD": "ACUTE"}


def test_per_year_scales_by_the_span():
    # Two patients over 730.5 days (2023-01-01 to 2025-01-01): half of each count a year.
    mined = mine_pathways(log([("p", "2023-01-01", "A"), ("p", "2023-01-02", "B"),
                               ("q", "2024-12-31", "A"), ("q", "2025-01-01", "B")]),
                          per_year=True)
    assert flows_of(mined)[("A", "B")] == (1.0, 1.0)
    assert mined.summary["span_days"] == 731.0


def test_nhs_disclosure_on_released_flows_only():
    rows = [(f"p{i:02d}", "2024-01-01", "A") for i in range(12)]
    rows += [(f"p{i:02d}", "2024-01-02", "B") for i in range(12)]
    rows += [(f"p{i:02d}", "2024-01-03", "C") for i in range(3)]
    mined = mine_pathways(log(rows), disclosure="nhs")
    released = mined.released_flows().set_index(["source", "target"])
    # 12 patients → 10 (nearest 5); 3 → suppressed; 9 (12 - 3 leave from B) → 10.
    assert released.loc[("A", "B"), "patients"] == "10"
    assert released.loc[("B", "C"), "patients"] == "*"
    assert np.isnan(released.loc[("B", "C"), "median_days"])
    assert released.loc[("B", "@home"), "patients"] == "10"
    assert flows_of(mined)[("B", "C")] == (3, 3)  # the true figures stay for computation


# -- real logs, checked against pm4py ----------------------------------------------------------------
def _oracle(path):
    want = pd.read_csv(path, dtype=str, keep_default_na=False)
    want["count"] = want["count"].astype(np.int64)
    return want.set_index(["kind", "source", "target"])["count"].sort_index()


@pytest.mark.shared_data
@needs_shared
@pytest.mark.parametrize("log_file, column, oracle", [
    ("sepsis/sepsis_events.csv", "activity", "sepsis/oracle_pm4py_dfg_activity.csv"),
    ("sepsis/sepsis_events.csv", "org_group", "sepsis/oracle_pm4py_dfg_org_group.csv"),
    ("bpic2011_hospital/bpic2011_hospital_events.csv.gz", "org_group",
     "bpic2011_hospital/oracle_pm4py_dfg_org_group.csv"),
])
def test_directly_follows_equals_pm4py_exactly(log_file, column, oracle):
    events = read_events(SHARED_DATA / log_file)
    got = directly_follows(events, "case_id", "timestamp", column)
    pd.testing.assert_series_equal(got.set_index(["kind", "source", "target"])["count"]
                                   .sort_index(), _oracle(SHARED_DATA / oracle))


@pytest.mark.shared_data
@needs_shared
def test_sepsis_facts():
    events = read_events(SEPSIS / "sepsis_events.csv")
    assert (events["case_id"] == "NA").sum() == 24
    mined = mine_pathways(events, case="case_id", service="activity")
    s = mined.summary
    assert (s["cases"], s["events"]) == (1050, 15214)
    assert s["transitions"] == 14164
    assert s["transitions"] - s["repeats"] == mined.flows.loc[
        (mined.flows["source"] != "@home") & (mined.flows["target"] != "@home"),
        "transitions"].sum()


@pytest.mark.shared_data
@needs_shared
def test_hospital_departments_chain_to_partners(tmp_path):
    """events → flows → System → partners, on 150,291 real events and 42 departments."""
    events = read_events(BPIC / "bpic2011_hospital_events.csv.gz")
    mined = mine_pathways(events, case="case_id", service="org_group", pathway="gynae")
    inner = mined.flows[(mined.flows["source"] != "@home") & (mined.flows["target"] != "@home")]
    # SOURCES.md: department handovers (a ≠ b) are 29,591 transitions over 295 ordered pairs.
    assert (len(inner), inner["transitions"].sum()) == (295, 29591)
    system = mined.to_system(name="BPIC 2011 hospital")
    netkit.save_system(system, tmp_path / "hospital")
    reloaded = netkit.load_system(tmp_path / "hospital")
    ps = netkit.find_partners(reloaded, "gynae")
    assert ps.core[0] == "General Lab Clinical Chemistry"
    assert len(ps.partners) == 43


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                          st.sampled_from([0, 1, 10**9, 86_400 * 10**9 + 1, 2**61, 2**62]),
                          st.sampled_from(["X", "Y"])), min_size=1, max_size=30))
def test_ordering_is_right_at_any_time_resolution(rows):
    """Times at nanosecond resolution over centuries take the two-key sort; whole seconds or
    days take the one-key sort: both give the naive order."""
    events = pd.DataFrame({"patient_id": [c for c, _, _ in rows],
                           "timestamp": pd.to_datetime([t for _, t, _ in rows]),
                           "service": [s for _, _, s in rows]})
    assert flows_of(mine_pathways(events)) == naive_flows(rows)
