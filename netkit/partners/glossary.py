"""The words a partner report uses, explained for a board: the glossary at the end of every report,
and the appendix on brokerage roles (Gould–Fernandez), which is the only place their jargon and
z-scores appear."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from netkit.metrics.brokerage import MIN_EXPECTED
from netkit.partners.reasons import role_line
from netkit.partners.sources import format_sources
from netkit.render.document import Bullets, Heading, Note, Paragraph, Table
from netkit.render.formats import and_more

__all__ = ["GLOSSARY", "glossary_blocks", "appendix_blocks", "role_findings", "sources_html",
           "options_line", "MIN_EXPECTED"]

#: Term → what it means in a partner report, in the order a reader meets them.
GLOSSARY = {
    "contacts": "every time a patient is seen by a service in scope, counted per year",
    "attendances": "contacts at an emergency department (A&E)",
    "admissions": "patients arriving at the acute inpatient services (wards and units) from "
                  "outside them: from A&E, an ambulance, home or a virtual ward",
    "transfers between wards": "patients moving from one acute inpatient service to another "
                               "(the acute medical unit to an elderly care ward, say): shown "
                               "apart from admissions, as the same patients were admitted once",
    "emergency responses to 999 calls": "ambulance responses on the pathway, however they "
                                        "ended; those conveyed to the emergency department are "
                                        "given beside them, the rest were passed to another "
                                        "service (urgent community response, say), taken "
                                        "straight to a ward or treated at home",
    "NHS 111 calls": "calls to NHS 111 answered by the ambulance service",
    "transfers of care": "patients passed from one organisation's service to another "
                         "organisation's, a year (a handoff); each has two parties",
    "in scope": "the pathways, places and cohort the opportunity names: the flows, services and "
                "organisations it concerns",
    "core": "the partners at the table: chosen one at a time, each adding the most benefit, until "
            "one more would cost more coordination than it adds",
    "involve": "material to the opportunity (adding it would bring at least half its "
               "coordination cost in benefit) but not worth a seat, or a council whose "
               "statutory duties (Care Act social care, Mental Health Act) are touched",
    "inform": "touches the scope marginally",
    "score": "a partner's own weighted share of the criteria (contacts, transfers of care, "
             "go-between positions, commissioning, money under the shift); lists are in score "
             "order within each tier",
    "benefit, coordination cost": "the share of all the criteria the core covers, against a "
                                  "cost per seat in the same units: a partner is core when it "
                                  "adds more benefit than a seat costs, and the net shown is "
                                  "the benefit less the seats' cost (see 'where one more stops "
                                  "paying'). A smaller cost for each pair of partners with no "
                                  "relationship yet only sets the order they are chosen in",
    "new working relationship": "two partners that hand patients to each other and have no "
                                "relationship in relationships.csv: a boundary to manage with "
                                "nothing to build on, costed in staff time a year",
    "go-between position": "how often an organisation lies on the most-travelled route between "
                           "two others (weighted betweenness); 'on the route of most patient "
                           "journeys between other organisations' means half or more of all "
                           "such positions in scope",
    "only go-between": "no patient moves between those two kinds of organisation except "
                       "through it",
    "Mendelow grid": "power (commissioning, budget, go-between position) against interest "
                     "(contacts, transfers of care, money at stake): manage closely, keep "
                     "satisfied, keep informed, monitor. Core partners count as high interest",
    "salience": "Mitchell, Agle & Wood: power, legitimacy (a statutory body, a commissioner, a "
                "core partner, or delivering at least 10% of the contacts) and urgency (10% of "
                "the money at stake, or losing while the system gains); definitive has all "
                "three, non-stakeholder none",
    "Gould–Fernandez roles": "the kinds of go-between an organisation is, by the kinds of the "
                             "two organisations it stands between: coordinator (all one kind), "
                             "itinerant (two of another kind), gatekeeper (into its kind), "
                             "representative (out of its kind), liaison (three kinds)",
    "open two-path": "a patient route A → B → C where A does not send patients to C directly; "
                     "B is the go-between",
    "z-score": "how far a count is above what chance would give, in standard deviations; about "
               "2 or more is unusual. Given only where at least "
               f"{MIN_EXPECTED:g} were expected by chance",
    "input rows": "row numbers as a spreadsheet shows the file: the header is row 1 and the "
                  "first record row 2 (as netkit's validation messages count)",
}


def glossary_blocks() -> list:
    """The glossary, as blocks for the end of a report (every format)."""
    return [Heading("Glossary", 2),
            Bullets([f"{term}: {meaning}" for term, meaning in GLOSSARY.items()])]


def role_findings(roles: pd.DataFrame, names: dict) -> list[str]:
    """The Gould–Fernandez roles that are findings (`netkit.partners.reasons.role_line`: a
    z-score, which needs at least `MIN_EXPECTED` expected, of 1.96 or more), in words."""
    lines = [role_line(names.get(r.node, r.node), r.role, int(r.observed), r.expected, r.z)
             for r in roles.itertuples()]
    return [line for line in lines if line]


def _role_table(roles: pd.DataFrame, names: dict, top: int | None) -> pd.DataFrame:
    """Observed role counts with what chance gives; z only where the support rule holds."""
    seen = roles[roles["observed"] > 0].sort_values(["observed", "node", "role"],
                                                    ascending=[False, True, True],
                                                    kind="mergesort")
    if top:
        seen = seen.head(top)
    return pd.DataFrame({
        "organisation": [names.get(n, n) for n in seen["node"]], "role": seen["role"],
        "observed": seen["observed"].astype(int),
        "expected": seen["expected"].map(lambda v: f"{v:.1f}"),
        "z": seen["z"].map(lambda v: "" if v != v else f"{v:.1f}")})


def appendix_blocks(brokers: list[str], roles: pd.DataFrame, names: dict, groups: str,
                    top: int | None) -> list:
    """The appendix on go-betweens: the sole routes and Gould–Fernandez roles, with z-scores
    only where at least `MIN_EXPECTED` were expected (and saying so)."""
    if not brokers and not (roles["observed"] > 0).any():
        return []
    rule = (f"Organisations are grouped by {groups}. A z-score is shown only where at least "
            f"{MIN_EXPECTED:g} open two-paths of that role were expected by chance: below that, "
            "a handful of routes (two, say) gives a large z by chance alone, so it is not a "
            "finding. Roles without a z are counts only.")
    blocks = [Heading("Appendix: go-betweens (Gould–Fernandez brokerage roles)", 2),
              Note(rule, label="Support rule")]
    if brokers:
        hidden = len(brokers) - top if top and len(brokers) > top else 0
        blocks.append(Bullets(brokers[:top] if hidden else brokers,
                              more=and_more(hidden) if hidden else ""))
    seen = int((roles["observed"] > 0).sum())
    if seen:
        blocks.append(Table(_role_table(roles, names, top), right=("observed", "expected", "z")))
        if top and seen > top:
            blocks.append(Paragraph(f"and {seen - top:,} more roles (the JSON report lists "
                                    "every one)", indent=2))
    return blocks


#: At most this many partners (the core and involve tiers always) get their rows in the HTML
#: report; ``netkit explain`` and the JSON report give them for every one.
SOURCES_SHOWN = 200


def sources_html(partners: pd.DataFrame, limit: int = SOURCES_SHOWN) -> str:
    """Each partner's reasons with the input rows behind them, to open one at a time
    (``<details>``; no script), everything escaped; the first ``limit`` partners (and every
    core and involve partner), saying how many more there are."""
    if "reason_sources" not in partners:
        return ""
    shown = partners[(partners["tier"] != "inform").to_numpy()
                     | (np.arange(len(partners)) < limit)]
    items = []
    for row in shown.itertuples():
        lines = "".join(
            f"<li>{html.escape(text)}<details><summary>input rows</summary>"
            f"{html.escape(format_sources(found))}</details></li>"
            for text, found in zip(row.reasons, row.reason_sources))
        items.append(f"<details><summary>{row.rank}. {html.escape(str(row.name))} "
                     f"({html.escape(str(row.id))}, {html.escape(row.tier)})</summary>"
                     f"<ul>{lines}</ul><p>All rows: {html.escape(format_sources(row.sources))}"
                     "</p></details>")
    if len(shown) < len(partners):
        items.append(f"<p>and {len(partners) - len(shown):,} more partners: 'netkit explain' "
                     "and the JSON report give the rows for every one.</p>")
    return ("<section class=\"sources\"><h2>Where each reason comes from</h2>"
            "<p>Open a partner to see the input rows behind each reason (row 1 is the header, "
            "as a spreadsheet shows it).</p>" + "".join(items) + "</section>")


def options_line(options: dict) -> str:
    """The options a partner set was found with, on one line (a report's "Options" note).

    Examples
    --------
    >>> options_line({"weights": {"activity": 1}, "coordination_cost": {"partner": 0.02},
    ...               "represent": {"gp_practice": "parent"}, "min_patients": 5})
    'weights activity=1; coordination cost partner=0.02; represent gp_practice=parent; min patients 5'
    """
    weights = ", ".join(f"{k}={v:g}" for k, v in options["weights"].items())
    cost = ", ".join(f"{k}={v:g}" for k, v in options["coordination_cost"].items())
    represent = ", ".join(f"{k}=parent" for k in options["represent"]) or "none"
    line = f"weights {weights}; coordination cost {cost}; represent {represent}"
    if options.get("min_patients"):
        line += f"; min patients {options['min_patients']:g}"
    if options.get("disclosure"):
        line += f"; disclosure {options['disclosure']}"
    return line
