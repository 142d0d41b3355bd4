"""Overdispersion-adjusted funnel limits, few-place funnels, one signal seen in several
measures, and the value note (review finding 19; netkit/diagnosis/overdispersion.py,
candidates.py, report.py).

Five places of 10,000 people, 60, 90, 100, 110 and 140 admissions: the pooled rate is 500 / 50,000
= 10 per 1,000, so each expects 100. Pearson residuals z = (O − E) / sqrt(E) = −4, −1, 0, 1, 4;
winsorised at the 10th and 90th percentiles (−4 + 0.4 × 3 = −2.8 and 1 + 0.6 × 3 = 2.8) their
squares are 7.84, 1, 0, 1, 7.84: phi = 17.68 / 5 = 3.536. On Poisson limits E (140) is above the
99.8% limit (the 0.999 quantile of Poisson(100) is about 132); widened by sqrt(3.536) = 1.880
about the target its upper 99.8% limit is about 1 + 1.88 × 0.32 = 1.60, 160 admissions: E is no
longer a candidate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import sample_system

import netkit
from netkit.cli import cli
from netkit.diagnosis.diagnose import compare_places
from netkit.diagnosis.overdispersion import phi
from netkit.diagnosis.report import VALUE_NOTE
from netkit.errors import OptionError

FIVE = {"A": 60, "B": 90, "C": 100, "D": 110, "E": 140}


def _frame(counts: dict) -> pd.DataFrame:
    return pd.DataFrame({"pathway": "p", "place": list(counts), "measure": "admissions",
                         "observed": [float(v) for v in counts.values()],
                         "size": 10000.0, "denominator": "population"})


def test_phi_by_hand():
    assert phi(list(FIVE.values()), [100] * 5) == pytest.approx(17.68 / 5)


def test_five_places_widen_by_default_and_the_outlier_is_within():
    plain = compare_places(_frame(FIVE), overdispersion="off").set_index("place")
    wide = compare_places(_frame(FIVE)).set_index("place")
    assert plain.loc["E", "verdict"] == "above the 99.8% limit"
    assert plain.loc["E", "excess"] == pytest.approx(40)
    assert (plain["phi"] == 1).all()
    assert wide["phi"].tolist() == pytest.approx([3.536] * 5)
    spread = np.sqrt(3.536)
    for column in ("upper_99_8", "lower_99_8", "upper_95", "lower_95"):
        assert wide[column].to_numpy() == pytest.approx(1 + spread * (plain[column] - 1))
    assert wide.loc["E", "upper_99_8"] == pytest.approx(1.60, abs=0.01)
    # the 95% limit widens from about 1.196 to 1 + 1.88 × 0.196 = 1.37 (137): E stays above it,
    # but no longer above the 99.8% limit, so it is no candidate (no excess)
    assert wide.loc["E", "verdict"] == "above the 95% limit"
    assert (wide["excess"] == 0).all()


def test_four_places_are_not_widened_by_default_but_are_when_asked():
    four = {k: FIVE[k] for k in "ABDE"}  # 400 / 40,000: each expects 100 still
    assert (compare_places(_frame(four))["phi"] == 1).all()
    on = compare_places(_frame(four), overdispersion="on")
    # z = −4, −1, 1, 4; winsorised at −4 + 0.3 × 3 = −3.1 and 3.1: (9.61 + 1 + 1 + 9.61) / 4
    assert on["phi"].tolist() == pytest.approx([21.22 / 4] * 4)
    with pytest.raises(OptionError, match="overdispersion must be one of auto, on, off"):
        compare_places(_frame(four), overdispersion="sometimes")


def test_two_places_say_plainly_what_the_funnel_cannot_do():
    found = netkit.diagnose(sample_system("riverside"))
    text = " ".join(found.to_text().split())
    assert ("Only 2 places compared: a funnel of so few places cannot tell unwarranted "
            "variation from the difference between the places' populations. These candidates "
            "need a reference (--reference SYSTEM: the benchmark from other systems) or "
            "overdispersion-adjusted limits (--overdispersion on) before they are read as "
            "unwarranted variation.") in text
    # riverside's four North candidates share the ratio 1.26: one signal, values not to add
    assert ("Candidates 1, 2, 3 and 4 (Frailty urgent care, North) are one signal: the same "
            "ratio, 1.26, from the same patients entering the pathway, seen in several "
            "measures. Their values overlap and do not add.") in text
    assert [c["signal"] for c in found.to_dict()["candidates"]] == [1, 1, 1, 1]
    # the value note matches the columns: marginal in the table, average beside it
    assert VALUE_NOTE in text and "value, marginal" in text
    assert "Value is gross: the excess at the carrying services' unit costs" not in text


def test_the_cli_widens_on_request(tmp_path):
    out = CliRunner().invoke(cli, ["diagnose", str(netkit.sample_path("riverside")),
                                   "--overdispersion", "on"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.stdout.split())
    assert "0 candidates above the 99.8% control limit" in text
    assert "Control limits widened for overdispersion in 4 of 5 funnels (phi" in text
