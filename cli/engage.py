"""The engagement pack command: engage."""

from __future__ import annotations

import click
from netkit.cli.app import cli

from .commands import _load
from .options import (
    check_outputs,
    output_options,
    partner_options,
    partner_settings,
    system_path,
    write_bytes,
    write_text,
)

FORMATS = ("markdown", "html", "docx", "xlsx")


def _cadence(given) -> dict:
    """``--cadence board=six-weekly`` (repeatable) as a dict; the library checks the names."""
    out = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--cadence {item!r}: give NAME=HOW-OFTEN, e.g. --cadence "
                                   "board=six-weekly (names: board, working_group, involve, "
                                   "inform)")
        out[name.strip()] = value
    return out


@cli.command()
@system_path
@click.option("--opportunity", "-O", "opportunity_id", metavar="ID", required=True,
              help="The opportunity (see 'netkit opportunities'). -O is a capital O; -o is the "
                   "output file.")
@output_options(formats=FORMATS, default="markdown", help="How to write the pack.")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.option("--cadence", multiple=True, metavar="NAME=HOW-OFTEN",
              help="Change a default cadence (board=monthly, working_group=fortnightly, "
                   "involve=quarterly, inform='at milestones'); repeat for several.")
@partner_options
def engage(path, opportunity_id, fmt, output, force, cadence, **settings):
    """The engagement pack for an opportunity: the board summary (verdict, partners and why,
    the money with its range, what the board is asked to agree), a RACI per workstream, the
    engagement plan by tier, the stakeholder map and the risk-and-gain-share.

    \b
    Examples:
      netkit engage sample_networks/riverside --opportunity frailty-admissions
      netkit engage sample_networks/riverside -O frailty-admissions -o frailty-pack.docx
      netkit engage sample_networks/riverside -O frailty-admissions -o pack.html \\
          --cadence board=six-weekly
      netkit engage generated/england -O national-frailty-admissions --draws 0

    The format follows the output file's ending (.md, .html, .docx, .xlsx) unless --format
    says otherwise. Word output needs python-docx (pip install 'netkit[engage]').
    """
    import netkit
    from netkit.engagement.word import require_docx

    if fmt == "docx" and output is None:  # xlsx is checked with every command's --format
        raise click.UsageError("docx is a Word document, not text: give --output FILE.docx")
    check_outputs()
    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} already exists; choose another --output or add "
                                   "--force to replace it")
    if fmt == "docx":
        require_docx()
    pack = netkit.engagement_pack(_load(path), opportunity_id, cadence=_cadence(cadence),
                                  **partner_settings(settings))
    if fmt == "markdown":
        write_text(pack.to_markdown(), output)
    elif fmt == "html":
        write_text(pack.to_html(), output)
    elif fmt == "docx":
        write_bytes(pack.to_docx(), output)
    else:
        from netkit.render.workbook import xlsx_report

        write_bytes(xlsx_report(pack.to_sheets()), output)
