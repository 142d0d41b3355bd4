"""System summaries, with figures worked out by hand on the tiny sample."""

import json
from conftest import sample_system

import netkit


def summary():
    return netkit.summarise(sample_system("tiny"))


def test_counts_and_tables():
    s = summary()
    assert s.counts == {"organisations": 8, "services": 7, "pathways": 2, "flows": 20,
                        "relationships": 7, "opportunities": 2}
    assert s.organisations_by_sector.values.tolist() == [["nhs", 6], ["independent", 1],
                                                         ["local_government", 1]]
    assert s.organisations_by_place.values.tolist() == [["North", 4], ["(none)", 3], ["South", 1]]
    # frailty: 1000 + 500 enter from @home; falls: 300.
    assert s.pathways[["id", "patients", "transitions"]].values.tolist() == [
        ["frailty", 1500.0, 4220.0], ["falls", 300.0, 720.0]]
    top = s.top_organisations
    assert top["id"].tolist() == ["GP1", "ACUTE", "AMB", "COMM", "COUNCIL", "CARE"]
    assert top["activity"].tolist() == [1300, 820, 500, 320, 150, 50]
    assert round(top["share"].sum(), 12) == 1
    assert s.relationships_by_type.values.tolist() == [["commissions", 5, 4_100_000.0],
                                                       ["data_sharing", 1, 0.0],
                                                       ["partnership", 1, 0.0]]


def test_text_and_markdown_read_well():
    text = summary().to_text()
    assert text.startswith("Tiny Vale\n=========\n8 organisations, 7 services, 2 pathways "
                           "(20 flows), 7 relationships, 2 opportunities\n")
    assert "GP1      Hill Surgery             gp_practice         1,300    41%" in text
    md = summary().to_markdown()
    assert "| CARE | Smith & Sons \\<Care\\> Ltd | care_home | 50 | 2% |" in md


def test_html_escapes_names():
    html = summary()._repr_html_()
    assert "Smith &amp; Sons &lt;Care&gt; Ltd" in html
    assert "<Care>" not in html


def test_dict_is_json_ready():
    from netkit.render.formats import to_jsonable

    data = json.loads(json.dumps(to_jsonable(summary().to_dict())))
    assert data["counts"]["services"] == 7
    assert data["top_organisations"][0] == {"id": "GP1", "name": "Hill Surgery",
                                            "type": "gp_practice", "activity": 1300.0,
                                            "share": 1300 / 3140}
