"""The partner sources' ids as codes kept per system (`netkit.partners.source_codes`): the
codes stand for the text they replace, and the joins on them pair what a merge pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import netkit
from netkit.model.selectors import select_services
from netkit.model.selectors import selected_services
from netkit.partners.source_codes import join_codes, lookup, system_codes


@pytest.fixture(scope="module")
def riverside():
    return netkit.load_system(netkit.sample_path("riverside"))


def test_codes_stand_for_the_ids(riverside):
    codes = system_codes(riverside)
    label = {c: i for i, c in codes["code_of"].items()}
    rels = riverside.relationships[riverside.relationships["type"] == "commissions"]
    assert [label[c] for c in codes["org"]] == riverside.organisations["id"].tolist()
    assert [label[c] for c in codes["source"]] == rels["source"].tolist()
    assert [label[c] for c in codes["target"]] == rels["target"].tolist()
    assert [label[c] for c in codes["provider"]] == riverside.services["provider"].tolist()
    rows = riverside.input_rows["relationships"][1]
    assert codes["row"].tolist() == rows[rels.index.to_numpy()].tolist()
    ids = {c: i for i, c in codes["service_code_of"].items()}
    assert [ids[c] for c in codes["service"]] == riverside.services["id"].tolist()
    assert system_codes(riverside) is codes  # kept per system


def test_lookup_misses_are_minus_one():
    assert lookup({"a": 3}, ["a", "b", float("nan")]).tolist() == [3, -1, -1]
    assert lookup({}, []).tolist() == []


def test_selected_is_each_rows_selection(riverside):
    selectors = ("category:community", "ED")
    every = selected_services(riverside, selectors)
    some = riverside.services.iloc[::3]
    assert every[::3].tolist() == select_services(some, list(selectors)).tolist()


@pytest.mark.parametrize("seed", range(5))
def test_join_codes_pairs_as_a_merge(seed):
    rng = np.random.default_rng(seed)
    left, right = rng.integers(-1, 6, 40), rng.integers(-1, 6, 30)
    i, j = join_codes(left, right)
    merged = pd.DataFrame({"k": left, "i": np.arange(40)}).merge(
        pd.DataFrame({"k": right, "j": np.arange(30)}), on="k")
    expected = merged.sort_values(["i", "j"], kind="mergesort")
    assert i.tolist() == expected["i"].tolist()
    assert j.tolist() == expected["j"].tolist()


def test_repeated_ids_are_one_code():
    system = netkit.load_system(netkit.sample_path("tiny"))
    orgs = pd.concat([system.organisations, system.organisations.iloc[:1]], ignore_index=True)
    built = type(system)({**system.tables(), "organisations": orgs}, system.meta,
                         system.opportunities.values())
    codes = system_codes(built)
    assert codes["org"][0] == codes["org"][-1]
