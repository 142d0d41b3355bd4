"""Scope: pathways, places, cohorts, commissioners and representation."""

from __future__ import annotations

from dataclasses import replace

import pytest

import netkit
from netkit.errors import OptionError
from netkit.model.opportunity import Opportunity
from netkit.partners.scope import find_scope, parse_represent


def tiny():
    return netkit.load_system(netkit.sample_path("tiny"))


def riverside():
    return netkit.load_system(netkit.sample_path("riverside"))


def test_tiny_frailty_scope_by_hand():
    system = tiny()
    scope = find_scope(system, system.opportunity("frailty"))  # reach: pathway in the sample
    assert scope.pathways == ("frailty",)
    assert len(scope.flows) == 16
    assert scope.patients == 1500
    assert dict(zip(scope.services["id"], scope.services["activity"])) == {
        "AMB999": 500.0, "CH": 50.0, "ED": 500.0, "GPS": 1000.0, "REABLE": 150.0,
        "UCR": 200.0, "WARD": 320.0}
    roles = dict(zip(scope.organisations["id"], scope.organisations["role"]))
    assert roles == {"ACUTE": "provider", "AMB": "provider", "CARE": "provider",
                     "COMM": "provider", "COUNCIL": "provider and commissioner",
                     "GP1": "provider", "ICB": "commissioner"}
    assert scope.candidates == ["ACUTE", "AMB", "CARE", "COMM", "COUNCIL", "ICB", "PCN1"]
    assert scope.members() == {"PCN1": ["GP1"]}


def test_tags_select_every_tagged_pathway():
    system = tiny()
    scope = find_scope(system, Opportunity("x", pathways=("tag:frailty",)))
    assert scope.pathways == ("frailty", "falls")
    scope = find_scope(system, Opportunity("x", pathways=("tag:prevention",)))
    assert scope.pathways == ("falls",)


def test_cohort_filter():
    system = tiny()
    scope = find_scope(system, Opportunity("x", pathways=("tag:frailty",),
                                           cohort=("older_people",)))
    assert scope.pathways == ("falls",)


def test_represent_none_keeps_practices():
    system = tiny()
    scope = find_scope(system, system.opportunity("falls"), represent={})
    assert scope.candidates == ["COMM", "GP1", "ICB"]
    assert scope.members() == {}


def test_place_rule_uses_flow_place_then_ends():
    """Riverside frailty flows carry their own place; in the North, the South's council, care
    homes and home care are out of scope, while system-wide trusts come in."""
    system = riverside()
    scope = find_scope(system, system.opportunity("riverton-home-first"))
    ids = set(scope.organisations["id"])
    assert {"ACU-RIV", "COM-TRUST", "LA-NORTH", "ICB-RIV"} <= ids
    assert not {"LA-SOUTH", "CH-WILLOW", "CH-MEADOW", "HC-BRIGHT", "P81013"} & ids
    assert set(scope.flows["place"]) == {"North"}
    # the shift moves patients on from the elderly wards sooner: the 999 service that brought
    # them in does nothing differently, so it is not in the intervention's scope
    assert "AMB-WC" not in ids


def test_place_rule_for_flows_without_a_place(tiny_dir):
    """Tiny flows have no place column: a flow belongs to its ends' places. In the South only
    flows touching the care home (South) are in scope; system-wide services enter only so."""
    system = netkit.load_system(tiny_dir)
    scope = find_scope(system, Opportunity("x", pathways=("frailty",), places=("South",)))
    pairs = sorted(zip(scope.flows["source"], scope.flows["target"]))
    assert pairs == [("CH", "@home"), ("WARD", "CH")]
    # ACUTE's ward (North, through its provider) is in scope through the care home's flow;
    # COUNCIL commissions the care home but belongs to the North, so it is left out.
    assert scope.candidates == ["ACUTE", "CARE", "ICB"]


def test_commissioner_of_another_place_is_left_out():
    system = tiny()
    north = find_scope(system, Opportunity("x", pathways=("frailty",), places=("North",)))
    assert dict(zip(north.organisations["id"], north.organisations["role"]))["COUNCIL"] == \
        "provider and commissioner"
    south = find_scope(system, Opportunity("x", pathways=("frailty",), places=("South",)))
    assert "COUNCIL" not in set(south.organisations["id"])
    assert "ICB" in set(south.organisations["id"])  # system-wide commissioners stay


def test_parse_represent():
    assert parse_represent("gp_practice=parent,care_home=parent") == {
        "gp_practice": "parent", "care_home": "parent"}
    assert parse_represent("none") == {}
    assert parse_represent("gp_practice=self") == {}
    with pytest.raises(OptionError, match=r"represent: gp_practice='up' is not a rule"):
        parse_represent("gp_practice=up")


def test_999_service_is_not_a_partner_in_stroke_early_supported_discharge():
    """The stroke unit already hands patients on to early supported discharge: the shift moves
    them on sooner. The 999 service conveys them to hospital as before."""
    system = riverside()
    scope = find_scope(system, system.opportunity("stroke-early-discharge"))
    ids = set(scope.organisations["id"])
    assert "AMB-WC" not in ids and "AMB-999" not in set(scope.services["id"])
    assert {"ACU-RIV", "COM-TRUST", "LA-NORTH", "LA-SOUTH", "ICB-RIV"} <= ids
    # where the stroke unit's and the ESD team's patients go next, and every service the
    # patients diverted from the stroke unit would have reached afterwards (their activity
    # falls with them): the discharge teams, reablement, the hospice, and home care after them
    assert {"DSW-N", "REAB-N", "HOSP-IPU", "HC-HELP-DOM"} <= set(scope.services["id"])
    assert scope.extent.startswith("what the shift changes")
    assert scope.patients == 1250  # arriving at the stroke unit: 1,000 by 999, 250 from ED
    ps = netkit.find_partners(system, "stroke-early-discharge")
    assert ps.tier_of("AMB-WC") is None
    assert ("scope: what the shift changes: the 'from' and 'to' services, where their patients "
            "go next, and the services whose referrals it redirects") in ps.to_text()


def test_reach_widens_the_intervention_scope_step_by_step():
    system = riverside()
    opp = system.opportunity("stroke-early-discharge")
    one = find_scope(system, replace(opp, reach=1))
    # a step back from the stroke unit: the 999 service and the emergency department that
    # bring its patients
    assert {"AMB-999", "ED-RIV"} <= set(one.services["id"])
    assert one.extent.endswith("widened by 1 step along the pathway (reach: 1)")
    whole = find_scope(system, replace(opp, reach="pathway"))
    assert "AMB-WC" in set(whole.organisations["id"])
    assert whole.extent == "the whole pathway (reach: pathway)"
    assert len(whole.flows) == (system.flows["pathway"] == "stroke").sum()


def test_patients_sent_somewhere_instead_change_their_referrers_handoffs():
    """Tiny: no patient goes from ED to urgent community response, so the shift sends patients
    to UCR *instead of* ED: the practices and the 999 service that send them to ED change what
    they do; and the ward's onward care (reablement, the care home), which the diverted
    patients no longer reach, is in scope with the council that provides it."""
    system = tiny()
    frailty = replace(system.opportunity("frailty"), reach=None)  # the sample takes it whole
    scope = find_scope(system, frailty)
    assert sorted(zip(scope.flows["source"], scope.flows["target"])) == [
        ("@home", "AMB999"), ("@home", "GPS"), ("AMB999", "@home"), ("AMB999", "ED"),
        ("CH", "@home"), ("ED", "@home"), ("ED", "WARD"), ("GPS", "@home"), ("GPS", "ED"),
        ("GPS", "UCR"), ("REABLE", "@home"), ("UCR", "@home"), ("UCR", "WARD"),
        ("WARD", "@home"), ("WARD", "CH"), ("WARD", "REABLE")]
    assert "COUNCIL" in set(scope.organisations["id"])
    widened = find_scope(system, replace(frailty, reach=1))
    assert len(widened.flows) == 16  # tiny's frailty pathway has no more


def test_without_a_shift_the_scope_is_the_whole_pathway():
    system = tiny()
    scope = find_scope(system, system.opportunity("falls"))
    assert scope.extent == "the whole pathway (the opportunity gives no shift)"
    assert len(scope.flows) == (system.flows["pathway"] == "falls").sum()


def test_flows_are_coded_by_pathway_once_per_system_and_never_across_a_change(monkeypatch):
    """Every opportunity of a system finds its flows in one coding of the flows' pathways;
    a changed system is a new system, coded afresh (nothing stale)."""
    import netkit.partners.scope as scope_module
    from netkit.change.changeset import Changeset

    coded = []
    real = scope_module._pathway_codes
    monkeypatch.setattr(scope_module, "_pathway_codes",
                        lambda system: coded.append(system) or real(system))
    system = tiny()
    report = netkit.find_all_partners(system)
    assert len(report.partner_sets) == 2 and coded == [system]
    changed = netkit.apply_changes(system, Changeset.of([
        {"scale_flows": {"pathway": "frailty", "factor": 2}}])).system
    scope = find_scope(changed, changed.opportunity("frailty"))
    assert coded == [system, changed]
    assert scope.patients == 3000  # 1,500 entering, doubled
    assert find_scope(system, system.opportunity("frailty")).patients == 1500


def test_members_are_worked_out_once_and_handed_out_as_copies():
    system = tiny()
    scope = find_scope(system, system.opportunity("frailty"))
    members = scope.members()
    members["PCN1"].append("X")
    members["ICB"] = ["Y"]
    assert scope.members() == {"PCN1": ["GP1"]}
