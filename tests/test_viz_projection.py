"""The organisations map's projections, computed together (netkit/viz/projection.py), give
what the shared activity functions give."""

import pandas as pd
import pytest
from conftest import sample_system

import netkit
from netkit.model.activity import organisation_flows, service_activity
from netkit.viz.columns import _labels, _per_value
from netkit.viz.maps import _label
from netkit.viz.projection import organisation_projection


def test_a_small_system_by_hand():
    flows = pd.DataFrame({
        "pathway": ["p", "p", "p", "q", "q", "q"],
        "source": ["@home", "A", "B", "A", "A2", "GONE"],
        "target": ["A", "B", "@home", "A2", "B", "B"],
        "patients": [100.0, 60.0, 70.0, 30.0, 0.0, 5.0]})
    services = pd.DataFrame({"id": ["A", "A2", "B"], "provider": ["X", "X", "Y"]})
    activity, handoffs = organisation_projection(flows, services)
    # p: A max(100 in, 60 out) = 100, B max(60, 70) = 70; q: A 30 out, A2 max(30, 0) = 30,
    # B 0 + 5 in (from GONE, no service, yet patients still arrive at B); X = 100 + 30 + 30,
    # Y = 70 + 5
    assert activity.to_dict() == {"X": 160.0, "Y": 75.0}
    assert service_activity(flows).to_dict() == {"A": 130.0, "A2": 30.0, "B": 75.0,
                                                 "GONE": 5.0}
    # X → X (A → A2) is within one organisation; A2 → B carries no one
    assert handoffs.values.tolist() == [["X", "Y", 60.0]]


def test_riverside_matches_the_shared_functions():
    system = sample_system("riverside")
    flows, services = system.flows, system.services
    activity, handoffs = organisation_projection(flows, services)
    by_service = service_activity(flows)
    provider = services.set_index("id")["provider"]
    expected = by_service.groupby(by_service.index.map(provider)).sum()
    pd.testing.assert_series_equal(activity[activity.index.isin(expected.index)].sort_index(),
                                   expected.sort_index(), check_names=False, rtol=1e-12)
    assert (activity[~activity.index.isin(expected.index)] == 0).all()
    raw = organisation_flows(flows, services)
    raw = raw[(raw["source"] != raw["target"]) & (raw["patients"] > 0)].reset_index(drop=True)
    pd.testing.assert_frame_equal(handoffs, raw, check_dtype=False)


@pytest.mark.parametrize("name", ["Short", "Exactly twenty-eight letters", "A name that runs "
                                  "on far past the width", "Trailing space here          x"])
def test_labels_as_columns_are_the_labels_one_by_one(name):
    assert _labels(pd.Series([name])).tolist() == [_label(name)]


def test_per_value_calls_once_per_distinct_value():
    calls = []
    out = _per_value(pd.Series(["a", "b", "a", "a"]), lambda v: calls.append(v) or v.upper())
    assert out.tolist() == ["A", "B", "A", "A"] and calls == ["a", "b"]
