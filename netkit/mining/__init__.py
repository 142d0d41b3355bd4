"""Pathways from patient-level event data: reading extracts, the directly-follows graph, mined flows,
and the same on a Spark cluster.
"""

__all__: list[str] = []
