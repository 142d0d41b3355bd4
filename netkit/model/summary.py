"""A summary of a system: who is in it, what flows through it, and how it is tied together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from netkit._strings import plain_strings
from netkit.model.activity import service_activity
from netkit.model.disclosure import DisclosureRules, disclosure_rules
from netkit.model.schema import HOME
from netkit.render.document import Document, Heading, Paragraph, Table
from netkit.render.formats import fmt_number, fmt_share
from netkit.render.html import render_html
from netkit.render.views import ReportViews

if TYPE_CHECKING:  # for annotations only: System.summary() calls summarise
    from netkit.model.system import System

__all__ = ["SystemSummary", "summarise"]


@dataclass(frozen=True, repr=False)
class SystemSummary(ReportViews):
    """Counts and tables describing a system.

    Attributes
    ----------
    name : str
    counts : dict
        Organisations, services, pathways, flows, relationships and opportunities.
    organisations_by_type, organisations_by_sector, organisations_by_place : DataFrame
        ``<group>, organisations``, largest first (ties by name).
    pathways : DataFrame
        ``id, name, cohort, patients, transitions``: patients entering the pathway a year
        (flows from ``@home``) and all patient movements a year.
    top_organisations : DataFrame
        ``id, name, type, activity, share``: patient contacts a year at the organisation's
        services, the ten largest.
    relationships_by_type : DataFrame
        ``type, relationships, value``: count and total value (£/yr) of each kind of tie.
    disclosure : DisclosureRules
        Rules for the patient counts shown (the tables hold the true figures).
    """

    name: str
    counts: dict
    organisations_by_type: pd.DataFrame
    organisations_by_sector: pd.DataFrame
    organisations_by_place: pd.DataFrame
    pathways: pd.DataFrame
    top_organisations: pd.DataFrame
    relationships_by_type: pd.DataFrame
    disclosure: DisclosureRules = field(default_factory=lambda: disclosure_rules(None))

    def __repr__(self) -> str:
        """One line: what this is and its size (the tables are in the attributes)."""
        return (f"<SystemSummary {self.name!r}: " + ", ".join(
            f"{v:,} {k}" for k, v in self.counts.items() if isinstance(v, int)) + ">")

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"organisations_by_type": self.organisations_by_type,
                "organisations_by_sector": self.organisations_by_sector,
                "organisations_by_place": self.organisations_by_place,
                "pathways": self.pathways,
                "top_organisations": self.top_organisations,
                "relationships_by_type": self.relationships_by_type}

    def to_frame(self) -> pd.DataFrame:
        """The top organisations by activity (the other tables are attributes), for CSV and
        ``.xlsx``: under active disclosure rules, activity and share as the text and JSON give
        them (released counts without thousands separators, as in the partner CSV, and shares
        from the released figures)."""
        rules, top = self.disclosure, self.top_organisations
        if not rules.active:
            return top
        total = self._total_activity()
        return top.assign(activity=[rules.count(v).replace(",", "") for v in top["activity"]],
                          share=[rules.share(v, total) for v in top["activity"]])

    def to_dict(self) -> dict:
        tables = self.tables()
        rules = self.disclosure
        if rules.active:
            top, total = self.top_organisations, self._total_activity()
            tables["top_organisations"] = top.assign(
                activity=[rules.count(v) for v in top["activity"]],
                share=[rules.share(v, total) for v in top["activity"]])
            tables["pathways"] = self.pathways.assign(
                patients=[rules.count(v) for v in self.pathways["patients"]],
                transitions=[rules.count(v) for v in self.pathways["transitions"]])
        out = {"name": self.name, "counts": self.counts,
               **{k: v.to_dict("records") for k, v in tables.items()}}
        if rules.active:
            out["disclosure"] = rules.describe()
        return out

    def _total_activity(self) -> float:
        """All patient contacts a year (the table keeps the top organisations and their
        shares of it)."""
        top = self.top_organisations
        return float(top["activity"].sum() / top["share"].sum()) if top["share"].sum() else 0.0

    def _display(self) -> list[tuple[str, pd.DataFrame, list[str]]]:
        rules = self.disclosure
        count = rules.count if rules.active else fmt_number
        top, total = self.top_organisations, self._total_activity()
        share = ((lambda v: rules.share(v, total)) if rules.active
                 else (lambda v: fmt_share(v / total if total else 0.0)))
        top = top.assign(activity=top["activity"].map(count), share=top["activity"].map(share))
        paths = self.pathways.assign(patients=self.pathways["patients"].map(count),
                                     transitions=self.pathways["transitions"].map(count))
        rels = self.relationships_by_type.assign(
            value=self.relationships_by_type["value"].map(lambda v: f"£{v:,.0f}" if v else ""))
        return [
            ("Organisations by type", self.organisations_by_type, ["organisations"]),
            ("Organisations by sector", self.organisations_by_sector, ["organisations"]),
            ("Organisations by place", self.organisations_by_place, ["organisations"]),
            ("Patients a year by pathway", paths, ["patients", "transitions"]),
            ("Top organisations by activity (patient contacts a year)", top,
             ["activity", "share"]),
            ("Relationships by type", rels, ["relationships", "value"]),
        ]

    def _headline(self) -> str:
        c = self.counts
        return (f"{c['organisations']} organisations, {c['services']} services, "
                f"{c['pathways']} pathways ({c['flows']} flows), {c['relationships']} "
                f"relationships, {c['opportunities']} opportunities")

    def report(self) -> Document:
        """The summary as a `netkit.render.document.Document`: the system's name, its counts,
        a table per breakdown and, under disclosure rules, the rules in words."""
        blocks = [Heading(self.name), Paragraph(self._headline())]
        for title, frame, right in self._display():
            blocks += [Heading(title, 2), Table(frame, right=tuple(right))]
        if self.disclosure.active:
            blocks.append(Paragraph(self.disclosure.describe(), apart=True))
        return Document(blocks, title=self.name)


    def _repr_html_(self) -> str:
        return render_html(self.report(), notebook=True)


def _count_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    values = frame[column].fillna("(none)")
    counts = values.value_counts().rename("organisations").rename_axis(column).reset_index()
    return counts.sort_values(["organisations", column], ascending=[False, True],
                              kind="mergesort").reset_index(drop=True)


@plain_strings
def summarise(system: System, top: int = 10, disclosure=None) -> SystemSummary:
    """Summarise a system (patient counts shown under ``disclosure`` rules, if given).

    Examples
    --------
    >>> import netkit
    >>> s = netkit.summarise(netkit.load_system(netkit.sample_path("tiny")))
    >>> s.counts["organisations"]
    8
    >>> s.top_organisations.iloc[0]["id"]
    'GP1'
    """
    orgs, services, pathways = system.organisations, system.services, system.pathways
    flows, rels = system.flows, system.relationships
    entering = flows[flows["source"] == HOME].groupby("pathway")["patients"].sum()
    moving = flows.groupby("pathway")["patients"].sum()
    path_table = pd.DataFrame({
        "id": pathways["id"], "name": pathways["name"],
        "cohort": pathways["cohort"],
        "patients": pathways["id"].map(entering).fillna(0.0).to_numpy(),
        "transitions": pathways["id"].map(moving).fillna(0.0).to_numpy(),
    })
    activity = service_activity(flows)
    by_org = (services.assign(activity=services["id"].map(activity).fillna(0.0))
              .groupby("provider")["activity"].sum())
    total = by_org.sum()
    top_orgs = (orgs[["id", "name", "type"]]
                .assign(activity=orgs["id"].map(by_org).fillna(0.0).to_numpy())
                .sort_values(["activity", "id"], ascending=[False, True], kind="mergesort"))
    top_orgs = top_orgs[top_orgs["activity"] > 0].head(top).reset_index(drop=True)
    top_orgs["share"] = top_orgs["activity"] / total if total else 0.0
    rel_table = (rels.assign(value=rels["value"].fillna(0.0)).groupby("type")
                 .agg(relationships=("value", "size"), value=("value", "sum")).reset_index()
                 .sort_values(["relationships", "type"], ascending=[False, True], kind="mergesort")
                 .reset_index(drop=True))
    counts = {"organisations": len(orgs), "services": len(services), "pathways": len(pathways),
              "flows": len(flows), "relationships": len(rels),
              "opportunities": len(system.opportunities)}
    return SystemSummary(system.name, counts, _count_by(orgs, "type"), _count_by(orgs, "sector"),
                         _count_by(orgs, "place"), path_table, top_orgs, rel_table,
                         disclosure_rules(disclosure))
