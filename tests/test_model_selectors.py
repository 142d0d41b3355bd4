"""One selector parser (`netkit.model.selectors`): ids, ``tag:NAME`` and ``category:NAME``."""

from __future__ import annotations

import pandas as pd
import pytest

import netkit
from netkit.model.selectors import (
    PATHWAY_KINDS,
    SERVICE_KINDS,
    Selector,
    parse_selector,
    pathway_tags,
    select_pathways,
    select_services,
)
from tests.conftest import SAMPLES


@pytest.mark.parametrize("text, kinds, expected", [
    ("tag:frailty", PATHWAY_KINDS, Selector("tag", "frailty")),
    ("category:community", SERVICE_KINDS, Selector("category", "community")),
    ("ED-RIV", SERVICE_KINDS, Selector("id", "ED-RIV")),
    ("tag:frailty", SERVICE_KINDS, Selector("id", "tag:frailty")),  # an id among services
    ("category:x", PATHWAY_KINDS, Selector("id", "category:x")),    # an id among pathways
    ("tag: spaced", PATHWAY_KINDS, Selector("tag", " spaced")),     # taken as written
    ("tags:x", PATHWAY_KINDS, Selector("id", "tags:x")),
])
def test_parse_selector(text, kinds, expected):
    assert parse_selector(text, kinds) == expected
    assert str(expected) == (text if expected.kind != "id" else expected.value)


def test_pathway_tags_strips_and_drops_empty_tags():
    frame = pd.DataFrame({"id": ["a", "b", "c"], "tags": [" x ;y;", None, ";"]})
    assert pathway_tags(frame).tolist() == [["x", "y"], [], []]


def test_select_pathways_by_tag_and_id_in_table_order():
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "tags": ["x", "y;x", None, "z"]})
    assert select_pathways(frame, ["d", "tag:x"]) == ["a", "b", "d"]
    assert select_pathways(frame, ["tag:nothing", "missing"]) == []


def test_select_services_by_category_and_id():
    frame = pd.DataFrame({"id": ["ED", "UCR", "DN", "GP"],
                          "category": ["urgent", "community", "community", "primary"]})
    chosen = select_services(frame, ["ED", "category:community"])
    assert chosen.tolist() == [True, True, True, False]


def test_riverside_selectors_resolve_as_the_partner_query_uses_them():
    system = netkit.load_system(SAMPLES / "riverside")
    opp = system.opportunity("frailty-admissions")
    chosen = select_pathways(system.pathways, opp.pathways)
    assert chosen and all("frailty" in tags for tags in
                          pathway_tags(system.pathways.set_index("id").loc[chosen].reset_index()))
    scope = netkit.find_partners(system, "frailty-admissions").scope
    assert set(scope.flows["pathway"]) <= set(chosen)
