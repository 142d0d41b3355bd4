"""Seats: primary care, care homes and other small organisations of one kind in one place take
part as one partner; named seats; a lead provider's seat; parent representation never makes a
commissioner a provider."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from netkit.cli import cli

import netkit
from netkit.change.changeset import parse_changeset
from netkit.errors import OptionError
from netkit.model.opportunity import Opportunity
from netkit.partners.scope import find_scope
from netkit.partners.seats import assign_seats

ORGS = """id,name,type,sector,place,parent,budget
ICB,Vale ICB,icb,nhs,,,
ACU,Vale Hospital,acute_trust,nhs,,,
IND,Vale Diagnostics Ltd,other,independent,,,
PCN-A1,Avon PCN,pcn,nhs,A,ICB,
PCN-A2,Brook PCN,pcn,nhs,A,ICB,
GP-A1,Avon Surgery,gp_practice,nhs,A,PCN-A1,
GP-A2,Brook Surgery,gp_practice,nhs,A,PCN-A2,
PCN-B1,Cole PCN,pcn,nhs,B,ICB,
PCN-B2,Dane PCN,pcn,nhs,B,ICB,
PCN-B3,Eden PCN,pcn,nhs,B,ICB,
GP-B1,Cole Surgery,gp_practice,nhs,B,PCN-B1,
GP-B2,Dane Surgery,gp_practice,nhs,B,PCN-B2,
GP-B3,Eden Surgery,gp_practice,nhs,B,PCN-B3,
GP-C1,Fell Surgery,gp_practice,nhs,C,,
GP-C2,Glen Surgery,gp_practice,nhs,C,,
CH-A1,Oak House,care_home,independent,A,,
CH-A2,Elm House,care_home,independent,A,,
"""
SERVICES = """id,name,provider,category,place,capacity,unit_cost,price
ED,Emergency department,ACU,urgent_emergency,,,300,300
SCAN,Scanning,IND,other,,,100,100
GPS-A1,General practice,GP-A1,primary_care,,,40,
GPS-A2,General practice,GP-A2,primary_care,,,40,
GPS-B1,General practice,GP-B1,primary_care,,,40,
GPS-B2,General practice,GP-B2,primary_care,,,40,
GPS-B3,General practice,GP-B3,primary_care,,,40,
GPS-C1,General practice,GP-C1,primary_care,,,40,
GPS-C2,General practice,GP-C2,primary_care,,,40,
CHS-A1,Residential care,CH-A1,care_home,,,2000,2000
CHS-A2,Residential care,CH-A2,care_home,,,2000,2000
"""
#: Two PCNs of equal size in A (100 patients each), three in B, two practices with no PCN in
#: C (300 each); each practice sends 30% to ED (336 in all); ED sends 100 for scans (a
#: subcontract), 20 to each care home and 196 home.
FLOWS = """pathway,source,target,patients
p,@home,GPS-A1,100
p,@home,GPS-A2,100
p,@home,GPS-B1,100
p,@home,GPS-B2,100
p,@home,GPS-B3,120
p,@home,GPS-C1,300
p,@home,GPS-C2,300
p,GPS-A1,ED,30
p,GPS-A2,ED,30
p,GPS-B1,ED,30
p,GPS-B2,ED,30
p,GPS-B3,ED,36
p,GPS-C1,ED,90
p,GPS-C2,ED,90
p,GPS-A1,@home,70
p,GPS-A2,@home,70
p,GPS-B1,@home,70
p,GPS-B2,@home,70
p,GPS-B3,@home,84
p,GPS-C1,@home,210
p,GPS-C2,@home,210
p,ED,SCAN,100
p,SCAN,@home,100
p,ED,CHS-A1,20
p,ED,CHS-A2,20
p,CHS-A1,@home,20
p,CHS-A2,@home,20
p,ED,@home,196
"""
RELATIONSHIPS = """source,target,type,value,payment,strength
ICB,ACU,commissions,1000000,activity,0.8
ACU,IND,subcontracts,50000,activity,0.5
"""


def write_system(folder: Path, orgs: str = ORGS, relationships: str = RELATIONSHIPS,
                 opportunities: str = "- id: opp\n  pathways: [p]\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "system.yaml").write_text("name: Vale\n")
    (folder / "organisations.csv").write_text(orgs)
    (folder / "services.csv").write_text(SERVICES)
    (folder / "pathways.csv").write_text("id,name\np,Pathway\n")
    (folder / "flows.csv").write_text(FLOWS)
    (folder / "relationships.csv").write_text(relationships)
    (folder / "opportunities.yaml").write_text(opportunities)
    return folder


@pytest.fixture
def vale(tmp_path):
    return netkit.load_system(write_system(tmp_path / "vale"))


def test_default_seats_by_kind_and_place(vale):
    scope = find_scope(vale, vale.opportunity("opp"))
    seats = scope.seats.set_index("id")
    assert seats.loc["primary_care:A", "members"] == ["GP-A1", "GP-A2"]
    assert seats.loc["primary_care:B", "members"] == ["GP-B1", "GP-B2", "GP-B3"]
    assert seats.loc["care_homes:A", "members"] == ["CH-A1", "CH-A2"]
    assert seats.loc["care_homes:A", "filled_by"] == "a care-home providers' forum"
    # statutory bodies sit alone; the lead provider stands for its subcontractor
    assert scope.candidate_of["ICB"] == "ICB"
    assert scope.candidate_of["IND"] == "ACU"
    assert seats.loc["ACU", "members"] == ["ACU", "IND"]


def test_pcns_of_equal_size_share_one_seat_whose_figures_add_up(vale):
    ps = netkit.find_partners(vale, "opp")
    row = ps.partners.set_index("id").loc["primary_care:A"]
    assert row["activity"] == 200  # 100 + 100 contacts at the two practices
    assert row["kind"] == "seat" and row["members"] == ["GP-A1", "GP-A2"]
    assert not {"PCN-A1", "PCN-A2", "GP-A1"} & set(ps.partners["id"])
    assert ps.tier_of("GP-A1") == ps.tier_of("GP-A2")
    assert any("usually filled by a PCN clinical directors' forum or the GP federation" in r
               for r in row["reasons"])
    assert any(r.startswith("a seat for primary care in A: 2 GP practices in 2 PCNs (Avon "
                            "Surgery, Brook Surgery)") for r in row["reasons"])
    item = next(p for p in ps.to_dict()["partners"] if p["id"] == "primary_care:A")
    assert (item["kind"], item["members"]) == ("seat", ["GP-A1", "GP-A2"])
    icb = next(p for p in ps.to_dict()["partners"] if p["id"] == "ICB")
    assert (icb["kind"], icb["members"]) == ("organisation", ["ICB"])


def test_a_lead_providers_seat_adds_its_subcontractors_figures(vale):
    ps = netkit.find_partners(vale, "opp")
    acu = ps.partners.set_index("id").loc["ACU"]
    assert acu["activity"] == 336 + 100  # ED's 336 contacts and the scans it subcontracts
    assert acu["name"] == "Vale Hospital" and acu["kind"] == "seat"
    assert ("lead provider for Vale Diagnostics Ltd, which it subcontracts to: it answers for "
            "them at the table") in acu["reasons"]


def test_a_merger_of_two_other_pcns_moves_no_seat(vale):
    before = netkit.find_partners(vale, "opp")
    merged = netkit.apply_changes(vale, parse_changeset({
        "date": "2026-10-01", "changes": [{"merge_organisations": {
            "organisations": ["PCN-B1", "PCN-B2"],
            "into": {"id": "PCN-B12", "name": "Cole and Dane PCN", "type": "pcn"}}}]})).system
    after = netkit.find_partners(merged, "opp")
    columns = ["id", "tier", "score", "activity"]
    assert before.partners[columns].equals(after.partners[columns])
    # without seats the same merger makes one PCN of two: the PCN candidates change
    alone = netkit.find_partners(merged, "opp", seats="none")
    assert "PCN-B12" in set(alone.partners["id"]) and "PCN-B1" not in set(alone.partners["id"])


def test_a_place_with_no_pcn_keeps_primary_care_at_the_table(vale):
    ps = netkit.find_partners(vale, "opp")
    assert ps.scope.seats.set_index("id").loc["primary_care:C", "members"] == ["GP-C1", "GP-C2"]
    assert ps.tier_of("GP-C1") == "core"
    assert ps.partners.set_index("id").loc["primary_care:C", "activity"] == 600
    # alone, each practice of C is its own candidate
    alone = netkit.find_partners(vale, "opp", seats="none")
    assert {"GP-C1", "GP-C2"} <= set(alone.partners["id"])


def test_including_a_member_seats_its_seat_and_excluding_one_takes_it_out(vale):
    included = netkit.find_partners(vale, Opportunity("opp", pathways=("p",),
                                                      include=("CH-A1",)))
    assert included.scope.candidate_of["CH-A1"] == "care_homes:A"
    assert included.tier_of("CH-A1") == included.tier_of("CH-A2") == "core"
    assert "on the opportunity's must-include list" in \
        included.partners.set_index("id").loc["care_homes:A", "reasons"]
    excluded = netkit.find_partners(vale, Opportunity("opp", pathways=("p",),
                                                      exclude=("GP-A1",)))
    # the excluded practice leaves the seat (it takes part through its PCN, which is excluded)
    assert excluded.scope.candidate_of["GP-A1"] == "PCN-A1"
    assert excluded.excluded == ["PCN-A1"]
    # the seat of A is left with one member, which is no seat: it takes part through its PCN
    assert excluded.scope.candidate_of["GP-A2"] == "PCN-A2"
    assert "primary_care:A" not in set(excluded.partners["id"])
    # the seat of B is untouched
    assert excluded.scope.candidate_of["GP-B1"] == "primary_care:B"


def test_parent_representation_never_makes_a_commissioner_a_provider(vale):
    ps = netkit.find_partners(vale, "opp", seats="none", represent="gp_practice=parent,pcn=parent")
    table = ps.partners.set_index("id")
    assert table.loc["ICB", "activity"] == 0  # the PCNs' ODS parent is the ICB: not followed
    assert table.loc["PCN-A1", "activity"] == 100


def test_named_seats_replace_the_rules_for_their_members(vale, tmp_path):
    seats = tmp_path / "seats.csv"
    seats.write_text("id,name,members,kind\n"
                     "WEST,West primary care,GP-A1;GP-B1;ICB,primary_care\n")
    scope = find_scope(vale, vale.opportunity("opp"), seats=str(seats))
    assert scope.candidate_of["GP-A1"] == "WEST" and scope.candidate_of["GP-B1"] == "WEST"
    assert scope.candidate_of["ICB"] == "ICB"  # a statutory body sits alone
    assert scope.candidate_of["GP-A2"] == "PCN-A2"  # its place's seat is left with one member
    assert scope.seats.set_index("id").loc["WEST", "basis"] == "seats.csv"


def test_named_seats_file_must_name_organisations(vale, tmp_path):
    seats = tmp_path / "seats.csv"
    seats.write_text("id,name,members\nX,X,GP-A1;NOBODY\n")
    with pytest.raises(netkit.InputError, match="NOBODY"):
        find_scope(vale, vale.opportunity("opp"), seats=str(seats))
    with pytest.raises(OptionError, match="seats: 'nowhere.csv' is not a file"):
        find_scope(vale, vale.opportunity("opp"), seats="nowhere.csv")


def test_seats_none_leaves_every_organisation_alone(vale):
    seat_of, seats = assign_seats(vale, ["GP-A1", "GP-A2", "ICB"], "none")
    assert seat_of == {} and seats.empty
    ps = netkit.find_partners(vale, "opp", seats="none")
    assert set(ps.partners["kind"]) == {"organisation"}
    assert ps.options["seats"] == "none"


def test_cli_seats_option(tmp_path):
    folder = write_system(tmp_path / "vale")
    runner = CliRunner()
    result = runner.invoke(cli, ["partners", str(folder), "-O", "opp", "--seats", "none",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {p["kind"] for p in json.loads(result.output)["partners"]} == {"organisation"}
    result = runner.invoke(cli, ["partners", str(folder), "-O", "opp", "--format", "json"])
    kinds = {p["id"]: p["kind"] for p in json.loads(result.output)["partners"]}
    assert kinds["primary_care:A"] == "seat"
    result = runner.invoke(cli, ["partners", str(folder), "-O", "opp", "--seats",
                                 str(tmp_path / "missing.csv")])
    assert result.exit_code == 2  # an option value netkit cannot use
    assert "is not a file (expected default, none or a seats.csv file" in result.output
    assert "Traceback" not in result.output


@settings(max_examples=20, deadline=None)
@given(patients=st.lists(st.integers(min_value=1, max_value=500), min_size=7, max_size=7))
def test_a_seats_figures_add_up_its_members(tmp_path_factory, patients):
    """Whatever the practices' sizes, a seat's activity is the sum of its members' activity
    when each takes part alone, and seats move no contact in or out of scope."""
    base = netkit.load_system(write_system(tmp_path_factory.mktemp("vale") / "vale"))
    tables = base.tables()
    flows = tables["flows"]
    practices = ["GPS-A1", "GPS-A2", "GPS-B1", "GPS-B2", "GPS-B3", "GPS-C1", "GPS-C2"]
    for service, n in zip(practices, patients):
        flows.loc[(flows["source"] == "@home") & (flows["target"] == service), "patients"] = n
        flows.loc[(flows["source"] == service) & (flows["target"] == "@home"), "patients"] = \
            max(n - 30 - (6 if service == "GPS-B3" else 0) - (60 if "C" in service else 0), 0)
    system = netkit.System(tables, opportunities=base.opportunities.values())
    opp = system.opportunity("opp")
    seated = find_scope(system, opp)
    alone = find_scope(system, opp, represent={}, seats="none")
    by_org = alone.services.groupby("provider")["activity"].sum()
    by_seat = seated.services.groupby("candidate")["activity"].sum()
    for seat in seated.seats.itertuples():
        assert by_seat[seat.id] == pytest.approx(by_org.reindex(seat.members).sum())
    assert by_seat.sum() == pytest.approx(by_org.sum())


def test_seats_none_on_the_opportunity_and_seats_csv_in_the_system(tmp_path):
    folder = write_system(tmp_path / "vale", opportunities=(
        "- id: opp\n  pathways: [p]\n- id: alone\n  pathways: [p]\n  seats: none\n"))
    (folder / "seats.csv").write_text("id,name,members,kind\n"
                                      "HOMES,Vale care homes forum,CH-A1;CH-A2,care_homes\n")
    system = netkit.load_system(folder)
    assert set(netkit.find_partners(system, "alone").partners["kind"]) == {"organisation"}
    ps = netkit.find_partners(system, "opp")
    assert ps.scope.candidate_of["CH-A1"] == "HOMES"
    row = ps.partners.set_index("id").loc["HOMES"]
    assert row["name"] == "Vale care homes forum" and row["members"] == ["CH-A1", "CH-A2"]
    assert any("(named in seats.csv)" in r for r in row["reasons"])
    # the option wins over the opportunity's setting
    assert "primary_care:A" in set(netkit.find_partners(system, "alone",
                                                        seats="default").partners["id"])


def test_a_partner_query_builds_its_candidate_frame_once(monkeypatch):
    """The scope's candidates (names, types, budgets, seats) are read three times in a query
    (groups for brokerage roles, the partner table, the reasons) and built once; a query on
    another system (the released figures of a disclosure check) builds its own."""
    import netkit.partners.seats as seats_module

    built = []
    real = seats_module._candidate_frame
    monkeypatch.setattr(seats_module, "_candidate_frame",
                        lambda system, scope: built.append(system) or real(system, scope))
    system = netkit.load_system(netkit.sample_path("tiny"))
    ps = netkit.find_partners(system, "frailty")
    assert built == [system]
    assert ps.partners.set_index("id").loc["PCN1", "members"] == ["PCN1"]
