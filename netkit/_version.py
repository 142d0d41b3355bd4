"""netkit's version, kept apart so that ``netkit --version`` imports nothing heavy."""

__all__ = ["__version__"]

__version__ = "0.2.0"
