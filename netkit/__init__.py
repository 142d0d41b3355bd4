"""netkit: stakeholder network analysis for health and care systems.

Which partners should be involved in a specific improvement opportunity, in which role, why, and
when does one more stop paying off; and how does that answer change as the system changes?

Public names are imported on first use, so ``import netkit`` (and the ``netkit`` command) starts
quickly (importing every module eagerly took 0.6 s here, against a budget of 0.5 s for
``netkit --help``); the ``TYPE_CHECKING`` block below names where each one lives, for readers and
static tools, and a test checks that it and the export table agree. ``dir(netkit)`` and
``netkit.__all__`` list them all. The package's layout is in ``docs/architecture.md``.

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
from typing import TYPE_CHECKING

from netkit import views  # noqa: F401 - registers the pictures results offer (netkit._views)
from netkit._version import __version__

# When run from a source checkout, the command-line package lives in the top-level ``cli/``
# folder (installed as ``netkit.cli``); let ``netkit.cli`` resolve there too.
_checkout_cli = Path(__file__).resolve().parent.parent / "cli"
if not (Path(__file__).resolve().parent / "cli").exists() and (_checkout_cli / "__init__.py").exists():
    __path__.append(str(_checkout_cli.parent))  # noqa: F821 - a package's __path__

if TYPE_CHECKING:  # where each public name lives
    from netkit.change.apply import ChangeResult, apply_changes
    from netkit.change.changeset import Changeset, read_changeset
    from netkit.change.derive import diff_systems
    from netkit.delivery.actuals import read_actuals
    from netkit.delivery.result import TrackResult
    from netkit.delivery.track import track
    from netkit.diagnosis.diagnose import diagnose
    from netkit.diagnosis.result import Diagnosis
    from netkit.engagement.pack import EngagementPack, engagement_pack
    from netkit.errors import (
        ChangesetError,
        InputError,
        NetkitError,
        OpportunityError,
        OptionError,
        Problem,
    )
    from netkit.finance.incentives import Incentives
    from netkit.finance.risk_share import ShareDesign, ShareRule, design_share
    from netkit.io.export import export_network
    from netkit.io.generator import GeneratedSystem, generate_system
    from netkit.io.loading import ValidationReport, load_system, validate
    from netkit.io.samples import sample_path
    from netkit.io.saving import save_system
    from netkit.mining.directly_follows import directly_follows
    from netkit.mining.events import read_events
    from netkit.mining.mined import MinedPathways
    from netkit.mining.pathways import mine_pathways
    from netkit.model.disclosure import DisclosureRules, disclosure_rules
    from netkit.model.opportunity import Opportunity, OpportunityList, Shift, list_opportunities
    from netkit.model.summary import SystemSummary, summarise
    from netkit.model.system import System
    from netkit.partners.find import disclosure_check, find_partners
    from netkit.partners.find_all import find_all_partners
    from netkit.partners.report import PartnerReport
    from netkit.partners.result import PartnerSet
    from netkit.partners.scope import Scope, find_scope
    from netkit.tracking.diff import PartnerDiff, diff_partner_sets
    from netkit.tracking.history import Timeline, recompute, timeline
    from netkit.tracking.tracker import PartnerTracker, TrackerUpdate
    from netkit.tracking.watch import Watcher, WatchEvent
    from netkit.transfer.compare import Comparison, compare, similar
    from netkit.transfer.profiles import Profile, profile
    from netkit.transfer.roles import RoleModel, fit_roles
    from netkit.viz.maps import NetworkMap, map_diff, map_partners, map_system, visualise

#: public name -> the module (under netkit) that defines it
_EXPORTS = {
    "load_system": "io.loading", "validate": "io.loading", "ValidationReport": "io.loading",
    "save_system": "io.saving",
    "System": "model.system",
    "sample_path": "io.samples",
    "summarise": "model.summary", "SystemSummary": "model.summary",
    "export_network": "io.export",
    "Opportunity": "model.opportunity", "Shift": "model.opportunity",
    "list_opportunities": "model.opportunity", "OpportunityList": "model.opportunity",
    "find_partners": "partners.find", "find_all_partners": "partners.find_all",
    "disclosure_check": "partners.find",
    "PartnerSet": "partners.result", "PartnerReport": "partners.report",
    "find_scope": "partners.scope", "Scope": "partners.scope",
    "Incentives": "finance.incentives",
    "design_share": "finance.risk_share", "ShareDesign": "finance.risk_share",
    "ShareRule": "finance.risk_share",
    "apply_changes": "change.apply", "ChangeResult": "change.apply",
    "read_changeset": "change.changeset", "Changeset": "change.changeset",
    "PartnerTracker": "tracking.tracker", "TrackerUpdate": "tracking.tracker",
    "PartnerDiff": "tracking.diff", "diff_partner_sets": "tracking.diff",
    "diff_systems": "change.derive",
    "timeline": "tracking.history", "Timeline": "tracking.history", "recompute": "tracking.history",
    "Watcher": "tracking.watch", "WatchEvent": "tracking.watch",
    "visualise": "viz.maps", "NetworkMap": "viz.maps", "map_system": "viz.maps",
    "map_partners": "viz.maps", "map_diff": "viz.maps",
    "mine_pathways": "mining.pathways",
    "MinedPathways": "mining.mined",
    "directly_follows": "mining.directly_follows",
    "read_events": "mining.events",
    "disclosure_rules": "model.disclosure", "DisclosureRules": "model.disclosure",
    "profile": "transfer.profiles", "Profile": "transfer.profiles",
    "compare": "transfer.compare", "Comparison": "transfer.compare", "similar": "transfer.compare",
    "RoleModel": "transfer.roles", "fit_roles": "transfer.roles",
    "diagnose": "diagnosis.diagnose", "Diagnosis": "diagnosis.result",
    "track": "delivery.track", "TrackResult": "delivery.result",
    "read_actuals": "delivery.actuals",
    "engagement_pack": "engagement.pack", "EngagementPack": "engagement.pack",
    "generate_system": "io.generator", "GeneratedSystem": "io.generator",
    "NetkitError": "errors", "InputError": "errors", "OpportunityError": "errors",
    "ChangesetError": "errors", "OptionError": "errors", "Problem": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"netkit.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
