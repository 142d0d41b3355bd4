"""Commands about opportunities and their partners: opportunities, partners."""

from __future__ import annotations

import click
from netkit.cli.app import cli

from .commands import _load
from .options import (
    check_outputs,
    emit,
    jobs_option,
    jobs_to_use,
    not_an_opportunity,
    output_options,
    partner_options,
    partner_settings,
    picture_option,
    picture_target,
    progress_option,
    saving_to,
    system_path,
    write_text,
)

TABULAR = ("text", "markdown", "json", "csv", "xlsx")

top_option = click.option(
    "--top", type=click.IntRange(min=0), default=20, show_default=True, metavar="N",
    help="Text and markdown show the core whole and the first N of each other tier, of the "
         "broker lines and of the grid, then say how many more (0: all). JSON, CSV and xlsx "
         "are always whole.")


@cli.command()
@system_path
@output_options(formats=TABULAR)
def opportunities(path, fmt, output):
    """List the opportunities of a system.

    \b
    Example:
      netkit opportunities sample_networks/riverside
    """
    import netkit

    check_outputs()
    emit(netkit.list_opportunities(_load(path)), fmt, output)


@cli.command()
@system_path
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID",
              help="The opportunity to analyse (see 'netkit opportunities'). -O is a capital "
                   "O; -o is the output file.")
@click.option("--all", "all_", is_flag=True, help="Analyse every opportunity of the system.")
@jobs_option("with --all: how many opportunities to analyse at once")
@output_options(formats=("text", "markdown", "json", "csv", "html", "xlsx"), pictures=True)
@top_option
@partner_options
@click.option("--stability", type=click.IntRange(min=0), default=0, metavar="N",
              help="Re-run N times with the flows resampled, weights and cost constants "
                   "perturbed ±50% and a fifth of relationships dropped; report how often each "
                   "is core and flag near-ties as judgement calls.")
@click.option("--verdict", "verdict", metavar="NAME=X,...",
              help="Thresholds of the proportionality verdict: internal and bilateral (the "
                   "share of contacts and of transfers of care inside the largest one or two "
                   "organisations, defaults 0.9) and money (how many times the seats' cost a "
                   "technical-efficiency opportunity must be worth to be a partnership, "
                   "default 1).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the stability perturbations.")
@click.option("--cap-at-capacity", is_flag=True,
              help="Cap the shift where a receiving service reaches its capacity (default: "
                   "cost it in full and warn, with the shortfall and its staff cost).")
@click.option("--seats", default=None, metavar="default|none|FILE",
              help="Seats: many small organisations of one kind in one place take part as one "
                   "partner (default: the rules and the system's seats.csv; none: every "
                   "organisation alone; FILE: seats in the seats.csv format).")
@picture_option("Also save the benefit/cost curve as a PNG or SVG picture (by the ending).",
                aliases=("--curve",))
@progress_option("partners")
def partners(path, opportunity_id, all_, jobs, fmt, output, top, stability, verdict, seed,
             cap_at_capacity, seats, picture, **settings):
    """Find the partners for an opportunity: who, in which role, why, and when one more
    stops paying.

    \b
    Examples:
      netkit partners sample_networks/riverside --opportunity frailty-admissions
      netkit partners sample_networks/riverside -O frailty-admissions --format markdown
      netkit partners sample_networks/riverside -O stroke-early-discharge --stability 200
      netkit partners sample_networks/riverside --all -o partners.xlsx
      netkit partners sample_networks/riverside --all --jobs 1 -f json
      netkit partners sample_networks/riverside -O frailty-admissions --weights brokerage=0 \\
          --represent none --picture curve.png

    The format follows the output file's ending (.txt, .md, .json, .csv, .html, .xlsx; .png or
    .svg saves the curve alone) unless --format says otherwise.
    """
    import netkit

    if not opportunity_id and not all_ and output is not None:
        not_an_opportunity(_load(path), output, opportunity_id)
    if bool(opportunity_id) == all_:
        raise click.UsageError("give --opportunity ID or --all (see 'netkit opportunities PATH')")
    if jobs is not None and not all_:
        raise click.UsageError("--jobs runs several opportunities at once; use it with --all")
    if all_ and (picture is not None or fmt == "picture"):
        raise click.UsageError("--picture draws one opportunity's curve; use it with "
                               "--opportunity")
    check_outputs()
    picture, output = picture_target(fmt, output, picture)  # -o curve.png: only the picture
    options = dict(partner_settings(settings), stability=stability, seed=seed, seats=seats)
    if verdict is not None:
        options["verdict"] = verdict
    if cap_at_capacity:
        options["cap_at_capacity"] = True
    system = _load(path)
    if all_:
        from netkit.partners.parts import PART_FORMATS

        # each opportunity's part of the report is written beside its query, in its worker
        result = netkit.find_all_partners(system, jobs=jobs_to_use(jobs), top=top,
                                          prepare=fmt if fmt in PART_FORMATS else None,
                                          **options)
    else:
        result = netkit.find_partners(system, opportunity_id, **options)
    if picture is not None:
        with saving_to(picture):
            result.save_curve(picture)
    if fmt == "picture":
        return
    if fmt == "text":
        write_text(result.to_text(top=top), output)
    elif fmt == "markdown":
        write_text(result.to_markdown(top=top), output)
    else:
        emit(result, fmt, output)
