"""XmR charts as Making Data Count draws them, checked by hand and against NHSRplotthedots.

Most tests chart a hand-made series after the same 12-point baseline, ``10, 12`` six times:

    mean                 = 132 / 12                   = 11
    moving ranges        = |12 - 10| = 2, eleven times; mean moving range = 2
    screening            = none is ≥ 3.267 × 2 = 6.534
    process limits       = 11 ± 2.66 × 2              = 5.68 and 16.32
    2σ lines             = 11 ± (2/3) × 2.66 × 2  = 11 ± 3.5467 = 7.4533 and 14.5467

The baseline's last point (12) is above the mean, which matters for runs.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.delivery.spc import SIGNALS, SPCResult, xmr
from netkit.errors import InputError, OptionError

BASE = [10, 12] * 6


def chart(tail, improvement="increase", target=None, **options):
    """The tail charted after the 12-point baseline, limits from the baseline."""
    return xmr(BASE + list(tail), baseline=12, improvement=improvement, target=target, **options)


def flagged(result: SPCResult, rule: str) -> list[int]:
    """Positions after the baseline that a rule flags."""
    return [i - 12 for i, f in enumerate(getattr(result, rule)) if f and i >= 12]


# limits -----------------------------------------------------------------------------------------

def test_limits_by_hand():
    # 3 5 4 6 5 7 4 6 5 3 4 8: sum 60, mean 5
    # moving ranges 2 1 2 1 2 3 2 1 2 1 4: sum 21, mean 21/11 = 1.909…; 3.267 × 1.909 = 6.24
    # screens none
    # limits 5 ± 2.66 × 21/11 = 5 ± 5.0782 → -0.0782 and 10.0782
    r = xmr([3, 5, 4, 6, 5, 7, 4, 6, 5, 3, 4, 8], improvement="increase")
    assert r.mean == 5
    assert r.mean_moving_range == pytest.approx(21 / 11)
    assert r.upper == pytest.approx(5 + 2.66 * 21 / 11)
    assert r.lower == pytest.approx(5 - 2.66 * 21 / 11)
    assert r.screened == ()
    assert r.sigma == pytest.approx(21 / 11 * 2.66 / 3)
    assert (r.near_lower, r.near_upper) == pytest.approx((5 - 2 * r.sigma, 5 + 2 * r.sigma))
    assert r.special_cause == (False,) * 12


def test_baseline_of_the_shared_series():
    r = chart([])
    assert (r.mean, r.lower, r.upper) == pytest.approx((11, 5.68, 16.32))
    assert (r.near_lower, r.near_upper) == pytest.approx((11 - 5.32 * 2 / 3, 11 + 5.32 * 2 / 3))


def test_screening_as_the_reference_vignette():
    # NHSRplotthedots, vignettes/deviations.Rmd: UPL 4.6, mean 1.94, LPL -0.72 when screening,
    # and the Excel tools' wider limits without it.
    # sum 35 over 18 points: mean 1.944; moving ranges fifteen 1s, 8 and 9: mean 32/17 = 1.882;
    # 3.267 × 1.882 = 6.15 screens the 8 (into point 4) and the 9 (into point 5);
    # screened mean moving range 15/15 = 1 → 1.944 ± 2.66 = -0.716 and 4.604
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    r = xmr(data, improvement="increase")
    assert r.screened == (4, 5)
    assert r.mean_moving_range == 1
    assert (round(r.upper, 2), round(r.mean, 2), round(r.lower, 2)) == (4.6, 1.94, -0.72)
    # the vignette's picture: four common-cause points, one special cause, then common cause
    assert r.signals == ("common_cause",) * 4 + ("improvement",) + ("common_cause",) * 13
    # the Excel tools: 35/18 ± 2.66 × 32/17 = -3.06 and 6.95
    excel = xmr(data, improvement="increase", screen_outliers=False)
    assert excel.screened == ()
    assert (round(excel.upper, 2), round(excel.lower, 2)) == (6.95, -3.06)


def test_screening_leaves_out_a_range_exactly_at_the_threshold():
    # ten ranges of 1 and one of R: R = 3.267 × (10 + R) / 11 when R = 32.67 / 7.733
    edge = Fraction(32670, 7733)
    at = xmr([0, 1] * 5 + [0, edge])
    assert at.screened == (11,) and at.mean_moving_range == 1
    below = xmr([0, 1] * 5 + [0, edge - Fraction(1, 10**6)])
    assert below.screened == ()
    assert below.mean_moving_range == pytest.approx(float(10 + edge) / 11, rel=1e-6)


def test_a_flat_baseline_has_limits_on_the_mean():
    r = xmr([4] * 12 + [4, 5], baseline=12, improvement="increase")
    assert (r.lower, r.mean, r.upper) == (4, 4, 4)
    assert r.signals[-2:] == ("common_cause", "improvement")


def test_baseline_as_count_slice_or_everything():
    series = BASE + [20, 20, 20]
    assert chart([20, 20, 20]).mean == 11
    assert xmr(series, baseline=slice(0, 12)).mean == 11
    # every point: (132 + 60) / 15 = 12.8
    assert xmr(series).mean == pytest.approx(12.8)
    # the second half: 12 10 12 10 12 10 12 10 12 20 20 20 (positions 3 to 14), sum 160
    later = xmr(series, baseline=slice(3, None))
    assert later.baseline == (3, 15)
    assert later.mean == pytest.approx(160 / 12)
    # the rules still test every point, including those before the baseline
    assert len(later.signals) == 15


# the rules --------------------------------------------------------------------------------------

def test_a_point_outside_the_limits():
    r = chart([17])
    assert flagged(r, "outside") == [0]
    assert (r.signal, r.side) == ("improvement", "high")
    low = chart([5])
    assert flagged(low, "outside") == [0] and (low.signal, low.side) == ("concern", "low")


def test_a_point_on_a_limit_is_inside():
    on = chart([Fraction(1632, 100)])
    assert flagged(on, "outside") == [] and on.signal == "common_cause"
    just_over = chart([Fraction(16321, 1000)])
    assert flagged(just_over, "outside") == [0]


def test_a_run_of_seven_below_the_mean():
    r = chart([10.5] * 7)
    assert flagged(r, "run") == list(range(7))
    assert r.signals[12:] == ("concern",) * 7 and r.side == "low"
    assert r.signals[11] == "common_cause"  # the baseline's 12 is above: not part of the run


def test_six_in_a_row_is_not_a_run():
    r = chart([10.5] * 6)
    assert flagged(r, "run") == []
    assert r.special_cause == (False,) * 18


def test_a_run_counts_the_point_before_on_the_same_side():
    # the baseline ends with 12, above the mean: with six more above, seven in a row
    r = chart([11.5] * 6)
    assert r.run[11:] == (True,) * 7
    assert r.signals[11] == "improvement"


def test_a_point_on_the_mean_breaks_a_run():
    r = chart([10.5] * 3 + [11] + [10.5] * 4)
    assert flagged(r, "run") == [] and r.signal == "common_cause"
    ended = chart([10.5] * 7 + [11])
    assert flagged(ended, "run") == list(range(7))
    assert (ended.signals[-1], ended.sides[-1]) == ("common_cause", "")


def test_a_trend_of_seven():
    # 8 … 14 rise six times; 8, 9, 10 are below the mean and 12, 13, 14 above, so no run; all
    # inside the 2σ lines
    r = chart([8, 9, 10, 11, 12, 13, 14])
    assert flagged(r, "trend") == list(range(7))
    assert set(r.signals[12:]) == {"improvement"} and set(r.sides[12:]) == {"high"}
    assert flagged(r, "run") == flagged(r, "two_in_three") == flagged(r, "outside") == []


def test_six_rising_points_are_not_a_trend():
    r = chart([8, 9, 10, 11, 12, 13])
    assert flagged(r, "trend") == [] and r.signal == "common_cause"


def test_equal_neighbours_break_a_trend():
    r = chart([8, 9, 10, 10, 11, 12, 13, 14])
    assert flagged(r, "trend") == []


def test_a_falling_trend_is_improvement_when_lower_is_better():
    r = chart([14, 13, 12, 11, 10, 9, 8], improvement="decrease")
    assert flagged(r, "trend") == list(range(7))
    assert set(r.signals[12:]) == {"improvement"} and r.side == "low"
    # a point below the mean in a rising trend is part of the rise: concern when lower is better
    up = chart([8, 9, 10, 11, 12, 13, 14], improvement="decrease")
    assert up.signals[12] == "concern" and up.sides[12] == "high"


def test_a_peak_shared_by_two_trends_takes_the_later():
    # rising 8 … 14 then falling 14 … 8: the 14 belongs to both; the reference takes the right
    r = chart([8, 9, 10, 11, 12, 13, 14, 13, 12, 11, 10, 9, 8])
    assert flagged(r, "trend") == list(range(13))
    assert r.sides[12:18] == ("high",) * 6
    assert r.sides[18] == "low" and r.signals[18] == "concern"


def test_two_of_three_beyond_the_two_sigma_line():
    # 15 is beyond 14.547 and inside 16.32; 12 is above the mean: one side, two of three beyond
    r = chart([15, 12, 15])
    assert flagged(r, "two_in_three") == [0, 2]
    assert r.signals[12:] == ("improvement", "common_cause", "improvement")
    # 7 < 7.453: two in a row below, then 10 below the mean too
    below = chart([7, 7, 10], improvement="increase")
    assert flagged(below, "two_in_three") == [0, 1]
    assert below.signals[12:] == ("concern", "concern", "common_cause")


def test_the_latest_two_wait_for_a_third():
    # as NHSRplotthedots: a window is three points, so two at the end of the series (after the
    # baseline's 12, on the other side) are not yet a signal
    assert flagged(chart([7, 7]), "two_in_three") == []


def test_two_of_three_need_all_three_on_one_side():
    r = chart([15, 10, 15, 10])
    assert flagged(r, "two_in_three") == [] and r.signal == "common_cause"


def test_one_beyond_the_two_sigma_line_is_not_a_signal():
    r = chart([15, 12, 12])
    assert flagged(r, "two_in_three") == [] and r.special_cause == (False,) * 15


def test_a_point_beyond_the_limits_does_not_count_towards_two_of_three():
    # as NHSRplotthedots: "close to the limits" means beyond 2σ but inside the limits
    r = chart([15, 17])
    assert flagged(r, "two_in_three") == []
    assert flagged(r, "outside") == [1]
    assert r.signals[12:] == ("common_cause", "improvement")


# icons ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("improvement, tail, signal, side, words", [
    ("increase", [17], "improvement", "high", "special cause of improvement (high)"),
    ("increase", [5], "concern", "low", "special cause of concern (low)"),
    ("decrease", [17], "concern", "high", "special cause of concern (high)"),
    ("decrease", [5], "improvement", "low", "special cause of improvement (low)"),
    (None, [17], "neither", "high", "special cause (neither) (high)"),
    (None, [5], "neither", "low", "special cause (neither) (low)"),
    ("increase", [11], "common_cause", "", "common cause"),
    (None, [11], "common_cause", "", "common cause"),
])
def test_variation_icon(improvement, tail, signal, side, words):
    r = chart(tail, improvement=improvement)
    assert (r.signal, r.side, r.variation) == (signal, side, words)
    assert signal in SIGNALS


def test_the_icon_is_the_latest_point():
    r = chart([17, 11])
    assert r.signals[12] == "improvement" and r.signal == "common_cause"


@pytest.mark.parametrize("improvement, target, assurance", [
    ("increase", 17, "fail"),          # above the upper limit 16.32: the process will not reach it
    ("increase", 5, "pass"),           # below the lower limit 5.68: every month meets it
    ("increase", 11, "hit_and_miss"),
    ("decrease", 17, "pass"),
    ("decrease", 5, "fail"),
    ("decrease", 11, "hit_and_miss"),
    ("increase", Fraction(1632, 100), "hit_and_miss"),  # on the limit: some months miss
    (None, 17, None),                  # no direction, no assurance (as the reference)
    ("increase", None, None),
])
def test_assurance_icon(improvement, target, assurance):
    assert chart([], improvement=improvement, target=target).assurance == assurance


# results ----------------------------------------------------------------------------------------

def test_frame_has_a_row_per_point():
    r = chart([17, 11], target=20)
    frame = r.to_frame()
    assert list(frame.columns) == ["period", "value", "baseline", "mean", "lower", "upper",
                                   "outside", "trend", "two_in_three", "run", "special_cause",
                                   "side", "signal"]
    assert len(frame) == 14
    assert frame["baseline"].tolist() == [True] * 12 + [False] * 2
    assert frame.iloc[12][["value", "outside", "signal"]].tolist() == [17.0, True, "improvement"]


def test_series_index_labels_the_points():
    import pandas as pd

    months = pd.period_range("2024-01", periods=14, freq="M")
    r = xmr(pd.Series(BASE + [17, 11], index=months), baseline=12, improvement="increase")
    assert r.to_frame()["period"].iloc[12] == pd.Period("2025-01", "M")
    points = r.to_dict()["points"]
    assert points[12]["period"] == "2025-01" and points[12]["signal"] == "improvement"


def test_to_dict_is_the_design_contract_and_json_ready():
    d = chart([17], target=20).to_dict()
    assert (d["signal"], d["assurance"]) == ("improvement", "fail")
    assert d["points_by_signal"] == {"improvement": 1, "concern": 0, "neither": 0,
                                     "common_cause": 12}
    assert d["baseline"] == {"start": 0, "stop": 12}
    assert json.loads(json.dumps(d)) == d


def test_repr_is_one_line():
    text = repr(chart([17], target=20))
    assert "\n" not in text
    assert text == ("<SPCResult: 13 points, mean 11 (process limits 5.68–16.32) from points "
                    "0–11; latest: special cause of improvement (high); assurance: consistently "
                    "failing>")


def test_html_escapes_labels():
    import pandas as pd

    r = xmr(pd.Series(BASE, index=[f"<b>m{i}</b>" for i in range(12)]))
    html = r._repr_html_()
    assert "<b>m0" not in html and "&lt;b&gt;m0" in html
    assert "common cause" in html


def test_result_is_frozen():
    r = chart([])
    with pytest.raises(AttributeError):
        r.mean = 0


# bad input --------------------------------------------------------------------------------------

def test_a_short_baseline_is_an_option_error():
    with pytest.raises(OptionError, match="baseline: 11 points; process limits need at least 12"):
        xmr(BASE[:11])
    with pytest.raises(OptionError, match="at least 12"):
        xmr(BASE + [1, 2, 3], baseline=slice(5, 15))


def test_trial_limits_on_purpose():
    r = xmr([1, 3, 2], min_baseline=2)
    assert r.mean == 2 and r.mean_moving_range == pytest.approx(1.5)
    with pytest.raises(OptionError, match="min_baseline=1: must be a whole number of at least 2"):
        xmr([1, 3, 2], min_baseline=1)


@pytest.mark.parametrize("baseline, message", [
    (0, "from 1 to the series' 12"),
    (13, "from 1 to the series' 12"),
    ("12", "expected None"),
    (True, "expected None"),
    (slice(0, 12, 2), "consecutive"),
])
def test_bad_baselines(baseline, message):
    with pytest.raises(OptionError, match=message):
        xmr(BASE, baseline=baseline)


def test_bad_options():
    with pytest.raises(OptionError, match="improvement='up': expected 'increase', 'decrease'"):
        xmr(BASE, improvement="up")
    with pytest.raises(OptionError, match="target=nan: is not a finite number"):
        xmr(BASE, improvement="increase", target=float("nan"))
    with pytest.raises(OptionError, match="target='high': is not a number"):
        xmr(BASE, improvement="increase", target="high")


def test_bad_values_are_reported_together():
    with pytest.raises(InputError) as err:
        xmr(BASE[:5] + [float("nan"), "lots", None, True] + BASE[:5])
    text = str(err.value)
    assert text.startswith("4 problems in the input:")
    assert "'nan' is not a finite number (SPC needs a value at every point" in text
    assert "'lots' is not a number (point 6)" in text
    assert "'None' is missing" in text
    assert "'True' is not a number (point 8)" in text


def test_bad_values_name_their_period():
    import pandas as pd

    months = pd.Index([f"2024-{m:02d}" for m in range(1, 13)])
    with pytest.raises(InputError, match=r"'nan' is not a finite number .*\(point 3, '2024-04'\)"):
        xmr(pd.Series([1.0, 2.0, 3.0, None] + [1.0] * 8, index=months))


def test_decimals_are_exact():
    from decimal import Decimal

    r = xmr([Decimal("0.1"), Decimal("0.3")] * 6 + [Decimal("0.2")], baseline=12)
    assert r.mean == pytest.approx(0.2) and r.sides[-1] == ""  # exactly on the mean
    with pytest.raises(InputError, match="not a finite number"):
        xmr([Decimal("NaN")] + [Decimal(1)] * 12)


@pytest.mark.parametrize("values, message", [
    ([], "hold no points"),
    ("1 2 3", "are a str, not a series of numbers"),
    (12, "are a int, not a series of numbers"),
])
def test_not_a_series(values, message):
    with pytest.raises(InputError, match=message):
        xmr(values)


def test_many_bad_values_are_counted_after_twenty():
    with pytest.raises(InputError) as err:
        xmr(["x"] * 30)
    assert len(err.value.problems) == 21
    assert err.value.problems[-1].more == 10
    assert str(err.value).startswith("30 problems")


# properties -------------------------------------------------------------------------------------

series = st.lists(st.integers(-1000, 1000), min_size=12, max_size=40)
directions = st.sampled_from(["increase", "decrease", None])


def flags_of(r: SPCResult):
    return (r.outside, r.run, r.trend, r.two_in_three, r.sides, r.signals, r.screened)


@settings(max_examples=150, deadline=None)
@given(series, st.integers(-10**6, 10**6), directions, st.integers(-2000, 2000))
def test_adding_a_constant_moves_the_chart_and_no_flag(values, shift, improvement, target):
    a = xmr(values, baseline=12, improvement=improvement, target=target)
    b = xmr([v + shift for v in values], baseline=12, improvement=improvement,
            target=target + shift)
    assert flags_of(b) == flags_of(a)
    assert b.assurance == a.assurance
    for name in ("mean", "lower", "upper"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) + shift, abs=1e-6)
    assert b.mean_moving_range == pytest.approx(a.mean_moving_range)


@settings(max_examples=150, deadline=None)
@given(series, st.sampled_from([0.25, 0.5, 2, 3, 10, 1000]), directions, st.integers(-2000, 2000))
def test_scaling_by_a_positive_factor_scales_the_limits_and_keeps_the_flags(
        values, factor, improvement, target):
    a = xmr(values, baseline=12, improvement=improvement, target=target)
    b = xmr([v * factor for v in values], baseline=12, improvement=improvement,
            target=target * factor)
    assert flags_of(b) == flags_of(a)
    assert b.assurance == a.assurance
    for name in ("mean", "lower", "upper", "mean_moving_range"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) * factor, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(series, st.sampled_from(["increase", "decrease"]))
def test_mirroring_the_series_and_the_direction_keeps_every_signal(values, improvement):
    other = {"increase": "decrease", "decrease": "increase"}[improvement]
    a = xmr(values, baseline=12, improvement=improvement)
    b = xmr([-v for v in values], baseline=12, improvement=other)
    assert b.signals == a.signals
    assert b.sides == tuple({"high": "low", "low": "high", "": ""}[s] for s in a.sides)


@settings(max_examples=150, deadline=None)
@given(series, directions)
def test_a_point_is_special_exactly_when_a_rule_flags_it(values, improvement):
    r = xmr(values, improvement=improvement)
    for i, signal in enumerate(r.signals):
        ruled = r.outside[i] or r.run[i] or r.trend[i] or r.two_in_three[i]
        assert (signal != "common_cause") == ruled
        assert (r.sides[i] != "") == ruled
        if improvement is None and ruled:
            assert signal == "neither"
