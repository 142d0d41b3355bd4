"""Scope: pathways, places, cohorts, commissioners and representation."""

from __future__ import annotations

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
    scope = find_scope(system, system.opportunity("frailty"))
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
    assert {"ACU-RIV", "COM-TRUST", "AMB-WC", "LA-NORTH", "ICB-RIV"} <= ids
    assert not {"LA-SOUTH", "CH-WILLOW", "CH-MEADOW", "HC-BRIGHT", "P81013"} & ids
    assert set(scope.flows["place"]) == {"North"}


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
