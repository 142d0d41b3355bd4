"""Rates, ratios and funnel-plot limits (netkit/diagnosis/funnel.py).

Values are worked by hand on a tiny system of three places, checked against scipy directly, and
against the published test table of PHE's PHEindicatormethods R package
(tests/testthat/testdata_funnel_ratio_outputs.csv, commit 8ac28e5: the expected counts at which its
ratio funnel lines meet each observed count).

The tiny system: a benchmark of 20 admissions per 1,000 people a year.

    place   people  admissions  expected at 20 per 1,000  rate per 1,000
    North    3,000          40         60                  13.33
    South    2,000          43         40                  21.50
    East     1,500          50         30                  33.33
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2, norm, poisson

from netkit.diagnosis import funnel
from netkit.diagnosis.funnel import (WITHIN, Outliers, funnel_limits, indirectly_standardised,
                                     outliers, poisson_interval, rates)
from netkit.errors import OptionError

PEOPLE = {"North": 3000, "South": 2000, "East": 1500}
ADMISSIONS = {"North": 40, "South": 43, "East": 50}


# --- confidence limits of a count -------------------------------------------------------------

def test_exact_limits_are_the_chi_squared_quantiles():
    counts = np.array([0, 1, 4, 9, 10, 65, 1045])
    lower, upper = poisson_interval(counts, 0.95, method="exact")
    # lower = chi2(0.025; 2 O) / 2 (0 for no events); upper = chi2(0.975; 2 O + 2) / 2
    assert lower[0] == 0
    assert lower[1:] == pytest.approx(chi2.ppf(0.025, 2 * counts[1:]) / 2)
    assert upper == pytest.approx(chi2.ppf(0.975, 2 * counts + 2) / 2)
    # and they are what an exact interval means: each tail beyond the observed count is 2.5%
    assert poisson.sf(counts[1:] - 1, lower[1:]) == pytest.approx(0.025)  # P(X >= O | lower)
    assert poisson.cdf(counts, upper) == pytest.approx(0.025)  # P(X <= O | upper)


def test_four_events_by_hand():
    # chi2(0.025; 8) = 2.1797, chi2(0.975; 10) = 20.4832: the interval for 4 events is
    # 1.0899 to 10.2416
    lower, upper = poisson_interval([4])
    assert lower[0] == pytest.approx(1.0899, abs=1e-4)
    assert upper[0] == pytest.approx(10.2416, abs=1e-4)


def test_byars_approximation_from_ten_events_as_phe_does():
    # PHEindicatormethods (R/Rates.R, R/Byars.R): exact below 10 events, Byar's from 10.
    # 65 events at 95%: z = 1.959964
    #   lower = 65 (1 - 1/585 - z / (3 sqrt 65))^3 = 65 x 0.917256^3 = 50.163
    #   upper = 66 (1 - 1/594 + z / (3 sqrt 66))^3 = 66 x 1.078735^3 = 82.849
    lower, upper = poisson_interval([65])
    assert lower[0] == pytest.approx(50.163, abs=1e-3)
    assert upper[0] == pytest.approx(82.849, abs=1e-3)
    z = norm.ppf(0.999)
    lower, upper = poisson_interval([10, 1045], 0.998)
    expected_lower = [o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3 for o in (10, 1045)]
    expected_upper = [(o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
                      for o in (10, 1045)]
    assert lower == pytest.approx(expected_lower)
    assert upper == pytest.approx(expected_upper)
    # 9 events is still exact
    assert poisson_interval([9])[1] == pytest.approx(poisson_interval([9], method="exact")[1])
    # Byar's is close to exact where it is used (within 0.5% at 65 events)
    assert poisson_interval([65])[0] == pytest.approx(poisson_interval([65], method="exact")[0],
                                                      rel=5e-3)


# the published table: observed O, then the expected counts at which PHE's lower 95%, upper 95%,
# lower 99.8% and upper 99.8% ratio lines pass through O (found by bisection to 1e-7)
PHE_RATIO_LINES = [
    (1, 5.571644585, 0.025317898, 9.233410143, 0.001000547),
    (10, 18.39035799, 4.795387629, 24.13397235, 2.960519925),
    (100, 121.6268111, 81.36400699, 134.9243187, 71.92139974),
    (716, 770.4222128, 664.5083011, 802.60414, 636.1521174),
]


@pytest.mark.parametrize("observed, lower95, upper95, lower998, upper998", PHE_RATIO_LINES)
def test_phe_ratio_lines_are_the_exact_limits_of_the_count(observed, lower95, upper95,
                                                           lower998, upper998):
    # where PHE's upper line meets O, the expected count is the exact lower limit of O; where its
    # lower line meets O, the exact upper limit
    for level, line_below, line_above in ((0.95, lower95, upper95), (0.998, lower998, upper998)):
        lower, upper = poisson_interval([observed], level, method="exact")
        # to the precision of PHE's bisection (it stops when its step is under 1e-7)
        assert lower[0] == pytest.approx(line_above, rel=1e-5, abs=1e-7)
        assert upper[0] == pytest.approx(line_below, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("observed, lower95, upper95, lower998, upper998", PHE_RATIO_LINES[1:])
def test_interpolated_limits_meet_phe_lines_one_event_apart(observed, lower95, upper95,
                                                            lower998, upper998):
    # at the expected count E where PHE's upper line passes through O, P(X >= O | E) is the tail
    # exactly, so F(O - 1) = 1 - tail and the interpolated upper limit is O - 1 exactly; where its
    # lower line passes, F(O) = tail and the interpolated lower limit is O. The two methods agree
    # on every count away from the lines.
    for level, line_below, line_above in ((0.95, lower95, upper95), (0.998, lower998, upper998)):
        name = f"_{funnel._label(level)}"
        at_upper = funnel_limits([line_above], levels=[level])
        at_lower = funnel_limits([line_below], levels=[level])
        # (to the precision of the published expected counts)
        assert at_upper["upper" + name][0] * line_above == pytest.approx(observed - 1, abs=1e-3)
        assert at_lower["lower" + name][0] * line_below == pytest.approx(observed, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(expected=st.floats(0.5, 2000), excess=st.floats(-0.5, 1.0))
def test_interpolated_limits_differ_from_phe_exact_lines_by_the_boundary_count_only(expected,
                                                                                     excess):
    # PHE: a count O is high when the exact lower 95% limit of O exceeds the expected count.
    # Here: when O exceeds the interpolated upper limit. Every count PHE flags is flagged here;
    # the one count flagged here and not there is the 97.5% Poisson quantile itself.
    observed = np.floor(expected * (1 + excess) + np.arange(-3, 4)).clip(0)
    phe_high = poisson_interval(observed, 0.95, method="exact")[0] > expected
    ours = outliers(observed, np.full(len(observed), expected), target=1).frame["above_95"]
    assert (ours.to_numpy() | ~phe_high).all()
    quantile = poisson.ppf(0.975, expected)
    assert (observed[ours.to_numpy() & ~phe_high] == quantile).all()


# --- rates and ratios ---------------------------------------------------------------------------

def test_crude_rates_of_the_tiny_system():
    found = rates(ADMISSIONS, PEOPLE, per=1000, levels=(0.95, 0.998))
    # 40 / 3,000 x 1,000 = 13.33; 43 / 2,000 x 1,000 = 21.5; 50 / 1,500 x 1,000 = 33.33
    assert found["rate"].tolist() == pytest.approx([40 / 3, 21.5, 100 / 3])
    assert list(found.columns) == ["observed", "population", "rate", "lower_95", "upper_95",
                                   "lower_99_8", "upper_99_8", "method"]
    assert found["method"].tolist() == ["Byar", "Byar", "Byar"]
    lower, upper = poisson_interval([40, 43, 50])
    assert found["lower_95"].tolist() == pytest.approx(lower / [3, 2, 1.5])
    assert found["upper_95"].tolist() == pytest.approx(upper / [3, 2, 1.5])
    assert (found["lower_99_8"] < found["lower_95"]).all()
    assert (found["upper_99_8"] > found["upper_95"]).all()


def test_a_small_count_uses_exact_limits():
    # 4 events in 2,000 people: 2.0 per 1,000, from 1.0899 / 2 = 0.545 to 10.2416 / 2 = 5.121
    found = rates([4, 0], [2000, 2000]).round(3)
    assert found.loc[0, ["rate", "lower_95", "upper_95"]].tolist() == [2.0, 0.545, 5.121]
    assert found["method"].tolist() == ["exact", "exact"]
    # no events: the lower limit is 0 and the upper -log(0.025) / 2 = 3.689 / 2 per 1,000
    assert found.loc[1, ["lower_95", "upper_95"]].tolist() == [0.0, 1.844]


def test_indirectly_standardised_by_hand():
    bands = pd.DataFrame({"65-79": [1000, 3000], "80+": [1000, 500]}, index=["A", "B"])
    reference = {"65-79": 10, "80+": 50}  # per 1,000
    found = indirectly_standardised({"A": 60, "B": 40}, bands, reference, per=1000)
    # A: 1,000 x 10/1,000 + 1,000 x 50/1,000 = 10 + 50 = 60; ratio 60 / 60 = 1
    # B: 3,000 x 10/1,000 +   500 x 50/1,000 = 30 + 25 = 55; ratio 40 / 55 = 0.727
    assert found["expected"].tolist() == pytest.approx([60, 55])
    assert found["ratio"].tolist() == pytest.approx([1, 40 / 55])
    lower, upper = poisson_interval([60, 40])
    assert found["lower_95"].tolist() == pytest.approx(lower / [60, 55])
    assert found["upper_95"].tolist() == pytest.approx(upper / [60, 55])


def test_one_band_standardisation_is_the_crude_rate_over_the_reference():
    bands = pd.DataFrame({"all": list(PEOPLE.values())}, index=list(PEOPLE))
    ratios = indirectly_standardised(ADMISSIONS, bands, {"all": 20}, per=1000)
    crude = rates(ADMISSIONS, PEOPLE, per=1000)
    for column in ("lower_95", "upper_95"):
        assert ratios[column].tolist() == pytest.approx((crude[column] / 20).tolist())
    assert ratios["ratio"].tolist() == pytest.approx((crude["rate"] / 20).tolist())


# --- funnel limits ------------------------------------------------------------------------------

def test_funnel_limits_of_the_tiny_system_by_hand():
    found = funnel_limits(PEOPLE, target=20, per=1000)
    assert found["expected"].tolist() == pytest.approx([60, 40, 30])
    # North, expected 60. Lower 95%: the 2.5% quantile of Poisson(60) is 45 (F(44) = 0.018973,
    # F(45) = 0.026582); a = (0.026582 - 0.025) / (0.026582 - 0.018973) = 0.2079, so the limit is
    # 44.792 admissions, 14.93 per 1,000. Lower 99.8%: quantile 38 (F(37) = 0.000970,
    # F(38) = 0.001592), a = 0.952, limit 37.048 admissions, 12.35 per 1,000.
    assert found.loc["North", "lower_95"] == pytest.approx(44.792 / 3, abs=1e-3)
    assert found.loc["North", "lower_99_8"] == pytest.approx(37.048 / 3, abs=1e-3)
    # South, expected 40. Upper 95%: quantile 53 (F(52) = 0.971943, F(53) = 0.980005),
    # a = 0.6208, limit 52.379; lower 95%: quantile 28 (F(27) = 0.019339, F(28) = 0.029380),
    # a = 0.4362, limit 27.564
    assert found.loc["South", "upper_95"] == pytest.approx(52.379 / 2, abs=1e-3)
    assert found.loc["South", "lower_95"] == pytest.approx(27.564 / 2, abs=1e-3)
    # East, expected 30. Upper 95%: quantile 41 (F(40) = 0.967690, F(41) = 0.977893),
    # a = 0.2835, limit 40.716; upper 99.8%: quantile 48 (F(47) = 0.998512, F(48) = 0.999113),
    # a = 0.1880, limit 47.812; lower 95%: quantile 20 (F(19) = 0.021873, F(20) = 0.035285),
    # a = 0.7668, limit 19.233
    assert found.loc["East", "upper_95"] == pytest.approx(40.716 / 1.5, abs=1e-3)
    assert found.loc["East", "upper_99_8"] == pytest.approx(47.812 / 1.5, abs=1e-3)
    assert found.loc["East", "lower_95"] == pytest.approx(19.233 / 1.5, abs=1e-3)


def test_a_ratio_funnel_is_a_rate_funnel_divided_by_its_target():
    as_rates = funnel_limits(PEOPLE, target=20, per=1000)
    as_ratios = funnel_limits({k: v * 20 / 1000 for k, v in PEOPLE.items()})
    for column in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"):
        assert as_ratios[column].tolist() == pytest.approx((as_rates[column] / 20).tolist())


def test_limits_are_continuous_where_the_quantile_steps():
    # just either side of the expected count where F(52) crosses 0.975 the limit is 52
    crossing = chi2.ppf(0.025, 2 * 53) / 2  # P(X >= 53 | crossing) = 0.025
    either_side = funnel_limits([crossing * (1 - 1e-9), crossing * (1 + 1e-9)], levels=[0.95])
    counts = either_side["upper_95"] * either_side["size"]
    assert counts.tolist() == pytest.approx([52, 52], abs=1e-5)


def test_lower_limits_never_fall_as_the_denominator_grows():
    sizes = np.geomspace(1, 1e6, 5000)
    found = funnel_limits(sizes, target=10, per=1000)
    for column in ("lower_95", "lower_99_8"):
        assert (np.diff(found[column].to_numpy()) >= -1e-12).all()


@settings(max_examples=60, deadline=None)
@given(expected=st.floats(1, 1e5), target=st.floats(0.1, 500),
       per=st.sampled_from([1, 1000, 100_000]))
def test_limits_narrow_as_the_denominator_doubles(expected, target, per):
    # the discrete Poisson gives the upper limit a small sawtooth between doublings; over a
    # doubling of the denominator both limits close in on the target
    size = expected * per / target
    found = funnel_limits([size, 2 * size, 4 * size], target=target, per=per)
    for level in ("95", "99_8"):
        lower, upper = found[f"lower_{level}"].to_numpy(), found[f"upper_{level}"].to_numpy()
        assert (np.diff(lower) >= -1e-9 * target).all()
        assert (np.diff(upper) <= 1e-9 * target).all()
        assert (lower <= target + 1e-9).all() and (upper >= target - 1e-9).all()
        assert upper[2] - lower[2] < upper[0] - lower[0]


def test_tiny_expected_counts_hold_the_upper_limit_at_the_target():
    # below an expected count of 0.0253 one event is beyond the 95% limit: the limit sits at the
    # target, not under it
    found = funnel_limits([0.01, 0.02])
    assert found["upper_95"].tolist() == [1.0, 1.0]
    assert found["lower_95"].tolist() == [0.0, 0.0]


# --- outliers and their excess ------------------------------------------------------------------

def test_the_tiny_system_has_one_place_outside_each_way_and_one_inside():
    found = outliers(ADMISSIONS, PEOPLE, target=20, per=1000)
    frame = found.frame
    # North: 40 < 44.792 (lower 95%) but > 37.048 (lower 99.8%)
    # South: 27.564 <= 43 <= 52.379
    # East: 50 > 47.812 (upper 99.8%)
    assert frame["verdict"].tolist() == ["below the 95% limit", WITHIN, "above the 99.8% limit"]
    assert frame["above_95"].tolist() == [False, False, True]
    assert frame["above_99_8"].tolist() == [False, False, True]
    assert frame["below_95"].tolist() == [True, False, False]
    assert frame["below_99_8"].tolist() == [False, False, False]
    # East's excess: 50 - 30 = 20 to reach the benchmark; 50 - 40.716 = 9.284 to reach the upper
    # 95% limit; 50 - 19.233 = 30.767 to reach the lower one. Only East carries one.
    assert frame.loc["East", "excess"] == pytest.approx(20)
    assert frame.loc["East", "excess_low"] == pytest.approx(9.284, abs=1e-3)
    assert frame.loc["East", "excess_high"] == pytest.approx(30.767, abs=1e-3)
    assert frame.loc[["North", "South"], ["excess", "excess_low", "excess_high"]].eq(0).all().all()
    assert list(found.above.index) == ["East"]


def test_the_excess_can_be_counted_from_the_outer_limit():
    found = outliers(ADMISSIONS, PEOPLE, target=20, per=1000, excess_level=0.998)
    # 50 - 47.812 = 2.188 beyond the upper 99.8% limit
    assert found.frame.loc["East", "excess_low"] == pytest.approx(2.188, abs=1e-3)


def test_the_default_target_is_the_pooled_rate():
    found = outliers(ADMISSIONS, PEOPLE, per=1000)
    # (40 + 43 + 50) / 6,500 x 1,000 = 20.46 per 1,000
    assert found.target == pytest.approx(133 / 6.5)
    assert found.frame["expected"].sum() == pytest.approx(133)


def test_a_place_made_to_sit_outside_the_outer_limit_and_one_inside():
    # a ratio: expected 100 admissions. The 99.8% upper limit is about 132.7, the 95% one 120.2
    limits = funnel_limits([100])
    upper = limits.loc[0, "upper_99_8"] * 100
    found = outliers([math.floor(upper) + 1, math.floor(upper) - 1, 100], [100, 100, 100],
                     target=1)
    assert found.frame["verdict"].tolist()[0] == "above the 99.8% limit"
    assert found.frame["verdict"].tolist()[1] == "above the 95% limit"
    assert found.frame["verdict"].tolist()[2] == WITHIN


@settings(max_examples=80, deadline=None)
@given(expected=st.floats(1e-4, 1e5), target=st.floats(0.01, 500),
       per=st.sampled_from([1, 1000, 100_000]),
       others=st.lists(st.integers(0, 5000), min_size=2, max_size=2))
def test_a_place_scaled_to_its_expected_count_is_no_outlier(expected, target, per, others):
    size = expected * per / target
    sizes = [size, 1000.0, 5000.0]
    first = outliers([123, *others], sizes, target=target, per=per)
    scaled = [first.frame["expected"].iloc[0], *others]
    found = outliers(scaled, sizes, target=target, per=per).frame.iloc[0]
    assert found["verdict"] == WITHIN
    assert (found["excess"], found["excess_low"], found["excess_high"]) == (0, 0, 0)


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 3000), min_size=1, max_size=8),
       data=st.data())
def test_verdicts_agree_with_the_limits_on_the_value_scale(counts, data):
    sizes = data.draw(st.lists(st.floats(50, 1e5), min_size=len(counts), max_size=len(counts)))
    found = outliers(counts, sizes, per=1000).frame
    inside = (found["value"] >= found["lower_95"] - 1e-9) & (found["value"] <= found["upper_95"]
                                                              + 1e-9)
    assert ((found["verdict"] == WITHIN) == inside).all()
    assert (found["excess_low"] <= found["excess"] + 1e-9).all()
    assert (found["excess"] <= found["excess_high"] + 1e-9).all()


def test_in_control_places_fall_outside_about_as_often_as_the_levels_say():
    # 20,000 places whose admissions really are Poisson at the benchmark (seeded): about 2.5%
    # fall above the 95% limit and 2.5% below, about 0.1% beyond each 99.8% limit
    rng = np.random.default_rng(0)
    people = rng.uniform(500, 50_000, 20_000)
    found = outliers(rng.poisson(people * 20 / 1000), people, target=20, per=1000).frame
    assert 0.020 < found["above_95"].mean() < 0.030
    assert 0.020 < found["below_95"].mean() < 0.030
    assert 0.0003 < found["above_99_8"].mean() < 0.002
    assert 0.0003 < found["below_99_8"].mean() < 0.002


def test_outliers_is_a_value_with_a_table_a_dict_and_html():
    found = outliers({"<b>North</b>": 40, "South": 43, "East": 50},
                     {"<b>North</b>": 3000, "South": 2000, "East": 1500}, target=20, per=1000)
    assert isinstance(found, Outliers)
    assert repr(found) == "<Outliers: 3 units, target 20, 1 above the 95% limit, excess 20.0>"
    assert found.to_frame() is found.frame
    data = json.loads(json.dumps(found.to_dict()))
    assert data["levels"] == [0.95, 0.998]
    assert [u["unit"] for u in data["units"]] == ["<b>North</b>", "South", "East"]
    assert data["units"][2]["verdict"] == "above the 99.8% limit"
    html = found._repr_html_()
    assert "<b>North" not in html and "&lt;b&gt;North" in html
    with pytest.raises(Exception):
        found.target = 3


def test_a_system_without_events_has_no_outliers_until_one_happens():
    found = outliers([0, 0], [100, 200]).frame
    assert found["verdict"].tolist() == [WITHIN, WITHIN]
    found = outliers([0, 1], [100, 200], target=0).frame
    assert found["verdict"].tolist() == [WITHIN, "above the 99.8% limit"]


def test_results_are_deterministic():
    first = outliers(ADMISSIONS, PEOPLE, per=1000).frame
    again = outliers(ADMISSIONS, PEOPLE, per=1000).frame
    pd.testing.assert_frame_equal(first, again)


# --- messages -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: rates([-1], [100]), "observed must be numbers >= 0"),
    (lambda: rates([1], [0]), "population must be > 0"),
    (lambda: rates({"a": 1}, {"b": 10}), "same places"),
    (lambda: rates([1], [10], levels=[95]), "levels must be probabilities"),
    (lambda: rates([1], [10], method="wald"), "method must be 'phe'"),
    (lambda: indirectly_standardised({"A": 1}, pd.DataFrame({"x": [1]}, index=["A"]), {"y": 1}),
     r"no rate for the bands \['x'\]"),
    (lambda: funnel_limits([0]), "size must be > 0"),
    (lambda: funnel_limits([10], target=-1), "target must be a rate or ratio >= 0"),
    (lambda: outliers([1], [10], excess_level=0.9), "excess_level must be one of levels"),
    (lambda: outliers([float("nan")], [10]), "observed must be numbers >= 0"),
    (lambda: rates([float("inf")], [10]), r"observed must be numbers >= 0 \(got \[inf\]"),
    (lambda: rates([1], [10], per=0), "per must be a number > 0"),
    (lambda: poisson_interval([1], level=(0.95, 0.998)), "level must be one probability"),
])
def test_bad_arguments_say_what_they_must_be(call, message):
    with pytest.raises(OptionError, match=message):
        call()
