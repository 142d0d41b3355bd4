"""The names of the organisations the money names (`netkit.partners.find._other_names`), by a
dict kept per system, as the system's name lookup gives them (text, not empty), in order."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

import netkit
from netkit.partners.find import _other_names


def test_as_the_lookup_gives_them():
    system = netkit.load_system(netkit.sample_path("riverside"))
    known = system.organisation_lookup("name")
    ids = system.organisations["id"].tolist()[::-1] + ["NOBODY"] + ids_twice(system)
    inc = SimpleNamespace(organisations=pd.DataFrame({"id": ids}))
    expected = {i: known[i] for i in ids if isinstance(known.get(i), str) and known.get(i)}
    found = _other_names(system, inc)
    assert found == expected and list(found) == list(expected)
    assert _other_names(system, None) == {}


def ids_twice(system):
    return system.organisations["id"].tolist()[:3]


def test_an_empty_name_is_left_out():
    system = netkit.load_system(netkit.sample_path("tiny"))
    orgs = system.organisations.copy()
    orgs.loc[0, "name"] = ""
    built = type(system)({**system.tables(), "organisations": orgs}, system.meta,
                         system.opportunities.values())
    first = orgs["id"].iloc[0]
    inc = SimpleNamespace(organisations=pd.DataFrame({"id": orgs["id"].tolist()}))
    found = _other_names(built, inc)
    assert first not in found and len(found) == len(orgs) - 1
