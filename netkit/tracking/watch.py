"""Watch a system's files and recompute partner sets whenever they change and still validate.

For people who keep the system in files they edit, often in Excel: each `Watcher.poll` checks
whether the files changed (by their SHA-256); if they did and they validate, it derives the
changes from the last good state (`netkit.diff_systems`) and recomputes through the tracker; if
they do not validate, it reports the problems and keeps the last good state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netkit.change.derive import diff_systems
from netkit.io.loading import ValidationReport, input_checksum, load_system, validate
from netkit.tracking.tracker import PartnerTracker, TrackerUpdate

__all__ = ["Watcher", "WatchEvent"]


@dataclass(frozen=True)
class WatchEvent:
    """What one poll found: ``loaded`` (first good state), ``update``, ``unchanged`` (the files
    changed but the system did not), or ``invalid``."""

    kind: str
    report: ValidationReport | None = None
    update: TrackerUpdate | None = None
    core: dict | None = None

    def to_text(self) -> str:
        if self.kind == "invalid":
            return ("The files no longer validate; keeping the last good state.\n"
                    + self.report.to_text())
        if self.kind == "loaded":
            lines = [f"  {oid}: {', '.join(core)}" for oid, core in self.core.items()]
            return "Loaded. Core partners:\n" + "\n".join(lines) + "\n"
        if self.kind == "unchanged":
            return "The files changed, but the system did not.\n"
        return self.update.to_text()

    def to_dict(self) -> dict:
        return {"kind": self.kind,
                "problems": self.report.to_dict() if self.report is not None else None,
                "update": self.update.to_dict() if self.update is not None else None,
                "core": self.core}


class Watcher:
    """Polls a system folder or workbook; see the module's description.

    Examples
    --------
    >>> import netkit, shutil, tempfile, pathlib
    >>> folder = shutil.copytree(netkit.sample_path("tiny"), pathlib.Path(tempfile.mkdtemp()) / "t")
    >>> watcher = Watcher(folder)
    >>> watcher.poll().kind
    'loaded'
    >>> watcher.poll() is None  # nothing changed
    True
    """

    def __init__(self, path: str | Path, **options):
        self.path = Path(path)
        self.options = options
        self.tracker: PartnerTracker | None = None
        self._checksum: str | None = None

    def poll(self) -> WatchEvent | None:
        """Look once; ``None`` when the files have not changed since the last look."""
        try:
            checksum = input_checksum(self.path)
        except OSError:  # a file being saved or renamed: look again next time
            return None
        if checksum == self._checksum:
            return None
        self._checksum = checksum
        report = validate(self.path)
        if not report.ok:
            return WatchEvent("invalid", report=report)
        system = load_system(self.path)
        if self.tracker is None:
            self.tracker = PartnerTracker(system, **self.options)
            return WatchEvent("loaded", core=self.tracker.core())
        changes = diff_systems(self.tracker.system, system)
        if not changes.events:
            return WatchEvent("unchanged")
        return WatchEvent("update", update=self.tracker.apply(changes))
