"""The proportionality verdict: does this opportunity need a partnership at all?

Before anyone is seated, the verdict says which of three things the opportunity is:

* ``internal``: the largest organisation delivers at least `INTERNAL_SHARE` (90%) of the
  in-scope contacts *and* at least that share of the patients' moves between services stay
  inside it. An improvement for that organisation; its commissioner takes part only if a
  contract must change (the shift moves money to or from the commissioner).
* ``bilateral``: the two largest organisations together reach `BILATERAL_SHARE` (90%) on both
  counts: two providers at one boundary (with their commissioner for the contract). Also a
  *contract variation, not a partnership*: an opportunity whose only stated benefit is technical
  efficiency (none of ``quality`` or ``outcomes``) and whose money at stake is less than
  `MONEY_RATIO` (1) times the cost of running its seats (`netkit.partners.burden`) is agreed
  between its largest provider and its commissioner.
* ``partnership``: anything else: N seats, with the money set against their burden. Where the
  money does not cover the burden and the opportunity is for quality or outcomes, the reason
  says the case rests on those.

Shares are compared after rounding to 9 decimals, so a share exactly at a threshold meets it.
The thresholds are options (``find_partners(..., verdict="internal=0.95")``,
``--verdict internal=0.95,bilateral=0.85,money=2``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.errors import OptionError, check_number, unknown_name
from netkit.model.schema import HOME
from netkit.partners.burden import Burden
from netkit.partners.seats import scope_seats
from netkit.partners.service_ends import service_ends
from netkit.render.document import PAGES, TEXT, Heading, Lines, Paragraph
from netkit.render.formats import fmt_money_rounded
from netkit.render.text import wrap

__all__ = ["Verdict", "INTERNAL_SHARE", "BILATERAL_SHARE", "MONEY_RATIO", "THRESHOLDS",
           "parse_thresholds", "proportionality", "contained_shares", "verdict_blocks",
           "burden_blocks"]

INTERNAL_SHARE = 0.9
BILATERAL_SHARE = 0.9
MONEY_RATIO = 1.0
THRESHOLDS = {"internal": INTERNAL_SHARE, "bilateral": BILATERAL_SHARE, "money": MONEY_RATIO}
#: Benefits that justify a partnership whose money does not cover its coordination.
NON_FINANCIAL = ("quality", "outcomes")
BENEFIT_WORDS = {"quality": "quality", "outcomes": "outcomes",
                 "allocative_efficiency": "allocative efficiency",
                 "technical_efficiency": "technical efficiency"}


def parse_thresholds(text: str | Mapping | None) -> dict:
    """The verdict's thresholds: the defaults with any given ones over them.

    Examples
    --------
    >>> parse_thresholds("internal=0.95")
    {'internal': 0.95, 'bilateral': 0.9, 'money': 1.0}
    >>> parse_thresholds("internal=2")
    Traceback (most recent call last):
    ...
    netkit.errors.OptionError: verdict: internal=2 is out of range (expected a share from 0 to 1)
    """
    out = dict(THRESHOLDS)
    if text is None:
        return out
    items = text.items() if isinstance(text, Mapping) else (
        part.partition("=")[::2] for part in filter(None, (p.strip() for p in text.split(","))))
    for name, value in items:
        name = str(name).strip()
        if name not in THRESHOLDS:
            raise unknown_name("verdict", name, tuple(THRESHOLDS), "internal=0.9")
        maximum, what = (None, "a ratio") if name == "money" else (1, "a share")
        number, message = check_number(value, what, maximum=maximum)
        if number is None:
            raise OptionError(f"verdict: {name}={value} {message}")
        out[name] = number
    return out


@dataclass(frozen=True)
class Verdict:
    """Whether the opportunity is internal, bilateral or a partnership, and why.

    Attributes
    ----------
    kind : {"internal", "bilateral", "partnership"}
    lead : str
        The organisation (candidate) that leads: the largest by contacts in scope.
    parties : list of str
        Who the verdict needs: the lead, the second organisation for a bilateral, the
        commissioner where a contract must change; for a partnership, the core.
    reason : str
        One sentence.
    at_stake : dict or None
        ``low, central, high``: the system's net £ a year under the shift (None without one).
    burden : Burden
    contained : dict
        ``activity`` and ``transfers``: the shares inside the lead (``internal``) and inside
        the two largest (``bilateral``).
    thresholds : dict
    contract_variation : bool
        A technical-efficiency opportunity too small for its seats.
    """

    kind: str
    lead: str
    parties: list
    reason: str
    at_stake: dict | None
    burden: Burden
    contained: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=lambda: dict(THRESHOLDS))
    contract_variation: bool = False

    def to_dict(self) -> dict:
        return {"kind": self.kind, "lead": self.lead, "parties": list(self.parties),
                "reason": self.reason, "at_stake": self.at_stake,
                "burden": self.burden.to_dict(), "contained": self.contained,
                "thresholds": dict(self.thresholds),
                "contract_variation": self.contract_variation}

    def headline(self) -> str:
        """``Verdict: internal. An internal improvement for ...``"""
        reason = self.reason[:1].upper() + self.reason[1:]
        return f"Verdict: {self.kind}. {reason}."


def contained_shares(scope, activity: pd.Series) -> tuple[list, dict]:
    """The candidates by contacts (largest first, ties by id), and the shares of contacts and
    of patients' moves between services inside the largest one (``internal``) and inside
    the largest two (``bilateral``). With no transfers between services, every transfer share
    is 1 (there is no boundary to manage)."""
    activity = activity[activity > 0]
    order = _by_size(activity)
    total = float(activity.sum())
    flows = scope.flows
    ends = _candidate_ends(scope)
    if ends is None:  # service ids repeated (or one is @home): by the ids' candidates, as given
        service_candidate = dict(zip(scope.services["id"], scope.services["candidate"]))
        between = flows[(flows["source"] != HOME) & (flows["target"] != HOME)]
        source = between["source"].map(service_candidate).to_numpy(dtype=object)
        target = between["target"].map(service_candidate).to_numpy(dtype=object)
        patients = between["patients"].to_numpy(dtype=float)
    else:
        between, source, target = ends
        patients = flows["patients"].to_numpy(dtype=float)[between]
    moved = patients.sum()
    out = {}
    for kind, size in (("internal", 1), ("bilateral", 2)):
        top = order[:size]
        if ends is None:
            inside = float(patients[np.isin(source, top) & np.isin(target, top)].sum())
        else:  # the flows' ends as positions among the services: "is in top" per service once
            chosen = np.append(isin(scope.services["candidate"], top), [False, False])
            inside = float(patients[chosen[source] & chosen[target]].sum())
        out[kind] = {"activity": float(activity[top].sum()) / total if total else 0.0,
                     "transfers": inside / moved if moved else 1.0, "organisations": top,
                     "counts": {"activity": (float(activity[top].sum()), total),
                                "transfers": (inside, float(moved))}}
    return order, out


def _by_size(activity: pd.Series) -> list:
    """The ids of ``activity`` (unique, its values positive) by value, largest first, ties by
    id: ``sorted(ids, key=lambda c: (-activity[c], c))``, without a lookup per id (0.01 s
    for a national query's 1,200 candidates).

    Examples
    --------
    >>> _by_size(pd.Series([1.0, 3.0, 1.0], index=["b", "c", "a"]))
    ['c', 'a', 'b']
    """
    ids = activity.index.to_numpy(dtype=object)
    if not activity.index.is_unique:
        return sorted(activity.index, key=lambda c: (-activity[c], c))
    by_id = np.empty(len(ids), dtype=np.int64)
    by_id[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return ids[np.lexsort((by_id, -activity.to_numpy(dtype=float)))].tolist()


def _candidate_ends(scope) -> tuple | None:
    """For the scope's flows between services (neither end ``@home``): which they are (a mask
    of the flows) and their sources' and targets' positions among the scope's services (an
    unknown service as -1, whose slot, the last, is never a candidate's), or None where
    service ids repeat (or one is ``@home``). One lookup of each end by position: mapping the
    ends' text to candidates took 0.06 s a national query; the positions are
    `netkit.partners.service_ends.service_ends`, shared with the criteria."""
    ends = service_ends(scope)  # kept on the scope (the criteria work them out first)
    if ends is None:
        return None
    source, target = ends
    home = len(scope.services)
    between = (source != home) & (target != home)
    return between, source[between], target[between]


def _pct(share) -> str:
    """A share as a whole percentage, or as it is where it is already in words."""
    return share if isinstance(share, str) else f"{share:.0%}"


def _share_words(contained: dict, disclosure=None) -> dict:
    """Each contained share in words: as computed, or under active disclosure rules
    (`netkit.model.disclosure`) from the disclosed counts, as the reasons' shares are (the
    verdict itself rests on the true figures)."""
    ruled = disclosure is not None and disclosure.active
    out = {}
    for kind, c in contained.items():
        out[kind] = {}
        for measure in ("activity", "transfers"):
            part, whole = c.get("counts", {}).get(measure, (0.0, 0.0))
            out[kind][measure] = (disclosure.share(part, whole) if ruled and whole > 0
                                  else f"{c[measure]:.0%}")
    return out


def _money(inc) -> dict | None:
    if inc is None:
        return None
    central = float(inc.system_net)
    low = getattr(inc, "system_net_low", None)
    high = getattr(inc, "system_net_high", None)
    return {"low": float(central if low is None else low), "central": central,
            "high": float(central if high is None else high)}


def _seat_names(scope) -> dict:
    """Seat id → name (``primary_care:North`` → ``Primary care in Castleford``) for the seats
    of many organisations in ``scope`` (a lead provider's seat goes by its own name)."""
    seats = scope_seats(scope)
    many = seats[seats["basis"] != "subcontracts"]
    return {i: n for i, n in zip(many["id"].tolist(), many["name"].tolist())
            if isinstance(n, str) and n and n != i}


def _commissioner(lead: str, scope, crit, candidate_of: Mapping) -> str | None:
    """The commissioner with the largest in-scope spend on the lead's services, else the
    candidate with the largest commissioning share."""
    spend = crit.spend
    providers = set(scope.services.loc[scope.services["candidate"] == lead, "provider"])
    mine = spend[spend["provider"].isin(providers) & (spend["spend"] > 0)]
    if len(mine):
        by = mine.groupby(mine["commissioner"].map(lambda c: candidate_of.get(c, c)))["spend"]
        totals = by.sum()
        return min(totals.index, key=lambda c: (-totals[c], c))
    table = crit.table
    commissioning = table.loc[table["commissioning"] > 0, "commissioning"]
    if len(commissioning):
        return min(commissioning.index, key=lambda c: (-commissioning[c], c))
    return None


def _contract_changes(inc, commissioner: str | None, candidate_of: Mapping) -> bool:
    """Whether the shift moves money to or from the commissioner (a contract must change)."""
    if inc is None or commissioner is None:
        return False
    orgs = inc.organisations
    # the organisations whose candidate (``candidate_of.get(o, o)``) is the commissioner: one
    # pass over the mapping, not a lookup per organisation (0.02 s a national query)
    standing = [o for o, c in candidate_of.items() if c == commissioner]
    if commissioner not in candidate_of:
        standing.append(commissioner)
    spend = orgs.loc[isin(orgs["id"], standing), "spend_change"]
    return bool((spend.abs() > 0.5).any())


def _commissioner_clause(commissioner, changes: bool, name) -> str:
    if commissioner is None:
        return ""
    if changes:
        return f"; {name(commissioner)} is needed only to vary the contract"
    return f"; no contract changes, so {name(commissioner)} needs only to be kept informed"


def _benefit_words(benefits) -> str:
    words = [BENEFIT_WORDS.get(b, b) for b in benefits]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 2 else words)


def proportionality(scope, crit, inc, opportunity, core: list, burden: Burden,
                    names: Mapping, thresholds: Mapping | None = None,
                    disclosure=None) -> Verdict:  # long: one verdict after another
    """The verdict for one partner set (see the module's description).

    ``scope``, ``crit`` and ``inc`` are the partner method's `Scope`, `Criteria` and
    `Incentives` (or None); ``core`` the selected seats; ``names`` id → name; under active
    ``disclosure`` rules the reason's shares are worked out from the disclosed counts.
    """
    thresholds = {**THRESHOLDS, **(thresholds or {})}
    order, contained = contained_shares(scope, crit.table["activity"])
    words = _share_words(contained, disclosure)
    lead = order[0] if order else (core[0] if core else "")
    candidate_of = scope.candidate_of

    seats = _seat_names(scope)

    def name(c):
        if c in seats:  # a seat of many: its name, as the seat's reason says it
            return seats[c][:1].lower() + seats[c][1:]
        return f"{names.get(c, c)} ({c})" if names.get(c, c) != c else c

    commissioner = _commissioner(lead, scope, crit, candidate_of) if lead else None
    changes = _contract_changes(inc, commissioner, candidate_of)
    clause = _commissioner_clause(commissioner, changes, name)
    at_stake = _money(inc)
    benefits = tuple(opportunity.benefits)
    met = {k: round(min(v["activity"], v["transfers"]), 9) >= thresholds[k]
           for k, v in contained.items()}
    shown = {k: {"activity": v["activity"], "transfers": v["transfers"]}
             for k, v in contained.items()}
    with_comm = [commissioner] if commissioner and changes and commissioner != lead else []
    if met["internal"]:
        c = words["internal"]
        reason = (f"an internal improvement for {name(lead)}: it delivers "
                  f"{c['activity']} of the contacts and {c['transfers']} of the "
                  f"patients' moves between services stay inside it{clause}")
        return Verdict("internal", lead, [lead] + with_comm, reason, at_stake, burden, shown,
                       thresholds)
    if met["bilateral"] and len(contained["bilateral"]["organisations"]) == 2:
        c = words["bilateral"]
        a, b = contained["bilateral"]["organisations"]
        reason = (f"a bilateral improvement between {name(a)} and {name(b)}: together they "
                  f"deliver {c['activity']} of the contacts and {c['transfers']} of the "
                  f"patients' moves between services stay between them{clause}")
        return Verdict("bilateral", a, [a, b] + [x for x in with_comm if x not in (a, b)],
                       reason, at_stake, burden, shown, thresholds)
    small = at_stake is not None and at_stake["central"] < thresholds["money"] * burden.cost
    technical = "technical_efficiency" in benefits and not set(NON_FINANCIAL) & set(benefits)
    if small and technical:
        central = at_stake["central"]
        worth = (f"worth {fmt_money_rounded(central)} a year" if central >= 0 else
                 f"losing the system {fmt_money_rounded(-central)} a year")
        parties = [lead] + ([commissioner] if commissioner and commissioner != lead else [])
        agree = (f"{name(lead)} and {name(commissioner)} can agree it"
                 if len(parties) == 2 else f"{name(lead)} can agree it with its commissioner")
        reason = (f"a contract variation, not a partnership: a technical-efficiency "
                  f"opportunity {worth} against about {fmt_money_rounded(burden.cost)} a year "
                  f"to run {burden.seats} seats; {agree}")
        return Verdict("bilateral", lead, parties, reason, at_stake, burden, shown, thresholds,
                       contract_variation=True)
    reason = _partnership_reason(name(lead), words, burden, at_stake if small else None,
                                 benefits, thresholds)
    return Verdict("partnership", lead, list(core), reason, at_stake, burden, shown, thresholds)


def _partnership_reason(lead: str, contained: dict, burden: Burden, short: dict | None,
                        benefits: tuple, thresholds: Mapping | None = None) -> str:
    """Why a partnership: no one or two organisations hold the work, with the bar they would
    have to reach (a share of both the contacts and the patients' moves); where the money does
    not cover the coordination (``short``, the money at stake), what the case rests on.
    ``contained``'s shares are fractions, or already in words (`_share_words`).

    Examples
    --------
    >>> b = Burden(5, [])
    >>> print(_partnership_reason("MH", {"internal": {"activity": 0.7, "transfers": 0.5},
    ...     "bilateral": {"activity": 0.91, "transfers": 0.82}}, b, None, ("quality",)))
    a partnership of 5 seats: no one organisation or pair holds 90% of both the contacts and the \
patients' moves between services (the largest, MH, delivers 70% of the contacts; the largest two \
deliver 91% of the contacts, and 82% of the patients' moves between services stay within those \
two), for quality
    """
    c, two = contained["internal"], contained["bilateral"]
    bar = {**THRESHOLDS, **(thresholds or {})}
    one, pair = bar["internal"], bar["bilateral"]
    holds = (f"no one organisation or pair holds {one:.0%}" if f"{one:.0%}" == f"{pair:.0%}"
             else f"no one organisation holds {one:.0%} and no pair {pair:.0%}")
    reason = (f"a partnership of {burden.seats} seats: {holds} of both the contacts and the "
              f"patients' moves between services (the largest, {lead}, delivers "
              f"{_pct(c['activity'])} of the contacts; the largest two deliver "
              f"{_pct(two['activity'])} of the contacts, and {_pct(two['transfers'])} of the "
              "patients' moves between services stay within those two)")
    if short is not None:
        money = (f"the money ({fmt_money_rounded(short['central'])} a year) does not cover the "
                 f"coordination (about {fmt_money_rounded(burden.cost)} a year)"
                 if short["central"] >= 0 else
                 f"the system loses {fmt_money_rounded(-short['central'])} a year under the shift, "
                 f"besides the coordination (about {fmt_money_rounded(burden.cost)} a year)")
        return (reason + f"; {money}, so the case rests on "
                + (_benefit_words([b for b in benefits if b != "technical_efficiency"])
                   if benefits else "benefits the opportunity does not state"))
    return reason + (f", for {_benefit_words(benefits)}" if benefits else "")


def range_covers(inc) -> str:
    """What the money's 90% range is over, in words: the shift's stated range (``shift.range``)
    and unit costs, or unit costs alone, which say nothing of whether the shift happens."""
    return ("over the shift's stated range and unit costs" if getattr(inc, "shift_ranged", False)
            else "over unit costs only, not whether the shift happens")


def verdict_blocks(verdict: Verdict | None, width: int = 100, inc=None) -> list:
    """The verdict as the first blocks of a report: the sentence, and the burden against the
    money (wrapped to ``width`` in text), its range saying what it is over (`range_covers`)
    where the money (``inc``) is given."""
    if verdict is None:
        return []
    at_stake = verdict.at_stake["central"] if verdict.at_stake else None
    lines = [verdict.headline(), "Coordination: " + verdict.burden.line(at_stake) + "."]
    if verdict.at_stake and verdict.at_stake["low"] != verdict.at_stake["high"]:
        covers = f"; 90% range {range_covers(inc)}" if inc is not None else ""
        lines.append(f"Money at stake: {_stake_words(verdict.at_stake)[:-1]}{covers}).")
    if verdict.kind != "partnership":
        lines.append("The tiers below show who a partnership would seat; the verdict says "
                     "one is not needed.")
    wrapped = [part for t in lines for part in wrap(t, width)]
    reason = verdict.reason[:1].upper() + verdict.reason[1:] + "."
    return ([Heading(f"Verdict: {verdict.kind}", 2, only=PAGES),
             Lines(tuple(wrapped), only=TEXT)]
            + [Paragraph(t, only=PAGES) for t in [reason, *lines[1:]]])


def _stake_words(at_stake: dict) -> str:
    """The system's net a year over the draws, gains and losses in words, not minus signs.

    Examples
    --------
    >>> _stake_words({"low": 1_180_000, "central": 1_640_000, "high": 2_100_000})
    'the system gains £1.2m to £2.1m a year (central £1.6m)'
    >>> _stake_words({"low": -3_480, "central": -1_900, "high": -420})
    'the system loses £420 to £3,500 a year (central £1,900)'
    >>> _stake_words({"low": -3_480, "central": 900, "high": 4_200})
    'from a loss of £3,500 to a gain of £4,200 a year (central a gain of £900)'
    """
    low, central, high = (fmt_money_rounded(abs(at_stake[k])) for k in ("low", "central", "high"))
    if at_stake["low"] >= 0:
        return f"the system gains {low} to {high} a year (central {central})"
    if at_stake["high"] <= 0:
        return f"the system loses {high} to {low} a year (central {central})"
    middle = f"a {'gain' if at_stake['central'] >= 0 else 'loss'} of {central}"
    return f"from a loss of {low} to a gain of {high} a year (central {middle})"


def burden_blocks(verdict: Verdict | None, width: int = 100) -> list:
    """The stop in real units, under "Where one more stops paying": what the seats cost
    against the money at stake (wrapped to ``width`` in text)."""
    if verdict is None:
        return []
    at_stake = verdict.at_stake["central"] if verdict.at_stake else None
    line = "In staff time: " + verdict.burden.line(at_stake) + "."
    return [Lines(tuple(wrap(line, width, initial_indent="  ", subsequent_indent="  ")),
                  only=TEXT),
            Paragraph(line, only=PAGES)]
