"""Diagnosis end to end (netkit/diagnosis/diagnose.py, measures.py, candidates.py).

The hand-worked system ("Three Towns"): one pathway, three places of 10,000 people each, one
general practice (P), one hospital (H: an emergency department ED and a ward WARD), one community
trust (C: urgent community response UCR).

    place  entries  ED attendances  admissions (ED -> WARD)  UCR
    A          400             200                      110   20
    B          400             200                      120   20
    C          400             300                      190   20

Admissions: the system's rate is (110 + 120 + 190) / 30,000 = 14 per 1,000, so each place expects
140. C's 190 is above the 99.8% control limit (the 0.999 Poisson quantile of 140 is about 177), so
it is a candidate with an excess of 50 (central), 190 - 177.x (low) and 190 - 104.x (high). B's 120
is within what chance would give; A's 110 is below the 95% limit (the 0.025 quantile is about 117),
not a candidate. The ward costs £2,000 an admission (marginal £1,000), so C's excess is worth
£50,000 at marginal and £100,000 at average cost. The draft shifts 50 / 190 of the ward's
admissions in C to UCR.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

import netkit
from netkit.diagnosis.diagnose import compare_places
from netkit.diagnosis.funnel import WITHIN
from netkit.diagnosis.measures import measure_counts
from netkit.errors import OptionError

ADMISSIONS = {"A": 110, "B": 120, "C": 190}
ATTENDANCES = {"A": 200, "B": 200, "C": 300}


def _quantile(mean: float, p: float) -> float:
    """The interpolated Poisson quantile (Spiegelhalter 2005, A.1), worked here directly."""
    y = poisson.ppf(p, mean)
    at, below = poisson.cdf(y, mean), poisson.cdf(y - 1, mean)
    return y - (at - p) / (at - below)


def flows_of(admissions=ADMISSIONS, attendances=ATTENDANCES, scale=None) -> pd.DataFrame:
    rows = []
    for place in ("A", "B", "C"):
        k = (scale or {}).get(place, 1.0)
        adm, att = admissions[place] * k, attendances[place] * k
        rows += [("p", "@home", "GP", 400 * k, place), ("p", "GP", "ED", att, place),
                 ("p", "GP", "UCR", 20 * k, place), ("p", "GP", "@home", 380 * k - att, place),
                 ("p", "ED", "WARD", adm, place), ("p", "ED", "@home", att - adm, place),
                 ("p", "WARD", "@home", adm, place), ("p", "UCR", "@home", 20 * k, place)]
    return pd.DataFrame(rows, columns=["pathway", "source", "target", "patients", "place"])


def write_system(folder: Path, flows: pd.DataFrame, places: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "system.yaml").write_text("name: Three Towns\n")
    (folder / "organisations.csv").write_text(
        "id,name,type\nICB,Three Towns ICB,icb\nP,Town Surgery,gp_practice\n"
        "H,Town Hospital,acute_trust\nC,Town Community Trust,community_trust\n")
    (folder / "services.csv").write_text(
        "id,name,provider,category,unit_cost,marginal_cost\n"
        "GP,General practice,P,primary_care,35,\nED,Emergency department,H,urgent_emergency,"
        "300,150\nWARD,Ward,H,acute_inpatient,2000,1000\nUCR,Urgent community response,C,"
        "community,400,\n")
    (folder / "pathways.csv").write_text("id,name,denominator\np,Frailty,population\n")
    (folder / "relationships.csv").write_text("source,target,type\nICB,H,commissions\n")
    flows.to_csv(folder / "flows.csv", index=False)
    if places:
        (folder / "places.csv").write_text(
            "place,name,population,population_65plus,deprivation_quintile\n"
            "A,Town A,10000,2000,1\nB,Town B,10000,2000,3\nC,Town C,10000,2000,5\n")
    return folder


@pytest.fixture
def towns(tmp_path):
    return netkit.load_system(write_system(tmp_path / "towns", flows_of()))


# --- measures ---------------------------------------------------------------------------------

def test_measures_are_counted_from_the_flows_by_place():
    services = pd.DataFrame({"id": ["GP", "ED", "WARD", "UCR"], "provider": ["P", "H", "H", "C"],
                             "category": ["primary_care", "urgent_emergency", "acute_inpatient",
                                          "community"]})
    counts = measure_counts(flows_of(), services)
    totals = counts.groupby(["measure", "place"])["count"].sum()
    assert totals["admissions"].to_dict() == {"A": 110.0, "B": 120.0, "C": 190.0}
    assert totals["emergency_attendances"].to_dict() == {"A": 200.0, "B": 200.0, "C": 300.0}
    assert totals["entries"].to_dict() == {"A": 400.0, "B": 400.0, "C": 400.0}
    # transfers between organisations: GP -> ED and GP -> UCR (ED -> WARD stays inside H)
    assert totals["transfers"].to_dict() == {"A": 220.0, "B": 220.0, "C": 320.0}
    carried = counts[counts["measure"] == "admissions"]
    assert set(carried["organisation"]) == {"H"} and set(carried["service"]) == {"WARD"}


def test_returns_are_the_smaller_direction_of_a_two_way_tie():
    flows = pd.DataFrame({"pathway": "p", "place": "A", "source": ["@home", "X", "Y", "X"],
                          "target": ["X", "Y", "X", "@home"], "patients": [100.0, 40, 15, 75]})
    services = pd.DataFrame({"id": ["X", "Y"], "provider": ["OX", "OY"],
                             "category": ["acute_inpatient", "community"]})
    counts = measure_counts(flows, services)
    returns = counts[counts["measure"] == "returns"]
    assert returns[["organisation", "service", "count"]].values.tolist() == [["OX", "X", 15.0]]


def test_bed_days_need_a_day_unit_or_a_length_of_stay():
    flows = pd.DataFrame({"pathway": "p", "place": "A", "source": ["@home", "W"],
                          "target": ["W", "@home"], "patients": [10.0, 10.0]})
    services = pd.DataFrame({"id": ["W"], "provider": ["H"], "category": ["acute_inpatient"]})
    assert "bed_days" not in set(measure_counts(flows, services)["measure"])
    with_stay = services.assign(length_of_stay=["6.5"])
    days = measure_counts(flows, with_stay).query("measure == 'bed_days'")
    assert days["count"].tolist() == [65.0]


# --- rates, ratios and limits by hand -----------------------------------------------------------

def _frame(observed=ADMISSIONS, size=10000.0):
    return pd.DataFrame({"pathway": "p", "place": list(observed), "measure": "admissions",
                         "observed": [float(v) for v in observed.values()], "size": size,
                         "denominator": "population"})


def test_rates_ratios_and_limits_worked_by_hand():
    out = compare_places(_frame()).set_index("place")
    assert out["target"].tolist() == pytest.approx([14.0] * 3)          # 420 / 30,000 per 1,000
    assert out["expected"].tolist() == pytest.approx([140.0] * 3)
    assert out["rate"].tolist() == pytest.approx([11.0, 12.0, 19.0])
    assert out.loc["C", "ratio"] == pytest.approx(190 / 140)
    upper = _quantile(140, 0.999)
    lower = _quantile(140, 0.001)
    assert 176 < upper < 178 and 103 < lower < 106
    assert out.loc["C", "upper_99_8"] == pytest.approx(upper / 140)
    assert out.loc["C", "verdict"] == "above the 99.8% limit"              # outside 99.8%
    assert out.loc["B", "verdict"] == WITHIN                               # inside
    assert out.loc["A", "verdict"] == "below the 95% limit"
    assert out.loc["C", ["excess_low", "excess", "excess_high"]].tolist() == pytest.approx(
        [190 - upper, 50.0, 190 - lower])
    assert out.loc[["A", "B"], "excess"].tolist() == [0.0, 0.0]


def test_best_quartile_benchmark_is_the_25th_percentile_of_place_rates():
    out = compare_places(_frame(), benchmark="best_quartile").set_index("place")
    # rates 11, 12, 19: the 25th percentile (linear) is 11.5 per 1,000
    assert out["target"].iloc[0] == pytest.approx(11.5)
    assert out["expected"].tolist() == pytest.approx([115.0] * 3)


def test_a_reference_set_gives_the_benchmark():
    reference = _frame({"X": 100, "Y": 100}, size=10000.0)  # 10 per 1,000
    out = compare_places(_frame(), reference=reference).set_index("place")
    assert out["target"].iloc[0] == pytest.approx(10.0)
    # B: 120 against 100 expected is beyond the 95% limit (about 119.6), inside the 99.8% one
    assert _quantile(100, 0.975) < 120 < _quantile(100, 0.999)
    assert out.loc["B", "verdict"] == "above the 95% limit" and out.loc["B", "excess"] == 0
    assert out.loc["C", "verdict"] == "above the 99.8% limit"
    assert out.loc["C", "excess"] == pytest.approx(90.0)
    # at the 95% level B becomes a candidate too
    loose = compare_places(_frame(), reference=reference, level=0.95).set_index("place")
    assert loose.loc["B", "excess"] == pytest.approx(20.0)


def test_age_bands_give_an_indirectly_standardised_ratio():
    # band rates: 5 per 1,000 under 65, 30 per 1,000 at 65+; places differ only in age mix
    bands = pd.DataFrame({"population_under65": [9000.0, 7000, 5000, 8000],
                          "population_65plus_b": [1000.0, 3000, 5000, 2000]},
                         index=["A", "B", "C", "D"])
    observed = bands["population_under65"] * 0.005 + bands["population_65plus_b"] * 0.030
    frame = pd.DataFrame({"pathway": "p", "place": bands.index, "measure": "admissions",
                          "observed": observed.to_numpy(), "size": 10000.0,
                          "denominator": "population"}).join(bands, on="place")
    out = compare_places(frame).set_index("place")
    # standardised for age, every place is at the benchmark: ratio 1 and no candidate
    assert out["ratio"].tolist() == pytest.approx([1.0] * 4)
    assert out["expected"].tolist() == pytest.approx(observed.tolist())
    assert (out["excess"] == 0).all()


def test_a_benchmark_that_is_not_known_is_an_option_error():
    with pytest.raises(OptionError, match="benchmark must be one of system, best_quartile"):
        compare_places(_frame(), benchmark="median")


@given(c=st.integers(150, 2000), people=st.integers(5000, 50000))
def test_a_candidate_disappears_when_its_flows_are_scaled_to_the_benchmark(c, people):
    reference = _frame({"X": 140, "Y": 140}, size=10000.0)   # 14 per 1,000
    frame = _frame({"A": 110, "B": 120, "C": c}).assign(
        size=[10000.0, 10000.0, float(people)])
    before = compare_places(frame, reference=reference).set_index("place")
    expected = before.loc["C", "expected"]
    scaled = frame.assign(observed=np.where(frame["place"] == "C", expected, frame["observed"]))
    after = compare_places(scaled, reference=reference).set_index("place")
    assert after.loc["C", "excess"] == 0
    assert not after.loc["C", "verdict"].startswith("above")


def test_pcn_rates_are_by_registration_from_practice_list_sizes(tmp_path):
    # two practices in one PCN (lists 6,000 and 4,000) and one alone in another (list 10,000);
    # 500, 300 and 400 patients enter through them: PCN1 800 per 10,000, PCN2 400 per 10,000
    folder = tmp_path / "pcns"
    write_system(folder, pd.DataFrame({
        "pathway": "p", "source": "@home", "target": ["GP1", "GP2", "GP3"],
        "patients": [500.0, 300, 400], "place": "A"}))
    (folder / "organisations.csv").write_text(
        "id,name,type,parent,list_size\nICB,ICB,icb,,\nPCN1,PCN one,pcn,,\nPCN2,PCN two,pcn,,\n"
        "P1,One,gp_practice,PCN1,6000\nP2,Two,gp_practice,PCN1,4000\n"
        "P3,Three,gp_practice,PCN2,10000\nH,Hospital,acute_trust,,\n")
    (folder / "services.csv").write_text(
        "id,name,provider,category\nGP1,GP,P1,primary_care\nGP2,GP,P2,primary_care\n"
        "GP3,GP,P3,primary_care\n")
    (folder / "relationships.csv").write_text("source,target,type\n")
    found = netkit.diagnose(netkit.load_system(folder))
    pcns = found.rates[found.rates["by"] == "registration"].set_index("place")
    assert pcns["observed"].to_dict() == {"PCN1": 800.0, "PCN2": 400.0}
    assert pcns["size"].to_dict() == {"PCN1": 10000.0, "PCN2": 10000.0}
    assert pcns["target"].tolist() == pytest.approx([60.0, 60.0])   # 1,200 per 20,000
    assert pcns.loc["PCN1", "verdict"] == "above the 99.8% limit"
    # compared, but never a candidate (a draft needs a place)
    assert not (found.candidates["place"].isin(["PCN1", "PCN2"])).any()


@settings(max_examples=8)
@given(c=st.integers(180, 300))  # at most town C's 300 attendances
def test_a_place_scaled_to_the_benchmark_in_its_flows_is_no_longer_a_candidate(c, tmp_path_factory):
    # the benchmark is a fixed reference system (every town at 14 admissions per 1,000); town C's
    # admissions flows (ED -> WARD -> home) are scaled by expected / observed
    root = tmp_path_factory.getbasetemp() / "scaled"
    reference = netkit.load_system(write_system(
        root / "reference", flows_of({"A": 140, "B": 140, "C": 140})))
    admissions = dict(ADMISSIONS, C=c)
    before = netkit.diagnose(netkit.load_system(write_system(root / f"c{c}", flows_of(
        admissions))), reference)
    row = before.rates.set_index(["place", "measure"]).loc[("C", "admissions")]
    assert row["verdict"] == "above the 99.8% limit" and row["excess"] > 0
    flows = flows_of(admissions)
    town_c = flows["place"] == "C"
    scaled = town_c & ((flows["target"] == "WARD") | (flows["source"] == "WARD"))
    flows.loc[scaled, "patients"] *= row["expected"] / row["observed"]
    flows.loc[town_c & (flows["source"] == "ED") & (flows["target"] == "@home"),
              "patients"] += row["observed"] - row["expected"]  # sent home from ED instead
    after = netkit.diagnose(netkit.load_system(write_system(root / f"s{c}", flows)), reference)
    row = after.rates.set_index(["place", "measure"]).loc[("C", "admissions")]
    assert row["ratio"] == pytest.approx(1.0) and row["excess"] == 0
    assert not ((after.candidates["place"] == "C")
                & (after.candidates["measure"] == "admissions")).any()
