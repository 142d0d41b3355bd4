"""The risk-and-gain-share as the partner report shows it: who pays whom, the notes and the
positions name each organisation by name with its id in brackets, as the partner lists do (an
NHS analyst's review: a board paper must say who pays whom by name); names stay escaped in
Markdown and HTML; the JSON keeps ids, and its money rows carry each name beside the id."""

from __future__ import annotations

import json

import pytest
from conftest import sample_system, set_cell

import netkit
from netkit.render.formats import escape_markdown, to_jsonable
from netkit.render.naming import short_name_and_id


@pytest.fixture(scope="module")
def tiny_frailty():
    return netkit.find_partners(sample_system("tiny"), "frailty")


def _section(report: str, start: str, end: str) -> str:
    return report[report.index(start):report.index(end)]


# tiny's frailty shift, by hand from its design (£ a year): the acute trust loses £154,000 in cash
# and the ICB, which holds its contract, keeps it whole; the community trust's £14,000 loss is
# kept whole and its gain share capped at the full cost of its 100 new contacts, £20,000 (the
# windfall note): £34,000 from the ICB; the council's £39,486 balance reaches the ICB through the
# pooled budget; the care home's gain (£16,875) goes back to the council as a £14,944 cut in its
# block contract. Names from tiny's organisations.csv; money as the reports round it.
PROPOSAL = [
    "Tiny Vale ICB (ICB) pays Vale Hospital (ACUTE) £150,000 a year (keep whole)",
    "Vale Council (COUNCIL) pays Tiny Vale ICB (ICB) £39,000 a year (pooled budget)",
    "Tiny Vale ICB (ICB) pays Vale Community Health (COMM) £34,000 a year (keep whole and gain "
    "share)",
    "Vale Council (COUNCIL) reduces Smith & Sons <Care> Ltd's (CARE) contract by £15,000 a year "
    "(block contract reduction)"]
# before + settlement = after, each organisation's position in cash: ACUTE -154,000 + 154,000;
# CARE 16,875 - 14,944 = 1,931; COMM -14,000 + 34,000; COUNCIL 35,859 + 14,944 - 39,486 =
# 11,317; ICB 217,000 + 39,486 - 188,000 = 68,486; the system's £100,734 unmoved
POSITIONS = [
    ["Vale Hospital (ACUTE)", "-£150,000", "£150,000", "£0"],
    ["Smith & Sons <Care> Ltd (CARE)", "£17,000", "-£15,000", "£1,900"],
    ["Vale Community Health (COMM)", "-£14,000", "£34,000", "£20,000"],
    ["Vale Council (COUNCIL)", "£36,000", "-£25,000", "£11,000"],
    ["Tiny Vale ICB (ICB)", "£220,000", "-£150,000", "£68,000"],
    ["all organisations", "£100,000", "£0", "£100,000"]]


def test_the_proposal_and_the_positions_name_who_pays_whom(tiny_frailty):
    design = tiny_frailty.risk_share
    names = sample_system("tiny").organisation_names()
    assert design.lines(names) == PROPOSAL
    assert design.position_table(names=names).values.tolist() == POSITIONS
    text = tiny_frailty.to_text()
    proposal = _section(text, "  Proposal:", "  Notes:")
    assert proposal == (
        "  Proposal:\n"
        "  - Tiny Vale ICB (ICB) pays Vale Hospital (ACUTE) £150,000 a year (keep whole)\n"
        "  - Vale Council (COUNCIL) pays Tiny Vale ICB (ICB) £39,000 a year (pooled budget)\n"
        "  - Tiny Vale ICB (ICB) pays Vale Community Health (COMM) £34,000 a year (keep whole and "
        "gain share)\n"
        "  - Vale Council (COUNCIL) reduces Smith & Sons <Care> Ltd's (CARE) contract by £15,000 "
        "a year\n    (block contract reduction)\n")
    assert "  - Windfall: Vale Community Health's (COMM) gain share would be £51,000 a year" in text
    table = _section(text, "  Positions before and after settlement", "Stakeholder grid")
    assert table.splitlines()[1:] == [
        "organisation                       before  settlement     after",
        "------------------------------  ---------  ----------  --------",
        "Vale Hospital (ACUTE)           -£150,000    £150,000        £0",
        "Smith & Sons <Care> Ltd (CARE)    £17,000    -£15,000    £1,900",
        "Vale Community Health (COMM)     -£14,000     £34,000   £20,000",
        "Vale Council (COUNCIL)            £36,000    -£25,000   £11,000",
        "Tiny Vale ICB (ICB)              £220,000   -£150,000   £68,000",
        "all organisations                £100,000          £0  £100,000",
        "  Figures may not sum due to rounding; the JSON report has them unrounded.", ""]
    markdown = tiny_frailty.to_markdown()
    assert "\n".join(f"- {escape_markdown(line)}" for line in PROPOSAL) in markdown
    assert "| Smith & Sons \\<Care\\> Ltd (CARE) | £17,000 | -£15,000 | £1,900 |" \
        in markdown


def test_the_json_keeps_ids(tiny_frailty):
    design = tiny_frailty.risk_share
    assert design.lines()[0] == "ICB pays ACUTE £150,000 a year (keep whole)"
    assert design.position_table()["organisation"].tolist()[:2] == ["ACUTE", "CARE"]
    data = json.loads(json.dumps(to_jsonable(tiny_frailty.to_dict())))
    assert [(r["payer"], r["payee"]) for r in data["risk_share"]] == [
        ("ICB", "ACUTE"), ("COUNCIL", "ICB"), ("ICB", "COMM"), ("CARE", "COUNCIL")]
    assert "windfall: COMM's gain share would be £51,000 a year for 100 new contacts; capped " \
        "at £20,000 (1 × their full cost at unit cost; risk_share.share_cap), the rest stays " \
        "with the payers" in data["notes"]
    # added beside the ids (the contract grows only by adding): each money row's name, so a
    # script can name who pays whom as the reports do; the workbook's money sheet too
    assert [(r["id"], r["name"]) for r in data["incentives"]][:3] == [
        ("ACUTE", "Vale Hospital"), ("CARE", "Smith & Sons <Care> Ltd"),
        ("COMM", "Vale Community Health")]
    sheet = tiny_frailty.to_sheets()["incentives"]
    assert sheet.columns.tolist()[:3] == ["id", "name", "activity_change"]
    assert sheet["name"].tolist() == [r["name"] for r in data["incentives"]]


def test_hostile_names_stay_text_in_every_money_line(tiny_dir):
    # the ICB pays, the community trust is paid and has the windfall note, the acute trust
    # loses while the system gains: each name carries markup for Markdown and HTML
    hostile = {2: "Vale | <b>ICB</b> & [Co](http://e.example)",
               3: "Vale `Acute` <img src=x onerror=alert(1)>",
               4: "Comm | Health & <script>x</script>"}
    for row, name in hostile.items():
        set_cell(tiny_dir, "organisations", row, "name", name)
    ps = netkit.find_partners(netkit.load_system(tiny_dir), "frailty")
    icb, acute, comm = (escape_markdown(hostile[r]) for r in (2, 3, 4))
    markdown = ps.to_markdown()
    assert f"- {icb} (ICB) pays {acute} (ACUTE) £150,000 a year (keep whole)" in markdown
    assert f"- Windfall: {comm}'s (COMM) gain share would be £51,000 a year" in markdown
    rows = [line for line in markdown.splitlines() if "(ICB) |" in line or "(COMM) |" in line]
    # each row keeps its table's columns: 4 (positions), 5 (ranges) or 6 (money), so 5 to 7
    # cell bars once the names' escaped bars are taken out
    assert rows and all(line.replace("\\|", "").count("|") in (5, 6, 7) for line in rows)
    assert f"| {icb} (ICB) | £220,000 | -£150,000 | £68,000 |" in markdown
    for raw in ("<b>", "<img", "<script", "[Co](http", "`Acute`"):  # no live markup or link
        assert raw not in markdown.replace("\\<", "")  # "\<" is the text "<"
    page = ps.to_html(with_map=False)
    money = page[page.index("Incentives (shift"):page.index("Stakeholder grid")]
    assert ("<li>Vale | &lt;b&gt;ICB&lt;/b&gt; &amp; [Co](http://e.example) (ICB) pays Vale "
            "`Acute` &lt;img src=x onerror=alert(1)&gt; (ACUTE) £150,000 a year (keep whole)"
            "</li>") in money
    assert "<td>Comm | Health &amp; &lt;script&gt;x&lt;/script&gt; (COMM)</td>" in money
    for raw in ("<b>", "<img", "<script"):
        assert raw not in money
    text = ps.to_text()
    assert "  ! Vale `Acute` <img src=x onerror=alert(1)> (ACUTE) loses £150,000 a year" in text


def test_a_terminal_table_cuts_a_long_name_after_a_word_and_keeps_the_id():
    names = {"ACU-RIV": "Riverside University Hospitals NHS Foundation Trust",
             "CH-WILLOW": "Willow Court Nursing Home"}
    assert short_name_and_id(names, "ACU-RIV", 46) == \
        "Riverside University Hospitals NHS … (ACU-RIV)"
    assert short_name_and_id(names, "CH-WILLOW", 46) == "Willow Court Nursing Home (CH-WILLOW)"
    assert short_name_and_id(names, "CH-WILLOW", 30) == "Willow Court … (CH-WILLOW)"
    assert short_name_and_id(names, "PHARM", 46) == "PHARM"  # no name: the id alone
    frailty = netkit.find_partners(sample_system("riverside"), "frailty-admissions")
    text = frailty.to_text()
    positions = _section(text, "  Positions before and after settlement", "Stakeholder grid")
    assert "\nRiverside University Hospitals NHS … (ACU-RIV)     -£1.3m       £1.3m        £0\n" \
        in positions
    assert "\nWillow Court Nursing Home (CH-WILLOW)             -£9,700          £0   -£9,700\n" \
        in positions
    money = _section(text, "Incentives (shift", "Risk and gain share")
    assert "\nRiverside Community Health NHS … (COM-TRUST)      +1,306   £180,000" in money
    assert max(len(line) for line in money.splitlines()) <= 100


def test_a_cut_positions_table_says_which_rows_are_not_settlements():
    # riverside's frailty shift settles 8 of its 12 organisations (the acute and community
    # trusts, The Oaks, two home care providers, the ICB and both councils); the other four
    # keep their positions (Willow Court -£9,700 and Meadowbank -£6,200 under the collar,
    # Age UK £4,400, the pharmacy -£65). Cut at 10 rows, the last two are the largest of
    # those left as they are, and the heading no longer calls them settlements
    ps = netkit.find_partners(sample_system("riverside"), "frailty-admissions")
    text = ps.to_text(top=10)
    assert ("Positions before and after settlement (£ a year, in cash), the 8 organisations "
            "that pay or are paid first, then the largest 2 positions left as they are; 2 more "
            "organisations in the JSON report:") in " ".join(text.split())
    table = _section(text, "Positions before", "all 12 organisations").splitlines()
    assert [line.split("(")[-1].split(")")[0] for line in table[-2:]] == ["CH-WILLOW",
                                                                          "CH-MEADOW"]
    assert all(" £0 " in line for line in table[-2:])
    assert "the 5 largest settlements first" in " ".join(ps.to_text(top=5).split())
