"""The diagnosis of a whole system and what it writes (netkit/diagnosis/result.py, report.py,
plots.py, candidates.py, cli/diagnose.py).

The system is the hand-worked "Three Towns" of test_diagnosis_diagnose.py: Town C's 190
admissions against 140 expected are the one admissions candidate (excess 50; the ward costs £2,000
an admission, £1,000 at the margin); A and B are never candidates.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import sample_system

import netkit
from netkit.cli import cli
from netkit.io.validation import check_opportunities
from netkit.model.opportunity import parse_opportunities
from tests.test_diagnosis_diagnose import flows_of, write_system

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = {"id", "pathway", "place", "measure", "observed", "expected", "ratio", "excess",
            "value", "verdict", "draft"}


@pytest.fixture
def towns_dir(tmp_path):
    return write_system(tmp_path / "towns", flows_of())


@pytest.fixture
def towns(towns_dir):
    return netkit.load_system(towns_dir)


def _admissions(found):
    rows = found.candidates[found.candidates["measure"] == "admissions"]
    assert rows["place"].tolist() == ["C"]
    return rows.iloc[0]


def test_the_admissions_candidate_is_sized_and_carried_by_the_hospital(towns):
    found = netkit.diagnose(towns)
    assert set(found.candidates["place"]) == {"C"}  # A and B are within chance or below
    row = _admissions(found)
    assert row["observed"] == 190 and row["expected"] == pytest.approx(140)
    assert row["excess"] == pytest.approx(50)
    assert row["value"] == pytest.approx(50 * 1000)          # at marginal cost
    assert row["value_average"] == pytest.approx(50 * 2000)  # at average cost
    assert row["value_low"] < row["value"] < row["value_high"]
    assert [o["id"] for o in row["organisations"]] == ["H"]
    assert row["mechanism"] == "redirection and substitution" and row["hospital_to_community"]
    values = found.candidates["value"].tolist()
    assert values == sorted(values, reverse=True)  # ranked by value


def test_json_names_follow_the_output_contract(towns):
    data = json.loads(json.dumps(netkit.diagnose(towns).to_dict()))
    first = data["candidates"][0]
    assert CONTRACT <= set(first)
    assert set(first["excess"]) == set(first["value"]) == {"low", "central", "high"}
    assert first["verdict"] is None  # no verdict callable given
    assert data["collaboratives"] and {"members", "internal_share"} <= set(
        data["collaboratives"][0])


def test_the_draft_shifts_the_excess_to_the_community_alternative(towns):
    found = netkit.diagnose(towns)
    index = found.candidates.index[found.candidates["measure"] == "admissions"][0]
    draft = found.drafts[index]
    assert draft["pathways"] == ["p"] and draft["places"] == ["C"]
    assert draft["shift"]["from"] == ["WARD"] and draft["shift"]["to"] == ["UCR"]
    assert draft["shift"]["fraction"] == pytest.approx(50 / 190, abs=1e-4)
    low, high = draft["shift"]["range"]
    assert low < draft["shift"]["fraction"] < high


def test_a_verdict_callable_fills_the_verdict(towns):
    seen = []

    def verdict(system, opportunity):
        seen.append(opportunity.id)
        return {"kind": "bilateral"}

    data = netkit.diagnose(towns, verdict=verdict).to_dict()
    assert [c["verdict"] for c in data["candidates"]] == [{"kind": "bilateral"}] * len(seen)
    assert seen == [c["draft"]["id"] for c in data["candidates"]]


def test_disclosure_applies_to_every_count_shown(towns):
    text = netkit.diagnose(towns, disclosure="threshold=5,round=100").to_text()
    row = next(line for line in text.splitlines() if "admissions to acute beds" in line
               and " C " in f" {line} ")
    assert " 200 " in row and " 100 " in row and "190" not in row and "140" not in row


def test_html_is_self_contained_with_the_funnels_inline(towns):
    page = netkit.diagnose(towns).to_html()
    assert page.count("<svg") >= 1
    assert "src=\"http" not in page and "href=\"http" not in page and "@import" not in page


def test_plots_are_saved_as_png_and_svg(towns, tmp_path):
    found = netkit.diagnose(towns)
    pngs = found.save_plots(tmp_path / "png")
    svgs = found.save_plots(tmp_path / "svg", "svg")
    assert pngs and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert (tmp_path / "svg" / "p--admissions.svg") in svgs


def test_without_places_only_transfers_are_compared(tmp_path):
    system = netkit.load_system(write_system(tmp_path / "bare", flows_of(), places=False))
    found = netkit.diagnose(system)
    assert set(found.rates["measure"]) == {"transfers"}
    assert any("No places.csv" in note for note in found.notes)


# --- the command line -----------------------------------------------------------------------

def test_cli_writes_json_drafts_and_plots(towns_dir, tmp_path):
    out, drafts, plots = tmp_path / "d.json", tmp_path / "drafts.yaml", tmp_path / "plots"
    result = CliRunner().invoke(cli, ["diagnose", str(towns_dir), "-o", str(out),
                                      "--write-drafts", str(drafts), "--plots", str(plots)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [c["place"] for c in data["candidates"]] == ["C"] * len(data["candidates"])
    assert len(yaml.safe_load(drafts.read_text())) == len(data["candidates"])
    assert sorted(p.suffix for p in plots.iterdir()) == [".png"] * len(list(plots.iterdir()))


def test_cli_refuses_an_unknown_benchmark(towns_dir):
    result = CliRunner().invoke(cli, ["diagnose", str(towns_dir), "--benchmark", "median"])
    assert result.exit_code == 2 and "'median' is not one of" in result.output


def test_cli_refuses_drafts_over_an_input(towns_dir):
    result = CliRunner().invoke(cli, ["diagnose", str(towns_dir), "--write-drafts",
                                      str(towns_dir / "flows.csv")])
    assert result.exit_code == 1
    assert "it is an input of this command" in result.output
    assert "Traceback" not in result.output


# --- drafts of every sample validate and run through netkit partners ------------------------

@pytest.mark.parametrize("sample", ["tiny", "riverside", "shire", "metro"])
def test_drafts_of_every_sample_validate_and_run_through_partners(sample, tmp_path):
    folder = Path(shutil.copytree(ROOT / "sample_networks" / sample, tmp_path / sample))
    system = netkit.load_system(folder)
    found = netkit.diagnose(system, benchmark="best_quartile", level=0.95)
    drafts_file = found.write_drafts(tmp_path / "drafts.yaml")
    drafts = yaml.safe_load(drafts_file.read_text()) or []
    opportunities, problems = parse_opportunities(drafts, "drafts.yaml")
    assert problems == []
    assert check_opportunities(opportunities, system.tables(), "drafts.yaml") == []
    if sample != "tiny":
        assert opportunities, f"{sample}: no candidate at the best quartile and 95%"
    for opportunity in opportunities:
        netkit.find_partners(system, opportunity)
    if opportunities:  # and through the command line, as the analyst would
        shutil.copy(drafts_file, folder / "opportunities.yaml")
        result = CliRunner().invoke(cli, ["partners", str(folder), "-O", opportunities[0].id,
                                          "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["partners"]


# --- generated systems carry populations ------------------------------------------------------

def test_generated_places_come_from_the_practices_list_sizes(tmp_path):
    netkit.generate_system(tmp_path / "ics", "ics", seed=5, area="QOC")
    system = netkit.load_system(tmp_path / "ics")
    orgs = system.organisations
    practices = orgs[orgs["type"] == "gp_practice"]
    lists = practices.assign(size=practices["list_size"].astype(float)).groupby("place")["size"]
    places = system.places.set_index("place")
    assert places["population"].to_dict() == lists.sum().to_dict()
    bands = ["population_0_17", "population_18_64", "population_65_79", "population_80plus"]
    assert (places[bands].sum(axis=1) == places["population"]).all()
    assert (places["population_65_79"] + places["population_80plus"]
            == places["population_65plus"]).all()
    assert set(system.pathways["denominator"]) == {"population", "population_65plus"}
    found = netkit.diagnose(system)
    assert (found.rates["by"] == "registration").any()  # PCNs from the practices' lists
    said = "standardised for age" if len(places) > len(bands) else "cannot fit 4 band rates"
    assert any(said in note for note in found.notes)


def test_the_headers_name_the_denominator_in_words(towns, tmp_path):
    # review finding 18: the towns' pathways.csv names population (all ages) as its denominator
    text = " ".join(netkit.diagnose(towns).to_text().split())
    assert "against the system's own rate, per 1,000 residents (all ages) (transfers: per " \
           "patient)." in text
    assert "per 1,000 people" not in text
    # shire without its pathways.csv denominator column: all ages stand in, and the header
    # says so
    folder = Path(shutil.copytree(netkit.sample_path("shire"), tmp_path / "shire"))
    pathways = pd.read_csv(folder / "pathways.csv", dtype=str, keep_default_na=False)
    pathways.drop(columns="denominator").to_csv(folder / "pathways.csv", index=False)
    shire = " ".join(netkit.diagnose(netkit.load_system(folder)).to_text().split())
    assert ("against the system's own rate, per 1,000 residents (all ages: pathways.csv gives "
            "no denominator) (transfers: per patient).") in shire


def test_riverside_frailty_is_per_1000_aged_65_and_over():
    found = netkit.diagnose(sample_system("riverside"))
    text = " ".join(found.to_text().split())
    assert "against the system's own rate, per 1,000 aged 65 and over (transfers: per " \
           "patient)." in text
    assert "Rates per 1,000 aged 65 and over in the most and least deprived of the places " \
           "present" in text
    assert found.to_dict()["denominators"]["frailty-urgent"] == "aged 65 and over"
    assert found.per_words(["frailty-urgent", "stroke"]) == (
        "per 1,000 aged 65 and over (Frailty urgent care); per 1,000 residents (all ages: "
        "pathways.csv gives no denominator) (Stroke)")


def test_the_collaboratives_say_what_leiden_finds_in_words(towns):
    text = netkit.diagnose(towns).to_text()
    assert ("Communities of organisations that exchange most of their patients: groups whose "
            "patients move mostly between their own members, found by the Leiden "
            "community-detection method on the patient-flow network.") in " ".join(text.split())


# --- figures as a board reads them ------------------------------------------------------------

def test_the_candidates_table_rounds_money_and_counts_for_people():
    # riverside's first two candidates, exactly (the JSON): 2,520 admissions against 2,004.64
    # expected, excess 515.36 (376.08 to 652.78), worth £260,131.72 (£189,830.34 to
    # £329,500.94) at marginal cost and £988,582.32 at average; 200 care-home admissions against
    # 159.10, excess 40.90 (1.03 to 78.92), worth £110,433.28 (£2,784.07 to £213,091.48) and
    # £122,703.64. Counts of 10 or more are whole (40.90 is 41; a bound is never finer than its
    # estimate, so 1.03 is 1), money has two significant figures (£2,784 is £2,800).
    found = netkit.diagnose(sample_system("riverside"))
    exact = found.to_dict()["candidates"]
    assert exact[1]["excess"]["central"] == pytest.approx(40.901213, abs=1e-6)
    assert exact[0]["value"]["central"] == pytest.approx(260131.716, abs=1e-3)
    text = [" ".join(line.split()) for line in found.to_text().splitlines()]
    assert ("1 Frailty urgent care North admissions to acute beds 2,520 2,005 1.26 "
            "515 (376–653) £260,000 (£190,000–£330,000)") in " ".join(text)
    assert ("2 Frailty urgent care North admissions to care homes 200 159 1.26 41 (1–79) "
            "£110,000 (£2,800–£210,000)") in " ".join(text)
    markdown = found.to_markdown()
    assert ("| 2,520 | 2,005 | 1.26 | 515 (376–653) | £260,000 (£190,000–£330,000) | "
            "£990,000 |") in markdown
    assert "| 200 | 159 | 1.26 | 41 (1–79) | £110,000 (£2,800–£210,000) | £120,000 |" in markdown
    page = found.to_html()
    assert "<td>41 (1–79)</td>" in page and "<td>£110,000 (£2,800–£210,000)</td>" in page
    for report in (" ".join(text), markdown, page):
        assert "£260,132" not in report and "40.9 (1–78.9)" not in report


def test_counts_below_10_keep_one_decimal_and_bounds_follow_their_estimate(towns):
    # the towns' admissions candidate with figures set by hand: 15 against 4.56 expected is an
    # excess of 10.44 (1.36 to 12.80): 10 or more, so whole, bounds too: "10 (1–13)"; 12 against
    # 7.44 is 4.56 (0.34 to 9.96): below 10, one decimal, and 9.96 rounds to 10, whole
    found = netkit.diagnose(towns)
    row = found.candidates.iloc[[0]]
    rows = pd.concat([row.assign(observed=15.0, expected=4.56, excess_low=1.36, excess=10.44,
                                 excess_high=12.8, value_low=1360.0, value=10440.0,
                                 value_high=12800.0, value_average=20880.0),
                      row.assign(observed=12.0, expected=7.44, excess_low=0.34, excess=4.56,
                                 excess_high=9.96, value_low=340.0, value=4560.0,
                                 value_high=9960.0, value_average=9120.0)],
                     ignore_index=True)
    markdown = dataclasses.replace(found, candidates=rows).to_markdown()
    assert "| 15 | 4.6 | 1.36 | 10 (1–13) | £10,000 (£1,400–£13,000) | £21,000 |" in markdown
    assert "| 12 | 7.4 | 1.36 | 4.6 (0.3–10) | £4,600 (£340–£10,000) | £9,100 |" in markdown


def test_a_deprivation_gap_is_the_difference_of_the_rates_as_shown(towns):
    # rates of 3.94 and 2.46 a 1,000 show as 3.9 and 2.5: the gap shown is +1.4, not the exact
    # 1.48 rounded (+1.5), so the row adds up as read; JSON keeps 1.48
    found = netkit.diagnose(towns)
    gaps = found.gaps[found.gaps["measure"] == "admissions"].assign(
        rate_most=3.94, rate_least=2.46, gap=1.48, ratio=3.94 / 2.46)
    shown = dataclasses.replace(found, gaps=gaps)
    assert "| Frailty | admissions to acute beds | A (Q1): 3.9 | C (Q5): 2.5 | +1.4 | 1.60 |" in \
        shown.to_markdown()
    assert shown.to_dict()["gaps"][0]["gap"] == 1.48
