"""Greedy selection, with the tiny frailty steps worked out by hand.

Weights 1, 1, 0.5, 1, 1 normalise to 2/9 each and 1/9 for brokerage (all criteria have
something to cover). Coordination cost 0.02 a partner, 0.005 a pair with no relationship.
Step 1: ICB = 2/9 × (0.9335 commissioning + 0.5 incentives) = 0.3186, the largest.
Step 2: ACUTE = 2/9 × (0.3015 + 0.1) + 1/9 × 1 = 0.2003 (tied to ICB, so cost 0.02).
Step 3: AMB = 2/9 × 0.1838 + 2/9 × 400/920 = 0.1375, cost 0.02 (tied to ICB and ACUTE).
Step 4: COMM = 2/9 × (0.0735 + 0.4) + 2/9 × 20/920 = 0.1101, cost 0.025 (no tie with AMB).
Step 5: PCN1 = 2/9 × 0.3676 + 2/9 × 300/920 = 0.1542, cost 0.035.
Step 6: COUNCIL = 2/9 × (0.0551 + 0.0665) + 2/9 × 150/920 = 0.0633, cost 0.045: still worth it.
Step 7: CARE = 2/9 × 0.0184 + 2/9 × 50/920 + its incentives share = 0.0247: more than a seat's
0.02, so it earns one, though its five missing relationships put it at 0.045 on the curve (a
missing relationship ranks candidates but never decides a seat). Every candidate is core.
"""

import pandas as pd
import pytest

import netkit
from netkit.partners.selection import select_partners


@pytest.fixture(scope="module")
def tiny_frailty():
    system = netkit.load_system(netkit.sample_path("tiny"))
    return netkit.find_partners(system, "frailty")


def test_core_and_order_by_hand(tiny_frailty):
    assert tiny_frailty.core == ["ICB", "ACUTE", "AMB", "PCN1", "COMM", "COUNCIL", "CARE"]


def test_curve_by_hand(tiny_frailty):
    curve = tiny_frailty.curve
    assert curve["added"].tolist() == ["", "ICB", "ACUTE", "AMB", "PCN1", "COMM", "COUNCIL",
                                       "CARE"]
    assert curve["core"].tolist() == [True] * 8
    mb = curve["marginal_benefit"].tolist()
    # incentives shares: each organisation's |net| over the sum of them all (patients
    # diverted, cash at marginal cost: tests/test_finance_incentives.py works the method)
    total = (217_000 + 154_000 + 14_000 + 35_859.375 + 16_875)
    assert mb[1] == pytest.approx(2 / 9 * (1_404_000 / 1_504_000 + 217_000 / total))
    assert mb[2] == pytest.approx(2 / 9 * (820 / 2720 + 154_000 / total) + 1 / 9)
    assert mb[3] == pytest.approx(2 / 9 * (500 / 2720 + 400 / 920))
    assert mb[7] == pytest.approx(2 / 9 * (50 / 2720 + 50 / 920 + 16_875 / total))
    assert curve["marginal_cost"].tolist() == pytest.approx(
        [0, 0.02, 0.02, 0.02, 0.03, 0.03, 0.045, 0.045])
    assert curve["benefit"].iloc[-1] == pytest.approx(1.0)
    assert tiny_frailty.stop == ("every candidate is core: each added more benefit than "
                                 "coordination cost")


def test_tiers(tiny_frailty):
    tiers = dict(zip(tiny_frailty.partners["id"], tiny_frailty.partners["tier"]))
    assert tiers == {"ICB": "core", "ACUTE": "core", "AMB": "core", "COMM": "core",
                     "PCN1": "core", "COUNCIL": "core", "CARE": "core"}


def _shares(**columns):
    frame = pd.DataFrame(columns)
    for c in ("activity", "handoffs", "brokerage", "commissioning", "incentives"):
        if c not in frame:
            frame[c] = 0.0
    return frame


def test_include_enters_first_and_exclude_never():
    shares = _shares(activity=pd.Series({"A": 0.5, "B": 0.3, "C": 0.2}))
    pairs = pd.DataFrame(columns=["source", "target", "patients"])
    s = select_partners(shares, pairs, [], {"activity": 1}, {"partner": 0.25, "new_tie": 0},
                        include=["C"], exclude=["A"])
    assert s.core == ["C", "B"]
    assert s.curve["added"].tolist() == ["", "C", "B"]
    assert s.stop == "every candidate is core: each added more benefit than coordination cost"


def test_new_ties_rank_but_never_decide_a_seat():
    shares = _shares(activity=pd.Series({"A": 0.4, "B": 0.3, "C": 0.3}))
    pairs = pd.DataFrame(columns=["source", "target", "patients"])
    cost = {"partner": 0.1, "new_tie": 0.15}
    s = select_partners(shares, pairs, [("A", "B")], {"activity": 1}, cost)
    # A (0.4 - 0.1), then B before C (equal benefit, but B already works with A); C still
    # earns its seat: 0.3 of benefit against a seat's 0.1, whatever its missing ties cost
    assert s.core == ["A", "B", "C"]
    assert s.curve["marginal_cost"].tolist() == pytest.approx([0, 0.1, 0.1, 0.1 + 2 * 0.15])
    without = select_partners(shares, pairs, [], {"activity": 1}, cost)
    assert without.core == ["A", "B", "C"]


def test_ties_are_broken_by_id():
    shares = _shares(activity=pd.Series({"B": 0.5, "A": 0.5}).sort_index())
    pairs = pd.DataFrame(columns=["source", "target", "patients"])
    s = select_partners(shares, pairs, [], {"activity": 1}, {"partner": 0.1, "new_tie": 0})
    assert s.core == ["A", "B"]
