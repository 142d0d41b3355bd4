"""Exports open in other network tools."""

import json

import networkx as nx
import pytest

import netkit


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_formats_read_back(tmp_path, fmt, reader):
    system = netkit.load_system(netkit.sample_path("tiny"))
    out = netkit.export_network(system, tmp_path / f"tiny.{fmt}")
    G = reader(out)
    assert G.number_of_nodes() == 16
    assert G.number_of_edges() == 34
    assert G.nodes["CARE"]["name"] == "Smith & Sons <Care> Ltd"


def test_json_is_node_link(tmp_path):
    system = netkit.load_system(netkit.sample_path("tiny"))
    out = netkit.export_network(system, tmp_path / "tiny.json")
    data = json.loads(out.read_text())
    assert len(data["nodes"]) == 16 and len(data["edges"]) == 34
    flow = next(e for e in data["edges"] if e["source"] == "GPS" and e["target"] == "UCR"
                and e["pathway"] == "falls")
    assert flow["patients"] == 120


def test_unknown_format(tmp_path):
    system = netkit.load_system(netkit.sample_path("tiny"))
    with pytest.raises(netkit.NetkitError, match="cannot export to 'dot'"):
        netkit.export_network(system, tmp_path / "x.dot")
    assert list(tmp_path.iterdir()) == []
