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
contracts (`netkit.finance.incentives.commissioning_shares`), with a note saying so. Social care
(``social_care`` and ``care_home`` services) is commissioned by councils under their own
contracts, so it keeps the contract-share rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.model.schema import HOME
from netkit.model.system import System

__all__ = ["resident_shares", "place_weights", "responsible_commissioners",
           "commissioning_spend", "SOCIAL_CARE"]

#: Service categories whose spend stays with the council that contracts for it.
SOCIAL_CARE = ("social_care", "care_home")

#: How many steps along a pathway the residents of a place are carried through system-wide
#: services (pathways are rarely longer; a cycle converges well within it).
CARRY_STEPS = 12


def _service_places(system: System) -> pd.Series:
    services = system.services
    orgs = system.organisations.set_index("id")
    place = services["place"].fillna(services["provider"].map(orgs["place"]))
    return pd.Series(place.to_numpy(), index=services["id"].to_numpy())


def resident_shares(system: System, flows: pd.DataFrame) -> pd.DataFrame:
    """Which places' residents each flow carries: ``row`` (the flow's index), ``place``,
    ``share`` (summing to 1 for a flow with any place; a system-wide flow has no rows).

    A flow's own place, else its source's place, else its target's place; a flow between
    system-wide services takes the mix of places arriving at its source on its pathway.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> shares = resident_shares(tiny, tiny.flows)  # the care home is in the South
    >>> shares.groupby("place")["share"].sum().to_dict()
    {'North': 17.0, 'South': 1.0}
    """
    service_place = _service_places(system)
    own = flows["place"].where(flows["place"].notna(), flows["source"].map(service_place))
    own = own.where(own.notna(), flows["target"].map(service_place))
    fixed = pd.DataFrame({"row": flows.index[own.notna()], "place": own[own.notna()].to_numpy(),
                          "share": 1.0})
    loose = flows[own.isna() & (flows["source"] != HOME)]
    if loose.empty or fixed.empty:
        return fixed
    carried = fixed.iloc[:0]
    for _ in range(CARRY_STEPS):
        known = pd.concat([fixed, carried], ignore_index=True)
        arriving = known.assign(pathway=flows.loc[known["row"], "pathway"].to_numpy(),
                                service=flows.loc[known["row"], "target"].to_numpy(),
                                patients=known["share"].to_numpy()
                                * flows.loc[known["row"], "patients"].to_numpy())
        mix = arriving.groupby(["pathway", "service", "place"], as_index=False)["patients"].sum()
        total = mix.groupby(["pathway", "service"])["patients"].transform("sum")
        mix["mix"] = np.where(total > 0, mix["patients"] / total.where(total > 0, 1.0), 0.0)
        step = (loose.reset_index().rename(columns={"index": "row", "place": "_place"})
                .merge(mix[["pathway", "service", "place", "mix"]],
                       left_on=["pathway", "source"], right_on=["pathway", "service"]))
        step = step[step["mix"] > 0]
        new = pd.DataFrame({"row": step["row"].to_numpy(), "place": step["place"].to_numpy(),
                            "share": step["mix"].to_numpy()})
        new = new.sort_values(["row", "place"], kind="mergesort").reset_index(drop=True)
        if new.equals(carried):
            break
        carried = new
    return pd.concat([fixed, carried], ignore_index=True)


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
    given = flows["commissioner"] if "commissioner" in flows else pd.Series(np.nan, flows.index)
    named = pd.DataFrame({"row": flows.index[given.notna()],
                          "commissioner": given[given.notna()].to_numpy(), "share": 1.0,
                          "basis": "flow"})
    places = getattr(system, "places", None)
    if places is None or not len(places) or "commissioner" not in places:
        return named
    by_place = places.dropna(subset=["commissioner"]).set_index("place")["commissioner"]
    shares = resident_shares(system, flows[given.isna()])
    shares = shares.assign(commissioner=shares["place"].map(by_place)).dropna(
        subset=["commissioner"])
    shares = shares.groupby(["row", "commissioner"], as_index=False)["share"].sum()
    return pd.concat([named, shares.assign(basis="place")], ignore_index=True)


def commissioning_spend(system: System, flows: pd.DataFrame, services: pd.DataFrame,
                        service_spend: pd.Series) -> tuple[pd.DataFrame, list[str]]:  # long: one split after another
    """In-scope spend by commissioner: ``commissioner, provider, spend``, and notes.

    Each service's spend (``service_spend``, aligned with ``services``) is split by who its
    patients are (those arriving at it; those leaving it, where none arrive in scope):

    * where a flow names its ``commissioner``, that commissioner pays for those patients;
    * the NHS part of the rest (the ICBs' share of the provider's contracts by value, or all
      of it where the provider has no contract) is paid by the patients' place's commissioner
      (``places.csv``), and by the ICBs' contract shares for patients with no place;
    * the rest (a council's share of a voluntary body's contracts, and all social care) by
      contract share.

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
    from netkit.finance.incentives import commissioning_shares

    ids = services["id"].to_numpy()
    spend = pd.Series(service_spend.to_numpy(dtype=float), index=ids)
    provider = pd.Series(services["provider"].to_numpy(), index=ids)
    social = pd.Series(services["category"].isin(SOCIAL_CARE).to_numpy(), index=ids)
    contracts = commissioning_shares(system)
    icb = set(system.organisations.loc[system.organisations["type"] == "icb", "id"])
    contracts = contracts.assign(nhs=contracts["commissioner"].isin(icb))
    nhs_share = contracts[contracts["nhs"]].groupby("provider")["share"].sum()
    contracted = set(contracts["provider"])
    nhs_part = provider.map(nhs_share).fillna(0.0)
    nhs_part[~provider.isin(contracted)] = 1.0
    nhs_part[social] = 0.0

    ends = _service_ends(flows, services)
    total = ends.groupby("service")["patients"].sum()
    who = ends.merge(responsible_commissioners(system, flows), on="row")
    who["part"] = (who["patients"].to_numpy(dtype=float) * who["share"].to_numpy(dtype=float)
                   / who["service"].map(total).to_numpy(dtype=float))
    named = who[who["basis"] == "flow"]
    placed = who[(who["basis"] == "place") & ~who["service"].map(social).astype(bool)]
    named_part = named.groupby("service")["part"].sum().reindex(ids, fill_value=0.0)
    placed_part = placed.groupby("service")["part"].sum().reindex(ids, fill_value=0.0)
    parts = pd.concat([
        named.assign(spend=named["part"].to_numpy(dtype=float)
                     * named["service"].map(spend).to_numpy(dtype=float)),
        placed.assign(spend=placed["part"].to_numpy(dtype=float)
                      * placed["service"].map(spend * nhs_part).to_numpy(dtype=float))])
    parts["provider"] = parts["service"].map(provider)
    parts = parts[parts["spend"] != 0]
    rest_nhs = spend * nhs_part * (1.0 - named_part - placed_part).clip(lower=0.0)
    rest_other = spend * (1.0 - nhs_part) * (1.0 - named_part).clip(lower=0.0)
    by_contract = []
    for rest, of_nhs in ((rest_nhs, True), (rest_other, False)):
        owed = rest.groupby(provider).sum()
        part = contracts[(contracts["nhs"] == of_nhs) & contracts["provider"].isin(
            owed.index[owed > 0])]
        norm = part.groupby("provider")["share"].transform("sum")
        by_contract.append(part.assign(spend=part["share"] / norm
                                       * part["provider"].map(owed).astype("float64")))
    out = pd.concat([parts[["commissioner", "provider", "spend"]]]
                    + [b[["commissioner", "provider", "spend"]] for b in by_contract],
                    ignore_index=True)
    out = out.groupby(["commissioner", "provider"], as_index=False, sort=True)["spend"].sum()
    return out, _contract_note(rest_nhs, provider, contracts)


def _service_ends(flows: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """``row, service, patients``: the flows arriving at each service, or leaving it where
    none arrive in scope."""
    arrivals = flows[flows["target"].isin(services["id"])]
    ends = pd.DataFrame({"row": arrivals.index, "service": arrivals["target"].to_numpy()})
    no_arrivals = ~services["id"].isin(arrivals["target"])
    leaving = flows[flows["source"].isin(services.loc[no_arrivals, "id"])]
    ends = pd.concat([ends, pd.DataFrame({"row": leaving.index,
                                          "service": leaving["source"].to_numpy()})])
    ends["patients"] = flows.loc[ends["row"], "patients"].to_numpy()
    return ends


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
