"""The rules of a risk-and-gain-share (`ShareRule`) and the reading of an opportunity's
``risk_share`` mapping, every key and value checked (`parse_rule`). The designer that applies
them is `netkit.finance.risk_share`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from netkit.errors import OpportunityError, check_number
from netkit.model.opportunity_extras import KEEP_WHOLE, RISK_SHARE_KEYS

__all__ = ["ShareRule", "parse_rule", "RULE_KEYS", "KEEP_WHOLE", "pounds", "DEFAULT_COLLAR",
           "NON_PAYING_TYPES", "HALF_PENNY"]

#: £ amounts smaller than half a penny are rounding noise, not money (the designer, the
#: settlement and the investment all read them so).
HALF_PENNY = 0.005

#: No payment under this (£ a year) is made, by default.
DEFAULT_COLLAR = 10_000.0
#: Organisation types that never pay under a share: grant- or block-funded bodies whose gain is
#: less work, not money they can hand over.
NON_PAYING_TYPES = ("vcse", "hospice", "pharmacy")

#: What a provider is kept whole on (its marginal position in cash, its net at average cost, or
#: nothing: gains are still shared) and the keys of an opportunity's ``risk_share`` mapping; the
#: opportunity parser checks them too (`netkit.model.opportunity_extras`).
RULE_KEYS = RISK_SHARE_KEYS


@dataclass(frozen=True)
class ShareRule:
    """The rules of a risk-and-gain-share (see the module's description).

    Attributes
    ----------
    keep_whole : {"marginal", "net", "none"}
        What a provider that delivers or loses is kept whole on (default ``marginal``).
    commissioner_share : float
        The commissioners' part of the gain left after keeping providers whole (0–1; the
        delivering providers get the rest). Default 0.5: an even split.
    cap : float or None
        The most (£ a year) any one provider receives under the share, in all.
    collar : float
        No payment under this (£ a year) is made (default `DEFAULT_COLLAR`, £10,000): a loss
        under it is borne, a share under it not paid, and what a payment between two parties
        nets to under it is netted out; each is said so.
    funded_by : tuple of str
        Who funds an investment (a shortfall when the system loses); empty: the commissioners.
    share_cap : float or None
        A delivering provider's gain share is at most this multiple of the full cost (unit
        cost) of its new contacts at the receiving services (default 1; None: no such cap); a
        share the cap holds back is flagged as a windfall and stays with the payers.

    Examples
    --------
    >>> print(ShareRule().describe()[1])  # doctest: +NORMALIZE_WHITESPACE
    keep whole: every provider that delivers or loses is kept whole on its marginal position (in
    cash: capacity released is not cash); those that gain bear the cost, each in proportion to its
    gain, paid to the provider by the commissioner(s) holding its contract(s), by contract value
    (so a council that gains pays its part to the NHS commissioner holding the contract: 'pooled
    budget')
    """

    keep_whole: str = "marginal"
    commissioner_share: float = 0.5
    cap: float | None = None
    collar: float = 10_000.0
    funded_by: tuple[str, ...] = ()
    share_cap: float | None = 1.0

    def to_dict(self) -> dict:
        return {"keep_whole": self.keep_whole, "commissioner_share": self.commissioner_share,
                "cap": self.cap, "collar": self.collar, "funded_by": list(self.funded_by),
                "share_cap": self.share_cap}

    def describe(self, basis: str | None = None) -> list[str]:
        """The rules in words, in the order they apply (``basis``: the positions the designer
        could use, where the cash split was missing and the net stood in)."""
        kept = {"marginal": "its marginal position (in cash: capacity released is not cash)",
                "net": "its net position at average cost"}
        if basis == "net" and self.keep_whole == "marginal":
            kept["marginal"] = ("its net position (no cash-releasing split in the figures, so "
                                "the net at average cost stands in for the marginal position)")
        lines = ["subcontract: a lead provider pays its subcontractors what keeps them whole"]
        if self.keep_whole == "none":
            lines.append("keep whole: no provider is compensated (rule keep_whole: none)")
        else:
            lines.append("keep whole: every provider that delivers or loses is kept whole on "
                         + kept[self.keep_whole] + "; those that gain bear the cost, each in "
                         "proportion to its gain, paid to the provider by the commissioner(s) "
                         "holding its contract(s), by contract value (so a council that gains "
                         "pays its part to the NHS commissioner holding the contract: 'pooled "
                         "budget')")
        lines.append("who pays: the commissioners, and providers whose contract carries the "
                     "gain (as a contract reduction); voluntary bodies, hospices, pharmacies and "
                     "organisations with no contract in relationships.csv never pay")
        if self.cap is not None:
            lines.append(f"cap: no provider receives more than {pounds(self.cap)} a year")
        lines.append("decommissioned providers are not compensated")
        funders = (", ".join(self.funded_by) + " fund the rest, in equal parts"
                   if self.funded_by else
                   "the commissioners fund the rest, in proportion to their change in spend")
        lines.append(f"investment: where the gains fall short, {funders}")
        share = self.commissioner_share
        lines.append(f"gain share: what is left is split {share:.0%} to the commissioners, "
                     f"{1 - share:.0%} to the providers that deliver the shift, by their new "
                     "contacts at the receiving services"
                     + (f", each at most {self.share_cap:g} × the full cost of those contacts "
                        "(more is a windfall, flagged)" if self.share_cap is not None else ""))
        lines.append("settlement: each pair's payments are netted into one; commissioners "
                     "settle their balances with one net transfer per pair (a council and the "
                     "NHS through the Better Care Fund or a section 75 pooled budget)")
        if self.collar:
            lines.append(f"collar: no payment under {pounds(self.collar)} a year is made (it "
                         "is netted out: each party keeps its position)")
        return lines


def _rule_problem(where: str, key: str, value: Any, message: str) -> OpportunityError:
    return OpportunityError(f"{where}: risk_share.{key}: {value!r} {message}")


def parse_rule(raw: Mapping | ShareRule | None, where: str = "risk_share",
               organisations=None, base: ShareRule | None = None) -> ShareRule:
    """Read a ``risk_share`` mapping into a `ShareRule`, every key and value checked.

    Parameters
    ----------
    raw : mapping, ShareRule or None
        The settings; keys missing keep ``base``'s (default: `ShareRule()`).
    where : str
        Where the mapping came from, for messages (``opportunities.yaml: opportunity 'x'``).
    organisations : iterable of str, optional
        Known organisation ids, to check ``funded_by``.

    Raises
    ------
    OpportunityError
        Naming the place, the key and the value, and what is expected.

    Examples
    --------
    >>> parse_rule({"commissioner_share": 0.25, "cap": 50000}).cap
    50000.0
    >>> parse_rule({"commissioner_share": 2}, "opportunities.yaml: opportunity 'x'")
    Traceback (most recent call last):
    ...
    netkit.errors.OpportunityError: opportunities.yaml: opportunity 'x': risk_share.commissioner_share: 2 is out of range (expected a share from 0 to 1), e.g. commissioner_share: 0.5
    """
    base = base or ShareRule()
    if raw is None:
        return base
    if isinstance(raw, ShareRule):
        return raw
    if not isinstance(raw, Mapping):
        raise OpportunityError(f"{where}: risk_share: {raw!r} should be a mapping, e.g. "
                               "{commissioner_share: 0.5, cap: 100000}")
    values = {**base.to_dict()}
    for key, value in raw.items():
        if key not in RULE_KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), RULE_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _rule_problem(where, key, value, f"is not a known setting{hint}; expected "
                                f"one of {', '.join(RULE_KEYS)}")
        values[key] = _rule_value(where, key, value, organisations)
    return ShareRule(values["keep_whole"], values["commissioner_share"], values["cap"],
                     values["collar"], tuple(values["funded_by"]), values["share_cap"])


def _rule_value(where: str, key: str, value: Any, organisations) -> Any:
    """One setting of a ``risk_share`` mapping, checked."""
    if key == "keep_whole":
        if value not in KEEP_WHOLE:
            raise _rule_problem(where, key, value, f"is not one of {', '.join(KEEP_WHOLE)}")
        return value
    if key == "funded_by":
        ids = [value] if isinstance(value, str) else value
        if not isinstance(ids, (list, tuple)) or not all(isinstance(i, str) for i in ids):
            raise _rule_problem(where, key, value, "should be a list of organisation ids, e.g. "
                                "[ICB]")
        known = set(organisations) if organisations is not None else None
        unknown = [i for i in ids if known is not None and i not in known]
        if unknown:
            raise _rule_problem(where, key, unknown[0], "is not an organisation id in "
                                "organisations.csv")
        return list(ids)
    if key in ("cap", "share_cap") and value is None:
        return None
    high, what = (1.0, "a share") if key == "commissioner_share" else (None, "an amount in £")
    number, message = check_number(value, what, 0.0, high)
    if message is not None:
        example = {"commissioner_share": 0.5, "cap": 100000, "collar": 10000,
                   "share_cap": 1}[key]
        raise _rule_problem(where, key, value, f"{message}, e.g. {key}: {example}")
    return number


def pounds(value: float) -> str:
    """Money for people, as every report rounds it (`netkit.render.formats.fmt_money_rounded`:
    ``£1.3m``, ``£280,000``, ``£4,700``); JSON keeps the exact figure."""
    from netkit.render.formats import fmt_money_rounded

    return fmt_money_rounded(value)
