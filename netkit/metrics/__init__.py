"""Network measures for health and care systems, each a plain function of a graph."""

from netkit.metrics.brokerage import ROLES, brokerage, brokerage_roles, sole_brokers

__all__ = ["brokerage", "brokerage_roles", "sole_brokers", "ROLES"]
