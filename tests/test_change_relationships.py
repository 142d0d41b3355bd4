"""Relationship events and service lines (`netkit.change.events.relationships`).

Tiny: the ICB pays ACUTE (ED, WARD) £2m by activity, COMM (UCR) £0.8m by block; ACUTE and AMB
share data. Riverside: the ICB pays ACU-RIV (ED-RIV, AMU-RIV, ...) by api, 50% variable.
"""

from __future__ import annotations

import pandas as pd
import pytest

import netkit
from netkit.change.changeset import Changeset
from netkit.errors import ChangesetError

WARD_LINE = {"source": "ICB", "target": "ACUTE", "type": "commissions", "value": 500000,
             "payment": "block", "service": "WARD"}


def tiny():
    return netkit.load_system(netkit.sample_path("tiny"))


def apply(*events, system=None):
    return netkit.apply_changes(system or tiny(), Changeset.of(list(events)))


def problems(*events, system=None) -> list[str]:
    with pytest.raises(ChangesetError) as info:
        apply(*events, system=system)
    return [str(p) for p in info.value.problems]


def contract(system, source="ICB", target="ACUTE"):
    rels = system.relationships
    rows = rels[(rels["source"] == source) & (rels["target"] == target)
                & (rels["type"] == "commissions")]
    return [(v, p, s if isinstance(s, str) else None)
            for v, p, s in zip(rows["value"], rows["payment"], rows["service"])]


def with_ward_line():
    return apply({"add_relationship": WARD_LINE}).system


def test_a_service_line_is_added_beside_the_contract():
    result = apply({"add_relationship": WARD_LINE})
    assert contract(result.system) == [(2_000_000.0, "activity", None),
                                       (500_000.0, "block", "WARD")]
    assert result.log == [(1, "new commissions contract line: ICB → ACUTE for WARD, paid by "
                              "block")]


def test_a_line_may_be_given_as_a_list_and_on_api():
    line = dict(WARD_LINE, service=["WARD", "ED"], payment="api", variable_share=0.4)
    result = apply({"add_relationship": line})
    assert contract(result.system)[1] == (500_000.0, "api", "WARD;ED")
    assert result.log[0][1] == ("new commissions contract line: ICB → ACUTE for WARD, ED, paid "
                                "by api, 40% variable")


def test_a_line_is_checked_as_the_file_is():
    assert problems(
        {"add_relationship": dict(WARD_LINE, service="WARDS;UCR")},
        {"add_relationship": dict(WARD_LINE, type="data_sharing", target="AMB",
                                  service="AMB999")},
        {"add_relationship": dict(WARD_LINE, payment="blok", service="ED")},
    ) == [
        "changeset, column event 1 add_relationship.service: 'WARDS' is not a service id (did "
        "you mean 'WARD'?); name one of ACUTE's services",
        "changeset, column event 1 add_relationship.service: 'UCR' is a service of COMM, not of "
        "ACUTE; a contract pays for services its target provides: name one of ACUTE's "
        "services, or give the contract to COMM",
        "changeset, column event 2 add_relationship.service: 'AMB999' names a service line, "
        "which only a 'commissions' contract has, not a 'data_sharing' relationship; leave "
        "service out",
        "changeset, column event 3 add_relationship.payment: 'blok' is not a payment basis "
        "(expected 'activity', 'block' or 'api')",
    ]


def test_a_second_contract_for_one_service_line_is_refused_with_the_fix():
    assert problems({"add_relationship": WARD_LINE},
                    {"add_relationship": dict(WARD_LINE, service="ED;WARD",
                                              payment="activity")}) == [
        "changeset, column event 2 add_relationship.service: 'WARD' is already on a contract "
        "line from ICB to ACUTE (for WARD, paid by block); end that line first "
        "(remove_relationship with service: WARD), or leave WARD out of this one"]


def test_the_contract_naming_no_service_is_one_per_pair():
    """With only service lines left, the contract for the other services may be added again;
    while it exists, a second is refused as before."""
    assert problems({"add_relationship": {"source": "ICB", "target": "ACUTE",
                                          "type": "commissions"}}) == [
        "changeset, column event 1 add_relationship: already exists; remove it first to change "
        "it"]
    result = apply({"remove_relationship": {"source": "ICB", "target": "ACUTE",
                                            "type": "commissions"}},
                   {"add_relationship": dict(WARD_LINE, service="ED")},
                   {"add_relationship": {"source": "ICB", "target": "ACUTE", "type": "commissions",
                                         "value": 1_000_000, "payment": "api",
                                         "variable_share": 0.5}})
    assert contract(result.system) == [(500_000.0, "block", "ED"), (1_000_000.0, "api", None)]


def test_one_line_ends_and_the_contract_naming_none_pays_again():
    result = apply({"remove_relationship": {"source": "ICB", "target": "ACUTE",
                                            "type": "commissions", "service": "WARD"}},
                   system=with_ward_line())
    assert contract(result.system) == [(2_000_000.0, "activity", None)]
    assert result.log == [(1, "commissions contract line ends: ICB → ACUTE for WARD, paid by "
                              "block; the contract naming no service (activity) pays for these "
                              "services now")]


def test_without_a_service_every_line_ends_and_the_log_counts_them():
    result = apply({"remove_relationship": {"source": "ICB", "target": "ACUTE",
                                            "type": "commissions"}}, system=with_ward_line())
    assert contract(result.system) == []
    assert result.log == [(1, "commissions tie ends: ICB → ACUTE, all 2 rows, every service "
                              "line (for the services no line names, paid by activity; for "
                              "WARD, paid by block)")]
    one = apply({"remove_relationship": {"source": "ACUTE", "target": "AMB",
                                         "type": "data_sharing"}})
    assert one.log == [(1, "data_sharing tie ends: ACUTE → AMB")]  # one row: as before


def test_a_line_ends_as_a_whole_and_only_if_it_exists():
    system = apply({"add_relationship": dict(WARD_LINE, service="WARD;ED")}).system
    end = {"source": "ICB", "target": "ACUTE", "type": "commissions"}
    assert problems({"remove_relationship": dict(end, service="ED")},
                    {"remove_relationship": dict(end, target="COMM", service="UCR")},
                    {"remove_relationship": {"source": "ACUTE", "target": "AMB",
                                             "type": "data_sharing", "service": "ED"}},
                    system=system) == [
        "changeset, column event 1 remove_relationship.service: 'ED' is on the line for WARD, "
        "ED, which ends as a whole: name all its services (service: WARD;ED)",
        "changeset, column event 2 remove_relationship.service: 'UCR' is on no service line of "
        "ICB's contract with COMM (its lines: none); leave service out to end the whole "
        "contract",
        "changeset, column event 3 remove_relationship.service: 'ED' names a service line, "
        "which only a 'commissions' contract has, not a 'data_sharing' relationship; leave "
        "service out"]
    result = apply({"remove_relationship": dict(end, service=["ED", "WARD"])}, system=system)
    assert contract(result.system) == [(2_000_000.0, "activity", None)]


def test_the_last_line_ending_leaves_its_services_unpaid_and_says_so():
    system = apply({"remove_relationship": {"source": "ICB", "target": "ACUTE",
                                            "type": "commissions"}},
                   {"add_relationship": WARD_LINE}).system
    result = apply({"remove_relationship": {"source": "ICB", "target": "ACUTE",
                                            "type": "commissions", "service": "WARD"}},
                   system=system)
    assert result.log[0][1].endswith("; no contract from ICB pays ACUTE for these services now")


def test_the_events_are_summarised_and_attributed_with_their_line():
    from netkit.change.events import EVENTS

    add, end = EVENTS["add_relationship"], EVENTS["remove_relationship"]
    assert add.summary(WARD_LINE) == "ICB commissions ACUTE for WARD"
    assert add.reason(WARD_LINE, "ACUTE") == "new commissions contract line with ICB for WARD"
    assert end.reason(WARD_LINE, "ICB") == "commissions contract line with ACUTE for WARD ended"
    assert add.reason(dict(WARD_LINE, service=None), "ICB") == "new commissions tie with ACUTE"


# -- the change report names the line ------------------------------------------------------------

ED_LINE = {"source": "ICB-RIV", "target": "ACU-RIV", "type": "commissions",
           "value": 20_000_000, "payment": "activity", "service": "ED-RIV"}


@pytest.fixture(scope="module")
def riverside():
    return netkit.load_system(netkit.sample_path("riverside"))


def test_a_new_line_is_named_in_the_change_report(riverside):
    update = netkit.recompute(riverside, Changeset.of([{"add_relationship": ED_LINE}]),
                              opportunities=["frailty-admissions"])
    money = update.diffs[0].money
    assert money.bases == [{"commissioner": "ICB-RIV", "provider": "ACU-RIV",
                            "service": "ED-RIV", "before": None, "after": "activity",
                            "events": [1], "why": "new commissions contract line with ICB-RIV "
                                                  "for ED-RIV (event 1)"}]
    assert ("  - payment basis: ICB-RIV pays ACU-RIV for ED-RIV by activity (a new contract "
            "line): new commissions contract line with ICB-RIV for ED-RIV (event 1)"
            ) in update.to_text()
    # ED attendances avoided now cost the ICB their full price, not half of it
    positions = money.positions.set_index("id")["change"]
    assert positions["ICB-RIV"] == pytest.approx(-positions["ACU-RIV"])
    assert positions["ICB-RIV"] > 0


def test_an_ended_line_is_named_in_the_change_report(riverside):
    system = netkit.apply_changes(riverside, Changeset.of([{"add_relationship": ED_LINE}])).system
    end = {k: ED_LINE[k] for k in ("source", "target", "type", "service")}
    update = netkit.recompute(system, Changeset.of([{"remove_relationship": end}]),
                              opportunities=["frailty-admissions"])
    [basis] = update.diffs[0].money.bases
    assert (basis["service"], basis["before"], basis["after"]) == ("ED-RIV", "activity", None)
    assert ("payment basis: ICB-RIV pays ACU-RIV for ED-RIV by activity no longer (the contract "
            "line ended): commissions contract line with ICB-RIV for ED-RIV ended (event 1)"
            ) in update.to_text()
    assert update.to_dict()["diffs"][0]["money"]["payment_bases"][0]["service"] == "ED-RIV"


def test_a_whole_contract_relabelled_is_still_named_as_one(riverside):
    """The contract naming no service changed too: the whole contract is named, as before."""
    system = netkit.apply_changes(riverside, Changeset.of([{"add_relationship": ED_LINE}])).system
    end = {k: ED_LINE[k] for k in ("source", "target", "type")}
    again = {k: v for k, v in ED_LINE.items() if k != "service"}
    update = netkit.recompute(system, Changeset.of([{"remove_relationship": end},
                                                    {"add_relationship": again}]),
                              opportunities=["frailty-admissions"])
    [basis] = update.diffs[0].money.bases
    assert "service" not in basis
    assert (basis["before"], basis["after"]) == ("api (50% variable); activity for ED-RIV",
                                                 "activity")


def test_a_written_system_with_a_new_line_validates(tmp_path):
    result = apply({"add_relationship": WARD_LINE})
    netkit.save_system(result.system, tmp_path / "out")
    report = netkit.validate(tmp_path / "out")
    assert report.errors == [] and report.warnings == []
    rels = pd.read_csv(tmp_path / "out" / "relationships.csv")
    assert rels["service"].dropna().tolist() == ["WARD"]
