"""netkit's command-line interface: parse options, call one library function, format the result.

Installed as ``netkit.cli``; the console command is ``netkit`` (also ``python -m netkit``).
Heavy libraries are imported inside the commands that need them, so ``netkit --help`` is quick.

Exit codes: 0 ok; 1 invalid input or a failed check; 2 a usage error (unknown option, missing
argument, an option value netkit cannot use, a --format that contradicts the --output file's
ending); 3 ``recompute --exit-code`` found a partner set that changed, or ``track --exit-code`` a
special-cause concern.
"""

from __future__ import annotations

import gc
import sys

from netkit.cli import (  # noqa: F401 - importing a command's module registers it
    changes,
    commands,
    compare,
    diagnose,
    engage,
    explain,
    generate,
    maps,
    partners,
    pathways,
    track,
)
from netkit.cli.app import cli

__all__ = ["main", "cli"]


def main(argv=None):
    """Run the command line (the ``netkit`` console script).

    As the command ends, what the process holds is frozen (`gc.freeze`): the collector's
    passes as Python shuts down would otherwise walk every object left (pandas, numpy and a
    loaded system), 0.1 s of every command, for nothing, since the process is ending. Objects
    are still freed as before, and files closed.
    """
    try:
        return cli.main(args=argv, prog_name="netkit")
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
