"""Reasons in plain words, with numbers, for why each organisation is (or is not) a partner."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netkit.render.formats import fmt_money_rounded, fmt_number, fmt_share

__all__ = ["money", "partner_reasons", "top_counterparts", "TYPE_LABELS", "type_label", "type_name",
           "route_lines", "join_words", "ROLE_WORDS", "role_line", "sourced_reasons",
           "share_pair", "contact_words", "CONTACT_WORDS", "contact_kinds", "CONTACT_NOTES"]

TYPE_LABELS = {
    "icb": "ICBs", "acute_trust": "acute trusts", "community_trust": "community trusts",
    "mental_health_trust": "mental health trusts", "ambulance_trust": "ambulance services",
    "gp_practice": "GP practices", "pcn": "primary care networks",
    "gp_federation": "GP federations", "local_authority": "local authorities",
    "social_care_provider": "social care providers", "care_home": "care homes",
    "hospice": "hospices", "vcse": "VCSE bodies", "pharmacy": "pharmacies",
    "housing": "housing bodies", "other": "other organisations",
}


TYPE_NAMES = {"icb": "ICB", "pcn": "primary care network", "vcse": "VCSE body",
              "gp_practice": "GP practice", "ambulance_trust": "ambulance service",
              "housing": "housing body", "other": "other organisation"}


def type_label(group: str) -> str:
    """A group (organisation type or sector) in words: ``acute_trust`` → ``acute trusts``."""
    return TYPE_LABELS.get(group, str(group).replace("_", " "))


def type_name(org_type: str) -> str:
    """One organisation's type in words: ``local_authority`` → ``local authority``."""
    return TYPE_NAMES.get(org_type, str(org_type).replace("_", " "))


def join_words(items) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> join_words(["care homes"]), join_words(["a", "b", "c"])
    ('care homes', 'a, b and c')
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def route_lines(routes) -> list[str]:
    """Sole-broker routes ``(from_group, to_group)`` of one broker, folded into few lines:
    ``the only go-between for patients moving from ambulance services and community trusts to
    care homes``."""
    to_by_from: dict = {}
    for from_group, to_group in sorted(routes):
        to_by_from.setdefault(from_group, []).append(to_group)
    from_by_to: dict = {}
    for from_group, tos in to_by_from.items():
        from_by_to.setdefault(tuple(tos), []).append(from_group)
    return [f"the only go-between for patients moving from "
            f"{join_words(type_label(g) for g in froms)} to "
            f"{join_words(type_label(g) for g in tos)}"
            for tos, froms in sorted(from_by_to.items(), key=lambda kv: kv[1])]


#: Gould–Fernandez roles in words: which pairs of organisations the broker stands between.
ROLE_WORDS = {
    "coordinator": "of its own kind",
    "itinerant": "of one other kind",
    "gatekeeper": "from another kind to its own kind",
    "representative": "from its own kind to another kind",
    "liaison": "of two other kinds",
}


def role_line(name: str, role: str, observed: int, expected: float, z: float | None,
              threshold: float = 1.96) -> str | None:
    """A Gould–Fernandez role in words where it is a finding, else ``None``.

    Not a finding where ``z`` is missing (`netkit.metrics.brokerage.brokerage_roles` leaves
    it out where too few were expected for a z to mean anything, or nothing varies) or below
    ``threshold``.

    Examples
    --------
    >>> print(role_line("Vale Hospital", "representative", 12, 5.2, 2.9))
    ... # doctest: +NORMALIZE_WHITESPACE
    Vale Hospital is the go-between for 12 pairs of organisations, from its own kind to another
    kind, that pass patients through it but not directly to each other (representative role;
    5.2 expected by chance, z = 2.9)
    >>> role_line("Vale Hospital", "representative", 2, 0.2, float("nan")) is None
    True
    """
    if z is None or z != z or z < threshold:
        return None
    return (f"{name} is the go-between for {observed} pairs of organisations, "
            f"{ROLE_WORDS[role]}, that pass patients through it but not directly to each other "
            f"({role} role; {expected:.1f} expected by chance, z = {z:.1f})")


def money(value: float) -> str:
    """Pounds a year as people say them (`netkit.render.formats.fmt_money_rounded`: two
    significant figures): ``£4.2m``, ``£180,000``, ``-£1.5m``. JSON keeps the exact figure.

    Examples
    --------
    >>> money(4_210_000), money(179_491), money(-1_500_000), money(101_734)
    ('£4.2m', '£180,000', '-£1.5m', '£100,000')
    """
    return fmt_money_rounded(value)


def top_counterparts(pairs: pd.DataFrame) -> dict:
    """Each candidate's busiest handoff partner: ``{id: (other id, patients a year)}``, ties
    broken by id."""
    # on the ids' codes numbered in sorted order (a groupby and sort of the text took 8 ms
    # nationally); each pair's patients summed by pandas in row order, as before
    source, target = pairs["source"].to_numpy(dtype=object), pairs["target"].to_numpy(dtype=object)
    codes, ids = pd.factorize(np.concatenate([source, target, target, source]), sort=True)
    if not len(codes) or codes.min() < 0:  # a missing id: by the frames
        return _top_counterparts_of_frames(pairs)
    n, width = len(source) * 2, len(ids)
    patients = pairs["patients"].to_numpy(dtype=float)
    totals = pd.Series(np.concatenate([patients, patients])).groupby(
        codes[:n].astype(np.int64) * width + codes[n:]).sum()
    key, summed = totals.index.to_numpy(), totals.to_numpy()
    mine, other = key // width, key % width
    order = np.lexsort((other, -summed, mine))  # by id, most patients, then other id
    first = order[np.r_[True, mine[order][1:] != mine[order][:-1]]]
    return dict(zip(ids[mine[first]].tolist(),
                    zip(ids[other[first]].tolist(), summed[first].tolist())))


def _top_counterparts_of_frames(pairs: pd.DataFrame) -> dict:
    """`top_counterparts` by a groupby and sort of the frames."""
    both = pd.concat([pairs.rename(columns={"source": "id", "target": "other"}),
                      pairs.rename(columns={"target": "id", "source": "other"})])
    totals = both.groupby(["id", "other"], as_index=False)["patients"].sum()
    top = totals.sort_values(["id", "patients", "other"], ascending=[True, False, True],
                             kind="mergesort").drop_duplicates("id")
    return {i: (o, p) for i, o, p in zip(top["id"].tolist(), top["other"].tolist(),
                                                  top["patients"].tolist())}


#: What a contact of each kind is called in a board paper; other kinds count ``contacts``.
#: ``acute_inpatient`` counts admissions (patients arriving at the acute inpatient services from
#: outside them) and ``ward_transfers`` the moves between those services; ``ambulance`` counts
#: 999 responses and ``nhs_111`` an ambulance service's NHS 111 calls (`contact_kinds`).
#: An organisation outside the core is ``involve`` where its benefit is at least this share of
#: its coordination cost (or where its statutory duties are touched); else ``inform``.
INVOLVE_RATIO = 0.5

CONTACT_WORDS = {"urgent_emergency": "attendances", "acute_inpatient": "admissions",
                 "ward_transfers": "transfers between wards", "ambulance": "emergency responses to 999 calls",
                 "nhs_111": "NHS 111 calls", "acute_outpatient": "outpatient appointments"}

#: Kinds that say more about another kind's contacts (not contacts of their own): kind →
#: (the kind they qualify, words).
CONTACT_NOTES = {"conveyed_ed": ("ambulance", "conveyed to the emergency department"),
                 "conveyed_ward": ("ambulance", "taken straight to a ward")}

_NHS_111 = r"\b111\b"


def contact_kinds(services: pd.DataFrame, flows: pd.DataFrame, types: pd.Series,
                  ends: tuple | None = None) -> dict:
    """Candidate → {kind: contacts a year}: its services' ``activity`` by category, with an
    acute inpatient service's split into admissions (``acute_inpatient``: arriving from outside
    the acute inpatient services) and ``ward_transfers`` (arriving from another of them), an
    ambulance service's NHS 111 (``nhs_111``, a service whose id or name says 111; its other
    urgent care counts as plain contacts) and, beside its 999 responses, how many were conveyed
    to an emergency department (``conveyed_ed``) or straight to a ward (``conveyed_ward``).

    ``ends``, if given, is ``(codes, at, count)``: the flows' targets then sources as codes
    (-1: missing), each service's code (-1: no flow names it) and how many codes there are
    (`netkit.partners.flow_match.scope_flow_ends`); else the flows' ends are factorised.

    Examples
    --------
    >>> services = pd.DataFrame({
    ...     "id": ["AMB", "ED", "AMU", "WARD"], "provider": ["A", "H", "H", "H"],
    ...     "category": ["ambulance", "urgent_emergency", "acute_inpatient", "acute_inpatient"],
    ...     "candidate": ["A", "H", "H", "H"], "activity": [100.0, 130.0, 90.0, 70.0]})
    >>> flows = pd.DataFrame({"source": ["@home", "AMB", "AMB", "@home", "ED", "AMU", "ED"],
    ...                       "target": ["AMB", "ED", "@home", "ED", "AMU", "WARD", "WARD"],
    ...                       "patients": [100.0, 80.0, 20.0, 50.0, 90.0, 60.0, 10.0]})
    >>> kinds = contact_kinds(services, flows, pd.Series({"A": "ambulance_trust"}))
    >>> kinds["A"], kinds["H"]["acute_inpatient"], kinds["H"]["ward_transfers"]
    ({'ambulance': 100.0, 'conveyed_ed': 80.0}, 100.0, 60.0)
    """
    # the categories as codes (each kind of service a lookup: isin and groupby on text took
    # a tenth of a second nationally); whose provider is an ambulance trust asked of urgent
    # care only
    kind, kinds = pd.factorize(services["category"].to_numpy(dtype=object))
    kinds = list(kinds)
    urgent = (kind == kinds.index("urgent_emergency") if "urgent_emergency" in kinds
              else np.zeros(len(services), dtype=bool))
    by_ambulance = np.zeros(len(services), dtype=bool)
    by_ambulance[urgent] = _is_ambulance(services["provider"][urgent], types)
    # whether a service's id or name says 111, asked of an ambulance service's urgent care only
    # (of every in-scope service, the pattern took a twentieth of a second nationally)
    says = [services[c][by_ambulance].str.contains(_NHS_111, na=False).to_numpy(dtype=bool)
            for c in ("id", "name") if c in services]
    nhs_111 = np.zeros(len(services), dtype=bool)
    nhs_111[by_ambulance] = np.logical_or.reduce(says)
    # the flows' ends and the services as integer codes
    kinds = kinds + ["urgent_other", "nhs_111"]
    kind[by_ambulance] = len(kinds) - 2
    kind[nhs_111] = len(kinds) - 1
    codes, at, count = ends if ends is not None else _end_codes(flows, services)
    n = len(flows)
    target, source = codes[:n], codes[n:]
    patients = flows["patients"].to_numpy(dtype=float)

    def among(name: str) -> np.ndarray:  # whether each flow end (and -1, none) is of a kind
        hit = np.zeros(count + 1, dtype=bool)
        if name in kinds:
            hit[at[(kind == kinds.index(name)) & (at >= 0)]] = True
        return hit

    def summed(mask: np.ndarray, by: np.ndarray) -> np.ndarray:
        """Each service's patients of the ``mask`` flows grouped by ``by`` (pandas' sum, as
        a groupby on the text summed them), 0 for none."""
        sums = pd.Series(patients[mask]).groupby(by[mask]).sum()
        per_end = np.zeros(count + 1)
        per_end[sums.index.to_numpy()] = sums.to_numpy()
        return per_end[at]

    wards, emergency, ambulance = (among(k) for k in ("acute_inpatient", "urgent_emergency",
                                                      "ambulance"))
    transfers = summed(wards[source] & wards[target], target)
    out_amb = ambulance[source]
    to_ed = summed(out_amb & emergency[target], source)
    to_ward = summed(out_amb & wards[target], source)
    return _kinds_by_candidate(services["candidate"].to_numpy(dtype=object), kind, kinds,
                               services["activity"].to_numpy(dtype=float),
                               transfers, to_ed, to_ward)


def _is_ambulance(providers: pd.Series, types: pd.Series) -> np.ndarray:
    """Whether each of some services' ``providers`` is an ambulance trust (``types``:
    organisation → type): the trusts' ids looked up, not every provider mapped to its type."""
    if not types.index.is_unique:
        return providers.map(types).eq("ambulance_trust").to_numpy()
    trusts = types.index.to_numpy(dtype=object)[types.to_numpy(dtype=object) == "ambulance_trust"]
    return np.asarray(providers.isin(trusts.tolist()), dtype=bool)


def _end_codes(flows: pd.DataFrame, services: pd.DataFrame) -> tuple:
    """The flows' targets then sources as codes (-1: missing), each service's code (-1: no
    flow names it) and how many codes there are (as `contact_kinds` takes ``ends``)."""
    codes, labels = pd.factorize(pd.concat([flows["target"], flows["source"]],
                                           ignore_index=True))
    at = pd.Index(np.asarray(labels, dtype=object)).get_indexer(
        pd.Index(services["id"].to_numpy(dtype=object)))
    return codes, at, len(labels)


def _kinds_by_candidate(candidate, kind, kinds, activity, transfers, to_ed, to_ward) -> dict:
    """Candidate → {kind: contacts a year} from each service's figures (``kind``: codes into
    ``kinds``, -1 none): sorted by candidate and kind, summed in service order (as a groupby
    of the four parts one after another; on codes, not text)."""
    named, candidates = pd.factorize(candidate, sort=True)
    words = sorted(set(kinds) | {"ward_transfers", "conveyed_ed", "conveyed_ward"})
    rank = np.array([words.index(k) for k in kinds] + [-1], dtype=np.int64)  # -1: none
    parts = [rank[kind]] + [np.full(len(kind), words.index(k), dtype=np.int64)
                            for k in ("ward_transfers", "conveyed_ed", "conveyed_ward")]
    value = np.concatenate([activity - transfers, transfers, to_ed, to_ward])
    key = np.tile(named.astype(np.int64), 4) * len(words) + np.concatenate(parts)
    keep = (value > 0) & (np.tile(named, 4) >= 0) & (np.concatenate(parts) >= 0)
    sums = pd.Series(value[keep]).groupby(key[keep], sort=True).sum()
    out: dict = {}
    for k, v in zip(sums.index.tolist(), sums.tolist()):
        c, w = divmod(k, len(words))
        out.setdefault(candidates[c], {})[words[w]] = float(v)
    return out


def share_pair(first: float, second: float) -> tuple[str, str]:
    """Two shares as percentages, with one decimal where whole numbers would mislead (either
    under 10%): ``2.8%`` and ``4.5%``, not ``3%`` and ``4%``.

    Examples
    --------
    >>> share_pair(0.028, 0.045), share_pair(0.31, 0.42)
    (('2.8%', '4.5%'), ('31%', '42%'))
    >>> share_pair(0.0002, 0.05)  # not "0.0%": some, under a tenth of one per cent
    ('0.02%', '5.0%')
    """
    if min(abs(first), abs(second)) < 0.1:
        return tenths(first), tenths(second)
    return fmt_share(first), fmt_share(second)


def tenths(share: float) -> str:
    """A share as a percentage to a tenth (``2.8%``); one that would round to 0.0% but is
    not nil, to two significant figures (``0.04%``).

    >>> tenths(0.028), tenths(0.0), tenths(0.0004), tenths(-0.0000123)
    ('2.8%', '0.0%', '0.04%', '-0.0012%')
    """
    if 0 < abs(share) < 0.0005:
        return f"{share * 100:.2g}%"
    return f"{share * 100:.1f}%"


def contact_words(breakdown: dict, count=fmt_number) -> str:
    """A candidate's contacts by kind (`contact_kinds`): ``500 attendances and 320 admissions``;
    what an ambulance service's 999 responses led to follows them in brackets.

    Examples
    --------
    >>> contact_words({"urgent_emergency": 500.0, "acute_inpatient": 320.0,
    ...                "ward_transfers": 200.0})
    '500 attendances, 320 admissions and 200 transfers between wards'
    >>> contact_words({"ambulance": 5400.0, "conveyed_ed": 4140.0, "nhs_111": 2700.0})
    '5,400 emergency responses to 999 calls (4,140 conveyed to the emergency department) and 2,700 NHS 111 calls'
    >>> contact_words({"community": 90.0, "primary_care": 10.0})
    '100 contacts'
    >>> contact_words({"urgent_emergency": 500.0, "community": 60.0, "other": 5.0})
    '500 attendances, 60 community contacts and 5 other contacts'
    """
    named = any(c in CONTACT_WORDS and v > 0 for c, v in breakdown.items())
    totals: dict = {}
    for category, value in breakdown.items():
        if category not in CONTACT_NOTES:
            # beside named kinds, the rest by their category (a reader asks what "360
            # contacts" among attendances and admissions are: a virtual ward's, community)
            word = CONTACT_WORDS.get(category) or (
                f"{category.replace('_', ' ')} contacts" if named else "contacts")
            totals[word] = totals.get(word, 0.0) + value
    notes: dict = {}
    for note, (category, words) in CONTACT_NOTES.items():
        if breakdown.get(note, 0) > 0 and breakdown.get(category, 0) > 0:
            notes.setdefault(CONTACT_WORDS[category], []).append(
                f"{count(breakdown[note])} {words}")
    ordered = sorted((v, w) for w, v in totals.items() if v > 0)[::-1]
    items = [f"{count(v)} {w}" + (f" ({join_words(notes[w])})" if w in notes else "")
             for v, w in ordered]
    return join_words(items) if items else "no contacts"


def partner_reasons(cid: str, row: pd.Series, **context) -> list[str]:
    """Plain-words reasons for one candidate, strongest first (the texts of `sourced_reasons`).
    """
    return [text for text, _ in sourced_reasons(cid, row, **context)]


def sourced_reasons(cid: str, row: pd.Series, *, names: dict, counterpart: tuple | None,
                    members: list, sole_routes: list, included: bool, system_net: float,
                    has_shift: bool, tier: str, marginal: tuple | None,
                    excluded: bool = False, disclosure=None, breakdown: dict | None = None,
                    seat_cost: float | None = None, own_money: float | None = None,
                    ) -> list[tuple[str, tuple]]:  # long: one reason after another
    """Plain-words reasons for one candidate, strongest first, each with the figures it rests on
    (names in `netkit.partners.sources.FIGURES`, whose input rows `netkit.partners.sources`
    finds).

    With active ``disclosure`` rules (`netkit.model.disclosure.DisclosureRules`), patient counts are
    shown as the rules say and their percentages are computed from the disclosed figures.
    ``breakdown`` (category → contacts) says what kind of contacts its activity is.
    ``seat_cost`` (the ``partner`` coordination cost) is what "not core" weighs the benefit
    against, as the stop line does; without it, ``marginal``'s own cost. ``own_money``: a
    seat's own organisation's £ a year under the shift where the seat also stands for others (a
    lead provider and its subcontractors), said beside the seat's total where they differ.
    """
    count, share = fmt_number, (lambda part, whole: fmt_share(part / whole if whole else 0))
    if disclosure is not None and disclosure.active:
        count, share = disclosure.count, disclosure.share
    reasons: list[tuple[str, tuple]] = []
    if included:
        reasons.append(("on the opportunity's must-include list", ()))
    if row["activity_share"] > 0:
        whole = row["activity"] / row["activity_share"]
        detail = f"{count(row['activity'])} a year"
        kinds = contact_words(breakdown, count) if breakdown else ""
        if " and " in kinds:
            detail += f": {kinds}"
        elif kinds and not kinds.endswith(" contacts"):
            head, bracket, note = kinds.partition(" (")
            detail = f"{head} a year" + (f": {note[:-1]}" if bracket else "")
        reasons.append((f"delivers {share(row['activity'], whole)} of the contacts in scope "
                        f"({detail})", ("activity",)))
    if row["handoffs"] > 0 and counterpart is not None:
        partner, patients = counterpart
        whole = row["handoffs"] / row["handoffs_share"]
        reasons.append((f"party to {count(row['handoffs'])} transfers of care a year with other "
                        f"organisations ({share(row['handoffs'], whole)} of those in scope), "
                        f"{count(patients)} of them with {names.get(partner, partner)}",
                        ("handoffs",)))
    if row["brokerage_share"] > 0:
        most = "most" if row["brokerage_share"] >= 0.5 else "some"
        reasons.append((f"on the route of {most} patient journeys between other organisations "
                         f"({fmt_share(row['brokerage_share'])} of the go-between positions in "
                         "scope)", ("handoffs",)))
    reasons += [(line, ("handoffs",)) for line in route_lines(sole_routes)]
    if row["commissioning"] > 0:
        reasons.append((f"commissions {fmt_share(row['commissioning_share'])} of in-scope spend "
                        f"({money(row['commissioning'])} a year)", ("commissioning",)))
    if has_shift and round(row["incentives"]) != 0:
        verb = "gains" if row["incentives"] > 0 else "loses"
        text = f"{verb} {money(abs(row['incentives']))} a year under the shift"
        if row["incentives"] < 0 and system_net > 0:
            text += f" while the system gains {money(system_net)}"
        if own_money is not None and money(own_money) != money(row["incentives"]):  # as read
            text += (", counting those it answers for at the table (on its own it "
                     f"{'gains' if own_money >= 0 else 'loses'} {money(abs(own_money))}, as the "
                     "money table shows)")
        reasons.append((text, ("incentives",)))
    if members:
        shown = ", ".join(names.get(m, m) for m in members[:3])
        more = f" and {len(members) - 3} more" if len(members) > 3 else ""
        reasons.append((f"stands for {len(members)} organisation"
                        f"{'s' if len(members) != 1 else ''} ({shown}{more})", ("members",)))
    if excluded:
        reasons.insert(0, ("excluded by the opportunity", ()))
    elif tier != "core" and marginal is not None:
        if seat_cost is None:
            benefit, cost = share_pair(*marginal)
        else:  # a seat's cost, worded as the stop line words it (new ties never decide a seat)
            benefit, cost = tenths(marginal[0]), f"a seat's {tenths(seat_cost)}"
        line = f"not core: would add {benefit} benefit for {cost} coordination cost"
        if tier == "involve" and marginal[0] < INVOLVE_RATIO * marginal[1]:  # by its duties
            line = ("involved for its statutory duties (below), not for a seat: it would add "
                    f"{benefit} benefit for {cost} coordination cost")
        reasons.insert(0, (line, ()))
    return reasons
