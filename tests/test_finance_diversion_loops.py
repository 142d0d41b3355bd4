"""The diversion where some services send each other all their patients and none leaves (a
closed loop: the chain's matrix is singular). No patient from outside reaches such a loop, so
the visits are solved among the services the diverted patients reach: exactly, with no
warning on standard error (a sum of the chain's first 200 steps stood in before, which falls
short where patients go round a service many times)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.finance.diversion import divert
from netkit.model.opportunity import Shift


def _divert(extra: list[tuple[str, str, float]]) -> dict:
    # by hand: 100 patients reach ED; 60 go on to the ward, whose patients go round it again
    # 99 times in 100 (5,940 of its 6,000 a year), so each of the 60 has 100 ward stays in
    # expectation: 6,000 contacts; 10 of the 60 go on to reablement
    rows = [("@home", "ED", 100.0), ("ED", "W", 60.0), ("ED", "@home", 40.0),
            ("W", "W", 5940.0), ("W", "R", 10.0), ("W", "@home", 50.0), ("R", "@home", 10.0),
            ("U", "@home", 30.0)] + extra
    flows = pd.DataFrame(rows, columns=["source", "target", "patients"]).assign(
        pathway="p", place=None)
    ids = sorted({s for s, _, _ in rows} | {t for _, t, _ in rows} - {"@home"})
    services = pd.DataFrame({"id": ids, "category": "x", "activity": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no singular-matrix warning
        found = divert(flows, services, Shift(("ED",), ("U",), 1.0))
    return found.set_index("service")[["patients", "contacts"]].to_dict("index")


EXPECTED = {"ED": (-100.0, -100.0), "W": (-60.0, -6000.0), "R": (-10.0, -10.0),
            "U": (100.0, 100.0)}


def _check(found: dict) -> None:
    assert sorted(found) == sorted(EXPECTED)
    for service, (patients, contacts) in EXPECTED.items():
        assert found[service]["patients"] == pytest.approx(patients, rel=1e-9)
        assert found[service]["contacts"] == pytest.approx(contacts, rel=1e-9)


def test_a_ward_patients_go_round_many_times():
    _check(_divert([]))


@pytest.mark.parametrize("loop", [
    [("X", "Y", 5.0), ("Y", "X", 5.0)],                      # two services, each way
    [("X", "X", 7.0)],                                       # one service, round itself
    [("X", "Y", 3.0), ("Y", "Z", 3.0), ("Z", "X", 3.0)],     # three in a ring
])
def test_a_closed_loop_elsewhere_changes_nothing(loop):
    # the loop's services are in scope but nobody diverted reaches them: the answer is the
    # one without them, worked out exactly (the 200-step sum gave 5,196 ward and 8.6
    # reablement contacts)
    _check(_divert(loop))


def test_a_loop_the_diverted_patients_reach_passes_them_on():
    # the ward sends 20 patients a year into X and Y's loop. By hand: the ward's shares are now
    # of the 6,020 it sends, so each of the 60 has 60 * 6020 / 80 = 4,515 stays between them;
    # X receives 20 of every 6,020 and half its patients again from Y (X's shares are of the
    # 40 it receives), so X has 2 * 4515 * 20 / 6020 = 30 visits and Y 15
    found = _divert([("W", "X", 20.0), ("X", "Y", 20.0), ("Y", "X", 20.0)])
    assert found["W"]["contacts"] == pytest.approx(-4515.0, rel=1e-9)
    assert found["X"]["contacts"] == pytest.approx(-30.0, rel=1e-9)
    assert found["Y"]["contacts"] == pytest.approx(-15.0, rel=1e-9)


_ENDS = ["@home", "ED", "W", "R", "X", "Y"]


@given(st.lists(st.tuples(st.sampled_from(_ENDS), st.sampled_from(_ENDS[1:]),
                          st.sampled_from([0.0, 1.0, 5.0, 20.0, 100.0])),
                min_size=1, max_size=14))
@settings(max_examples=150, deadline=None)
def test_any_flows_divert_to_finite_figures_without_warnings(rows):
    # whatever loops the flows make, every figure is a number and nothing reaches stderr
    rows = [("@home", "U", 1.0)] + [(s, t, p) for s, t, p in rows if s != t or s != "@home"]
    flows = pd.DataFrame(rows, columns=["source", "target", "patients"]).assign(
        pathway="p", place=None)
    services = pd.DataFrame({"id": _ENDS[1:] + ["U"], "category": "x", "activity": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = divert(flows, services, Shift(("ED",), ("U",), 1.0))
    assert found[["patients", "contacts"]].notna().all().all()
    assert found["contacts"].abs().lt(float("inf")).all()


def test_a_from_service_inside_a_closed_loop_counts_its_entrants_once():
    # ED and the ward send each other their one patient a year and nobody leaves: the patient
    # "entering" ED from the ward is counted once, not round the loop without end
    flows = pd.DataFrame([("ED", "W", 1.0), ("W", "ED", 1.0), ("@home", "U", 1.0)],
                         columns=["source", "target", "patients"]).assign(pathway="p",
                                                                          place=None)
    services = pd.DataFrame({"id": ["ED", "U", "W"], "category": "x", "activity": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = divert(flows, services, Shift(("ED",), ("U",), 1.0))
    assert found.set_index("service")["contacts"].to_dict() == {"ED": -1.0, "U": 1.0}
