"""Who takes part in each pathway (netkit.io.named_checks.taking_part), worked out on codes,
against the table-by-table way it was first written."""

from __future__ import annotations

import pandas as pd
import pytest

import netkit
from netkit.io.named_checks import taking_part


def by_tables(tables):
    """The first way: every flow end, its provider, and those who pay that provider."""
    flows, services, rels = tables["flows"], tables["services"], tables["relationships"]
    provider = dict(zip(services["id"], services["provider"]))
    ends = pd.concat([flows[["pathway", "source"]].rename(columns={"source": "service"}),
                      flows[["pathway", "target"]].rename(columns={"target": "service"})])
    ends = ends.assign(org=ends["service"].map(provider)).dropna(subset=["org"])
    ends = ends[["pathway", "org"]]
    payers = rels[rels["type"].isin(["commissions", "subcontracts"])]
    paid = ends.merge(payers[["source", "target"]], left_on="org", right_on="target")
    ends = pd.concat([ends, paid[["pathway", "source"]].rename(columns={"source": "org"})])
    return ends.groupby("pathway")["org"].agg(set).to_dict()


@pytest.mark.parametrize("sample", ["tiny", "riverside", "metro", "shire"])
def test_the_same_organisations_as_table_by_table(sample):
    tables = netkit.load_system(netkit.sample_path(sample)).tables()
    assert taking_part(tables)["pathway_orgs"] == by_tables(tables)


def test_flows_with_a_missing_pathway_or_end_count_for_nothing():
    tables = netkit.load_system(netkit.sample_path("tiny")).tables()
    flows = tables["flows"]
    extra = pd.DataFrame({"pathway": [None, "falls"], "source": ["ED", None],
                          "target": ["WARD", "CH"], "patients": [5.0, 5.0]})
    tables["flows"] = pd.concat([flows, extra], ignore_index=True)
    found = taking_part(tables)["pathway_orgs"]
    assert found == by_tables(tables)
    assert "CARE" in found["falls"]  # the care home's flow still names its provider
