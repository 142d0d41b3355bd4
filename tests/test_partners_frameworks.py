"""The stakeholder grid and salience agree with the tiers, or say why."""

from __future__ import annotations

import pandas as pd
import pytest
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
        assert row.grid_why  # every row says what puts it where it is (finding 16)
        assert row.grid_why.endswith(row.grid_note[1:])
    # a core partner is at least "manage closely" or its why says why not
    for row in core[core["mendelow"] != "manage closely"].itertuples():
        assert "so it is consulted rather than managed closely" in row.grid_why


def _four_core(ambulance_exposure: float):
    """An ICB commissioning everything and three providers, all core: the shares, types and
    budgets `stakeholder_frameworks` takes."""
    table = pd.DataFrame({"activity_share": [0.0, 0.6, 0.3, 0.1],
                          "handoffs_share": [0.0, 0.5, 0.4, 0.1],
                          "brokerage_share": [0.0, 0.0, 0.0, 0.0],
                          "commissioning_share": [1.0, 0.0, 0.0, 0.0],
                          "incentives_share": [0.5, 0.3, 0.1, ambulance_exposure],
                          "tier": "core"}, index=["ICB", "ACUTE", "COM", "AMB"])
    types = pd.Series({"ICB": "icb", "ACUTE": "acute_trust", "COM": "community_trust",
                       "AMB": "ambulance_trust"})
    return table, types, pd.Series({"ICB": 1e9, "ACUTE": 1e8, "COM": 1e8, "AMB": 1e8})


def test_delivering_the_shift_or_a_large_exposure_gives_power():
    # review finding 16. Power by hand: the ICB (1 + 1 + 0) / 3 = 2/3; each provider (0 + 0.1 +
    # 0) / 3 = 1/30, a twentieth of the ICB's, so below half: by the mean alone every provider
    # was "keep informed". Now the acute trust carries 30% of the money (>= 20%) and, given as
    # delivering the shift, the community trust has power too; the ambulance service neither.
    table, types, budgets = _four_core(ambulance_exposure=0.1)
    before = stakeholder_frameworks(table, types, budgets, {"ICB"}, set())
    assert before["mendelow"].tolist() == ["manage closely", "manage closely", "keep informed",
                                           "keep informed"]  # no one named as delivering
    out = stakeholder_frameworks(table, types, budgets, {"ICB"}, set(), {"COM"})
    assert out["mendelow"].tolist() == ["manage closely", "manage closely", "manage closely",
                                        "keep informed"]
    assert out.at["COM", "salience"] == "definitive"  # power, legitimacy (core), urgency (10%)
    assert out.at["ACUTE", "grid_why"] == "carries 30% of the money the shift moves"
    assert out.at["COM", "grid_why"] == "delivers the shift (provides a 'from' or 'to' service)"
    assert out.at["ICB", "grid_why"] == ("commissions 100% of the spend in scope, carries 50% of "
                                         "the money the shift moves, has a large budget")
    assert out.at["AMB", "grid_why"] == (
        "delivers 10% of the contacts in scope; in the core for its part in the pathway, but it "
        "neither delivers the shift, commissions much of it nor gains or loses much of the money "
        "the shift moves, so it is consulted rather than managed closely (any payment asked of "
        "it under the risk-and-gain-share is set out there)")


def test_tiny_core_partners_are_never_monitor_or_non_stakeholders():
    # before: Vale Council (core) was "monitor"; North Vale PCN (core, 37% of contacts) a
    # "non-stakeholder"
    ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    grid = ps.partners.set_index("id")
    # the council pays under the risk-and-gain share (the pooled budget), which needs its
    # agreement: managed closely (see test_the_grid_names_who_pays_into_the_settlement)
    assert grid.at["COUNCIL", "mendelow"] == "manage closely"
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
    assert grid[1].split() == ["id", "tier", "mendelow", "salience"]
    acute = next(line for line in grid if line.startswith("ACUTE"))
    assert acute.split()[1:5] == ["involve", "manage", "closely", "definitive"]
    # the why is under the table, wrapped at the width, not cut (finding 16)
    why = text[text.index("  - ACUTE: "):text.index("  - COUNCIL: ")]
    assert " ".join(why.split()) == (
        "- ACUTE: delivers the shift (provides a 'from' or 'to' service), carries 35% of the "
        "money the shift moves, is a go-between on patients' routes. Powerful and much "
        "affected, but a seat would cost more coordination than it adds: keep it closely "
        "involved without a seat")
    section = text[text.index("Stakeholder grid"):text.index("Options:")]
    assert all(len(line) <= 100 for line in section.splitlines())
    markdown = ps.to_markdown()
    assert "| id | tier | mendelow | salience | why |" in markdown
    # an involved council paying under the settlement: powerful, and said why
    assert ("| COUNCIL | involve | keep satisfied | dominant | commissions 7% of the spend in "
            "scope, pays £25,000 a year, net, under the risk-and-gain share (which needs its "
            "agreement) |") in markdown
    assert "<th>why</th>" in ps.to_html(with_map=False)


def test_a_core_commissioner_short_of_half_the_largest_power_is_not_said_to_commission_little():
    # the generated region's stroke report said an ICB commissioning 14% of the spend "neither
    # ... commissions much of it": its power (commissioning 0.14 / 0.6, budget 0.1, brokerage 0,
    # a third of each: 0.11) is under half the largest's (1.0), and the words now say so
    table = pd.DataFrame({"activity_share": [0.0, 0.0, 1.0], "handoffs_share": [0.0, 0.0, 1.0],
                          "brokerage_share": [1.0, 0.0, 0.0],
                          "commissioning_share": [0.6, 0.14, 0.0],
                          "incentives_share": [0.5, 0.07, 0.0], "tier": ["core"] * 3},
                         index=["BIG", "SMALL", "ACUTE"])
    types = pd.Series({"BIG": "icb", "SMALL": "icb", "ACUTE": "acute_trust"})
    budgets = pd.Series({"BIG": 1e9, "SMALL": 1e8, "ACUTE": 1e8})
    out = stakeholder_frameworks(table, types, budgets, {"BIG", "SMALL"}, set())
    assert out.at["SMALL", "power"] == pytest.approx((0.14 / 0.6 + 0.1 + 0.0) / 3, abs=1e-6)
    assert out.at["SMALL", "mendelow"] == "keep informed"
    assert out.at["SMALL", "grid_why"] == (
        "much affected by the shift; in the core for its part in the pathway; it commissions 14% "
        "of the spend in scope, but its power in this scope (commissioning, budget and brokerage "
        "together) is under half the largest's and it does not deliver the shift, so it is "
        "consulted rather than managed closely (any payment asked of it under the "
        "risk-and-gain-share is set out there)")


def test_paying_into_the_risk_and_gain_share_gives_power():
    # review: councils asked to pay £160,000 a year under the settlement were "keep informed".
    # The same table as above with AMB paying £12,400 a year: without the payment AMB is
    # "keep informed" (power 1/30, under half the ICB's); paying, the settlement needs its
    # agreement, so it is "manage closely" and says so; COM, paying nothing, is unchanged
    table, types, budgets = _four_core(ambulance_exposure=0.05)
    out = stakeholder_frameworks(table, types, budgets, {"ICB"}, set(), payers={"AMB": 12_400.0})
    assert out["mendelow"].tolist() == ["manage closely", "manage closely", "keep informed",
                                        "manage closely"]
    assert out.at["AMB", "grid_why"] == ("pays £12,000 a year, net, under the risk-and-gain "
                                         "share (which needs its agreement)")
    assert out.at["AMB", "salience"] == "dominant"  # power and legitimacy (core); 5%: no urgency


def test_the_grid_names_who_pays_into_the_settlement():
    # tiny's frailty shift: the council pays the ICB £39,486 and receives £14,944 from the care
    # home (a block contract reduction): £24,542 net, the positions table's -£25,000; the care
    # home pays £14,944 (-£15,000 there). Both are managed closely, with what each pays, net
    ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    moved = ps.risk_share.positions.set_index("id")
    rows = ps.partners.set_index("id")
    for org, shown in (("COUNCIL", "£25,000"), ("CARE", "£15,000")):
        assert netkit.render.formats.fmt_money_rounded(
            moved.at[org, "paid"] - moved.at[org, "received"]) == shown
        assert rows.at[org, "mendelow"] == "manage closely"
        assert (f"pays {shown} a year, net, under the risk-and-gain share (which needs its "
                "agreement)") in rows.at[org, "grid_why"]


def test_a_loss_under_the_collar_gives_no_urgency():
    # a reviewer: riverside's pharmacy group, losing £65 a year, was a "demanding" stakeholder
    # (urgency from losing while the system gains). A loss under the £10,000 collar is not
    # settled, so it gives no urgency; the acute trust's £1.3m loss still does
    ps = netkit.find_partners(netkit.load_system(netkit.sample_path("riverside")),
                              "frailty-admissions")
    money = ps.incentives.organisations.set_index("id")["net"]
    grid = ps.partners.set_index("id")
    assert -10_000 < money["PHARM"] < 0 and "PHARM" in ps.incentives.losers
    assert grid.at["PHARM", "salience"] == "non-stakeholder"
    assert money["ACU-RIV"] < -10_000 and grid.at["ACU-RIV", "salience"] == "definitive"
