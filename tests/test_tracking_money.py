"""Money in change reports (issue 17 item 9): each partner's change in position, the system's
net change, the events that caused it and payment-basis changes, worked by hand on riverside.

crisis-alternatives before any change (the partner tests work these out): the system loses
£148,658.54 a year; MH-TRUST −£220,182.93, VCSE-MIND −£8,975.61, ICB-RIV +£77,625, ACU-RIV
+£2,875. Every figure is linear in the crisis flows, so a 30% rise in demand moves each by 30%.
"""

import pytest

import netkit
from netkit.change.changeset import Changeset

RISE = Changeset.of([{"scale_flows": {"pathway": "mh-crisis", "factor": 1.3}}],
                    date="2026-09-01")


@pytest.fixture(scope="module")
def riverside():
    return netkit.load_system(netkit.sample_path("riverside"))


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
    assert ("  - money: the system's net -£149,000 → -£193,000 a year (-£44,600), after event 1 "
            "(81 flows of mh-crisis scaled × 1.3 (10,830 → 14,079 patient movements a year))"
            ) in text
    assert ("  - money: Riverside & District Mental Health NHS Foundation Trust (MH-TRUST) "
            "-£220,000 → -£286,000 a year (-£66,050): through the activity the change moved "
            "(event 1)") in text
    assert "no change" not in rise.to_markdown() and "no change" not in rise.to_html()


def test_each_position_moves_by_the_rise_in_demand(rise):
    money = rise.to_dict()["diffs"][0]["money"]
    assert money["system_net_change"] == pytest.approx(-0.3 * 148658.54, abs=0.01)
    moved = {p["id"]: p["change"] for p in money["positions"]}
    assert moved == pytest.approx({"MH-TRUST": -0.3 * 220182.93, "ICB-RIV": 0.3 * 77625,
                                   "VCSE-MIND": -0.3 * 8975.61, "ACU-RIV": 0.3 * 2875}, abs=0.01)
    assert [p["id"] for p in money["positions"]] == ["MH-TRUST", "ICB-RIV", "VCSE-MIND",
                                                     "ACU-RIV"]  # largest move first
    assert all(p["events"] == [1] for p in money["positions"])
    assert money["events"] == [1] and money["payment_bases"] == []
    assert money["investment_after"] == pytest.approx(1.3 * 148658.54, abs=0.01)
    assert rise.to_dict()["money_moved"] == ["crisis-alternatives"]


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


def test_a_merger_names_the_contracts_that_end_and_the_new_one(riverside):
    merge = Changeset.of([{"merge_organisations": {
        "organisations": ["ACU-RIV", "COM-TRUST"],
        "into": {"id": "RIV-ICO", "name": "Riverside Care", "type": "acute_trust"}}}])
    money = netkit.recompute(riverside, merge, opportunities=["frailty-admissions"]).diffs[0].money
    bases = {(b["provider"], b["before"], b["after"]) for b in money.bases}
    assert bases == {("ACU-RIV", "activity", None), ("COM-TRUST", "block", None),
                     ("RIV-ICO", None, "activity")}
    # the two trusts' positions (−£280,800 and −£1,288,224) become the merged one's
    moved = money.positions.set_index("id")["change"]
    assert moved["RIV-ICO"] == pytest.approx(-280800 - 1288224)
    assert moved["ACU-RIV"] == pytest.approx(280800)


def test_a_change_that_leaves_the_money_alone_says_so(riverside):
    tie = Changeset.of([{"add_relationship": {"source": "MH-TRUST", "target": "VCSE-MIND",
                                              "type": "data_sharing"}}])
    diff = netkit.recompute(riverside, tie, opportunities=["crisis-alternatives"]).diffs[0]
    assert not diff.money_moved and diff.money.summary() == []
    assert diff.to_dict()["money"]["system_net_change"] == 0


def test_the_timeline_reports_the_money_each_step_moved(riverside):
    t = netkit.timeline(riverside, [RISE], opportunities=["crisis-alternatives"])
    text = t.to_text()
    assert ("2026-09-01: recomputed crisis-alternatives; changed none; money moves for "
            "crisis-alternatives") in text
    assert "  - money: the investment when the system loses £149,000 → £193,000 a year (+£44,600)" \
        in text
    assert "### 2026-09-01: money in crisis-alternatives" in t.to_markdown()
    step = t.to_dict()["updates"][0]["diffs"][0]["money"]
    assert step["system_net_before"] == pytest.approx(-148658.54, abs=0.01)
