"""The synthetic-system generator, under the name netkit has always imported it by.

The generator lives in the `netkit.io.generate` subpackage (one module per part of a build);
this module keeps ``from netkit.io.generator import generate_system`` working.
"""

from netkit.io.generate import (
    ATTRIBUTION,
    SCALES,
    GeneratedSystem,
    generate_system,
    ics_counts,
)

__all__ = ["generate_system", "GeneratedSystem", "SCALES", "ics_counts", "ATTRIBUTION"]
