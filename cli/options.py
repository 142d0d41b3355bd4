"""Options shared by several commands, and writing a result in the format asked for."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path

import click

__all__ = ["output_options", "system_path", "emit", "write_text", "warn"]

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


def render(result, fmt: str) -> str:
    """A result object in one format; results provide to_text / to_markdown / to_dict /
    to_frame / to_html."""
    if fmt == "json":
        from netkit.report import to_jsonable

        return json.dumps(to_jsonable(result.to_dict()), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return result.to_frame().to_csv(index=False, lineterminator="\n")
    if fmt == "markdown":
        return result.to_markdown()
    if fmt == "html":
        return result.to_html()
    return result.to_text()


def write_text(text: str, output: Path | None) -> None:
    """Write to a file whole (via a temporary file beside it) or to standard output."""
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".netkit-", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    click.echo(f"wrote {output}", err=True)


def emit(result, fmt: str, output: Path | None) -> None:
    write_text(render(result, fmt), output)


def warn(problems) -> None:
    """Print load warnings to standard error."""
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
