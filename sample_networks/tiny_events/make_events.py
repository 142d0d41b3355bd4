"""Makes events.csv: a synthetic patient-level log for the tiny system (seeded, so the file is
reproducible). Patients walk tiny's frailty pathway with the branch probabilities of its
flows.csv; times are whole hours, so many events share a time and file order breaks ties.

Run from this folder: python make_events.py
"""

import numpy as np
import pandas as pd

rng = np.random.default_rng(2026)
flows = pd.read_csv("../tiny/flows.csv")
frailty = flows[flows["pathway"] == "frailty"]
codes = {"GPS": "GP01", "AMB999": "AM99", "ED": "ED01", "WARD": "WD12", "UCR": "CR03",
         "REABLE": "RB01", "CH": "CH01"}
rows = []
for n in range(120):
    # Real logs have text ids: some zero-padded, one literally "NA".
    patient = "NA" if n == 7 else f"{n:04d}"
    t = pd.Timestamp("2025-04-01") + pd.Timedelta(hours=int(rng.integers(0, 24 * 300)))
    here = "@home"
    while True:
        options = frailty[frailty["source"] == here]
        here = rng.choice(options["target"].to_numpy(),
                          p=(options["patients"] / options["patients"].sum()).to_numpy())
        if here == "@home":
            break
        rows.append({"patient": patient, "when": t.strftime("%d/%m/%Y %H:%M"),
                     "code": codes[here], "age_band": rng.choice(["65-74", "75-84", "85+"])})
        if rng.random() < 0.15:  # a second contact at the same service: one stay, not a flow
            rows.append({**rows[-1]})
        t += pd.Timedelta(hours=int(rng.integers(0, 72)))
events = pd.DataFrame(rows)
# Shuffle, as extracts often arrive; a stable sort on (patient, time) restores each journey.
order = rng.permutation(len(events))
events.iloc[order].to_csv("events.csv", index=False)
