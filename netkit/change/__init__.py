"""Change events: reading changesets (`changeset`), applying them to a `System` all or nothing
(`apply`, over the tables as the events leave them, `state`, giving a `result`), and deriving the
changes between two snapshots (`derive`). Each kind of event, with its settings, checks, effect
and description, is one class in `events`, whose registry `events.EVENTS` is the one list of
event kinds.
"""

__all__: list[str] = []
