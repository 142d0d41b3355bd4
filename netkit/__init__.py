"""netkit: stakeholder network analysis for health and care systems.

Which partners should be involved in a specific improvement opportunity, in which role, why, and
when does one more stop paying off; and how does that answer change as the system changes?

Public names are imported on first use, so ``import netkit`` (and the ``netkit`` command) starts
quickly; ``dir(netkit)`` and ``netkit.__all__`` list them all.

Examples
--------
>>> import netkit
>>> system = netkit.load_system(netkit.sample_path("tiny"))
>>> system.name
'Tiny Vale'
"""

from __future__ import annotations

import importlib
from pathlib import Path

from netkit._version import __version__

# When run from a source checkout, the command-line package lives in the top-level ``cli/``
# folder (installed as ``netkit.cli``); let ``netkit.cli`` resolve there too.
_checkout_cli = Path(__file__).resolve().parent.parent / "cli"
if not (Path(__file__).resolve().parent / "cli").exists() and (_checkout_cli / "__init__.py").exists():
    __path__.append(str(_checkout_cli.parent))  # noqa: F821 - a package's __path__

_EXPORTS = {
    # loading, checking, saving
    "load_system": "io.loading", "validate": "io.loading", "ValidationReport": "io.loading",
    "save_system": "io.saving", "System": "model.system", "sample_path": "io.samples",
    "summarise": "model.summary", "SystemSummary": "model.summary",
    "export_network": "io.export",
    # opportunities and partners
    "Opportunity": "model.opportunity", "Shift": "model.opportunity",
    "find_partners": "partners.find", "PartnerSet": "partners.result", "find_all_partners": "partners.find",
    "PartnerReport": "partners.result", "list_opportunities": "model.opportunity",
    "OpportunityList": "model.opportunity",
    "find_scope": "partners.scope", "Scope": "partners.scope",
    "Incentives": "finance.incentives",
    # change
    "apply_changes": "change.apply", "ChangeResult": "change.apply", "read_changeset": "change.changeset",
    "Changeset": "change.changeset", "PartnerTracker": "tracking.tracker", "TrackerUpdate": "tracking.tracker",
    "PartnerDiff": "tracking.diff", "diff_partner_sets": "tracking.diff", "diff_systems": "change.derive",
    "timeline": "tracking.history", "Timeline": "tracking.history", "recompute": "tracking.history",
    "Watcher": "tracking.watch", "WatchEvent": "tracking.watch",
    # maps
    "visualise": "viz.maps", "NetworkMap": "viz.maps", "map_system": "viz.maps", "map_partners": "viz.maps",
    "map_diff": "viz.maps",
    # event data
    "mine_pathways": "mining.pathways", "MinedPathways": "mining.mined", "directly_follows": "mining.directly_follows",
    "read_events": "mining.events", "disclosure_rules": "model.disclosure",
    "DisclosureRules": "model.disclosure", "disclosure_check": "model.disclosure",
    # comparing systems
    "profile": "transfer.profiles", "Profile": "transfer.profiles", "compare": "transfer.compare",
    "Comparison": "transfer.compare", "similar": "transfer.compare", "RoleModel": "transfer.roles", "fit_roles": "transfer.roles",
    # synthetic systems at scale
    "generate_system": "io.generator", "GeneratedSystem": "io.generator",
    # errors
    "NetkitError": "errors", "InputError": "errors", "OpportunityError": "errors",
    "ChangesetError": "errors", "OptionError": "errors", "Problem": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
