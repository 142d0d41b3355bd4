"""What a merge of providers does to their contracts: each payment basis is kept for the services
it paid for (its **service line**), so a block contract for community care and an activity
contract for acute care stay block and activity inside the merged trust.

For each commissioner holding ``commissions`` contracts with two or more of the merged
organisations:

* all on one basis (the same ``payment``, and for ``api`` the same ``variable_share``), none
  naming a service: one contract, values summed, as for any other tie (the caller does this);
* otherwise each old contract's services are its ``service`` list where it names one, else
  every service its old provider provided that no other contract of the commissioner with that
  provider names. Contracts on one basis become one row, their values summed and their
  services listed together; the row with the largest value names no service (it covers every
  service of the merged organisation not named on another, as the old contracts together did),
  and each other basis names its services (``service``, ``;``-separated). A contract whose
  old provider provided no services joins the row naming none. The values are the contracts'
  own, never apportioned: the money a contract pays follows its basis and the contacts at its
  services, not a split of its value.

A merge's ``payment: {ORG: basis}`` instead combines ORG's contracts with the merged
organisations into one contract on that basis (``api``: their value-weighted variable share).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["keep_service_lines", "basis_words", "service_list"]


def service_list(value) -> list[str]:
    """The services an event's ``service`` names: ``;``-separated text or a list, in order,
    each once; empty for none.

    Examples
    --------
    >>> service_list("UCR; AMB999"), service_list(["ED", "WARD", "ED"]), service_list(None)
    (['UCR', 'AMB999'], ['ED', 'WARD'], [])
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(";")
    return list(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))


def basis_words(payment, share) -> str:
    """A contract's payment basis in words: ``activity``, ``block``, ``api, 40% variable``.

    Examples
    --------
    >>> basis_words("api", 0.4), basis_words("block", None), basis_words(None, None)
    ('api, 40% variable', 'block', 'unstated')
    """
    if not isinstance(payment, str) or not payment:
        return "unstated"
    if payment == "api":
        return (f"api, {float(share):.0%} variable" if share is not None and not pd.isna(share)
                else "api, all fixed")
    return payment


def _basis_key(payment, share) -> tuple:
    share = None if share is None or pd.isna(share) or payment != "api" else round(float(share), 9)
    return (payment if isinstance(payment, str) else "", share)


def keep_service_lines(rels: pd.DataFrame, services_of: dict[str, list[str]], merged: list,
                       new_id: str, chosen: set = frozenset()) -> tuple[pd.DataFrame, list[str]]:
    """The relationships (ends not yet renamed) with each commissioner's contracts with the
    merged organisations rewritten as service lines of ``new_id`` where their bases differ
    (see the module's description), and the log lines naming each basis kept.

    Parameters
    ----------
    rels : DataFrame
        The relationships before the merge renames their ends (a ``service`` column is added
        where missing).
    services_of : dict
        Each merged organisation's services before the merge.
    merged, new_id
        The organisations merging, and the merged organisation's id.
    chosen : set, optional
        Commissioners whose contracts the merge combines into one on a basis it names (the
        merge's ``payment``): their service lines with the merged organisations are dropped so
        the contracts become one tie.

    Returns
    -------
    (DataFrame, list of str)
        Rewritten rows have ``target`` ``new_id``; rows of other commissioners are unchanged.

    Examples
    --------
    >>> rels = pd.DataFrame({"source": ["ICB", "ICB"], "target": ["ACU", "COM"],
    ...     "type": ["commissions"] * 2, "value": [80e6, 95e6], "payment": ["activity", "block"],
    ...     "variable_share": [np.nan, np.nan]})
    >>> out, log = keep_service_lines(rels, {"ACU": ["ED", "WARD"], "COM": ["UCR"]},
    ...                               ["ACU", "COM"], "TRUST")
    >>> out[["target", "value", "payment", "service"]].values.tolist()
    [['TRUST', 95000000.0, 'block', nan], ['TRUST', 80000000.0, 'activity', 'ED;WARD']]
    >>> print(log[0])
    ICB's contracts with ACU (activity, £80m) and COM (block, £95m) are kept per service line in TRUST: block for every service not named on another contract (UCR); activity for ED, WARD
    """
    if "service" not in rels:
        rels = rels.assign(service=pd.Series(np.nan, index=rels.index, dtype=object))
    contract = (rels["type"] == "commissions") & rels["target"].isin(merged)
    log: list[str] = []
    if not contract.any():
        return rels, log
    order = pd.Series(np.arange(len(rels)), index=rels.index)
    kept, new_rows, at = np.ones(len(rels), dtype=bool), [], []
    for source, group in rels[contract].groupby("source", sort=False):
        if source in chosen:
            rels.loc[group.index, "service"] = np.nan
            continue
        if group["target"].nunique() < 2:
            continue
        keys = [_basis_key(p, v) for p, v in zip(group["payment"], group["variable_share"])]
        if len(set(keys)) < 2 and not group["service"].notna().any():
            continue  # one basis: one tie, values summed (the caller's duplicate rule)
        rows, words = _lines(group, keys, services_of, new_id)
        kept[order[group.index].to_numpy()] = False
        new_rows.extend(rows)
        at.extend([int(order[group.index[0]])] * len(rows))
        log.append(_words(source, group, new_id, words))
    if not new_rows:
        return rels, log
    out = rels.assign(_at=order.to_numpy().astype(float))[kept]
    added = pd.DataFrame(new_rows).reindex(columns=rels.columns)
    added["_at"] = np.array(at, dtype=float) + np.arange(1, len(at) + 1) / (len(at) + 1)
    out = pd.concat([out, added.astype({c: rels[c].dtype for c in rels.columns
                                        if rels[c].dtype.kind == "f"})], ignore_index=True)
    out = out.sort_values("_at", kind="mergesort").drop(columns="_at")
    return out.reset_index(drop=True), log


def _lines(group: pd.DataFrame, keys: list, services_of: dict, new_id: str
           ) -> tuple[list[dict], list[tuple[str, list[str]]]]:
    """One row per basis: its services, values summed; the largest names no service."""
    named_by = {t: {s for v in group.loc[group["target"] == t, "service"]
                    for s in service_list(v)}
                for t in group["target"].unique()}
    covers = []
    for (_, row) in group.iterrows():  # a handful of contracts per commissioner
        own = service_list(row["service"])
        covers.append(own or [s for s in services_of.get(row["target"], [])
                              if s not in named_by[row["target"]]])
    frame = group.assign(_key=keys, _covers=covers, _value=group["value"].fillna(0.0))
    bases = list(dict.fromkeys(keys))
    totals = {k: frame.loc[frame["_key"] == k, "_value"].sum() for k in bases}
    wide = max(bases, key=lambda k: (totals[k], -bases.index(k)))
    rows, words = [], []
    for key in [wide] + [k for k in bases if k != wide]:
        part = frame[frame["_key"] == key]
        lead = part.sort_values("_value", ascending=False, kind="mergesort").iloc[0]
        services = list(dict.fromkeys(s for c in part["_covers"] for s in c))
        if key != wide and not services:
            continue  # a contract with no services joins the row naming none (below)
        row = {c: lead[c] for c in group.columns}
        value = part["value"].sum(min_count=1)
        row.update(target=new_id, value=value, strength=part["strength"].max()
                   if "strength" in part else np.nan,
                   service=np.nan if key == wide else ";".join(services))
        rows.append(row)
        words.append((basis_words(lead["payment"], lead.get("variable_share")),
                      services, key == wide))
    empty = [k for k in bases if k != wide and not any(
        c for c in frame.loc[frame["_key"] == k, "_covers"])]
    if empty:
        rows[0]["value"] = frame.loc[frame["_key"].isin([wide] + empty), "value"].sum(
            min_count=1)
    return rows, words


def _words(source: str, group: pd.DataFrame, new_id: str, words: list) -> str:
    from netkit.render.formats import fmt_money_rounded

    old = [f"{t} ({basis_words(p, v)}{', ' + fmt_money_rounded(x) if pd.notna(x) else ''})"
           for t, p, v, x in zip(group["target"], group["payment"], group["variable_share"],
                                 group["value"])]
    listed = ", ".join(old[:-1]) + f" and {old[-1]}"
    lines = [(f"{basis} for every service not named on another contract "
              f"({', '.join(services) or 'none yet'})" if wide
              else f"{basis} for {', '.join(services)}") for basis, services, wide in words]
    return (f"{source}'s contracts with {listed} are kept per service line in {new_id}: "
            + "; ".join(lines))
