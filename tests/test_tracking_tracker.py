"""Tracking partner sets through change: only what is touched is recomputed, and recomputing
incrementally gives what recomputing everything gives."""

from __future__ import annotations

import copy
import json

import pytest
from conftest import sample_system, shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netkit
from netkit.change.changeset import Changeset
from netkit.render.formats import to_jsonable

RIVERSIDE = netkit.sample_path("riverside")
CHANGESET = RIVERSIDE / "changesets" / "2026-10-virtual-ward.yaml"


@pytest.fixture(scope="module")
def riverside():
    return sample_system("riverside")


def virtual_ward_update():
    """``recompute`` (a `PartnerTracker` of every opportunity, applying the changeset) of
    riverside's virtual ward changeset, once per run."""
    return shared(("recompute", "riverside", CHANGESET.name),
                  lambda: netkit.recompute(sample_system("riverside"),
                                           netkit.read_changeset(CHANGESET)))


def _partners(ps) -> str:
    """A partner set as JSON, without its provenance and the input rows it cites: a kept
    partner set cites the rows of the files it was computed from, and a system changed in
    memory has no file rows."""
    data = to_jsonable(ps.to_dict())
    data.pop("provenance")
    for partner in data.get("partners", []):
        partner.pop("sources", None)
        partner.pop("reason_sources", None)
    return json.dumps(data, sort_keys=True)


def test_untouched_opportunities_are_not_recomputed(riverside):
    tracker = netkit.PartnerTracker(riverside)
    kept = {oid: tracker.partner_sets[oid] for oid in tracker.partner_sets}
    update = tracker.apply(netkit.read_changeset(CHANGESET))
    assert update.recomputed == ["frailty-admissions", "riverton-home-first",
                                 "crisis-alternatives"]
    assert update.unchanged == ["stroke-early-discharge", "diabetes-community",
                                "end-of-life-at-home", "childrens-asthma"]
    for oid in update.unchanged:
        assert tracker.partner_sets[oid] is kept[oid]  # the very same object: not recomputed
    assert update.events_by_opportunity["crisis-alternatives"] == [8]


def test_diff_is_attributed_in_plain_words():
    update = virtual_ward_update()
    diff = update.diffs[0]
    assert diff.opportunity == "frailty-admissions"
    assert diff.summary[0] == ("Age UK Riverside leaves the scope (was inform): the "
                               "organisation closed (event 7)")
    assert [m["id"] for m in diff.moved] == ["VCSE-AGE", "VCSE-AWS"]
    assert diff.joined == [] and diff.left == []


def test_leaving_the_core_is_explained():
    system = netkit.load_system(netkit.sample_path("tiny"))
    update = netkit.PartnerTracker(system, ["frailty"]).apply(Changeset.of([
        {"scale_flows": {"pathway": "falls", "factor": 2}},
        {"remove_organisation": {"id": "COUNCIL", "services": "remove"}}]))
    diff = update.diffs[0]
    assert diff.left[0]["id"] == "COUNCIL" and diff.left[0]["events"] == [2]
    assert diff.summary[0] == ("Vale Council leaves the core and the scope: the organisation "
                               "closed (event 2)")
    assert update.events_by_opportunity == {"frailty": [2]}  # event 1 is on another pathway
    assert update.changed


def test_hysteresis_keeps_a_borderline_partner():
    """Cutting the council's flows to a twentieth leaves it just short of a seat's coordination
    cost: without a tolerance it leaves the core; with a tolerance of 2% it stays."""
    system = netkit.load_system(netkit.sample_path("tiny"))
    shrink = Changeset.of([{"scale_flows": {"pathway": "frailty", "source": "WARD",
                                            "target": "REABLE", "factor": 0.05}},
                           {"scale_flows": {"pathway": "frailty", "source": "REABLE",
                                            "factor": 0.05}}])
    plain = netkit.PartnerTracker(system, ["frailty"]).apply(shrink)
    assert "COUNCIL" not in plain.diffs[0].after.core
    sticky = netkit.PartnerTracker(system, ["frailty"], tolerance=0.02).apply(shrink)
    assert "COUNCIL" in sticky.diffs[0].after.core
    assert not sticky.diffs[0].changed


def test_recompute_from_snapshots_matches_the_changeset(riverside):
    changeset = netkit.read_changeset(CHANGESET)
    by_changeset = virtual_ward_update()
    later = netkit.apply_changes(riverside, changeset).system
    by_snapshot = netkit.recompute(riverside, later)
    assert by_snapshot.recomputed == by_changeset.recomputed
    for a, b in zip(by_changeset.diffs, by_snapshot.diffs):
        assert [(m["id"], m["before"], m["after"]) for m in a.joined + a.left + a.moved] == \
            [(m["id"], m["before"], m["after"]) for m in b.joined + b.left + b.moved]
        assert _partners(a.after) == _partners(b.after)


def test_timeline(riverside):
    t = netkit.timeline(riverside, [netkit.read_changeset(CHANGESET)],
                        opportunities=["frailty-admissions"])
    assert t.steps == ["2026-04-01", "2026-10-01"]
    rows = t.table.set_index("id")
    assert rows.loc["LA-SOUTH", t.steps].tolist() == ["core", "core"]
    assert "● core" in t.to_text()


def test_watcher_follows_edits(tmp_path):
    import shutil

    folder = shutil.copytree(netkit.sample_path("tiny"), tmp_path / "tiny")
    watcher = netkit.Watcher(folder)
    assert watcher.poll().kind == "loaded"
    assert watcher.poll() is None
    text = (folder / "flows.csv").read_text()
    (folder / "flows.csv").write_text(text.replace("frailty,WARD,REABLE,150", "frailty,WARD,REABLE,lots"))
    event = watcher.poll()
    assert event.kind == "invalid"
    assert "flows.csv row 13, column patients: 'lots' is not a number" in event.to_text()
    (folder / "flows.csv").write_text(text.replace("frailty,WARD,REABLE,150",
                                                   "frailty,WARD,REABLE,10"))
    event = watcher.poll()
    assert event.kind == "update"
    assert event.update.recomputed == ["frailty"]
    after = event.update.diffs[0].after.partners.set_index("id")
    assert after.loc["COUNCIL", "handoffs"] == 10


# -- property: incremental recompute equals recomputing everything ------------------------------

TINY = sample_system("tiny")
ORGS = ["ICB", "ACUTE", "COMM", "AMB", "COUNCIL", "PCN1", "GP1", "CARE"]
SERVICES = ["ED", "WARD", "UCR", "AMB999", "REABLE", "GPS", "CH"]


def events():
    service = st.sampled_from(SERVICES)
    org = st.sampled_from(ORGS)
    end = st.sampled_from(SERVICES + ["@home"])
    return st.one_of(
        st.builds(lambda s, o: {"transfer_service": {"service": s, "to": o}}, service, org),
        st.builds(lambda p, f: {"scale_flows": {"pathway": p, "factor": f}},
                  st.sampled_from(["frailty", "falls"]), st.sampled_from([0.5, 0.9, 1.1, 3])),
        st.builds(lambda p, a, b, n: {"set_flow": {"pathway": p, "source": a, "target": b,
                                                   "patients": n}},
                  st.sampled_from(["frailty", "falls"]), end, end, st.integers(0, 900)),
        st.builds(lambda a, b, t: {"add_relationship": {"source": a, "target": b, "type": t}},
                  org, org, st.sampled_from(["partnership", "commissions"])),
        st.builds(lambda o: {"remove_organisation": {"id": o, "services": "remove"}},
                  st.sampled_from(["CARE", "COUNCIL", "AMB", "GP1"])),
        st.builds(lambda s: {"remove_service": {"id": s}}, service),
        st.builds(lambda: {"add_organisation": {"id": "NEW", "name": "New & <Co>",
                                                "type": "vcse"}}),
        st.builds(lambda o, b: {"update_organisation": {"id": o, "set": {"budget": b}}},
                  org, st.sampled_from([0, 1e6, 9e7])),
    )


def fresh_tracker():
    """``netkit.PartnerTracker(TINY)`` as new: a copy of one made once per run, with its own
    partner sets and dependencies (apply replaces entries of both and its system), so the
    examples do not each compute tiny's two partner sets before the change."""
    made = shared(("PartnerTracker", "tiny"), lambda: netkit.PartnerTracker(TINY))
    tracker = copy.copy(made)
    tracker.partner_sets, tracker.dependencies = dict(made.partner_sets), dict(made.dependencies)
    return tracker


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=3))
def test_incremental_equals_full(changes):
    try:
        changeset = Changeset.of(changes)
        result = netkit.apply_changes(TINY, changeset)
    except netkit.ChangesetError:
        return  # an invalid random changeset is refused whole (tested elsewhere)
    tracker = fresh_tracker()
    try:
        tracker.apply(result)
    except netkit.OpportunityError:
        return  # the change emptied an opportunity's scope; find_partners says so
    for oid, ps in tracker.partner_sets.items():
        fresh = netkit.find_partners(result.system, oid)
        assert _partners(ps) == _partners(fresh), (oid, changes)
