"""`netkit.finance.positions.paid_by` finds payers and shares by integer codes where the
contracts allow (`ContractLines.coded`): the same payments, to the last digit, and the same
column types as the text path, including with no contracts at all and with rows whose
provider or line no contract holds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.finance import positions

_COMMISSIONERS = ["C0", "C1", "LA"]
_PROVIDERS = ["P0", "P1", "P2"]
_SERVICES = ["S0", "S1", "S2"]


@st.composite
def _contracts(draw):
    rows = draw(st.lists(st.tuples(
        st.sampled_from(_COMMISSIONERS), st.sampled_from(_PROVIDERS),
        st.sampled_from(["", "S0", "S1", "S0;S2"]),
        st.sampled_from([0.25, 0.5, 1.0, 0.3]), st.sampled_from([0.0, 0.5, 1.0, 0.3])),
        max_size=8, unique_by=lambda r: r[:3]))
    return pd.DataFrame(rows, columns=["commissioner", "provider", "service", "share",
                                       "variable"])


@st.composite
def _rows(draw):
    n = draw(st.integers(1, 12))
    pick = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    return pd.DataFrame({
        "service": pick(_SERVICES), "provider": pick(_PROVIDERS + ["PX", "O0"]),
        "commissioner": pick(["", "C0", "C1;LA", "LA", "X;LA", "C0;C1"]),
        "priced": draw(st.lists(st.sampled_from([-0.0, 1.5, 100.1, 0.3, 7.0]), min_size=n,
                                max_size=n))})


@settings(max_examples=300, deadline=None)
@given(contracts=_contracts(), rows=_rows())
def test_paid_by_codes_give_what_the_text_gives(contracts, rows):
    lines = positions.contract_lines(contracts)
    coded = positions.paid_by(rows, lines)
    text = positions.paid_by(rows, replace(lines, coded=None))
    pd.testing.assert_frame_equal(coded[0], text[0], check_exact=True)
    assert coded[1] == text[1]


def test_no_contracts_and_a_provider_of_none():
    # found by hypothesis in the query's property test: no contract lines at all, and a
    # row whose payer is unknown, once failed with an IndexError on the coded path
    lines = positions.contract_lines(pd.DataFrame(
        columns=["commissioner", "provider", "service", "share", "variable"]))
    rows = pd.DataFrame({"service": ["S0"], "provider": ["O0"], "commissioner": [""],
                         "priced": [-0.0]})
    paid, _ = positions.paid_by(rows, lines)
    assert paid.empty
    assert np.isfinite(paid["amount"].to_numpy(dtype=float)).all()
