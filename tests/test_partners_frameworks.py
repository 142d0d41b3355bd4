"""The stakeholder grid and salience agree with the tiers, or say why."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import netkit
from netkit.partners.frameworks import TIER_QUADRANTS, stakeholder_frameworks

TYPES = ["icb", "acute_trust", "pcn", "hospice", "care_home", "vcse", "local_authority"]
share = st.floats(0, 1, allow_nan=False)


@st.composite
def candidates(draw):
    n = draw(st.integers(1, 8))
    ids = [f"O{i}" for i in range(n)]
    table = pd.DataFrame({c: draw(st.lists(share, min_size=n, max_size=n))
                          for c in ("activity_share", "handoffs_share", "brokerage_share",
                                    "commissioning_share", "incentives_share")}, index=ids)
    table["tier"] = draw(st.lists(st.sampled_from(["core", "involve", "inform"]), min_size=n,
                                  max_size=n))
    types = pd.Series(draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n)), index=ids)
    budgets = pd.Series(draw(st.lists(st.floats(0, 1e9), min_size=n, max_size=n)), index=ids)
    return table, types, budgets, set(draw(st.sets(st.sampled_from(ids))))


@settings(max_examples=200, deadline=None)
@given(candidates())
def test_grid_and_salience_agree_with_the_tiers_or_say_why(case):
    table, types, budgets, commissioners = case
    out = stakeholder_frameworks(table, types, budgets, commissioners, set()).join(table)
    core = out[out["tier"] == "core"]
    assert not (core["mendelow"] == "monitor").any()  # a core partner is never "monitor"
    busy = out[out["activity_share"] >= 0.2]  # delivering a fifth of the contacts
    assert not (busy["salience"] == "non-stakeholder").any()
    for row in out.itertuples():
        agrees = row.mendelow in TIER_QUADRANTS[row.tier]
        assert agrees == (row.grid_note == "")


def test_tiny_core_partners_are_never_monitor_or_non_stakeholders():
    # before: Vale Council (core) was "monitor"; North Vale PCN (core, 37% of contacts) a
    # "non-stakeholder"
    ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    grid = ps.partners.set_index("id")
    assert grid.at["COUNCIL", "mendelow"] == "keep informed"
    assert grid.at["PCN1", "salience"] == "discretionary"
    assert (grid["grid_note"] == "").all()


def test_an_inform_organisation_managed_closely_is_explained():
    table = pd.DataFrame({"activity_share": [0.5, 0.5], "handoffs_share": [1.0, 1.0],
                          "brokerage_share": [0.0, 0.0], "commissioning_share": [0.0, 0.0],
                          "incentives_share": [0.0, 0.0], "tier": ["core", "inform"]},
                         index=["A", "B"])
    out = stakeholder_frameworks(table, pd.Series({"A": "acute_trust", "B": "acute_trust"}),
                                 pd.Series({"A": 1e7, "B": 1e7}), set(), set())
    assert out.at["B", "mendelow"] == "manage closely"
    assert out.at["B", "grid_note"].startswith("powerful and much affected in general")


def test_the_report_says_why_when_the_grid_differs_from_the_tier():
    # at a seat cost of 0.3 the acute trust is "involve" though powerful and much affected
    ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty",
                              coordination_cost="partner=0.3")
    text = ps.to_text()
    grid = text[text.index("Stakeholder grid"):].splitlines()
    assert grid[1].split()[:5] == ["id", "tier", "mendelow", "salience", "why"]
    acute = next(line for line in grid if line.startswith("ACUTE"))
    # (the columns are as wide as their widest cell: the council, involve too, is
    # "discretionary", so the spacing is not fixed)
    assert acute.split()[1:5] == ["involve", "manage", "closely", "definitive"]
    assert acute.split("definitive", 1)[1].strip().startswith(
        "powerful and much affected, but a seat")
