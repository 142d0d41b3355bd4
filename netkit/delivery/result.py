"""`TrackResult`, what `netkit.track` gives: the measures with their SPC, the achieved shift by
place and partner, demand against effect, the settlement and whether the partnership is still
right; read by a board in a minute (text, Markdown), by scripts (JSON) and on a page with the
charts (HTML)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netkit.delivery.spc import SPCResult
from netkit.render.document import (
    HTML,
    PAGES,
    Bullets,
    Document,
    Heading,
    Lines,
    Note,
    Paragraph,
    Raw,
    Table,
)
from netkit.render.formats import fmt_money, to_jsonable
from netkit.render.views import ReportViews

__all__ = ["Measure", "TrackResult", "LABELS"]

#: Each measure in words.
LABELS = {"from_patients": "patients reaching the services the shift moves from",
          "to_patients": "patients reaching the services the shift moves to",
          "diverted_share": "diverted share", "entries": "entries to the pathway (demand)",
          "community_balance": "share of the pathway's patients seen outside hospital"}
_SIGNAL_WORDS = {"improvement": "improving (special cause)", "concern": "concern (special cause)",
                 "neither": "special cause, neither better nor worse",
                 "common_cause": "common cause variation"}
_ASSURANCE_WORDS = {
    "pass": "plan met every month: the baseline's whole process range is on its good side",
    "fail": "plan beyond the baseline's process limits: met only if the process changes",
    "hit_and_miss": "plan inside the baseline's process limits: met in some months, missed in "
                    "others",
    None: ""}
#: What the assurance words mean, in a sentence.
REACH_WORDS = ("Process limits are the baseline months' mean ± 2.66 × mean moving range; a plan "
               "beyond them on the bad side is one the process as it ran would miss every month, "
               "so it is met only if the process changes, as the scheme intends.")
#: The split of the change in patients reaching the from services, in plain words.
SPLIT_WORDS = ("Demand is the change from more or fewer patients entering the pathway; case mix "
               "the change from a larger or smaller share of them needing the services the "
               "shift moves from or to; the scheme the patients it moved to the services it "
               "moves to. The three add up to the change.")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def months_words(first: str, last: str) -> str:
    """A run of months as people write it, from two ``YYYY-MM`` labels.

    Examples
    --------
    >>> months_words("2026-04", "2026-06"), months_words("2025-11", "2026-01")
    ('April–June 2026', 'November 2025–January 2026')
    >>> months_words("2026-06", "2026-06")
    'June 2026'
    """
    (y0, m0), (y1, m1) = ((int(x) for x in d.split("-")) for d in (first, last))
    if (y0, m0) == (y1, m1):
        return f"{_MONTHS[m1 - 1]} {y1}"
    if y0 == y1:
        return f"{_MONTHS[m0 - 1]}–{_MONTHS[m1 - 1]} {y1}"
    return f"{_MONTHS[m0 - 1]} {y0}–{_MONTHS[m1 - 1]} {y1}"


def _value(value, unit: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    value = round(float(value), 9) + 0.0  # no "-0.0%" from rounding error
    if unit == "share":
        return f"{value:.1%}".replace("-0.0%", "0.0%")
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


@dataclass(frozen=True, repr=False)
class Measure:
    """One monthly measure: its series, the plan, SPC and the achieved part of the plan."""

    name: str
    unit: str
    improvement: str | None
    values: pd.Series
    planned_series: pd.Series | None
    baseline: float
    planned: float | None
    actual: float
    achieved_fraction: float | None
    target: float | None
    spc: SPCResult

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    def line(self) -> str:
        """One line for a board, with the unit of a count after its value, e.g. ``diverted share
        11.8% against a plan of 20.0% (baseline 0.0%): improving (special cause); plan inside
        the baseline's process limits: met in some months, missed in others``."""
        plan = (f" against a plan of {_value(self.planned, self.unit)}"
                if self.planned is not None else "")
        base = f" (baseline {_value(self.baseline, self.unit)})"
        words = _SIGNAL_WORDS[self.spc.signal]
        sure = _ASSURANCE_WORDS[self.spc.assurance]
        unit = "" if self.unit == "share" else f" {self.unit}"
        return (f"{self.label} {_value(self.actual, self.unit)}{unit}{plan}{base}: {words}"
                + (f"; {sure}" if sure else ""))

    def to_dict(self) -> dict:
        """The contract's ``{name, unit, baseline, planned, actual, achieved_fraction, spc:
        {signal, assurance}}`` and more beside them. ``spc.signal`` is improvement, concern or
        common_cause for every measure with a better direction; the demand (entries) has none,
        and a special cause on it is ``"neither"``, Making Data Count's own purple icon for a
        special cause that is neither improvement nor concern: calling it common cause would
        hide it, calling it concern would blame the scheme for demand. ``spc.special_cause``
        says the same as a flag for every measure."""
        return {"name": self.name, "label": self.label, "unit": self.unit,
                "improvement": self.improvement, "baseline": self.baseline,
                "planned": self.planned, "actual": self.actual,
                "achieved_fraction": self.achieved_fraction, "target": self.target,
                "spc": {"signal": self.spc.signal,
                        "assurance": self.spc.assurance, "special_cause": self.spc.signal != "common_cause",
                        "side": self.spc.side or None, "mean": self.spc.mean,
                        "lower": self.spc.lower, "upper": self.spc.upper},
                "series": [{"period": p, "actual": v,
                            "planned": None if self.planned_series is None
                            else float(self.planned_series[p]),
                            "signal": s} for p, v, s in zip(self.values.index, self.values,
                                                            self.spc.signals)]}


@dataclass(frozen=True, repr=False)
class TrackResult(ReportViews):
    """Did the shift happen: the result of `netkit.track`.

    Attributes
    ----------
    opportunity : Opportunity
    plan : dict
        ``baseline`` (first and last month indices), ``start``, ``target``, ``months``, ``ramp``.
    periods : tuple of str
        The months, ``YYYY-MM``.
    measures : tuple of Measure
    achieved : float
        The achieved shift (the diverted share over the latest ``window`` months).
    demand : dict
        ``demand_change``, ``case_mix_change``, ``effect`` (patients reaching the from
        services a month, in the measures' unit; they sum to ``from_after − from_before``),
        and the entries and shares before and after.
    by_place, by_partner, settlement : DataFrame
    partnership : dict or None
        ``core_plan``, ``core_now``, ``add``, ``release`` (``id, name, why``), ``still_right``.
    """

    opportunity: object
    system_name: str
    plan: dict
    unit: str
    periods: tuple
    window: int
    measures: tuple
    achieved: float
    demand: dict
    by_place: pd.DataFrame
    by_partner: pd.DataFrame
    settlement: pd.DataFrame
    partnership: dict | None
    names: dict = field(default_factory=dict)
    notes: tuple = ()

    def __repr__(self) -> str:
        return (f"<TrackResult {self.opportunity.id!r}: {len(self.periods)} months, achieved "
                f"{self.achieved:.1%} against a plan of {self.planned:.1%}; "
                f"{'special-cause concern' if self.concern else 'no special-cause concern'}>")

    def measure(self, name: str) -> Measure:
        return next(m for m in self.measures if m.name == name)

    @property
    def planned(self) -> float:
        """The planned fraction over the latest months."""
        return self.measure("diverted_share").planned

    @property
    def concern(self) -> bool:
        """Does any measure's latest point show special-cause concern?"""
        return any(m.spc.signal == "concern" for m in self.measures)

    def to_frame(self) -> pd.DataFrame:
        """One row per measure: name, unit, baseline, planned, actual, achieved_fraction,
        signal, assurance."""
        return pd.DataFrame([{"name": m.name, "unit": m.unit, "baseline": m.baseline,
                              "planned": m.planned, "actual": m.actual,
                              "achieved_fraction": m.achieved_fraction,
                              "signal": m.spc.signal, "assurance": m.spc.assurance}
                             for m in self.measures])

    def to_sheets(self) -> dict:
        return {"measures": self.to_frame(), "by_place": self.by_place,
                "by_partner": self.by_partner, "settlement": self.settlement}

    def to_dict(self) -> dict:
        """JSON with the names of the output contract (``measures``, ``demand_change``,
        ``effect``, ``by_place``, ``settlement``) and more beside them."""
        from netkit.delivery.actuals import month_label

        p = self.partnership
        return to_jsonable({
            "opportunity": self.opportunity.id, "system": self.system_name,
            "plan": {"baseline": [month_label(m) for m in self.plan["baseline"]],
                     "start": month_label(self.plan["start"]), "target": self.plan["target"],
                     "months": self.plan["months"], "ramp_months": self.plan["ramp"]},
            "periods": list(self.periods), "window": self.window, "unit": self.unit,
            "achieved": self.achieved, "planned": self.planned,
            "achieved_fraction": self.achieved / self.planned if self.planned else None,
            "measures": [m.to_dict() for m in self.measures],
            "demand_change": self.demand["demand_change"], "effect": self.demand["effect"],
            "case_mix_change": self.demand["case_mix_change"], "demand": self.demand,
            "by_place": self.by_place.to_dict("records"),
            "by_partner": self.by_partner.to_dict("records"),
            "settlement": self.settlement.to_dict("records"),
            "partnership": None if p is None else {k: v for k, v in p.items()
                                                   if k != "partner_set"},
            "concern": self.concern, "notes": list(self.notes)})

    # -- words ---------------------------------------------------------------------------------
    def _name(self, org: str) -> str:
        return self.names.get(org, org)

    def _headline(self) -> list[str]:
        d = self.demand
        share = self.planned
        latest, baseline = self.latest_months(), self.baseline_months()
        lines = [f"Achieved shift {self.achieved:.1%} against a plan of {share:.1%} "
                 f"({self.achieved / share:.0%} of plan) over the latest {self.window} months "
                 f"({latest})"
                 if share else f"Achieved shift {self.achieved:.1%} (the plan has not started)"]
        lines.append(
            f"Patients reaching the from services: {_value(d['from_before'], '')} "
            f"({baseline}) → {_value(d['from_after'], '')} ({latest}) {self.unit}; demand "
            f"{d['demand_change']:+,.1f}, case mix {d['case_mix_change']:+,.1f}, the scheme "
            f"{d['effect']:+,.1f}")
        return lines

    def latest_months(self) -> str:
        """The latest ``window`` months in words ("April–June 2026")."""
        recent = self.periods[-self.window:]
        return months_words(recent[0], recent[-1]) if recent else ""

    def baseline_months(self) -> str:
        """The baseline months in words ("baseline April 2024–March 2025")."""
        from netkit.delivery.actuals import month_label

        first, last = (month_label(m) for m in self.plan["baseline"])
        return "baseline " + months_words(first, last)

    def _settlement_lines(self) -> list[str]:
        if self.settlement.empty:
            return ["No gain-share payments are due, at the plan or at the achieved shift."]
        return [f"{self._name(r.payer)} owes {self._name(r.payee)} {fmt_money(r.amount)} a year "
                f"(plan: {fmt_money(r.amount_plan)})" for r in self.settlement.itertuples()]

    def _partnership_lines(self) -> list[str]:
        p = self.partnership
        if p is None:
            return []
        if p["still_right"]:
            return ["The partnership is still right: the partner set recomputed on the actuals "
                    "keeps the same core."]
        return ([f"Add a seat for {i['name']}: {i['why']}" for i in p["add"]]
                + [f"Release the seat of {i['name']}: {i['why']}" for i in p["release"]])

    def _place_table(self) -> pd.DataFrame:
        t = self.by_place
        return pd.DataFrame({"place": t["place"], "achieved": t["achieved"].map(lambda v: _value(v, "share")),
                             "of plan": t["achieved_fraction"].map(
                                 lambda v: "n/a" if v is None or pd.isna(v) else f"{v:.0%}")})

    def _partner_table(self) -> pd.DataFrame:
        t = self.by_partner

        def signed(v):
            return f"{v:+,.1f}"

        return pd.DataFrame({
            "partner": t["partner"].map(self._name), "services": t["role"],
            "planned": t["planned_change"].map(signed), "actual": t["actual_change"].map(signed),
            "of plan": t["achieved_fraction"].map(
                lambda v: "n/a" if v is None or pd.isna(v) else f"{v:.0%}")})

    def report(self, charts: bool = True) -> Document:
        """The board's page: a line per measure, then money and seats; charts on the page."""
        from netkit.delivery.charts import chart_svg, icons_svg

        title = f"Is it working? {self.opportunity.title or self.opportunity.id}"
        blocks = [Heading(title), Lines(tuple(self._headline())),
                  Paragraph(SPLIT_WORDS, muted=True),
                  Heading("Measures", 2),
                  Paragraph(f"Each measure's mean over {self.latest_months()}, against the "
                            f"plan's there and the mean of the {self.baseline_months()}."),
                  Bullets(tuple(m.line() for m in self.measures)),
                  Paragraph(REACH_WORDS, muted=True)]
        if charts:
            for m in self.measures:
                blocks += [Heading(m.label, 3, only=HTML), Raw(icons_svg(m.spc)),
                           Raw(chart_svg(m))]
        blocks += [Heading("By place", 2), Table(self._place_table(), right=("achieved", "of plan")),
                   Heading("By partner", 2),
                   Paragraph("Change in patients a month at the partner's services "
                             f"(counts, not per head) in {self.latest_months()}, against the "
                             "plan's, with demand as it turned out:"),
                   Table(self._partner_table(), right=("planned", "actual", "of plan")),
                   Heading("Who owes whom now", 2), Bullets(tuple(self._settlement_lines()))]
        if self.partnership is not None:
            blocks += [Heading("Is the partnership still right?", 2),
                       Bullets(tuple(self._partnership_lines()))]
        blocks += [Note(n) for n in self.notes]
        blocks.append(Paragraph(
            "SPC as Making Data Count draws it: limits from the baseline months (mean ± 2.66 × "
            "mean moving range); demand, case mix and the scheme's effect sum to the change in "
            "patients reaching the from services.", muted=True, only=PAGES))
        return Document(blocks, title=title)

    def _repr_html_(self) -> str:
        from netkit.render.html import render_html

        return render_html(self.report(), notebook=True)

    def save_chart(self, path, measure: str = "diverted_share"):
        """Save one measure's SPC chart as SVG or PNG, by the file's ending."""
        from netkit.delivery.charts import save_chart

        return save_chart(self.measure(measure), path)

    def save_charts(self, folder, kind: str = "svg") -> list:
        """Save every measure's chart in ``folder`` (made if missing) as ``NAME.svg`` or
        ``NAME.png``; returns the paths written."""
        from pathlib import Path

        from netkit.delivery.charts import save_chart

        if kind not in ("svg", "png"):
            from netkit.errors import OptionError

            raise OptionError(f"kind={kind!r}: charts are saved as 'svg' or 'png'")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return [save_chart(m, folder / f"{m.name}.{kind}") for m in self.measures]
