"""Payment bases through a merger: contracts with different bases are not silently relabelled.

Tiny: the ICB pays ACUTE £2m by activity and COMM £0.8m by block. Merging ACUTE and COMM used to
keep "the largest contract's basis" (activity for all £2.8m, so COMM's block work was suddenly
paid by activity). Now the combined contract is aligned payment and incentive with a variable
share of (£2m × 1 + £0.8m × 0) / £2.8m = 5/7 ≈ 0.7143, and the log names the change.
"""

from __future__ import annotations

import pytest

import netkit
from netkit.change.changeset import Changeset

MERGE = {"merge_organisations": {"organisations": ["ACUTE", "COMM"],
                                 "into": {"id": "VALE", "name": "Vale Health & Care",
                                          "type": "acute_trust"}}}


def merged():
    return netkit.apply_changes(netkit.load_system(netkit.sample_path("tiny")),
                                Changeset.of([MERGE]))


def test_merge_keeps_each_contracts_money_and_says_the_basis_changes():
    result = merged()
    rels = result.system.relationships
    icb = rels[(rels["source"] == "ICB") & (rels["target"] == "VALE")]
    assert icb[["type", "value", "payment"]].values.tolist() == [
        ["commissions", 2_800_000.0, "api"]]
    assert icb["variable_share"].iloc[0] == pytest.approx(0.7143)
    line = ("payment basis changes: ICB's contracts with VALE (activity, block) become one "
            "aligned payment and incentive contract, 71% variable (the value-weighted mix, so "
            "each service line's money is kept)")
    assert (1, line) in result.log


def test_merge_of_contracts_on_one_basis_keeps_it():
    tiny = netkit.load_system(netkit.sample_path("tiny"))
    event = {"merge_organisations": {"organisations": ["COMM", "AMB"],
                                     "into": {"id": "OUT", "name": "Out of hospital",
                                              "type": "community_trust"}}}
    result = netkit.apply_changes(tiny, Changeset.of([event]))
    rels = result.system.relationships
    icb = rels[(rels["source"] == "ICB") & (rels["target"] == "OUT")]
    assert icb["payment"].tolist() == ["block"]
    assert not any("payment basis changes" in line for _, line in result.log)
