"""The money along the system's codes of its flows (netkit.finance.coded_flows) gives the same
tables, to the last digit, as along the flows' text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import sample_system

from netkit._frames import isin
from netkit.finance.basis import money_basis
from netkit.finance.coded_flows import money_codes, money_services
from netkit.model.activity import service_activity
from netkit.partners.find import money_flows
from netkit.partners.scope import find_scope

CASES = [(name, opp) for name in ("tiny", "riverside", "shire", "metro")
         for opp in sample_system(name).opportunities
         if sample_system(name).opportunity(opp).shift is not None]


def text_services(system, flows) -> pd.DataFrame:
    """`money_services` as worked from the flows' text."""
    activity = service_activity(flows)
    services = system.services
    return services[isin(services["id"], activity.index.tolist())].assign(
        activity=lambda f: f["id"].map(activity).astype("float64")
    ).sort_values("id", kind="mergesort")


def rows_of(system, scope, flows):
    return (scope.flow_rows if flows is scope.flows
            else scope.kept(system, "pathway rows", lambda *_: None))


@pytest.mark.parametrize("name, opp", CASES)
def test_the_coded_money_is_the_texts(name, opp):
    system = sample_system(name)
    opportunity = system.opportunity(opp)
    scope = find_scope(system, opportunity)
    flows, services = money_flows(system, scope)
    rows = rows_of(system, scope, flows)
    assert rows is not None
    pd.testing.assert_frame_equal(money_services(system, flows, rows).reset_index(drop=True),
                                  text_services(system, flows).reset_index(drop=True),
                                  check_exact=True)
    coded = money_basis(system, opportunity.shift, services, flows, rows)
    text = money_basis(system, opportunity.shift, services, flows)
    pd.testing.assert_frame_equal(coded.diverted, text.diverted, check_exact=True)
    pd.testing.assert_frame_equal(coded.table, text.table, check_exact=True)
    assert coded.notes == text.notes
    for field in coded.money.__dataclass_fields__:
        a, b = getattr(coded.money, field), getattr(text.money, field)
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), field


def test_rows_not_known_are_not_coded():
    tiny = sample_system("tiny")
    assert money_codes(tiny, None) is None
    assert money_services(tiny, tiny.flows, None) is None
