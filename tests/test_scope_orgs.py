"""The organisations in scope by their positions (`netkit.partners.scope_orgs`) are those the
text ``isin`` finds, with the same roles and included organisations."""

import numpy as np
import pytest

import netkit
from netkit.partners.scope_orgs import organisations_in_scope


@pytest.mark.parametrize("sample", ["tiny", "riverside", "shire"])
def test_by_position_as_by_text(sample):
    system = netkit.load_system(netkit.sample_path(sample))
    services = system.services
    orgs = system.organisations["id"].tolist()
    for step in (1, 2, 3):
        chosen = services.iloc[::step]
        commissioners = set(orgs[::5]) | {"NOT-AN-ORG"}
        duties = {o: "a duty" for o in orgs[1::7]}
        include = orgs[2::4] + ["NOT-AN-ORG"]
        coded = organisations_in_scope(system, chosen, chosen.index.to_numpy(), commissioners,
                                       duties, include, True)
        text = organisations_in_scope(system, chosen, None, commissioners, duties, include, True)
        assert coded[0].equals(text[0])
        assert np.array_equal(coded[1], text[1])
        assert coded[2] == text[2]
        assert organisations_in_scope(system, chosen, chosen.index.to_numpy(), commissioners,
                                      duties, include, False)[2] == ()
