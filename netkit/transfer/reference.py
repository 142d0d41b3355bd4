"""The reference set a comparison is judged against, by default: generated integrated care
systems, not the three bundled samples.

A difference between two systems matters when it is large against how much systems of that
kind differ. The bundled samples are three variants of one made-up system, so their spread says
little. netkit therefore ships a reference set made by its own generator (`netkit generate
--scale ics`, seeds `SEEDS`): for each pathway tag the generated systems carry, the profile of
every system in that tag's scope (`netkit.transfer.profiles`) and the structural roles fitted
once over all their organisations (`netkit.transfer.roles.RoleModel`), so the number of roles
does not change with the pair compared. They are stored in ``reference.json`` beside this
module and rebuilt with ``python -m netkit.transfer.reference`` (about a minute) whenever the
generator or the partner method changes; a test checks the stored file was built from the
present seeds and features.

An opportunity whose pathways carry no tag of the reference set is compared against the systems
the user gives (``reference=``), else against the bundled samples, and the comparison says so.
"""

from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["SEEDS", "REFERENCE_FILE", "build_reference", "load_reference", "reference_for"]

#: The generator seeds of the reference systems (one generated ICS each).
SEEDS = (1, 2, 3, 4, 5, 6)
REFERENCE_FILE = Path(__file__).with_name("reference.json")


def build_reference(seeds=SEEDS, progress=None) -> dict:
    """Generate the reference systems and compute, for each pathway tag, their profiles and
    the roles fitted over all their organisations.

    Returns
    -------
    dict
        ``{"seeds": [...], "features": [...], "tags": {TAG: {"systems": [...], "profiles":
        [[...]], "roles": RoleModel params}}}``.
    """
    from netkit.io.generate.system import generate_system
    from netkit.io.loading import load_system
    from netkit.model.opportunity import Opportunity
    from netkit.model.selectors import pathway_tags
    from netkit.partners.find import find_partners
    from netkit.transfer.profiles import FEATURES, profile
    from netkit.transfer.roles import RoleModel, role_features

    by_tag: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            generate_system(Path(tmp) / f"ics-{seed}", "ics", seed=seed)
            system = load_system(Path(tmp) / f"ics-{seed}")
            # the generator's theme tags (frailty, stroke, ...), not its per-region ones
            tags = sorted({t for ts in pathway_tags(system.pathways) for t in ts if "-Y" not in t})
            for tag in tags:
                opp = Opportunity(id=f"reference-{tag}", pathways=(f"tag:{tag}",))
                entry = by_tag.setdefault(tag, {"systems": [], "profiles": [], "frames": []})
                entry["systems"].append(system.name)
                entry["profiles"].append([round(float(v), 9) for v in
                                          profile(system, opp).features[list(FEATURES)]])
                found = find_partners(system, opp, explain=False, draws=0)  # figures only
                entry["frames"].append(role_features(found))
            if progress:
                progress(seed)
    out = {"seeds": list(seeds), "features": list(FEATURES), "tags": {}}
    for tag, entry in sorted(by_tag.items()):
        model = RoleModel(seed=0).fit_frame(pd.concat(entry["frames"], ignore_index=True))
        out["tags"][tag] = {"systems": entry["systems"], "profiles": entry["profiles"],
                            "roles": model.to_params()}
    return out


@lru_cache(maxsize=1)
def load_reference() -> dict:
    """The stored reference set (empty if the file is missing)."""
    if not REFERENCE_FILE.exists():
        return {"seeds": [], "features": [], "tags": {}}
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


def reference_for(tags) -> tuple[str | None, dict | None]:
    """The first of ``tags`` the stored reference set has, and its entry."""
    stored = load_reference()["tags"]
    for tag in tags:
        if tag in stored:
            return tag, stored[tag]
    return None, None


if __name__ == "__main__":  # pragma: no cover - the maintainers' rebuild
    import sys

    data = build_reference(progress=lambda seed: print(f"seed {seed} done", file=sys.stderr))
    REFERENCE_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n",
                              encoding="utf-8")
    print(f"wrote {REFERENCE_FILE} ({len(data['tags'])} tags)")
