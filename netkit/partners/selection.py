"""Greedy forward selection of partners: add the candidate with the largest benefit minus
coordination cost while that is positive.

Benefit of a set S (in [0, 1]) is the weighted mean, over criteria, of the coverage of each:

* activity, brokerage, commissioning and incentives: the sum of the members' shares;
* handoffs: the share of cross-organisation transitions with *both* ends in S (integration
  happens at boundaries, and a boundary is only managed when both sides are at the table).

Criteria with nothing to cover (no shift, so no incentives; no brokers) drop out of the mean.
Cost is ``partner`` per member plus ``new_tie`` per pair of members with no existing
relationship, in the same units as benefit (the curve's ``cost``, and ``net`` = benefit − cost).
A candidate earns a seat when its marginal benefit exceeds ``partner``, the cost of a seat;
``new_tie`` only ranks the candidates that earn one (between near-equals, one that already works
with more of the table joins first). So how complete ``relationships.csv`` is never decides a
seat on its own: adding benefits only grow as members join, so the set reached does not depend
on the order in which they join. Must-include members enter first; must-exclude candidates
never enter. After the stop, selection carries on to the last candidate so that the whole
benefit/cost curve can be drawn; only the members before the stop are core. Ties are broken by
id, so the result is deterministic.

The curve also says what the rule weighs: ``seat_cost`` (``partner`` per member) and
``net_of_seats`` (benefit − seat_cost), which rises with every member that earns its seat and so
is highest at the stop (unless the opportunity's must-include list or ``hysteresis`` seats a
member that does not earn one); and ``new_relationships``, the *new working relationships* the
set needs as `netkit.partners.burden` counts and prices them: pairs of members that hand patients
to each other and have no existing relationship. That count is not the pairs ``new_tie`` is
charged for (every pair of members with no relationship, whether or not patients pass between
them): ``new_tie`` says how far the table already works together, for ranking only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import sparse

from netkit.model.opportunity import CRITERIA

__all__ = ["Selection", "select_partners", "benefit_weights", "CURVE_COLUMNS"]

#: The curve's columns: the first eight as they always were, then what the stop rule weighs.
CURVE_COLUMNS = ["size", "added", "benefit", "cost", "net", "marginal_benefit", "marginal_cost",
                 "core", "seat_cost", "net_of_seats", "new_relationships"]


@dataclass(frozen=True, repr=False)
class Selection:
    """The outcome of greedy selection.

    Attributes
    ----------
    core : list of str
        Selected candidates, in the order they were added.
    curve : DataFrame
        ``size, added, benefit, cost, net, marginal_benefit, marginal_cost, core, seat_cost,
        net_of_seats, new_relationships``: one row per set size from 0 to the number of
        candidates that may be chosen (see the module's description).
    marginal : DataFrame
        For every candidate not in the core: ``marginal_benefit`` and ``marginal_cost`` of
        adding it to the core set.
    stop : str
        Why selection stopped, in plain words.
    weights : dict
        The weights used, after dropping criteria with nothing to cover.
    """

    core: list
    curve: pd.DataFrame
    marginal: pd.DataFrame
    stop: str
    weights: dict

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        more = ", ..." if len(self.core) > 5 else ""
        return (f"<Selection: core of {len(self.core)} "
                f"({', '.join(map(str, self.core[:5]))}{more}); {self.stop}>")


def benefit_weights(shares: pd.DataFrame, weights: Mapping[str, float]) -> dict:
    """Weights normalised to sum to 1 over criteria that have something to cover."""
    used = {c: float(weights.get(c, 0.0)) for c in CRITERIA
            if float(weights.get(c, 0.0)) > 0 and shares[c].sum() > 0}
    total = sum(used.values())
    return {c: (used.get(c, 0.0) / total if total else 0.0) for c in CRITERIA}


def select_partners(shares: pd.DataFrame, pairs: pd.DataFrame, related: Iterable[tuple],
                    weights: Mapping[str, float], cost: Mapping[str, float],
                    include: Iterable[str] = (), exclude: Iterable[str] = (),
                    curve_limit: int = 200, incumbents: Iterable[str] = (),
                    hysteresis: float = 0.0) -> Selection:
    """Choose partners by greedy forward selection (see the module's description).

    Parameters
    ----------
    shares : DataFrame
        Indexed by candidate id; a column per criterion, each a share in [0, 1].
    pairs : DataFrame
        ``source, target, patients``: handoffs between candidates.
    related : iterable of (str, str)
        Pairs of candidates with an existing relationship (either direction).
    weights : mapping
        Criterion → weight.
    cost : mapping
        ``partner`` and ``new_tie`` coordination costs.
    include, exclude : iterable of str
    curve_limit : int
        After the stop, carry the curve on for at most this many set sizes in all.
    incumbents : iterable of str
        The core before a change (used with ``hysteresis``).
    hysteresis : float
        An incumbent stays core unless its net contribution falls below ``-hysteresis``; a
        newcomer joins only if it adds more than ``hysteresis``. Keeps small volume noise from
        churning the set. 0 (the default), or no incumbents, treats everyone alike.

    Examples
    --------
    Two providers handing 90 patients between them, and a small third one:

    >>> shares = pd.DataFrame({"activity": [0.5, 0.45, 0.05], "handoffs": [1.0, 1.0, 0.0],
    ...                        "brokerage": 0.0, "commissioning": 0.0, "incentives": 0.0},
    ...                       index=["A", "B", "C"])
    >>> pairs = pd.DataFrame({"source": ["A"], "target": ["B"], "patients": [90.0]})
    >>> s = select_partners(shares, pairs, [], {"activity": 1, "handoffs": 1},
    ...                     {"partner": 0.05, "new_tie": 0.0})
    >>> s.core
    ['A', 'B']
    >>> s.curve["benefit"].round(3).tolist()
    [0.0, 0.25, 0.975, 1.0]

    A and B have no relationship and hand patients to each other: a new working relationship
    from size 2; C exchanges no patients, so it adds none:

    >>> s.curve["new_relationships"].tolist()
    [0, 0, 1, 1]
    >>> s.curve["net_of_seats"].round(3).tolist()
    [0.0, 0.2, 0.875, 0.85]
    """
    ids = list(shares.index)
    index = {c: i for i, c in enumerate(ids)}
    w = benefit_weights(shares, weights)
    linear, gains, ties, needs = _benefit_terms(shares, pairs, related, w, index)
    greedy = _Greedy(ids, linear, gains, ties, float(cost.get("partner", 0.0)),
                     float(cost.get("new_tie", 0.0)), needs)
    incumbents = list(incumbents)
    bias = np.where(np.isin(ids, incumbents), hysteresis, -hysteresis) \
        if hysteresis and incumbents else np.zeros(len(ids))
    allowed = ~np.isin(ids, list(exclude))
    stop = ""
    in_core = True
    for i in [index[c] for c in sorted(set(include)) if c in index]:
        greedy.add(i, True)
    marginal = None
    while True:
        open_ = allowed & ~greedy.chosen
        if not in_core and len(greedy.rows) > curve_limit:
            break
        if not open_.any():
            if in_core:
                stop = "every candidate is core: each added more benefit than coordination cost"
                marginal = greedy.marginal(open_)
            break
        mb, mc = greedy.margins()
        # earns a seat: benefit against a seat's cost (new ties never decide a seat)
        earns = np.round(np.where(open_, mb - greedy.per_partner + bias, -np.inf), 12)
        if in_core and (earns > 0).any():  # of those that earn a seat, new ties rank
            rank = np.round(np.where(open_, mb - mc + bias, -np.inf), 12)
            best = int(np.argmax(np.where(earns > 0, rank, -np.inf)))  # ties by id (sorted)
        else:  # none earns a seat: the one that comes closest, and so on down the curve
            best = int(np.argmax(earns))
        if in_core and earns[best] <= 0:
            in_core = False
            marginal = greedy.marginal(~greedy.chosen)
            stop = (f"stopped at {len(greedy.core)} partners: the next best, {ids[best]}, would "
                    f"add {mb[best]:.1%} benefit for a seat's {greedy.per_partner:.1%} "
                    "coordination cost")
        greedy.add(best, in_core)
    curve = pd.DataFrame(greedy.rows, columns=CURVE_COLUMNS)
    return Selection(greedy.core, curve, marginal, stop, w)


def _benefit_terms(shares: pd.DataFrame, pairs: pd.DataFrame, related: Iterable[tuple],
                   w: Mapping[str, float], index: dict):
    """What each candidate brings on its own (the weighted shares of every criterion but
    handoffs), the handoff benefit between each pair of candidates (both ends must be in the
    set), which pairs already have a relationship, and which pairs hand patients to each other
    with no relationship (a new working relationship, as `netkit.partners.burden` counts it):
    a vector and three sparse matrices."""
    linear = sum(w[c] * shares[c].to_numpy(dtype=float) for c in CRITERIA if c != "handoffs")
    linear = np.asarray(linear, dtype=float) * np.ones(len(index))
    total_pairs = float(pairs["patients"].sum()) if len(pairs) else 0.0
    handoff_value = w["handoffs"] / total_pairs if total_pairs > 0 else 0.0
    at = _Positions(index)
    source, target = at(pairs["source"]), at(pairs["target"])
    gains = _symmetric(source, target, (pairs["patients"] * handoff_value).to_numpy(dtype=float),
                       len(index))
    # the relationships are the whole system's: their ends looked up as codes (a frame of
    # them mapped through a dict took most of the selection's time for the generated region)
    ends = np.array(list(related), dtype=object).reshape(-1, 2)  # zip(*pairs): 10 ms
    a, b = at(ends[:, 0]), at(ends[:, 1])
    ties = _symmetric(a, b, np.ones(len(a)), len(index), binary=True)
    moving = (pairs["patients"] > 0).to_numpy()
    exchange = _symmetric(source[moving], target[moving], np.ones(int(moving.sum())),
                          len(index), binary=True)
    needs = exchange - exchange.multiply(ties)  # patients move, no relationship yet
    needs.eliminate_zeros()
    return linear, gains, ties, needs.tocsr()


class _Positions:
    """Candidates' positions in ``index`` (id → position), -1 for an unknown id."""

    def __init__(self, index: dict) -> None:
        self.keys = pd.Index(list(index), dtype=object)
        self.positions = np.append(np.fromiter(index.values(), dtype=np.int64,
                                               count=len(index)), -1)

    def __call__(self, ids) -> np.ndarray:
        return self.positions[self.keys.get_indexer(pd.Index(np.asarray(ids, dtype=object),
                                                             dtype=object))]


def _symmetric(a: np.ndarray, b: np.ndarray, value: np.ndarray, n: int,
               binary: bool = False) -> sparse.csr_matrix:
    """An n × n symmetric sparse matrix of values between candidates at positions ``a`` and
    ``b`` (-1, an unknown id, dropped)."""
    keep = (a >= 0) & (b >= 0) & (a != b)
    a, b, v = a[keep], b[keep], value[keep]
    matrix = sparse.coo_matrix((np.concatenate([v, v]), (np.concatenate([a, b]),
                                                         np.concatenate([b, a]))),
                               shape=(n, n)).tocsr()
    matrix.sum_duplicates()
    if binary:
        matrix.data = np.ones_like(matrix.data)
    return matrix


class _Greedy:
    """The set being built: who is in it, the benefit and cost so far, and what each candidate
    outside it would add (kept up to date as members join, from the sparse pair matrices)."""

    def __init__(self, ids: list, linear, gains, ties, per_partner: float, per_tie: float,
                 needs):
        self.ids, self.linear, self.gains, self.ties = ids, linear, gains, ties
        self.needs = needs
        self.per_partner, self.per_tie = per_partner, per_tie
        self.chosen = np.zeros(len(ids), dtype=bool)
        self.pair_gain = np.zeros(len(ids))
        self.related_in_set = np.zeros(len(ids))
        self.needed_in_set = np.zeros(len(ids), dtype=int)  # new relationships it would bring
        self.benefit = self.cost = 0.0
        self.new_relationships = 0
        self.rows = [(0, "", 0.0, 0.0, 0.0, 0.0, 0.0, True, 0.0, 0.0, 0)]
        self.core: list[str] = []

    def margins(self):
        """Marginal benefit and marginal cost of adding each candidate."""
        mb = self.linear + self.pair_gain
        mc = self.per_partner + self.per_tie * (self.chosen.sum() - self.related_in_set)
        return mb, mc

    def add(self, i: int, core_member: bool) -> None:
        mb = self.linear[i] + self.pair_gain[i]
        mc = self.per_partner + self.per_tie * (self.chosen.sum() - self.related_in_set[i])
        self.chosen[i] = True
        self.benefit += mb
        self.cost += mc
        lo, hi = self.gains.indptr[i], self.gains.indptr[i + 1]
        self.pair_gain[self.gains.indices[lo:hi]] += self.gains.data[lo:hi]
        lo, hi = self.ties.indptr[i], self.ties.indptr[i + 1]
        self.related_in_set[self.ties.indices[lo:hi]] += self.ties.data[lo:hi]
        self.new_relationships += int(self.needed_in_set[i])
        lo, hi = self.needs.indptr[i], self.needs.indptr[i + 1]
        self.needed_in_set[self.needs.indices[lo:hi]] += 1
        size = int(self.chosen.sum())
        seats = self.per_partner * size
        self.rows.append((size, self.ids[i], self.benefit, self.cost, self.benefit - self.cost,
                          mb, mc, core_member, seats, self.benefit - seats,
                          self.new_relationships))
        if core_member:
            self.core.append(self.ids[i])

    def marginal(self, mask) -> pd.DataFrame:
        """Marginal benefit and cost of each candidate in ``mask`` not already chosen."""
        mb, mc = self.margins()
        frame = pd.DataFrame({"marginal_benefit": mb, "marginal_cost": mc},
                             index=pd.Index(self.ids, name="id"))
        return frame[mask & ~self.chosen]
