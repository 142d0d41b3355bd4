"""The change events a changeset may hold, one small class per kind, by family: organisations,
services, flows, relationships and pathways. Each kind says, in one place, its settings (for the
shape check when a changeset is read), how it is checked against the system, applied, what it
touched and how it is described (`EventKind`). `EVENTS` is the registry: a new kind of event is
a class in its family's module and a line here.
"""

from netkit.change.events.base import EventKind
from netkit.change.events.flows import RemoveFlow, ScaleFlows, SetFlow
from netkit.change.events.organisations import (
    AddOrganisation,
    MergeOrganisations,
    RemoveOrganisation,
    UpdateOrganisation,
)
from netkit.change.events.pathways import AddPathway, RemovePathway, UpdatePathway
from netkit.change.events.relationships import AddRelationship, RemoveRelationship
from netkit.change.events.services import (
    AddService,
    RemoveService,
    TransferService,
    UpdateService,
)

__all__ = ["EVENTS", "EventKind", "TransferService", "MergeOrganisations", "AddOrganisation",
           "RemoveOrganisation", "AddService", "RemoveService", "SetFlow", "ScaleFlows",
           "RemoveFlow", "AddRelationship", "RemoveRelationship", "UpdateOrganisation",
           "UpdateService", "AddPathway", "UpdatePathway", "RemovePathway"]

#: Every kind of change event by its name, in the order messages list them (the events of
#: format version 1 and netkit's additions, as ``docs/format.md`` describes them).
EVENTS: dict[str, EventKind] = {kind.kind: kind() for kind in (
    TransferService, MergeOrganisations, AddOrganisation, RemoveOrganisation, AddService,
    RemoveService, SetFlow, ScaleFlows, RemoveFlow, AddRelationship, RemoveRelationship,
    UpdateOrganisation, UpdateService, AddPathway, UpdatePathway, RemovePathway)}
