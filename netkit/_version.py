"""netkit's version, kept apart so that ``netkit --version`` imports nothing heavy."""

__version__ = "0.1.0"
