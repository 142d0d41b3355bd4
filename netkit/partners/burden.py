"""The coordination burden of a partner set in real units: staff days a year, priced.

The selection curve weighs "one more partner" in units of benefit, which ranks candidates but
says nothing a board can set against money. This module prices the same thing:

* every **seat** at the table takes ``seat_days`` days a year of someone's time (default
  `DEFAULT_SEAT_DAYS` = 12: a monthly meeting of half a day, with its preparation, papers and
  follow-up taking the other half);
* every **new working relationship** takes ``tie_days`` days a year (default
  `DEFAULT_TIE_DAYS` = 3: agreeing a data-sharing agreement, a referral route or a contract
  variation, and the meetings that keep it going). A new relationship is a pair of seats that
  hand patients to each other in scope and have no relationship in ``relationships.csv``:
  a boundary that has to be managed and has nothing to build on. Seats that exchange no
  patients meet at the table, which their seat days already pay for. This is the one count of
  "new working relationships" the report gives: the selection curve's ``new_relationships``
  counts the same pairs at each set size (`netkit.partners.selection`), and is this count at
  the stop. (The curve's ``new_tie`` cost, which orders candidates, is charged for every pair
  of members with no relationship, patients or not, and is not called that);
* a day costs ``day_cost`` pounds (default `DEFAULT_DAY_COST` = £750: a senior manager or
  clinician, Agenda for Change band 8c to 9 or a consultant, about £75,000 to £120,000 a year
  with employer's on-costs of about 30%, over about 210 working days, is £460 to £740 a day;
  £750 rounds up to include the programme support a seat draws on).

Each can be set in ``system.yaml`` (``finance: {seat_days, tie_days, day_cost}``) or as an
option (``--coordination-cost seat_days=6``), the option winning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

from netkit.errors import OptionError, check_number
from netkit.render.formats import fmt_money_rounded

__all__ = ["Burden", "BURDEN_KEYS", "DEFAULT_SEAT_DAYS", "DEFAULT_TIE_DAYS", "DEFAULT_DAY_COST",
           "burden_settings", "coordination_burden"]

DEFAULT_SEAT_DAYS = 12.0
DEFAULT_TIE_DAYS = 3.0
DEFAULT_DAY_COST = 750.0
#: The settings, in the order reports give them.
BURDEN_KEYS = ("seat_days", "tie_days", "day_cost")
DEFAULTS = {"seat_days": DEFAULT_SEAT_DAYS, "tie_days": DEFAULT_TIE_DAYS,
            "day_cost": DEFAULT_DAY_COST}


def burden_settings(finance: Mapping | None = None,
                    given: Mapping | None = None) -> tuple[dict, dict]:
    """The burden settings and where each came from (``default``, ``system.yaml`` or
    ``option``): the defaults, then ``system.yaml``'s ``finance``, then the options.

    Examples
    --------
    >>> burden_settings({"day_cost": 600}, {"seat_days": 6})
    ({'seat_days': 6.0, 'tie_days': 3.0, 'day_cost': 600.0}, {'seat_days': 'option', \
'tie_days': 'default', 'day_cost': 'system.yaml'})
    """
    settings, sources = dict(DEFAULTS), {k: "default" for k in BURDEN_KEYS}
    for layer, label in ((finance or {}, "system.yaml"), (given or {}, "option")):
        for key in BURDEN_KEYS:
            if layer.get(key) is None:
                continue
            number, message = check_number(layer[key])
            if number is None:
                where = "system.yaml finance" if label == "system.yaml" else "coordination_cost"
                raise OptionError(f"{where}: {key}={layer[key]!r} {message}, e.g. {key}="
                                  f"{DEFAULTS[key]:g}")
            settings[key], sources[key] = float(number), label
    return settings, sources


@dataclass(frozen=True)
class Burden:
    """The staff time a partner set takes to run, a year.

    Attributes
    ----------
    seats : int
        Seats at the table (the core).
    new_relationships : list of (str, str)
        Pairs of seats that hand patients to each other and have no existing relationship.
    seat_days, tie_days, day_cost : float
    sources : dict
        Where each setting came from.
    """

    seats: int
    new_relationships: list
    seat_days: float = DEFAULT_SEAT_DAYS
    tie_days: float = DEFAULT_TIE_DAYS
    day_cost: float = DEFAULT_DAY_COST
    sources: dict = field(default_factory=lambda: {k: "default" for k in BURDEN_KEYS})

    @property
    def days(self) -> float:
        """Staff days a year."""
        return self.seats * self.seat_days + len(self.new_relationships) * self.tie_days

    @property
    def cost(self) -> float:
        """£ a year."""
        return self.days * self.day_cost

    def to_dict(self) -> dict:
        return {"seats": self.seats, "new_relationships": [list(p) for p in
                                                           self.new_relationships],
                "days": self.days, "cost": self.cost, "seat_days": self.seat_days,
                "tie_days": self.tie_days, "day_cost": self.day_cost,
                "sources": dict(self.sources)}

    def line(self, at_stake: float | None = None) -> str:
        """The burden in one sentence, set against the money at stake where known.

        Examples
        --------
        >>> b = Burden(8, [("A", "B")])
        >>> b.line(6_612)
        '8 seats and 1 new working relationship cost about £74,000 a year of staff time to \
run (99 days at £750 a day); the opportunity is worth £6,600 a year'
        """
        n = len(self.new_relationships)
        ties = (f" and {n} new working relationship{'s' if n != 1 else ''}" if n else "")
        seats = f"{self.seats} seat{'s' if self.seats != 1 else ''}"
        verb = "costs" if self.seats == 1 and not n else "cost"
        text = (f"{seats}{ties} {verb} about {fmt_money_rounded(self.cost)} a year of staff "
                f"time to run ({self.days:,.0f} days at {fmt_money_rounded(self.day_cost)} a "
                "day)")
        if at_stake is None:
            return text + "; no shift is given, so the money at stake is not known"
        if at_stake < 0:
            return (text + "; the opportunity loses the system "
                    f"{fmt_money_rounded(-at_stake)} a year")
        return text + f"; the opportunity is worth {fmt_money_rounded(at_stake)} a year"


def new_relationships(core: Iterable[str], pairs: pd.DataFrame,
                      related: Iterable[tuple]) -> list[tuple[str, str]]:
    """Pairs of core members that hand patients to each other and have no relationship, each
    as a sorted pair, sorted.

    Examples
    --------
    >>> pairs = pd.DataFrame({"source": ["A", "B", "C"], "target": ["B", "C", "D"],
    ...                       "patients": [5.0, 7.0, 9.0]})
    >>> new_relationships(["A", "B", "C"], pairs, [("C", "B")])
    [('A', 'B')]
    """
    core = set(core)
    known = {tuple(sorted((a, b))) for a, b in related if a in core and b in core}
    inside = pairs[pairs["source"].isin(core) & pairs["target"].isin(core)
                   & (pairs["patients"] > 0)]
    ends = {tuple(sorted((a, b))) for a, b in zip(inside["source"], inside["target"]) if a != b}
    return sorted(ends - known)


def coordination_burden(core: Iterable[str], pairs: pd.DataFrame, related: Iterable[tuple],
                        settings: Mapping | None = None,
                        sources: Mapping | None = None) -> Burden:
    """The burden of running a core of seats (see the module's description).

    Examples
    --------
    >>> pairs = pd.DataFrame({"source": ["A"], "target": ["B"], "patients": [10.0]})
    >>> b = coordination_burden(["A", "B", "C"], pairs, [])
    >>> b.days, b.cost
    (39.0, 29250.0)
    """
    core = list(core)
    settings = {**DEFAULTS, **(settings or {})}
    return Burden(len(core), new_relationships(core, pairs, related),
                  float(settings["seat_days"]), float(settings["tie_days"]),
                  float(settings["day_cost"]),
                  dict(sources or {k: "default" for k in BURDEN_KEYS}))
