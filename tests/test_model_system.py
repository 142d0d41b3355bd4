"""Graph views of a System, with figures worked out by hand on the tiny sample."""

from __future__ import annotations

import pandas as pd
from conftest import sample_system

import netkit
from netkit.model.activity import organisation_flows, service_activity


def tiny():
    return sample_system("tiny")


def test_graph_has_typed_nodes_and_edges():
    G = tiny().graph()
    kinds = pd.Series(dict(G.nodes(data="kind"))).value_counts().to_dict()
    assert kinds == {"organisation": 8, "service": 7, "home": 1}
    edge_kinds = pd.Series([k for _, _, k in G.edges(data="kind")]).value_counts().to_dict()
    assert edge_kinds == {"flow": 20, "relationship": 7, "provides": 7}
    assert G["GPS"]["UCR"]["frailty"]["patients"] == 200
    assert G["GPS"]["UCR"]["falls"]["patients"] == 120
    assert G["ICB"]["ACUTE"]["commissions"]["payment"] == "activity"
    assert "budget" not in G.nodes["PCN1"]  # missing values are left out


def test_service_id_that_is_also_an_organisation(tiny_dir):
    from conftest import read_table, write_table

    services = read_table(tiny_dir, "services")
    services.loc[services["id"] == "CH", "id"] = "CARE"
    write_table(tiny_dir, "services", services)
    flows = read_table(tiny_dir, "flows").replace({"CH": "CARE"})
    write_table(tiny_dir, "flows", flows)
    system = netkit.load_system(tiny_dir)
    assert "is also an organisation id" in str(system.warnings[0])
    G = system.graph()
    assert G.nodes["CARE"]["kind"] == "organisation"
    assert G.nodes["service:CARE"]["kind"] == "service"
    assert G["WARD"]["service:CARE"]["frailty"]["patients"] == 50


def test_service_activity_by_hand():
    activity = service_activity(tiny().flows)
    # GPS: frailty in 1000 = out 1000; falls in 300 = out 300.  WARD: in 320, out 270 + ... = 320.
    assert activity.to_dict() == {"AMB999": 500.0, "CH": 50.0, "ED": 500.0, "GPS": 1300.0,
                                  "REABLE": 150.0, "UCR": 320.0, "WARD": 320.0}


def test_org_network_by_hand():
    N = tiny().org_network()
    assert sorted(N.edges(data="patients")) == [
        ("ACUTE", "CARE", 50.0), ("ACUTE", "COUNCIL", 150.0), ("AMB", "ACUTE", 400.0),
        ("COMM", "ACUTE", 20.0), ("GP1", "ACUTE", 100.0), ("GP1", "COMM", 320.0)]
    assert N.nodes["ACUTE"]["internal_patients"] == 300  # ED -> WARD
    assert N.nodes["ACUTE"]["activity"] == 820
    assert "ICB" not in N  # commissioners provide no services


def test_org_network_for_one_pathway_and_threshold():
    N = tiny().org_network(pathways=["falls"])
    assert sorted(N.edges(data="patients")) == [("GP1", "COMM", 120.0)]
    N = tiny().org_network(min_patients=100)
    assert ("COMM", "ACUTE") not in N.edges and ("GP1", "ACUTE") in N.edges


def test_organisation_flows_keeps_internal_pairs():
    system = tiny()
    pairs = organisation_flows(system.flows, system.services)
    assert pairs.loc[(pairs["source"] == "ACUTE") & (pairs["target"] == "ACUTE"),
                     "patients"].item() == 300
