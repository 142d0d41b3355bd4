"""The delivery command: track, did the shift happen."""

from __future__ import annotations

from pathlib import Path

import click
from netkit.cli.app import cli

from .commands import _load
from .options import (
    TargetPath,
    check_outputs,
    emit,
    output_options,
    progress_option,
    system_path,
)


@cli.command()
@system_path
@click.option("--opportunity", "-O", "opportunity_id", required=True, metavar="ID",
              help="The opportunity to track; it needs a shift and a plan (see "
                   "'netkit opportunities'). -O is a capital letter O.")
@click.option("--actuals", "-a", required=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Monthly actuals: flows with a period column (YYYY-MM), as 'netkit "
                   "pathways mine --by month' writes them.")
@click.option("--window", type=click.IntRange(min=1), default=3, show_default=True,
              metavar="MONTHS", help="The latest months that 'actual' means.")
@click.option("--charts", "charts", type=TargetPath(file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Also save each measure's SPC chart in this folder (made if missing).")
@click.option("--chart-format", type=click.Choice(["svg", "png"]), default="svg",
              show_default=True, help="The charts' file type with --charts.")
@click.option("--exit-code", is_flag=True,
              help="Exit with 3 when a measure's latest month shows special-cause concern "
                   "(for a scheduled job).")
@output_options(formats=("text", "markdown", "json", "html", "csv", "xlsx"),
                help="text or markdown: a line per measure, money and seats; json: every "
                     "figure; html: a page with the SPC charts; csv or xlsx: the tables.")
@progress_option("track")
def track(path, opportunity_id, actuals, window, charts, chart_format, exit_code, fmt, output):
    """Did the shift happen? Follow an opportunity's plan on monthly actuals.

    For the measures the shift names (patients reaching the services it moves from and to,
    the diverted share, the pathway's entries as demand, and the balance of care as context):
    SPC as Making Data Count draws it, the achieved shift by place and partner, demand growth
    separated from the scheme's effect, the gain-share settled on actuals, and whether the
    partner set is still the right one.

    \b
    Examples:
      netkit track sample_networks/riverside -O frailty-admissions \\
          --actuals sample_networks/riverside/actuals/frailty-monthly.csv
      netkit track sample_networks/riverside -O frailty-admissions \\
          --actuals sample_networks/riverside/actuals/frailty-monthly.csv -o board.html
      netkit track exports/2026-06 -O frailty-admissions -a monthly.csv -f json --exit-code
    """
    import netkit

    check_outputs()
    result = netkit.track(_load(path), opportunity_id, actuals, window=window)
    emit(result, fmt, output)
    if charts is not None:
        for written in result.save_charts(charts, chart_format):
            click.echo(f"wrote {written}", err=True)
    if exit_code and result.concern:
        raise SystemExit(3)
