"""The engagement pack read as a board reads it (round 5 review of riverside's frailty pack):
each core partner with the reasons its seat rests on, no input rows on the board page, the
organisations in the notes named as the partner report names them, and the positions before and
after settlement beside the ask to agree the risk-and-gain-share. Every expectation is worked
out from riverside's partner report for the same opportunity (`netkit partners
sample_networks/riverside -O frailty-admissions`)."""

from __future__ import annotations

import io
import re

import pytest
from conftest import sample_system

import netkit
from netkit.engagement.board import seat_reasons

RIVERSIDE = sample_system("riverside")


@pytest.fixture(scope="module")
def frailty():
    ps = netkit.find_partners(RIVERSIDE, "frailty-admissions")
    return ps, netkit.engagement_pack(RIVERSIDE, "frailty-admissions", partner_set=ps)


@pytest.fixture(scope="module")
def markdown(frailty):
    return frailty[1].to_markdown()


def board_page(markdown: str) -> str:
    return markdown[markdown.index("## Board summary"):markdown.index("## Who does what")]


# -- item 2: the reasons a board needs -----------------------------------------------------------


def test_each_partner_gets_the_reason_its_seat_rests_on(frailty):
    ps, pack = frailty
    lines = dict(line.split(" (", 1) for line in pack.partner_lines)
    # the ICB: what it commissions (its reasons' 'commissions 93% ...', not the must-include
    # list) and what it pays, net (the stakeholder grid's words: £1.3m to the acute trust and
    # £790,000 to the community trust, less £440,000 from the councils: the positions table's
    # -£1.6m)
    assert lines["NHS Riverside Integrated Care Board"] == (
        "ICB): commissions 93% of in-scope spend (£32m a year); pays £1.6m a year, net, under "
        "the risk-and-gain share (which needs its agreement)")
    # a council whose Care Act duties are touched: the duty, then its payments (£240,000 to the
    # ICB, £26,000 to Helping Hands, £20,000 to The Oaks: £280,000 as the grid rounds it)
    assert lines["Riverton City Council"] == (
        "local authority): its Care Act duties (adult social care) are touched: it provides "
        "1,250 contacts a year at Hospital discharge social work (Riverton) and Reablement "
        "(Riverton); it commissions The Oaks Care Home's Residential and nursing care and "
        "Helping Hands Home Care Ltd's Home care; 950 of its residents a year enter adult social "
        "care in scope (each counted once, as they enter it, not again at each service they "
        "move on to); pays £280,000 a year, net, under the risk-and-gain share (which needs "
        "its agreement)")
    assert lines["Southmere County Council"].endswith(
        "; pays £220,000 a year, net, under the risk-and-gain share (which needs its "
        "agreement)")
    # a provider that neither commissions nor pays: its strongest evidence, alone
    assert lines["Riverside Community Health NHS Trust"] == (
        "community trust): delivers 12% of the contacts in scope (5,220 a year)")
    # the payments are the grid's, word for word
    grid = ps.partners.set_index("id")["grid_why"]
    assert "pays £1.6m a year, net, under the risk-and-gain share (which needs its agreement)" \
        in grid["ICB-RIV"]
    assert grid["LA-NORTH"] == ("pays £280,000 a year, net, under the risk-and-gain share "
                                "(which needs its agreement)")
    assert not any("must-include" in line for line in pack.partner_lines)
    assert all(line.count("; pays ") <= 1 for line in pack.partner_lines)


def test_a_judgement_call_is_said_where_nothing_is_paid():
    row = {"type": "community_trust", "reasons": [
        "core in 46% of runs: a judgement call", "on the opportunity's must-include list",
        "delivers 12% of the contacts in scope (5,220 a year)"]}
    assert seat_reasons(row) == ["delivers 12% of the contacts in scope (5,220 a year)",
                                 "core in 46% of runs: a judgement call"]
    assert seat_reasons(row, 50_000.0)[1] == ("pays £50,000 a year, net, under the "
                                              "risk-and-gain share (which needs its agreement)")
    assert seat_reasons({"type": "icb", "reasons": []}) == ["at the table"]


# -- item 3: no input rows on the board page -----------------------------------------------------


def test_the_board_page_cites_no_rows_and_says_once_where_they_are(markdown, frailty):
    page = board_page(markdown)
    assert not re.search(r"\.csv rows? \d", page)
    assert "flows.csv" not in page and "Source:" not in page
    assert page.count("netkit explain") == 1 and markdown.count("netkit explain") == 1
    assert ("*Sources: the input rows behind each partner's reasons: netkit explain PATH "
            "--opportunity frailty-admissions --partner ID; behind the money and the workstreams: "
            "the sources in the RACI and the risk-and-gain-share below (the workbook's board "
            "sheet lists them all)*") in page
    # the rows are still in the pack: the risk-and-gain-share's source and the workbook
    assert "*Source: services.csv rows 2–4, 14; relationships.csv rows 2, 5*" in markdown
    board = frailty[1].to_sheets()["board"]
    acute = board.loc[board["text"].str.startswith("Riverside University"), "sources"].iloc[0]
    assert acute.startswith("organisations.csv row 3; services.csv rows 2–4; flows.csv rows 3, ")


# -- item 1: organisations by name in the notes --------------------------------------------------


def test_the_notes_name_organisations_as_the_partner_report_does(frailty, markdown):
    ps, pack = frailty
    # the partner report's notes, word for word, less the setting's name
    assert pack.share_notes == [
        "collar: Meadowbank House (CH-MEADOW, £6,200), Willow Court Nursing Home (CH-WILLOW, "
        "£9,700), Riverside Pharmacy Group (PHARM, £65) each bear a loss under £10,000 a year "
        "themselves: no payment under the collar is made",
        "windfall: Riverside Community Health NHS Trust's (COM-TRUST) gain share would be "
        "£870,000 a year for 1,447 new contacts; capped at £610,000 (1 × their full cost at unit "
        "cost), the rest stays with the payers",
        "Age UK Riverside (VCSE-AGE, £4,400) keeps its gain and pays nothing: voluntary bodies, "
        "hospices, pharmacies and organisations with no contract in relationships.csv never "
        "pay (less work is not money they can hand over)"]
    report = ps.to_markdown()
    assert ("Windfall: Riverside Community Health NHS Trust's (COM-TRUST) gain share would be "
            "£870,000 a year for 1,447 new contacts; capped at £610,000 (1 × their full cost at "
            "unit cost; risk_share.share_cap)") in report
    assert "COM-TRUST's" not in markdown and "collar: CH-MEADOW" not in markdown
    assert "risk_share." not in markdown
    assert ("- Riverton City Council (LA-NORTH) pays Helping Hands Home Care Ltd (HC-HELP) "
            "£26,000 a year (keep whole)") in markdown
    # the setting a board is told it may change is in brackets after plain words
    assert ("Cadences are defaults; change them when the pack is made (cadence= in Python; "
            "--cadence NAME=HOW-OFTEN on the command line).") in markdown


# -- item 4: the positions before and after settlement -------------------------------------------

#: riverside's frailty positions, as its partner report shows them
POSITIONS = """\
| organisation | before | settlement | after |
|---|--:|--:|--:|
| Riverside University Hospitals NHS Foundation Trust (ACU-RIV) | -£1.3m | £1.3m | £0 |
| Meadowbank House (CH-MEADOW) | -£6,200 | £0 | -£6,200 |
| The Oaks Care Home (CH-OAKS) | -£20,000 | £20,000 | £0 |
| Willow Court Nursing Home (CH-WILLOW) | -£9,700 | £0 | -£9,700 |
| Riverside Community Health NHS Trust (COM-TRUST) | -£180,000 | £790,000 | £610,000 |
| Bright & Able Care (HC-BRIGHT) | -£21,000 | £21,000 | £0 |
| Helping Hands Home Care Ltd (HC-HELP) | -£26,000 | £26,000 | £0 |
| NHS Riverside Integrated Care Board (ICB-RIV) | £2.5m | -£1.6m | £860,000 |
| Riverton City Council (LA-NORTH) | £430,000 | -£280,000 | £150,000 |
| Southmere County Council (LA-SOUTH) | £340,000 | -£220,000 | £120,000 |
| Riverside Pharmacy Group (PHARM) | -£65 | £0 | -£65 |
| Age UK Riverside (VCSE-AGE) | £4,400 | £0 | £4,400 |
| all organisations | £1.7m | £0 | £1.7m |
"""


def test_the_share_part_shows_the_positions_before_and_after_settlement(frailty, markdown):
    ps, pack = frailty
    # the partner report's own table, each saying where the unrounded figures are: the pack
    # writes no JSON
    assert POSITIONS + "\nFigures may not sum due to rounding; the JSON report has them " \
        "unrounded." in ps.to_markdown()
    share = markdown[markdown.index("## Risk-and-gain-share"):]
    assert ("Positions before and after settlement (£ a year, in cash):\n\n" + POSITIONS
            + "\nFigures may not sum due to rounding; the partner report's JSON (netkit "
            "partners with -f json) has them unrounded.") in share
    assert pack.to_sheets()["settlement"].values.tolist()[-1] == [
        "all organisations", "£1.7m", "£0", "£1.7m"]


def test_the_positions_are_in_the_word_pack_too(frailty):
    docx = pytest.importorskip("docx")
    word = docx.Document(io.BytesIO(frailty[1].to_docx()))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in word.tables]
    settled = [t for t in tables if t[0] == ["organisation", "before", "settlement", "after"]]
    assert len(settled) == 1
    assert settled[0][5] == ["Riverside Community Health NHS Trust (COM-TRUST)", "-£180,000",
                             "£790,000", "£610,000"]
    texts = [p.text for p in word.paragraphs]
    # the pack writes no JSON: it says where the exact figures are
    assert ("Figures may not sum due to rounding; the partner report's JSON (netkit partners "
            "with -f json) has them unrounded.") in texts
    assert not any(re.search(r"\.csv rows? \d", t) for t in texts[:texts.index(
        "Who does what (RACI)")])


def test_a_long_list_of_positions_shows_the_largest_settlements_and_says_how_many_more():
    from types import SimpleNamespace

    import pandas as pd

    from netkit.engagement.pack import MAP_ROWS, settled
    from netkit.finance.risk_share import ShareDesign
    from netkit.finance.share_rule import ShareRule

    n = MAP_ROWS + 5
    ids = [f"P{i:02d}" for i in range(n)]
    positions = pd.DataFrame({"id": ids, "role": "provider", "decommissioned": False,
                              "position": [-1000.0 * (i + 1) for i in range(n)],
                              "received": [1000.0 * (i + 1) for i in range(n)],
                              "paid": 0.0, "final": 0.0})
    design = ShareDesign(ShareRule(), positions, pd.DataFrame(
        columns=["payer", "payee", "amount", "rule"]))
    table = settled(design, {"P24": "Oak Care"}, MAP_ROWS)
    assert len(table) == MAP_ROWS + 1
    assert table.iloc[0].tolist() == ["Oak Care (P24)", "-£25,000", "£25,000", "£0"]
    assert table.iloc[-1].tolist() == ["all 25 organisations", "-£330,000", "£330,000", "£0"]  # £325,000
    from netkit.engagement.pack import EngagementPack, settled_caption

    pack = SimpleNamespace(settled=table, settled_caption=settled_caption(design, MAP_ROWS))
    blocks = EngagementPack._settled_blocks(pack)
    assert blocks[0].text == ("Positions before and after settlement (£ a year, in cash), the "
                              "20 largest settlements first; 5 more organisations in the "
                              "workbook's settlement sheet:")
    # where fewer pay or are paid than are shown, the partner report's words say so
    quiet = design.positions.assign(received=[1000.0] * 3 + [0.0] * (n - 3))
    assert settled_caption(ShareDesign(ShareRule(), quiet, design.transfers), MAP_ROWS) == (
        "the 3 organisations that pay or are paid first, then the largest 17 positions left "
        "as they are")


def test_a_long_money_table_shows_the_largest_and_says_how_many_more():
    # the generated ICS's pack listed all 1,482 organisations' money before any payment
    from types import SimpleNamespace

    import pandas as pd

    from netkit.engagement.pack import EngagementPack, _positions

    n = 23
    organisations = pd.DataFrame({"id": [f"P{i:02d}" for i in range(n)],
                                  "net": [float(i if i % 2 else -i) for i in range(n)]})
    ps = SimpleNamespace(incentives=SimpleNamespace(organisations=organisations, drawn=False))
    shown = _positions(ps, {}, 20)
    # the three smallest (P00, P01, P02: £0, £1, -£2) are left out; the rest keep their order
    assert shown["organisation"].tolist() == [f"P{i:02d}" for i in range(3, n)]
    pack = SimpleNamespace(positions=_positions(ps, {}), positions_shown=shown)
    blocks = EngagementPack._position_blocks(pack)
    assert blocks[0].text == ("Each organisation's money under the shift before any payment (£ a "
                              "year), the 20 largest; 3 more in the workbook's positions sheet:")
    assert len(blocks[1].frame) == 20
    # an organisation without a name is shown by its id once, as the partner report shows it
    assert shown["organisation"].iloc[0] == "P03"


def test_an_opportunity_without_a_shift_needs_no_risk_and_gain_share():
    # riverside's end of life at home shifts no activity: no money moves, so nothing to share
    # (the pack said the proposal was "not computed by this netkit")
    markdown = netkit.engagement_pack(RIVERSIDE, "end-of-life-at-home").to_markdown()
    share = markdown[markdown.index("## Risk-and-gain-share"):]
    assert share.startswith("## Risk-and-gain-share\n\nNone is needed: the opportunity shifts no "
                            "activity, so no money moves between organisations.")
    assert "not computed" not in share


def test_the_ask_words_a_contract_reduction_as_the_proposal_does():
    # metro's crisis trust's largest payment is a block contract reduction: its proposal line
    # reads 'NHS Metro Integrated Care Board (ICB-MET) reduces Metro & District Mental Health
    # NHS Foundation Trust's (MH-TRUST) contract by £360,000 a year'; the ask said the trust
    # 'pays' the ICB
    pack = netkit.engagement_pack(sample_system("metro"), "crisis-alternatives")
    assert pack.share_lines[0] == (
        "NHS Metro Integrated Care Board (ICB-MET) reduces Metro & District Mental Health NHS "
        "Foundation Trust's (MH-TRUST) contract by £360,000 a year (block contract reduction)")
    assert pack.asks[2] == (
        "3. Agree in principle the risk-and-gain-share: 2 payments between the partners (the "
        "largest: NHS Metro Integrated Care Board reduces Metro & District Mental Health NHS "
        "Foundation Trust's contract by £360,000 a year), as set out in the risk-and-gain-share "
        "summary; they move money between organisations and do not add to the system's gain.")
