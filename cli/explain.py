"""``netkit explain``: one partner's reasons with the input rows behind each."""

from __future__ import annotations

import click
from netkit.cli.app import cli

from .commands import _load
from .options import check_outputs, emit, output_options, partner_options, partner_settings, system_path


@cli.command()
@system_path
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID", required=True,
              help="The opportunity (see 'netkit opportunities PATH').")
@click.option("--partner", "-p", "partner_id", metavar="ID", required=True,
              help="The partner: its id, or the id of an organisation it stands for (see "
                   "'netkit partners PATH --opportunity ID').")
@output_options(formats=("text", "markdown", "json", "csv"))
@partner_options
def explain(path, opportunity_id, partner_id, fmt, output, **settings):
    """Print each reason for one partner with the input rows behind it.

    Row numbers are as a spreadsheet shows each file: the header is row 1 and the first record
    row 2, as 'netkit validate' counts them. Give the same partner options as to 'netkit
    partners' to explain the same partner set. An unknown partner is an error naming the
    partners there are (exit 1).

    \b
    Examples:
      netkit explain sample_networks/tiny --opportunity frailty --partner ACUTE
      netkit explain sample_networks/riverside -O frailty-admissions -p ICB-RIV --format json
    """
    import netkit

    check_outputs()
    system = _load(path)
    explanation = netkit.find_partners(system, opportunity_id,
                                       **partner_settings(settings)).explain(partner_id)
    emit(explanation, fmt, output)
