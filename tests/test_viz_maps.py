"""Network maps: what they draw (worked out by hand on tiny), escaping, self-containment,
determinism, and the static picture."""

import base64
import hashlib
import json
import re

import pandas as pd
import pytest
from conftest import sample_system

import netkit
from netkit.change.changeset import Changeset
from netkit.errors import OptionError
from netkit.viz.maps import map_partners, map_system, visualise
from netkit.viz.page import json_for_html, map_scripts
from netkit.render.palette import CHANGE_COLOURS

TINY = sample_system("tiny")
NASTY = "Smith & Sons <Care> Ltd"


def _nodes(m):
    return m.nodes.set_index("id")


def _edges(m):
    return {(s, t): p for s, t, p in m.edges[["source", "target", "patients"]].values}


def test_system_map_of_tiny_by_hand():
    m = map_system(TINY)
    nodes = _nodes(m)
    # Activity per organisation: per pathway the larger of patients in and out at each service.
    # GPS: frailty 1,000 + falls 300; ED 500 + WARD 320; AMB999 500; UCR 200 + 120; REABLE 150;
    # CH 50; the ICB and the PCN provide no services.
    assert nodes["activity"].to_dict() == {
        "ACUTE": 820.0, "AMB": 500.0, "CARE": 50.0, "COMM": 320.0, "COUNCIL": 150.0,
        "GP1": 1300.0, "ICB": 0.0, "PCN1": 0.0}
    # Handoffs between organisations (flows inside ACUTE, ED → WARD, are not edges).
    assert _edges(m) == {("GP1", "COMM"): 320.0, ("GP1", "ACUTE"): 100.0,
                         ("AMB", "ACUTE"): 400.0, ("COMM", "ACUTE"): 20.0,
                         ("ACUTE", "COUNCIL"): 150.0, ("ACUTE", "CARE"): 50.0}
    # Sizes: 8 px plus 32 px × sqrt(activity / largest); widths 1 + 9 × sqrt(patients / largest).
    assert nodes.at["GP1", "size"] == 40.0
    assert nodes.at["ACUTE", "size"] == pytest.approx(8 + 32 * (820 / 1300) ** 0.5, abs=0.05)
    assert nodes.at["ICB", "size"] == 8.0
    widths = m.edges.set_index(["source", "target"])["width"]
    assert widths[("AMB", "ACUTE")] == 10.0 and widths[("GP1", "ACUTE")] == 5.5
    assert m.subtitle == ["8 organisations; 1,040 patients a year handed between them"]
    assert nodes.at["ACUTE", "colour_type"] == "#D55E00" and nodes.at["ACUTE", "shape"] == "square"
    assert nodes.at["CARE", "family"] == "council"
    assert m.colour_by == "type" and m.schemes == ["type"]


def test_tooltips_carry_name_type_activity_and_for_partners_tier_and_reasons():
    assert _nodes(map_system(TINY)).at["CARE", "tooltip"] == (
        f"{NASTY} (CARE)\ncare home\n50 patient contacts a year")
    ps = netkit.find_partners(TINY, "frailty")
    tip = _nodes(map_partners(ps)).at["PCN1", "tooltip"].split("\n")
    assert tip[:5] == ["North Vale PCN (PCN1)", "primary care network", "1,000 patient contacts a year",
                       "tier: core", "stands for GP1"]
    reasons = ps.partners.set_index("id").at["PCN1", "reasons"]
    assert tip[5:] == [f"• {r}" for r in reasons[:3]]


def test_partner_map_colours_by_tier_and_fades_inform():
    # A dearer seat (3% of the benefit) keeps the care home, which brings 2.5%, out of the core
    # so that the map has an inform partner to fade (at the default 2% it earns a seat).
    m = map_partners(netkit.find_partners(TINY, "frailty", coordination_cost="partner=0.03"))
    nodes = _nodes(m)
    assert m.colour_by == "tier" and m.schemes == ["tier", "type"]
    assert nodes["tier"].to_dict() == {"ACUTE": "core", "AMB": "core", "CARE": "inform",
                                       "COMM": "core", "COUNCIL": "core", "ICB": "core",
                                       "PCN1": "core"}
    assert nodes.at["ACUTE", "colour_tier"] == "#005EB8"
    assert nodes.at["CARE", "colour_tier"] == "#BBBBBB"
    # The council family's #E69F00 faded 65% towards white: 230 + 25 × .65 = 246 (F6), 159 +
    # 96 × .65 = 221 (DD), 0 + 255 × .65 = 166 (A6).
    assert nodes.at["CARE", "colour_type"] == "#F6DDA6"
    # GP1 takes part through PCN1: the handoffs are between candidates.
    assert _edges(m) == {("PCN1", "COMM"): 200.0, ("PCN1", "ACUTE"): 100.0,
                         ("AMB", "ACUTE"): 400.0, ("COMM", "ACUTE"): 20.0,
                         ("ACUTE", "COUNCIL"): 150.0, ("ACUTE", "CARE"): 50.0}
    assert [label for label, _, _ in m.legend("tier")] == ["Core (at the table)", "Inform"]


def test_diff_map_marks_who_left_and_keeps_them_on_the_map():
    closes = Changeset.of([{"remove_organisation": {"id": "AMB",
                                                    "services": {"reassign_to": "COMM"}}}])
    m = visualise(TINY, "frailty", changes=closes)
    nodes = _nodes(m)
    assert m.colour_by == "change"
    assert nodes.at["AMB", "status"] == "left" and nodes.at["AMB", "colour_change"] == "#D55E00"
    assert nodes.at["ACUTE", "status"] == "core"
    assert "left the core: the organisation closed (event 1)" in nodes.at["AMB", "tooltip"]
    assert m.subtitle == ["Vale Ambulance Service leaves the core and the scope: the "
                          "organisation closed (event 1)"]
    # The ambulance's handoff now comes from the community trust; the old one is dashed.
    edges = m.edges.set_index(["source", "target"])
    assert edges.at[("AMB", "ACUTE"), "dashed"]
    assert edges.at[("COMM", "ACUTE"), "patients"] == 420.0
    assert not edges.at[("COMM", "ACUTE"), "dashed"]


def test_diff_map_of_a_change_that_ends_no_handoff():
    # with no ended handoffs to draw dashed, their empty table once failed to get tooltips
    joins = Changeset.of([{"add_organisation": {"id": "NEW", "name": "New Friends",
                                                "type": "vcse", "sector": "vcse"}}])
    m = visualise(TINY, "frailty", changes=joins)
    assert not m.edges["dashed"].any()
    assert m.edges.set_index(["source", "target"]).at[("AMB", "ACUTE"), "tooltip"] == \
        "Vale Ambulance Service → Vale Hospital: 400 patients a year"


def test_system_map_of_a_changeset_marks_added_removed_and_touched():
    change = Changeset.of([
        {"add_organisation": {"id": "NEW", "name": "New Friends", "type": "vcse",
                              "sector": "vcse"}},
        {"transfer_service": {"service": "UCR", "to": "ACUTE"}}])
    nodes = _nodes(visualise(TINY, changes=change))
    assert nodes.at["NEW", "status"] == "added"
    assert nodes.at["COMM", "status"] == "changed" and nodes.at["ACUTE", "status"] == "changed"
    assert nodes.at["GP1", "status"] == "unchanged"


def test_display_budget_keeps_the_busiest_and_says_so():
    m = map_system(TINY, max_nodes=3)
    assert sorted(m.nodes["id"]) == ["ACUTE", "AMB", "GP1"]
    assert set(m.edges["source"]) | set(m.edges["target"]) <= {"ACUTE", "AMB", "GP1"}
    assert m.notes == ["showing the 3 organisations with most activity of 8 (display budget; "
                       "raise it with max_nodes / --max-nodes)"]


def test_services_map_adds_services_and_their_flows():
    m = map_system(TINY, services=True)
    nodes = _nodes(m)
    assert (nodes["kind"] == "service").sum() == 7
    assert nodes.at["service:ED", "activity"] == 500.0
    edges = m.edges.set_index(["source", "target"])
    assert edges.at[("service:AMB999", "service:ED"), "patients"] == 400.0
    assert edges.at[("ACUTE", "service:ED"), "kind"] == "provides"
    with pytest.raises(OptionError, match="whole-system map only"):
        visualise(TINY, "frailty", services=True)


def test_building_a_map_leaves_the_system_untouched():
    before = {name: frame.copy() for name, frame in TINY.tables().items()}
    map_system(TINY, services=True)
    map_partners(netkit.find_partners(TINY, "frailty"))
    for name, frame in TINY.tables().items():
        pd.testing.assert_frame_equal(frame, before[name])


# -- the page -----------------------------------------------------------------------------------
def test_names_are_escaped_everywhere_in_the_page():
    page = map_system(TINY).to_html()
    assert "<Care>" not in page and "Smith & Sons" not in page
    data = json.loads(re.search(r'class="nk-data">(.*?)</script>', page, re.S).group(1))
    assert NASTY in [t.split(" (")[0] for t in data["nodes"]["tooltip"]]
    assert data["nodes"]["id"] == map_system(TINY).nodes["id"].tolist()
    assert json_for_html({"x": "</script><b>"}) == '{"x":"\\u003c/script\\u003e\\u003cb\\u003e"}'


def test_a_heading_with_markup_is_escaped():
    m = map_system(TINY)
    page = type(m)(**{**m.__dict__, "title": "<img src=x onerror=alert(1)>"}).to_html()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_page_is_self_contained_and_its_policy_allows_only_its_own_scripts():
    page = map_partners(netkit.find_partners(TINY, "frailty")).to_html()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2 and tuple(scripts) == map_scripts()
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    assert allowed == {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
                       for s in scripts}
    # No element loads anything: no src or href attributes, no stylesheet links, no source map.
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"\b(src|href)\s*=", markup)
    assert "sourceMappingURL" not in page and "<link" not in page
    assert "vis-network" in scripts[0][:200] and "@version 9.1.2" in scripts[0][:300]


def test_same_input_gives_a_byte_identical_file(tmp_path):
    ps = netkit.find_partners(TINY, "frailty")
    first = map_partners(ps).save(tmp_path / "a.html").read_bytes()
    second = map_partners(netkit.find_partners(TINY, "frailty")).save(tmp_path / "b.html")
    assert first == second.read_bytes()
    assert map_partners(ps, seed=1).to_html() != first.decode()


def test_saving_writes_one_file_and_nothing_beside_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "maps"
    out.mkdir()
    map_system(TINY).save(out / "tiny.html")
    assert [p.name for p in out.iterdir()] == ["tiny.html"]
    assert list(tmp_path.iterdir()) == [out]


def test_notebook_display_is_a_sandboxed_iframe_with_the_page_escaped():
    m = map_system(TINY)
    shown = m._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in shown
    assert "<Care>" not in shown and "&amp;lt;Care&amp;gt;" not in shown
    assert "\\u003cCare\\u003e" in shown
    assert type(TINY.visualise()) is type(m)
    assert netkit.find_partners(TINY, "frailty").visualise().colour_by == "tier"


def test_to_dict_is_the_data_the_page_draws():
    m = map_system(TINY)
    d = m.to_dict()
    assert len(d["nodes"]) == 8 and len(d["edges"]) == 6
    assert d["provenance"].startswith(f"netkit {netkit.__version__} · input ")
    assert json.loads(json.dumps(d)) == d


# -- the picture --------------------------------------------------------------------------------
@pytest.mark.parametrize("ending, magic", [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_picture_is_deterministic(tmp_path, ending, magic):
    m = map_partners(netkit.find_partners(TINY, "frailty"))
    a = m.save_picture(tmp_path / f"a.{ending}").read_bytes()
    b = m.save_picture(tmp_path / f"b.{ending}").read_bytes()
    assert a.startswith(magic) and a == b


def test_svg_picture_escapes_names(tmp_path):
    svg = map_system(TINY).save_picture(tmp_path / "m.svg").read_text()
    assert "<Care>" not in svg


def test_picture_must_be_png_or_svg(tmp_path):
    with pytest.raises(OptionError, match=r"cannot save a map picture as 'm.jpg': the file "
                                          r"must end in \.png or \.svg"):
        map_system(TINY).save_picture(tmp_path / "m.jpg")
    assert list(tmp_path.iterdir()) == []


RIVERSIDE_CHANGESET = (netkit.sample_path("riverside") / "changesets"
                       / "2026-10-virtual-ward.yaml")


def test_diff_map_colours_who_closed_and_who_joined_as_leaving_and_joining():
    # Age UK Riverside closes and Age Well Southmere joins: both were 'Moved tier' before
    m = visualise(sample_system("riverside"), "frailty-admissions",
                  changes=RIVERSIDE_CHANGESET)
    nodes = _nodes(m)
    assert nodes.loc[["VCSE-AGE", "VCSE-AWS"], ["status", "colour_change"]].values.tolist() == [
        ["exited", CHANGE_COLOURS["left"]], ["entered", CHANGE_COLOURS["joined"]]]
    assert "\nleft the scope (or closed): the organisation closed (event 7)\n" in \
        nodes.at["VCSE-AGE", "tooltip"]
    assert [label for label, _, _ in m.legend("change")] == [
        "Joined the scope", "Left the scope (or closed)", "Core, unchanged", "Unchanged"]


def test_ended_handoffs_are_drawn_on_the_live_width_scale():
    m = visualise(sample_system("riverside"), "frailty-admissions",
                  changes=RIVERSIDE_CHANGESET)
    edges = m.edges.set_index(["source", "target"])
    ended = edges.loc[("ACU-RIV", "VCSE-AGE")]
    live = edges.loc[("ACU-RIV", "VCSE-AWS")]
    assert ended["dashed"] and not live["dashed"]
    assert (ended["patients"], live["patients"]) == (180.0, 300.0)
    # the widest line is the busiest live handoff (4,680); 180 was drawn at 10 before
    top = edges["patients"].max()
    assert edges["width"].max() == 10.0 and edges.loc[edges["width"].idxmax(), "patients"] == top
    assert ended["width"] == round(1 + 9 * (180 / top) ** 0.5, 2) < live["width"]
    assert ended["tooltip"].endswith("(before the change, now ended)")
