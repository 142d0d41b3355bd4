"""Will it transfer? Compare the system where an idea worked (the source) with the one that
wants to copy it (the target), in the ways that matter for the opportunity.

`compare` profiles both systems in the opportunity's scope (`netkit.transfer.profiles`), standardises
the differences over a reference set of systems (scikit-learn's ``StandardScaler``), names the
features that differ most, says in plain words what that means for transfer, and maps the
source's partners onto the target by structural role (`netkit.transfer.roles`). `similar` finds the
systems most alike (scikit-learn's ``NearestNeighbors``).

The opportunity is the one defined in the source; in the target it is scoped by the same
pathway tags (or pathway ids where the source names pathways without tags), in all places.
The mechanism is carried too (`netkit.transfer.mechanism`): the shift's services, the
organisations the source includes, excludes and decommissions, each mapped to its counterpart;
the money is computed in both systems under each one's payment bases, and every difference in
direction is a named risk. Preconditions, the source's evidence and the verdict come from
`netkit.transfer.verdict`. Risks from structure come only from differences that are large
against the reference set and from counts large enough to support them (`MIN_COUNT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit._progress import stage, steps
from netkit._strings import plain_strings
from netkit.errors import OpportunityError
from netkit.model.system import System
from netkit.render.palette import DIFFERENCE_COLOURS, OUTLINE
from netkit.transfer.mapping import transferred_opportunity
from netkit.transfer.profiles import FEATURES, Profile, profile, profile_in_scope
from netkit.transfer.reference import reference_for
from netkit.transfer.roles import RoleModel
from netkit.transfer.sets import PartnerSets
from netkit.transfer.profiles import format_value as _fmt

__all__ = ["Comparison", "compare", "similar", "RISK_THRESHOLD", "MIN_RELATIVE_SCALE", "MAX_RISKS"]

#: Differences of at least this many standard deviations are turned into risk statements.
RISK_THRESHOLD = 1.0

#: The scale of a feature is at least this share of its typical size in the reference set.
MIN_RELATIVE_SCALE = 0.1

#: At most this many risk statements, the largest differences first.
MAX_RISKS = 6

#: Features counted in organisations (per head, or the providers covering 80%) give a risk only
#: where one of the two systems has at least this many: one acute trust against three is not a
#: difference in kind a per-head rate should be read into.
MIN_COUNT = 5
_COUNTED = ("providers_per_100k", "acute_trusts_per_100k", "care_homes_per_100k",
            "vcse_per_100k", "providers_for_80pct", "organisations")
_PER_HEAD = ("acute_trusts_per_100k", "care_homes_per_100k", "vcse_per_100k")


@dataclass(frozen=True, repr=False)
class Comparison:
    """How the target differs from the source for one opportunity.

    Attributes
    ----------
    opportunity : str
    source, target : Profile
    differences : DataFrame
        ``feature, source, target, z, meaning``: z is the target minus the source in standard
        deviations of the reference set (floored at `MIN_RELATIVE_SCALE` of the feature's
        typical size); largest ``|z|`` first (features that cannot be compared last).
    risks : list of str
        Plain-words transfer risks, for differences of at least `RISK_THRESHOLD`.
    counterparts : DataFrame
        The source's partners mapped onto the target by role (`netkit.transfer.roles.Counterparts`).
    reference : list of str
        The systems whose spread sets the scale.
    roles : str
        How roles were chosen (number and silhouette).
    """

    opportunity: str
    source: Profile
    target: Profile
    differences: pd.DataFrame
    risks: list
    counterparts: pd.DataFrame
    reference: list = field(default_factory=list)
    roles: str = ""
    mechanism: pd.DataFrame = field(default_factory=pd.DataFrame)
    service_counterparts: pd.DataFrame = field(default_factory=pd.DataFrame)
    organisation_counterparts: pd.DataFrame = field(default_factory=pd.DataFrame)
    preconditions: pd.DataFrame = field(default_factory=pd.DataFrame)
    evidence: dict | None = None
    verdict: dict = field(default_factory=lambda: {"kind": "transferable", "reasons": [],
                                                   "adaptations": []})
    target_opportunity: object = None

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<Comparison {self.opportunity!r}: {self.source.system_name!r} to "
                f"{self.target.system_name!r}, {len(self.differences)} differences, "
                f"{len(self.risks)} risks>")

    def counterpart_lines(self) -> list[str]:
        from netkit.transfer.roles import counterpart_lines

        return counterpart_lines(self.counterparts)

    def to_frame(self) -> pd.DataFrame:
        return self.differences.copy()

    def to_dict(self) -> dict:
        from netkit.render.formats import to_jsonable

        return to_jsonable({
            "opportunity": self.opportunity, "source": self.source.system_name,
            "target": self.target.system_name, "reference": self.reference,
            "differences": self.differences[["feature", "source", "target", "z", "meaning"]]
            .to_dict("records"),
            "risks": self.risks,
            "counterparts": self.counterparts.to_dict("records"),
            "roles": self.roles,
            "verdict": self.verdict,
            "mechanism": self.mechanism.to_dict("records"),
            "service_counterparts": self.service_counterparts.to_dict("records"),
            "organisation_counterparts": self.organisation_counterparts.to_dict("records"),
            "preconditions": self.preconditions.to_dict("records"),
            "evidence": self.evidence,
            "target_opportunity": (self.target_opportunity.to_dict()
                                   if self.target_opportunity is not None else None)})

    def verdict_lines(self) -> list[str]:
        """The verdict in words, then its reasons and adaptations."""
        kind = {"transferable": "transferable", "adapt": "transferable with adaptations",
                "not_transferable": "not transferable"}[self.verdict["kind"]]
        lines = [f"Verdict: {kind}"]
        lines += [f"why not: {r}" for r in self.verdict["reasons"]]
        lines += [f"adapt: {a}" for a in self.verdict["adaptations"]]
        if self.evidence is not None:
            e = self.evidence
            lines.append(f"evidence: the source found an effect of {e['source_effect']:.0%}; "
                         f"here plan on {e['effect']:.0%} (range {e['low']:.0%} to "
                         f"{e['high']:.0%}, quality {e.get('quality') or 'not stated'}"
                         + (f", weakened for {e['weakened_by']} precondition(s) that differ"
                            if e["weakened_by"] else "") + ")")
        return lines

    def _head(self) -> list[str]:
        return [f"Will it transfer? {self.opportunity}: from {self.source.system_name} to "
                f"{self.target.system_name}",
                f"differences in standard deviations over the reference set: "
                f"{', '.join(self.reference)}"]

    def _table(self, rows: int = 12) -> pd.DataFrame:
        d = self.differences.head(rows)
        return pd.DataFrame({"feature": d["feature"], "source": d["source"].map(_fmt),
                             "target": d["target"].map(_fmt),
                             "z": d["z"].map(lambda z: "" if np.isnan(z) else f"{z:+.1f}")})

    def report(self, with_chart: bool = True):
        """The comparison as a `netkit.render.document.Document`: what was compared, the
        largest differences (with a bar chart in HTML), the risks in words, and who in the
        target plays each partner's role."""
        from netkit.render.document import (
            HTML,
            TEXT,
            Bullets,
            Document,
            Heading,
            Lines,
            Paragraph,
            Raw,
            Table,
        )

        head, pages = self._head(), ("markdown", "html")
        risks = list(self.risks) or ["none: the systems look alike in what matters here"]
        verdict = self.verdict_lines()
        return Document([
            Lines(head, only=TEXT), Heading(head[0], only=pages),
            Paragraph(head[1], muted=True, only=pages),
            Paragraph(verdict[0], apart=True), Bullets(verdict[1:], wrap=False),
            Raw(f"<figure>{self.chart_svg()}</figure>") if with_chart else None,
            Table(self._table(), right=("source", "target", "z"), apart=True),
            Paragraph("Transfer risks:", apart=True, only=TEXT),
            Heading("Transfer risks", 2, only=pages),
            Bullets(risks, wrap=False),
            Paragraph(f"Counterparts by role ({self.roles}):", apart=True, only=TEXT),
            Heading("Counterparts by role", 2, only=pages),
            Paragraph(self.roles, muted=True, only=HTML),
            Bullets(self.counterpart_lines(), wrap=False)], title=head[0])

    def to_text(self) -> str:
        from netkit.render.text import render_text

        return render_text(self.report(with_chart=False))

    def to_markdown(self) -> str:
        from netkit.render.markdown import render_markdown

        return render_markdown(self.report(with_chart=False))

    def chart_svg(self, rows: int = 10) -> str:
        """A bar chart of the largest differences (inline SVG, deterministic)."""
        import io

        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        d = self.differences.dropna(subset=["z"]).head(rows).iloc[::-1]
        fig = Figure(figsize=(7, 0.35 * max(len(d), 2) + 1), dpi=100)
        ax = fig.add_subplot()
        ax.barh(d["feature"], d["z"], color=[DIFFERENCE_COLOURS["above" if z >= 0 else "below"]
                                             for z in d["z"]])
        ax.axvline(0, color=OUTLINE, linewidth=0.8)
        ax.set_xlabel(f"{self.target.system_name} minus {self.source.system_name} "
                      "(standard deviations)")
        ax.tick_params(axis="y", labelsize=8)
        fig.tight_layout()
        buffer = io.StringIO()
        with matplotlib.rc_context({"svg.hashsalt": "netkit", "svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        text = buffer.getvalue()
        return text[text.index("<svg"):]

    def to_html(self) -> str:
        from netkit.render.html import render_page

        return render_page(self.report())

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report())


def _profiles(systems, opportunity_source: System, opportunity) -> list[Profile]:
    out = []
    for system in systems:
        try:
            opp = transferred_opportunity(opportunity_source, system, opportunity)
            out.append(profile(system, opp))
        except OpportunityError:
            continue
    return out


def _default_reference() -> list[System]:
    from netkit.io.loading import load_system
    from netkit.io.samples import sample_path

    return [load_system(sample_path(n)) for n in ("riverside", "shire", "metro")]


@plain_strings
def compare(source: System, target: System, opportunity: str, reference=None,
            seed: int = 0) -> Comparison:
    """Compare two systems for one opportunity (defined in the source).

    Parameters
    ----------
    source, target : System
    opportunity : str
        An opportunity of the source.
    reference : list of System, optional
        Systems whose spread sets the scale of each feature and over which roles are fitted
        once. By default the stored reference set of generated integrated care systems
        (`netkit.transfer.reference`) for the opportunity's pathway tag; where it has none,
        the bundled samples riverside, shire and metro (the comparison says which).
    seed : int
        Seed for the role clustering (when roles are fitted here).

    Examples
    --------
    >>> import netkit
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> same = compare(riverside, riverside, "frailty-admissions")
    >>> float(same.differences["z"].abs().max()), same.risks, same.verdict["kind"]
    (0.0, [], 'transferable')
    """
    opp = source.opportunity(opportunity)
    carried = transferred_opportunity(source, target, opp)
    sets = PartnerSets()
    # both systems profiled in the pathways' scope (the opportunity without its shift: with
    # one, the scope is only what the shift changes, which is not what the systems are like);
    # the target's is the scope of its partner set for the carried opportunity, found once
    stage(f"profiling {source.name or 'the source'}")
    p_source = profile(source, transferred_opportunity(source, source, opp))
    stage(f"partners in {target.name or 'the target'} (the opportunity carried over)")
    carried_set = sets.get(target, carried, missing_ok=True)  # raised where it is needed
    p_target = (profile_in_scope(target, carried_set.scope) if carried_set is not None
                else profile(target, carried))
    stored_tag, stored = (None, None)
    if reference is None:
        stored_tag, stored = reference_for(_tags(carried))
    if stored is not None:
        ref_profiles = [Profile(name, f"reference {stored_tag}",
                                pd.Series(values, index=list(FEATURES), dtype="float64"))
                        for name, values in zip(stored["systems"], stored["profiles"])]
        names = [f"{len(ref_profiles)} synthetic (generated) ICSs (tag {stored_tag})"]
        model = RoleModel.from_params(stored["roles"])
        roles = (f"{model.n_roles_} roles fitted once over the reference set "
                 f"({stored['roles']['organisations']:,} organisations in {len(ref_profiles)} "
                 f"synthetic (generated) ICSs, tag {stored_tag})")
    else:
        systems = _default_reference() if reference is None else list(reference)
        ref_profiles = _profiles(systems, source, opp)
        names = list(dict.fromkeys(p.system_name for p in ref_profiles))
        if reference is None:
            names = [f"the bundled samples ({', '.join(names)}): the stored reference set has "
                     "none of this opportunity's pathway tags"]
        model, roles = _fit_roles(systems, source, opp, seed)
    stage("differences over the reference set")
    differences = _differences(p_source, p_target, ref_profiles + [p_source, p_target])
    risks = [_risk(r, source, target) for r in differences.itertuples()
             if not np.isnan(r.z) and abs(r.z) >= RISK_THRESHOLD
             and _supported(r, source, target)][:MAX_RISKS]
    stage(f"partners in {source.name or 'the source'}")
    sets.get(source, opp)
    stage("counterparts by role")
    counterparts, activity = _counterparts(source, target, opp, carried, model, sets)
    return _with_mechanism(Comparison(opp.id, p_source, p_target, differences, risks,
                                      counterparts, names, roles), source, target, opp, carried,
                           activity, sets)


def _tags(opp) -> list[str]:
    from netkit.model.selectors import PATHWAY_KINDS, parse_selector

    return [parse_selector(p, PATHWAY_KINDS).value for p in opp.pathways
            if parse_selector(p, PATHWAY_KINDS).kind == "tag"]


def _fit_roles(systems, source: System, opp, seed: int):
    """Roles fitted once over the reference systems given (not the pair compared)."""
    from netkit.partners.find import find_partners

    sets = []
    for system in steps(systems, "reference partner sets"):
        try:
            sets.append(find_partners(system, transferred_opportunity(source, system, opp),
                                     explain=False, draws=0))
        except OpportunityError:
            continue
    model = RoleModel(seed=seed).fit(sets)
    return model, (f"{model.n_roles_} roles fitted once over the {len(sets)} reference systems "
                   f"by k-means, the number chosen by silhouette "
                   f"({model.silhouette_[model.n_roles_]:.2f}), seed {seed}")


def _counts(row, source: System, target: System) -> tuple[float, float]:
    """A per-head feature turned back into the organisations it counts (source, target)."""
    out = []
    for system, value in ((source, row.source), (target, row.target)):
        try:
            out.append(value * float(system.meta.get("population") or np.nan) / 100_000)
        except (TypeError, ValueError):
            out.append(np.nan)
    return out[0], out[1]


def _supported(row, source: System, target: System) -> bool:
    """Whether a difference rests on counts large enough to read: a feature counted in
    organisations needs one system to have at least `MIN_COUNT`; one counted per head (acute
    trusts, care homes, voluntary bodies) needs the two systems' counts to differ by at least
    two organisations (one acute trust against one is no difference, whatever the populations)."""
    if row.feature not in _COUNTED:
        return True
    if row.feature in _PER_HEAD:
        s, t = _counts(row, source, target)
        return bool(abs(t - s) >= 2) if s == s and t == t else False
    if row.feature == "providers_per_100k":
        s, t = _counts(row, source, target)
        return bool(max(s, t) >= MIN_COUNT) if s == s and t == t else False
    return bool(max(row.source, row.target) >= MIN_COUNT)


def _with_mechanism(comparison: Comparison, source: System, target: System, opp,
                    carried, activity: pd.Series, sets: PartnerSets
                    ) -> Comparison:
    """The comparison with the mechanism carried over, its money compared, the preconditions,
    the evidence and the verdict (partner sets already found are taken from ``sets``)."""
    from dataclasses import replace

    from netkit.transfer.mechanism import compare_incentives, map_mechanism
    from netkit.transfer.verdict import carry_evidence, preconditions, verdict

    rows = comparison.counterparts
    matched = dict(zip(rows["source_id"], rows["counterpart_id"])) if len(rows) else {}
    stage("carrying the mechanism over")
    target_opp, services, organisations = map_mechanism(source, target, opp, carried, matched,
                                                        activity)
    source_set = sets.get(source, opp)
    stage(f"the money in {target.name or 'the target'} (the mechanism carried over)")
    target_set = sets.get(target, target_opp, missing_ok=True)
    stage("comparing the money")
    known = target.organisation_lookup("type")
    there = set(target_set.partners["id"].tolist()) if target_set is not None else set()
    counterpart_of = {**matched, **{o: o for o in source_set.partners["id"]
                                    if o not in matched and o in known and o in there}}
    money = compare_incentives(source, target, source_set.incentives,
                               target_set.incentives if target_set is not None else None,
                               counterpart_of)
    conditions = preconditions(source, target, source_set, target_set, opp.shift,
                               target_opp.shift)
    evidence = carry_evidence(opp.evidence, int(conditions["differs"].sum()) if len(conditions)
                              else 0)
    if evidence is not None and target_opp.shift is not None:
        high = max(evidence["high"], evidence["effect"])
        target_opp = replace(target_opp, shift=replace(
            target_opp.shift, fraction=max(evidence["effect"], 0.0),
            range=(max(min(evidence["low"], evidence["effect"]), 0.0), max(high, 0.0))))
    judged = verdict(services, organisations, conditions, money, evidence, target.name)
    return replace(comparison, mechanism=money, service_counterparts=services,
                   organisation_counterparts=organisations, preconditions=conditions,
                   evidence=evidence, verdict=judged, target_opportunity=target_opp)


def _differences(p_source: Profile, p_target: Profile, ref_profiles: list) -> pd.DataFrame:
    """Each feature's source and target values and their difference in units of the
    reference systems' spread (z), largest first."""
    from netkit.transfer.scaling import spread

    matrix = pd.DataFrame([p.features for p in ref_profiles])
    usable = [f for f in matrix.columns if matrix[f].notna().all()]
    scale_ = spread(matrix[usable].to_numpy())  # StandardScaler's scale_, to the bit
    # A reference set of near-identical systems has a tiny spread on some features; floor the
    # scale at a tenth of the feature's typical size so that small differences stay small.
    typical = matrix[usable].abs().mean()
    scale = pd.Series(np.maximum(scale_, MIN_RELATIVE_SCALE * typical.to_numpy()),
                      index=usable).replace(0.0, 1.0)
    diff = p_target.features - p_source.features
    z = (diff[usable] / scale).reindex(p_source.features.index)
    differences = pd.DataFrame({"feature": p_source.features.index,
                                "source": p_source.features.to_numpy(),
                                "target": p_target.features.to_numpy(), "z": z.to_numpy(),
                                "meaning": [FEATURES[f] for f in p_source.features.index]})
    differences["_size"] = differences["z"].abs().fillna(-1)
    differences = (differences.sort_values(["_size", "feature"], ascending=[False, True],
                                           kind="stable").drop(columns="_size")
                   .reset_index(drop=True))
    return differences


def _counterparts(source: System, target: System, opp, carried, model,
                  sets: PartnerSets) -> tuple[pd.DataFrame, pd.Series]:
    """Each source partner's counterpart in the target: within its kind of organisation, then
    by structural role (`netkit.transfer.roles.RoleModel.counterparts`); and the contacts a
    year at each target service on the opportunity's pathways (partner sets already found are
    taken from ``sets``)."""
    ps_source = sets.get(source, opp)
    ps_target = sets.get(target, carried)
    services = ps_target.scope.services
    activity = pd.Series(services["activity"].to_numpy(), index=services["id"].to_numpy())
    return model.counterparts(ps_source, ps_target).rows, activity


def _times(a: float, b: float) -> str:
    """``b`` against ``a`` in words: "1.6 times as many" or "40% fewer".

    Examples
    --------
    >>> _times(100, 160), _times(100, 60)
    ('1.6 times as many', '40% fewer')
    """
    if a > 0 and b > 0:
        ratio = b / a
        return f"{ratio:.1f} times as many" if ratio >= 1 else f"{1 - ratio:.0%} fewer"
    return "a different number of"


def _risk(row, source: System, target: System) -> str:
    """One difference in plain words, with what it means for copying the idea."""
    f, s, t = row.feature, row.source, row.target
    more = t > s
    templates = {**_flow_risks(s, t, more),
                 **_structure_risks(s, t, more, _counts(row, source, target))}
    if f in templates:
        return templates[f]
    return (f"{FEATURES[f]} is {'higher' if more else 'lower'} in the target ({_fmt(t)} against "
            f"{_fmt(s)}, z = {row.z:+.1f}): check that the idea does not rely on it")


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%" if abs(v) < 0.1 else f"{v * 100:.0f}%"


def _flow_risks(s: float, t: float, more: bool) -> dict[str, str]:
    """Feature → the difference in words, for how patients and activity move (source value
    ``s``, target value ``t``)."""
    pct = _pct
    return {
        "cross_organisation_share": (
            f"the target hands {_times(s, t)} patients between organisations "
            f"({pct(s)} of moves cross organisations in the source, {pct(t)} in the target); "
            + ("a model built around one provider in the source will not carry over"
               if more else "coordination the source needed may be unnecessary here")),
        "handoffs_per_patient": (
            f"each patient crosses between organisations {t:.2f} times in the target against "
            f"{s:.2f} in the source; "
            + ("more handovers to coordinate" if more else "fewer handovers to coordinate")),
        "activity_concentration": (
            "activity is " + ("more concentrated" if more else "spread more widely")
            + f" in the target (Herfindahl {t:.2f} against {s:.2f}); "
            + ("one provider can make or break the change" if more
               else "a deal with one provider covers less of the work")),
        "largest_provider_share": (
            f"the largest provider delivers {pct(t)} of the activity in the target against "
            f"{pct(s)} in the source; "
            + ("it must be at the table" if more else "no single provider can carry the change")),
        "providers_for_80pct": (
            f"the target needs {t:.0f} providers to cover 80% of the activity against {s:.0f} "
            "in the source; " + ("expect a larger partnership" if more
                                 else "a smaller partnership may do")),
    }


def _structure_risks(s: float, t: float, more: bool, counts=(np.nan, np.nan)
                     ) -> dict[str, str]:
    """Feature → the difference in words, for money, ties and the organisations there are
    (source value ``s``, target value ``t``)."""
    pct = _pct
    per_head = f"{_fmt(t)} against {_fmt(s)} per 100,000 population"
    n_s, n_t = counts
    counted = n_t > n_s if n_s == n_s and n_t == n_t else more
    in_scope = (f"{n_t:.0f} in scope against {n_s:.0f}" if n_s == n_s and n_t == n_t
                else per_head)
    return {
        "paid_by_activity_share": (
            f"{pct(t)} of commissioned value is paid by activity in the target against "
            f"{pct(s)} in the source; "
            + ("moving activity moves money, so a gain-share matters more" if more
               else "block contracts blunt the financial effect of moving activity")),
        "relationship_density": (
            "organisations in the target have "
            + ("more" if more else "fewer") + " existing ties ("
            + f"{pct(t)} of pairs against {pct(s)}); "
            + ("partnership can build on them" if more
               else "new relationships will take time and cost more to build")),
        "care_homes_per_100k": (
            f"the target has {'more' if counted else 'fewer'} care-home providers ({in_scope}; "
            f"{per_head}; one provider may run several homes): "
            + ("care-home in-reach matters more there" if counted else
               "an idea that relies on care-home beds or in-reach has less to work with")),
        "acute_trusts_per_100k": (
            f"the target has {'more' if counted else 'fewer'} acute trusts ({in_scope}): "
            + ("the emergency work is shared, so the hospital side needs several trusts at the "
               "table" if counted else "one hospital carries more of the work")),
        "vcse_per_100k": (
            f"the voluntary sector is {'larger' if counted else 'smaller'} in the target "
            f"({in_scope} voluntary bodies; {per_head}): "
            + ("more partners to involve, and more to gain from them" if counted
               else "support the source bought from charities may not exist here")),
        "vcse_share": (
            f"voluntary bodies deliver {pct(t)} of the activity in the target against "
            f"{pct(s)} in the source: "
            + ("they carry more of the pathway" if more else "they carry less of the pathway")),
    }


@plain_strings
def similar(system: System, systems, k: int = 3, opportunity: str | None = None) -> pd.DataFrame:
    """The ``k`` systems most alike ``system`` (standardised profiles, Euclidean distance).

    Parameters
    ----------
    system : System
    systems : list of System
        The candidates (``system`` itself is left out if present).
    k : int
    opportunity : str, optional
        Compare in this opportunity's scope (defined in ``system``) instead of whole systems.

    Returns
    -------
    DataFrame
        ``system, distance``, nearest first.
    """
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler

    def prof(s):
        if opportunity is None:
            return profile(s)
        return profile(s, transferred_opportunity(system, s, opportunity))

    others = [s for s in systems if s is not system]
    if not others:
        raise OpportunityError("give at least one other system to compare with")
    profiles = [prof(system)] + [prof(s) for s in others]
    matrix = pd.DataFrame([p.features for p in profiles])
    usable = [f for f in matrix.columns if matrix[f].notna().all()]
    X = StandardScaler().fit_transform(matrix[usable].to_numpy())
    k = min(k, len(others))
    nn = NearestNeighbors(n_neighbors=k).fit(X[1:])
    distance, index = nn.kneighbors(X[:1])
    return pd.DataFrame({"system": [others[i].name for i in index[0]],
                         "distance": distance[0].round(4)})
