"""find_partners(explain=False): the same partner set, without the reasons in words."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import sample_system

import netkit
from netkit.partners.find import NOT_EXPLAINED

WORDS = ["reasons", "reason_sources", "sources"]


def test_the_same_partner_set_without_the_words():
    riverside = sample_system("riverside")
    full = netkit.find_partners(riverside, "frailty-admissions")
    lean = netkit.find_partners(riverside, "frailty-admissions", explain=False)
    assert lean.core == full.core
    pd.testing.assert_frame_equal(lean.partners.drop(columns=WORDS),
                                  full.partners.drop(columns=WORDS))
    pd.testing.assert_frame_equal(lean.incentives.organisations, full.incentives.organisations)
    assert lean.risk_share.to_dict() == full.risk_share.to_dict()
    assert all(lean.partners[c].map(len).eq(0).all() for c in WORDS)
    assert full.partners["reasons"].map(len).gt(0).all()  # the full set has its words
    assert NOT_EXPLAINED in lean.notes and NOT_EXPLAINED not in full.notes
    assert lean.options["explain"] is False and "explain" not in full.options


def test_a_comparison_reads_its_partner_sets_without_words():
    from netkit.transfer.sets import PartnerSets

    tiny = sample_system("tiny")
    found = PartnerSets().get(tiny, tiny.opportunity("frailty"))
    assert NOT_EXPLAINED in found.notes
    assert found.core == netkit.find_partners(tiny, "frailty").core


def test_draws_change_the_ranges_not_the_partners():
    riverside = sample_system("riverside")
    full = netkit.find_partners(riverside, "stroke-early-discharge")
    central = netkit.find_partners(riverside, "stroke-early-discharge", draws=0)
    pd.testing.assert_frame_equal(central.partners, full.partners)
    money = central.incentives.organisations
    assert (money["net_low"] == money["net"]).all() and (money["net_high"] == money["net"]).all()
    spread = full.incentives.organisations
    assert (spread["net_low"] < spread["net"]).any()  # the full query's ranges are drawn
    assert central.options["draws"] == 0 and "draws" not in full.options
    assert central.risk_share.to_dict() == full.risk_share.to_dict()


@pytest.mark.parametrize("draws", [-1, 2.5, True, "100"])
def test_draws_must_be_a_whole_number(draws):
    with pytest.raises(netkit.OptionError, match=r"draws=.*: give a whole number of Monte Carlo"):
        netkit.find_partners(sample_system("tiny"), "frailty", draws=draws)


@pytest.mark.parametrize("draws", [1, 99])
def test_too_few_draws_for_a_range_are_refused(draws):
    with pytest.raises(netkit.OptionError, match=rf"draws={draws}: give 0 \(the central figures "
                       r"alone, no ranges\) or at least 100 Monte Carlo draws; the 5th and 95th "
                       r"percentiles of fewer rest on a handful of draws"):
        netkit.find_partners(sample_system("tiny"), "frailty", draws=draws)


def test_a_hundred_draws_give_a_range():
    found = netkit.find_partners(sample_system("riverside"), "stroke-early-discharge", draws=100)
    assert found.options["draws"] == 100
    money = found.incentives.organisations
    assert (money["net_low"] < money["net"]).any()
