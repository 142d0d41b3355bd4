"""Money in change reports (issue 17 item 9): each partner's change in position, the system's
net change, the events that caused it and payment-basis changes.

The arithmetic is worked by hand on partner sets built here (only what the money diff reads);
on riverside, the report is checked against the partner query run afresh before and after the
change, so it holds whatever the incentives method gives.
"""

from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import sample_system

import netkit
from netkit.change.apply import apply_changes
from netkit.change.changeset import Changeset
from netkit.finance.risk_share import ShareDesign
from netkit.tracking.money import money_diff

RISE = Changeset.of([{"scale_flows": {"pathway": "mh-crisis", "factor": 1.3}}],
                    date="2026-09-01")
CAUSE = "event 1 (81 flows of mh-crisis scaled × 1.3 (10,830 → 14,079 patient movements a year))"


def partner_set(nets: dict, system_net: float, investment: float | None = None):
    orgs = pd.DataFrame({"id": list(nets), "net": list(nets.values())})
    share = SimpleNamespace(investment={"amount": investment} if investment else None,
                            transfers=pd.DataFrame(columns=["payer", "payee", "amount", "rule"]))
    share.by_pair = lambda: ShareDesign.by_pair(share)  # the design's own sum, on these rows
    scope = SimpleNamespace(members=lambda: {},
                            organisations=pd.DataFrame({"id": list(nets),
                                                        "name": [f"{o} Trust" for o in nets]}))
    return SimpleNamespace(incentives=SimpleNamespace(organisations=orgs, system_net=system_net),
                           scope=scope, opportunity=SimpleNamespace(id="opp"),
                           risk_share=share)


def contracts(*rows):
    return SimpleNamespace(relationships=pd.DataFrame(
        rows, columns=["source", "target", "type", "payment"]))


def test_positions_system_and_investment_by_hand():
    # demand up by half: MH −£200 → −£300, ICB +£80 → +£120, ACUTE +£20 → +£30 (no change
    # under £0.50 is reported: VCSE −£10 → −£10.40)
    before = partner_set({"MH": -200.0, "ICB": 80.0, "ACUTE": 20.0, "VCSE": -10.0}, -110.0, 110)
    after = partner_set({"MH": -300.0, "ICB": 120.0, "ACUTE": 30.0, "VCSE": -10.4}, -160.4,
                        160.4)
    result = SimpleNamespace(touched={1: SimpleNamespace(mentions=lambda orgs: False)},
                             log=[(1, "flows scaled × 1.5")], changeset=None)
    money = money_diff(before, after, result, [1])
    assert money.positions[["id", "change"]].values.tolist() == [["MH", -100.0], ["ICB", 40.0],
                                                                  ["ACUTE", 10.0]]
    assert money.system_change == pytest.approx(-50.4) and money.moved
    assert money.summary() == [
        "money: the system's net -£110 → -£160 a year (-£50), after event 1 (flows scaled × 1.5)",
        "money: MH Trust (MH) -£200 → -£300 a year (-£100): through the activity the change "
        "moved (event 1)",
        "money: ICB Trust (ICB) £80 → £120 a year (+£40): through the activity the change moved "
        "(event 1)",
        "money: ACUTE Trust (ACUTE) £20 → £30 a year (+£10): through the activity the change "
        "moved (event 1)",
        "money: the investment when the system loses £110 → £160 a year (+£50)"]


def test_nothing_moved_is_not_money_moved():
    same = partner_set({"MH": -200.0, "ICB": 80.0}, -120.0)
    money = money_diff(same, same, None, [])
    assert not money.moved and money.summary() == [] and money.to_dict()["positions"] == []


def test_payment_bases_by_hand():
    ps = partner_set({"ACUTE": -10.0, "COMM": 5.0, "NEW": 0.0}, -5.0)
    before = contracts(("ICB", "ACUTE", "commissions", "activity"),
                       ("ICB", "COMM", "commissions", "block"),
                       ("ICB", "OTHER", "commissions", "block"))
    after = contracts(("ICB", "ACUTE", "commissions", "block"),
                      ("ICB", "NEW", "commissions", "activity"),
                      ("ICB", "OTHER", "commissions", "activity"))  # not in this opportunity
    bases = money_diff(ps, ps, None, [], (before, after)).bases
    assert [(b["provider"], b["before"], b["after"]) for b in bases] == [
        ("ACUTE", "activity", "block"), ("COMM", "block", None), ("NEW", None, "activity")]


@pytest.fixture(scope="module")
def riverside():
    return sample_system("riverside")


@pytest.fixture(scope="module")
def rise(riverside):
    return netkit.recompute(riverside, RISE, opportunities=["crisis-alternatives"])


def test_a_demand_rise_that_moves_the_money_is_not_no_change(rise):
    diff = rise.diffs[0]
    assert not diff.changed and diff.money_moved
    text = rise.to_text()
    assert "no change" not in text and "Nothing changes" not in text
    assert text.splitlines()[2] == ("No partner changes for the one opportunity the change "
                                    "touches (crisis-alternatives). The money moves.")
    system_line = next(line for line in text.splitlines() if "the system's net" in line)
    assert system_line.startswith("  - money: the system's net ")
    assert system_line.endswith(f", after {CAUSE}")
    assert "no change" not in rise.to_markdown() and "no change" not in rise.to_html()
    assert rise.to_dict()["money_moved"] == ["crisis-alternatives"]


def test_the_money_is_what_the_partner_query_gives_before_and_after(riverside, rise):
    before = netkit.find_partners(riverside, "crisis-alternatives").incentives
    after = netkit.find_partners(apply_changes(riverside, RISE).system,
                                 "crisis-alternatives").incentives
    money = rise.to_dict()["diffs"][0]["money"]
    assert money["system_net_change"] == pytest.approx(after.system_net - before.system_net)
    assert money["system_net_change"] != 0
    change = (after.organisations.set_index("id")["net"]
              .sub(before.organisations.set_index("id")["net"], fill_value=0.0))
    moved = change[change.abs() >= 0.5]
    assert {p["id"]: p["change"] for p in money["positions"]} == pytest.approx(moved.to_dict())
    assert all(p["events"] == [1] for p in money["positions"])
    assert money["events"] == [1] and money["payment_bases"] == []


def test_a_contract_relabelled_from_block_to_activity_is_named(riverside):
    relabel = Changeset.of([
        {"remove_relationship": {"source": "ICB-RIV", "target": "COM-TRUST",
                                 "type": "commissions"}},
        {"add_relationship": {"source": "ICB-RIV", "target": "COM-TRUST", "type": "commissions",
                              "value": 95000000, "payment": "activity"}}])
    update = netkit.recompute(riverside, relabel, opportunities=["frailty-admissions"])
    money = update.diffs[0].money
    assert money.bases == [{"commissioner": "ICB-RIV", "provider": "COM-TRUST",
                            "before": "block", "after": "activity", "events": [1, 2],
                            "why": "commissions tie with ICB-RIV ended (event 1); new "
                                   "commissions tie with ICB-RIV (event 2)"}]
    assert ("  - payment basis: ICB-RIV pays COM-TRUST by activity, not block: commissions tie "
            "with ICB-RIV ended (event 1); new commissions tie with ICB-RIV (event 2)"
            ) in update.to_text()
    assert update.diffs[0].money_moved


def test_a_merger_names_the_contracts_that_end_and_the_new_one(riverside):
    merge = Changeset.of([{"merge_organisations": {
        "organisations": ["ACU-RIV", "COM-TRUST"],
        "into": {"id": "RIV-ICO", "name": "Riverside Care", "type": "acute_trust"}}}])
    money = netkit.recompute(riverside, merge, opportunities=["frailty-admissions"]).diffs[0].money
    ended = {b["provider"]: b["before"] for b in money.bases if b["after"] is None}
    assert ended == {"ACU-RIV": "api (50% variable)", "COM-TRUST": "block"}  # riverside's
    assert [b["provider"] for b in money.bases if b["before"] is None] == ["RIV-ICO"]
    assert set(money.positions["id"]) >= {"ACU-RIV", "COM-TRUST", "RIV-ICO"}


def test_a_change_that_leaves_the_money_alone_says_so(riverside):
    tie = Changeset.of([{"add_relationship": {"source": "MH-TRUST", "target": "VCSE-MIND",
                                              "type": "data_sharing"}}])
    diff = netkit.recompute(riverside, tie, opportunities=["crisis-alternatives"]).diffs[0]
    assert not diff.money_moved and diff.money.summary() == []
    assert diff.to_dict()["money"]["system_net_change"] == 0


def test_the_timeline_reports_the_money_each_step_moved(riverside, rise):
    t = netkit.timeline(riverside, [RISE], opportunities=["crisis-alternatives"])
    text = t.to_text()
    assert ("2026-09-01: recomputed crisis-alternatives; changed none; money moves for "
            "crisis-alternatives") in text
    assert f", after {CAUSE}" in text
    assert "### 2026-09-01: money in crisis-alternatives" in t.to_markdown()
    assert t.to_dict()["updates"][0]["diffs"][0]["money"] == \
        rise.to_dict()["diffs"][0]["money"]


def test_an_aligned_payment_contract_names_its_variable_share():
    ps = partner_set({"ACUTE": -10.0}, -10.0)
    before = contracts(("ICB", "ACUTE", "commissions", "activity"))
    after = SimpleNamespace(relationships=pd.DataFrame({
        "source": ["ICB"], "target": ["ACUTE"], "type": ["commissions"], "payment": ["api"],
        "variable_share": [0.4]}))
    money = money_diff(ps, ps, None, [], (before, after))
    assert money.summary() == ["money: the system's net is unchanged at -£10 a year",
                               "payment basis: ICB pays ACUTE by api (40% variable), not "
                               "activity: no event named it"]


def test_a_service_moving_to_a_provider_paid_on_another_basis_is_named(riverside):
    """Finding 12: the virtual ward moves from the acute trust (aligned payment, 50% variable)
    to the community trust (block): its activity is paid differently, and the report says so."""
    move = Changeset.of([{"transfer_service": {"service": "VW-ACU", "to": "COM-TRUST"}}])
    update = netkit.recompute(riverside, move, opportunities=["frailty-admissions"])
    money = update.diffs[0].money
    assert money.service_bases == [{"service": "VW-ACU", "name": "Frailty virtual ward",
                                    "from_provider": "ACU-RIV", "to_provider": "COM-TRUST",
                                    "before": "api (50% variable)", "after": "block",
                                    "events": [1], "why": "took over VW-ACU (event 1)"}]
    assert ("  - payment basis: Frailty virtual ward (VW-ACU) moves from ACU-RIV, paid by api "
            "(50% variable), to COM-TRUST, paid by block: took over VW-ACU (event 1)"
            ) in update.to_text()
    assert money.to_dict()["service_payment_bases"] == money.service_bases


def test_the_risk_and_gain_share_payments_that_change_are_named():
    """By hand: the ICB paid the community trust £700 and the acute trust £300; after the
    change it pays the community trust £650, the acute trust the same, and the council starts
    paying the ICB £40. The payments that moved are named, largest change first; the one that
    did not is not."""
    def with_payments(rows):
        ps = partner_set({"ICB": 0.0, "COMM": 0.0, "ACUTE": 0.0, "LA": 0.0}, 0.0)
        ps.risk_share.transfers = pd.DataFrame(rows, columns=["payer", "payee", "amount", "rule"])
        return ps

    before = with_payments([("ICB", "COMM", 700.0, "keep whole"),
                            ("ICB", "ACUTE", 300.0, "keep whole")])
    after = with_payments([("ICB", "COMM", 650.0, "keep whole"),
                           ("ICB", "ACUTE", 300.0, "keep whole"),
                           ("LA", "ICB", 40.0, "pooled budget")])
    money = money_diff(before, after, None, [])
    assert money.payments == [
        {"payer": "ICB", "payee": "COMM", "before": 700.0, "after": 650.0},
        {"payer": "LA", "payee": "ICB", "before": 0.0, "after": 40.0}]
    assert money.moved and money.to_dict()["payments"] == money.payments
    assert money.summary()[-2:] == [
        "risk-and-gain-share: ICB pays COMM £700 → £650 a year (-£50)",
        "risk-and-gain-share: LA pays ICB £0 → £40 a year (+£40)"]


def test_the_virtual_ward_change_names_the_icbs_smaller_payment_to_the_community_trust(
        riverside):
    changeset = netkit.read_changeset(netkit.sample_path("riverside") / "changesets"
                                      / "2026-10-virtual-ward.yaml")
    update = netkit.recompute(riverside, changeset, ["frailty-admissions"])
    money = update.diffs[0].money
    paid = {(p["payer"], p["payee"]): p for p in money.payments}
    community = paid[("ICB-RIV", "COM-TRUST")]
    assert community["after"] < community["before"]
    assert any(line.startswith("risk-and-gain-share: ICB-RIV pays COM-TRUST £790,000 → "
                               "£770,000 a year") for line in money.summary())
