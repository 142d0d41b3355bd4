"""`generate_system`: build a synthetic system at a scale and write it as a system folder; what
was written, as a `GeneratedSystem`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netkit.errors import OptionError
from netkit.io.generate.builder import Builder
from netkit.io.generate.counts import (
    ATTRIBUTION,
    LIST_SIZE,
    SCALES,
    choose_area,
    ics_counts,
)
from netkit.io.generate.opportunities import opportunities
from netkit.io.generate.organisations import (
    ambulance_trusts,
    build_ics,
    place_names,
    thrombectomy_centres,
)
from netkit.io.generate.pathways import add_pathways, regional_stroke
from netkit.io.generate.places import pathway_denominators, places_table, practice_lists
from netkit.io.generate.relationships import add_relationships
from netkit.io.saving import check_target, write_folder
from netkit.model.schema import TABLES
from netkit.render.formats import html_table
from netkit.render.text import wrap

__all__ = ["generate_system", "GeneratedSystem"]


@dataclass(frozen=True)
class GeneratedSystem:
    """What `generate_system` wrote: where, at what scale, and how much of each thing.

    ``organisations`` counts organisations by type; ``tables`` counts rows per table.
    """

    path: Path
    scale: str
    seed: int
    area: str
    icbs: tuple[str, ...]
    organisations: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    opportunities: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"path": str(self.path), "scale": self.scale, "seed": self.seed,
                "area": self.area, "icbs": list(self.icbs),
                "organisations": dict(self.organisations), "tables": dict(self.tables),
                "opportunities": list(self.opportunities)}

    def to_frame(self) -> pd.DataFrame:
        rows = [("organisations", k, v) for k, v in self.organisations.items()]
        rows += [("tables", k, v) for k, v in self.tables.items()]
        return pd.DataFrame(rows, columns=["what", "name", "count"])

    def to_text(self) -> str:
        lines = [f"Wrote {self.path}: {self.scale} scale ({self.area}), seed {self.seed}",
                 f"  {self.tables.get('organisations', 0):,} organisations, "
                 f"{self.tables.get('services', 0):,} services, "
                 f"{self.tables.get('pathways', 0):,} pathways, "
                 f"{self.tables.get('flows', 0):,} flows, "
                 f"{self.tables.get('relationships', 0):,} relationships, "
                 f"{len(self.opportunities):,} opportunities",
                 *wrap("organisations by type: " + ", ".join(
                     f"{k} {v:,}" for k, v in self.organisations.items()), 96,
                     initial_indent="  ", subsequent_indent="    "),
                 *wrap(ATTRIBUTION, 96, initial_indent="  ", subsequent_indent="  ")]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return (f"<p>{self.to_text().splitlines()[0]}</p>"
                + html_table(self.to_frame()))

    def __str__(self) -> str:
        return self.to_text()


def generate_system(path: str | Path, scale: str = "ics", *, seed: int = 0,
                    area: str | None = None, overwrite: bool = False) -> GeneratedSystem:
    """Write a realistic synthetic system folder at the scale of an ICS, a region or England.

    Parameters
    ----------
    path : str or Path
        The folder to write (all or nothing).
    scale : {"ics", "region", "national"}
        One integrated care system (about 1,000 organisations), one NHS region (about 7,000)
        or all 42 (about 50,000 organisations and 1 million flows).
    seed : int
        Seed for every random draw; the same scale, area and seed give the same files.
    area : str, optional
        The ICB code (``ics``: e.g. ``QKK``) or region code or name (``region``: ``Y56`` or
        ``London``). By default the seed picks one.
    overwrite : bool
        Replace netkit's own files in an existing system folder (other files are left
        alone); see `netkit.save_system`.

    Returns
    -------
    GeneratedSystem

    Raises
    ------
    OptionError
        If the scale or area is unknown.

    Examples
    --------
    >>> import netkit, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "ics"
    >>> made = generate_system(out, "ics", seed=1, area="QKK")
    >>> made.icbs, made.organisations["gp_practice"]
    (('QKK',), 197)
    >>> system = netkit.load_system(out)
    >>> len(system.organisations) == made.tables["organisations"]
    True
    """
    if scale not in SCALES:
        raise OptionError(f"scale: {scale!r} is not a scale (expected one of "
                          f"{', '.join(SCALES)})")
    counts = ics_counts()
    rng = np.random.default_rng(seed)
    chosen, area_name = choose_area(counts, scale, area, rng)
    path = Path(path)
    check_target(path, overwrite)  # before the (possibly long) build; write_folder checks again
    tables, opps = _build(counts, chosen, scale, rng)
    write_folder(path, tables, _meta(chosen, scale, seed, area_name), opps, overwrite=overwrite)
    by_type = tables["organisations"]["type"].value_counts()
    return GeneratedSystem(
        path=path, scale=scale, seed=seed, area=area_name, icbs=tuple(chosen["icb"]),
        organisations={t: int(by_type[t]) for t in sorted(by_type.index)},
        tables={name: len(frame) for name, frame in tables.items()},
        opportunities=tuple(o["id"] for o in opps))


def _meta(chosen: pd.DataFrame, scale: str, seed: int, area_name: str) -> dict:
    """system.yaml: the system's name, snapshot, population and how it was made."""
    return {"name": f"{area_name} (synthetic, {scale} scale, seed {seed})",
            "snapshot": "2026-04-01", "population": int(chosen["gp_practices"].sum() * LIST_SIZE),
            "currency": "GBP",
            "description": (f"Generated by `netkit generate --scale {scale} --seed "
                            f"{seed}`. {ATTRIBUTION}")}


def _build(counts: pd.DataFrame, chosen: pd.DataFrame, scale: str, rng):
    """The tables and opportunities of the ICBs in ``chosen``: each ICS's organisations, then
    its pathways, then its relationships; then the regional stroke flows. The order is the
    order of the random draws, so it is part of what makes a seed give the same bytes."""
    b = Builder(rng)
    names = place_names(rng)
    ambulance = ambulance_trusts(b, counts, chosen)
    centres = thrombectomy_centres(chosen)
    systems = []
    for row in chosen.itertuples(index=False):
        ics = build_ics(b, row, names, ambulance[row.icb], row.icb in centres)
        add_pathways(b, ics)
        add_relationships(b, ics)
        systems.append(ics)
    regional_stroke(b, systems)
    frames, opps = b.frames(), opportunities(b, systems, chosen, scale)
    if "places" in TABLES:  # format version 2: populations (drawn last: see places.py)
        frames["places"] = places_table(systems, rng)
        frames["pathways"]["denominator"] = pathway_denominators(frames["pathways"])
        frames["organisations"]["list_size"] = practice_lists(frames["organisations"], systems)
    return frames, opps
