"""``python -m netkit`` runs the command-line interface."""

from netkit.cli import main

if __name__ == "__main__":
    main()
