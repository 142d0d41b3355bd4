"""The money section of a partner report shows the largest positions first where a report
cuts (``top``), and every organisation where they fit, as before."""

from __future__ import annotations

import pytest
from conftest import sample_system

import netkit
from netkit.render.formats import ROUNDED


@pytest.fixture(scope="module")
def frailty():
    return netkit.find_partners(sample_system("riverside"), "frailty-admissions")


def _section(text: str) -> str:
    return text[text.index("Incentives (shift"):text.index("Stakeholder grid")]


def _nets(section: str) -> list[str]:
    """The net column of the money table (the first table of the section)."""
    lines = section.split("Range (90%)")[0].split(ROUNDED)[0].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("----")) + 1
    return [line.split()[-1] for line in lines[start:] if line.strip()]


def _warnings(section: str) -> list[str]:
    """The "!" lines of a money section, each whole (text wraps them, the rest indented)."""
    out: list[str] = []
    going = False
    for line in section.splitlines():
        if line.startswith("  !"):
            out.append(line.strip())
        elif going and line.startswith("    ") and not line.startswith("     "):
            out[-1] += " " + line.strip()
            continue
        going = line.startswith("  !")
    return out


def test_the_largest_positions_first_and_how_many_more(frailty):
    # riverside's frailty shift: ICB-RIV +£2.5m, ACU-RIV -£1.3m, LA-NORTH +£430,000 are the
    # three largest of twelve positions; of the eight that lose, ACU-RIV (-£1.3m), COM-TRUST
    # (-£180,000) and HC-HELP (-£26,000) lose most
    section = _section(frailty.to_text(top=3))
    assert "The 3 largest positions, largest first; 9 more organisations are in the CSV, " \
        "JSON and xlsx reports (--top 0 shows every one here)." in " ".join(section.split())
    assert _nets(section) == ["£2.5m", "-£1.3m", "£430,000"]
    assert "(LA-NORTH)" in section and "(CH-MEADOW)" not in section
    assert _warnings(section) == [
        "! Riverside University Hospitals NHS Foundation Trust (ACU-RIV) loses £1.3m a year "
        "while the system gains",
        "! Riverside Community Health NHS Trust (COM-TRUST) loses £180,000 a year while the "
        "system gains",
        "! Helping Hands Home Care Ltd (HC-HELP) loses £26,000 a year while the system gains",
        "! and 2 more organisations lose money while the system gains (the largest losses are "
        "above)"]  # 5 lose the £10,000 collar or more; CH-MEADOW, CH-WILLOW and PHARM lose less


def test_tables_of_rounded_pounds_say_their_rows_may_not_add_up(frailty):
    """Riverside's frailty money table shows Meadowbank House's cost -£33,000, income -£39,000,
    spend £0 and net -£6,200 (income less cost and spend is -£6,000 as read), each rounded on
    its own: the note says so under the money table and under the positions before and after
    settlement."""
    text = frailty.to_text()
    assert text.count("  " + ROUNDED + "\n") == 2
    assert text.index(ROUNDED) < text.index("Range (90%)")
    assert text.rindex(ROUNDED) > text.index("Positions before and after settlement")
    assert ROUNDED in frailty.to_markdown()


def test_every_organisation_where_they_fit_in_their_own_order(frailty):
    whole, every = _section(frailty.to_text(top=20)), _section(frailty.to_text(top=0))
    assert whole == every and "largest positions" not in whole
    nets = _nets(whole)
    assert len(nets) == 12 and nets[:3] == ["-£1.3m", "-£6,200", "-£20,000"]  # ACU-RIV, CH-...
    assert len(_warnings(whole)) == 5  # of 8 losers, 3 lose less than the £10,000 collar


def test_markdown_cuts_alike_and_html_shows_every_one(frailty):
    markdown = frailty.to_markdown(top=3)
    assert "The 3 largest positions, largest first; 9 more organisations" in markdown
    html = frailty.to_html(with_map=False)
    assert "largest positions" not in html and "(CH-MEADOW)" in html


def test_the_risk_share_section_cuts_alike(frailty):
    # the proposal's seven payments, the largest first: ICB-RIV pays ACU-RIV £1.3m, then
    # COM-TRUST £790,000; positions: ICB-RIV (pays out) and ACU-RIV (paid £1.3m) settle most;
    # the reports name each (the position table alone gives ids, as the JSON does)
    share = frailty.risk_share
    table, whole = share.position_table(2), share.position_table()
    everyone = len(whole) - 1
    assert table["organisation"].tolist() == ["ICB-RIV", "ACU-RIV",
                                              f"all {everyone} organisations"]
    assert whole["organisation"].iloc[-1] == "all organisations"  # nothing cut: as before
    assert table.iloc[-1].tolist()[1:] == whole.iloc[-1].tolist()[1:]  # everyone's total
    section = frailty.to_text(top=2)
    section = section[section.index("Risk and gain share (proposed)"):]
    assert ("  - NHS Riverside Integrated Care Board (ICB-RIV) pays Riverside University Hospitals "
            "NHS Foundation\n    Trust (ACU-RIV) £1.3m a year (keep whole)\n"
            "  - NHS Riverside Integrated Care Board (ICB-RIV) pays Riverside Community Health NHS "
            "Trust\n    (COM-TRUST) £790,000 a year (keep whole and gain share)\n"
            "  - and 5 more payments in the JSON report\n") in section
    assert "Positions before and after settlement (£ a year, in cash), the 2 largest " \
        "settlements first; " in section
    assert "and 5 more payments" not in frailty.to_text(top=20)


def test_a_collar_note_counts_where_it_would_name_more_than_twenty():
    import numpy as np

    from netkit.finance.settlement import collar_note
    from netkit.render.naming import said

    def _collar_note(*args):  # the note by id, as the JSON report gives it
        return said(collar_note(*args))

    ids = [f"CH{i:02d}" for i in range(25)]
    need = np.array([100.0 * (i + 1) for i in range(25)])
    note = _collar_note(ids, need, need > 0, 10000)  # £32,500 in all: halves round up
    assert note == ("collar: 25 organisations each bear a loss under £10,000 a year "
                    "themselves, £33,000 a year in all: no payment under the collar is made "
                    "(the largest: "
                    "CH24 (£2,500), CH23 (£2,400), CH22 (£2,300), CH21 (£2,200), CH20 (£2,100); "
                    "the JSON report's positions name every one)")
    assert _collar_note(ids[:20], need[:20], need[:20] > 0, 10000).startswith(
        "collar: CH00 (£100), CH01 (£200)")


def test_a_chance_of_loss_never_claims_certainty(frailty):
    # ACU-RIV loses in every one of the 1,000 draws and ICB-RIV in none: estimates from draws,
    # shown as ">99%" and "<1%", not 100% and 0%
    section = _section(frailty.to_text(top=3)).split("Range (90%)")[1]
    rows = [line for line in section.splitlines() if "£" in line][:3]
    assert [row.split()[-1] for row in rows] == ["<1%", ">99%", "<1%"]
    assert frailty.incentives.organisations.set_index("id").loc[["ICB-RIV", "ACU-RIV"],
                                                                 "p_loss"].tolist() == [0.0, 1.0]


def _tiny_at(fraction: float):
    """tiny's frailty shift at 12.3%: Vale Community Health (COMM) takes 61.5 new contacts and
    loses £8,610 a year, under the £10,000 collar, while the system gains £100,000 or so."""
    from dataclasses import replace

    tiny = sample_system("tiny")
    opp = tiny.opportunity("frailty")
    return netkit.find_partners(tiny, replace(opp, shift=replace(opp.shift, fraction=fraction)))


def test_a_loss_under_the_collar_is_noted_once_not_flagged():
    ps = _tiny_at(0.123)
    text = ps.to_text()
    assert "! Vale Community Health (COMM) loses" not in text
    assert "! Vale Hospital (ACUTE) loses £95,000 a year while the system gains" in text
    assert "loses £8,600 a year under the shift" not in text + ps.to_markdown() + ps.to_html(
        with_map=False)
    note = ("collar: 1 organisation loses less than the £10,000 a year collar under the shift "
            "(Vale Community Health (COMM)), by its net position before any payment under the "
            "risk and gain share; a loss under the collar is not settled, so the money section "
            "does not flag it")
    assert " ".join(text.split()).count("note: " + note) == 1
    assert f"*Note: {note}*" in ps.to_markdown()
    # the JSON keeps every reason and loser as computed
    out = ps.to_dict()
    assert out["losers"] == ["ACUTE", "COMM"]  # ACUTE loses £95,000: flagged
    comm = next(p for p in out["partners"] if p["id"] == "COMM")
    assert any(r.startswith("loses £8,600 a year under the shift") for r in comm["reasons"])


def test_a_loss_at_the_collar_or_more_is_still_flagged():
    # at 20% nothing loses less than the collar: no note, and the "!" lines as before
    ps = netkit.find_partners(sample_system("tiny"), "frailty")
    assert "collar under the shift" not in ps.to_text()


def test_contacts_are_whole_and_a_small_change_is_under_one():
    import pandas as pd
    from types import SimpleNamespace

    from netkit.partners.money_blocks import incentive_table

    t = pd.DataFrame({"id": ["A", "B", "C", "D"], "activity_change": [-0.4, 0.3, -1234.4, 0.0],
                      "cost_change": 0.0, "income_change": 0.0, "spend_change": 0.0,
                      "net": 0.0})
    shown = incentive_table(t, {}, SimpleNamespace(active=False))
    assert shown["contacts"].tolist() == ["-<1", "+<1", "-1,234", ""]


def test_the_heading_says_the_shift_in_words(frailty):
    # review: "Incentives (shift 20% of patients from ED-RIV, category:acute_inpatient to
    # UCR-COM)"; services by name with the id in brackets, a category in words; the text
    # heading wraps at the report's width, the Markdown heading is whole
    text = frailty.to_text()
    assert ("\nIncentives (shift 20% of patients from Emergency department (ED-RIV) and acute "
            "inpatient services to\n  Urgent community response (UCR-COM))\n") in text
    assert ("\n## Incentives (shift 20% of patients from Emergency department (ED-RIV) and acute "
            "inpatient services to Urgent community response (UCR-COM))\n"
            ) in frailty.to_markdown()
    assert "category:" not in text
    assert frailty.to_dict()["opportunity"]["shift"]["from"] == [  # the JSON keeps the selectors
        "ED-RIV", "category:acute_inpatient"]


def test_services_in_words_names_each_once_and_groups_one_name():
    from netkit.partners.money_blocks import services_in_words

    names = {"U1": "Urgent community response", "U2": "Urgent community response",
             "IC": "Intermediate care beds"}
    assert services_in_words(["category:urgent_emergency", "category:acute_inpatient"]) == (
        "urgent and emergency services and acute inpatient services")
    assert services_in_words(["U1", "IC", "U2", "NONAME"], names) == (
        "Urgent community response (U1, U2), Intermediate care beds (IC) and NONAME")
    assert services_in_words(["category:community"]) == "community services"
