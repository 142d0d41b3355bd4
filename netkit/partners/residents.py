"""Residents: whose patients a flow carries, and who is responsible for commissioning their care.

**Place attribution.** A flow belongs to its own ``place`` where given, else to the places of
its ends (a service's place, else its provider's). A flow between two system-wide services (a
county-wide council's discharge team handing patients to its own reablement) has neither; it
carries the residents of each place *in proportion to who arrives* at its source service on
that pathway. Those proportions are carried along the pathway, step by step, so patients keep
their place as they move through system-wide services. A flow whose source has no arrivals from
any place (``@home`` into a system-wide service, with no place given) stays system-wide.

**Responsible commissioner.** The responsible commissioner of a flow's patients is, in order:
the flow's ``commissioner`` (``flows.csv``); the ``commissioner`` of its place in
``places.csv`` (the place the patients are attributed to, as above); else none, and the
in-scope spend at that service is attributed by each commissioner's share of the provider's
contracts (`netkit.finance.contracts.commissioning_shares`), with a note saying so. Social care
(``social_care`` and ``care_home`` services) is commissioned by councils under their own
contracts, so it keeps the contract-share rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit._frames import isin, key_sums
from netkit.model.schema import HOME
from netkit.model.system import System, kept

__all__ = ["resident_shares", "place_weights", "responsible_commissioners",
           "commissioning_spend", "SOCIAL_CARE"]

#: Service categories whose spend stays with the council that contracts for it.
SOCIAL_CARE = ("social_care", "care_home")

#: How many steps along a pathway the residents of a place are carried through system-wide
#: services (pathways are rarely longer; a cycle converges well within it).
CARRY_STEPS = 12


def _service_places(system: System) -> pd.Series:
    """Each service's place (its own, else its provider's), by service id; worked out once per
    system, a copy each time."""
    return kept(system, ("partners", "service places"), _places_of_services).copy()


def _places_of_services(system: System) -> pd.Series:
    services = system.services
    orgs = system.organisations.set_index("id")
    place = services["place"].fillna(services["provider"].map(orgs["place"]))
    return pd.Series(place.to_numpy(), index=services["id"].to_numpy())


def _codes(values, uniques) -> np.ndarray:
    """Each value's position in ``uniques`` (-1 where absent)."""
    return pd.Index(uniques).get_indexer(np.asarray(values, dtype=object))


def resident_shares(system: System, flows: pd.DataFrame) -> pd.DataFrame:
    """Which places' residents each flow carries: ``row`` (the flow's index), ``place``,
    ``share`` (summing to 1 for a flow with any place; a system-wide flow has no rows).

    A flow's own place, else its source's place, else its target's place; a flow between
    system-wide services takes the mix of places arriving at its source on its pathway.
    The carrying runs on integer codes (places in sorted order, so every sum adds the same
    numbers in the same order as grouping by name would).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> shares = resident_shares(tiny, tiny.flows)  # the care home is in the South
    >>> shares.groupby("place")["share"].sum().to_dict()
    {'North': 17.0, 'South': 1.0}
    """
    row, place, share, places, _ = _shares_codes(system, flows)
    return _shares_frame(flows.index, row, places, place, share)


def _shares_codes(system: System, flows: pd.DataFrame, codes=None) -> tuple:
    """`resident_shares` as positions and codes: the rows (positions in ``flows``), their
    places (codes in ``places``, sorted), shares, ``places``, and how many of the first rows
    are flows with a place of their own or their ends' (each once, in order). ``codes`` is
    `netkit.partners.coded.FlowCodes` of ``flows`` where known (no text is then hashed)."""
    patients = flows["patients"].to_numpy(dtype="float64")
    if codes is not None:
        tables = codes.tables
        loose = (codes.own < 0) & (codes.source != tables["home"])
        return _carry(codes.own, loose, codes.source, codes.target, codes.pathway,
                      len(tables["labels"]) + 1, patients, len(tables["places"]),
                      pd.Index(flows.index)) + (tables["places"],
                                                np.count_nonzero(codes.own >= 0))
    # each distinct service's place looked up once, for the flows' ends as integer codes
    # (mapping both ends of every flow by name took a sixth of this nationally)
    source = flows["source"].to_numpy(dtype=object)
    ends, labels = pd.factorize(np.concatenate([flows["target"].to_numpy(dtype=object), source]))
    end_place = np.append(_service_places(system).reindex(labels).to_numpy(dtype=object),
                          np.nan)  # code -1 (a missing end) has no place
    own = flows["place"].to_numpy(dtype=object)
    own = np.where(pd.isna(own), end_place[ends[len(flows):]], own)
    own = np.where(pd.isna(own), end_place[ends[:len(flows)]], own)
    has = ~pd.isna(own)
    places = np.sort(pd.unique(own[has]))
    own_code = np.full(len(flows), -1, dtype=np.int64)
    own_code[has] = _codes(own[has], places)
    home = pd.Index(labels).get_indexer([HOME])[0] if len(labels) else -1
    loose = ~has & (ends[len(flows):] != (home if home >= 0 else -2))
    if not loose.any() or not has.any():
        path_code = np.zeros(len(flows), dtype=np.intp)
    else:
        path_code, _ = pd.factorize(flows["pathway"].to_numpy(dtype=object))
    return _carry(own_code, loose, ends[len(flows):], ends[:len(flows)], path_code,
                  int(ends.max()) + 1 if len(ends) else 0, patients, len(places),
                  pd.Index(flows.index)) + (places, np.count_nonzero(has))


def _ordered(keys: np.ndarray) -> bool:
    """Whether ``keys`` never fall (pandas then sums each group with ``np.add.reduceat``)."""
    return bool(len(keys) < 2 or (keys[1:] >= keys[:-1]).all())


def _group_sum(values: np.ndarray, keys: np.ndarray, ordered: bool | None) -> pd.Series:
    """``pd.Series(values).groupby(keys).sum()`` of some of the rows a full group sum would
    add, summed as that sum would: pandas adds groups with ``np.add.reduceat`` where the keys
    never fall and otherwise one value after another, so where the full keys fell
    (``ordered`` False) and these do not, a row of its own put first (and dropped after) makes
    pandas add one after another too. ``ordered`` None: these are all the rows."""
    if ordered is None or ordered or not _ordered(keys) or not len(keys):
        return pd.Series(values).groupby(keys).sum()
    low = keys.min() - 1
    out = pd.Series(np.append(values, 0.0)).groupby(np.append(keys, low)).sum()
    return out.iloc[1:]


def _shares_frame(index, row: np.ndarray, places: np.ndarray, place: np.ndarray,
                  share: np.ndarray) -> pd.DataFrame:
    """`resident_shares`'s frame from `_carry`'s positions and codes."""
    return pd.DataFrame({"row": index[row], "place": places[place], "share": share})


def _carry(own: np.ndarray, loose: np.ndarray, source: np.ndarray, target: np.ndarray,
           pathway: np.ndarray, n_end: int, patients: np.ndarray, n_places: int,
           index: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`resident_shares` on codes: each flow's ``own`` place (a code in the sorted places, -1
    where none), whether it is ``loose`` (no place, not from ``@home``), its ``source`` and
    ``target`` end codes and ``pathway`` code. Returns the rows (positions), place codes and
    shares, in `resident_shares`'s order."""
    has = own >= 0
    known_row = np.flatnonzero(has)
    known_place = own[has]
    loose = np.flatnonzero(loose)
    if not len(loose) or not len(known_row):
        return known_row, known_place, np.ones(len(known_row))
    arrive_at = pathway.astype(np.int64) * n_end + target  # (pathway, target)
    leave_from = (pathway.astype(np.int64) * n_end + source)[loose]
    known_share = np.ones(len(known_row))
    # only the mix arriving where a loose flow leaves is read: the other arrivals (most of
    # them nationally) are left out of the sums, which add the same numbers in the same order
    leaving = np.unique(leave_from)
    every = bool(np.isnan(patients).any())  # a missing count: pandas sums all groups alike
    is_leaving = _member_test(leaving)  # a table over the keys where they are few
    read = is_leaving(arrive_at[known_row]) | every
    known_at = arrive_at[known_row] * n_places + known_place  # as a full group sum's keys
    known_ordered = _ordered(known_at) and not np.isnan(patients[known_row]).any()
    mixed = (known_row[read], known_place[read], known_share[read])
    carried = (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),)
    for _ in range(CARRY_STEPS):
        more = is_leaving(arrive_at[carried[0]]) | every
        rows = np.concatenate([mixed[0], carried[0][more]])
        at = arrive_at[rows] * n_places + np.concatenate([mixed[1], carried[1][more]])
        later = arrive_at[carried[0]] * n_places + carried[1]
        mix = _group_sum(np.concatenate([mixed[2], carried[2][more]]) * patients[rows], at,
                         known_ordered and _ordered(later)
                         and not np.isnan(carried[2] * patients[carried[0]]).any()
                         and (not len(known_at) or not len(later) or known_at[-1] <= later[0]))
        # by (pathway, service, place), in that order
        key = mix.index.to_numpy() // n_places
        total = mix.groupby(key).transform("sum").to_numpy()
        value = mix.to_numpy()
        share = np.where(total > 0, value / np.where(total > 0, total, 1.0), 0.0)
        left, which = _inner_join(leave_from, key)  # each loose flow with its source's mix
        new_row = loose[left]
        new_place = mix.index.to_numpy()[which] % n_places
        new_share = share[which]
        good = new_share > 0
        new = (new_row[good], new_place[good], new_share[good])
        if all(np.array_equal(a, b) for a, b in zip(new, carried)):
            break
        carried = new
    rank = (carried[0] if index.is_monotonic_increasing  # the labels in order of position
            else index.argsort(kind="stable").argsort()[carried[0]])
    order = np.lexsort((carried[1], rank))  # by the row's label, then place
    return (np.concatenate([known_row, carried[0][order]]),
            np.concatenate([known_place, carried[1][order]]),
            np.concatenate([known_share, carried[2][order]]))


def _member_test(wanted: np.ndarray):
    """``lambda keys: np.isin(keys, wanted)`` for non-negative integer keys, by a boolean
    table over their range where it is small (``np.isin`` sorted ~300,000 keys a call)."""
    top = int(wanted.max()) + 1 if len(wanted) else 0
    if not len(wanted) or wanted.min() < 0 or top > 20_000_000:
        return lambda keys: np.isin(keys, wanted)
    table = np.zeros(top + 1, dtype=bool)  # the last: every key past the wanted ones
    table[wanted] = True
    return lambda keys: table[np.clip(keys, 0, top)] & (keys >= 0)


def place_weights(system: System, flows: pd.DataFrame, places) -> np.ndarray:
    """How much of each flow belongs to ``places``: 1 where its own place, or either end's,
    is one of them (as before); the share of its patients who are residents of them where it
    runs between system-wide services; else 0.

    Examples
    --------
    >>> import netkit
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> weights = place_weights(riverside, riverside.flows, ["North"])
    >>> float(weights.min()), float(weights.max())
    (0.0, 1.0)
    """
    wanted = list(places)
    service_place = _service_places(system)
    at = pd.DataFrame({"place": flows["place"],
                       "source_place": flows["source"].map(service_place),
                       "target_place": flows["target"].map(service_place)}, index=flows.index)
    own = at["place"].notna()
    whole = np.where(own, at["place"].isin(wanted),
                     at["source_place"].isin(wanted) | at["target_place"].isin(wanted))
    placeless = (~own & at["source_place"].isna() & at["target_place"].isna()).to_numpy()
    weights = whole.astype(float)
    if placeless.any():
        shares = resident_shares(system, flows)
        shares = shares[shares["place"].isin(wanted)].groupby("row")["share"].sum()
        carried = pd.Series(flows.index).map(shares).fillna(0.0).to_numpy()
        weights = np.where(placeless, np.minimum(carried, 1.0), weights)
    return weights


def responsible_commissioners(system: System, flows: pd.DataFrame) -> pd.DataFrame:
    """The responsible commissioner of each flow's patients: ``row, commissioner, share,
    basis`` (``flow``: the flow names it; ``place``: its patients' place's; a flow carrying
    residents of two places with different commissioners has two rows); a flow with none has
    no row.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> who = responsible_commissioners(tiny, tiny.flows)  # both places: Tiny Vale ICB
    >>> who["commissioner"].unique().tolist(), len(who), len(tiny.flows)
    (['ICB'], 18, 20)

    The two flows with none are the 999 service's own (from home, and back home): no end has a
    place, and no patient arrives at it from one.
    """
    return _responsible(system, flows)


def _responsible(system: System, flows: pd.DataFrame, codes=None) -> pd.DataFrame:
    """`responsible_commissioners`; ``codes`` as `_shares_codes` takes them."""
    given = flows["commissioner"] if "commissioner" in flows else pd.Series(np.nan, flows.index)
    unnamed = given.isna().to_numpy()
    named = pd.DataFrame({"row": flows.index[~unnamed],
                          "commissioner": given[~unnamed].to_numpy(), "share": 1.0,
                          "basis": "flow"})
    places = getattr(system, "places", None)
    if places is None or not len(places) or "commissioner" not in places:
        return named
    by_place = kept(system, ("partners", "place commissioners"), lambda s: s.places.dropna(
        subset=["commissioner"]).set_index("place")["commissioner"])  # read only
    index = pd.Index(flows.index)
    if not (index.is_monotonic_increasing and index.is_unique):  # group by the row's label
        shares = resident_shares(system, flows[unnamed])
        shares = shares.assign(commissioner=shares["place"].map(by_place)).dropna(
            subset=["commissioner"])
        shares = shares.groupby(["row", "commissioner"], as_index=False)["share"].sum()
        return pd.concat([named, shares.assign(basis="place")], ignore_index=True)
    # on codes: rows by position (the labels are in order), commissioners sorted by name
    if unnamed.all():
        row, place, share, place_names, known = _shares_codes(system, flows, codes)
        index_of = index
    else:
        row, place, share, place_names, known = _shares_codes(
            system, flows[unnamed], None if codes is None else codes.subset(unnamed))
        index_of = index[unnamed]
    payer = by_place.reindex(place_names).to_numpy(dtype=object)
    missing = pd.isna(payer)
    payers = np.sort(pd.unique(payer[~missing]))
    payer_code = np.full(len(payer), -1, dtype=np.int64)
    payer_code[~missing] = _codes(payer[~missing], payers)
    who = payer_code[place]
    has = who >= 0
    width = max(len(payers), 1)
    key = row.astype(np.int64) * width + who
    # a flow with a place has one row, so a group of its own (summed, its share as it is;
    # those rows come first, in order): only the carried rows are grouped, then put in place
    alone = has[:known]
    loose = key[known:][has[known:]]
    first = key[:known][alone]
    summed = _group_sum(share[known:][has[known:]], loose, _ordered(first) and _ordered(loose) and (
        not len(first) or not len(loose) or first[-1] <= loose[0]))
    carried = summed.index.to_numpy().astype(np.int64)
    at = np.searchsorted(key[:known][alone], carried)
    key = np.insert(key[:known][alone], at, carried)
    value = np.insert(share[:known][alone], at, summed.to_numpy(dtype="float64"))
    shares = pd.DataFrame({"row": index_of[key // width], "commissioner": payers[key % width],
                           "share": value})
    return pd.concat([named, shares.assign(basis="place")], ignore_index=True)


def commissioning_spend(system: System, flows: pd.DataFrame, services: pd.DataFrame,
                        service_spend: pd.Series, who: pd.DataFrame | None = None
                        ) -> tuple[pd.DataFrame, list[str]]:  # long: one split after another
    """In-scope spend by commissioner: ``commissioner, provider, spend``, and notes.

    Each service's spend (``service_spend``, aligned with ``services``) is split by who its
    patients are (those arriving at it; those leaving it, where none arrive in scope):

    * where a flow names its ``commissioner``, that commissioner pays for those patients;
    * the NHS part of the rest (the ICBs' share of the provider's contracts by value, or all
      of it where the provider has no contract) is paid by the patients' place's commissioner
      (``places.csv``), and by the ICBs' contract shares for patients with no place;
    * the rest (a council's share of a voluntary body's contracts, and all social care) by
      contract share.

    The splitting runs on integer positions and codes; every sum adds the same numbers in the
    same order as grouping by name would. ``who`` is `responsible_commissioners` of ``flows``
    where already worked out (`netkit.partners.scope.Scope.responsible`).

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> scope = find_scope(riverside, riverside.opportunity("end-of-life-at-home"))
    >>> spend, notes = commissioning_spend(riverside, scope.flows, scope.services,
    ...                                    scope.services["activity"] * 0 + 1.0)
    >>> spend[spend["provider"] == "VCSE-CARERS"].round(2).values.tolist()
    [['LA-NORTH', 'VCSE-CARERS', 0.6], ['LA-SOUTH', 'VCSE-CARERS', 0.4]]
    """
    return _commissioning_spend(system, flows, services, service_spend, who)


def _commissioning_spend(system: System, flows: pd.DataFrame, services: pd.DataFrame,
                         service_spend: pd.Series, who: pd.DataFrame | None = None,
                         codes=None, service_codes: np.ndarray | None = None
                         ) -> tuple[pd.DataFrame, list[str]]:
    """`commissioning_spend`; with ``codes`` (`netkit.partners.coded.FlowCodes` of ``flows``)
    and ``service_codes`` (each of ``services``' end code), the flows' ends are found by
    code rather than by name."""
    return _apply_spend(_spend_basis(system, flows, services, who, codes, service_codes),
                        service_spend.to_numpy(dtype=float))


def _spend_basis(system: System, flows: pd.DataFrame, services: pd.DataFrame,
                 who: pd.DataFrame | None = None, codes=None,
                 service_codes: np.ndarray | None = None) -> dict:
    """What `_commissioning_spend` works out whatever the spend: the services' ends, each
    patient's part of a service by who pays, the NHS part of each provider's contracts (worked
    out once per scope, `netkit.partners.scope.Scope.kept`; `_apply_spend` applies a spend)."""
    ids = services["id"].to_numpy(dtype=object)
    # the contracts and which are the ICBs', worked out once per system (read only): the
    # contract table's copy and an isin against every ICB took a fifth of this a query
    contracts, nhs = kept(system, ("partners", "contract shares"), _nhs_contracts)
    prov, prov_names = pd.factorize(np.concatenate([
        services["provider"].to_numpy(dtype=object),
        contracts["provider"].to_numpy(dtype=object)]))
    provider, c_prov = prov[:len(ids)], prov[len(ids):]
    c_share = contracts["share"].to_numpy(dtype=float)
    nhs_share = pd.Series(c_share[nhs]).groupby(c_prov[nhs]).sum()
    nhs_part = nhs_share.reindex(provider).to_numpy(dtype=float)
    nhs_part = np.where(np.isnan(nhs_part), 0.0, nhs_part)
    nhs_part[~np.isin(provider, c_prov)] = 1.0
    social = isin(services["category"], set(SOCIAL_CARE))
    nhs_part[social] = 0.0

    row, at, patients = _service_ends(flows, services, codes, service_codes)
    total = _sum_by(patients, at, len(ids))
    who = responsible_commissioners(system, flows) if who is None else who
    left, right = _inner_join(row, who["row"].to_numpy())
    w_at = at[left]
    with np.errstate(invalid="ignore", divide="ignore"):  # a service no patient reaches: 0
        part = (patients[left].astype(float) * who["share"].to_numpy(dtype=float)[right]
                / total[w_at])
    part = np.where(np.isfinite(part), part, 0.0)
    basis = who["basis"].to_numpy(dtype=object)[right]
    named = basis == "flow"
    placed = (basis == "place") & ~social[w_at]
    payer = who["commissioner"].to_numpy(dtype=object)[right]
    keep = np.r_[np.flatnonzero(named), np.flatnonzero(placed)]
    c_who = contracts["commissioner"].to_numpy(dtype=object)
    return {"ids": ids, "who": _commissioner_codes(payer[keep], c_who),
            "prov_rank": _ranks(np.asarray(prov_names, dtype=object)),
            "provider": provider, "c_prov": c_prov, "c_share": c_share,
            "nhs": nhs, "nhs_part": nhs_part, "prov_names": np.asarray(prov_names, dtype=object),
            "named_part": _sum_by(part[named], w_at[named], len(ids)),
            "placed_part": _sum_by(part[placed], w_at[placed], len(ids)),
            "part_named": part[named], "at_named": w_at[named],
            "part_placed": part[placed], "at_placed": w_at[placed],
            "payer": payer[keep], "payer_provider": provider[w_at[keep]],
            "c_who": c_who,
            "providers": pd.Series(services["provider"].to_numpy(dtype=object), index=ids),
            "contracts": contracts.assign(nhs=nhs)}


def _apply_spend(basis: dict, spend: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    """`_commissioning_spend` of a spend per service (aligned with the services of
    `_spend_basis`), from what `_spend_basis` worked out."""
    who, provider, amount, coded, rest_nhs = _spend_parts(basis, spend)
    out = (_by_coded_pair(who, provider, amount, basis["who"][2], basis["prov_names"],
                          basis["prov_rank"]) if coded  # on codes: no text sorted
           else _by_pair(who, provider, amount, basis["prov_names"]))
    return out, _contract_note(pd.Series(rest_nhs, index=basis["ids"]), basis["providers"],
                               basis["contracts"])


def paying_commissioners(basis: dict, spend: np.ndarray) -> set:
    """The commissioners `_apply_spend` of ``spend`` gives any spend over 0, without summing
    each pair's spend where no part is below 0 (such a sum is over 0 where a part is; a
    missing part skipped as the sums skip it): the scope's question (0.02 s nationally)."""
    who, _, amount, coded, _ = _spend_parts(basis, spend)
    if (amount < 0).any():  # parts may cancel: summed per pair
        paid, _ = _apply_spend(basis, spend)
        return set(paid.loc[paid["spend"] > 0, "commissioner"].tolist())
    paying = who[amount > 0]
    names = basis["who"][2][np.unique(paying)] if coded else pd.unique(paying)
    return set(names.tolist())


def _spend_parts(basis: dict, spend: np.ndarray) -> tuple:
    """`_apply_spend`'s parts before each pair is summed: ``(who, provider, amount, coded,
    rest_nhs)``, ``who`` the payers as codes in the sorted names ``basis["who"][2]`` where
    ``coded``, else as their names; ``provider`` codes in ``basis["prov_names"]``; and the
    NHS spend left to the contracts per service."""
    nhs_part, provider, c_prov, c_share, nhs = (basis[k] for k in (
        "nhs_part", "provider", "c_prov", "c_share", "nhs"))
    amount = np.r_[basis["part_named"] * spend[basis["at_named"]],
                   basis["part_placed"] * (spend * nhs_part)[basis["at_placed"]]]
    nonzero = amount != 0
    out_who = [basis["payer"][nonzero]]
    out_prov = [basis["payer_provider"][nonzero]]
    out_spend = [amount[nonzero]]
    rest_nhs = spend * nhs_part * np.clip(1.0 - basis["named_part"] - basis["placed_part"],
                                          0.0, None)
    rest_other = spend * (1.0 - nhs_part) * np.clip(1.0 - basis["named_part"], 0.0, None)
    c_who = basis["c_who"]
    mines = []
    for rest, of_nhs in ((rest_nhs, True), (rest_other, False)):
        owed = pd.Series(rest).groupby(provider).sum()
        mine = (nhs == of_nhs) & np.isin(c_prov, owed.index[owed > 0].to_numpy())
        mines.append(mine)
        norm = pd.Series(c_share[mine]).groupby(c_prov[mine]).transform("sum").to_numpy()
        out_who.append(c_who[mine])
        out_prov.append(c_prov[mine])
        out_spend.append(c_share[mine] / norm * owed.reindex(c_prov[mine]).to_numpy(
            dtype="float64"))
    coded = basis.get("who")
    if coded is not None and basis.get("prov_rank") is not None:
        payer_code, c_code, _ = coded
        who = np.concatenate([payer_code[nonzero]] + [c_code[m] for m in mines])
        return who, np.concatenate(out_prov), np.concatenate(out_spend), True, rest_nhs
    return (np.concatenate(out_who), np.concatenate(out_prov), np.concatenate(out_spend),
            False, rest_nhs)


def _nhs_contracts(system: System) -> tuple[pd.DataFrame, np.ndarray]:
    """The system's `commissioning_shares`, and whether each contract is an ICB's."""
    from netkit.finance.contracts import commissioning_shares

    contracts = commissioning_shares(system)
    orgs = system.organisations
    return contracts, isin(contracts["commissioner"],
                           set(orgs.loc[orgs["type"] == "icb", "id"].tolist()))


def _sum_by(values: np.ndarray, at: np.ndarray, n: int) -> np.ndarray:
    """Sums of ``values`` by position ``at`` (0..n-1), as a pandas group sum adds them."""
    out = np.zeros(n)
    if len(at) and at.min() >= 0 and values.dtype == np.float64:  # no keys hashed (key_sums)
        distinct, summed = key_sums(at, values)
        out[distinct[distinct < n]] = summed[distinct < n]
        return out
    return pd.Series(values).groupby(at).sum().reindex(np.arange(n), fill_value=0.0).to_numpy(
        dtype=float)


def _inner_join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of an inner join on equal keys, in pandas' order: the left rows in order,
    each with its right matches in their order."""
    if len(right) and (right[1:] > right[:-1]).all():  # each key once, in order: one search
        at = np.minimum(np.searchsorted(right, left), len(right) - 1)
        found = right[at] == left
        return np.flatnonzero(found), at[found]
    order = np.argsort(right, kind="stable")
    keys = right[order]
    lo = np.searchsorted(keys, left, side="left")
    count = np.searchsorted(keys, left, side="right") - lo
    left_at = np.repeat(np.arange(len(left)), count)
    start = np.repeat(lo - np.cumsum(count) + count, count)
    return left_at, order[start + np.arange(len(left_at))]


def _by_pair(who: np.ndarray, whom: np.ndarray, amount: np.ndarray,
             whom_names: np.ndarray) -> pd.DataFrame:
    """``commissioner, provider, spend`` summed per pair, the pairs in sorted order; ``whom``
    as codes in ``whom_names`` (only the names used are sorted)."""
    c_code, c_names = pd.factorize(who, sort=True)
    whom = np.where(whom < 0, len(whom_names) - 1, whom)  # as indexing by -1 reads
    used, where = np.unique(whom, return_inverse=True)
    p_names = whom_names[used]
    order = np.argsort(p_names, kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    p_code, p_names = rank[where.reshape(-1)], p_names[order]
    key = c_code.astype(np.int64) * max(len(p_names), 1) + p_code
    summed = pd.Series(amount).groupby(key).sum()
    at = summed.index.to_numpy()
    return pd.DataFrame({"commissioner": np.asarray(c_names, dtype=object)[at // max(len(p_names), 1)],
                         "provider": np.asarray(p_names, dtype=object)[at % max(len(p_names), 1)],
                         "spend": summed.to_numpy(dtype="float64")})


def _commissioner_codes(payer: np.ndarray, c_who: np.ndarray) -> tuple | None:
    """The payers' and the contracts' commissioners as codes in their names together,
    sorted, and those names (each text factorised once per scope, not at each spend applied);
    None where a name is missing or not text."""
    p_code, p_names = pd.factorize(payer, sort=True)
    c_code, c_names = pd.factorize(c_who, sort=True)
    names = np.concatenate([np.asarray(p_names, dtype=object), np.asarray(c_names, dtype=object)])
    if (p_code < 0).any() or (c_code < 0).any() or \
            pd.api.types.infer_dtype(names, skipna=False) not in ("string", "empty"):
        return None
    names = np.sort(pd.unique(names))
    return (np.searchsorted(names, p_names)[p_code] if len(p_code) else p_code,
            np.searchsorted(names, c_names)[c_code] if len(c_code) else c_code, names)


def _ranks(names: np.ndarray) -> np.ndarray | None:
    """Each name's place in sorted order (ties by position), or None where one is not text."""
    if pd.api.types.infer_dtype(names, skipna=False) not in ("string", "empty"):
        return None
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.argsort(names, kind="stable")] = np.arange(len(names))
    return rank


def _by_coded_pair(who: np.ndarray, whom: np.ndarray, amount: np.ndarray,
                   who_names: np.ndarray, whom_names: np.ndarray, whom_rank: np.ndarray
                   ) -> pd.DataFrame:
    """`_by_pair` of ``who`` as codes in sorted ``who_names`` and ``whom`` as codes in
    ``whom_names``, ranked ``whom_rank`` in sorted order: the used providers found by a count,
    the pairs summed by `netkit._frames.key_sums` (as pandas adds); no text hashed or sorted."""
    whom = np.where(whom < 0, len(whom_names) - 1, whom)  # as indexing by -1 reads
    used = np.flatnonzero(np.bincount(whom, minlength=len(whom_names)))
    used = used[np.argsort(whom_rank[used], kind="stable")]  # in order of name
    p_code = np.empty(len(whom_names), dtype=np.int64)
    p_code[used] = np.arange(len(used))
    width = max(len(used), 1)
    at, summed = key_sums(who.astype(np.int64) * width + p_code[whom], amount)
    return pd.DataFrame({"commissioner": who_names[at // width],
                         "provider": whom_names[used][at % width], "spend": summed})


def _service_ends(flows: pd.DataFrame, services: pd.DataFrame, codes=None,
                  service_codes: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``row, service, patients`` (the service as its position in ``services``): the flows
    arriving at each service, or leaving it where none arrive in scope. ``codes`` and
    ``service_codes`` as `_commissioning_spend` takes them."""
    if codes is not None:
        position = np.full(len(codes.tables["labels"]) + 1, -1, dtype=np.intp)
        position[service_codes[service_codes >= 0]] = np.flatnonzero(service_codes >= 0)
        target, source = position[codes.target], position[codes.source]
    else:
        ids = pd.Index(services["id"].to_numpy(dtype=object))
        target = ids.get_indexer(flows["target"].to_numpy(dtype=object))
        source = ids.get_indexer(flows["source"].to_numpy(dtype=object))
    arrived = np.zeros(len(services), dtype=bool)
    arrived[target[target >= 0]] = True
    leaving = (source >= 0) & ~arrived[np.where(source >= 0, source, 0)]
    arriving = np.flatnonzero(target >= 0)
    leaves = np.flatnonzero(leaving)
    at = np.concatenate([arriving, leaves])
    return (flows.index.to_numpy()[at], np.concatenate([target[arriving], source[leaves]]),
            flows["patients"].to_numpy()[at])


def _contract_note(rest_nhs: pd.Series, provider: pd.Series, contracts: pd.DataFrame) -> list:
    """The note where NHS spend fell back on contract shares and the rule could be wrong (the
    provider has two or more ICB contracts)."""
    nhs = contracts[contracts["nhs"]]
    shared = set(nhs.loc[nhs.duplicated("provider", keep=False), "provider"])
    unassigned = rest_nhs[(rest_nhs > 0).to_numpy() & provider.isin(shared).to_numpy()]
    if not len(unassigned):
        return []
    return [(f"spend at {len(unassigned)} NHS service{'s' if len(unassigned) != 1 else ''} "
             "whose patients have no responsible commissioner (no flows.csv commissioner, and no "
             "commissioner for their place in places.csv) is split by each ICB's share of the "
             "provider's contracts")]
