"""Payment bases through a merger: contracts with different bases are not silently relabelled.

Tiny: the ICB pays ACUTE £2m by activity and COMM £0.8m by block. Merging ACUTE and COMM used to
keep "the largest contract's basis" (activity for all £2.8m, so COMM's block work was suddenly
paid by activity), and then blended them into one aligned payment and incentive contract 5/7
variable (so ED's lost activity cost the merged trust 5/7 of its price). Now each basis is kept
per service line: activity for ED and WARD (the contract naming no service), block for UCR.
"""

from __future__ import annotations

import netkit
from netkit.change.changeset import Changeset

MERGE = {"merge_organisations": {"organisations": ["ACUTE", "COMM"],
                                 "into": {"id": "VALE", "name": "Vale Health & Care",
                                          "type": "acute_trust"}}}


def merged():
    return netkit.apply_changes(netkit.load_system(netkit.sample_path("tiny")),
                                Changeset.of([MERGE]))


def test_merge_keeps_each_contracts_basis_per_service_line_and_says_so():
    result = merged()
    rels = result.system.relationships
    icb = rels[(rels["source"] == "ICB") & (rels["target"] == "VALE")]
    assert icb[["type", "value", "payment", "service"]].fillna("").values.tolist() == [
        ["commissions", 2_000_000.0, "activity", ""], ["commissions", 800_000.0, "block", "UCR"]]
    line = ("ICB's contracts with ACUTE (activity, £2.0m) and COMM (block, £800,000) are kept "
            "per service line in VALE: activity for every service not named on another contract "
            "(ED, WARD); block for UCR")
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
