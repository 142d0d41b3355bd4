"""Contracts per service line, worked out by hand on a system built here ("Dale").

One commissioner, ICB. Pathway ``p``, a year: @home → ED 1,000 → @home; @home → UCR 900 → @home.
ED (emergency department, price £250, unit cost £300, marginal £90) and UCR (urgent community
response, price £180, unit £200, marginal £140, capacity 5,000) are both TRUST's, which the ICB
pays by activity (a £80m contract naming no service) except for UCR, its community line, paid by
a £95m block contract (``service: UCR``).

Shift 10% of the patients reaching ED to UCR: ED −100 contacts, UCR +100.

* TRUST's income: −100 × £250 × 1 (activity) + 100 × £180 × 0 (block) = −£25,000: the cut in
  acute activity costs it the full activity value, and its community line is paid nothing more.
* Cost: UCR +100 × £140 (within capacity) − ED 100 × £90 = +£5,000. TRUST's net: −£30,000.
* ICB spends £25,000 less. System: £9,000 − £14,000 = −£5,000.

Two trusts (ACU with ED paid by activity, COM with UCR paid by block) give the same money, and
so does their merger: the merged trust keeps both bases per service line (a blend into one
``api`` contract 80/175 variable would have paid it −£25,000 × 0.457 + £18,000 × 0.457).
"""

from __future__ import annotations

import pandas as pd
import pytest

import netkit
from netkit.change.changeset import Changeset
from netkit.finance.incentives import incentives
from netkit.partners.scope import find_scope
from tests.test_finance_incentives import OPPORTUNITY  # ED to urgent community response, 10%

SERVICES = """id,name,provider,category,capacity,unit_cost,price,marginal_cost
ED,Emergency department,{ed},urgent_emergency,10000,300,250,90
UCR,Urgent community response,{ucr},community,5000,200,180,140
"""
FLOWS = """pathway,source,target,patients,place
p,@home,ED,1000,North
p,ED,@home,1000,North
p,@home,UCR,900,North
p,UCR,@home,900,North
"""
ONE_TRUST = """source,target,type,value,payment,strength,service
ICB,TRUST,commissions,80000000,activity,0.8,
ICB,TRUST,commissions,95000000,block,0.8,UCR
"""
TWO_TRUSTS = """source,target,type,value,payment,strength
ICB,ACU,commissions,80000000,{acu},0.8
ICB,COM,commissions,95000000,block,0.8
ACU,COM,partnership,,,0.5
"""
MERGE = {"merge_organisations": {"organisations": ["ACU", "COM"],
                                 "into": {"id": "DALE", "name": "Dale Health and Care",
                                          "type": "acute_trust"}}}


def dale(tmp_path, two=False, acu="activity", relationships=None, name="dale"):
    folder = tmp_path / name
    folder.mkdir()
    orgs = "id,name,type\nICB,Dale ICB,icb\nLA,Dale Council,local_authority\n" + (
        "ACU,Dale Hospital,acute_trust\nCOM,Dale Community,community_trust\n" if two
        else "TRUST,Dale Trust,acute_trust\n")
    files = {"organisations.csv": orgs,
             "services.csv": SERVICES.format(ed="ACU" if two else "TRUST",
                                             ucr="COM" if two else "TRUST"),
             "pathways.csv": "id,name\np,Urgent care\n", "flows.csv": FLOWS,
             "relationships.csv": relationships or (TWO_TRUSTS.format(acu=acu) if two
                                                    else ONE_TRUST),
             "opportunities.yaml": OPPORTUNITY, "system.yaml": "name: Dale\n"}
    for file, text in files.items():
        (folder / file).write_text(text)
    return folder


def money(system):
    opp = system.opportunity("divert")
    scope = find_scope(system, opp)
    result = incentives(system, opp.shift, scope.services, flows=scope.flows, draws=0)
    return result.organisations.set_index("id")[["income_change", "spend_change", "net"]], result


def test_a_cut_in_acute_activity_costs_the_full_activity_value_and_the_block_line_nothing(
        tmp_path):
    table, result = money(netkit.load_system(dale(tmp_path)))
    assert table.loc["TRUST"].tolist() == [-25_000.0, 0.0, -30_000.0]
    assert table.loc["ICB"].tolist() == [0.0, -25_000.0, 25_000.0]
    assert result.system_net == -5_000.0


def test_without_the_line_the_block_contract_would_cover_both():
    """The lookup itself: a service named on a contract is paid on it; others on the contract
    naming none; a commissioner with no contract covering a service pays nothing for it."""
    from netkit.finance.positions import payments

    contracts = pd.DataFrame({"commissioner": ["ICB", "ICB", "LA"],
                              "provider": ["T", "T", "T"], "service": ["", "UCR", "REAB"],
                              "share": [0.4, 0.5, 0.1], "variable": [1.0, 0.0, 1.0]})
    by_payer = pd.DataFrame({"service": ["ED", "UCR", "REAB", "REAB"],
                             "provider": ["T"] * 4, "commissioner": ["ICB", "ICB", "LA", "ICB"],
                             "priced": [-1000.0, 500.0, 300.0, 100.0]})
    paid, ruled = payments(by_payer, contracts)
    # REAB is LA's line; the ICB's REAB patients are paid for under the ICB's wide contract
    assert paid.values.tolist() == [["ICB", "T", -900.0], ["LA", "T", 300.0]]
    assert ruled == []


def test_two_trusts_and_their_merger_move_the_same_money(tmp_path):
    system = netkit.load_system(dale(tmp_path, two=True))
    before, _ = money(system)
    assert before.loc["ACU"].tolist() == [-25_000.0, 0.0, -16_000.0]
    assert before.loc["COM"].tolist() == [0.0, 0.0, -14_000.0]
    result = netkit.apply_changes(system, Changeset.of([MERGE]))
    after, merged = money(result.system)
    assert after.loc["DALE"].tolist() == [-25_000.0, 0.0, -30_000.0]
    assert after.loc["ICB"].tolist() == before.loc["ICB"].tolist() == [0.0, -25_000.0, 25_000.0]
    assert merged.system_net == -5_000.0
    rels = result.system.relationships
    contracts = rels[rels["type"] == "commissions"]
    assert contracts[["source", "target", "value", "payment", "service"]].fillna("").values \
        .tolist() == [["ICB", "DALE", 95_000_000.0, "block", ""],
                      ["ICB", "DALE", 80_000_000.0, "activity", "ED"]]
    assert (1, "ICB's contracts with ACU (activity, £80m) and COM (block, £95m) are kept per "
               "service line in DALE: block for every service not named on another contract "
               "(UCR); activity for ED") in result.log
    assert not any("payment basis changes" in line for _, line in result.log)


def test_a_merger_on_one_basis_gives_one_tie_and_saves_as_version_1(tmp_path):
    system = netkit.load_system(dale(tmp_path, two=True, acu="block"))
    result = netkit.apply_changes(system, Changeset.of([MERGE]))
    rels = result.system.relationships
    contracts = rels[rels["type"] == "commissions"]
    assert contracts[["source", "target", "value", "payment"]].values.tolist() == [
        ["ICB", "DALE", 175_000_000.0, "block"]]
    assert contracts["service"].isna().all()
    assert not any("service line" in line for _, line in result.log)
    netkit.save_system(result.system, tmp_path / "saved")
    header = (tmp_path / "saved" / "relationships.csv").read_text().splitlines()[0]
    assert "service" not in header.split(",")


def test_service_lines_are_saved_and_read_back(tmp_path):
    system = netkit.load_system(dale(tmp_path, two=True))
    merged = netkit.apply_changes(system, Changeset.of([MERGE])).system
    netkit.save_system(merged, tmp_path / "saved")
    header = (tmp_path / "saved" / "relationships.csv").read_text().splitlines()[0]
    assert header.split(",")[-1] == "service"
    again = netkit.load_system(tmp_path / "saved")
    assert money(again)[0].loc["DALE"].tolist() == [-25_000.0, 0.0, -30_000.0]


def test_a_system_without_service_lines_saves_no_service_column(tmp_path):
    system = netkit.load_system(dale(tmp_path, two=True))
    netkit.save_system(system, tmp_path / "saved")
    header = (tmp_path / "saved" / "relationships.csv").read_text().splitlines()[0]
    assert header == "source,target,type,value,payment,strength"


# validation -----------------------------------------------------------------------------------

def test_each_problem_with_a_service_line_is_named_at_once(tmp_path):
    rels = ("source,target,type,value,payment,strength,service\n"
            "ICB,TRUST,commissions,80000000,activity,0.8,\n"
            "ICB,TRUST,commissions,95000000,block,0.8,UCRR\n"
            "ICB,TRUST,commissions,1000,block,0.8,ED;UCR\n"
            "ICB,TRUST,commissions,2000,block,0.8,UCR\n"
            "LA,TRUST,partnership,,,0.5,ED\n")
    folder = dale(tmp_path, relationships=rels)
    (folder / "organisations.csv").write_text(
        "id,name,type\nICB,Dale ICB,icb\nLA,Dale Council,local_authority\n"
        "TRUST,Dale Trust,acute_trust\nOTHER,Other,vcse\n")
    (folder / "services.csv").write_text(
        SERVICES.format(ed="TRUST", ucr="TRUST")
        + "BEF,Befriending,OTHER,vcse_support,,,,\n")
    with (folder / "relationships.csv").open("a") as f:
        f.write("ICB,TRUST,commissions,10,activity,0.8,BEF\n")
    report = netkit.validate(folder)
    assert [str(p) for p in report.errors] == [
        "relationships.csv row 3, column service: 'UCRR' is not a service id in services.csv "
        "(did you mean 'UCR'?); name one of TRUST's services",
        "relationships.csv row 5, column service: 'UCR' already has a contract from ICB to "
        "TRUST at row 4; give each service line one contract (add the values together in one "
        "row)",
        "relationships.csv row 7, column service: 'BEF' is a service of OTHER, not of TRUST; a "
        "contract pays for services its target provides: name one of TRUST's services, or give "
        "the contract to OTHER",
    ]
    assert [str(p) for p in report.warnings] == [
        "relationships.csv row 6, column service: 'ED' is given on a 'partnership' "
        "relationship; only 'commissions' rows name a service line, so it is ignored (remove "
        "it)"]
    with pytest.raises(netkit.errors.NetkitError):
        netkit.load_system(folder)
