"""The disclosure check: is an opportunity's partner set the same when computed on the released (rounded and suppressed) figures as on the true ones?"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from netkit.model.disclosure import DisclosureRules

__all__ = ["DisclosureCheck", "released_system", "compare_tiers"]


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
    from netkit.model.system import System

    tables = {**system.tables(), "flows": rules.released_flows(system.flows)}
    return System(tables, system.meta, list(system.opportunities.values()),
                  given_columns=system.given_columns)


def compare_tiers(opportunity: str, rules: DisclosureRules, partners: pd.DataFrame,
                  released: pd.DataFrame | None, suppressed_flows: int) -> DisclosureCheck:
    """The check from the two partner tables: on the true figures (``partners``) and on the
    released ones (``released``; ``None`` when nothing is left in scope). Organisations whose
    tier differs are listed, in id order.

    Examples
    --------
    >>> import pandas as pd
    >>> from netkit.model.disclosure import disclosure_rules
    >>> true = pd.DataFrame({"id": ["A", "B"], "tier": ["core", "involve"]})
    >>> shown = pd.DataFrame({"id": ["A", "B"], "tier": ["core", "inform"]})
    >>> compare_tiers("x", disclosure_rules("nhs"), true, shown, 0).differences
    [{'id': 'B', 'true': 'involve', 'released': 'inform'}]
    """
    tiers = dict(zip(partners["id"], partners["tier"]))
    tiers_after = {} if released is None else dict(zip(released["id"], released["tier"]))
    differences = [{"id": i, "true": tiers.get(i), "released": tiers_after.get(i)}
                   for i in sorted(set(tiers) | set(tiers_after))
                   if tiers.get(i) != tiers_after.get(i)]
    return DisclosureCheck(opportunity, rules.name, not differences, differences,
                           int(suppressed_flows))
