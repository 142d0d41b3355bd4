"""Statutory duties: a council whose social care or AMHP service is in scope is at least
``involve``, with the duty named; what the analyst includes is seated even with no flows, and
validation says when an included or excluded organisation takes no part."""

from __future__ import annotations

import shutil

import pytest

import netkit
from netkit.model.opportunity import Opportunity
from netkit.partners.duties import duty_councils
from netkit.partners.scope import find_scope

ORGS = """id,name,type,sector,place,parent,budget
ICB,Vale ICB,icb,nhs,,,
MHT,Vale Mental Health Trust,mental_health_trust,nhs,,,
CC,Vale Council,local_authority,local_government,North,,
"""
SERVICES = """id,name,provider,category,place,capacity,unit_cost,price
CRISIS,Crisis resolution and home treatment,MHT,mental_health,,,600,
WARD,Acute mental health ward,MHT,mental_health,,,9000,
AMHP,Approved Mental Health Professional service,CC,mental_health,North,,500,
"""
#: 1,000 crisis referrals a year; 20 AMHP assessments, every one leading to admission.
FLOWS = """pathway,source,target,patients
mh,@home,CRISIS,1000
mh,CRISIS,AMHP,20
mh,CRISIS,@home,980
mh,AMHP,WARD,20
mh,WARD,@home,20
"""


@pytest.fixture
def vale(tmp_path):
    folder = tmp_path / "vale"
    folder.mkdir()
    (folder / "system.yaml").write_text("name: Vale\n")
    for name, text in (("organisations", ORGS), ("services", SERVICES), ("flows", FLOWS)):
        (folder / f"{name}.csv").write_text(text)
    (folder / "relationships.csv").write_text(
        "source,target,type,value,payment,strength\nICB,MHT,commissions,1000000,block,0.9\n")
    (folder / "pathways.csv").write_text("id,name,cohort,tags\nmh,Crisis,adults,mental_health\n")
    (folder / "opportunities.yaml").write_text("- id: crisis\n  pathways: [mh]\n")
    return netkit.load_system(folder)


def test_a_council_whose_amhp_service_is_in_scope_is_at_least_involve(vale):
    scope = find_scope(vale, vale.opportunity("crisis"))
    assert list(duty_councils(vale, scope.flows, scope.services)) == ["CC"]
    ps = netkit.find_partners(vale, "crisis", coordination_cost="partner=0.5")
    council = ps.partners.set_index("id").loc["CC"]
    assert council["tier"] == "involve"  # 20 of 1,040 contacts: not worth a seat, but its duty
    assert ("its Mental Health Act duties (Approved Mental Health Professionals) are touched: "
            "Approved Mental Health Professional service is in scope") in council["reasons"]


def test_care_act_duty_on_riverside_stroke_discharge():
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    ps = netkit.find_partners(riverside, "stroke-early-discharge")
    for council in ("LA-NORTH", "LA-SOUTH"):
        row = ps.partners.set_index("id").loc[council]
        assert row["tier"] in ("core", "involve")
        assert any("its Care Act duties (adult social care) are touched: it provides" in r
                   for r in row["reasons"])


def test_a_duty_reason_releases_its_counts_under_disclosure_rules():
    """Riverton City Council's 18 contacts and 18 residents entering social care in riverside's
    crisis alternatives are 20 and 20 under the nhs rules (nearest 5), as the other reasons
    round theirs; without rules they are as counted."""
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    said = ("its Care Act duties (adult social care) are touched: it provides {n} contacts a "
            "year at Hospital discharge social work (Riverton); {n} of its residents a year "
            "enter adult social care in scope (each counted once, as they enter it, not again "
            "at each service they move on to)")
    for disclosure, n in ((None, 18), ("nhs", 20)):
        ps = netkit.find_partners(riverside, "crisis-alternatives", disclosure=disclosure)
        assert said.format(n=n) in ps.partners.set_index("id").loc["LA-NORTH", "reasons"]


def test_include_seats_an_organisation_with_no_flows():
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    opp = Opportunity("asthma", pathways=("child-asthma",), include=("HOUSING", "LA-NORTH"))
    ps = netkit.find_partners(riverside, opp)
    table = ps.partners.set_index("id")
    assert table.loc["HOUSING", "tier"] == "core" and table.loc["LA-NORTH", "tier"] == "core"
    assert "included by the analyst (no patient flows in scope)" in table.loc["HOUSING",
                                                                            "reasons"]
    assert table.loc["HOUSING", "activity"] == 0
    assert ps.scope.included == ("HOUSING", "LA-NORTH")


def test_validation_warns_when_a_named_organisation_takes_no_part(tmp_path):
    folder = shutil.copytree(netkit.sample_path("riverside"), tmp_path / "riverside")
    text = (folder / "opportunities.yaml").read_text()
    text = text.replace("  pathways: [child-asthma]\n",
                        "  pathways: [child-asthma]\n  include: [HOUSING, LA-NORTH]\n"
                        "  exclude: [VCSE-MIND]\n")
    (folder / "opportunities.yaml").write_text(text)
    report = netkit.validate(folder)
    assert report.ok
    got = {(w.column, w.value): w.message for w in report.warnings
           if "childrens-asthma" in str(w.column)}
    assert got[("opportunity childrens-asthma.include", "HOUSING")] == (
        "is outside the opportunity's part of the system (no service or contract on its "
        "pathways); it is seated as included by the analyst, with no figures")
    assert ("opportunity childrens-asthma.include", "LA-NORTH") in got
    assert got[("opportunity childrens-asthma.exclude", "VCSE-MIND")].endswith(
        "excluding it changes nothing")
    assert not [w for w in report.warnings if "frailty-admissions.include" in str(w.column)]


ASC_ORGS = """id,name,type,sector,place,parent,budget
ICB,Vale ICB,icb,nhs,,,
ACU,Vale Hospital,acute_trust,nhs,,,
CC,Vale Council,local_authority,local_government,North,,
HCP,Vale Home Care,social_care_provider,independent,,,
"""
ASC_SERVICES = """id,name,provider,category,place,capacity,unit_cost,price
WARD,Elderly care ward,ACU,acute_inpatient,,,4000,
DSW,Discharge social work,CC,social_care,North,,300,
REAB,Reablement,CC,social_care,North,,1500,
HOME,Home care,HCP,social_care,North,,5000,
"""
#: 100 patients discharged; 60 enter social care through discharge social work and 10 go
#: straight to home care: 70 residents enter adult social care. Arrivals at each service sum
#: to 60 + 40 + (30 + 10) = 140, counting the 40 and 30 who move on within it again.
ASC_FLOWS = """pathway,source,target,patients,place
frail,@home,WARD,100,North
frail,WARD,DSW,60,North
frail,WARD,HOME,10,North
frail,WARD,@home,30,North
frail,DSW,REAB,40,North
frail,DSW,@home,20,North
frail,REAB,HOME,30,North
frail,REAB,@home,10,North
frail,HOME,@home,40,North
"""


def test_residents_reaching_social_care_counted_once_as_they_enter_it(tmp_path):
    """Finding 11: residents entering adult social care (70), not the sum of arrivals at each
    of its services (140)."""
    folder = tmp_path / "vale"
    folder.mkdir()
    (folder / "system.yaml").write_text("name: Vale\n")
    for name, text in (("organisations", ASC_ORGS), ("services", ASC_SERVICES),
                       ("flows", ASC_FLOWS)):
        (folder / f"{name}.csv").write_text(text)
    (folder / "relationships.csv").write_text(
        "source,target,type,value,payment,strength\nCC,HCP,commissions,100000,block,0.9\n")
    (folder / "pathways.csv").write_text("id,name,cohort,tags\nfrail,Frailty,older,frailty\n")
    (folder / "opportunities.yaml").write_text("- id: asc\n  pathways: [frail]\n")
    vale = netkit.load_system(folder)
    scope = find_scope(vale, vale.opportunity("asc"))
    reason = duty_councils(vale, scope.flows, scope.services)["CC"]
    assert reason.endswith("; 70 of its residents a year enter adult social care in scope (each "
                           "counted once, as they enter it, not again at each service they move "
                           "on to)")


def test_a_provider_with_two_commissioned_services_is_named_once():
    # a reviewer: shire's council "commissions Meadowbank House's Residential and nursing care,
    # Meadowbank House's Residential care and ..."; the care home is named once, with both
    reasons = [r for rs in netkit.find_partners(netkit.load_system(netkit.sample_path("shire")),
                                                "frailty-admissions").partners["reasons"]
               for r in rs if "its Care Act duties" in r]
    assert any("it commissions Meadowbank House's Residential and nursing care and Residential "
               "care and Bright & Able Care's Home care;" in r for r in reasons)
    assert not any(r.count("Meadowbank House's") > 1 for r in reasons)
