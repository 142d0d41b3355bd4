"""The transfer layer does each piece of work once (`netkit.transfer.sets`): a comparison
finds each partner set once (the same opportunity on the same system is never computed twice),
profiles the target in the scope its partner set already found, reads each organisation's
payment basis from one pass over the relationships, and says which stage it has reached."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netkit
from netkit import _progress
from netkit.partners import find as partners_find
from netkit.transfer.mapping import transferred_opportunity
from netkit.transfer.mechanism import payment_basis, payment_bases
from netkit.transfer.profiles import _distinct_pairs, profile, profile_in_scope

TINY = netkit.load_system(netkit.sample_path("tiny"))
RIVERSIDE = netkit.load_system(netkit.sample_path("riverside"))
METRO = netkit.load_system(netkit.sample_path("metro"))


@pytest.fixture
def calls(monkeypatch):
    """Every find_partners call made: (system name, opportunity)."""
    made = []
    real = partners_find.find_partners

    def counted(system, opportunity, **options):
        made.append((system.name, opportunity))
        return real(system, opportunity, **options)

    monkeypatch.setattr(partners_find, "find_partners", counted)
    return made


def test_compare_finds_each_partner_set_once(calls):
    opp = RIVERSIDE.opportunity("frailty-admissions")
    assert opp.shift is not None  # so the mechanism's opportunity differs from the carried one
    comparison = netkit.compare(RIVERSIDE, METRO, "frailty-admissions")
    carried = transferred_opportunity(RIVERSIDE, METRO, opp)
    # the target's set for the carried pathways (its profile and the counterparts), the
    # source's (the counterparts and the money: found once, used twice) and the target's with
    # the mechanism carried over (the money there)
    assert [(name, o.id) for name, o in calls] == [(METRO.name, opp.id), (RIVERSIDE.name, opp.id),
                                                  (METRO.name, opp.id)]
    assert calls[0][1] == carried and calls[1][1] == opp
    assert calls[2][1] != carried and calls[2][1].shift is not None
    assert comparison.target_opportunity.shift is not None


def test_a_target_with_nothing_to_carry_reuses_the_carried_set(calls):
    # an opportunity with no shift, include, exclude or reach: the mechanism's opportunity is
    # the carried one, so the target's partner set is found once
    tables = TINY.tables()
    bare = [o.with_options(shift=None, include=(), exclude=(), decommission=(), reach=None)
            for o in TINY.opportunities.values()]
    plain = netkit.System(tables, {**TINY.meta, "name": "tiny plain"}, bare)
    netkit.compare(plain, TINY, "frailty")
    assert [name for name, _ in calls] == [TINY.name, "tiny plain"]


def test_the_profile_in_a_found_scope_is_the_profile():
    opp = transferred_opportunity(RIVERSIDE, METRO, "frailty-admissions")
    scope = netkit.find_partners(METRO, opp).scope
    pd.testing.assert_series_equal(profile_in_scope(METRO, scope).features,
                                   profile(METRO, opp).features)
    assert profile_in_scope(METRO, scope).scope == profile(METRO, opp).scope


def test_payment_bases_by_hand():
    tables = TINY.tables()
    extra = pd.DataFrame({"source": ["COUNCIL", "COUNCIL"], "target": ["ACUTE", "AMB"],
                          "type": ["commissions", "commissions"], "value": [1000.0, 500.0],
                          "payment": ["block", None], "strength": [0.5, 0.5]})
    tables["relationships"] = pd.concat([tables["relationships"], extra], ignore_index=True)
    system = netkit.System(tables, TINY.meta, list(TINY.opportunities.values()))
    bases = payment_bases(system)
    # ACUTE: activity from the ICB and block from the council; AMB: block twice (a missing
    # payment is block); COUNCIL commissions but is not commissioned
    assert bases["ACUTE"] == "mixed" and bases["AMB"] == "block"
    assert bases["COMM"] == "block" and "COUNCIL" not in bases
    assert payment_basis(system, "COUNCIL") == "none"
    assert payment_basis(system, "ACUTE") == "mixed"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef"))
                .filter(lambda p: p[0] != p[1]), max_size=30))
def test_distinct_pairs_counts_unordered_pairs(pairs):
    source = pd.Series([a for a, _ in pairs], dtype="str")
    target = pd.Series([b for _, b in pairs], dtype="str")
    assert _distinct_pairs(source, target) == len({tuple(sorted(p)) for p in pairs})


def test_compare_and_roles_say_each_stage():
    seen = []
    with _progress.reporting(lambda what, done, total: seen.append((what, done, total))):
        netkit.compare(RIVERSIDE, METRO, "frailty-admissions")
        netkit.fit_roles([RIVERSIDE, METRO])
    stages = [what for what, done, _ in seen if done is None]
    assert stages[:2] == [f"profiling {RIVERSIDE.name}",
                          f"partners in {METRO.name} (the opportunity carried over)"]
    assert "counterparts by role" in stages and "comparing the money" in stages
    assert ("partner sets", 2, 2) in seen and stages[-1] == "fitting roles"
