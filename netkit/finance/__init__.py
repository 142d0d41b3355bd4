"""Money under an activity shift: who gains and who loses under their contracts' payment bases, and
the gain-share. The home of the finance method.
"""

__all__: list[str] = []
