"""Will it transfer? Compare the system where an idea worked (the source) with the one that
wants to copy it (the target), in the ways that matter for the opportunity.

`compare` profiles both systems in the opportunity's scope (`netkit.transfer.profiles`), standardises
the differences over a reference set of systems (scikit-learn's ``StandardScaler``), names the
features that differ most, says in plain words what that means for transfer, and maps the
source's partners onto the target by structural role (`netkit.transfer.roles`). `similar` finds the
systems most alike (scikit-learn's ``NearestNeighbors``).

The opportunity is the one defined in the source; in the target it is scoped by the same
pathway tags (or pathway ids where the source names pathways without tags), in all places.
Services and organisations named by the source's shift, include and exclude lists are the
source's own, so they are left out in the target; incentives are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netkit.errors import OpportunityError
from netkit.model.system import System
from netkit.render.palette import DIFFERENCE_COLOURS, OUTLINE
from netkit.transfer.mapping import transferred_opportunity
from netkit.transfer.profiles import FEATURES, Profile, profile
from netkit.transfer.profiles import format_value as _fmt

__all__ = ["Comparison", "compare", "similar", "RISK_THRESHOLD", "MIN_RELATIVE_SCALE", "MAX_RISKS"]

#: Differences of at least this many standard deviations are turned into risk statements.
RISK_THRESHOLD = 1.0

#: The scale of a feature is at least this share of its typical size in the reference set.
MIN_RELATIVE_SCALE = 0.1

#: At most this many risk statements, the largest differences first.
MAX_RISKS = 6


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
            "roles": self.roles})

    def _head(self) -> list[str]:
        return [f"Will it transfer? {self.opportunity}: from {self.source.system_name} to "
                f"{self.target.system_name}",
                f"differences in standard deviations over {len(self.reference)} reference "
                f"systems ({', '.join(self.reference)})"]

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
        return Document([
            Lines(head, only=("text",)), Heading(head[0], only=pages),
            Paragraph(head[1], muted=True, only=pages),
            Raw(f"<figure>{self.chart_svg()}</figure>") if with_chart else None,
            Table(self._table(), right=("source", "target", "z"), apart=True),
            Paragraph("Transfer risks:", apart=True, only=("text",)),
            Heading("Transfer risks", 2, only=pages),
            Bullets(risks, wrap=False),
            Paragraph(f"Counterparts by role ({self.roles}):", apart=True, only=("text",)),
            Heading("Counterparts by role", 2, only=pages),
            Paragraph(self.roles, muted=True, only=("html",)),
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


def compare(source: System, target: System, opportunity: str, reference=None,
            seed: int = 0) -> Comparison:
    """Compare two systems for one opportunity (defined in the source).

    Parameters
    ----------
    source, target : System
    opportunity : str
        An opportunity of the source.
    reference : list of System, optional
        Systems whose spread sets the scale of each feature (with the source and target added);
        by default the bundled samples riverside, shire and metro.
    seed : int
        Seed for the role clustering.

    Examples
    --------
    >>> import netkit
    >>> riverside = netkit.load_system(netkit.sample_path("riverside"))
    >>> same = compare(riverside, riverside, "frailty-admissions")
    >>> float(same.differences["z"].abs().max()), same.risks
    (0.0, [])
    """
    opp = source.opportunity(opportunity)
    reference = _default_reference() if reference is None else list(reference)
    p_source = profile(source, opp)
    p_target = profile(target, transferred_opportunity(source, target, opp))
    ref_profiles = [p for p in _profiles(reference, source, opp)] + [p_source, p_target]
    names = list(dict.fromkeys(p.system_name for p in ref_profiles))
    differences = _differences(p_source, p_target, ref_profiles)
    risks = [_risk(r, source.name, target.name) for r in differences.itertuples()
             if not np.isnan(r.z) and abs(r.z) >= RISK_THRESHOLD][:MAX_RISKS]
    counterparts, roles = _counterparts(source, target, opp, seed)
    return Comparison(opp.id, p_source, p_target, differences, risks, counterparts, names, roles)


def _differences(p_source: Profile, p_target: Profile, ref_profiles: list) -> pd.DataFrame:
    """Each feature's source and target values and their difference in units of the
    reference systems' spread (z), largest first."""
    from sklearn.preprocessing import StandardScaler

    matrix = pd.DataFrame([p.features for p in ref_profiles])
    usable = [f for f in matrix.columns if matrix[f].notna().all()]
    scaler = StandardScaler().fit(matrix[usable].to_numpy())
    # A reference set of near-identical systems has a tiny spread on some features; floor the
    # scale at a tenth of the feature's typical size so that small differences stay small.
    typical = matrix[usable].abs().mean()
    scale = pd.Series(np.maximum(scaler.scale_, MIN_RELATIVE_SCALE * typical.to_numpy()),
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


def _counterparts(source: System, target: System, opp, seed: int) -> tuple[pd.DataFrame, str]:
    """Each source partner's structural counterpart in the target (roles fitted on both
    partner sets), and how the roles were found, in words."""
    from netkit.partners.find import find_partners
    from netkit.transfer.roles import RoleModel

    ps_source = find_partners(source, opp)
    ps_target = find_partners(target, transferred_opportunity(source, target, opp))
    model = RoleModel(seed=seed).fit([ps_source, ps_target])
    counterparts = model.counterparts(ps_source, ps_target).rows
    roles = (f"{model.n_roles_} roles by k-means, the number chosen by silhouette "
             f"({model.silhouette_[model.n_roles_]:.2f}), seed {seed}")
    return counterparts, roles


def _times(a: float, b: float) -> str:
    if a > 0 and b > 0:
        ratio = b / a
        return f"{ratio:.1f} times" if ratio >= 1 else f"{1 / ratio:.1f} times less than"
    return "unlike"


def _risk(row, source: str, target: str) -> str:
    """One difference in plain words, with what it means for copying the idea."""
    f, s, t = row.feature, row.source, row.target
    more = t > s
    templates = {**_flow_risks(s, t, more), **_structure_risks(s, t, more)}
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
            f"the target hands {_times(s, t)} as many patients between organisations "
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


def _structure_risks(s: float, t: float, more: bool) -> dict[str, str]:
    """Feature → the difference in words, for money, ties and the organisations there are
    (source value ``s``, target value ``t``)."""
    pct = _pct
    per_head = f"{_fmt(t)} against {_fmt(s)} per 100,000 population"
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
            f"the target has {'more' if more else 'fewer'} care homes per head ({per_head}): "
            + ("care-home in-reach matters more there" if more else
               "an idea that relies on care-home beds or in-reach has less to work with")),
        "acute_trusts_per_100k": (
            f"the target has {'more' if more else 'fewer'} acute trusts per head ({per_head}): "
            + ("the emergency work is shared, so the hospital side needs several trusts at the "
               "table" if more else "one hospital carries more of the work")),
        "vcse_per_100k": (
            f"the voluntary sector is {'larger' if more else 'smaller'} in the target "
            f"({_fmt(t)} against {_fmt(s)} voluntary bodies per 100,000 population): "
            + ("more partners to involve, and more to gain from them" if more
               else "support the source bought from charities may not exist here")),
        "vcse_share": (
            f"voluntary bodies deliver {pct(t)} of the activity in the target against "
            f"{pct(s)} in the source: "
            + ("they carry more of the pathway" if more else "they carry less of the pathway")),
    }


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
