"""The diagnosis report as a board reads it (netkit/diagnosis/report.py): under disclosure control
the excess is the observed less the expected count as shown; a terminal's columns cut a list at a
whole id and say how many more, and name a carrier by id rather than cut its name; the
deprivation gaps name the places and quintiles they compare and say when those do not span
quintiles 1 to 5.

Shire under ``nhs`` (counts rounded to the nearest 5, 1-7 shown ``*``), its first two
candidates, worked by hand from the exact figures (the JSON report without disclosure):

    candidate       observed   expected   excess low  excess high
    admissions      1,764      1,127.07   532.27      739.75
    entries         8,548      5,462.11   2,856.58    3,313.35

Shown: 1,765 and 1,125, so the excess is 640 (rounded on its own, 636.93 was 635). The range's
bounds are the observed count as shown less the control limits, rounded as counts are: the upper
limit 1,764 - 532.27 = 1,231.73 shows as 1,230 (low 1,765 - 1,230 = 535), the lower 1,024.25 as
1,025 (high 740). Entries: 8,550 - 5,460 = 3,090 (not 3,085); limits 5,691.42 -> 5,690 (low
2,860) and 5,234.65 -> 5,235 (high 3,315).
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import sample_system

import netkit
from tests.test_diagnosis_diagnose import flows_of, write_system


def _rows(text: str) -> list[str]:
    """The ranked rows of a terminal's candidates table."""
    return [line for line in text.splitlines() if re.match(r"^ +\d+  ", line)]


@pytest.fixture(scope="module")
def shire_nhs():
    return netkit.diagnose(sample_system("shire"), disclosure="nhs")


# -- 1: the excess shown is the observed less the expected as shown ----------------------------

def test_the_excess_shown_is_observed_less_expected_as_shown(shire_nhs):
    rows = _rows(shire_nhs.to_text())
    assert "   1.57  640 (535–740)  " in rows[0] and "  1,765     1,125  " in rows[0]
    assert "   1.56  3,090 (2,860–3,315)  " in rows[1] and "  8,550     5,460  " in rows[1]
    # the value in pounds is from the exact excess, and the note says so
    assert "£320,000 (£270,000–£370,000)" in rows[0]
    text = " ".join(shire_nhs.to_text().split())
    assert ("Ranges come from the control limits. The excess shown is the observed count less "
            "the expected, as shown; the value is worked out from the exact excess.") in text


@pytest.mark.parametrize("name", ["riverside", "metro", "shire"])
def test_every_excess_shown_adds_up_as_read(name):
    found = netkit.diagnose(sample_system(name), disclosure="nhs")
    rows = _rows(found.to_text())
    assert rows
    for line in rows:
        figures = re.search(r"  ([\d,]+) +([\d,]+) +\d+\.\d\d  ([\d,]+) \(", line).groups()
        observed, expected, central = (int(f.replace(",", "")) for f in figures)
        assert observed - expected == central, line


def test_the_json_and_csv_release_the_excess_the_report_shows(shire_nhs):
    first = json.loads(json.dumps(shire_nhs.to_dict()))["candidates"][0]
    assert (first["observed"], first["expected"]) == ("1765", "1125")
    assert first["excess"] == {"low": "535", "central": "640", "high": "740"}
    # pounds as computed, from the exact excess
    plain = netkit.diagnose(sample_system("shire")).to_dict()["candidates"][0]
    assert first["value"] == plain["value"]
    row = shire_nhs.to_frame().iloc[1]
    assert [row["excess_low"], row["excess"], row["excess_high"]] == ["2860", "3090", "3315"]


def test_without_disclosure_the_excess_is_as_before():
    found = netkit.diagnose(sample_system("shire"))
    assert "  1,764     1,127   1.57  637 (532–740)  " in _rows(found.to_text())[0]
    assert "The excess shown is the observed count" not in found.to_text()
    assert found.to_dict()["candidates"][0]["excess"]["central"] == pytest.approx(636.93,
                                                                                   abs=0.01)


# -- 3: columns cut at a whole id, carriers by id rather than a cut name -----------------------

def test_a_terminal_names_a_carrier_by_id_rather_than_cut_its_name():
    found = netkit.diagnose(sample_system("riverside"))
    rows = _rows(found.to_text())
    assert [re.split(r"  +", r.strip())[-2] for r in rows] == [
        "ACU-RIV 100%", "The Oaks Care Home 100%", "AMB-WC 36% and 13 more",
        "ACU-RIV 75%; AMB-WC 25%"]
    assert not any("…" in r for r in rows)
    text = " ".join(found.to_text().split())
    assert ("Carried by: each organisation by name, or by its id where the name does not fit "
            "the column; the Markdown and HTML reports name them in full, and the JSON report "
            "lists every one.") in text
    # Markdown has the room: names in full, as before
    assert "| Riverside University Hospitals NHS Foundation Trust 100% |" in found.to_markdown()
    assert "Carried by: each organisation" not in found.to_markdown()


def test_a_terminal_cuts_the_members_at_a_whole_id():
    lines = netkit.diagnose(sample_system("shire")).to_text().splitlines()
    start = lines.index("Natural collaboratives")
    assert lines[start + 2:start + 6] == [
        "members                                                              organisations  "
        "transfers staying inside",
        "-------------------------------------------------------------------  -------------  "
        "------------------------",
        "CHILD-SHI, CMH-TRUST, HOSPICE, ORTHO-SM, P81001, P81002 and 20 more             26  "
        "                     56%",
        "ACU-SHI, AMB-WC, CH-MEADOW, HC-BRIGHT, LA-NORTH, LA-SOUTH, VCSE-AGE              7  "
        "                     60%"]


def test_the_terminal_tables_are_no_wider_than_before():
    # the carried-by column never passes 30 characters, the members 70: the widest candidates
    # line of the samples was 182 characters, the collaboratives' 121
    for name in ("riverside", "metro", "shire"):
        text = netkit.diagnose(sample_system(name)).to_text()
        assert max(len(r) for r in _rows(text)) <= 182
        start = text.index("Natural collaboratives")
        table = text[start:text.index("Draft opportunities")].splitlines()[3:]
        assert max(len(line) for line in table) <= 121 and "…" not in "".join(table)


# -- 4: deprivation gaps name the places and quintiles they compare ----------------------------

def test_the_gaps_name_the_places_present_and_say_they_do_not_span_1_to_5():
    lines = netkit.diagnose(sample_system("shire")).to_text().splitlines()
    start = lines.index("Deprivation gaps")
    assert lines[start + 1] == (
        "Rates per 1,000 aged 65 and over in the most and least deprived of the places present "
        "(their deprivation quintile in places.csv: 1 is the most deprived, 5 the least). The "
        "places present are in quintiles 3 and 4 only: the gaps are between those, not from the "
        "most deprived quintile (1) to the least (5).")
    assert "most deprived place present  least deprived place present" in lines[start + 2]
    assert ("Frailty urgent care  admissions to acute beds       North (Q3): 44.2             "
            "South (Q4): 19.5               +24.7   2.27") in lines


def test_a_quintile_of_two_places_names_both(tmp_path):
    # Three Towns with A and B in quintile 2, C in 4: admissions pooled over A and B are
    # (110 + 120) / 20,000 people = 11.5 a 1,000, C's 190 / 10,000 = 19.0; gap -7.5, ratio
    # 11.5 / 19.0 = 0.61
    folder = write_system(tmp_path / "towns", flows_of())
    (folder / "places.csv").write_text(
        "place,name,population,population_65plus,deprivation_quintile\n"
        "A,Town A,10000,2000,2\nB,Town B,10000,2000,2\nC,Town C,10000,2000,4\n")
    markdown = netkit.diagnose(netkit.load_system(folder)).to_markdown()
    assert ("| pathway | measure | most deprived places present | least deprived place present "
            "| gap | ratio |") in markdown
    assert "| Frailty | admissions to acute beds | A and B (Q2): 11.5 | C (Q4): 19.0 | -7.5 | " \
           "0.61 |" in markdown
    assert "The places present are in quintiles 2 and 4 only" in markdown


def test_places_spanning_1_to_5_need_no_warning(tmp_path):
    found = netkit.diagnose(netkit.load_system(write_system(tmp_path / "towns", flows_of())))
    text = found.to_text()
    assert "| A (Q1): " in found.to_markdown() and "| C (Q5): " in found.to_markdown()
    assert "The places present are in quintiles" not in text


def test_no_gap_says_why():
    # tiny's places are in quintiles 2 and 4, but none has a rate per head compared
    text = netkit.diagnose(sample_system("tiny")).to_text()
    assert ("No gap computed: no two places of different deprivation quintiles have a rate per "
            "head compared.") in text


def test_a_terminal_cuts_a_pathway_or_measure_after_a_whole_word():
    from netkit.diagnosis.report import cut_at_word

    # a generated ICS's pathway "Frailty urgent care (South East London)" was cut "(South Ea…"
    assert cut_at_word("Frailty urgent care (South East London)") == "Frailty urgent care (South …"
    assert cut_at_word("returns between two organisations") == "returns between two …"
    assert cut_at_word("patients entering the pathway") == "patients entering the pathway"
    assert cut_at_word("Supercalifragilisticexpialidocious care", 12) == "Supercalifr…"
