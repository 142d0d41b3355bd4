"""find_partners(explain=False): the same partner set, without the reasons in words."""

from __future__ import annotations

import pandas as pd
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
