"""Keeping partner sets current as the system changes: the tracker that recomputes only what a change
touches, partner-set diffs, timelines across dated changesets and watching files.
"""

__all__: list[str] = []
