"""Commands about pathways built from patient-level event data: pathways mine."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
from netkit.cli.app import cli

from netkit.model.rule_packs import packs_in_words

from .options import TargetPath, check_outputs, output_options, render, write_bytes, write_text

#: From this many events on, stages are shown as a progress bar on standard error.
PROGRESS_FROM = 1_000_000


@cli.group()
def pathways():
    """Build pathways (the flows of a system) from patient-level event data.

    \b
    Example:
      netkit pathways mine sample_networks/tiny_events/events.csv --case patient \\
          --time when --dayfirst --service code \\
          --map sample_networks/tiny_events/codes.csv -o flows.csv
    """


# event logs of millions of rows: pandas' own (Arrow) text is the faster there (cli.app)
pathways.keeps_arrow_text = True


def _cohort(ctx, param, values):
    cohort = {}
    for value in values:
        column, sep, wanted = value.partition("=")
        if not sep or not column.strip() or not wanted.strip():
            raise click.BadParameter(f"{value!r}: expected COLUMN=VALUE[,VALUE...]", ctx, param)
        cohort.setdefault(column.strip(), []).extend(v.strip() for v in wanted.split(","))
    return cohort


@pathways.command()
@click.argument("events", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--case", default="patient_id", show_default=True, metavar="COLUMN",
              help="The column with the patient (or spell) id.")
@click.option("--time", default="timestamp", show_default=True, metavar="COLUMN",
              help="The column with each event's date and time.")
@click.option("--service", default="service", show_default=True, metavar="COLUMN",
              help="The column with the service (or an activity code, with --map).")
@click.option("--organisation", default=None, metavar="COLUMN",
              help="A column naming each event's organisation or department: gives services "
                   "their providers and the handovers between organisations.")
@click.option("--pathway", default="mined", show_default=True, metavar="NAME",
              help="The pathway id the flows get.")
@click.option("--cohort", multiple=True, callback=_cohort, metavar="COLUMN=VALUE[,VALUE]",
              help="Keep only events with one of these values (repeat for more columns).")
@click.option("--map", "mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="MAPPING.csv", help="Activity codes to service ids: columns code, service "
                                          "and optionally provider.")
@click.option("--time-format", default=None, metavar="FORMAT",
              help="strptime layout of the times, e.g. '%d/%m/%Y %H:%M' (default ISO 8601).")
@click.option("--dayfirst", is_flag=True, help="Times are day-first (31/12/2025 09:30).")
@click.option("--per-year/--as-counted", default=True, show_default=True,
              help="--per-year: scale patients and transitions to a year by the span of the "
                   "log (first to last event), as flows.csv holds them, with a note of the span "
                   "and the factor; --as-counted: keep the counts as found, reported as 'in the "
                   "N days of the log'.")
@click.option("--by", type=click.Choice(["month"]), default=None,
              help="month: flows by calendar month, with a period column (YYYY-MM) and the "
                   "patients counted in each month: the monthly actuals 'netkit track' reads "
                   "(each month is mined as its own log; counts are never scaled to a year).")
@click.option("--disclosure", default="none", show_default=True, metavar="RULES",
              help=f"Disclosure control for what is written: {packs_in_words()}.")
@click.option("--system", "system_dir", type=TargetPath(file_okay=False, path_type=Path),
              metavar="DIR", help="Also write a whole system folder built from the flows "
                                  "(services, providers, one pathway and one opportunity).")
@click.option("--engine", type=click.Choice(["pandas", "spark"]), default="pandas",
              show_default=True,
              help="pandas: in this process; spark: read and mine on a Spark cluster (needs "
                   "pyspark and Java; --map, --organisation, --cohort and --dayfirst are not "
                   "available there, use --time-format in Spark's pattern, e.g. "
                   "'dd/MM/yyyy HH:mm').")
@click.option("--master", default="local[*]", show_default=True, metavar="URL",
              help="The Spark master with --engine spark (spark://host:7077, yarn, local[4]).")
@output_options(formats=("csv", "text", "markdown", "json", "xlsx"), default="csv",
                help="csv: the flows.csv rows; text or markdown: a summary; json: both; xlsx: "
                     "the flows as a workbook.")
def mine(events, case, time, service, organisation, pathway, cohort, mapping, time_format,
         dayfirst, per_year, by, disclosure, system_dir, engine, master, fmt, output):
    """Mine the flows of a pathway from an event extract (CSV or parquet).

    Each patient's events are put in time order (events at the same time keep their file
    order); each step from one service to the next is a flow, with entry from and exit to
    @home. Flows count distinct patients and transitions, with the median days between steps.

    \b
    Examples:
      netkit pathways mine events.csv --case patient_id --time arrival --service unit -o flows.csv
      netkit pathways mine sample_networks/tiny_events/events.csv --case patient \\
          --time when --dayfirst --service code \\
          --map sample_networks/tiny_events/codes.csv --pathway frailty \\
          --disclosure nhs --system tiny-mined
      netkit pathways mine events.csv --case patient_id --time arrival --service unit \\
          --pathway frailty-urgent --by month -o actuals.csv
      netkit pathways mine events.parquet --engine spark --master spark://head:7077 \\
          --case patient_id --time arrival --service unit -o flows.csv

    Counts are scaled to patients a year by the log's span unless --as-counted is given (a log
    shorter than 28 days gets a warning that the yearly figures are unreliable).
    """
    import netkit
    from netkit.mining.events import read_events

    if by is not None:
        if system_dir is not None:
            raise click.UsageError("--by month writes monthly actuals, not a system's flows "
                                   "(patients a year): leave out --system, or --by")
        if engine == "spark":
            raise click.UsageError("--by month is not available with --engine spark")
        per_year = False  # patients as counted in each month
    if system_dir is not None and not per_year:
        raise click.UsageError("--system writes a system, whose flows.csv holds patients a year, "
                               "and its reports would call counts from part of a year 'a year': "
                               "leave out --as-counted (the counts are then scaled by the log's "
                               "span), or write the counts alone with -o FILE")
    if system_dir is not None and system_dir.is_dir() and any(system_dir.iterdir()):
        raise click.ClickException(f"{system_dir} already exists and is not empty; choose "
                                   "another --system folder")
    check_outputs()
    rules = netkit.disclosure_rules(disclosure)  # a bad rule pack fails before any reading
    if engine == "spark":
        from netkit.mining.spark import read_events_spark, spark_session

        if dayfirst:
            raise click.UsageError("--dayfirst is not available with --engine spark; give "
                                   "--time-format in Spark's pattern, e.g. 'dd/MM/yyyy HH:mm'")
        session = spark_session(master)
        mined = netkit.mine_pathways(
            read_events_spark(session, events), case=case, time=time, service=service,
            pathway=pathway, cohort=cohort or None, mapping=None if mapping is None else
            read_events(mapping), organisation=organisation, time_format=time_format,
            per_year=per_year, disclosure=rules)
        _write_mined(mined, fmt, system_dir, output)
        return
    table = read_events(events, text_columns=[case, service])
    code_table = None
    if mapping is not None:
        code_table = read_events(mapping)
    stages = ["reading times", "ordering events", "counting steps"]
    if organisation:
        stages.append("handovers between organisations")
    show = len(table) >= PROGRESS_FROM
    with (click.progressbar(length=len(stages), label=f"mining {len(table):,} events",
                            file=sys.stderr) if show else contextlib.nullcontext()) as bar:
        mined = netkit.mine_pathways(
            table, case=case, time=time, service=service, pathway=pathway, cohort=cohort,
            mapping=code_table, organisation=organisation, time_format=time_format,
            dayfirst=dayfirst, per_year=per_year, disclosure=rules, by=by,
            progress=(lambda stage: bar.update(1)) if show else None)
    _write_mined(mined, fmt, system_dir, output)


def _write_mined(mined, fmt, system_dir, output):
    from .options import as_flags

    for warning in mined.warnings:
        click.echo(f"warning: {as_flags(warning)}", err=True)
    click.echo(f"note: patients and transitions {as_flags(mined._basis())}", err=True)
    if fmt == "csv":  # flows.csv rows, verbatim (a system file, not a report)
        data = mined.released_flows().to_csv(index=False, lineterminator="\n")
    else:
        data = render(mined, fmt)
        if fmt == "xlsx" and not isinstance(data, bytes):
            raise click.ClickException("this netkit cannot write xlsx yet; use --format csv")
    if system_dir is not None:
        mined.save_system(system_dir)
        click.echo(f"wrote {system_dir}", err=True)
    if isinstance(data, bytes):
        write_bytes(data, output)
    else:
        write_text(data, output)

