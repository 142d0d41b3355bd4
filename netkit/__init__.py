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

from ._version import __version__

# When run from a source checkout, the command-line package lives in the top-level ``cli/``
# folder (installed as ``netkit.cli``); let ``netkit.cli`` resolve there too.
_checkout_cli = Path(__file__).resolve().parent.parent / "cli"
if not (Path(__file__).resolve().parent / "cli").exists() and (_checkout_cli / "__init__.py").exists():
    __path__.append(str(_checkout_cli.parent))  # noqa: F821 - a package's __path__

_EXPORTS = {
    # loading, checking, saving
    "load_system": "loading", "validate": "loading", "ValidationReport": "loading",
    "save_system": "saving", "System": "system", "sample_path": "samples",
    "summarise": "summary", "SystemSummary": "summary",
    "export_network": "export",
    # opportunities and partners
    "Opportunity": "opportunity", "Shift": "opportunity",
    "find_partners": "partners", "PartnerSet": "partner_set", "find_all_partners": "partners",
    "PartnerReport": "partner_set", "list_opportunities": "opportunity",
    "OpportunityList": "opportunity",
    "find_scope": "scope", "Scope": "scope",
    "Incentives": "incentives",
    # change
    "apply_changes": "apply", "ChangeResult": "apply", "read_changeset": "changeset",
    "Changeset": "changeset", "PartnerTracker": "tracker", "TrackerUpdate": "tracker",
    "PartnerDiff": "diff", "diff_partner_sets": "diff", "diff_systems": "snapshots",
    "timeline": "history", "Timeline": "history", "recompute": "history",
    "Watcher": "watch", "WatchEvent": "watch",
    # maps
    "visualise": "maps", "NetworkMap": "maps", "map_system": "maps", "map_partners": "maps",
    "map_diff": "maps",
    # event data
    "mine_pathways": "mining", "MinedPathways": "mining", "directly_follows": "mining",
    "read_events": "events", "disclosure_rules": "disclosure",
    "DisclosureRules": "disclosure", "disclosure_check": "disclosure",
    # comparing systems
    "profile": "profiles", "Profile": "profiles", "compare": "transfer",
    "Comparison": "transfer", "similar": "transfer", "RoleModel": "roles", "fit_roles": "roles",
    # synthetic systems at scale
    "generate_system": "generator", "GeneratedSystem": "generator",
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
