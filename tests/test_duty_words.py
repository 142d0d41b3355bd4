"""The duties' words on codes (`netkit.partners.duties._social_words`) say what the row-by-row
way (`_duty_parts_by_row`) says, whatever the path to them."""

import pandas as pd
import pytest

import netkit
from netkit.model.system import kept
from netkit.partners import duties
from netkit.partners.scope import find_scope


@pytest.mark.parametrize("sample", ["tiny", "riverside"])
def test_words_as_row_by_row(sample):
    system = netkit.load_system(netkit.sample_path(sample))
    councils, commissions = kept(system, ("partners", "councils' commissions"),
                                 duties._council_commissions)
    names = system.organisation_lookup("name")
    for opportunity in system.opportunities:
        scope = find_scope(system, system.opportunity(getattr(opportunity, "id", opportunity)))
        services = scope.services
        social = services[services["category"].isin(duties.SOCIAL_CARE)]
        residents = duties._residents_reaching(system, scope.flows, set(social["id"]))
        by_row = duties._duty_parts_by_row(system, scope.flows, services, social, commissions,
                                           residents, councils, names, None, None)
        assert duties.duty_parts(system, scope.flows, services) == by_row


def test_words_of_several_services_and_shared_names():
    services = pd.DataFrame({"id": ["a", "b", "c", "d", "e"],
                             "name": ["Home care", "Day care", "Home care", "Meals", "Home care"],
                             "provider": ["P", "P", "Q", "R", "R"],
                             "category": ["social_care"] * 5, "activity": [1.0] * 5})
    commissions = pd.DataFrame({"source": ["LA", "LA", "LA", "LB"],
                                "target": ["R", "P", "Q", "Q"], "type": "commissions"})
    names = {"P": "Pine", "Q": "Pine", "R": "Rose"}
    own, said = duties._social_words(services, commissions, names, {"LA", "LB"})
    assert own == {}
    assert said == {"LA": "Pine's Home care and Day care, Pine's Home care and Rose's Meals "
                          "and Home care", "LB": "Pine's Home care"}
    rows = [0, 1, 2, 3, 4]
    assert said["LA"] == duties._by_provider(rows, services["provider"].tolist(),
                                             services["name"].tolist(), names)
