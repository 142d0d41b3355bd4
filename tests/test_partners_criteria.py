"""Criteria on the tiny sample, worked out by hand.

Frailty pathway, candidates ACUTE, AMB, CARE, COMM, COUNCIL, ICB, PCN1 (GP1 through its PCN).
Activity (contacts a year): GPS 1,000 (PCN1); ED 500 + WARD 320 = 820 (ACUTE); AMB999 500;
UCR 200 (COMM); REABLE 150 (COUNCIL); CH 50 (CARE); total 2,720.
Cross-organisation handoffs: PCN1→COMM 200, PCN1→ACUTE 100, AMB→ACUTE 400, COMM→ACUTE 20,
ACUTE→COUNCIL 150, ACUTE→CARE 50; total 920.
In-scope spend (activity × price, else unit cost): ACUTE 500×250 + 320×3,200 = 1,149,000;
AMB 500×350 = 175,000; COMM 200×200 = 40,000; GP1 1,000×40 = 40,000 — all commissioned by the
ICB (1,404,000); CARE 50×2,000 = 100,000 by COUNCIL; REABLE has no commissioner.
"""

import pytest

import netkit
from netkit.finance.incentives import incentives
from netkit.partners.criteria import compute_criteria
from netkit.partners.scope import find_scope


@pytest.fixture(scope="module")
def crit():
    system = netkit.load_system(netkit.sample_path("tiny"))
    opp = system.opportunity("frailty")
    scope = find_scope(system, opp)
    inc = incentives(system, opp.shift, scope.services)
    return compute_criteria(system, scope, inc)


def test_activity(crit):
    assert crit.table["activity"].to_dict() == {"ACUTE": 820, "AMB": 500, "CARE": 50,
                                                "COMM": 200, "COUNCIL": 150, "ICB": 0,
                                                "PCN1": 1000}
    assert crit.table.loc["ACUTE", "activity_share"] == pytest.approx(820 / 2720)
    assert crit.table["activity_share"].sum() == pytest.approx(1)


def test_handoffs(crit):
    assert crit.table["handoffs"].to_dict() == {"ACUTE": 720, "AMB": 400, "CARE": 50,
                                                "COMM": 220, "COUNCIL": 150, "ICB": 0,
                                                "PCN1": 300}
    assert crit.table.loc["ACUTE", "handoffs_share"] == pytest.approx(720 / 920)
    assert crit.table["handoffs_share"].sum() == pytest.approx(2)  # two parties each


def test_brokerage(crit):
    # ACUTE is on the shortest route from each of PCN1, AMB, COMM to each of COUNCIL, CARE.
    assert crit.table["brokerage"].to_dict() == {"ACUTE": 6, "AMB": 0, "CARE": 0, "COMM": 0,
                                                 "COUNCIL": 0, "ICB": 0, "PCN1": 0}
    assert crit.table.loc["ACUTE", "brokerage_share"] == 1


def test_commissioning(crit):
    assert crit.table.loc["ICB", "commissioning"] == pytest.approx(1_404_000)
    assert crit.table.loc["COUNCIL", "commissioning"] == pytest.approx(100_000)
    assert crit.table.loc["ICB", "commissioning_share"] == pytest.approx(1_404_000 / 1_504_000)


def test_incentives(crit):
    # patients diverted, cash at marginal cost (worked in tests/test_finance_incentives.py)
    assert crit.table["incentives"].to_dict() == {"ACUTE": -154000, "AMB": 0, "CARE": 16875,
                                                  "COMM": -14000, "COUNCIL": 35859.375,
                                                  "ICB": 217000, "PCN1": 0}
    total = 217_000 + 154_000 + 14_000 + 35_859.375 + 16_875
    assert crit.table["incentives_share"].to_dict() == pytest.approx(
        {"ACUTE": 154_000 / total, "AMB": 0, "CARE": 16_875 / total, "COMM": 14_000 / total,
         "COUNCIL": 35_859.375 / total, "ICB": 217_000 / total, "PCN1": 0})


def test_min_patients_drops_thin_ties():
    system = netkit.load_system(netkit.sample_path("tiny"))
    scope = find_scope(system, system.opportunity("frailty"))
    crit = compute_criteria(system, scope, None, min_patients=100)
    assert sorted(zip(crit.thin["source"], crit.thin["target"])) == [("ACUTE", "CARE"),
                                                                      ("COMM", "ACUTE")]
    assert crit.table.loc["ACUTE", "handoffs"] == 650
    assert crit.table["incentives_share"].sum() == 0
