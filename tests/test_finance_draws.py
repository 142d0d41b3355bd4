"""The Monte Carlo worked in blocks of draws gives the figures of working all draws at once.

The oracle is written out plainly here: every cost factor drawn at once from the same seeded
stream, each organisation's costs summed service by service, numpy's own percentiles.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netkit.finance import draws as draws_module
from netkit.finance import positions
from netkit.finance.positions import ServiceMoney, _base_cost, draw_blocks


def _money(seed: int, services: int = 60, organisations: int = 9) -> ServiceMoney:
    rng = np.random.default_rng(seed)
    delta = rng.normal(0, 50, services)
    headroom = np.where(rng.random(services) < 0.3, np.nan, rng.uniform(0, 40, services))
    return ServiceMoney(np.array([f"S{i}" for i in range(services)], dtype=object), delta,
                        rng.uniform(50, 400, services), rng.uniform(10, 200, services), headroom,
                        rng.integers(0, organisations, services),
                        np.array([f"O{i}" for i in range(organisations)], dtype=object),
                        rng.normal(0, 1e4, organisations), rng.normal(0, 1e4, organisations))


def _oracle(money: ServiceMoney, shift, count: int, seed: int, spread: float):
    rng = np.random.default_rng(seed)
    fractions = (rng.triangular(shift.range[0], shift.fraction, shift.range[1], count)
                 if shift.range else np.full(count, shift.fraction))
    factor = (rng.triangular(1 - spread, 1.0, 1 + spread, (count, len(money.ids))) if spread
              else np.ones((count, len(money.ids))))
    cost = _base_cost(money, fractions) * factor
    org_cost = np.zeros((count, len(money.organisations)))
    for s, org in enumerate(money.provider_of):
        org_cost[:, org] += cost[:, s]
    flows = np.outer(fractions, money.income_unit - money.spend_unit)
    released = (factor * np.where(money.delta < 0, -money.delta * money.marginal, 0.0)
                ).sum(axis=1) * fractions
    return {"org_net": flows - org_cost, "system_net": -cost.sum(axis=1), "released": released}


@pytest.mark.parametrize("ranged", [False, True], ids=["one fraction", "fraction drawn"])
@pytest.mark.parametrize("block_bytes", [8 * 60 * 8, 10**9], ids=["8-draw blocks", "one block"])
def test_blocks_of_draws_give_the_figures_of_all_at_once(monkeypatch, ranged, block_bytes):
    monkeypatch.setattr(positions, "_BLOCK_BYTES", block_bytes)
    money = _money(3)
    shift = SimpleNamespace(fraction=0.4, range=(0.2, 0.7) if ranged else None)
    assert len(draw_blocks(203, len(money.ids))) == (26 if block_bytes < 10**6 else 1)
    got = draws_module.draws(money, shift, 203, seed=11, spread=0.2, cap=False)
    want = _oracle(money, shift, 203, 11, 0.2)
    for key in ("org_net", "system_net", "released"):
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("services, count", [(3001, 1001), (10_000, 333), (200, 1000)])
@pytest.mark.parametrize("ranged", [False, True], ids=["one fraction", "fraction drawn"])
def test_blocks_do_not_change_a_single_bit(monkeypatch, services, count, ranged):
    """Each draw's sums are numpy's along its own row: the same bits whatever the blocks
    (a BLAS product's threads split the draws at sizes like these, and changed the last bit)."""
    money = _money(5, services=services, organisations=40)
    shift = SimpleNamespace(fraction=0.3, range=(0.1, 0.5) if ranged else None)
    whole = draws_module.draws(money, shift, count, seed=0, spread=0.2, cap=True)
    monkeypatch.setattr(positions, "_BLOCK_BYTES", 24 * services * 8)
    blocked = draws_module.draws(money, shift, count, seed=0, spread=0.2, cap=True)
    assert len(draw_blocks(count, services)) == -(-count // 24)
    for key in ("org_net", "system_net", "released", "fractions"):
        np.testing.assert_array_equal(blocked[key], whole[key], err_msg=key)


@pytest.mark.parametrize("ranged", [False, True], ids=["one fraction", "fraction drawn"])
def test_no_cost_spread_keeps_the_stated_costs(monkeypatch, ranged):
    monkeypatch.setattr(positions, "_BLOCK_BYTES", 8 * 60 * 8)
    money = _money(8)
    shift = SimpleNamespace(fraction=0.5, range=(0.2, 0.9) if ranged else None)
    out = draws_module.draws(money, shift, 37, seed=0, spread=0.0, cap=False)
    want = _oracle(money, shift, 37, 0, 0.0)
    for key in ("org_net", "system_net", "released"):
        np.testing.assert_allclose(out[key], want[key], rtol=1e-12, atol=1e-6, err_msg=key)
    if not ranged:
        assert np.ptp(out["system_net"]) == 0


def test_a_capped_fraction_is_used_in_every_block(monkeypatch):
    """With ``cap``, a fraction past a receiving service's capacity is held at it in every
    block of draws, as `fraction_cap` gives it."""
    from netkit.finance.positions import fraction_cap

    monkeypatch.setattr(positions, "_BLOCK_BYTES", 8 * 60 * 8)
    money = _money(9)
    shift = SimpleNamespace(fraction=0.8, range=(0.5, 1.0))
    out = draws_module.draws(money, shift, 50, seed=4, spread=0.2, cap=True)
    assert out["fractions"].max() == fraction_cap(money, np.array([1.0]))[0] < 0.5
    rng = np.random.default_rng(4)
    drawn = rng.triangular(0.5, 0.8, 1.0, 50)
    np.testing.assert_array_equal(out["fractions"], fraction_cap(money, drawn))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(1, 120), st.integers(0, 2**32 - 1))
def test_percentiles_in_blocks_of_organisations_are_numpys(rows, count, seed):
    values = np.random.default_rng(seed).normal(size=(count, rows * 5))
    saved = draws_module._ROWS
    try:
        draws_module._ROWS = rows
        low, high = draws_module.percentiles(values, None)
    finally:
        draws_module._ROWS = saved
    np.testing.assert_allclose(low, np.percentile(values, 5, axis=0), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(high, np.percentile(values, 95, axis=0), rtol=1e-13, atol=1e-13)


def test_percentiles_of_one_series_are_two_numbers():
    low, high = draws_module.percentiles(np.arange(21.0), 0.0)
    assert (low, high) == (1.0, 19.0)
    assert isinstance(low, float)


@pytest.mark.parametrize("ranged", [False, True], ids=["one fraction", "fraction drawn"])
def test_blocks_costed_in_threads_give_the_same_bits(monkeypatch, ranged):
    """The draws are made in order in the calling thread and each block is costed in a thread
    of its own; the figures are the same bits as one thread working block after block, and
    the percentiles likewise."""
    import concurrent.futures

    import netkit._parallel as parallel

    started = []

    class Counted(concurrent.futures.ThreadPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args[0] if args else kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    money = _money(6, services=500, organisations=30)
    shift = SimpleNamespace(fraction=0.3, range=(0.1, 0.5) if ranged else None)
    monkeypatch.setattr(positions, "_BLOCK_BYTES", 16 * 500 * 8)  # 16 draws a block
    monkeypatch.setattr(draws_module, "_ROWS", 4)
    monkeypatch.setattr(concurrent.futures, "ThreadPoolExecutor", Counted)
    runs = {}
    for threads in (1, 3):
        monkeypatch.setattr(parallel, "available_jobs", lambda threads=threads: threads)
        out = draws_module.draws(money, shift, 400, seed=2, spread=0.2, cap=False)
        runs[threads] = (out, draws_module.percentiles(out["org_net"], None))
    assert started == [3, 3]  # the blocks of draws, then of organisations, in threads
    for key in ("org_net", "system_net", "released", "fractions"):
        np.testing.assert_array_equal(runs[3][0][key], runs[1][0][key], err_msg=key)
    for one, three in zip(runs[1][1], runs[3][1]):
        np.testing.assert_array_equal(three, one)
