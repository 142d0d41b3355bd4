"""Options shared by several commands, and writing a result in the format asked for."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

__all__ = ["output_options", "partner_options", "system_path", "emit", "write_text", "warn",
           "partner_settings", "disclosure_option"]

system_path = click.argument(
    "path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path),
    metavar="PATH")


def output_options(formats=("text", "markdown", "json"), default="text"):
    """``--format`` and ``--output`` for a command, the same everywhere."""

    def decorate(func):
        @click.option("--format", "-f", "fmt", type=click.Choice(formats), default=default,
                      show_default=True, help="How to write the result.")
        @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                      default=None, help="Write to this file instead of standard output.")
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        return wrapper

    return decorate


def render(result, fmt: str) -> str | bytes:
    """A result object in one format; results provide to_text / to_markdown / to_dict /
    to_frame / to_html (and to_sheets for a workbook of several tables).

    ``csv`` and ``xlsx`` are for people to open in a spreadsheet, so text cells that a
    spreadsheet would run as a formula are neutralised (`netkit.report.csv_report`); ``xlsx``
    gives the workbook's bytes, one sheet per table. ``text`` never carries terminal control
    sequences from names in the input."""
    from netkit import report

    if fmt == "json":
        return json.dumps(report.to_jsonable(result.to_dict()), indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        return report.csv_report(result.to_frame())
    if fmt == "xlsx":
        return report.xlsx_report(report.report_sheets(result))
    if fmt == "markdown":
        return result.to_markdown()
    if fmt == "html":
        return result.to_html()
    return report.terminal_safe(result.to_text())


def write_text(text: str, output: Path | None) -> None:
    """Write to a file whole (via a temporary file beside it) or to standard output."""
    if output is None:
        click.echo(text, nl=False)
        return
    from netkit._files import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


def emit(result, fmt: str, output: Path | None) -> None:
    write_text(render(result, fmt), output)


def warn(problems) -> None:
    """Print load warnings to standard error."""
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


DISCLOSURE_HELP = ("Disclosure control for the patient counts shown: nhs (1-7 shown *, others "
                   "to the nearest 5), cms (1-10 shown *), none, or threshold=N,round=R.")

disclosure_option = click.option("--disclosure", default=None, metavar="RULES",
                                  help=DISCLOSURE_HELP)


def partner_options(func):
    """The settings of the partner engine, the same on every command that finds partners."""
    options = [
        click.option("--weights", metavar="NAME=W,...",
                     help="Criterion weights over the opportunity's: activity, handoffs, "
                          "brokerage, commissioning, incentives (defaults 1, 1, 0.5, 1, 1)."),
        click.option("--coordination-cost", metavar="NAME=C,...",
                     help="Coordination cost per partner and per pair with no existing "
                          "relationship (defaults partner=0.02, new_tie=0.005), in units of "
                          "benefit."),
        click.option("--represent", metavar="TYPE=parent,...|none",
                     help="Which organisations take part through their parent "
                          "(default gp_practice=parent)."),
        click.option("--min-patients", type=click.FloatRange(min=0), default=None, metavar="K",
                     help="Leave out organisation-to-organisation ties under K patients a "
                          "year."),
        click.option("--groups", type=click.Choice(["type", "sector"]), default="type",
                     show_default=True, help="Groups for Gould-Fernandez brokerage roles."),
        click.option("--disclosure", default=None, metavar="RULES",
                     help=DISCLOSURE_HELP + " Adds a check that the partner set is the same "
                          "on the rounded figures."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def partner_settings(kwargs: dict) -> dict:
    """Pop the partner-engine settings from a command's keyword arguments."""
    settings = {key: kwargs.pop(key) for key in ("weights", "coordination_cost", "represent",
                                                  "min_patients", "groups", "disclosure")}
    if settings["disclosure"] is None:
        del settings["disclosure"]
    return settings
