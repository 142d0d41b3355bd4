"""Will it transfer? The mechanism carried over, counterparts within kinds, roles fitted once,
preconditions, evidence and the verdict."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from conftest import compared, sample_system

import netkit
from netkit.transfer.kinds import kind_of
from netkit.transfer.mechanism import map_services
from netkit.transfer.reference import REFERENCE_FILE, SEEDS
from netkit.transfer.verdict import carry_evidence

RIVERSIDE = netkit.sample_path("riverside")


@pytest.fixture(scope="module")
def riverside():
    return sample_system("riverside")


def relabelled(system, words=(("Riverside", "Lakeside"), ("Riverton", "Lakeford"),
                              ("Southmere", "Lakemere"))):
    """The same system under other ids and names: every organisation and service id gains
    ``-L`` and the place words change."""
    tables = system.tables()
    orgs = {o: f"{o}-L" for o in tables["organisations"]["id"]}
    services = {s: f"{s}-L" for s in tables["services"]["id"]}

    def rename(frame, columns, mapping):
        return frame.assign(**{c: frame[c].map(lambda v: mapping.get(v, v)) for c in columns})

    def words_in(frame):
        text = frame["name"]
        for old, new in words:
            text = text.str.replace(old, new)
        return frame.assign(name=text)

    tables["organisations"] = words_in(rename(tables["organisations"], ["id", "parent"], orgs))
    tables["services"] = words_in(rename(rename(tables["services"], ["id"], services),
                                         ["provider"], orgs))
    tables["flows"] = rename(tables["flows"], ["source", "target"], services)
    tables["relationships"] = rename(tables["relationships"], ["source", "target"], orgs)
    tables["places"] = rename(tables["places"], ["commissioner", "council"], orgs)
    return netkit.System(tables, {**system.meta, "name": "Lakeside ICS"}, [])


def test_a_relabelled_copy_is_transferable_with_no_adaptations(riverside):
    comparison = netkit.compare(riverside, relabelled(riverside), "frailty-admissions")
    assert comparison.verdict == {"kind": "transferable", "reasons": [], "adaptations": []}
    assert comparison.risks == []
    mapped = comparison.target_opportunity
    assert mapped.shift.from_ == ("ED-RIV-L", "category:acute_inpatient")
    assert mapped.shift.to == ("UCR-COM-L",) and mapped.include == ("ICB-RIV-L",)
    rows = comparison.counterparts
    seats = rows["source_id"].str.contains(":")  # a place's seat keeps its id: places are kept
    assert (rows.loc[~seats, "counterpart_id"] == rows.loc[~seats, "source_id"] + "-L").all()
    assert (rows.loc[seats, "counterpart_id"] == rows.loc[seats, "source_id"]).all()
    assert seats.any()


def test_a_block_contract_in_the_target_reverses_the_acute_trusts_incentive(riverside):
    tables = riverside.tables()
    rels = tables["relationships"]
    acute = (rels["type"] == "commissions") & (rels["target"] == "ACU-RIV")
    tables["relationships"] = rels.assign(payment=rels["payment"].mask(acute, "block"))
    block = netkit.System(tables, {**riverside.meta, "name": "Block ICS"}, [])
    comparison = netkit.compare(riverside, block, "frailty-admissions")
    row = comparison.mechanism.set_index("source_id").loc["ACU-RIV"]
    # riverside pays its acute trust by aligned payment and incentive (half variable)
    assert (row["source_payment"], row["source_direction"]) == ("api", "loses")
    assert (row["target_payment"], row["target_direction"]) == ("block", "gains")
    assert row["reversed"]
    assert comparison.verdict["kind"] == "adapt"
    assert any(a.startswith("agree a risk-and-gain-share before starting: Riverside University "
                            "Hospitals NHS Foundation Trust (acute trust, paid by aligned payment "
                            "and incentive) loses")
               and "paid by block) gains" in a and "runs the other way here" in a
               for a in comparison.verdict["adaptations"])
    assert comparison.to_dict()["mechanism"][0]["source_id"] in {"ICB-RIV", "COM-TRUST", "ACU-RIV"}


def test_counterparts_stay_within_kinds(riverside):
    for target in ("shire", "metro"):
        comparison = compared("riverside", target, "frailty-admissions")
        rows = comparison.counterparts[comparison.counterparts["counterpart_id"] != ""]
        assert (rows["type"].map(kind_of) == rows["counterpart_type"].map(kind_of)).all()
        assert not rows["counterpart_type"].isin(["gp_practice", "pcn"]).any() or \
            rows.loc[rows["counterpart_type"].isin(["gp_practice", "pcn"]), "type"].isin(
                ["gp_practice", "pcn", "gp_federation"]).all()
        councils = rows[rows["type"] == "local_authority"]
        assert (councils["counterpart_type"] == "local_authority").all() and len(councils)


def test_no_counterpart_is_said_with_why(riverside):
    tables = riverside.tables()
    councils = tables["organisations"]["type"] == "local_authority"
    tables["organisations"] = tables["organisations"].assign(
        type=tables["organisations"]["type"].mask(councils, "other"))
    no_councils = netkit.System(tables, {**riverside.meta, "name": "No councils"}, [])
    lines = netkit.compare(riverside, no_councils, "frailty-admissions").counterpart_lines()
    assert any(line.startswith("no counterpart of Riverton City Council (")
               and line.endswith("council) here: No councils has no council organisation in "
                                 "this opportunity's scope") for line in lines)


def test_the_number_of_roles_does_not_change_with_the_pair(riverside):
    roles = {compared("riverside", b, "frailty-admissions").roles
             for b in ("shire", "metro", "riverside")}
    assert len(roles) == 1


def test_the_reference_set_is_generated_systems_not_the_samples(riverside):
    comparison = compared("riverside", "riverside", "frailty-admissions")
    assert comparison.reference == [f"{len(SEEDS)} synthetic (generated) ICSs (tag frailty)"]
    stored = json.loads(REFERENCE_FILE.read_text())
    assert stored["seeds"] == list(SEEDS)
    assert stored["features"] == list(netkit.transfer.profiles.FEATURES)
    # an opportunity whose pathways have no tag in the reference set says what it used
    asthma = netkit.compare(riverside, riverside, "childrens-asthma")
    assert asthma.reference[0].startswith("the bundled samples (")


def test_small_counts_give_no_risk(riverside):
    for risk in compared("riverside", "shire", "frailty-admissions").risks:
        assert "acute trusts per head" not in risk and "care homes per head" not in risk


def test_every_from_service_of_the_same_kind_is_a_counterpart(riverside):
    metro = sample_system("metro")
    # on the frailty pathway: the adults' emergency departments, not the children's
    scope = netkit.find_partners(metro, "frailty-admissions").scope.services
    on_pathway = pd.Series(scope["activity"].to_numpy(), index=scope["id"].to_numpy())
    assert map_services(riverside, metro, ["ED-RIV"], on_pathway, every=True)[
        "counterpart"].tolist() == ["ED-EAST;ED-MET;ED-WEST"]
    assert map_services(riverside, metro, ["ED-RIV"], on_pathway)["counterpart"].tolist() == \
        ["ED-MET"]


def test_evidence_is_carried_and_weakened_by_each_precondition_that_differs():
    evidence = {"effect": 0.2, "low": 0.1, "high": 0.3, "quality": "high", "source": "x"}
    assert carry_evidence(evidence, 0)["effect"] == 0.2
    two = carry_evidence(evidence, 2)
    assert (two["effect"], two["low"], two["high"], two["quality"]) == (0.1, 0.05, 0.3, "low")
    assert carry_evidence(evidence, 9)["effect"] == 0.05  # at least a quarter of the effect
    assert carry_evidence(None, 1) is None


def test_evidence_sets_the_targets_shift_and_appears_in_the_verdict(riverside):
    opp = riverside.opportunity("frailty-admissions")
    with_evidence = replace(opp, evidence={"effect": 0.15, "low": 0.05, "high": 0.25,
                                           "quality": "moderate", "source": "an evaluation"})
    source = netkit.System(riverside.tables(), riverside.meta, [with_evidence])
    comparison = netkit.compare(source, relabelled(riverside), "frailty-admissions")
    assert comparison.target_opportunity.shift.fraction == 0.15
    assert comparison.target_opportunity.shift.range == (0.05, 0.25)
    assert "evidence: the source found an effect of 15%; here plan on 15% (range 5% to 25%, " \
           "quality moderate)" in comparison.verdict_lines()
    assert comparison.to_dict()["evidence"]["quality"] == "moderate"


def test_no_headroom_is_not_transferable(riverside):
    tables = riverside.tables()
    flows = tables["flows"]
    into_ed = flows["target"] == "ED-RIV"
    tables["flows"] = flows.assign(patients=flows["patients"].mask(into_ed,
                                                                   flows["patients"] * 0.3))
    quiet = netkit.System(tables, {**riverside.meta, "name": "Quiet ICS"}, [])
    comparison = netkit.compare(riverside, quiet, "frailty-admissions")
    assert comparison.verdict["kind"] == "not_transferable"
    assert comparison.verdict["reasons"][0].startswith("Quiet ICS already has fewer patients")


def test_the_verdict_is_in_json_and_in_every_report(riverside):
    comparison = netkit.compare(riverside, relabelled(riverside), "frailty-admissions")
    assert comparison.to_dict()["verdict"]["kind"] == "transferable"
    assert "Verdict: transferable" in comparison.to_text()
    assert "Verdict: transferable" in comparison.to_markdown()
    assert isinstance(comparison.preconditions, pd.DataFrame)
