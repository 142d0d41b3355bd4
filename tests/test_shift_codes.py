"""What a shift changes on end codes (`netkit.partners.shift_codes`) is what the names give
(`netkit.partners.scope.intervention_flows`), with and without ``reach``."""

import dataclasses

import numpy as np
import pytest

import netkit
from netkit.partners.coded import FlowCodes
from netkit.partners.scope import _cut, intervention_flows
from netkit.partners.shift_codes import shift_services


@pytest.mark.parametrize("sample", ["tiny", "riverside", "shire"])
@pytest.mark.parametrize("reach", [None, 1, 3])
def test_coded_as_named(sample, reach):
    system = netkit.load_system(netkit.sample_path(sample))
    flows = system.flows.reset_index(drop=True)
    codes = FlowCodes(system, np.arange(len(flows)))
    for opportunity in system.opportunities:
        opp = system.opportunity(getattr(opportunity, "id", opportunity))
        if opp.shift is None:
            continue
        opp = dataclasses.replace(opp, reach=reach)
        named, extent, entering = intervention_flows(system, opp, flows)
        chosen = shift_services(system, opp, codes)
        if chosen is None:
            assert named is flows
            continue
        home = np.zeros(len(chosen), dtype=bool)
        if codes.tables["home"] >= 0:
            home[codes.tables["home"]] = True
        coded = _cut(opp, flows, chosen, home, codes.source, codes.target)
        assert coded[0].index.tolist() == named.index.tolist()
        assert coded[1:] == (extent, entering)
