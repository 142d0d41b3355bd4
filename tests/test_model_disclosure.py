"""Disclosure control: the rule packs by hand, what reports and maps show, and the check that
the partner set survives rounding."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from conftest import sample_system

import netkit
from netkit.errors import OptionError
from netkit.model.disclosure import disclosure_rules
from netkit.partners.disclosure_check import released_system
from netkit.partners.find import disclosure_check

TINY = sample_system("tiny")
RIVERSIDE = sample_system("riverside")


@pytest.mark.parametrize("pack, shown", [
    ("nhs", ["0", "*", "*", "10", "10", "15", "1,235"]),
    ("cms", ["0", "*", "*", "*", "12", "13", "1,234"]),
    ("none", ["0", "1", "7", "8", "12", "13", "1,234"]),
    ("threshold=2,round=10", ["0", "*", "10", "10", "10", "10", "1,230"]),
])
def test_rule_packs_by_hand(pack, shown):
    rules = disclosure_rules(pack)
    assert [rules.count(v) for v in (0, 1, 7, 8, 12, 13, 1234)] == shown


def test_percentages_come_from_the_rounded_figures():
    nhs = disclosure_rules("nhs")
    # 13 of 42: true 31%; rounded 15 of 40: 38%.
    assert nhs.share(13, 42) == "38%"
    assert nhs.share(6, 42) == "*"
    assert nhs.median(pd.Series([2.5, 4.0]), pd.Series([6, 9])).tolist()[1] == 4.0
    assert math.isnan(nhs.median(pd.Series([2.5, 4.0]), pd.Series([6, 9])).tolist()[0])


@given(st.integers(0, 10**6))
def test_nhs_never_shows_a_small_count_and_stays_within_rounding(n):
    rules = disclosure_rules("nhs")
    value = rules.values([n]).iloc[0]
    if 1 <= n <= 7:
        assert math.isnan(value) and rules.count(n) == "*"
    else:
        assert value % 5 == 0 and abs(value - n) <= 2.5


def test_bad_rule_packs_are_explained():
    with pytest.raises(OptionError, match=r"disclosure 'hes' is not a rule pack: use nhs, cms "
                                          r"or none, or threshold=N,round=R"):
        disclosure_rules("hes")


def test_partner_reasons_show_disclosed_counts_and_percentages():
    ps = netkit.find_partners(TINY, "frailty", disclosure="threshold=100,round=100")
    reasons = ps.partners.set_index("id").at["COMM", "reasons"]
    # COMM: 200 of the 2,720 frailty contacts in scope → 200 of 2,700 → 7%; 220 handoffs (200
    # from PCN1, 20 to ACUTE) → 200; its busiest tie, with PCN1, 200.
    assert reasons[0] == "delivers 7% of the contacts in scope (200 a year)"
    assert reasons[1].startswith("party to 200 transfers of care a year with other organisations (")
    care = ps.partners.set_index("id").at["CARE", "reasons"]
    assert "delivers * of the contacts in scope (* a year)" in care
    assert ps.partners.set_index("id").at["COMM", "activity"] == 200.0  # true figures inside
    frame = ps.to_frame().set_index("id")
    assert frame.at["CARE", "activity"] == "*" and frame.at["ACUTE", "activity"] == "800"
    data = json.loads(json.dumps(ps.to_dict()))
    assert data["options"]["disclosure"] == "threshold=100,round=100"
    assert "disclosure threshold=100,round=100" in ps.provenance()


def test_the_check_says_when_rounding_changes_the_partner_set():
    same = disclosure_check(TINY, "frailty", "nhs")
    assert same.same and same.differences == [] and same.suppressed_flows == 0
    # Suppress everything under 60 patients: the care home's 50 vanish from the scope.
    changed = disclosure_check(TINY, "frailty", "threshold=60,round=1")
    assert not changed.same
    # Under method version 2 the care home is core on the true figures: the patients diverted
    # from its beds bring 2.5% of the benefit against one seat's 2% (see the tiny core of seven).
    assert changed.differences == [{"id": "CARE", "true": "core", "released": None}]
    assert changed.line() == ("disclosure check (threshold=60,round=1): the partner set differs "
                              "when computed on the rounded figures: CARE is core on the true "
                              "figures, out of scope on the rounded ones")
    assert changed.suppressed_flows == 3  # UCR→WARD 20, WARD→CH 50 and CH→@home 50
    ps = netkit.find_partners(TINY, "frailty", disclosure="threshold=60,round=1")
    assert ps.notes[-1] == changed.line()


def test_released_system_rounds_and_drops_suppressed_flows():
    released = released_system(TINY, disclosure_rules("nhs"))
    assert len(released.flows) == len(TINY.flows)  # tiny has no flow of 1-7 patients
    released = released_system(TINY, disclosure_rules("threshold=100,round=100"))
    # Five flows of 100 or fewer go (GPS→ED 100, AMB999→@home 100, UCR→WARD 20, WARD→CH 50,
    # CH→@home 50); 120 → 100, 150 and 180 → 200.
    assert len(released.flows) == len(TINY.flows) - 5
    assert sorted(released.flows["patients"].unique()) == [100.0, 200.0, 300.0, 400.0, 500.0,
                                                           700.0, 1000.0]


def test_maps_carry_only_released_figures():
    m = netkit.visualise(TINY, "frailty", disclosure="threshold=100,round=100")
    nodes = m.nodes.set_index("id")
    assert math.isnan(nodes.at["CARE", "activity"])
    assert nodes.at["CARE", "tooltip"].split("\n")[2] == "* patient contacts a year"
    edges = m.edges.set_index(["source", "target"])
    assert math.isnan(edges.at[("ACUTE", "CARE"), "patients"])
    assert edges.at[("ACUTE", "CARE"), "tooltip"].endswith(": * patients a year")
    page = m.to_html()
    assert '"patients":50.0' not in page and '"activity":50.0' not in page
    assert m.notes[-1].startswith("disclosure control threshold=100,round=100")


def test_summary_shows_disclosed_counts_and_shares():
    s = netkit.summarise(TINY, disclosure="threshold=100,round=100")
    text = s.to_text()
    # GP1 1,300 of 3,140 contacts a year → 1,300 of 3,100 → 42%; the care home's 50 hidden.
    assert "GP1      Hill Surgery             gp_practice         1,300    42%" in text
    assert "CARE     Smith & Sons <Care> Ltd  care_home               *      *" in text
    assert text.rstrip().endswith("percentages from rounded figures")
    data = s.to_dict()
    assert data["pathways"][0]["patients"] == "1,500" and "disclosure" in data
    assert netkit.summarise(TINY).to_dict()["pathways"][0]["patients"] == 1500.0


def test_the_summary_csv_and_workbook_carry_what_the_text_shows():
    from netkit.render.formats import csv_report
    from netkit.render.workbook import report_sheets

    s = netkit.summarise(TINY, disclosure="threshold=100,round=100")
    frame = s.to_frame().set_index("id")
    # as the text: GP1's 1,300 of 3,100 (42%), the care home's 50 hidden; no separators, as in
    # the partner CSV
    assert frame.loc["GP1", ["activity", "share"]].tolist() == ["1300", "42%"]
    assert frame.loc["CARE", ["activity", "share"]].tolist() == ["*", "*"]
    assert "GP1,Hill Surgery,gp_practice,1300,42%" in csv_report(s.to_frame())
    assert report_sheets(s)["report"].equals(s.to_frame())  # the .xlsx sheet
    exact = netkit.summarise(TINY).to_frame().set_index("id")
    assert exact.at["CARE", "activity"] == 50.0 and exact.at["GP1", "share"] < 1


def test_the_partner_workbook_releases_patients_beside_contacts():
    # tiny's frailty shift under threshold=100,round=100: ACUTE -160 patients → -200; CARE
    # -9.4, COMM +100 and COUNCIL -28.1 hidden; the ICB has none
    ps = netkit.find_partners(TINY, "frailty", disclosure="threshold=100,round=100")
    sheet = ps.to_sheets()["incentives"]
    assert sheet["patients_change"].tolist() == ["-200", "*", "*", "*", ""]
    assert sheet["patients_change"].tolist() == sheet["activity_change"].tolist()
    assert ps.incentives.organisations["patients_change"].tolist()[:2] == [-160.0, -9.375]


def test_export_rounds_flows_and_marks_suppressed_edges(tmp_path):
    import networkx as nx

    out = netkit.export_network(TINY, tmp_path / "t.graphml",
                                disclosure="threshold=100,round=100")
    G = nx.read_graphml(out)
    flows = {(u, v): d for u, v, d in G.edges(data=True) if d.get("kind") == "flow"}
    assert flows[("WARD", "CH")].get("suppressed") == "*"
    assert "patients" not in flows[("WARD", "CH")]
    assert flows[("GPS", "UCR")]["patients"] in (200.0, 100.0)  # 200 (frailty), 120 → 100


def test_scaling_to_a_year_never_unhides_a_small_count():
    """Suppression is decided on the people counted, not on the yearly estimate: a step made by
    7 patients in the 298 days of tiny_events is 8.6 a year, and must still show as '*'."""
    events = netkit.read_events(netkit.sample_path("tiny_events") / "events.csv",
                                text_columns=["patient"])
    codes = pd.read_csv(netkit.sample_path("tiny_events") / "codes.csv", dtype=str)
    common = dict(case="patient", time="when", service="code", mapping=codes, dayfirst=True,
                  pathway="frailty", disclosure="nhs")
    counted = netkit.mine_pathways(events, per_year=False, **common)
    yearly = netkit.mine_pathways(events, per_year=True, **common)
    assert yearly.summary["span_days"] < 365  # the counts are scaled up
    small = counted.flows.loc[counted.flows["patients"].between(1, 7)]
    assert len(small) > 0
    key = ["source", "target"]
    hidden = counted.released_flows().set_index(key)["patients"] == "*"
    hidden_yearly = yearly.released_flows().set_index(key)["patients"] == "*"
    assert hidden_yearly.equals(hidden)
    assert set(hidden[hidden].index) == set(map(tuple, small[key].values))


def test_the_mined_json_summary_is_released_as_the_text_is():
    # tiny_events: 270 events of 120 patients, 150 steps and 28 repeats at one service; under
    # nhs 28 shows as 30, as the text report says it
    events = netkit.read_events(netkit.sample_path("tiny_events") / "events.csv",
                                text_columns=["patient"])
    codes = pd.read_csv(netkit.sample_path("tiny_events") / "codes.csv", dtype=str)
    common = dict(case="patient", time="when", service="code", mapping=codes, dayfirst=True,
                  pathway="frailty")
    released = netkit.mine_pathways(events, disclosure="nhs", **common)
    summary = json.loads(json.dumps(released.to_dict()))["summary"]
    assert [summary[k] for k in ("events", "cases", "transitions", "repeats")] == \
        ["270", "120", "150", "30"]
    assert "150 steps between events; 30 at the same service" in released.to_text()
    assert released.summary["repeats"] == 28  # the true figures stay inside
    plain = netkit.mine_pathways(events, **common).to_dict()["summary"]
    assert plain["repeats"] == 28 and plain["events"] == 270


# -- the partner report's money and header under disclosure control -----------------------------
NHS_LINE = ("Counts shown: disclosure control nhs: counts of 1–7 shown as *; other counts "
            "rounded to the nearest 5; medians on suppressed counts suppressed; percentages from "
            "rounded figures.")


def _tiny_at(fraction: float, disclosure=None):
    """tiny's frailty shift at another fraction: 500 patients reach ED, so 12.3% diverts
    61.5 a year (62 as computed; 60 under nhs, 61.5 / 5 = 12.3 rounded to 12 fives)."""
    from dataclasses import replace

    opp = TINY.opportunity("frailty")
    opp = replace(opp, shift=replace(opp.shift, fraction=fraction))
    return netkit.find_partners(TINY, opp, disclosure=disclosure)


def test_the_partner_header_says_which_counts_it_shows_as_diagnose_does():
    ps = netkit.find_partners(TINY, "frailty", disclosure="nhs")
    text, markdown, html = ps.to_text(), ps.to_markdown(), ps.to_html(with_map=False)
    header = text[:text.index("Core partners")]
    assert header.splitlines()[-2] == NHS_LINE  # after the scope line, before a blank line
    # Markdown escapes the asterisk of "shown as *" (a backslash, as every markup character)
    assert NHS_LINE.replace("*", "\\*") in markdown and NHS_LINE.replace("&", "&amp;") in html
    assert disclosure_rules("nhs").counts_shown() == NHS_LINE
    diagnosed = netkit.diagnose(TINY, disclosure="nhs").to_text()
    assert NHS_LINE in diagnosed.splitlines()
    plain = netkit.find_partners(TINY, "frailty")
    assert "Counts shown" not in plain.to_text() + plain.to_markdown()


def test_patients_diverted_follow_the_rules_in_the_money_section():
    shown = _tiny_at(0.123, "nhs").to_text()
    # cash released as the cash bridge below it states it (£71,200 − £8,600 = £62,600)
    assert ("  60 patients a year diverted; cash released £71,200, capacity released £95,000 a "
            "year") in shown.splitlines()
    # the contacts they take with them, released as counts are (61.5 new contacts: 60)
    assert ("  contacts a year: 120 fewer where the diverted patients no longer go, 60 more "
            "where they go instead") in shown.splitlines()
    plain = _tiny_at(0.123).to_text()
    assert ("  62 patients a year diverted; cash released £71,200, capacity released £95,000 a "
            "year") in plain.splitlines()
    # the JSON keeps the money as computed and releases the counts as its others are
    ruled, exact = (_tiny_at(0.123, d).to_dict()["incentives"] for d in ("nhs", None))
    assert [r["net"] for r in ruled] == [r["net"] for r in exact]
    comm = next(r for r in ruled if r["id"] == "COMM")
    assert (comm["activity_change"], comm["patients_change"]) == ("60", "60")
    assert next(r for r in exact if r["id"] == "COMM")["activity_change"] == 61.5


def test_the_windfall_note_counts_new_contacts_as_the_rules_do():
    # COMM's 61.5 new contacts: 62 as computed, 60 under nhs, in the report and the JSON notes
    windfall = ("Windfall: Vale Community Health's (COMM) gain share would be £36,000 a year for "
                "{} new contacts; capped at £12,000 (1 × their full cost at unit cost; "
                "risk_share.share_cap), the rest stays with the payers.")
    assert windfall.format(60) in " ".join(_tiny_at(0.123, "nhs").to_markdown().split())
    assert windfall.format(62) in " ".join(_tiny_at(0.123).to_markdown().split())
    assert any("for 60 new contacts" in n for n in _tiny_at(0.123, "nhs").to_dict()["notes"])


def test_capacity_words_follow_the_rules():
    # a receiving service 688 contacts past its 3,000 before the shift and taken to 3,968.4:
    # 690, 3,970 and 970 under nhs; the capacity and the shift's own 280 are already fives
    from dataclasses import replace

    inc = netkit.find_partners(TINY, "frailty").incentives
    frame = pd.DataFrame({"service": ["UCR"], "capacity": [3000.0], "before": [3688.0],
                          "after": [3968.4], "shortfall": [280.4], "staff_cost": [170000.0]})
    full = replace(inc, capacity=frame, notes=("capacity: UCR is already 688 contacts a year "
                   "past its capacity of 3,000 before the shift; the shift takes it to 3,968, "
                   "968 short in all, of which the shift's own 280 cost about £170,000 a year of "
                   "staff at its unit cost (costed as new staff; --cap-at-capacity caps the "
                   "shift instead)", "another note"))
    assert full.released(disclosure_rules("nhs")).notes == (
        "capacity: UCR is already 690 contacts a year past its capacity of 3,000 before the "
        "shift; the shift takes it to 3,970, 970 short in all, of which the shift's own 280 cost "
        "about £170,000 a year of staff at its unit cost (costed as new staff; "
        "--cap-at-capacity caps the shift instead)", "another note")
    assert full.released(disclosure_rules(None)) is full


def test_the_partner_json_releases_its_counts_and_keeps_its_money():
    # tiny's frailty shift: 1,500 patients enter; COMM takes 61.5 new contacts at 12.3%
    ruled, exact = (_tiny_at(0.123, d).to_dict() for d in ("nhs", None))
    assert (ruled["scope"]["patients"], exact["scope"]["patients"]) == ("1500", 1500.0)
    care = next(r for r in ruled["incentives"] if r["id"] == "CARE")
    assert (care["activity_change"], care["bed_days_change"]) == ("*", "0")  # -5.8: 1–7 hidden
    assert ruled["system_net"] == exact["system_net"]


def test_the_verdict_and_grid_shares_come_from_the_rounded_counts():
    from netkit.partners.frameworks import _grid_why
    from netkit.partners.verdict import _share_words

    # 12 of 38 contacts: 32% as computed, 10 of 40 = 25% from the rounded figures
    contained = {"internal": {"activity": 12 / 38, "transfers": 1.0,
                              "counts": {"activity": (12.0, 38.0), "transfers": (0.0, 0.0)}}}
    assert _share_words(contained, disclosure_rules("nhs")) == {
        "internal": {"activity": "25%", "transfers": "100%"}}
    assert _share_words(contained)["internal"]["activity"] == "32%"
    row = {"activity": 12.0, "activity_share": 12 / 38}
    assert _grid_why("keep informed", "inform", row, False, [], "",
                     share=disclosure_rules("nhs").share) == "delivers 25% of the contacts in scope"
    assert _grid_why("keep informed", "inform", row, False, [], "") == \
        "delivers 32% of the contacts in scope"
