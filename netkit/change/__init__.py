"""Change events: reading changesets, applying them to a `System` all or nothing, and deriving the
changes between two snapshots.
"""

__all__: list[str] = []
