"""The result of mining, `MinedPathways`, and the flow tables that both mining engines (pandas and Spark) finish with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from netkit.errors import OptionError
from netkit.model.disclosure import SUPPRESSED, DisclosureRules, disclosure_rules
from netkit.model.schema import HOME
from netkit.render.document import (
    MARKDOWN,
    PAGES,
    TEXT,
    Bullets,
    Document,
    Heading,
    Lines,
    Paragraph,
    Table,
)
from netkit.render.formats import and_more
from netkit.render.html import render_html
from netkit.render.views import ReportViews

__all__ = ['MinedPathways', 'SHORT_LOG_DAYS', 'year_factor', 'per_year_flows', 'counts_basis', 'short_log_warning', 'flow_table']

#: The summary's counts of events, patients and steps, which the report shows under the
#: disclosure rules (and the JSON releases likewise).
SUMMARY_COUNTS = ("events", "cases", "transitions", "repeats")


@dataclass(frozen=True, repr=False)
class MinedPathways(ReportViews):
    """Flows mined from event data, ready to become the ``flows.csv`` of a system.

    Attributes
    ----------
    pathway : str
    flows : DataFrame
        ``pathway, source, target, patients`` (distinct patients), ``transitions`` and
        ``median_days`` (between the two events; blank for entries and exits), the true
        figures. Entries come from and exits go to ``@home``. Consecutive events at the same
        service are one stay, not a flow (counted in ``summary["repeats"]``).
    services : DataFrame
        ``id, events, patients`` and ``provider`` (from the mapping table, or the organisation
        that most of the service's events name, when given).
    handovers : DataFrame or None
        With an organisation column: ``source, target, patients, transitions`` between
        different organisations (handover of work).
    summary : dict
        ``events, cases, transitions, repeats, first, last, span_days, was_sorted``, and
        ``unmapped_events``, ``missing_service`` where relevant.
    warnings : list of str
    disclosure : DisclosureRules
        Applied to everything written or shown (`released_flows`, the reports); never to
        ``flows`` itself.
    """

    pathway: str
    flows: pd.DataFrame
    services: pd.DataFrame
    handovers: pd.DataFrame | None
    summary: dict
    warnings: list = field(default_factory=list)
    disclosure: DisclosureRules = field(default_factory=lambda: disclosure_rules(None))
    #: The patients and transitions as counted in the log, row for row with ``flows``, when
    #: ``flows`` holds them scaled to a year: disclosure control decides what to suppress on
    #: the people actually counted (7 patients scaled to 8.6 a year are still 7 people).
    observed: pd.DataFrame | None = field(default=None, repr=False)

    def released_flows(self) -> pd.DataFrame:
        """The flows as they may be shared: counts rounded, small counts ``*``, medians on
        small counts blank. With no disclosure control, the true figures."""
        return _release(self.flows, self.disclosure, ("patients", "transitions"),
                        observed=self.observed)

    def released_handovers(self) -> pd.DataFrame | None:
        if self.handovers is None:
            return None
        return _release(self.handovers, self.disclosure, ("patients", "transitions"))

    def to_frame(self) -> pd.DataFrame:
        """The released flows (what `netkit pathways mine` writes)."""
        return self.released_flows()

    def to_dict(self) -> dict:
        """The JSON: the summary, the released flows and handovers, the warnings. Under active
        disclosure rules the summary's counts of events, patients and steps are released as
        the text shows them (``"270"``, ``"*"``), like the flows."""
        from netkit.render.formats import to_jsonable

        summary, rules = dict(self.summary), self.disclosure
        if rules.active:
            summary.update({k: rules.count(summary[k]).replace(",", "") for k in SUMMARY_COUNTS
                            if summary.get(k) is not None})
        return to_jsonable({"pathway": self.pathway, "summary": summary,
                            "counts": f"patients and transitions {self._basis()}",
                            "disclosure": self.disclosure.describe(),
                            "flows": self.released_flows().to_dict("records"),
                            "handovers": (self.released_handovers().to_dict("records")
                                          if self.handovers is not None else None),
                            "warnings": self.warnings})

    def _lines(self) -> list[str]:
        s, d = self.summary, self.disclosure
        out = [f"Pathway {self.pathway}: {d.count(s['events'])} events of {d.count(s['cases'])} "
               f"patients, {s['first']} to {s['last']} ({s['span_days']:,.0f} days)",
               f"{d.count(s['transitions'])} steps between events; "
               f"{d.count(s['repeats'])} at the same service (one stay, not a flow)",
               f"{len(self.flows):,} flows between {len(self.services):,} services and @home",
               "patients and transitions " + self._basis()]
        if self.handovers is not None:
            out.append(f"{len(self.handovers):,} handovers between organisations")
        out.append(d.describe())
        return out + [f"warning: {w}" for w in self.warnings]

    def largest_flows(self, top: int | None = 15) -> tuple[pd.DataFrame, int]:
        """The released flows with most patients first (ties by source, then target), the
        first ``top`` of them (all when only one more would be left out), and how many are
        left out. Suppressed counts sort last."""
        flows = self.released_flows()
        shown = pd.to_numeric(flows["patients"], errors="coerce").fillna(-1)
        order = flows.assign(_n=shown).sort_values(["_n", "source", "target"],
                                                   ascending=[False, True, True], kind="stable")
        order = order.drop(columns="_n").reset_index(drop=True)
        if top is None or len(order) <= top + 1:
            return order, 0
        return order.head(top), len(order) - top

    def _largest(self, top: int) -> tuple[pd.DataFrame, list[str]]:
        flows, hidden = self.largest_flows(top)
        more = [and_more(hidden, "flows", "the CSV lists every one")] if hidden else []
        return flows, more

    def report(self) -> Document:
        """The result as a `netkit.render.document.Document`: what was mined, in lines, then
        the largest released flows (15 in text, 25 in Markdown and HTML) and how many more."""
        lines = self._lines()
        few, more = self._largest(15)
        many, more_of_many = self._largest(25)
        largest = f"Largest flows, patients {self._basis(True)}:"
        return Document(
            [Heading(f"Pathway {self.pathway}", only=MARKDOWN),
             Lines(lines, only=TEXT), Bullets(lines, only=PAGES),
             Paragraph(largest, apart=True, only=("text", "markdown")),
             Table(few, only=TEXT), *[Paragraph(m, only=TEXT) for m in more],
             Table(many, only=PAGES),
             *[Paragraph(m, emphasis=True, only=MARKDOWN) for m in more_of_many]],
            title=f"Pathway {self.pathway}")


    def _basis(self, short: bool = False) -> str:
        if self.summary.get("by") == "month":
            return "in each month" + ("" if short else " (one row per month, as counted)")
        return counts_basis(self.summary["span_days"], self.summary.get("per_year", False),
                            short)

    def _repr_html_(self) -> str:
        return render_html(self.report(), compact=True)

    def __repr__(self) -> str:
        s = self.summary
        return (f"<MinedPathways {self.pathway!r}: {len(self.flows):,} flows between "
                f"{len(self.services):,} services from {s['events']:,} events of "
                f"{s['cases']:,} patients; counts {self._basis()}>")

    def to_system(self, name: str | None = None, organisation_types: Mapping | None = None,
                  opportunity: bool = True, released: bool = False):
        """A `System` from these flows: services as mined, each provided by its provider (or,
        without one, by an organisation of the same name), one pathway and, by default, one
        opportunity over it, so that `netkit.find_partners` runs at once.

        By default the true figures are used (a system is for computation on your desk);
        ``released=True`` uses the released ones (rounded; suppressed flows left out), as
        `save_system` writes them.
        """
        from netkit.model.system import System

        if "period" in self.flows:
            raise OptionError("flows mined by month are monthly actuals, not a system's flows "
                              "(patients a year): mine without by='month' to make a system")
        flows = self.flows[["pathway", "source", "target", "patients"]]
        if released and self.disclosure.active:
            flows = self.disclosure.released_flows(flows)
        services = self.services
        providers = services["provider"].fillna(services["id"])
        org_ids = sorted(set(providers))
        types = dict(organisation_types or {})
        organisations = pd.DataFrame({"id": org_ids, "name": org_ids,
                                      "type": [types.get(o, "other") for o in org_ids]})
        service_table = pd.DataFrame({"id": services["id"], "name": services["id"],
                                      "provider": providers, "category": "other"})
        pathways = pd.DataFrame({"id": [self.pathway], "name": [self.pathway]})
        relationships = pd.DataFrame({"source": pd.Series([], dtype=object),
                                      "target": pd.Series([], dtype=object),
                                      "type": pd.Series([], dtype=object)})
        opportunities = []
        if opportunity:
            from netkit.model.opportunity import Opportunity

            opportunities = [Opportunity(id=self.pathway, title=f"Improve the {self.pathway} "
                                         "pathway", pathways=(self.pathway,))]
        tables = {"organisations": organisations, "services": service_table,
                  "pathways": pathways, "flows": flows.reset_index(drop=True),
                  "relationships": relationships}
        return System(tables, {"name": name or f"Mined: {self.pathway}"}, opportunities)

    def save_system(self, path, name: str | None = None, **options):
        """Write the released system as a folder or workbook: its ``flows.csv`` holds the
        released figures, with suppressed flows kept and marked ``*`` (netkit reads them and
        leaves them out, with a warning). Other options go to `to_system`."""
        from netkit._files import write_atomic
        from netkit.io.saving import save_system

        path = save_system(self.to_system(name, released=True, **options), path)
        flows = self.released_flows()
        if self.disclosure.active and (flows["patients"] == SUPPRESSED).any() \
                and path.is_dir():
            write_atomic(path / "flows.csv", flows.to_csv(index=False, lineterminator="\n"))
        return path


def _release(frame: pd.DataFrame, rules: DisclosureRules, counts=("patients",),
             observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows as they may be shared. What is suppressed is decided on the counts as observed
    (``observed``, where ``frame`` holds them scaled to a year), what is shown is the figure
    rounded by the rules."""
    if not rules.active:
        return frame.copy()
    counted = frame if observed is None else observed
    out = frame.copy()
    hidden = rules.suppressed(counted["patients"]).to_numpy()
    for column in counts:
        values = rules.values(frame[column])
        text = values.map(lambda v: "" if np.isnan(v) else f"{v:.0f}")
        text[rules.suppressed(counted[column]).to_numpy() | hidden] = SUPPRESSED
        out[column] = text.to_numpy()
    if "median_days" in out:
        out["median_days"] = rules.median(frame["median_days"], counted["patients"]).to_numpy()
    return out


#: Logs shorter than this many days are scaled to a year only with a warning: a few weeks say
#: little about a year (seasons, holidays, one busy week).
SHORT_LOG_DAYS = 28


def year_factor(span_days: float) -> float:
    """The factor that scales counts from a log spanning ``span_days`` to a year (365.25 days).

    Examples
    --------
    >>> year_factor(182.625)
    2.0
    """
    if span_days <= 0:
        raise OptionError("per_year=True needs events at more than one time: the log's first "
                          "and last events are at the same moment, so it has no span to scale "
                          "from; keep the counts as found (per_year=False)")
    return 365.25 / span_days


def per_year_flows(flows: pd.DataFrame, span_days: float) -> pd.DataFrame:
    """Patients and transitions scaled to a year by the span of the log (first to last event).

    Examples
    --------
    >>> per_year_flows(pd.DataFrame({"patients": [10], "transitions": [12]}), 182.625)
       patients  transitions
    0      20.0         24.0
    """
    scale = year_factor(span_days)
    flows = flows.copy()
    for column in ("patients", "transitions"):
        flows[column] = (flows[column] * scale).round(1)
    return flows


def counts_basis(span_days: float, per_year: bool, short: bool = False) -> str:
    """What the mined counts are, in words: ``a year (scaled ×1.23 from the 298 days of the
    log)`` or ``in the 298 days of the log (not scaled to a year)``.

    Examples
    --------
    >>> counts_basis(298.0, True)
    'a year (scaled ×1.23 from the 298 days of the log)'
    >>> counts_basis(298.0, False)
    'in the 298 days of the log (as counted, not scaled to a year)'
    >>> counts_basis(298.0, False, short=True)
    'in the 298 days of the log'
    """
    days = f"{span_days:,.0f} day{'' if round(span_days) == 1 else 's'}" if span_days >= 1 \
        else f"{span_days * 24:,.1f} hours"
    if per_year:
        return "a year" if short else (f"a year (scaled ×{year_factor(span_days):,.2f} from "
                                       f"the {days} of the log)")
    return f"in the {days} of the log" + ("" if short else " (as counted, not scaled to a year)")


def short_log_warning(span_days: float) -> str | None:
    """A warning when counts are scaled to a year from a log too short to say much about one."""
    if span_days >= SHORT_LOG_DAYS:
        return None
    return (f"the log spans only {span_days:,.1f} days: counts scaled to a year "
            f"(×{year_factor(span_days):,.1f}) are unreliable from fewer than {SHORT_LOG_DAYS} "
            "days; use a longer extract, or keep the counts as found (per_year=False)")


def flow_table(moves: pd.DataFrame, entries: pd.DataFrame, exits: pd.DataFrame,
               pathway: str) -> pd.DataFrame:
    """The flows as `MinedPathways.flows` holds them, from the moves between services
    (``source, target, patients, transitions, median_days``), the entries (``target,
    patients``: each case's first service) and the exits (``source, patients``): entries come
    from and exits go to ``@home``. Both mining engines finish here."""
    flows = pd.concat([
        moves.astype({"median_days": "float64"}),
        entries.assign(source=HOME, transitions=entries["patients"], median_days=np.nan),
        exits.assign(target=HOME, transitions=exits["patients"], median_days=np.nan),
    ], ignore_index=True)[["source", "target", "patients", "transitions", "median_days"]]
    flows["patients"] = flows["patients"].astype(np.int64)
    flows["transitions"] = flows["transitions"].astype(np.int64)
    flows["median_days"] = flows["median_days"].round(3)
    flows.insert(0, "pathway", pathway)
    return flows.sort_values(["source", "target"], kind="stable").reset_index(drop=True)
