"""Change events on the tiny sample, with exact expected tables; atomicity; bad changesets."""

from __future__ import annotations

import html

import pandas as pd
import pytest

import netkit
from netkit.change.changeset import Changeset


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
    # activity (2m) and block (0.8m) are kept per service line (tests/test_change_contracts.py)
    assert icb[["type", "value", "payment", "strength"]].values.tolist() == [
        ["commissions", 2_000_000.0, "activity", 0.8], ["commissions", 800_000.0, "block", 0.8]]
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


def tiny_with(**changes):
    """tiny, with its opportunities changed (``falls=dict(pathways=(...))``)."""
    from dataclasses import replace

    system = tiny()
    opportunities = [replace(o, **changes.get(o.id, {})) for o in system.opportunities.values()]
    return netkit.System(system.tables(), system.meta, opportunities, source=system.source)


def test_pathway_events():
    # the falls opportunity also looks at frailty, so removing falls leaves it a pathway
    # (before, the opportunity went on naming the removed pathway: a system validate rejects)
    system = tiny_with(falls={"pathways": ("falls", "frailty")})
    r = netkit.apply_changes(system, Changeset.of([
        {"add_pathway": {"id": "copd", "name": "COPD", "tags": ["respiratory"]}},
        {"set_flow": {"pathway": "copd", "source": "@home", "target": "GPS", "patients": 10}},
        {"remove_pathway": {"id": "falls"}}]))
    assert set(r.system.pathways["id"]) == {"frailty", "copd"}
    assert r.system.pathways.set_index("id").at["copd", "tags"] == "respiratory"
    assert (r.flows_affected["action"] == "dropped").sum() == 4
    assert r.system.opportunity("falls").pathways == ("frailty",)
    assert r.log[-2:] == [(3, "pathway falls removed with its 4 flows"),
                          (3, "opportunity falls no longer looks at pathway falls")]


# -- item 4: apply never writes a system its own validate rejects ------------------------------

def test_closing_the_only_shift_target_is_a_problem_and_nothing_is_written(tmp_path):
    # remove_organisation COMM closes UCR, the frailty opportunity's only shift.to service
    with pytest.raises(netkit.ChangesetError) as info:
        apply({"remove_organisation": {"id": "COMM", "services": "remove"}})
    assert [str(p) for p in info.value.problems] == [
        "changeset, column event 1 remove_organisation.services: 'UCR' closes, leaving "
        "opportunity frailty no service to shift activity to (shift.to); edit "
        "opportunities.yaml first (name another service in shift.to, or remove the shift)"]


def test_removing_the_only_pathway_of_an_opportunity_is_a_problem():
    with pytest.raises(netkit.ChangesetError) as info:
        apply({"remove_pathway": {"id": "falls"}})
    assert [str(p) for p in info.value.problems] == [
        "changeset, column event 1 remove_pathway.id: 'falls' is the only pathway of "
        "opportunity falls; edit opportunities.yaml first (give it another pathway, or remove "
        "the opportunity)"]


def test_a_closed_service_leaves_the_shift_lists_and_the_log_says_so():
    system = tiny_with(frailty={"shift": netkit.model.opportunity.Shift(("ED",), ("UCR", "CH"), 0.2)})
    r = netkit.apply_changes(system, Changeset.of([{"remove_service": {"id": "CH"}}]))
    assert r.system.opportunity("frailty").shift.to == ("UCR",)
    assert r.log == [(1, "CH closes (CARE): its flows are dropped"),
                     (1, "opportunity frailty no longer shifts activity to CH")]
    # with reroute_to, the opportunity names the service the flows go to
    r = apply({"remove_service": {"id": "UCR", "reroute_to": "CH"}})
    assert r.system.opportunity("frailty").shift.to == ("CH",)
    assert r.log[-1] == (1, "opportunity frailty now shifts activity to CH instead of UCR")
    assert r.warnings == []
    # re-routed to the service the activity shifts from: allowed, with a warning
    r = apply({"remove_service": {"id": "UCR", "reroute_to": "ED"}})
    assert r.system.opportunity("frailty").shift.to == ("ED",)
    assert [str(w) for w in r.warnings] == [
        "changeset, column event 1 remove_service.reroute_to: 'ED' leaves opportunity frailty "
        "shifting activity from and to the same service; edit its shift in opportunities.yaml"]
    assert r.to_text().endswith(f"warning: {r.warnings[0]}\n")
    assert r.to_markdown().endswith(f"warning: {r.warnings[0]}\n")  # a board paper too
    assert r._repr_html_().endswith(f"<p>warning: {html.escape(str(r.warnings[0]))}</p>")


def test_the_report_of_an_empty_changeset_and_of_a_folded_description():
    r = netkit.apply_changes(tiny(), Changeset.of([], description="Nothing yet\n"))
    assert r.to_text() == "Changeset changeset: Nothing yet\n"
    assert r.to_markdown() == "## Changes\n"
    assert r._repr_html_() == "<p>Changeset changeset: Nothing yet</p>"


def test_the_result_is_validated_like_a_folder():
    # nothing an event checks catches a blank pathway name; validating the result does
    with pytest.raises(netkit.ChangesetError) as info:
        apply({"update_pathway": {"id": "frailty", "set": {"name": ""}}})
    assert [str(p) for p in info.value.problems] == [
        "changeset: would leave the system invalid: pathways.csv, column name: '' is empty; "
        "every row needs a name; change the changeset (or the system) so that the result "
        "validates"]


def test_every_result_apply_returns_validates(tmp_path):
    for events in ([{"remove_organisation": {"id": "CARE", "services": "remove"}}],
                   [{"remove_service": {"id": "UCR", "reroute_to": "CH"}}],
                   [{"merge_organisations": {"organisations": ["ACUTE", "COMM"],
                                             "into": {"id": "V", "name": "V",
                                                      "type": "acute_trust"}}}]):
        r = netkit.apply_changes(tiny(), Changeset.of(events))
        netkit.save_system(r.system, tmp_path / "out", overwrite=True)
        report = netkit.validate(tmp_path / "out")
        assert report.ok, report.to_text()


# -- item 22: patients rounded on write and in words -------------------------------------------

def test_scaled_flows_are_written_without_float_noise(tmp_path):
    system = tiny()
    r = netkit.apply_changes(system, Changeset.of([
        {"set_flow": {"pathway": "falls", "source": "@home", "target": "GPS", "patients": 800}},
        {"scale_flows": {"pathway": "falls", "source": "@home", "factor": 1.1}},
        {"set_flow": {"pathway": "falls", "source": "GPS", "target": "UCR", "patients": 84}},
        {"scale_flows": {"pathway": "falls", "source": "GPS", "target": "UCR", "factor": 1.1}}]))
    exact = r.system.flows.set_index(["pathway", "source", "target"])["patients"]
    assert exact[("falls", "@home", "GPS")] == 800 * 1.1 != 880  # exact in the System (and JSON)
    netkit.save_system(r.system, tmp_path / "out")
    text = (tmp_path / "out" / "flows.csv").read_text()
    assert "falls,@home,GPS,880\n" in text and "falls,GPS,UCR,92.4\n" in text
    assert "0000000" not in text
    assert r.log[1] == (2, "1 flows of falls scaled × 1.1 (800 → 880 patient movements a year)")
    assert r.log[3] == (4, "1 flows of falls scaled × 1.1 (84 → 92 patient movements a year)")


def test_scale_flows_on_tiny_via_the_command_line(tmp_path):
    from click.testing import CliRunner
    from netkit.cli import cli

    changeset = tmp_path / "grow.yaml"
    changeset.write_text("changes:\n  - scale_flows: {pathway: frailty, factor: 1.1}\n")
    out = tmp_path / "grown"
    result = CliRunner().invoke(cli, ["apply", str(netkit.sample_path("tiny")), str(changeset),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = (out / "flows.csv").read_text().splitlines()
    assert "frailty,@home,AMB999,550" in rows and "frailty,GPS,@home,770" in rows
    assert "frailty,WARD,@home,132" in rows  # 120 × 1.1 = 132.00000000000003 before
    assert "event 1: 16 flows of frailty scaled × 1.1 (4,220 → 4,642 patient movements a year)" \
        in result.output


# -- item 23: every problem in one pass --------------------------------------------------------

def test_four_bad_events_give_four_problems_in_one_run(tmp_path):
    from click.testing import CliRunner
    from netkit.cli import cli

    path = tmp_path / "bad.yaml"
    path.write_text("date: 2026-06-01\nchanges:\n"
                    "  - transfer_servise: {service: UCR, to: ACUTE}\n"        # shape
                    "  - remove_service: {id: NOPE}\n"                         # reference
                    "  - set_flow: {pathway: frailty, source: ED, target: WARD, patients: lots}\n"
                    "  - remove_pathway: {id: falls}\n")                       # consequence
    result = CliRunner().invoke(cli, ["apply", str(netkit.sample_path("tiny")), str(path),
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    lines = result.output.splitlines()
    assert lines[0] == "Error: 4 problems in the input:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "bad.yaml line 3, column event 1", "bad.yaml line 4, column event 2 remove_service.id",
        "bad.yaml line 5, column event 3 set_flow.patients",
        "bad.yaml line 6, column event 4 remove_pathway.id"]
    assert "'NOPE' is not a service id" in lines[2] and "'lots' is not a number" in lines[3]


def test_lenient_reading_keeps_shape_problems_for_apply(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("changes:\n  - transfer_servise: {service: UCR}\n"
                    "  - remove_service: {id: CH}\n")
    cs = netkit.read_changeset(path, strict=False)
    assert [e.kind for e in cs.events] == ["remove_service"]
    assert [p.column for p in cs.problems] == ["event 1"]
    assert repr(cs) == "<Changeset c.yaml: 1 event(s), 1 problem(s)>"
    with pytest.raises(netkit.ChangesetError) as info:
        netkit.apply_changes(tiny(), cs)
    assert [p.column for p in info.value.problems] == ["event 1"]


# -- item 25: Changeset.to_frame, to_dict, repr ------------------------------------------------

def test_changeset_to_frame_to_dict_and_repr():
    cs = Changeset.of([{"transfer_service": {"service": "UCR", "to": "ACUTE"}},
                       {"scale_flows": {"pathway": "falls", "factor": 1.1}},
                       {"remove_organisation": {"id": "CARE", "services": "remove"}}],
                      date="2026-06-01", description="Spring")
    assert cs.to_frame().values.tolist() == [[1, "transfer_service", "UCR to ACUTE"],
                                             [2, "scale_flows", "falls × 1.1"],
                                             [3, "remove_organisation", "CARE"]]
    assert cs.to_dict()["changes"][1] == {"scale_flows": {"pathway": "falls", "factor": 1.1}}
    assert repr(cs) == "<Changeset changeset 2026-06-01: 3 event(s)>"


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
    flows = r.system.flows
    assert (flows["pathway"] == "mh-crisis").sum() == 81


# -- one registry of change events -------------------------------------------------------------

EVERY_KIND_ONCE = [
    {"add_pathway": {"id": "stroke", "name": "Stroke care", "tags": ["stroke", "urgent"]}},
    {"add_organisation": {"id": "NEWCO", "name": "New Co", "type": "vcse", "place": "South"}},
    {"add_service": {"id": "NSVC", "name": "New service", "provider": "NEWCO",
                     "category": "vcse_support"}},
    {"transfer_service": {"service": "UCR", "to": "ACUTE"}},
    {"set_flow": {"pathway": "stroke", "source": "@home", "target": "ED", "patients": 50}},
    {"scale_flows": {"pathway": "falls", "factor": 1.5}},
    {"remove_flow": {"pathway": "frailty", "source": "UCR", "target": "WARD"}},
    {"add_relationship": {"source": "COUNCIL", "target": "NEWCO", "type": "commissions"}},
    {"remove_relationship": {"source": "ACUTE", "target": "AMB", "type": "data_sharing"}},
    {"update_organisation": {"id": "COMM", "set": {"budget": 9000000}}},
    {"update_service": {"id": "REABLE", "set": {"provider": "COMM"}}},
    {"update_pathway": {"id": "falls", "set": {"cohort": "frail_older"}}},
    {"merge_organisations": {"organisations": ["ACUTE", "COMM"],
                             "into": {"id": "VALE", "name": "Vale Trust", "type": "acute_trust"}}},
    {"remove_service": {"id": "CH", "reroute_to": "REABLE"}},
    {"remove_organisation": {"id": "CARE", "services": "remove"}},
    {"remove_pathway": {"id": "stroke"}},
]


def test_every_registered_kind_applies_and_says_what_it_touched():
    from netkit.change.events import EVENTS

    assert {next(iter(e)) for e in EVERY_KIND_ONCE} == set(EVENTS)  # a new kind joins the list
    r = apply(*EVERY_KIND_ONCE)
    assert sorted(r.touched) == list(range(1, len(EVERY_KIND_ONCE) + 1))
    assert sorted({n for n, _ in r.log}) == sorted(r.touched)
    for event in r.changeset.events:
        assert event.summary(), event.kind
        assert EVENTS[event.kind].reason(event.params, "NEWCO"), event.kind
    assert r.touched[8].ties == {("COUNCIL", "NEWCO", "commissions")}
    assert r.touched[11].named == {"COMM"}  # the provider after the event
    assert r.touched[13].organisations == {"ACUTE", "COMM", "VALE"}


def test_one_bad_event_of_every_kind_gives_a_problem_each_and_nothing_applied():
    from netkit.change.events import EVENTS

    bad = [
        {"add_pathway": {"id": "falls", "name": "Falls again"}},
        {"add_organisation": {"id": "NEWCO", "name": "New Co", "type": "vcse", "parent": "NO"}},
        {"add_service": {"id": "ED", "name": "x", "provider": "ACUTE", "category": "x"}},
        {"transfer_service": {"service": "NOPE", "to": "ACUTE"}},
        {"set_flow": {"pathway": "frailty", "source": "ED", "target": "WARD", "patients": "x"}},
        {"scale_flows": {"pathway": "frailty", "factor": -2}},
        {"remove_flow": {"pathway": "frailty", "source": "ED", "target": "CH"}},
        {"add_relationship": {"source": "ICB", "target": "GHOST", "type": "commissions"}},
        {"remove_relationship": {"source": "ICB", "target": "CARE", "type": "commissions"}},
        {"update_organisation": {"id": "GP1", "set": {"parent": "GP1"}}},
        {"update_service": {"id": "ED", "set": {"provider": "GHOST"}}},
        {"update_pathway": {"id": "stroke", "set": {"cohort": "adults"}}},
        {"merge_organisations": {"organisations": ["ACUTE", "GHOST"],
                                 "into": {"id": "X", "name": "X", "type": "other"}}},
        {"remove_service": {"id": "UCR", "reroute_to": "UCR"}},
        {"remove_organisation": {"id": "COUNCIL"}},
        {"remove_pathway": {"id": "stroke"}},
    ]
    assert {next(iter(e)) for e in bad} == set(EVENTS)
    system = tiny()
    before = system.tables()
    with pytest.raises(netkit.ChangesetError) as info:
        netkit.apply_changes(system, Changeset.of(bad))
    numbers = [int(p.column.split()[1]) for p in info.value.problems]
    assert sorted(set(numbers)) == list(range(1, len(bad) + 1))
    for name, frame in system.tables().items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_every_registered_kind_is_documented_with_its_settings():
    import re

    from conftest import ROOT
    from netkit.change.events import EVENTS

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    for name, kind in EVENTS.items():
        row = re.search(rf"^\| `{name}` \| (.*?) \|", text, re.MULTILINE)
        assert row, f"docs/format.md has no row for {name}"
        for key in kind.required:
            assert f"**{key}**" in row.group(1), (name, key)
        for key in kind.optional or ():
            assert f"`{key}`" in row.group(1), (name, key)
        assert (kind.optional is None) == ("; any other" in row.group(1)), name


# -- issue 21: a changeset that only changes numbers is rechecked in the rows it changed --------

def test_a_number_only_change_is_checked_in_its_rows_as_the_whole_system_would_be(monkeypatch):
    from netkit.change import apply as applying

    events = [{"set_flow": {"pathway": "falls", "source": "@home", "target": "GPS",
                            "patients": 9e8}},
              {"scale_flows": {"pathway": "falls", "source": "@home", "factor": 2}}]
    with pytest.raises(netkit.ChangesetError) as fast:
        apply(*events)
    monkeypatch.setattr(applying, "_changed_numbers", lambda state, system: None)
    with pytest.raises(netkit.ChangesetError) as whole:
        apply(*events)
    assert [str(p) for p in fast.value.problems] == [str(p) for p in whole.value.problems]
    assert len(fast.value.problems) == 1
    assert "flows.csv, column patients: '1800000000'" in str(fast.value.problems[0])


def test_scaling_flows_checks_only_the_rows_it_changed(monkeypatch):
    import netkit.io.validation as validation

    def whole_system(raw):
        raise AssertionError("the whole system was validated again")

    monkeypatch.setattr(validation, "validate_raw", whole_system)
    r = apply({"scale_flows": {"pathway": "falls", "factor": 1.5}})
    assert flows_of(r.system, "falls") == [(s, t, p * 1.5) for s, t, p in flows_of(tiny(), "falls")]
    with pytest.raises(AssertionError, match="validated again"):
        apply({"remove_flow": {"pathway": "falls", "source": "@home", "target": "GPS"}})


def test_a_new_exit_without_reducing_another_warns_of_unbalanced_flows():
    """Finding 12: the tiny ward receives 320 and sends 320 on; a new flow of 30 to urgent
    community response leaves it sending 350, 30 more than it receives."""
    r = apply({"set_flow": {"pathway": "frailty", "source": "WARD", "target": "UCR",
                            "patients": 30}})
    assert [str(w) for w in r.warnings] == [
        "changeset: the change leaves WARD (Elderly care ward) on pathway frailty sending 30 "
        "more patients a year on than it receives (unbalanced flows: the change invents "
        "patients); reduce another of its flows out, or add the patients who arrive"]
    # taking the 30 from those going home balances it: no warning
    r = apply({"set_flow": {"pathway": "frailty", "source": "WARD", "target": "UCR",
                            "patients": 30}},
              {"set_flow": {"pathway": "frailty", "source": "WARD", "target": "@home",
                            "patients": 90}})
    assert r.warnings == []


def test_the_shipped_virtual_ward_changeset_balances():
    """Finding 12: the sample's befriending service takes 120 of the elderly care wards'
    patients in South; the changeset reduces those going home (336 to 216) to match."""
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    path = netkit.sample_path("riverside") / "changesets" / "2026-10-virtual-ward.yaml"
    changeset = netkit.read_changeset(path)
    assert not [w for w in netkit.apply_changes(riverside, changeset).warnings
                if "unbalanced" in w.message]
    # the changeset as first shipped: without its last event, which balances the wards
    without = Changeset.of([{e.kind: e.params} for e in changeset.events[:-1]])
    warned = [w.message for w in netkit.apply_changes(riverside, without).warnings]
    assert ("the change leaves ELD-RIV (Elderly care wards) on pathway frailty-urgent sending "
            "120 more patients a year on than it receives") in warned[-1]
