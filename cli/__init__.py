"""netkit's command-line interface: parse options, call one library function, format the result.

Installed as ``netkit.cli``; the console command is ``netkit`` (also ``python -m netkit``).
Heavy libraries are imported inside the commands that need them, so ``netkit --help`` is quick.

Exit codes: 0 ok; 1 invalid input or a failed check; 2 a usage error (unknown option, missing
argument, an option value netkit cannot use, a --format that contradicts the --output file's
ending); 3 ``recompute --exit-code`` found a partner set that changed.
"""

from __future__ import annotations

import sys

import click

from netkit._version import __version__

__all__ = ["main", "cli"]


class NetkitGroup(click.Group):
    """A click group that turns netkit's own errors into a clear message and an exit code: 2 for
    an option value netkit cannot use (`netkit.errors.OptionError`, a usage error like click's
    own), 1 for everything else (invalid input, an unknown opportunity, a failed check).

    This is the one place where library errors become exit codes.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as err:  # only netkit's own errors are expected here
            from netkit.errors import NetkitError, OptionError

            from .options import as_flags

            if isinstance(err, NetkitError):
                click.echo(f"Error: {as_flags(str(err))}", err=True)
                # An option value netkit cannot use is a usage error, as the README's table says.
                ctx.exit(2 if isinstance(err, OptionError) else 1)
            raise

    def list_commands(self, ctx):
        return list(self.commands)  # in the order they were added, which reads as a tour


@click.group(cls=NetkitGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="netkit",
                      message="%(prog)s %(version)s")
def cli():
    """netkit: who should be at the table for a health and care improvement opportunity.

    \b
    Examples:
      netkit partners sample_networks/riverside --opportunity frailty-admissions
      netkit opportunities sample_networks/riverside
      netkit validate sample_networks/riverside
      netkit summary sample_networks/riverside
      netkit export sample_networks/riverside --to graphml -o riverside.graphml
      netkit visualise sample_networks/riverside -O frailty-admissions -o frailty.html
      netkit pathways mine events.csv --case patient_id --time timestamp --service unit
      netkit compare sample_networks/riverside sample_networks/metro -O frailty-admissions
      netkit generate --scale national -o england

    Run 'netkit COMMAND --help' for a command's options and examples.
    """


from . import commands, partners, changes, maps, pathways, compare, generate  # noqa: E402,F401,I001 - registers the commands in tour order


def main(argv=None):
    """Run the command line (the ``netkit`` console script)."""
    return cli.main(args=argv, prog_name="netkit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
