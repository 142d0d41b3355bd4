"""What a merger does to contracts (`netkit.change.events.contracts`), on the tiny sample.

Tiny: the ICB pays ACUTE (ED, WARD) £2m by activity, COMM (UCR) £0.8m by block and AMB (AMB999)
£0.6m by block; COUNCIL pays CARE (CH) £0.4m by block.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netkit
from netkit.change.changeset import Changeset
from netkit.errors import ChangesetError


def merge(orgs, payment=None, edit=None, into="VALE"):
    tiny = netkit.load_system(netkit.sample_path("tiny"))
    if edit is not None:
        tiny = netkit.apply_changes(tiny, Changeset.of(edit)).system
    event = {"organisations": orgs, "into": {"id": into, "name": "Vale", "type": "acute_trust"}}
    if payment is not None:
        event["payment"] = payment
    return netkit.apply_changes(tiny, Changeset.of([{"merge_organisations": event}]))


def contracts(result, source="ICB", target="VALE"):
    rels = result.system.relationships
    rows = rels[(rels["source"] == source) & (rels["target"] == target)
                & (rels["type"] == "commissions")]
    return rows[["value", "payment", "variable_share", "service"]].astype(object).where(
        rows[["value", "payment", "variable_share", "service"]].notna(), None).values.tolist()


def test_three_providers_on_two_bases_give_two_lines_and_same_bases_add_up():
    result = merge(["ACUTE", "COMM", "AMB"])
    assert contracts(result) == [[2_000_000.0, "activity", None, None],
                                 [1_400_000.0, "block", None, "UCR;AMB999"]]
    assert (1, "ICB's contracts with ACUTE (activity, £2.0m), COMM (block, £800,000) and AMB "
               "(block, £600,000) are kept per service line in VALE: activity for every service "
               "not named on another contract (ED, WARD); block for UCR, AMB999") in result.log


def test_a_contract_that_already_names_a_service_keeps_it(tiny_dir):
    """ACUTE's ward is already paid by block (a line of its own); after the merge the block
    line names UCR and the ward, and ED stays on activity."""
    rels = tiny_dir / "relationships.csv"
    lines = rels.read_text().splitlines()
    lines = [lines[0] + ",service"] + [line + "," for line in lines[1:]] + [
        "ICB,ACUTE,commissions,500000,block,0.8,WARD"]
    rels.write_text("\n".join(lines) + "\n")
    event = {"organisations": ["ACUTE", "COMM"],
             "into": {"id": "VALE", "name": "Vale", "type": "acute_trust"}}
    result = netkit.apply_changes(netkit.load_system(tiny_dir),
                                  Changeset.of([{"merge_organisations": event}]))
    assert contracts(result) == [[2_000_000.0, "activity", None, None],
                                 [1_300_000.0, "block", None, "UCR;WARD"]]
    assert (1, "ICB's contracts with ACUTE (activity, £2.0m), COMM (block, £800,000) and ACUTE "
               "(block, £500,000) are kept per service line in VALE: activity for every service "
               "not named on another contract (ED); block for UCR, WARD") in result.log


def test_the_merge_can_name_one_basis_for_a_commissioner():
    result = merge(["ACUTE", "COMM"], payment={"ICB": "block"})
    assert contracts(result) == [[2_800_000.0, "block", None, None]]
    assert (1, "payment basis changes: ICB's contracts with VALE (activity, block) become one "
               "block contract of £2.8m, as the merge's payment says") in result.log
    assert not any("service line" in line for _, line in result.log)


def test_the_merge_can_ask_for_the_value_weighted_api_blend():
    result = merge(["ACUTE", "COMM"], payment={"ICB": "api"})
    [[value, basis, share, service]] = contracts(result)
    assert (value, basis, service) == (2_800_000.0, "api", None)
    assert share == pytest.approx(0.7143)


def test_a_merger_of_commissioners_on_different_bases_blends_unless_told():
    """Two commissioners paying one provider on different bases pay for different patients,
    not different services: no service line can keep both, so the one contract is the
    value-weighted blend, or the basis the merge's payment names."""
    edit = [{"add_relationship": {"source": "COUNCIL", "target": "ACUTE", "type": "commissions",
                                  "value": 2_000_000, "payment": "block"}}]
    blended = merge(["ICB", "COUNCIL"], edit=edit, into="JOINT")
    [[value, basis, share, _]] = contracts(blended, "JOINT", "ACUTE")
    assert (value, basis, share) == (4_000_000.0, "api", 0.5)
    told = merge(["ICB", "COUNCIL"], payment={"ACUTE": "activity"}, edit=edit, into="JOINT")
    assert contracts(told, "JOINT", "ACUTE") == [[4_000_000.0, "activity", None, None]]


def test_a_bad_payment_setting_is_named():
    with pytest.raises(ChangesetError) as bad:
        merge(["ACUTE", "COMM"], payment={"ICB": "blok", "NOPE": "block"})
    text = str(bad.value)
    assert ("column event 1 merge_organisations.payment.ICB: 'blok' is not a payment basis "
            "(expected 'activity', 'block' or 'api')") in text
    with pytest.raises(ChangesetError) as bad:
        merge(["ACUTE", "COMM"], payment={"NOPE": "block"})
    assert ("event 1 merge_organisations.payment.NOPE: is not the id of an organisation at "
            "the other end of the merged organisations' contracts") in str(bad.value)


def test_riverside_merger_moves_the_same_money_and_reports_each_line():
    """ACU-RIV (api, 50% variable) and COM-TRUST (block) merge: the frailty shift's money for
    the merged trust is the two trusts' together, the system's net is unchanged, and the change
    report names the new contract's lines rather than a basis change per service."""
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    merge = Changeset.of([{"merge_organisations": {
        "organisations": ["ACU-RIV", "COM-TRUST"],
        "into": {"id": "RIV-ICO", "name": "Riverside Care", "type": "acute_trust"}}}])
    update = netkit.recompute(riverside, merge, opportunities=["frailty-admissions"])
    money = update.diffs[0].money
    before = money.positions.set_index("id")["before"].fillna(0.0)
    after = money.positions.set_index("id")["after"].fillna(0.0)
    assert after["RIV-ICO"] == pytest.approx(before["ACU-RIV"] + before["COM-TRUST"], abs=0.01)
    assert money.system_change == pytest.approx(0.0, abs=0.01)
    assert money.service_bases == []
    assert [b["after"] for b in money.bases if b["provider"] == "RIV-ICO"] == [
        "api (50% variable); block for DIAB-COM, DN-COM, IC-COM, MSK-COM, SR-COM, UCR-COM"]


def test_the_network_keeps_one_edge_per_contract():
    G = merge(["ACUTE", "COMM"]).system.graph()
    assert {k: d["value"] for k, d in G["ICB"]["VALE"].items()} == {
        "commissions": 2_000_000.0, "commissions@UCR": 800_000.0}
    tiny = netkit.load_system(netkit.sample_path("tiny")).graph()
    assert list(tiny["ICB"]["ACUTE"]) == ["commissions"]


BASES = st.sampled_from([("activity", None), ("block", None), ("api", 0.25), ("api", 0.6)])


@settings(max_examples=20, deadline=None)
@given(bases=st.lists(BASES, min_size=3, max_size=3),
       priced=st.lists(st.integers(-5_000, 5_000), min_size=4, max_size=4),
       who=st.sampled_from(["ICB", ""]))
def test_a_merger_of_providers_never_changes_what_the_commissioner_pays(bases, priced, who):
    """Whatever the bases of the ICB's contracts with ACUTE, COMM and AMB, the change in what it
    pays for a change in contacts at their services is the same before and after they merge
    (its patients named, or found by the contract-share rule)."""
    from netkit.finance.contracts import contract_table
    from netkit.finance.positions import payments

    tiny = netkit.load_system(netkit.sample_path("tiny"))
    rels = tiny.relationships
    for org, (basis, share) in zip(["ACUTE", "COMM", "AMB"], bases):
        at = (rels["source"] == "ICB") & (rels["target"] == org)
        rels.loc[at, "payment"], rels.loc[at, "variable_share"] = basis, share
    changes = [{"remove_relationship": {"source": "ICB", "target": org, "type": "commissions"}}
               for org in ("ACUTE", "COMM", "AMB")] + [
        {"add_relationship": {k: v for k, v in row.items() if pd.notna(v)}}
        for row in rels[rels["target"].isin(["ACUTE", "COMM", "AMB"])
                        & (rels["type"] == "commissions")].to_dict("records")]
    system = netkit.apply_changes(tiny, Changeset.of(changes)).system
    merged = netkit.apply_changes(system, Changeset.of([{"merge_organisations": {
        "organisations": ["ACUTE", "COMM", "AMB"],
        "into": {"id": "VALE", "name": "Vale", "type": "acute_trust"}}}])).system
    services = ["ED", "WARD", "UCR", "AMB999"]

    def paid(s, providers):
        rows = pd.DataFrame({"service": services, "provider": providers,
                             "commissioner": who, "priced": [float(p) for p in priced]})
        out = payments(rows, contract_table(s))[0]
        return out.loc[out["payer"] == "ICB", "amount"].sum()

    assert paid(merged, ["VALE"] * 4) == pytest.approx(
        paid(system, ["ACUTE", "ACUTE", "COMM", "AMB"]), abs=1e-6)
