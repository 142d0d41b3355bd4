"""Structural roles: organisations grouped across systems by their position in the network and
their share of the work, so that "who plays this part here?" has an answer.

`RoleModel` learns roles from one or more systems (k-means on standardised features, the number
of roles chosen by silhouette), names each role from what sets its members apart, and maps a
partner set from one system onto another: "your counterpart of X is Y", "no counterpart of Z
here".

Features per organisation (its candidate in the scope): its shares of in-scope activity,
handoffs, brokerage (weighted betweenness) and commissioning, and the share of the other
candidates it hands patients to or from (its reach).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netkit._strings import plain_strings
from netkit.errors import OptionError

__all__ = ["RoleModel", "fit_roles", "role_features", "ROLE_FEATURES", "Counterparts",
           "counterpart_lines", "role_in_type", "ROLE_MISMATCH"]

ROLE_FEATURES = ("activity_share", "handoffs_share", "brokerage_share", "commissioning_share",
                 "reach")

#: What each feature says about a role, for naming it.
_ROLE_WORDS = {"activity_share": "hub provider", "handoffs_share": "pathway connector",
               "brokerage_share": "broker", "commissioning_share": "commissioner",
               "reach": "wide-reaching partner"}

#: The same, as a word before the organisation's type ("the hub acute trust").
_ROLE_ADJECTIVES = {"hub provider": "hub", "pathway connector": "connecting",
                    "broker": "brokering", "commissioner": "commissioning",
                    "wide-reaching partner": "wide-reaching", "peripheral": "peripheral"}

#: Added to the distance between two organisations of one kind whose roles differ, so that an
#: organisation in the same role wins where there is one.
ROLE_MISMATCH = 10.0

#: The fewest roles chosen by silhouette, where there are at least ten organisations a role.
MIN_ROLES = 3

#: Taken off the distance between two organisations of one kind with the same id.
SAME_ID = 0.5


def role_features(partner_set) -> pd.DataFrame:
    """One row per candidate of a partner set: ``system, id, name, type`` and the features.

    Examples
    --------
    >>> import netkit
    >>> ps = netkit.find_partners(netkit.load_system(netkit.sample_path("tiny")), "frailty")
    >>> float(round(role_features(ps).set_index("id").loc["ACUTE", "reach"], 3))  # 5 of 6 others
    0.833
    """
    partners = partner_set.partners
    pairs = partner_set.criteria.pairs
    others = max(len(partners) - 1, 1)
    linked = pd.concat([pairs[["source", "target"]],
                        pairs[["target", "source"]].set_axis(["source", "target"], axis=1)])
    reach = linked.drop_duplicates().groupby("source").size() / others
    frame = partners[["id", "name", "type", "activity_share", "handoffs_share",
                      "brokerage_share", "commissioning_share"]].copy()
    frame["handoffs_share"] = frame["handoffs_share"] / 2  # each handoff has two parties
    frame["reach"] = frame["id"].map(reach).fillna(0.0).astype("float64")
    frame.insert(0, "system", partner_set.system_name)
    return frame.reset_index(drop=True)


def role_in_type(role: str, org_type) -> str:
    """A role named within a type: ``hub provider and pathway connector`` for an acute trust is
    ``hub and connecting acute trust``.

    Examples
    --------
    >>> role_in_type("hub provider and pathway connector", "acute_trust")
    'hub and connecting acute trust'
    >>> role_in_type("peripheral (2)", "gp_practice")
    'peripheral GP practice'
    """
    from netkit.transfer.kinds import type_words

    base = role.split(" (")[0]
    words = [_ROLE_ADJECTIVES.get(part, part) for part in base.split(" and ")]
    return f"{' and '.join(words)} {type_words(org_type)}"


def counterpart_lines(rows: pd.DataFrame) -> list[str]:
    """"your counterpart of X (the hub acute trust) is Y" or "no counterpart of Z here", one
    per row, with why where there is none."""
    out = []
    for r in rows.itertuples():
        described = getattr(r, "described", "") or r.role
        if r.counterpart_id:
            out.append(f"your counterpart of {r.source_name} ({described}) is "
                       f"{r.counterpart_name}")
        else:
            why = getattr(r, "why", "")
            out.append(f"no counterpart of {r.source_name} ({described}) here"
                       + (f": {why}" if why else ""))
    return out


@dataclass(frozen=True)
class Counterparts:
    """A source partner set mapped onto a target system by role."""

    source: str
    target: str
    opportunity: str
    rows: pd.DataFrame  # source_id, source_name, tier, role, counterpart_id, counterpart_name, distance

    def lines(self) -> list[str]:
        return counterpart_lines(self.rows)

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_dict(self) -> dict:
        from netkit.render.formats import to_jsonable

        return to_jsonable({"source": self.source, "target": self.target,
                            "opportunity": self.opportunity,
                            "counterparts": self.rows.to_dict("records")})

    def report(self):
        """The counterparts as a `netkit.render.document.Document`: one line each (`lines`)."""
        from netkit.render.document import HTML, TEXT, Bullets, Document, Lines

        lines = self.lines()
        return Document([Lines(lines, only=TEXT), Bullets(lines, only=HTML)])

    def to_text(self) -> str:
        from netkit.render.text import render_text

        return render_text(self.report())

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report(), notebook=True)


class RoleModel:
    """Learn structural roles from organisations in one or more systems.

    Parameters
    ----------
    n_roles : int, optional
        The number of roles; by default the one with the best silhouette between 2 and 8.
    seed : int
        Seed for k-means.

    Attributes
    ----------
    organisations_ : DataFrame
        Every organisation fitted: ``system, id, name, type``, the features and ``role``.
    role_names_ : dict
        Cluster number → role name.
    silhouette_ : dict
        Number of roles tried → mean silhouette score.
    n_roles_ : int

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> model = RoleModel(seed=0).fit([netkit.find_partners(tiny, "frailty")])
    >>> model.n_roles_ >= 2
    True
    """

    def __init__(self, n_roles: int | None = None, seed: int = 0):
        self.n_roles = n_roles
        self.seed = seed

    def fit(self, partner_sets) -> "RoleModel":
        """Fit on the candidates of some partner sets (one per system, same opportunity)."""
        return self.fit_frame(pd.concat([role_features(ps) for ps in partner_sets],
                                        ignore_index=True))

    def fit_frame(self, frame: pd.DataFrame) -> "RoleModel":
        """Fit on organisations' role features (`role_features` rows, from any systems)."""
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score
        from sklearn.preprocessing import StandardScaler

        frame = frame.reset_index(drop=True)
        if len(frame) < 3:
            raise OptionError("roles need at least three organisations to learn from")
        X = frame[list(ROLE_FEATURES)].to_numpy(dtype=float)
        self.scaler_ = StandardScaler().fit(X)
        Z = self.scaler_.transform(X)
        distinct = len(np.unique(Z.round(9), axis=0))
        if self.n_roles is not None:
            if not 2 <= self.n_roles <= min(distinct, len(frame) - 1):
                raise OptionError(f"n_roles must be from 2 to {min(distinct, len(frame) - 1)} "
                                  f"for these {len(frame)} organisations (got {self.n_roles})")
            tries = [self.n_roles]
        else:
            # at least three roles where there are enough organisations: two split
            # commissioners from providers and call every practice a hub
            low = MIN_ROLES if len(frame) >= 10 * MIN_ROLES else 2
            tries = list(range(low, min(8, distinct - 1, len(frame) - 1) + 1)) or [2]
        self.silhouette_ = {}
        best = None
        # silhouette on a seeded sample of at most 5,000 organisations: exact for small sets,
        # and the full matrix of a reference set of several ICSs would not fit in memory
        sample = min(len(frame), 5000)
        for k in tries:
            km = KMeans(n_clusters=k, n_init=10, random_state=self.seed).fit(Z)
            score = (float(silhouette_score(Z, km.labels_, sample_size=sample,
                                            random_state=self.seed))
                     if len(set(km.labels_)) > 1 else -1.0)
            self.silhouette_[k] = score
            if best is None or score > best[0] + 1e-12:
                best = (score, k, km)
        _, self.n_roles_, km = best
        self.centres_ = km.cluster_centers_
        self.role_names_ = _name_roles(self.centres_)
        frame["role"] = [self.role_names_[c] for c in km.labels_]
        self.organisations_ = frame
        return self

    def to_params(self) -> dict:
        """The fitted model as plain numbers (for a stored reference set)."""
        return {"n_roles": int(self.n_roles_), "seed": self.seed,
                "mean": self.scaler_.mean_.round(12).tolist(),
                "scale": self.scaler_.scale_.round(12).tolist(),
                "centres": self.centres_.round(12).tolist(),
                "names": [self.role_names_[c] for c in range(self.n_roles_)],
                "silhouette": {str(k): round(v, 6) for k, v in self.silhouette_.items()},
                "organisations": int(len(self.organisations_))}

    @classmethod
    def from_params(cls, params: dict) -> "RoleModel":
        """A model fitted elsewhere (`to_params`); its ``organisations_`` is empty."""
        from netkit.transfer.scaling import Standardiser

        model = cls(n_roles=params["n_roles"], seed=params.get("seed", 0))
        # the stored means and scales, without importing scikit-learn to hold them
        model.scaler_ = Standardiser(params["mean"], params["scale"])
        model.centres_ = np.asarray(params["centres"], dtype=float)
        model.n_roles_ = int(params["n_roles"])
        model.role_names_ = dict(enumerate(params["names"]))
        model.silhouette_ = {int(k): v for k, v in params["silhouette"].items()}
        model.organisations_ = pd.DataFrame(columns=["system", "id", "name", "type",
                                                     *ROLE_FEATURES, "role"])
        return model

    def _predict(self, Z: np.ndarray) -> np.ndarray:
        """The nearest role centre of each standardised row."""
        return ((Z[:, None, :] - self.centres_[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)

    def roles_of(self, partner_set) -> pd.DataFrame:
        """Assign roles to a partner set's candidates with the fitted model."""
        frame = role_features(partner_set)
        Z = self.scaler_.transform(frame[list(ROLE_FEATURES)].to_numpy(dtype=float))
        frame["role"] = [self.role_names_[c] for c in self._predict(Z)]
        return frame

    def counterparts(self, source, target, tiers=("core", "involve")) -> Counterparts:  # long: one matching per kind, then the table
        """Map the source partner set's partners onto the target's candidates.

        Organisations are matched within their kind first (`netkit.transfer.kinds`: a council
        with a council, primary care with primary care), one to one, then by structural
        position: the closest in the standardised features, an organisation in the same role
        preferred (`ROLE_MISMATCH`), an organisation of the same name winning a tie. Where the
        target has no organisation of that kind left, there is no counterpart, and the row
        says why.
        """
        from scipy.optimize import linear_sum_assignment

        from netkit.transfer.kinds import kind_of

        src, tgt = self.roles_of(source), self.roles_of(target)
        tier = dict(zip(source.partners["id"], source.partners["tier"]))
        src = src[src["id"].map(tier).isin(tiers)]
        src = src.assign(kind=src["type"].map(kind_of))
        tgt = tgt.assign(kind=tgt["type"].map(kind_of))
        rows = []
        for kind, group in src.groupby("kind", sort=True):
            pool = tgt[tgt["kind"] == kind]
            matched = {}
            if len(pool):
                a = self.scaler_.transform(group[list(ROLE_FEATURES)].to_numpy(dtype=float))
                b = self.scaler_.transform(pool[list(ROLE_FEATURES)].to_numpy(dtype=float))
                cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
                cost += ROLE_MISMATCH * (group["role"].to_numpy()[:, None]
                                         != pool["role"].to_numpy()[None, :])
                cost += 1e-6 * (group["name"].to_numpy()[:, None] != pool["name"].to_numpy()[None, :])
                # a system derived from another (or coded alike) keeps ids: the same id is a
                # strong hint, though never enough to cross a kind or a role
                cost -= SAME_ID * (group["id"].to_numpy()[:, None] == pool["id"].to_numpy()[None, :])
                for i, j in zip(*linear_sum_assignment(cost)):
                    matched[i] = (pool.iloc[j], float(cost[i, j]))
            for i, r in enumerate(group.itertuples()):
                other, distance = matched.get(i, (None, np.nan))
                why = "" if other is not None else (
                    f"{target.system_name} has no {kind} organisation in this opportunity's scope"
                    if not len(pool) else
                    f"{target.system_name} has fewer {kind} organisations in scope "
                    f"({len(pool)}) than {source.system_name} ({len(group)})")
                rows.append({"source_id": r.id, "source_name": r.name, "tier": tier[r.id],
                             "type": r.type, "role": r.role,
                             "described": role_in_type(r.role, r.type),
                             "counterpart_id": other["id"] if other is not None else "",
                             "counterpart_name": other["name"] if other is not None else "",
                             "counterpart_type": other["type"] if other is not None else "",
                             "distance": round(distance, 6) if other is not None else np.nan,
                             "why": why})
        order = {i: n for n, i in enumerate(source.partners["id"])}
        frame = pd.DataFrame(rows, columns=["source_id", "source_name", "tier", "type", "role",
                                            "described", "counterpart_id", "counterpart_name",
                                            "counterpart_type", "distance", "why"])
        frame = frame.sort_values("source_id", key=lambda s: s.map(order)).reset_index(drop=True)
        return Counterparts(source.system_name, target.system_name, source.opportunity.id, frame)

    def to_frame(self) -> pd.DataFrame:
        return self.organisations_.copy()

    def to_dict(self) -> dict:
        from netkit.render.formats import to_jsonable

        return to_jsonable({"n_roles": self.n_roles_, "silhouette": self.silhouette_,
                            "roles": self.role_summary().to_dict("records"),
                            "organisations": self.organisations_.to_dict("records")})

    def role_summary(self) -> pd.DataFrame:
        """Each role: how many organisations, and the mean of each feature."""
        frame = self.organisations_
        summary = frame.groupby("role")[list(ROLE_FEATURES)].mean().round(3)
        summary.insert(0, "organisations", frame.groupby("role").size())
        return summary.reset_index()

    def report(self):
        """The roles as a `netkit.render.document.Document`: how they were chosen, the mean
        features of each, and who plays each role."""
        from netkit.render.document import (
            MARKDOWN,
            TEXT,
            Bullets,
            Document,
            Heading,
            Lines,
            Paragraph,
            Table,
        )

        k = self.n_roles_
        chosen = (f"{k} roles (silhouette {self.silhouette_[k]:.2f}"
                  + ("; chosen as the best of " + ", ".join(
                      f"{n}: {s:.2f}" for n, s in self.silhouette_.items()) + ")"
                     if len(self.silhouette_) > 1 else ")"))
        members = [(role, ", ".join(f"{n} ({s})" for n, s in zip(group["name"], group["system"])))
                   for role, group in self.organisations_.groupby("role", sort=True)]
        return Document([
            Paragraph(chosen, only=TEXT),
            Heading(f"{k} structural roles", only=MARKDOWN),
            Paragraph(f"k-means on standardised features, {k} roles chosen by silhouette "
                      f"({self.silhouette_[k]:.2f}); seed {self.seed}.", only=MARKDOWN),
            Table(self.role_summary()),
            Lines([f"{role}: {names}" for role, names in members], only=TEXT, apart=True),
            # the role in bold: escaping leaves the asterisks alone and keeps the names inert
            Bullets([f"**{role}**: {names}" for role, names in members], only=MARKDOWN)],
            title=f"{k} structural roles")

    def to_text(self) -> str:
        from netkit.render.text import render_text

        return render_text(self.report())

    def to_markdown(self) -> str:
        from netkit.render.markdown import render_markdown

        return render_markdown(self.report())

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report(), notebook=True)


def _name_roles(centres: np.ndarray) -> dict:
    """Name each cluster by what sets it apart (features more than one standard deviation above
    average, the largest first, at most two; else the largest above average); clusters below
    average on every feature are peripheral. A name used twice gets a number."""
    names = {}
    for c, centre in enumerate(centres):
        order = np.argsort(-centre, kind="stable")
        strong = [ROLE_FEATURES[i] for i in order[:2] if centre[i] > 1.0]
        if not strong and centre[order[0]] > 0:
            strong = [ROLE_FEATURES[order[0]]]
        names[c] = " and ".join(_ROLE_WORDS[f] for f in strong) or "peripheral"
    seen: dict = {}
    for c in sorted(names, key=lambda c: -centres[c].max()):
        seen[names[c]] = seen.get(names[c], 0) + 1
        if seen[names[c]] > 1:
            names[c] = f"{names[c]} ({seen[names[c]]})"
    return names


@plain_strings
def fit_roles(systems, opportunity: str | None = None, n_roles: int | None = None,
              seed: int = 0) -> RoleModel:
    """Learn roles across systems: in one opportunity's scope (defined in the first system and
    scoped in the others by the same pathway tags), or over every pathway of each system.

    Examples
    --------
    >>> import netkit
    >>> tiny = netkit.load_system(netkit.sample_path("tiny"))
    >>> fit_roles([tiny], n_roles=2).n_roles_
    2
    """
    from netkit._progress import stage, steps
    from netkit.model.opportunity import Opportunity
    from netkit.partners.find import find_partners
    from netkit.transfer.mapping import transferred_opportunity

    systems = list(systems)
    if not systems:
        raise OptionError("give at least one system to learn roles from")
    partner_sets = []
    for system in steps(systems, "partner sets"):
        if opportunity is None:
            opp = Opportunity(id="whole-system", title="every pathway",
                              pathways=tuple(system.pathways["id"]))
        else:
            opp = transferred_opportunity(systems[0], system, opportunity)
        # roles read the figures: no reasons in words, no Monte Carlo ranges
        partner_sets.append(find_partners(system, opp, explain=False, draws=0))
    stage("fitting roles")
    return RoleModel(n_roles=n_roles, seed=seed).fit(partner_sets)
