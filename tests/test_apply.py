"""Change events on the tiny sample, with exact expected tables; atomicity; bad changesets."""

from __future__ import annotations

import pandas as pd
import pytest

import netkit
from netkit.changeset import Changeset


def tiny():
    return netkit.load_system(netkit.sample_path("tiny"))


def apply(*events):
    return netkit.apply_changes(tiny(), Changeset.of(list(events)))


def flows_of(system, pathway="frailty"):
    f = system.flows
    f = f[f["pathway"] == pathway]
    return sorted(zip(f["source"], f["target"], f["patients"]))


def test_transfer_service():
    r = apply({"transfer_service": {"service": "UCR", "to": "ACUTE"}})
    assert r.system.services.set_index("id").at["UCR", "provider"] == "ACUTE"
    assert tiny().services.set_index("id").at["UCR", "provider"] == "COMM"  # old untouched
    assert r.flows_affected["action"].unique().tolist() == ["moves with UCR from COMM to ACUTE"]
    assert r.flows_affected["patients"].sum() == 200 + 20 + 180 + 120 + 120
    assert r.log == [(1, "UCR moves from COMM to ACUTE")]


def test_merge_combines_everything():
    r = apply({"merge_organisations": {"organisations": ["ACUTE", "COMM"],
                                       "into": {"id": "VALE", "name": "Vale Health & Care",
                                                "type": "acute_trust"}}})
    s = r.system
    orgs = s.organisations.set_index("id")
    assert "ACUTE" not in orgs.index and "COMM" not in orgs.index
    assert orgs.at["VALE", "budget"] == 28_000_000  # 20m + 8m
    assert orgs.at["VALE", "sector"] == "nhs"
    assert set(s.services.loc[s.services["provider"] == "VALE", "id"]) == {"ED", "WARD", "UCR"}
    rels = s.relationships
    icb = rels[(rels["source"] == "ICB") & (rels["target"] == "VALE")]
    assert icb[["type", "value", "payment", "strength"]].values.tolist() == [
        ["commissions", 2_800_000.0, "activity", 0.8]]
    # the ACUTE-COMM partnership is now internal and gone
    assert not ((rels["source"] == "VALE") & (rels["target"] == "VALE")).any()
    internal = r.flows_affected[r.flows_affected["action"] == "becomes internal to VALE"]
    assert sorted(zip(internal["source"], internal["target"])) == [("ED", "WARD"),
                                                                   ("UCR", "WARD")]
    assert s.org_network().nodes["VALE"]["internal_patients"] == 300 + 20


def test_remove_organisation_drops_or_reassigns_only_as_told():
    with pytest.raises(netkit.ChangesetError, match=r"is missing: COUNCIL provides 1 service"):
        apply({"remove_organisation": {"id": "COUNCIL"}})
    r = apply({"remove_organisation": {"id": "COUNCIL", "services": "remove"}})
    dropped = r.flows_affected
    assert dropped[["source", "target", "patients", "action"]].values.tolist() == [
        ["WARD", "REABLE", 150.0, "dropped"], ["REABLE", "@home", 150.0, "dropped"]]
    assert "COUNCIL" not in set(r.system.organisations["id"])
    assert not r.system.relationships["source"].eq("COUNCIL").any()
    r = apply({"remove_organisation": {"id": "COUNCIL", "services": {"reassign_to": "COMM"}}})
    assert r.system.services.set_index("id").at["REABLE", "provider"] == "COMM"
    assert len(r.system.flows) == len(tiny().flows)


def test_remove_parent_clears_children():
    r = apply({"remove_organisation": {"id": "PCN1"}})
    assert pd.isna(r.system.organisations.set_index("id").at["GP1", "parent"])


def test_add_organisation_and_service_and_flows():
    r = apply({"add_organisation": {"id": "VCSE", "name": "Age Well", "type": "vcse",
                                    "budget": 10000}},
              {"add_service": {"id": "BEF", "name": "Befriending", "provider": "VCSE",
                               "category": "vcse_support", "unit_cost": 20}},
              {"set_flow": {"pathway": "frailty", "source": "WARD", "target": "BEF",
                            "patients": 30}},
              {"set_flow": {"pathway": "frailty", "source": "WARD", "target": "@home",
                            "patients": 90}})
    s = r.system
    assert s.organisations.set_index("id").at["VCSE", "budget"] == 10000
    assert s.services.set_index("id").at["BEF", "unit_cost"] == 20
    assert ("WARD", "BEF", 30.0) in flows_of(s) and ("WARD", "@home", 90.0) in flows_of(s)
    assert r.flows_affected["action"].tolist() == ["added", "set from 120 to 90"]


def test_remove_service_with_reroute_merges_flows():
    r = apply({"remove_service": {"id": "CH", "reroute_to": "REABLE"}})
    assert ("WARD", "REABLE", 200.0) in flows_of(r.system)
    assert ("REABLE", "@home", 200.0) in flows_of(r.system)
    assert "CH" not in set(r.system.services["id"])
    assert set(r.flows_affected["action"]) == {"re-routed to REABLE"}


def test_scale_and_remove_flows():
    r = apply({"scale_flows": {"pathway": "falls", "factor": 1.5}},
              {"remove_flow": {"pathway": "frailty", "source": "CH", "target": "@home"}})
    assert flows_of(r.system, "falls") == [("@home", "GPS", 450.0), ("GPS", "@home", 270.0),
                                           ("GPS", "UCR", 180.0), ("UCR", "@home", 180.0)]
    assert ("CH", "@home", 50.0) not in flows_of(r.system)
    assert r.log[0] == (1, "4 flows of falls scaled × 1.5 (720 → 1,080 patient movements a year)")


def test_relationships_and_updates():
    r = apply({"add_relationship": {"source": "COUNCIL", "target": "COMM", "type": "commissions",
                                    "value": 100000, "payment": "block"}},
              {"remove_relationship": {"source": "ACUTE", "target": "AMB", "type": "data_sharing"}},
              {"update_organisation": {"id": "CARE", "set": {"place": "North", "budget": 5}}},
              {"update_service": {"id": "ED", "set": {"price": 300}}})
    rels = r.system.relationships
    assert ((rels["source"] == "COUNCIL") & (rels["target"] == "COMM")).sum() == 1
    assert not (rels["type"] == "data_sharing").any()
    assert r.system.organisations.set_index("id").loc["CARE", ["place", "budget"]].tolist() == [
        "North", 5.0]
    assert r.system.services.set_index("id").at["ED", "price"] == 300


def test_pathway_events():
    r = apply({"add_pathway": {"id": "copd", "name": "COPD", "tags": ["respiratory"]}},
              {"set_flow": {"pathway": "copd", "source": "@home", "target": "GPS",
                            "patients": 10}},
              {"remove_pathway": {"id": "falls"}})
    assert set(r.system.pathways["id"]) == {"frailty", "copd"}
    assert r.system.pathways.set_index("id").at["copd", "tags"] == "respiratory"
    assert (r.flows_affected["action"] == "dropped").sum() == 4


def test_every_problem_at_once_and_nothing_applied():
    system = tiny()
    before = system.tables()
    changeset = Changeset.of([
        {"transfer_service": {"service": "UCR", "to": "ACUTE"}},
        {"transfer_service": {"service": "NOPE", "to": "GHOST"}},
        {"merge_organisations": {"organisations": ["ACUTE", "NOBODY"],
                                 "into": {"id": "X", "name": "X", "type": "other"}}},
        {"set_flow": {"pathway": "nope", "source": "ED", "target": "WARD", "patients": -1}},
        {"add_relationship": {"source": "ICB", "target": "ACUTE", "type": "commissions"}},
    ])
    with pytest.raises(netkit.ChangesetError) as info:
        netkit.apply_changes(system, changeset)
    assert [str(p) for p in info.value.problems] == [
        "changeset, column event 2 transfer_service.service: 'NOPE' is not a service id",
        "changeset, column event 2 transfer_service.to: 'GHOST' is not an organisation id",
        "changeset, column event 3 merge_organisations.organisations: 'NOBODY' is not an "
        "organisation id",
        "changeset, column event 4 set_flow.pathway: 'nope' is not a pathway id",
        "changeset, column event 4 set_flow.patients: '-1' is out of range (expected a number "
        "≥ 0)",
        "changeset, column event 5 add_relationship: already exists; remove it first to change it",
    ]
    for name, frame in system.tables().items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_bad_shape(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("date: '2026-13-01'\nchanges:\n  - transfer_servise: {service: UCR}\n"
                    "  - set_flow: {pathway: falls, source: GPS}\n")
    with pytest.raises(netkit.ChangesetError) as info:
        netkit.read_changeset(path)
    assert [str(p) for p in info.value.problems] == [
        "c.yaml line 1, column date: '2026-13-01' is not a date (expected YYYY-MM-DD)",
        "c.yaml line 3, column event 1: 'transfer_servise' is not a change event (did you mean "
        "'transfer_service'?); events: transfer_service, merge_organisations, add_organisation, "
        "remove_organisation, add_service, remove_service, set_flow, scale_flows, remove_flow, "
        "add_relationship, remove_relationship, update_organisation, update_service, "
        "add_pathway, update_pathway, remove_pathway",
        "c.yaml line 4, column event 2 set_flow.target: is missing",
        "c.yaml line 4, column event 2 set_flow.patients: is missing",
    ]


def test_impossible_date(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("date: 2026-13-01\nchanges: []\n")
    with pytest.raises(netkit.ChangesetError, match=r"c.yaml: holds a value YAML cannot read "
                                                    r"\(month must be in 1..12\)"):
        netkit.read_changeset(path)


def test_unsafe_yaml_changeset(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("changes: !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(netkit.ChangesetError, match="uses a YAML tag that is not allowed"):
        netkit.read_changeset(path)


def test_riverside_sample_changeset_applies():
    system = netkit.load_system(netkit.sample_path("riverside"))
    cs = netkit.read_changeset(netkit.sample_path("riverside") / "changesets" /
                               "2026-10-virtual-ward.yaml")
    r = netkit.apply_changes(system, cs)
    assert r.system.meta["snapshot"].isoformat() == "2026-10-01"
    assert r.system.services.set_index("id").at["VW-ACU", "provider"] == "COM-TRUST"
    assert (r.flows_affected["action"] == "dropped").sum() == 0  # nothing lost
    assert r.warnings == []
