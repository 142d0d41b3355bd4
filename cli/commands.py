"""Commands about a whole system: validate, summary, export."""

from __future__ import annotations

from pathlib import Path

import click
from netkit.cli.app import cli

from .options import check_outputs, disclosure_option, emit, output_options, system_path, warn


def _load(path: Path):
    import netkit
    from netkit._progress import stage

    stage(f"loading {path.name}")
    system = netkit.load_system(path)
    warn(system.warnings)
    stage("working")
    return system


@cli.command()
@system_path
@output_options(formats=("text", "json", "csv", "xlsx"))
def validate(path, fmt, output):
    """Check a system folder or .xlsx workbook against the format contract.

    Every problem is listed at once, each with its file, row, column, the value and how to fix
    it. Exits 0 when the system is valid (warnings allowed), 1 when there are problems.

    \b
    Examples:
      netkit validate sample_networks/riverside
      netkit validate my_system.xlsx --format json
    """
    import netkit

    check_outputs()
    report = netkit.validate(path)
    emit(report, fmt, output)
    if not report.ok:
        raise SystemExit(1)


@cli.command()
@system_path
@output_options(formats=("text", "markdown", "json", "csv", "xlsx"))
@disclosure_option
def summary(path, fmt, output, disclosure):
    """Summarise a system: organisations, pathways, activity, relationships.

    \b
    Examples:
      netkit summary sample_networks/riverside
      netkit summary sample_networks/riverside --format markdown -o summary.md
      netkit summary sample_networks/riverside --disclosure nhs
    """
    check_outputs()
    emit(_load(path).summary(disclosure=disclosure), fmt, output)


@cli.command()
@system_path
@click.option("--to", "to", type=click.Choice(["graphml", "gexf", "json"]), default=None,
              help="File format (default: from the output file's ending).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write.")
@disclosure_option
def export(path, to, output, disclosure):
    """Export the system's network for Gephi, Cytoscape or yEd.

    Nodes are organisations, services and @home; edges are 'provides', patient 'flow' (with
    patients a year) and 'relationship' ties.

    \b
    Examples:
      netkit export sample_networks/riverside --to graphml -o riverside.graphml
      netkit export sample_networks/riverside -o riverside.gexf
      netkit export sample_networks/riverside -o riverside.graphml --disclosure nhs
    """
    import netkit

    if to is None and output.suffix.lstrip(".").lower() not in ("graphml", "gexf", "json"):
        raise click.UsageError("give --to graphml|gexf|json, or an output file ending in one")
    check_outputs()
    netkit.export_network(_load(path), output, to, disclosure=disclosure)
    click.echo(f"wrote {output}", err=True)
