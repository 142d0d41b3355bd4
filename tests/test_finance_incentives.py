"""Incentives under an activity shift, worked out by hand on the tiny sample.

Shift 20% of ED's 500 frailty contacts (100) to urgent community response.
ACUTE: cost -100 × £300 = -£30,000; income -100 × £250 (activity contract) = -£25,000; net +£5,000.
COMM: cost +100 × £200 = +£20,000; block contract, so no income; net -£20,000.
ICB: pays ACUTE by activity, so spends £25,000 less; net +£25,000.
System: -(−£30,000 + £20,000) = +£10,000.
"""

import pandas as pd
import pytest

import netkit
from netkit.finance.incentives import commissioning_shares, gain_share, incentives, shift_activity
from netkit.model.opportunity import Shift
from netkit.partners.scope import find_scope


def tiny_incentives(core=None):
    system = netkit.load_system(netkit.sample_path("tiny"))
    opp = system.opportunity("frailty")
    return incentives(system, opp.shift, find_scope(system, opp).services, core=core)


def test_per_organisation_by_hand():
    t = tiny_incentives().organisations.set_index("id")
    assert t.loc["ACUTE"].to_dict() == {"activity_change": -100, "cost_change": -30000,
                                        "income_change": -25000, "spend_change": 0,
                                        "net": 5000}
    assert t.loc["COMM"].to_dict() == {"activity_change": 100, "cost_change": 20000,
                                       "income_change": 0, "spend_change": 0, "net": -20000}
    assert t.loc["ICB", "spend_change"] == -25000 and t.loc["ICB", "net"] == 25000


def test_system_net_and_losers():
    result = tiny_incentives()
    assert result.system_net == 10000
    assert result.losers == ["COMM"]
    assert result.organisations["net"].sum() == pytest.approx(result.system_net)


def test_gain_share_leaves_core_no_worse_off():
    result = tiny_incentives(core=["ICB", "ACUTE", "COMM"])
    assert result.transfers.values.tolist() == [["ICB", "COMM", 16667], ["ACUTE", "COMM", 3333]]
    after = result.organisations.set_index("id")["net"].copy()
    for t in result.transfers.itertuples():
        after[t.payer] -= t.amount
        after[t.payee] += t.amount
    assert (after >= -1).all()


def test_no_gain_share_when_the_system_loses():
    table = pd.DataFrame({"id": ["A", "B"], "net": [-10.0, 5.0]})
    assert gain_share(table, -5.0, ["A", "B"]).empty


def test_shift_by_category_shares_by_activity():
    services = pd.DataFrame({"id": ["ED", "W1", "W2", "UCR", "DN"],
                             "category": ["ue", "ward", "ward", "com", "com"],
                             "activity": [100.0, 50.0, 0.0, 30.0, 10.0]})
    change = shift_activity(Shift(("category:ward", "ED"), ("UCR", "DN"), 0.5), services)
    assert change.to_dict() == {"ED": -50.0, "W1": -25.0, "W2": 0.0, "UCR": 56.25, "DN": 18.75}
    assert change.sum() == pytest.approx(0)


def test_shift_to_services_with_no_activity_splits_equally():
    services = pd.DataFrame({"id": ["ED", "NEW1", "NEW2"], "category": ["a", "b", "b"],
                             "activity": [100.0, 0.0, 0.0]})
    change = shift_activity(Shift(("ED",), ("category:b",), 0.1), services)
    assert change.to_dict() == {"ED": -10.0, "NEW1": 5.0, "NEW2": 5.0}


def test_commissioning_shares_split_by_value(tiny_dir):
    from conftest import append_row

    append_row(tiny_dir, "relationships", source="COUNCIL", target="ACUTE", type="commissions",
               value="500000", payment="block")
    system = netkit.load_system(tiny_dir)
    shares = commissioning_shares(system)
    acute = shares[shares["provider"] == "ACUTE"].set_index("commissioner")
    assert acute["share"].to_dict() == {"ICB": 0.8, "COUNCIL": 0.2}
    assert acute["activity_share"].to_dict() == {"ICB": 0.8, "COUNCIL": 0.0}
