"""Money in change reports: how a change moves each partner's position and the system's net
under an opportunity's shift, which events caused it, which payment bases changed, and which
payments of the risk-and-gain-share changed.

A change that moves the money is never "no change": a 30% rise in crisis demand leaves the
partners as they were but raises every figure by 30%, and the report says so.

**Positions** are the per-organisation nets of the shift (`netkit.finance.incentives`, £ a year,
central figures) before and after the change; an organisation in only one of them counts £0 in
the other. **Attribution** is the partner diff's (`netkit.tracking.diff`): the events that name
the organisation, one of its services, flows or relationships, else every event that touched the
opportunity ("through changes elsewhere"). **Payment bases** are the ``commissions``
relationships of the organisations whose money moves: a contract whose payment changed (a merger
that relabels it, say), or that appeared or ended, is named with the events that did it (where
only service lines of a contract were added, ended or re-based, each such line is named, with
its services, as ``ICB-RIV pays ACU-RIV for ED by activity (a new contract line)``); so is
an in-scope service that moves to a provider paid on a different basis (from an aligned payment
contract to a block contract, say), as its activity is then paid differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netkit.finance.share_rule import pounds
from netkit.tracking.diff import _attribute

__all__ = ["MoneyChange", "money_diff", "MONEY_TOLERANCE"]

#: Changes in a position smaller than this (£ a year) are rounding, not a change.
MONEY_TOLERANCE = 0.5
INDIRECT = "through changes elsewhere in the network"


@dataclass(frozen=True, repr=False)
class MoneyChange:
    """How a change moved the money of one opportunity.

    Attributes
    ----------
    opportunity : str
    positions : DataFrame
        ``id, name, before, after, change, events, why``: each organisation whose position
        moved by at least `MONEY_TOLERANCE` (£ a year), largest move first.
    system_before, system_after : float or None
        The system's net (£ a year); None where the opportunity has no shift.
    events : list of int
        The events that touched the opportunity (what moved the system's net).
    cause : str
        Those events in words (``event 1: 81 flows of mh-crisis scaled × 1.3 …``).
    bases : list of dict
        Payment-basis changes: ``commissioner, provider, before, after, events, why``
        (``before`` or ``after`` None where the contract appeared or ended), and ``service``
        (the line's services, ``;``-separated) where one service line of a contract changed.
    investment_before, investment_after : float or None
        The investment the risk-and-gain-share designer proposes, where the system loses.
    service_bases : list of dict
        In-scope services that moved to a provider paid on another basis: ``service, name,
        from_provider, to_provider, before, after, events, why``.
    payments : list of dict
        The risk-and-gain-share's payments that changed: ``payer, payee, before, after`` (£ a
        year; 0 where the payment is new or ended), largest change first.
    """

    opportunity: str
    positions: pd.DataFrame
    system_before: float | None
    system_after: float | None
    events: list = field(default_factory=list)
    cause: str = ""
    bases: list = field(default_factory=list)
    investment_before: float | None = None
    investment_after: float | None = None
    service_bases: list = field(default_factory=list)
    payments: list = field(default_factory=list)

    def __repr__(self) -> str:
        return (f"<MoneyChange {self.opportunity!r}: {len(self.positions)} positions moved, "
                f"system net {self.system_change:+,.0f}>")

    @property
    def system_change(self) -> float:
        return (self.system_after or 0.0) - (self.system_before or 0.0)

    @property
    def moved(self) -> bool:
        """Did the money move (a position, the system's net or a payment basis)?"""
        return bool(len(self.positions) or self.bases or self.service_bases or self.payments
                    or abs(self.system_change) >= MONEY_TOLERANCE)

    def to_frame(self) -> pd.DataFrame:
        return self.positions

    def to_dict(self) -> dict:
        return {"opportunity": self.opportunity, "moved": self.moved,
                "system_net_before": self.system_before, "system_net_after": self.system_after,
                "system_net_change": self.system_change, "events": self.events,
                "cause": self.cause,
                "positions": self.positions.to_dict("records"), "payment_bases": self.bases,
                "investment_before": self.investment_before,
                "investment_after": self.investment_after,
                "service_payment_bases": self.service_bases, "payments": self.payments}

    def summary(self) -> list[str]:
        """One line for the system's net, one per payment-basis change, one per position."""
        if not self.moved:
            return []
        lines = []
        if self.system_before is not None or self.system_after is not None:
            same = abs(self.system_change) < MONEY_TOLERANCE
            lines.append("money: the system's net " + (
                f"is unchanged at {pounds(self.system_after or 0.0)} a year" if same
                else _move(self.system_before, self.system_after))
                + (f", after {self.cause}" if self.cause else ""))
        lines += [f"payment basis: {_service_basis_line(b)}" for b in self.service_bases]
        lines += [f"payment basis: {_basis_line(b)}" for b in self.bases]
        lines += [f"money: {name} ({oid}) {_move(before, after)}: {why}" for oid, name, before,
                  after, why in zip(self.positions["id"], self.positions["name"],
                                    self.positions["before"], self.positions["after"],
                                    self.positions["why"])]
        lines += [f"risk-and-gain-share: {p['payer']} pays {p['payee']} "
                  + _move(p["before"], p["after"]) for p in self.payments]
        if (self.investment_before or 0) != (self.investment_after or 0):
            lines.append("money: the investment when the system loses "
                         + _move(self.investment_before, self.investment_after))
        return lines


def _move(before: float | None, after: float | None) -> str:
    """``£2,875 → £3,740 a year (+£863)``."""
    b, a = before or 0.0, after or 0.0
    sign = "+" if a - b >= 0 else "-"
    return f"{pounds(b)} → {pounds(a)} a year ({sign}{pounds(abs(a - b))})"


def _basis_line(item: dict) -> str:
    """``ICB-RIV pays COM-TRUST by activity, not block: …``; a contract line (``service``)
    ``ICB-RIV pays ACU-RIV for ED by activity (a new contract line): …``."""
    pair = f"{item['commissioner']} pays {item['provider']}"
    what = "contract"
    if item.get("service"):
        pair += f" for {item['service'].replace(';', ', ')}"
        what = "contract line"
    if item["before"] is None:
        text = f"{pair} by {item['after']} (a new {what})"
    elif item["after"] is None:
        text = f"{pair} by {item['before']} no longer (the {what} ended)"
    else:
        text = f"{pair} by {item['after']}, not {item['before']}"
    return f"{text}: {item['why']}"


def _service_basis_line(item: dict) -> str:
    """``Virtual ward (VW-ACU) moves from ACU-RIV, paid by api (50% variable), to COM-TRUST, paid
    by block: …``."""
    return (f"{item['name']} ({item['service']}) moves from {item['from_provider']}, paid by "
            f"{item['before']}, to {item['to_provider']}, paid by {item['after']}: "
            f"{item['why']}")


def _provider_basis(bases: dict, provider: str) -> str:
    """How a provider is paid: its contracts' bases, ``block`` or ``api (50% variable) and
    block``; ``no contract`` where it has none."""
    found = sorted({basis for (_, target), basis in bases.items() if target == provider})
    return " and ".join(found) if found else "no contract"


def _service_basis_changes(systems, services: set, touched: dict, relevant: list,
                           result) -> list:
    """In-scope services whose provider changed to one paid on a different basis."""
    if systems is None or not all(hasattr(s, "services") for s in systems):
        return []
    old, new = (s.services.set_index("id") for s in systems)
    both = sorted(services & set(old.index) & set(new.index))
    # the providers side by side, read once (not a lookup per in-scope service)
    was_of = old["provider"].reindex(both).astype(object).to_numpy()
    now_of = new["provider"].reindex(both).astype(object).to_numpy()
    out = []
    for sid, was, now in zip(both, was_of, now_of):
        if was == now:
            continue
        before = _provider_basis(_bases(systems[0], {was}, sid), was)
        after = _provider_basis(_bases(systems[1], {now}, sid), now)
        if before == after:
            continue
        events, why = _attribute(now, {sid}, touched, relevant, result)
        out.append({"service": sid, "name": str(new.at[sid, "name"]), "from_provider": was,
                    "to_provider": now, "before": before, "after": after, "events": events,
                    "why": why})
    return out


def _bases(system, providers: set, service: str | None = None, per_row: bool = False) -> dict:
    """(commissioner, provider) → payment basis in words, for contracts with these providers;
    with service lines, ``api (50% variable); block for UCR, DN``. Given a ``service``, the
    basis of the contract paying for it (the one naming it, else the one naming none). With
    ``per_row``, one entry per contract row instead: (commissioner, provider, its services
    ``;``-separated, or ``""`` for the row naming none) → its basis."""
    if system is None:
        return {}
    rels = system.relationships
    rels = rels[(rels["type"] == "commissions") & rels["target"].isin(providers)]
    payment = rels["payment"].fillna("unstated").astype(str)
    if "variable_share" in rels:
        share = pd.to_numeric(rels["variable_share"], errors="coerce")
        payment = payment.where(~((payment == "api") & share.notna()),
                                "api (" + (share * 100).round().astype("Int64").astype(str)
                                + "% variable)")
    pairs = list(zip(rels["source"], rels["target"]))
    lines = (rels["service"].astype(object).fillna("").astype(str) if "service" in rels
             else pd.Series("", index=rels.index, dtype=object))
    if not (lines != "").any() and not per_row:
        return dict(zip(pairs, payment))
    named = [[x.strip() for x in line.split(";") if x.strip()] for line in lines]
    if per_row:
        return {(*pair, ";".join(names)): basis
                for pair, basis, names in zip(pairs, payment, named)}
    out: dict = {}
    if service is not None:  # a handful of contracts: the line naming it wins
        for pair, basis, names in zip(pairs, payment, named):
            if service in names or (not names and pair not in out):
                out[pair] = basis
        return out
    for pair, basis, names in sorted(zip(pairs, payment, named), key=lambda r: bool(r[2])):
        text = f"{basis} for {', '.join(names)}" if names else basis
        out[pair] = f"{out[pair]}; {text}" if pair in out else text
    return out


def _positions(ps) -> pd.Series:
    inc = getattr(ps, "incentives", None)
    if inc is None:
        return pd.Series(dtype="float64")
    return inc.organisations.set_index("id")["net"].astype("float64")


def _investment(ps) -> float | None:
    share = getattr(ps, "risk_share", None)
    return share.investment["amount"] if share is not None and share.investment else None


def money_diff(before, after, result=None, events=None, systems=None) -> MoneyChange:
    """How a change moved one opportunity's money (see the module's description).

    Parameters
    ----------
    before, after : PartnerSet
    result : ChangeResult, optional
        The applied changeset, for attribution.
    events : list of int, optional
        The events that touched this opportunity.
    systems : (System, System), optional
        The systems before and after, for payment bases.

    Examples
    --------
    >>> import netkit
    >>> from netkit.change.changeset import Changeset
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> update = netkit.recompute(tiny, Changeset.of([{"scale_flows": {"pathway": "frailty",
    ...                                                 "factor": 1.5}}]), ["frailty"])
    >>> money = update.diffs[0].money
    >>> money.moved, {"ACUTE", "COMM", "ICB"} <= set(money.positions["id"]), money.events
    (True, True, [1])
    >>> money.summary()[0].split(", after ")[1]
    'event 1 (16 flows of frailty scaled × 1.5 (4,220 → 6,330 patient movements a year))'
    """
    b, a = _positions(before), _positions(after)
    ids = sorted(set(b.index) | set(a.index))
    frame = pd.DataFrame({"id": ids, "before": b.reindex(ids).fillna(0.0).to_numpy(),
                          "after": a.reindex(ids).fillna(0.0).to_numpy()})
    frame["change"] = frame["after"] - frame["before"]
    frame = frame[frame["change"].abs() >= MONEY_TOLERANCE]
    frame = frame.reindex(frame["change"].abs().sort_values(ascending=False,
                                                            kind="mergesort").index)
    touched = result.touched if result is not None else {}
    relevant = sorted(events if events is not None else touched)
    touched = {n: t for n, t in touched.items() if n in relevant}  # this opportunity's events
    members = {**before.scope.members(), **after.scope.members()}
    names = {**before.scope.organisations.set_index("id")["name"].to_dict(),
             **after.scope.organisations.set_index("id")["name"].to_dict()}
    attributed = [_attribute(o, set(members.get(o, [])), touched, relevant, result)
                  for o in frame["id"]]
    frame = frame.assign(name=[names.get(o, o) for o in frame["id"]],
                         events=[ev for ev, _ in attributed],
                         why=[w.replace(INDIRECT, "through the activity the change moved")
                              for _, w in attributed])
    frame = frame[["id", "name", "before", "after", "change", "events", "why"]]
    bases = _basis_changes(systems, set(ids), touched, relevant, result)
    in_scope = {sid for ps in (before, after)
                for sid in getattr(ps.scope, "services", pd.DataFrame({"id": []}))["id"]}
    service_bases = _service_basis_changes(systems, in_scope, touched, relevant, result)
    net = [ps.incentives.system_net if ps.incentives is not None else None
           for ps in (before, after)]
    log = dict(result.log) if result is not None else {}
    cause = "; ".join(f"event {n} ({log[n]})" for n in relevant if n in log)
    return MoneyChange(after.opportunity.id, frame.reset_index(drop=True), net[0], net[1],
                       relevant, cause, bases, _investment(before), _investment(after),
                       service_bases, _payment_changes(before, after))


def _payments(ps) -> pd.Series:
    """(payer, payee) → £ a year the risk-and-gain-share moves between them."""
    share = getattr(ps, "risk_share", None)
    pairs = share.by_pair() if share is not None else []
    if not len(pairs):
        return pd.Series(dtype="float64")
    return pairs.set_index(["payer", "payee"])["amount"]


def _payment_changes(before, after) -> list[dict]:
    """The payments that changed by at least `MONEY_TOLERANCE`, largest change first."""
    b, a = _payments(before), _payments(after)
    pairs = sorted(set(b.index) | set(a.index))
    rows = [{"payer": payer, "payee": payee, "before": float(b.get((payer, payee), 0.0)),
             "after": float(a.get((payer, payee), 0.0))} for payer, payee in pairs]
    rows = [r for r in rows if abs(r["after"] - r["before"]) >= MONEY_TOLERANCE]
    return sorted(rows, key=lambda r: -abs(r["after"] - r["before"]))


def _basis_changes(systems, providers: set, touched: dict, relevant: list, result) -> list:
    """Contracts of these providers whose payment basis changed, appeared or ended."""
    if systems is None:
        return []
    before, after = (_bases(s, providers) for s in systems)
    rows = [_bases(s, providers, per_row=True) for s in systems]
    out = []
    for pair in sorted(set(before) | set(after)):
        was, now = before.get(pair), after.get(pair)
        if was == now:
            continue
        events, why = _attribute(pair[1], {pair[0]}, touched, relevant, result)
        lines = _line_changes(pair, *rows) if was is not None and now is not None else None
        if lines is None:
            out.append({"commissioner": pair[0], "provider": pair[1], "before": was,
                        "after": now, "events": events, "why": why})
            continue
        out.extend({"commissioner": pair[0], "provider": pair[1], "service": line,
                    "before": b, "after": a, "events": events, "why": why}
                   for line, b, a in lines)
    return out


def _line_changes(pair: tuple, before: dict, after: dict) -> list | None:
    """A contract that goes on with the same basis for the services no line names, whose
    service lines were added, ended or re-based: ``(services, before, after)`` per line
    (``before`` or ``after`` None where the line appeared or ended); None where the contract
    naming no service changed too (the whole contract is then named)."""
    def rows(found: dict) -> dict:
        return {key[2]: basis for key, basis in found.items() if key[:2] == pair}

    was, now = rows(before), rows(after)
    if was.get("") != now.get(""):
        return None
    return [(line, was.get(line), now.get(line)) for line in sorted(set(was) | set(now))
            if line and was.get(line) != now.get(line)]
