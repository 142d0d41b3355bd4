"""Realistic synthetic systems at the scale of one ICS, a region or all of England.

`generate_system` writes a system folder to the format contract whose structure follows the real
shape of England's 42 integrated care systems: GP practices, primary care networks, places and
NHS trusts per ICB as counted in NHS England's organisation data (`ics_counts`; Open Government
Licence v3.0), and care homes, home-care providers, pharmacies, hospices and voluntary bodies at
national rates per GP practice. Every name, code and volume in the result is made up; only the
counts are real. Everything is drawn from one seeded ``numpy`` generator, so a scale, area and
seed give the same bytes every time.

The modules, in the order a build uses them: ``counts`` (the real counts and national rates,
and choosing the ICBs an area covers), ``services`` (the kinds of service, with costs and
prices), ``builder`` (the tables while they are built, and the shared draws),
``organisations`` (each ICS's organisations and services, as an `ICS`), ``pathways`` (six
pathways per ICS, one function each, and the regional stroke network), ``relationships``,
``opportunities`` (per ICS, region and nation) and ``system`` (`generate_system`, which writes
the folder, and `GeneratedSystem`).
"""

from netkit.io.generate.counts import ATTRIBUTION, SCALES, ics_counts
from netkit.io.generate.system import GeneratedSystem, generate_system

__all__ = ["generate_system", "GeneratedSystem", "SCALES", "ics_counts", "ATTRIBUTION"]
