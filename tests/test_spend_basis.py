"""The spend basis kept on a scope splits spend exactly as `commissioning_spend` does."""

import numpy as np
import pandas as pd
import pytest

import netkit
from netkit.partners.criteria import spend_basis
from netkit.partners.residents import _apply_spend, commissioning_spend
from netkit.partners.scope import find_scope


@pytest.mark.parametrize("sample", ["tiny", "riverside", "shire", "metro"])
def test_kept_basis_matches_direct_call(sample):
    system = netkit.load_system(netkit.sample_path(sample))
    for opportunity in system.opportunities.values():
        scope = find_scope(system, opportunity)
        services = scope.services
        price = services["price"].fillna(services["unit_cost"])
        for spend in (services["activity"] * price.fillna(0.0),
                      pd.Series(1.0, index=services.index)):
            direct, direct_notes = commissioning_spend(system, scope.flows, services, spend)
            kept, kept_notes = _apply_spend(spend_basis(scope, system),
                                            spend.to_numpy(dtype=float))
            pd.testing.assert_frame_equal(kept, direct, check_exact=True)
            assert kept_notes == direct_notes
            assert np.array_equal(kept["spend"].to_numpy(), direct["spend"].to_numpy())
