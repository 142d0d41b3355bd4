"""Checks of the format version 2 additions against the rest of a system.

``places.csv`` names the places the ``place`` columns use, with their populations and the bodies
responsible for their residents; ``seats.csv`` names seats of several organisations;
``flows.commissioner`` names the responsible commissioner of a flow's patients;
``relationships.variable_share`` is the variable part of an ``api`` contract;
``relationships.service`` names the service line(s) a ``commissions`` contract pays for;
``pathways.denominator`` names the population a pathway's rates are per; and ``services.unit``
and ``services.length_of_stay`` say what a contact at a service is and how many days a stay
there lasts (`check_service_stays`). Each must name what exists, or be a number in range. ``system.yaml``'s ``finance`` mapping holds numbers in stated ranges.

Every version 1 system has none of these, and passes every check here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.errors import SHOWN_PER_KIND, Problem
from netkit.io.suggest import _suggest
from netkit.model.schema import (
    DAY_UNITS,
    FINANCE_KEYS,
    MONEY_CEILING,
    POPULATION_PREFIX,
    SERVICE_CATEGORIES,
    unit_words,
)

__all__ = ["check_version_2_references", "check_finance", "check_contract_services",
           "check_service_stays", "DAY_UNITS", "CONTACT_UNITS"]


#: Values of ``services.unit`` meaning a contact is a contact (as with no unit).
CONTACT_UNITS = ("contact", "contacts", "attendance", "attendances", "appointment",
                 "appointments", "visit", "visits", "episode", "episodes", "admission",
                 "admissions", "call", "calls")

_STAY = "the average length of stay in days, ≥ 0, such as 6.5"


def _flag(problems: list[Problem], label: str, rows: pd.Series, values: pd.Series,
          mask: pd.Series, column: str, message, severity: str = "error") -> None:
    """One problem per row where ``mask`` holds (the first `SHOWN_PER_KIND`, then one that
    counts the rest, as the version 1 checks do)."""
    if not mask.any():
        return
    bad_rows, bad_values = rows[mask], values[mask]
    pairs = list(zip(bad_rows.tolist(), bad_values.tolist()))
    for row, value in pairs[:SHOWN_PER_KIND]:
        text = message(value) if callable(message) else message
        problems.append(Problem(label, int(row), column, value, text, severity))
    more = len(pairs) - SHOWN_PER_KIND
    if more > 0:
        row, value = pairs[SHOWN_PER_KIND]
        text = message(value) if callable(message) else message
        problems.append(Problem(label, int(row), column, None,
                                f"and {more:,} more rows like these, from this row on (the "
                                f"first: {value!r} {text})", severity, more=more))


def check_version_2_references(tables: dict[str, pd.DataFrame], rows: dict[str, pd.Series],
                               labels: dict[str, str], problems: list[Problem],
                               place_codes: tuple | None = None) -> None:
    """Check what the version 2 columns and tables name.

    * ``places.csv``: each place once; ``commissioner`` and ``council`` are organisation ids.
    * ``seats.csv``: each id once; every member is an organisation id; a seat has two or more
      members (a warning otherwise: one organisation sits alone anyway).
    * ``flows.csv``: ``commissioner`` is an organisation id; where ``places.csv`` has rows, a
      flow's ``place`` is one of them (a warning: such flows are not counted in rates per head).
    * ``relationships.csv``: ``variable_share`` only with ``payment: api`` (a warning
      otherwise), and an ``api`` contract without one is taken as all fixed (a warning).
    * ``relationships.csv``: ``service`` (`check_contract_services`).
    * ``pathways.csv``: ``denominator`` is a population column of ``places.csv``.

    ``place_codes``, if given, is ``(codes, distinct values)`` of the flows' places
    (`pandas.factorize`, missing values coded too), so that they are not coded again.
    """
    org_ids = set(tables["organisations"]["id"])
    places, seats = tables["places"], tables["seats"]
    flows, rels, pathways = tables["flows"], tables["relationships"], tables["pathways"]

    def org_refs(name: str, column: str) -> None:
        values = tables[name][column]
        _flag(problems, labels[name], rows[name], values, values.notna() & ~_among(values, org_ids),
              column, lambda v: f"is not an organisation id in organisations.csv"
                                f"{_suggest(v, org_ids)}")

    dup = places["place"].duplicated(keep="first")
    _flag(problems, labels["places"], rows["places"], places["place"], dup, "place",
          "is listed twice; give each place one row")
    org_refs("places", "commissioner")
    org_refs("places", "council")
    dup = seats["id"].duplicated(keep="first")
    _flag(problems, labels["seats"], rows["seats"], seats["id"], dup, "id",
          "is used twice; give each seat its own id")
    _check_seat_members(seats, rows["seats"], labels["seats"], org_ids, problems)
    org_refs("flows", "commissioner")
    if len(places):
        known = set(places["place"])
        unknown = flows["place"].notna() & ~_among(flows["place"], known, place_codes)
        _flag(problems, labels["flows"], rows["flows"], flows["place"], unknown, "place",
              lambda v: f"is not a place in places.csv{_suggest(v, known)}; its patients are "
                        "not counted in rates per head", "warning")
    share = rels["variable_share"]
    _flag(problems, labels["relationships"], rows["relationships"], share,
          share.notna() & (rels["payment"] != "api"), "variable_share",
          "is given for a contract that does not pay by 'api'; it is ignored (set payment to "
          "'api' to use it)", "warning")
    _flag(problems, labels["relationships"], rows["relationships"], rels["payment"],
          (rels["payment"] == "api") & share.isna(), "payment",
          "is 'api' with no variable_share; the contract is taken as all fixed (give "
          "variable_share, the part of the contract that moves with activity, from 0 to 1)",
          "warning")
    check_contract_services(rels, rows["relationships"], labels["relationships"],
                            tables["services"], problems)
    check_service_stays(tables["services"], rows["services"], labels["services"], problems)
    columns = {c for c in places.columns if c == "population" or c.startswith(POPULATION_PREFIX)}
    denominator = pathways["denominator"]
    _flag(problems, labels["pathways"], rows["pathways"], denominator,
          denominator.notna() & ~denominator.isin(columns), "denominator",
          lambda v: f"is not a population column of places.csv (columns: "
                    f"{', '.join(sorted(columns)) or 'none: add places.csv'})"
                    f"{_suggest(v, columns)}")


def _among(values: pd.Series, wanted: set, coded: tuple | None = None) -> np.ndarray:
    """``values.isin(wanted)`` as a boolean array, each distinct value looked up once in the
    set ``wanted`` (no table of the 51,000 organisation ids of England built for a column of
    170 places); ``coded`` is ``values``' `pandas.factorize` (missing values coded) if known.

    Examples
    --------
    >>> _among(pd.Series(["a", "b", None, "a"]), {"b", "a"}).tolist()
    [True, True, False, True]
    """
    codes, distinct = coded or pd.factorize(values, use_na_sentinel=False)
    found = np.array([isinstance(v, str) and v in wanted for v in list(distinct)], dtype=bool)
    return found[codes]


def check_contract_services(rels: pd.DataFrame, rows: pd.Series, label: str,
                            services: pd.DataFrame, problems: list[Problem]) -> None:
    """Check ``relationships.service``: the service lines a ``commissions`` contract pays for.

    Each named service (``;``-separated) is a service id of services.csv that the contract's
    ``target`` provides, and a commissioner has at most one contract per service line with a
    provider (its contract naming no service covers the rest). ``service`` on any other type
    of relationship is ignored, with a warning.

    Examples
    --------
    >>> rels = pd.DataFrame({"source": ["ICB", "ICB", "ICB", "LA"],
    ...     "target": ["T", "T", "T", "T"], "type": ["commissions"] * 3 + ["partnership"],
    ...     "service": ["COM", "ACUT;COM", "WARD", "COM"]})
    >>> services = pd.DataFrame({"id": ["COM", "ACUTE", "WARD"], "provider": ["T", "T", "H"]})
    >>> problems = []
    >>> check_contract_services(rels, pd.Series([2, 3, 4, 5]), "relationships.csv", services,
    ...                         problems)
    >>> for p in problems: print(p)
    relationships.csv row 3, column service: 'ACUT' is not a service id in services.csv (did you mean 'ACUTE'?); name one of T's services
    relationships.csv row 4, column service: 'WARD' is a service of H, not of T; a contract pays for services its target provides: name one of T's services, or give the contract to H
    relationships.csv row 3, column service: 'COM' already has a contract from ICB to T at row 2; give each service line one contract (add the values together in one row)
    relationships.csv row 5, column service: 'COM' is given on a 'partnership' relationship; only 'commissions' rows name a service line, so it is ignored (remove it)
    """
    if "service" not in rels or not rels["service"].notna().any():
        return
    given = rels["service"].notna() & (rels["service"].astype(str).str.strip() != "")
    contract = rels["type"] == "commissions"
    named = rels.loc[given & contract, ["source", "target", "service"]].assign(
        _row=rows[given & contract].to_numpy())
    named["service"] = named["service"].astype(str).str.split(";")
    named = named.explode("service")
    named["service"] = named["service"].str.strip()
    named = named[named["service"] != ""]
    provider = dict(zip(services["id"], services["provider"]))
    known = set(provider)
    of = named["service"].map(provider)
    texts = named.assign(_of=of)
    unknown = of.isna()
    _flag(problems, label, named["_row"], named["service"], unknown, "service",
          lambda v, t=iter(texts.loc[unknown, "target"].tolist()):
          f"is not a service id in services.csv{_suggest(v, known)}; name one of {next(t)}'s "
          "services")
    elsewhere = of.notna() & (of != named["target"])
    _flag(problems, label, named["_row"], named["service"], elsewhere, "service",
          lambda v, t=iter(texts.loc[elsewhere, ["target", "_of"]].values.tolist()):
          (lambda target, owner: f"is a service of {owner}, not of {target}; a contract pays "
                                 f"for services its target provides: name one of {target}'s "
                                 f"services, or give the contract to {owner}")(*next(t)))
    key = ["source", "target", "service"]
    again = named.duplicated(key, keep="first")
    first = named.groupby(key)["_row"].transform("min")
    _flag(problems, label, named["_row"], named["service"], again, "service",
          lambda v, t=iter(named.loc[again, ["source", "target"]].assign(
              _first=first[again]).values.tolist()):
          (lambda source, target, at: f"already has a contract from {source} to {target} at "
                                      f"row {at}; give each service line one contract (add the "
                                      "values together in one row)")(*next(t)))
    other = given & ~contract
    _flag(problems, label, rows, rels["service"], other, "service",
          lambda v, t=iter(rels.loc[other, "type"].tolist()):
          f"is given on a {next(t)!r} relationship; only 'commissions' rows name a service "
          "line, so it is ignored (remove it)", "warning")


def check_service_stays(services: pd.DataFrame, rows: pd.Series, label: str,
                        problems: list[Problem]) -> None:
    """Check ``services.unit`` and ``services.length_of_stay`` (optional extra columns).

    ``length_of_stay`` is a number of days ≥ 0 (an error otherwise: it sizes bed days).
    ``unit`` is one of `DAY_UNITS` or `CONTACT_UNITS` (any case): a near miss of a day unit is
    an error with "did you mean", since it would silently drop the service's bed days; any
    other value is a warning (each contact there counts as one contact).

    Examples
    --------
    >>> services = pd.DataFrame({"id": ["WARD", "ED", "CH", "VW"],
    ...     "unit": ["Day", "attendance", "dayz", "week"],
    ...     "length_of_stay": ["6.5", "-1", "six", None]})
    >>> problems = []
    >>> check_service_stays(services, pd.Series([2, 3, 4, 5]), "services.csv", problems)
    >>> for p in problems: print(p)
    services.csv row 4, column length_of_stay: 'six' is not a number (expected the average length of stay in days, ≥ 0, such as 6.5)
    services.csv row 3, column length_of_stay: '-1' is negative (expected the average length of stay in days, ≥ 0, such as 6.5)
    services.csv row 4, column unit: 'dayz' is not a unit netkit reads (did you mean 'day'?); write 'day' if a contact here is a bed day, or leave the cell empty
    services.csv row 5, column unit: 'week' is not a unit netkit reads (day, or a contact: contact, attendance, appointment, visit, episode, admission, call); a contact here counts as one contact, not a bed day
    """
    if "length_of_stay" in services:
        text = services["length_of_stay"].astype(object).where(
            services["length_of_stay"].notna(), "").astype(str).str.strip()
        given = text != ""
        days = pd.to_numeric(text.where(given), errors="coerce").astype("float64")
        values = services["length_of_stay"]
        _flag(problems, label, rows, values, given & days.isna(), "length_of_stay",
              f"is not a number (expected {_STAY})")
        _flag(problems, label, rows, values, np.isinf(days), "length_of_stay",
              f"is infinite (expected {_STAY})")
        _flag(problems, label, rows, values, days < 0, "length_of_stay",
              f"is negative (expected {_STAY})")
    if "unit" not in services:
        return
    words = unit_words(services)
    unknown = (words != "") & ~words.isin(DAY_UNITS + CONTACT_UNITS)
    near = unknown & words.map(lambda w: bool(_near_day(w)))
    _flag(problems, label, rows, services["unit"], near, "unit",
          lambda v: f"is not a unit netkit reads (did you mean "
                    f"{_near_day(str(v).strip().lower())!r}?); write 'day' if a contact here is "
                    "a bed day, or leave the cell empty")
    contacts = ", ".join(dict.fromkeys(u.rstrip("s") for u in CONTACT_UNITS))
    _flag(problems, label, rows, services["unit"], unknown & ~near, "unit",
          f"is not a unit netkit reads (day, or a contact: {contacts}); a contact here counts "
          "as one contact, not a bed day", "warning")


def _near_day(word: str) -> str:
    """The day unit a short word is a near miss of (``dya``: ``day``), else ``""``; looser than
    `_suggest`, as units are short."""
    import difflib

    close = difflib.get_close_matches(word, DAY_UNITS, n=1, cutoff=0.6)
    return close[0] if close else ""


def _check_seat_members(seats: pd.DataFrame, rows: pd.Series, label: str, org_ids: set,
                        problems: list[Problem]) -> None:
    """Every member of a seat is an organisation id, and no organisation is in two seats."""
    members = seats["members"].fillna("").str.split(";").explode().str.strip()
    members = members[members != ""]
    unknown = ~isin(members, org_ids)
    _flag(problems, label, rows.reindex(members.index), members, unknown, "members",
          lambda v: f"names {v!r}, which is not an organisation id in organisations.csv"
                    f"{_suggest(v, org_ids)}")
    twice = members.duplicated(keep="first")
    _flag(problems, label, rows.reindex(members.index), members, twice, "members",
          lambda v: f"names {v!r}, which is already a member of another seat; an organisation "
                    "takes part through one seat")
    count = members.groupby(level=0).size().reindex(seats.index, fill_value=0)
    _flag(problems, label, rows, seats["id"], count < 2, "members",
          "has fewer than two members; an organisation on its own needs no seat", "warning")


def check_finance(finance: Any, label: str, lines: dict, problems: list[Problem]) -> None:
    """Check ``system.yaml``'s ``finance`` mapping (version 2).

    ``marginal_share`` maps service categories to shares from 0 to 1; ``seat_days`` and
    ``tie_days`` are days a year (0 to 365); ``day_cost`` is pounds (≥ 0).

    Examples
    --------
    >>> problems = []
    >>> check_finance({"marginal_share": {"community": 1.5}, "seat_dayz": 4}, "system.yaml",
    ...               {}, problems)
    >>> for p in problems: print(p)
    system.yaml, column finance.seat_dayz: is not a key of finance (did you mean 'seat_days'? keys: marginal_share, seat_days, tie_days, day_cost)
    system.yaml, column finance.marginal_share.community: '1.5' is not a share from 0 to 1
    """
    if finance is None:
        return

    def bad(path: tuple, value, message: str, severity: str = "error") -> None:
        line = lines.get(("finance", *path)) or lines.get(("finance",)) or lines.get(())
        column = ".".join(("finance", *map(str, path)))
        problems.append(Problem(label, line, column, None if value is None else str(value),
                                message, severity))

    if not isinstance(finance, dict):
        bad((), finance, "should be a mapping such as 'finance: {day_cost: 400}'")
        return
    for key in finance:
        if key not in FINANCE_KEYS:
            close = _suggest(str(key), FINANCE_KEYS).strip(" ()")
            bad((key,), None, f"is not a key of finance ({close + ' ' if close else ''}keys: "
                              f"{', '.join(FINANCE_KEYS)})")
    shares = finance.get("marginal_share")
    if shares is not None and not isinstance(shares, dict):
        bad(("marginal_share",), shares, "should be a mapping of service category to a share "
                                         "from 0 to 1, e.g. {acute_inpatient: 0.3}")
    for category, share in (shares.items() if isinstance(shares, dict) else ()):
        if category not in SERVICE_CATEGORIES:
            bad(("marginal_share", category), None,
                f"is not a service category{_suggest(str(category), SERVICE_CATEGORIES)}; "
                "it is ignored", "warning")
        if not _number_in(share, 0.0, 1.0):
            bad(("marginal_share", category), share, "is not a share from 0 to 1")
    for key, top, what in (("seat_days", 365.0, "days a year from 0 to 365"),
                           ("tie_days", 365.0, "days a year from 0 to 365"),
                           ("day_cost", MONEY_CEILING, "an amount in pounds (≥ 0)")):
        if key in finance and not _number_in(finance[key], 0.0, top):
            bad((key,), finance[key], f"is not {what}")


def _number_in(value: Any, low: float, high: float) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float))
            and bool(np.isfinite(value)) and low <= value <= high)
