"""The samples that ship with netkit: the systems ``riverside`` and ``tiny``; ``shire`` (a
rural county) and ``metro`` (a large city), made from riverside to differ from it in ways that
matter for comparisons; and ``tiny_events``, a synthetic patient-level event log."""

from __future__ import annotations

from pathlib import Path

__all__ = ["sample_path", "SAMPLES"]

SAMPLES = ("riverside", "tiny", "tiny_events", "shire", "metro")


def sample_path(name: str = "riverside") -> Path:
    """The folder of a bundled sample system.

    Works from a source checkout (``sample_networks/NAME``) and from an installed netkit (the
    samples are installed as ``netkit/sample_networks/NAME``).

    Examples
    --------
    >>> sample_path("tiny").name
    'tiny'
    """
    if name not in SAMPLES:
        raise ValueError(f"no sample system {name!r}; samples: {', '.join(SAMPLES)}")
    package = Path(__file__).resolve().parent.parent  # netkit/
    for base in (package / "sample_networks", package.parent / "sample_networks"):
        if (base / name / "README.md").exists():
            return base / name
    raise FileNotFoundError(f"the sample system {name!r} is not installed with netkit")
