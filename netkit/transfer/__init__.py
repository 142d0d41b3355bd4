"""Will it transfer? System profiles, comparing the system where an idea worked with the one that
wants it, and structural roles fitted across systems.
"""

__all__: list[str] = []
