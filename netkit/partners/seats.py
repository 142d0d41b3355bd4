"""Seats: many small organisations of one kind in one place take part as one partner.

A health and care system does not seat twelve GP practices, three PCNs and a federation one by
one: primary care in a place sends one voice (a PCN clinical directors' forum, or the GP
federation). So it is with care homes, home care, community pharmacy and the voluntary sector.
A *seat* is selected as one candidate; its figures add up its members'; its reasons name the
members and who usually fills it. No seat is won or lost by a few patients between
near-identical members, because near-identical members share one seat.

Where seats come from, first match wins for each in-scope organisation:

1. **named seats** in ``seats.csv`` (``id, name, members, kind``): they replace the rules for
   their members. Statutory bodies sit alone (they are left out of a named seat) unless the
   seat's kind is ``lead_provider``;
2. **lead providers**: an organisation that ``subcontracts`` (``relationships.csv``) part of
   its service to others stands for them; the seat takes the lead provider's id;
3. **default rules** (`DEFAULT_RULES`): by organisation type and place (an organisation's own
   place, else its parent's). A group of one stays an organisation.

Statutory bodies (`netkit.model.schema.STATUTORY_TYPES`: ICBs, trusts, councils) are never put
in a seat by the rules. An organisation the opportunity excludes leaves its seat (so a seat can
stay while one of its members is excluded); the rules leave a provider whose own service the
shift moves activity from or to in its own right (a named or lead provider's seat still takes
it: the contract says who answers for it).

``seats="none"`` (the option, or ``seats: none`` on the opportunity) turns seats off: every
organisation is its own candidate, or its parent's where the representation rules say so.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, repeat
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from netkit._frames import isin
from netkit.errors import InputError, OptionError, Problem
from netkit.model.schema import STATUTORY_TYPES
from netkit.model.system import System, kept

__all__ = ["DEFAULT_RULES", "SEAT_KINDS", "SEAT_COLUMNS", "assign_seats", "seat_source",
           "with_seats", "candidate_frame", "seat_lines", "scope_seats"]

#: Organisation type → the kind of seat the default rules put it in.
DEFAULT_RULES = {
    "gp_practice": "primary_care", "pcn": "primary_care", "gp_federation": "primary_care",
    "care_home": "care_homes", "social_care_provider": "home_care", "pharmacy": "pharmacy",
    "vcse": "vcse",
}

#: Seat kind → (name, with ``{place}``; who usually fills the seat).
SEAT_KINDS = {
    "primary_care": ("Primary care {place}",
                     "a PCN clinical directors' forum or the GP federation"),
    "care_homes": ("Care homes {place}", "a care-home providers' forum"),
    "home_care": ("Home care and social care providers {place}",
                  "a home care providers' forum"),
    "pharmacy": ("Community pharmacy {place}", "the Local Pharmaceutical Committee"),
    "vcse": ("Voluntary and community sector {place}", "a VCSE alliance"),
    "lead_provider": ("{place}", "the lead provider"),
}

#: The columns of a scope's seat table.
SEAT_COLUMNS = ["id", "name", "kind", "members", "filled_by", "basis"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in SEAT_COLUMNS})


def seat_source(system: System, opportunity=None, seats=None):
    """Which seats to use: ``"default"``, ``"none"`` or a DataFrame of named seats (``id,
    name, members, kind``; from ``seats.csv`` in the system or a file given as ``seats``).

    ``seats`` (the option) wins over the opportunity's ``seats: none``; a path names a CSV
    file of seats in the ``seats.csv`` format, which replaces the system's own.

    Examples
    --------
    >>> import netkit
    >>> seat_source(netkit.load_system(netkit.sample_path("tiny")), seats="none")
    'none'
    """
    if seats is None:
        seats = getattr(opportunity, "seats", None) or "default"
    if isinstance(seats, pd.DataFrame):
        return seats
    if isinstance(seats, (str, Path)) and str(seats) in ("default", "none"):
        return str(seats)
    if isinstance(seats, (str, Path)):
        return _read_seats(Path(seats), system)
    raise OptionError(f"seats: {seats!r} is not a seat setting (expected default, none or a "
                      "seats.csv file)")


def _read_seats(path: Path, system: System) -> pd.DataFrame:
    """A seats file (``id, name, members``; ``kind``), members checked against the system."""
    if not path.is_file():
        raise OptionError(f"seats: {str(path)!r} is not a file (expected default, none or a "
                          "seats.csv file with columns id, name, members, kind)")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as err:
        raise OptionError(f"seats: {path} could not be read as CSV ({err})") from None
    missing = [c for c in ("id", "name", "members") if c not in frame.columns]
    if missing:
        raise OptionError(f"seats: {path} has no column {', '.join(missing)} (expected id, "
                          "name, members; kind optional)")
    known = set(system.organisations["id"])
    problems = [Problem(path.name, i + 2, "members", m, "is not an organisation id in "
                        "organisations.csv")
                for i, members in enumerate(frame["members"])
                for m in _split(members) if m not in known]
    if problems:
        raise InputError(problems)
    if "kind" not in frame.columns:
        frame["kind"] = ""
    return frame


def _split(members) -> list[str]:
    if isinstance(members, (list, tuple)):
        return [str(m) for m in members]
    if members is None or (isinstance(members, float) and pd.isna(members)):
        return []
    return [m.strip() for m in str(members).split(";") if m.strip()]


def _org_places(orgs: pd.DataFrame) -> pd.Series:
    """Each organisation's place: its own, else its parent's."""
    own = orgs.set_index("id")["place"]
    parent = orgs.set_index("id")["parent"]
    return own.fillna(parent.map(own))


def _place_label(place, place_names: Mapping) -> str:
    if place is None or (isinstance(place, float) and pd.isna(place)):
        return "across the system"
    name = place_names.get(place) or place
    return f"in {name}"


def assign_seats(system: System, in_scope: Iterable[str], source="default", *,  # long: three sources in order
                 alone: Iterable[str] = (),
                 own_right: Iterable[str] = ()) -> tuple[dict, pd.DataFrame]:
    """Which seat each in-scope organisation takes part through.

    Parameters
    ----------
    system : System
    in_scope : iterable of str
        The organisations in scope (only they are seated; a seat's members are in scope).
    source : "default", "none" or DataFrame
        From `seat_source`.
    alone : iterable of str
        Organisations that sit alone whatever the seats say (the excluded ones).
    own_right : iterable of str
        Organisations the default rules leave alone (the providers of the shift's own
        services); a named or lead provider's seat still takes them.

    Returns
    -------
    seat_of : dict
        Organisation id → seat id, for organisations in a seat of two or more.
    seats : DataFrame
        One row per seat: ``id, name, kind, members`` (list, sorted), ``filled_by`` and
        ``basis`` (``seats.csv``, ``subcontracts`` or ``default rule``).

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> seat_of, seats = assign_seats(tiny, ["GP1", "PCN1", "ICB", "CARE"])
    >>> seat_of
    {'GP1': 'primary_care:North', 'PCN1': 'primary_care:North'}
    >>> seats["name"].tolist()  # the place's name in places.csv
    ['Primary care in Vale North']
    """
    if isinstance(source, str) and source == "none":
        return {}, _empty()
    scope_ids = list(in_scope)
    in_scope = set(scope_ids)
    alone = set(alone)
    # what the rules read of the whole system, kept per system: sets and maps over every
    # organisation and relationship took a fifth of the scope's assign_seats time a query
    known = kept(system, ("partners", "seat basics"), _seat_basics)
    statutory = known["statutory"]
    names = system.organisation_lookup("name")  # read only: no copy
    rows: list = []
    taken: set = set()

    named = source if isinstance(source, pd.DataFrame) else getattr(system, "seats", None)
    if named is not None and len(named):
        for seat in named.to_dict("records"):
            kind = str(seat.get("kind") or "").strip() or "named"
            members = [m for m in _split(seat.get("members"))
                       if m in in_scope and m not in taken and m not in alone
                       and (kind == "lead_provider" or m not in statutory)]
            if len(members) >= 2:
                rows.append([str(seat["id"]), str(seat.get("name") or seat["id"]), kind,
                             sorted(members), SEAT_KINDS.get(kind, (None, "its members"))[1],
                             "seats.csv"])
                taken |= set(members)

    for lead, targets in known["subcontracts"]:
        members = [t for t in targets if t in in_scope and t not in taken
                   and t not in alone and t not in statutory and t != lead]
        if members and lead not in taken:
            rows.append([lead, f"{names.get(lead, lead)} (lead provider)", "lead_provider",
                         sorted(members + [lead]), "the lead provider", "subcontracts"])
            taken |= set(members) | {lead}

    place_names = _place_names(system)
    left = taken | alone | set(own_right)
    for kind, place, group in _default_groups(system, known, scope_ids, in_scope, left):
        template, filled_by = SEAT_KINDS[kind]
        label = _place_label(place or None, place_names)
        rows.append([f"{kind}:{place}" if place else kind, template.format(place=label), kind,
                     group, filled_by, "default rule"])

    seats = pd.DataFrame(rows, columns=SEAT_COLUMNS) if rows else _empty()
    clash = (pd.Series([i in known["ids"] for i in seats["id"].tolist()], index=seats.index,
                       dtype=bool)
             & (seats["basis"] != "subcontracts"))
    seats.loc[clash, "id"] = "seat:" + seats.loc[clash, "id"]
    # one dict from the members in seat order: as the seats' updates one by one made it
    seat_of = dict(zip([m for members in seats["members"].tolist() for m in members],
                       [i for i, members in zip(seats["id"].tolist(), seats["members"].tolist())
                        for _ in members]))
    return seat_of, seats.sort_values("id", kind="mergesort").reset_index(drop=True)


def _seat_basics(system: System) -> dict:
    """What `assign_seats` reads of the whole system: the statutory bodies' ids, each
    organisation's kind of seat under the default rules (those with one) and place ("" for
    none), every organisation id, and each lead provider (sorted) with the organisations it
    subcontracts to (in order of id)."""
    orgs = system.organisations
    ids = orgs["id"].tolist()
    kinds = orgs["type"].map(DEFAULT_RULES).tolist()
    places = _org_places(orgs).reindex(ids).fillna("").tolist()
    rels = system.relationships
    subs = rels[rels["type"] == "subcontracts"].sort_values(["source", "target"])
    return {"statutory": set(orgs.loc[isin(orgs["type"], STATUTORY_TYPES), "id"].tolist()),
            "kind": {i: k for i, k in zip(ids, kinds) if isinstance(k, str)},
            "place": dict(zip(ids, places)), "ids": set(ids),
            "subcontracts": [(lead, group["target"].tolist())
                             for lead, group in subs.groupby("source", sort=True)]}


def _default_groups(system: System, known: dict, scope_ids: list, in_scope: set,
                    left: set) -> list:
    """``(kind, place, members)`` of each group of two or more that the default rules make of
    the organisations ``in_scope`` (ids ``scope_ids``) but those ``left`` out and the statutory
    bodies, in order of kind and place, members in order of id: by codes kept per system (a
    loop over every organisation in scope took a tenth of a second nationally)."""
    codes = kept(system, ("partners", "seat codes"), _seat_codes)
    if codes is None:  # ids not unique: by the dicts, the last row of an id wins
        groups: dict = {}
        for member in sorted(in_scope - left - known["statutory"]):
            kind = known["kind"].get(member)
            if kind is not None:
                groups.setdefault((kind, known["place"].get(member, "")), []).append(member)
        return [(kind, place, sorted(groups[kind, place])) for kind, place in sorted(groups)
                if len(groups[kind, place]) >= 2]
    index = codes["index"]
    keep = np.zeros(len(index), dtype=bool)
    at = index.get_indexer(pd.Index(scope_ids, dtype=object))
    keep[at[at >= 0]] = True
    if left:
        out = index.get_indexer(pd.Index(list(left), dtype=object))
        keep[out[out >= 0]] = False
    keep &= codes["seated"]
    sel = np.flatnonzero(keep)
    kind, place = codes["kind"][sel], codes["place"][sel]
    order = np.lexsort((codes["rank"][sel], place, kind))
    sel, kind, place = sel[order], kind[order], place[order]
    starts = np.flatnonzero(np.r_[True, (kind[1:] != kind[:-1]) | (place[1:] != place[:-1])])
    ends = np.r_[starts[1:], len(sel)]
    members = codes["ids"][sel].tolist()
    return [(codes["kinds"][kind[s]], codes["places"][place[s]], members[s:e])
            for s, e in zip(starts.tolist(), ends.tolist()) if e - s >= 2]


def _seat_codes(system: System) -> dict | None:
    """The organisations' ids (object array and index), whether each can take a default seat
    (a kind of seat, not statutory), the codes of its kind and place (ranks in sorted order:
    ``kinds``, ``places``) and the rank of its id in sorted order; None where ids repeat."""
    known = kept(system, ("partners", "seat basics"), _seat_basics)
    ids = system.organisations["id"].tolist()
    index = pd.Index(ids, dtype=object)
    if not index.is_unique:
        return None
    kinds_of = [known["kind"].get(i) for i in ids]
    places_of = [known["place"].get(i, "") for i in ids]
    kinds = sorted({k for k in kinds_of if k is not None})
    places = sorted(set(places_of))
    kind_at, place_at = {k: n for n, k in enumerate(kinds)}, {p: n for n, p in enumerate(places)}
    rank = np.empty(len(ids), dtype=np.intp)
    rank[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    kind = np.array([-1 if k is None else kind_at[k] for k in kinds_of], dtype=np.intp)
    statutory = np.array([i in known["statutory"] for i in ids], dtype=bool)
    return {"index": index, "ids": index.to_numpy(dtype=object),
            "seated": (kind >= 0) & ~statutory, "kind": kind,
            "place": np.array([place_at[p] for p in places_of], dtype=np.intp),
            "kinds": kinds, "places": places, "rank": rank}


def _place_names(system: System) -> dict:
    places = getattr(system, "places", None)
    if places is None or not len(places) or "name" not in places:
        return {}
    return {p: n for p, n in zip(places["place"], places["name"]) if isinstance(n, str) and n}


def candidate_frame(system: System, scope) -> pd.DataFrame:
    """Name, type, budget, ``kind`` (``organisation`` or ``seat``) and ``members`` of each
    candidate in a scope, indexed by candidate id. A seat's type is its kind of seat (a lead
    provider's seat keeps the lead's type); its budget adds up its members'. Built once per
    scope and system (a partner query asks three times); the frame is shared: read it only."""
    return scope.kept(system, "candidate frame", _candidate_frame)


def _candidate_frame(system: System, scope) -> pd.DataFrame:
    index = pd.Index(scope.candidates, name="id")
    # text as text even where every name is missing (seats' names are written in below)
    columns = _organisation_columns(system, index)
    members = [[c] for c in index]
    seats = scope_seats(scope)
    at = index.get_indexer(seats["id"].to_numpy(dtype=object)) if len(seats) else []
    seats = seats[np.asarray(at) >= 0] if len(seats) else seats
    if len(seats):  # in bulk: one .at per seat and field took 10 s at national scale
        at = at[at >= 0]
        ids = seats["id"].tolist()
        seat_members = seats["members"].tolist()
        for i, seat_members_i in zip(at.tolist(), seat_members):
            members[i] = list(seat_members_i)
        own = (seats["basis"] != "subcontracts").to_numpy()
        name = columns["name"].to_numpy(dtype=object, copy=True)
        kind = columns["type"].to_numpy(dtype=object, copy=True)
        name[at[own]] = seats["name"].to_numpy(dtype=object)[own]
        kind[at[own]] = seats["kind"].to_numpy(dtype=object)[own]
        budget = columns["budget"].to_numpy(dtype="float64", copy=True)
        budget[at] = _seat_budgets(system, seat_members)
        columns = {"name": pd.Series(name, index=index, dtype=object),
                   "type": pd.Series(kind, index=index, dtype=object),
                   "budget": pd.Series(budget, index=index, dtype="float64")}
    out = pd.DataFrame(columns, index=index)
    out["kind"] = "organisation"
    if len(seats):
        out.loc[ids, "kind"] = "seat"
    out["members"] = members
    return out


def _seat_budgets(system: System, seat_members: list) -> np.ndarray:
    """Each seat's budget: its members' budgets added as pandas adds them (missing as 0, in
    numpy's order), NaN where none is known; one array of every member's budget, each seat
    a slice of it (an array and a sum a seat took 0.02 s nationally)."""
    at, budget = kept(system, ("seats", "budget by position"), _budget_positions)
    ends = np.cumsum([len(m) for m in seat_members], dtype=np.int64)
    found = budget[np.fromiter(map(at.get, chain.from_iterable(seat_members), repeat(-1)),
                               dtype=np.int64, count=int(ends[-1]) if len(ends) else 0)]
    known = ~np.isnan(found)
    zeroed = np.where(known, found, 0.0)  # as np.nansum adds: missing as 0, numpy's order
    return np.array([zeroed[s:e].sum() if known[s:e].any() else np.nan
                     for s, e in zip(np.r_[0, ends[:-1]].tolist(), ends.tolist())],
                    dtype="float64")


def _budget_positions(system: System) -> tuple[dict, np.ndarray]:
    """Organisation id → its position (the last where an id repeats, as
    `System.organisation_lookup` keeps it), and the budgets by position, NaN one past the
    last (an id not known)."""
    orgs = system.organisations
    budget = (orgs["budget"].to_numpy(dtype="float64", na_value=np.nan) if "budget" in orgs
              else np.full(len(orgs), np.nan))
    return dict(zip(orgs["id"].tolist(), range(len(orgs)))), np.append(budget, np.nan)


def _organisation_columns(system: System, index: pd.Index) -> dict:
    """``name``, ``type`` (as objects, missing as NaN) and ``budget`` of the organisations
    ``index``: by positions in the system's ids (kept per system) where they are distinct (an
    index of all the system's organisations made and mapped three times took 4 ms a region
    query)."""
    orgs = system.organisations
    ids = _organisation_ids(system)
    if not ids.is_unique:
        orgs = orgs.set_index("id")
        return {"name": index.map(orgs["name"]).astype(object),
                "type": index.map(orgs["type"]).astype(object),
                "budget": index.map(orgs["budget"]).astype("float64")}
    at = ids.get_indexer(pd.Index(index.to_numpy(dtype=object), dtype=object))
    found = at >= 0

    def column(name: str, dtype) -> pd.Series:  # a Series: a frame makes object arrays str
        values = kept(system, ("seats", "organisation column", name, str(dtype)),
                      lambda s: s.organisations[name].to_numpy(dtype=dtype, na_value=np.nan))
        return pd.Series(np.where(found, values[np.where(found, at, 0)] if len(values)
                                  else np.nan, np.nan), index=index, dtype=dtype)

    return {"name": column("name", object), "type": column("type", object),
            "budget": column("budget", "float64")}


def scope_seats(scope) -> pd.DataFrame:
    """The seat table of a scope (empty where seats are off)."""
    seats = getattr(scope, "seats", None)
    return _empty() if seats is None else seats


def seat_lines(scope, names: Mapping, system_orgs: pd.DataFrame | None = None, *,
               system: System | None = None) -> dict[str, list[str]]:
    """Seat id → the reason lines that say what the seat is: its members, by kind (and how
    many PCNs its practices belong to, given the system's organisations: ``system_orgs``, or
    ``system``, whose lookups are built once per system), and who usually fills it.

    Examples
    --------
    >>> import netkit
    >>> from netkit.partners.scope import find_scope
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> scope = find_scope(riverside, riverside.opportunity("diabetes-community"))
    >>> lines = seat_lines(scope, riverside.organisation_names(), riverside.organisations)
    >>> print(lines["primary_care:South"][0])  # doctest: +NORMALIZE_WHITESPACE
    a seat for primary care in Southmere: 8 GP practices in 2 PCNs (Market Square Surgery, Abbey
    Practice, Southmere Health Centre, Kingsbridge Surgery and 4 more); usually filled by a PCN
    clinical directors' forum or the GP federation
    """
    from netkit.partners.reasons import join_words, type_name

    seats = scope_seats(scope)
    coded = None if system is None else _member_counts(scope, system, seats["members"].tolist())
    if coded is None:
        coded = _member_counts_by_dicts(scope, seats, system_orgs, system)
    out = {}
    for seat, counts, pcns in zip(seats.itertuples(), *coded):
        members = list(seat.members)
        kinds = join_words([f"{n} {type_name(t) if n == 1 else _plural(type_name(t))}"
                            for t, n in counts])
        if seat.basis == "subcontracts":
            subs = [m for m in members if m != seat.id]
            out[seat.id] = [(f"lead provider for {_listed(subs, names)}, which it "
                             "subcontracts to: it answers for them at the table")]
            continue
        where = " (named in seats.csv)" if seat.basis == "seats.csv" else ""
        within = f" in {pcns} PCN{'s' if pcns != 1 else ''}" if pcns else ""
        out[seat.id] = [(f"a seat for {seat.name[0].lower() + seat.name[1:]}{where}: {kinds}"
                         f"{within} ({_listed(members, names)}); usually filled by "
                         f"{seat.filled_by}")]
    return out


def _member_counts_by_dicts(scope, seats: pd.DataFrame, system_orgs, system) -> tuple:
    """Each seat's ``(type, count)`` of its members (in order of type; a type that is no
    text as ``other``) and how many PCNs not in the seat its members' parents are: by dicts."""
    type_of = dict(zip(scope.organisations["id"].tolist(), scope.organisations["type"].tolist()))
    if system is not None:  # the system's own lookups, built once per system
        everyone_type = system.organisation_lookup("type")
        parents = system.organisation_lookup("parent")
        parent_of = {m: parents[m] for seat in seats["members"].tolist()
                     for m in seat if parents.get(m) is not None}  # the seats' members'
        pcn_ids = {p for p in parent_of.values() if everyone_type.get(p) == "pcn"}
    else:
        everyone = system_orgs if system_orgs is not None else scope.organisations
        pcn_ids = set(everyone.loc[everyone["type"] == "pcn", "id"])
        # as dicts from lists (a Series' to_dict took a twentieth of a second nationally)
        parent_of = {} if "parent" not in everyone else {
            o: p for o, p, known in zip(everyone["id"].tolist(), everyone["parent"].tolist(),
                                        everyone["parent"].notna().tolist()) if known}
    counts, pcns = [], []
    for members in seats["members"].tolist():
        counts.append(sorted(Counter(t if isinstance(t, str) else "other"
                                     for t in (type_of.get(m) for m in members)).items()))
        pcns.append(len({parent_of[m] for m in members if m in parent_of} & pcn_ids
                        - set(members)))
    return counts, pcns


def _member_counts(scope, system: System, seat_members: list) -> tuple | None:
    """As `_member_counts_by_dicts`, by positions: the members' types counted per seat with
    one bincount, their parents' PCNs (kept per system) as distinct (seat, PCN) pairs (a
    Counter and set per seat over 48,000 members took a fifth of a second nationally); None
    where the scope's or the system's ids repeat."""
    scope_ids = pd.Index(scope.organisations["id"].to_numpy(dtype=object), dtype=object)
    index = _organisation_ids(system)
    if not (scope_ids.is_unique and index.is_unique):
        return None
    sizes = np.fromiter((len(m) for m in seat_members), dtype=np.int64, count=len(seat_members))
    flat = pd.Index([m for members in seat_members for m in members], dtype=object)
    seat_no = np.repeat(np.arange(len(seat_members), dtype=np.int64), sizes)
    # the scope's types coded once (a type that is no text, or a member not in scope: other)
    raw, found = pd.factorize(scope.organisations["type"].to_numpy(dtype=object))
    found = [t if isinstance(t, str) else "other" for t in found.tolist()]
    names = sorted(set(found) | {"other"})
    code_of = {t: n for n, t in enumerate(names)}
    codes = np.array([code_of[t] for t in found] + [code_of["other"]], dtype=np.int64)
    at = scope_ids.get_indexer(flat)
    type_code = codes[np.where(at >= 0, raw[np.where(at >= 0, at, 0)] if len(raw) else -1,
                               -1)]  # -1 (missing type or not in scope): the last, "other"
    width = len(names)
    table = np.bincount(seat_no * width + type_code,
                        minlength=len(seat_members) * width).reshape(-1, width)
    counts = [[(names[t], n) for t, n in enumerate(row) if n] for row in table.tolist()]
    # the members' parents that are PCNs, but for PCNs in the seat themselves
    at = index.get_indexer(flat)
    pcn_parent = kept(system, ("seats", "pcn parents"), _pcn_parents)
    parent = np.where(at >= 0, pcn_parent[at] if len(pcn_parent) else -1, -1)
    whole = np.int64(len(index) + 1)
    pairs = (seat_no * whole + parent)[parent >= 0]
    inside = np.sort((seat_no * whole + at)[at >= 0])
    where = np.searchsorted(inside, pairs).clip(max=max(len(inside) - 1, 0))
    pairs = np.sort(pairs[inside[where] != pairs] if len(inside) else pairs)
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    pcns = np.bincount(pairs // whole, minlength=len(seat_members)).tolist()
    return counts, pcns


def _pcn_parents(system: System) -> np.ndarray:
    """Each organisation's parent's position among the organisations where the parent is a
    PCN, else -1 (as the system's lookups read parent and type)."""
    ids = system.organisations["id"].tolist()
    parents, types = system.organisation_lookup("parent"), system.organisation_lookup("type")
    at = {o: n for n, o in enumerate(ids)}
    return np.array([at.get(p, -1) if p is not None and types.get(p) == "pcn" else -1
                     for p in (parents.get(o) for o in ids)], dtype=np.int64)


def _listed(members: list, names: Mapping, shown: int = 4) -> str:
    """``Avon Surgery, Brook Surgery and 3 more``; a name shown twice (two care homes called
    Abbey Manor) with each one's id, so that the list does not read as a repeat.

    Examples
    --------
    >>> _listed(["A", "B", "C", "D", "E"], {"A": "Abbey Manor", "B": "Park House",
    ...                                     "C": "Abbey Manor", "D": "Elm Lodge"})
    'Abbey Manor (A), Park House, Abbey Manor (C), Elm Lodge and 1 more'
    """
    first = [names.get(m, m) for m in members[:shown]]
    twice = () if len(set(first)) == len(first) else {n for n, k in Counter(first).items()
                                                       if k > 1}
    text = ", ".join(f"{n} ({m})" if n in twice and n != m else n
                     for n, m in zip(first, members[:shown]))
    return text + (f" and {len(members) - shown} more" if len(members) > shown else "")


def _plural(word: str) -> str:
    """``pharmacy`` → ``pharmacies``, ``practice`` → ``practices``."""
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "sh", "ch")) else "s")


def with_seats(opportunity, seats=None):
    """The opportunity with the ``seats`` option over its own ``seats`` setting (a seats file
    is kept as its path, so every later step reads the same seats).

    Examples
    --------
    >>> from netkit.model.opportunity import Opportunity
    >>> with_seats(Opportunity("x"), "none").seats
    'none'
    """
    from dataclasses import replace

    if seats is None:
        return opportunity
    if not isinstance(seats, (str, Path)):
        raise OptionError(f"seats: {seats!r} is not a seat setting (expected default, none or "
                          "a seats.csv file)")
    return replace(opportunity, seats=str(seats))


def _organisation_ids(system) -> pd.Index:
    """The system's organisation ids as an index, in table order, once per system."""
    return kept(system, ("seats", "organisation ids"),
                lambda s: pd.Index(s.organisations["id"].to_numpy(dtype=object)))
