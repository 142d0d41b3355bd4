"""`Diagnosis`: the result of `netkit.diagnose`, a value with its tables, its JSON and one
`Document` for text, Markdown and HTML (funnel plots inline as SVG in HTML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from netkit.diagnosis.measures import NOT_MEASURED, measure_counts

__all__ = ["Diagnosis", "build_diagnosis", "deprivation_gaps", "COUNTS"]

#: The candidates' patient counts: what disclosure control releases in the CSV and JSON.
COUNTS = ("observed", "expected", "excess_low", "excess", "excess_high")


def deprivation_gaps(compared: pd.DataFrame, places: pd.DataFrame, per: float) -> pd.DataFrame:
    """The rate in the most and in the least deprived places, by pathway and measure.

    Places are grouped by ``deprivation_quintile`` (1 most deprived … 5 least); the most
    deprived group is the lowest quintile present, the least the highest, and each group's rate
    is pooled (its counts over its population). Per-head measures only.

    Returns ``pathway, measure, most_deprived, least_deprived`` (quintiles),
    ``rate_most, rate_least`` (per ``per``), ``gap`` (most − least) and ``ratio``.
    """
    columns = ["pathway", "measure", "most_deprived", "least_deprived", "rate_most",
               "rate_least", "gap", "ratio"]
    if "deprivation_quintile" not in places or places["deprivation_quintile"].notna().sum() < 2:
        return pd.DataFrame(columns=columns)
    quintile = pd.to_numeric(places["deprivation_quintile"], errors="coerce")
    rows = compared[(compared["denominator"] != "entries") & (compared["by"] == "residence")]
    rows = rows.assign(quintile=quintile.reindex(rows["place"]).to_numpy())
    rows = rows[rows["quintile"].notna()]
    if rows.empty or rows["quintile"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    pooled = rows.groupby(["pathway", "measure", "quintile"], sort=True)[["observed", "size"]].sum()
    pooled["rate"] = pooled["observed"] / pooled["size"] * per
    pooled = pooled.reset_index()
    ends = pooled.groupby(["pathway", "measure"], sort=True)["quintile"].agg(["min", "max"])
    ends = ends[ends["min"] < ends["max"]]
    rate = pooled.set_index(["pathway", "measure", "quintile"])["rate"]
    out = ends.reset_index().rename(columns={"min": "most_deprived", "max": "least_deprived"})
    out["rate_most"] = rate.reindex(pd.MultiIndex.from_frame(
        out[["pathway", "measure", "most_deprived"]])).to_numpy()
    out["rate_least"] = rate.reindex(pd.MultiIndex.from_frame(
        out[["pathway", "measure", "least_deprived"]])).to_numpy()
    out["gap"] = out["rate_most"] - out["rate_least"]
    out["ratio"] = out["rate_most"] / out["rate_least"].where(out["rate_least"] > 0)
    return out[columns]


def build_diagnosis(system, compared: pd.DataFrame, *, benchmark: str, level: float, per: float,
                    seed: int, disclosure, verdict: Callable | None, say: Callable,
                    references: tuple = (), counts: pd.DataFrame | None = None,
                    overdispersion: str = "auto") -> "Diagnosis":
    """Candidates, drafts, verdicts, gaps and collaboratives around a `compare_places` table."""
    from netkit.diagnosis.candidates import draft_opportunities, size_candidates
    from netkit.diagnosis.collaboratives import natural_collaboratives
    from netkit.diagnosis.populations import pathway_bases, place_table
    from netkit.model.activity import organisation_flows
    from netkit.model.disclosure import disclosure_rules

    rules = disclosure_rules(disclosure)
    if counts is None:
        counts = measure_counts(system.flows, system.services)
    say("sizing the candidates")
    candidates = size_candidates(system, compared, counts)
    drafts = draft_opportunities(system, candidates, rules)
    verdicts = _verdicts(system, drafts, verdict)
    say("finding natural collaboratives")
    collaboratives = natural_collaboratives(organisation_flows(system.flows, system.services),
                                            seed=seed)
    places = place_table(system)
    return Diagnosis(
        system_name=system.name, rates=compared, candidates=candidates, drafts=tuple(drafts),
        verdicts=tuple(verdicts), collaboratives=collaboratives,
        gaps=deprivation_gaps(compared, places, per),
        notes=tuple(_notes(system, places, compared)), benchmark=benchmark, level=level,
        per=per, references=references, disclosure_spec=rules,
        source=system.source, pathway_names=dict(zip(system.pathways["id"],
                                                     system.pathways["name"])),
        organisation_names=_pcn_names(system, compared), bases=pathway_bases(system),
        overdispersion=overdispersion, quintiles=_quintiles(places))


def _quintiles(places: pd.DataFrame) -> dict:
    """Each place's deprivation quintile, where places.csv gives one (for the report)."""
    if "deprivation_quintile" not in places:
        return {}
    quintile = pd.to_numeric(places["deprivation_quintile"], errors="coerce").dropna()
    return {str(p): int(q) for p, q in quintile.items()}


def _pcn_names(system, compared: pd.DataFrame) -> dict:
    """The names of the PCNs compared by registration (for the report)."""
    pcns = set(compared.loc[compared["by"] == "registration", "place"])
    names = system.organisation_names()
    return {p: names.get(p, p) for p in sorted(pcns)}


def _verdicts(system, drafts: list[dict], verdict: Callable | None) -> list:
    """The partner method's proportionality verdict for each draft, when a callable is given
    (``verdict(system, opportunity)``); None for each when not."""
    if verdict is None:
        return [None] * len(drafts)
    from netkit.model.opportunity import parse_opportunities

    opportunities, _ = parse_opportunities(drafts, "drafts")
    by_id = {o.id: o for o in opportunities}
    return [verdict(system, by_id[d["id"]]) if d["id"] in by_id else None for d in drafts]


def _notes(system, places: pd.DataFrame, compared: pd.DataFrame) -> list[str]:
    notes = ["Rates by place are by residence (the place column of flows.csv)."]
    if (compared["by"] == "registration").any():
        notes.append("Rates by PCN are by registration: patients entering each pathway through "
                     "the PCN's practices, per head of their list sizes; they are compared on "
                     "their own funnel and are not candidates (a draft needs a place).")
    else:
        notes.append("No rates by PCN: they need practices' list sizes (a list_size column in "
                     "organisations.csv on gp_practice rows whose parent is their PCN).")
    if len(places) == 0:
        notes.append("No places.csv: without populations only transfers per patient are "
                     "compared; add places.csv (place, population, ...) for rates per head.")
    unplaced = system.flows["place"].isna().sum()
    if unplaced:
        notes.append(f"{unplaced:,} flow rows have no place and are left out of place rates.")
    lacking = sorted(set(system.flows["place"].dropna().unique()) - set(places.index)) \
        if len(places) else []
    if lacking:
        notes.append(f"Places with flows but no population in places.csv: {', '.join(lacking)}.")
    from netkit.diagnosis.populations import age_bands

    bands = age_bands(places)
    if bands and len(places) > len(bands):
        notes.append(f"Expected counts per head are standardised for age ({', '.join(bands)}), "
                     "with band rates fitted on the places compared (flows are not split by "
                     "age): ratios are indirectly standardised.")
    elif bands:
        notes.append(f"Age bands are given but {len(places)} places cannot fit {len(bands)} band "
                     "rates: expected counts are crude (population times the benchmark rate).")
    if not (compared["measure"] == "bed_days").any():
        notes.append("No bed days: services.csv gives no unit or length_of_stay (bed days need "
                     "a service whose unit is a day, or its length of stay).")
    notes.append(f"Not measured: {NOT_MEASURED}.")
    return notes


@dataclass(frozen=True)
class Diagnosis:
    """The opportunities found in a system: every rate compared, the ranked candidates with
    their draft opportunities, deprivation gaps and natural collaboratives.

    Attributes
    ----------
    rates : DataFrame
        One row a (pathway, place, measure): observed, size, rate, target, expected, ratio,
        control limits, verdict and excess.
    candidates : DataFrame
        The rows above the limit at ``level``, ranked by value at marginal cost.
    drafts : tuple of dict
        A draft opportunity for each candidate (as in ``opportunities.yaml``).
    collaboratives : DataFrame
        Natural collaboratives: members, size, internal_share.
    gaps : DataFrame
        Deprivation gaps by pathway and measure.
    """

    system_name: str
    rates: pd.DataFrame
    candidates: pd.DataFrame
    drafts: tuple
    verdicts: tuple
    collaboratives: pd.DataFrame
    gaps: pd.DataFrame
    notes: tuple
    benchmark: str
    level: float
    per: float
    references: tuple = ()
    disclosure_spec: object = None
    source: str | None = None
    pathway_names: dict = field(default_factory=dict)
    organisation_names: dict = field(default_factory=dict)
    #: each pathway's denominator in words ("aged 65 and over"), by pathway id
    bases: dict = field(default_factory=dict)
    #: how funnel limits were widened for overdispersion: "auto", "on" or "off"
    overdispersion: str = "auto"
    #: each place's deprivation quintile (1 most deprived), by place id
    quintiles: dict = field(default_factory=dict)

    def per_words(self, pathways=None) -> str:
        """Who the rates per head are per, in words: "per 1,000 aged 65 and over", or each
        pathway's where the pathways compared differ (``pathways``: those shown)."""
        if pathways is None:
            heads = self.rates[(self.rates["by"] == "residence")
                               & (self.rates["denominator"] != "entries")] \
                if len(self.rates) and "by" in self.rates else self.rates
            pathways = heads["pathway"] if len(heads) else []
        pathways = list(dict.fromkeys(pathways))
        bases = {p: self.bases.get(p, "people") for p in pathways}
        if len(set(bases.values())) <= 1:
            return f"per {self.per:,.0f} " + (next(iter(bases.values())) if bases else "people")
        return "; ".join(f"per {self.per:,.0f} {b} ({self.pathway_names.get(p, p)})"
                         for p, b in bases.items())

    @property
    def disclosure(self):
        from netkit.model.disclosure import disclosure_rules

        return disclosure_rules(self.disclosure_spec)

    def __repr__(self) -> str:
        return (f"<Diagnosis of {self.system_name}: {len(self.rates):,} rates compared, "
                f"{len(self.candidates):,} candidates, {len(self.collaboratives)} natural "
                "collaboratives>")

    def _released(self, value):
        """A count as the CSV and JSON carry it (`netkit.diagnosis.report.released_count`):
        exact, or under active disclosure rules as the reports show it."""
        from netkit.diagnosis.report import released_count

        return released_count(self.disclosure, value)

    def _released_excess(self, row: dict) -> tuple:
        """A candidate's excess (low, central, high) as the reports show it under active rules
        (`netkit.diagnosis.report.shown_excess`: from the rounded observed and expected
        counts), without thousands separators."""
        from netkit.diagnosis.report import shown_excess

        shown = shown_excess(self.disclosure, row["observed"], row["expected"],
                             row["excess_low"], row["excess_high"])
        return tuple(v.replace(",", "") for v in shown)

    def to_frame(self) -> pd.DataFrame:
        """The ranked candidates, one row each (organisations as ``;``-separated ids). Observed,
        expected and the excess are exact, or under active disclosure rules the released counts
        the reports show (``"2520"``, ``"*"``), as in the partner CSV."""
        frame = self.candidates
        columns = ["id", "pathway", "place", "measure", "mechanism", "hospital_to_community",
                   "observed", "expected", "ratio", "verdict", "excess_low", "excess",
                   "excess_high", "value_low", "value", "value_high", "value_average_low",
                   "value_average", "value_average_high"]
        out = frame.reindex(columns=columns).copy()
        if self.disclosure.active:
            for column in ("observed", "expected"):
                out[column] = out[column].astype(object).map(self._released)
            excess = [self._released_excess(row) for row in frame.to_dict("records")]
            for i, column in enumerate(("excess_low", "excess", "excess_high")):
                out[column] = pd.Series([e[i] for e in excess], index=out.index, dtype=object)
        out["organisations"] = [";".join(o["id"] for o in orgs)
                                for orgs in frame.get("organisations", [])]
        return out

    def to_dict(self) -> dict:
        """The JSON report: ``candidates[]`` and ``collaboratives[]`` as the output contract
        names them, with ``rates[]``, ``gaps[]`` and the settings beside them. Under active
        disclosure rules the patient counts (observed, expected, excess, each carrier's count,
        the collaboratives' transfers) are the released counts the reports show, as in the
        partner JSON, and ``disclosure`` says the rules in words."""
        from netkit.render.formats import to_jsonable

        count, rules = self._released, self.disclosure
        out = {
            "system": self.system_name, "benchmark": self.benchmark, "level": self.level,
            "per": self.per, "references": list(self.references),
            "candidates": [self._candidate(i, row) for i, row in
                           enumerate(self.candidates.to_dict("records"))],
            "collaboratives": [{"members": list(r["members"]), "size": int(r["size"]),
                                "internal_share": float(r["internal_share"]),
                                "internal": count(float(r["internal"])),
                                "touching": count(float(r["touching"]))}
                               for r in self.collaboratives.to_dict("records")],
            "rates": self._rate_records(), "gaps": self.gaps.to_dict("records"),
            "denominators": dict(self.bases),
            "notes": list(self.notes)}
        if rules.active:
            out["disclosure"] = rules.describe()
        return to_jsonable(out)

    def _candidate(self, i: int, row: dict) -> dict:
        def triple(name, shown=lambda v: v):
            return {"low": shown(row[f"{name}_low"]), "central": shown(row[name]),
                    "high": shown(row[f"{name}_high"])}

        count = self._released
        return {"id": row["id"], "rank": i + 1, "pathway": row["pathway"], "place": row["place"],
                "measure": row["measure"], "observed": count(row["observed"]),
                "expected": count(row["expected"]), "ratio": row["ratio"], "rate": row["rate"],
                "target": row["target"], "excess": dict(zip(("low", "central", "high"),
                                                            self._released_excess(row)))
                if self.disclosure.active else triple("excess", count),
                "value": triple("value"),
                "value_average": triple("value_average"), "verdict": self.verdicts[i],
                "funnel": row["verdict"], "mechanism": row["mechanism"],
                "hospital_to_community": bool(row["hospital_to_community"]),
                "organisations": [{**o, "count": count(o["count"])}
                                  for o in row["organisations"]], "draft": self.drafts[i],
                "signal": row.get("signal"), "phi": row.get("phi")}

    def _rate_records(self) -> list[dict]:
        keep = ["pathway", "place", "by", "measure", "denominator", "observed", "size", "rate",
                "target", "expected", "ratio", "verdict", "phi"]
        records = self.rates.reindex(columns=keep).to_dict("records")
        if self.disclosure.active:
            for record in records:
                record.update({c: self._released(record[c]) for c in ("observed", "expected")})
        return records

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report(plots=False))

    # -- reports ------------------------------------------------------------------------------
    def to_text(self, top: int = 20) -> str:
        from netkit.render.text import render_text

        return render_text(self.report(top=top))

    def to_markdown(self, top: int = 20) -> str:
        from netkit.render.markdown import render_markdown

        return render_markdown(self.report(top=top))

    def to_html(self, top: int = 20) -> str:
        """A self-contained page with the funnel plots inline."""
        from netkit.render.html import render_page

        return render_page(self.report(top=top))

    def report(self, top: int = 20, plots: bool = True):
        """The diagnosis as one `Document` (funnel plots in HTML when ``plots``)."""
        from netkit.diagnosis.report import diagnosis_document

        return diagnosis_document(self, top=top, plots=plots)

    def funnel_rows(self, pathway: str, measure: str, by: str = "residence") -> pd.DataFrame:
        """The places (or, ``by="registration"``, the PCNs) on one funnel."""
        rows = self.rates[(self.rates["pathway"] == pathway) & (self.rates["measure"] == measure)
                          & (self.rates["by"] == by)]
        return rows[rows["expected"] > 0]

    def funnels(self) -> list[tuple[str, str]]:
        """The (pathway, measure) funnels with a candidate, in the order of their best one."""
        pairs = list(dict.fromkeys(zip(self.candidates["pathway"], self.candidates["measure"])))
        return pairs

    @property
    def opportunities(self) -> tuple:
        """The drafts as `netkit.Opportunity` values, in rank order, for `netkit.find_partners`."""
        from netkit.model.opportunity import parse_opportunities

        found, _ = parse_opportunities([dict(d) for d in self.drafts], "drafts")
        return tuple(found)

    def funnel_svg(self, pathway: str, measure: str) -> str:
        """One funnel plot as an SVG document (``IPython.display.SVG`` shows it)."""
        from netkit.diagnosis.plots import funnel_svg

        return funnel_svg(self.funnel_rows(pathway, measure),
                          self.pathway_names.get(pathway, pathway), measure)

    def save_plots(self, folder: str | Path, fmt: str = "png") -> list[Path]:
        """Save each funnel with a candidate as ``PATHWAY--MEASURE.png`` (or ``.svg``)."""
        from netkit.diagnosis.plots import plot_name, save_funnel
        from netkit.errors import OptionError

        if fmt not in ("png", "svg"):
            raise OptionError(f"plots are png or svg (got {fmt!r})")
        folder = Path(folder)
        return [save_funnel(self.funnel_rows(p, m), self.pathway_names.get(p, p), m,
                            folder / f"{plot_name(p, m)}.{fmt}") for p, m in self.funnels()]

    def write_drafts(self, path: str | Path) -> Path:
        """Write the draft opportunities as YAML (``opportunities.yaml``'s shape), whole."""
        import yaml

        from netkit._files import write_atomic

        header = (f"# Draft opportunities from netkit diagnose on {self.system_name}: edit "
                  "before use (titles, shifts, fractions).\n")
        body = yaml.safe_dump([dict(d) for d in self.drafts], sort_keys=False,
                              allow_unicode=True) if self.drafts else "[]\n"
        return write_atomic(Path(path), header + body)
