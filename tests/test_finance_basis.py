"""The money worked out once at a fraction of 1 (MoneyBasis) gives the same figures at any
fraction as working it out again."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import sample_system

from netkit.finance.incentives import incentives, money_basis
from netkit.partners.find import money_flows
from netkit.partners.scope import find_scope


def same(a, b) -> bool:
    """Every figure the same, missing ones included (NaN is not equal to itself)."""
    return json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)


@pytest.mark.parametrize("fraction", [0.0, 0.07, 0.15, 0.6, 1.0])
def test_the_same_figures_from_the_basis_at_any_fraction(fraction):
    riverside = sample_system("riverside")
    opp = riverside.opportunity("stroke-early-discharge")
    flows, services = money_flows(riverside, find_scope(riverside, opp))
    planned = incentives(riverside, opp.shift, services, flows=flows, draws=50)
    shift = replace(opp.shift, fraction=fraction)
    again = incentives(riverside, shift, services, flows=flows, draws=50)
    reused = incentives(riverside, shift, services, flows=flows, draws=50, basis=planned.basis)
    assert same(reused, again)
    assert reused.basis is planned.basis


def test_a_basis_for_other_services_is_not_used():
    riverside = sample_system("riverside")
    opp = riverside.opportunity("stroke-early-discharge")
    flows, services = money_flows(riverside, find_scope(riverside, opp))
    other = replace(opp.shift, to=opp.shift.from_, from_=opp.shift.to)
    wrong = money_basis(riverside, other, services, flows)
    reused = incentives(riverside, opp.shift, services, flows=flows, draws=0, basis=wrong)
    assert reused.basis is not wrong
    assert same(reused, incentives(riverside, opp.shift, services, flows=flows, draws=0))
