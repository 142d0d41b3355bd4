"""The engagement pack: the RACI per workstream, the engagement plan by tier, the stakeholder
map, the risk-and-gain-share summary and the one-page board summary a programme circulates once
its partners are agreed (`engagement_pack`, ``netkit engage``)."""

from netkit.engagement.pack import CADENCE, EngagementPack, engagement_pack

__all__ = ["EngagementPack", "engagement_pack", "CADENCE"]
