"""The partners for every opportunity of a system at once (``netkit partners --all``).

Each opportunity's query depends on nothing but the system and the options, so
`find_all_partners` runs them side by side in worker processes (`netkit._parallel`), the
largest first, and gives the partner sets in file order: the same whatever the number of
workers. Where there are more opportunities than workers, the smallest is analysed first in
the calling process, before the workers are forked (``warm_up``): the tables the system's
queries share, kept with it, are then built once and inherited by every worker. Asked to ``prepare`` a report format, each worker also writes its opportunities'
parts of that report (`netkit.partners.parts`), so that the report is joined at once after the
last query rather than written whole, in one process, afterwards.
"""

from __future__ import annotations

from netkit._strings import plain_strings
from netkit.model.selectors import select_pathways
from netkit.model.system import System, kept
from netkit.partners.find import find_partners
from netkit.partners.parts import check_prepare, prepared
from netkit.partners.report import PartnerReport
from netkit.partners.result import TOP

__all__ = ["find_all_partners"]


@plain_strings
def find_all_partners(system: System, jobs: int = 1, *, prepare: str | None = None,
                      top: int | None = TOP, width: int = 100, **options) -> PartnerReport:
    """`find_partners` for every opportunity of a system, in file order.

    Parameters
    ----------
    system : System
    jobs : int
        How many opportunities are analysed at once, each in a process forked from this one
        (`netkit._parallel`; one after another here where the platform cannot fork). The
        result is the same whatever the number.
    prepare : {"json", "text", "markdown", "html"}, optional
        The report the caller will write: each opportunity's part of it is written where the
        opportunity is analysed (in its worker, beside the others), with ``top`` and
        ``width`` as `PartnerReport.to_text` takes them, so that writing the report is a
        join. The report is the same text either way.
    top, width : int
        The text and markdown report's settings, for ``prepare``.
    **options
        `find_partners`'s.

    Returns
    -------
    PartnerReport

    Examples
    --------
    >>> import netkit
    >>> report = netkit.find_all_partners(netkit.load_system(netkit.sample_path("tiny")))
    >>> [ps.opportunity.id for ps in report.partner_sets]
    ['frailty', 'falls']
    >>> ready = netkit.find_all_partners(netkit.load_system(netkit.sample_path("tiny")),
    ...                                  prepare="json")
    >>> ready.to_json() == report.to_json()
    True
    """
    from netkit._parallel import ordered_map

    check_prepare(prepare)
    return PartnerReport(system.name, ordered_map(
        lambda o: prepared(find_partners(system, o, **options), prepare, top, width),
        system.opportunities, "opportunities", jobs,
        sizes=[_flows_on_pathways(system, o) for o in system.opportunities], warm_up=True))


def _flows_on_pathways(system: System, opportunity: str) -> int:
    """How many of the system's flows run on the opportunity's pathways: a partner query's
    work grows with them, so the workers are handed the largest first."""
    per_pathway = kept(system, ("partners", "flows per pathway"),
                       lambda s: s.flows["pathway"].value_counts().to_dict())
    chosen = select_pathways(system.pathways, system.opportunity(opportunity).pathways)
    return int(sum(per_pathway.get(p, 0) for p in chosen))
