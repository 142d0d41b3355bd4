"""Would the answer survive disclosure control? `disclosure_check` computes an opportunity's
partners again on the figures as released (rounded, small counts suppressed) and says whether
the partner set is the same: if it is not, a partner set shown beside rounded figures could not
be reproduced from them, and readers should know."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .disclosure import DisclosureRules, disclosure_rules

__all__ = ["DisclosureCheck", "disclosure_check", "released_system"]


@dataclass(frozen=True)
class DisclosureCheck:
    """The partner set on the true figures against the one on the released figures.

    Attributes
    ----------
    opportunity : str
    rules : str
        The rule pack's name.
    same : bool
        Every candidate has the same tier both ways.
    differences : list of dict
        ``id, true, released``: the tier each way (``None`` where out of scope).
    suppressed_flows : int
        Flows left out of the released figures.
    """

    opportunity: str
    rules: str
    same: bool
    differences: list
    suppressed_flows: int

    def line(self) -> str:
        """One plain-words line for a report."""
        head = f"disclosure check ({self.rules}): the partner set "
        if self.same:
            return head + "is the same when computed on the rounded figures"
        changes = "; ".join(f"{d['id']} is {d['true'] or 'out of scope'} on the true figures, "
                            f"{d['released'] or 'out of scope'} on the rounded ones"
                            for d in self.differences)
        return head + f"differs when computed on the rounded figures: {changes}"

    def to_dict(self) -> dict:
        return {"opportunity": self.opportunity, "rules": self.rules, "same": self.same,
                "differences": self.differences, "suppressed_flows": self.suppressed_flows}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.differences, columns=["id", "true", "released"])

    def to_text(self) -> str:
        return self.line() + "\n"

    def _repr_html_(self) -> str:
        import html

        return f"<p>{html.escape(self.line())}</p>"


def released_system(system, rules: DisclosureRules):
    """The system with its flows as released: patients rounded, suppressed flows left out."""
    from .system import System

    flows = system.flows
    values = rules.values(flows["patients"])
    kept = flows.assign(patients=values.to_numpy())[values.notna().to_numpy()]
    tables = {**system.tables(), "flows": kept.reset_index(drop=True)}
    return System(tables, system.meta, list(system.opportunities.values()))


def disclosure_check(system, opportunity, rules, partners: pd.DataFrame | None = None,
                     **options) -> DisclosureCheck:
    """Compare an opportunity's partner set on the true and on the released figures.

    Parameters
    ----------
    system : System
    opportunity : str or Opportunity
    rules : str or DisclosureRules
    partners : DataFrame, optional
        The partner table on the true figures, if already computed.
    **options
        Settings for `netkit.find_partners` (weights, coordination cost, ...).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> disclosure_check(tiny, "frailty", "nhs").line()
    'disclosure check (nhs): the partner set is the same when computed on the rounded figures'
    """
    from .partners import find_partners

    rules = disclosure_rules(rules)
    if partners is None:
        partners = find_partners(system, opportunity, **options).partners
    released = released_system(system, rules)
    opp_id = opportunity if isinstance(opportunity, str) else opportunity.id
    try:
        after = find_partners(released, opportunity, **options).partners
        tiers_after = dict(zip(after["id"], after["tier"]))
    except Exception as err:  # noqa: BLE001 - nothing left in scope, say
        from .errors import OpportunityError

        if not isinstance(err, OpportunityError):
            raise
        tiers_after = {}
    tiers = dict(zip(partners["id"], partners["tier"]))
    differences = [{"id": i, "true": tiers.get(i), "released": tiers_after.get(i)}
                   for i in sorted(set(tiers) | set(tiers_after))
                   if tiers.get(i) != tiers_after.get(i)]
    return DisclosureCheck(opp_id, rules.name, not differences, differences,
                           int(len(system.flows) - len(released.flows)))
