"""Data-coverage warnings, each on a tiny system built by hand, and where reports show them."""

from __future__ import annotations

import json

import pandas as pd

from test_partners_verdict import ORGS, SERVICES, build, through

import netkit
from netkit.partners.scope import find_scope
from netkit.partners.warnings import coverage_warnings


def kinds(ps):
    return [(w.kind, w.subject) for w in ps.warnings]


#: a second practice group, in place B, and its service: the pathway then has primary care
ORGS_B = ORGS + [("PCN2", "South PCN", "pcn", "B")]
SERVICES_B = SERVICES + [("GPS2", "PCN2", "primary_care", 30, 30)]


def test_a_place_with_no_primary_care_and_no_council(tmp_path):
    # the pathway has primary care in B (South PCN) but none in A, where the hospital is
    system = build(tmp_path / "s", through("GPS2", "ED", "WARD"), orgs=ORGS_B,
                   services=SERVICES_B)
    ps = netkit.find_partners(system, "o")
    assert kinds(ps) == [("no_primary_care", "A"), ("no_council", "A"), ("no_council", "B")]
    assert ps.warnings[0].message == (
        "place A is in scope but the pathway has no primary care service there, though it has "
        "in other places: if its practices take part, their flows are missing, or the "
        "practices have no place")
    assert ps.warnings[1].message == (
        "place A is in scope but its council is not (no flows or contracts in scope): if its "
        "residents use social care on this pathway, those flows are missing")


def test_a_pathway_without_primary_care_is_not_a_gap(tmp_path):
    # review finding 24: ED to the wards has no GP on it; that is not missing data
    system = build(tmp_path / "s", through("ED", "WARD"))
    assert kinds(netkit.find_partners(system, "o")) == [("no_council", "A")]


def test_primary_care_off_the_shifts_route_is_not_a_gap():
    # review finding 24: Riverside's stroke (no primary care on its pathway) and crisis and
    # Riverton home-first (primary care on the pathway, not on the shifted route) warned "no
    # primary care service there has flows in scope" for North and South, or North
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    for opportunity in ("stroke-early-discharge", "crisis-alternatives", "riverton-home-first"):
        scope = find_scope(riverside, riverside.opportunity(opportunity))
        assert [w.kind for w in coverage_warnings(riverside, scope)
                if w.kind == "no_primary_care"] == [], opportunity


def test_primary_care_and_the_council_in_scope_silence_them(tmp_path):
    system = build(tmp_path / "s", through("GPS", "ED", "WARD", "CARE"))
    assert kinds(netkit.find_partners(system, "o")) == []


def test_a_county_wide_council_covers_every_place(tmp_path):
    orgs = [o if o[0] != "LA" else ("LA", "Vale County Council", "local_authority", "")
            for o in ORGS]
    system = build(tmp_path / "s", through("GPS", "ED", "CARE"), orgs=orgs)
    assert kinds(netkit.find_partners(system, "o")) == []


def test_places_csv_names_the_council_and_the_place(tmp_path):
    # the council's own place is B; places.csv makes it the council of A as well
    orgs = [o if o[0] != "LA" else ("LA", "Vale Council", "local_authority", "B") for o in ORGS]
    system = build(tmp_path / "s", through("GPS", "ED", "CARE"), orgs=orgs,
                   places=[("A", "Vale North", "LA"), ("B", "Vale South", "LA")])
    # the council's care service brings place B into scope, with no practice there
    assert kinds(netkit.find_partners(system, "o")) == [("no_primary_care", "B")]
    system = build(tmp_path / "t", through("GPS", "ED"), orgs=orgs,
                   places=[("A", "Vale North", "LA")])
    ps = netkit.find_partners(system, "o")
    assert kinds(ps) == [("no_council", "A")]
    assert ps.warnings[0].message.startswith("place Vale North (A) is in scope but its council "
                                             "is not")


def test_a_shift_destination_with_no_activity(tmp_path):
    system = build(tmp_path / "s", through("GPS", "ED", "CARE"),
                   {"shift": {"from": ["ED"], "to": ["HOSP"], "fraction": 0.2}})
    ps = netkit.find_partners(system, "o")
    assert kinds(ps) == [("empty_destination", "HOSP")]
    assert ps.warnings[0].message.startswith(  # the service and who runs it
        "the shift moves activity to HOSP, run by Vale Hospice (THIRD), which has no activity in "
        "scope")


def test_a_named_organisation_with_no_flows(tmp_path):
    system = build(tmp_path / "s", through("GPS", "ED", "CARE"),
                   {"include": ["THIRD"], "exclude": ["COMM"]})
    ps = netkit.find_partners(system, "o")
    assert kinds(ps) == [("named_without_flows", "THIRD"), ("named_without_flows", "COMM")]
    assert [w.message for w in ps.warnings] == [
        "Vale Hospice (THIRD) is named in include but has no flows or contracts in scope",
        "Vale Community (COMM) is named in exclude but has no flows or contracts in scope"]


def test_a_capacity_breach(tmp_path):
    # ED 100 contacts, DN 100; half of ED's move to DN: 150 against a capacity of 120
    system = build(tmp_path / "s", through("GPS", patients=10) + through("ED") + through("DN")
                   + through("CARE", patients=10),
                   {"shift": {"from": ["ED"], "to": ["DN"], "fraction": 0.5}},
                   capacity={"DN": 120, "ED": 50})
    ps = netkit.find_partners(system, "o")
    breaches = [w for w in ps.warnings if w.kind == "capacity"]
    assert [w.subject for w in breaches] == ["DN"]  # ED loses contacts: no breach
    # the money side's note where it gives one (else worked out here from the scope)
    assert breaches[0].message.startswith(  # DN has no name: its id, and who runs it
        "DN, run by Vale Community (COMM), goes from 100 to 150 contacts a year with the shift "
        "against its capacity of 120: 30 contacts short")


def test_a_capacity_breach_worked_out_here_without_the_money_sides_note(tmp_path):
    from types import SimpleNamespace

    from netkit.partners.warnings import _capacity

    system = build(tmp_path / "s", through("ED") + through("DN"), capacity={"DN": 120})
    scope = find_scope(system, system.opportunity("o"))
    inc = SimpleNamespace(notes=(), services=pd.DataFrame({"id": ["DN", "ED"],
                                                           "activity_change": [50.0, -50.0]}))
    [breach] = _capacity(system, scope, inc)
    assert (breach.subject, breach.message) == (
        "DN", "the shift takes DN, run by Vale Community (COMM), to 150 contacts a year on this "
              "opportunity's pathways alone, past its stated capacity of 120 (30 over)")


def test_warnings_head_every_report_and_are_in_json(tmp_path):
    system = build(tmp_path / "s", through("GPS2", "ED", "WARD"), orgs=ORGS_B,
                   services=SERVICES_B)
    ps = netkit.find_partners(system, "o")
    text = ps.to_text()
    assert text.index("Data coverage: 3 things to check") < text.index("Vale · pathways p")
    assert "  - ! place A is in scope but the pathway has no primary care service" in text
    markdown = ps.to_markdown()
    assert markdown.index("## Data coverage") < markdown.index("## Partners")
    assert "! place A is in scope but its council is not" in ps.to_html()
    data = json.loads(json.dumps(ps.to_dict()))
    assert [w["kind"] for w in data["warnings"]] == ["no_primary_care", "no_council",
                                                     "no_council"]
    assert set(data["warnings"][0]) == {"kind", "subject", "message"}


def test_tiny_falls_misses_its_council():
    tiny = netkit.load_system(netkit.sample_path("tiny"))
    warnings = coverage_warnings(tiny, find_scope(tiny, tiny.opportunity("falls")))
    assert [(w.kind, w.subject) for w in warnings] == [("no_council", "North")]


def test_a_discharge_scheme_warns_that_whole_stays_are_moved():
    """riverside stroke early supported discharge: the ESD team (SR-COM) already takes 500
    patients a year straight from the stroke unit (STR-RIV, acute inpatient); the scheme
    shortens stays there, which netkit does not model, so the stroke unit's money is an upper
    bound. Frailty admission avoidance (ED to urgent community response) is not a stay."""
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    stroke = coverage_warnings(riverside, find_scope(
        riverside, riverside.opportunity("stroke-early-discharge")))
    assert [(w.kind, w.subject) for w in stroke] == [("whole_stays", "STR-RIV")]
    assert stroke[0].message == (
        "Stroke early supported discharge (SR-COM) already takes 500 patients a year straight "
        "from Hyperacute stroke unit (STR-RIV), run by Riverside University Hospitals NHS "
        "Foundation Trust (ACU-RIV): if the scheme shortens stays there rather than avoiding "
        "them, the money overstates that service's loss of income and its savings, as netkit "
        "moves whole stays away from it (a bed-day model is not built); read its figures as an "
        "upper bound")
    frailty = coverage_warnings(riverside, find_scope(
        riverside, riverside.opportunity("frailty-admissions")))
    assert "whole_stays" not in {w.kind for w in frailty}


def test_reports_show_five_warnings_of_a_kind_and_count_the_rest_json_lists_all(tmp_path):
    # England's frailty query gave 766 warnings; a report shows five of each kind (by subject)
    # and one line counting the rest, the count at the top stays the whole
    import dataclasses

    from netkit.partners.warnings import CoverageWarning

    system = build(tmp_path / "s", through("GPS2", "ED", "WARD"), orgs=ORGS_B,
                   services=SERVICES_B)
    ps = netkit.find_partners(system, "o")
    many = tuple(CoverageWarning("empty_destination", f"S{i}", f"S{i} has no activity")
                 for i in range(8)) + ps.warnings[:1]
    ps = dataclasses.replace(ps, warnings=many)
    text = ps.to_text()
    assert "Data coverage: 9 things to check" in text
    flat = " ".join(text.split())  # the text report wraps long lines
    shown = ("- ! S0 has no activity - ! S1 has no activity - ! S2 has no activity - ! S3 has "
             "no activity - ! S4 has no activity - ! and 3 more services the shift moves "
             "activity to that have no activity in scope (the JSON report lists every one) - ! "
             "place A is in scope but the pathway has no primary care service")
    assert shown in flat
    assert "S5" not in text and "S5" not in ps.to_markdown()
    assert [w["subject"] for w in ps.to_dict()["warnings"]][:8] == [f"S{i}" for i in range(8)]


def test_an_organisation_asked_to_pay_that_is_not_in_scope_is_warned_about():
    # shire's riverton-home-first is scoped to North, but the money follows patients along the
    # whole pathway: Wealdon County Council (LA-SOUTH, the South's council) is asked to pay
    # £63,957 + £32,483 + £13,643 + £10,500 = £120,582 a year, and is no candidate
    from conftest import sample_system

    ps = netkit.find_partners(sample_system("shire"), "riverton-home-first")
    assert "LA-SOUTH" not in set(ps.partners["id"])
    paying = ps.risk_share.transfers
    assert round(paying.loc[paying["payer"] == "LA-SOUTH", "amount"].sum()) == 120_582
    [warning] = [w for w in ps.warnings if w.kind == "payer_not_in_scope"]
    assert warning.subject == "LA-SOUTH"
    assert warning.message == (
        "Wealdon County Council (LA-SOUTH) is asked to pay £120,000 a year under the risk and "
        "gain share (to Castleford City Council, NHS Shire Integrated Care Board, Bright & Able "
        "Care, Meadowbank House) but is not in scope: its spend changes because the money "
        "follows patients along the whole pathway, beyond the partners' scope; seat it (the "
        "opportunity's include) or agree the payments with it")
    # every payer in scope: no such warning (riverside's frailty)
    other = netkit.find_partners(sample_system("riverside"), "frailty-admissions")
    assert set(other.risk_share.transfers["payer"]) <= set(other.scope.organisations["id"])
    assert not [w for w in other.warnings if w.kind == "payer_not_in_scope"]


def test_a_capacity_warning_names_the_service_and_who_runs_it():
    # review: "! CRISIS-MH is already 690 contacts a year past its capacity of 3,000 ..."; the
    # service and its provider by name with the id in brackets, the option kept at the end
    from conftest import sample_system

    ps = netkit.find_partners(sample_system("metro"), "crisis-alternatives")
    [breach] = [w for w in ps.warnings if w.kind == "capacity"]
    assert breach.subject == "CRISIS-MH"
    assert breach.message == (
        "Crisis resolution and home treatment (CRISIS-MH), run by Metro & District Mental Health "
        "NHS Foundation Trust (MH-TRUST), is already 690 contacts a year past its capacity of "
        "3,000 before the shift; the shift takes it to 3,968, 968 short in all, of which the "
        "shift's own 278 cost about £170,000 a year of staff at its unit cost (costed as new "
        "staff; --cap-at-capacity caps the shift instead)")
    assert "note: capacity: Crisis resolution and home treatment (CRISIS-MH), run by" in (
        " ".join(ps.to_text().split()))


def test_no_warning_in_the_samples_names_a_service_by_its_id_alone():
    # every warning the four samples print names a service by name, its id in brackets
    import re

    from conftest import sample_system

    for sample in ("tiny", "riverside", "metro", "shire"):
        system = sample_system(sample)
        ids = sorted(system.services["id"], key=len, reverse=True)
        bare = re.compile(r"(?<![\w(-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
        for opp in system.opportunities:
            ps = netkit.find_partners(system, opp.id if hasattr(opp, "id") else opp)
            for w in ps.warnings:
                assert not bare.search(w.message), (sample, w.message)
