"""The diversion with services no patient reaches or leaves: flows of 0 patients from such a
service pass nobody on (0 / 0 used to make a NaN share, which spoilt the whole solve and lost
the shift's money, with a RuntimeWarning on standard error)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from netkit.finance.diversion import divert
from netkit.model.opportunity import Shift

FLOWS = {"pathway": "p", "source": ["@home", "ED", "ED", "W", "W", "R", "U"],
         "target": ["ED", "W", "@home", "R", "@home", "@home", "@home"],
         "patients": [100.0, 60, 40, 10, 50, 10, 30], "place": None}
SERVICES = {"id": ["ED", "W", "R", "U"], "category": "x", "activity": [100.0, 60, 10, 30]}


def _contacts(flows: dict, services: dict) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning, no singular-matrix warning
        found = divert(pd.DataFrame(flows), pd.DataFrame(services),
                       Shift(("ED",), ("U",), 1.0))
    return found.set_index("service")["contacts"].to_dict()


def test_the_worked_example():
    # by hand: 100 patients reach ED, 60 of them the ward, 10 of those reablement; all go to U
    assert _contacts(FLOWS, SERVICES) == {"ED": -100.0, "R": -10.0, "U": 100.0, "W": -60.0}


@pytest.mark.parametrize("extra", [
    [("X", "ED")],              # a service nobody reaches sends 0 patients into the pathway
    [("X", "ED"), ("W", "Y")],  # and the ward sends 0 patients to a service with none
    [("Y", "X"), ("X", "Y")],   # two empty services in a loop of their own
])
def test_flows_of_no_patients_change_nothing(extra):
    flows = {k: (list(v) if isinstance(v, list) else v) for k, v in FLOWS.items()}
    for source, target in extra:
        flows["source"].append(source)
        flows["target"].append(target)
        flows["patients"].append(0.0)
    services = {**SERVICES, "id": SERVICES["id"] + ["X", "Y"],
                "activity": SERVICES["activity"] + [0.0, 0.0]}
    assert _contacts(flows, services) == {"ED": -100.0, "R": -10.0, "U": 100.0, "W": -60.0}
