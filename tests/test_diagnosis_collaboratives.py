"""Natural collaboratives (netkit/diagnosis/collaboratives.py): Leiden communities on the
patient-flow network between organisations, with the share of transfers staying inside.

Two clusters worked by hand: A, B, C exchange 100 patients on each of their three ties; D and E
exchange 80; one tie of 10 joins C to D. Community {A, B, C}: inside 300, touching 310, share
300 / 310. Community {D, E}: inside 80, touching 90, share 80 / 90.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netkit.diagnosis.collaboratives import natural_collaboratives

FLOWS = pd.DataFrame({"source": ["A", "B", "C", "D", "C", "A"],
                      "target": ["B", "C", "A", "E", "D", "A"],
                      "patients": [100.0, 100, 100, 80, 10, 999]})  # A -> A: inside one org


def test_two_clusters_and_their_internal_shares():
    found = natural_collaboratives(FLOWS)
    assert [list(m) for m in found["members"]] == [["A", "B", "C"], ["D", "E"]]
    assert found["internal"].tolist() == [300.0, 80.0]
    assert found["touching"].tolist() == [310.0, 90.0]
    assert found["internal_share"].tolist() == pytest.approx([300 / 310, 80 / 90])


def test_no_transfers_no_collaboratives():
    assert natural_collaboratives(FLOWS.iloc[[5]]).empty


@given(seed=st.integers(0, 10_000))
def test_the_same_seed_gives_the_same_communities(seed):
    first = natural_collaboratives(FLOWS, seed=seed)
    again = natural_collaboratives(FLOWS, seed=seed)
    assert first.equals(again)
    assert (first["internal_share"].between(0, 1)).all()
