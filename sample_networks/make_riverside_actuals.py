"""Makes riverside's monthly actuals for `frailty-admissions` (`riverside/actuals/
frailty-monthly.csv`): what `netkit pathways mine --by month` would write from a year of
baseline and fifteen months of a scheme that is delivering part of its plan. Seeded and
deterministic; run from the repository root:

    python sample_networks/make_riverside_actuals.py

The story, on the frailty pathway's flows (riverside's flows.csv, patients a year, spread over
the months):

* baseline April 2024 to March 2025, then the scheme starts in April 2025;
* demand grows 4% a year (entries from home, and every flow with them);
* the scheme ramps over 6 months (the plan's ramp_months) to 60% of its planned 20%: from
  October 2025 about 12% of the patients who would have reached the emergency department or an
  acute ward are seen by urgent community response instead, and go home from it;
* every monthly count is drawn from a Poisson distribution around its mean (seed 19).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RIVERSIDE = HERE / "riverside"
OUT = RIVERSIDE / "actuals" / "frailty-monthly.csv"

FIRST, START, MONTHS = (2024, 4), (2025, 4), 27
GROWTH = 0.04          # demand, a year
ACHIEVED = 0.6 * 0.2   # of the planned 20%
RAMP = 6               # months
SEED = 19


def _label(k: int) -> str:
    index = FIRST[0] * 12 + FIRST[1] - 1 + k
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def main() -> Path:
    flows = pd.read_csv(RIVERSIDE / "flows.csv", dtype={"place": str}).fillna({"place": ""})
    services = pd.read_csv(RIVERSIDE / "services.csv")
    flows = flows[flows["pathway"] == "frailty-urgent"]
    shifted = set(services.loc[(services["id"] == "ED-RIV")
                               | (services["category"] == "acute_inpatient"), "id"])
    rng = np.random.default_rng(SEED)
    start = (START[0] - FIRST[0]) * 12 + START[1] - FIRST[1]
    frames = []
    for k in range(MONTHS):
        grow = (1 + GROWTH) ** (k / 12)
        done = 0.0 if k < start else ACHIEVED * min(1.0, (k - start + 1) / RAMP)
        mean = flows[["pathway", "source", "target", "place"]].copy()
        mean["patients"] = flows["patients"].to_numpy() / 12 * grow
        # patients arriving at hospital from outside it are diverted; those already inside
        # (emergency department to a ward) fall with them
        into = mean["target"].isin(shifted) & ~mean["source"].isin(shifted)
        moved = mean.loc[into, "patients"] * done
        mean.loc[into, "patients"] -= moved
        mean.loc[mean["source"].isin(shifted), "patients"] *= 1 - done
        diverted = mean[into].assign(target="UCR-COM", patients=moved.to_numpy())
        home = diverted.groupby("place", as_index=False)["patients"].sum().assign(
            pathway="frailty-urgent", source="UCR-COM", target="@home")
        month = pd.concat([mean, diverted, home], ignore_index=True)
        month = month.groupby(["pathway", "source", "target", "place"], as_index=False,
                              sort=True)["patients"].sum()
        month["patients"] = rng.poisson(month["patients"].to_numpy())
        frames.append(month[month["patients"] > 0].assign(period=_label(k)))
    out = pd.concat(frames, ignore_index=True)[["pathway", "source", "target", "place",
                                                "period", "patients"]]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(OUT, index=False, lineterminator="\n")
    return OUT


if __name__ == "__main__":
    print(f"wrote {main().relative_to(HERE.parent)}")
