"""Shared fixtures: copies of the sample systems that a test may edit, small editing helpers, the
one Spark session of a test run, the hypothesis profiles, and the samples and expensive results
shared by the whole run.

`sample` loads a bundled sample once per run (worker, under pytest-xdist) and `shared` computes a
result once per run; both give every test the same object, which a test must not change (a System
is immutable; a result's tables are plain DataFrames). The end of the run checks that no shared
result changed. A test that edits one works on its own: ``netkit.load_system`` or a copy.

Hypothesis runs the ``default`` profile (few examples, quick) unless ``HYPOTHESIS_PROFILE`` names
another: ``.ci/run`` sets ``ci`` (many examples). A test's own ``@settings(max_examples=...)``
overrides either.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

import netkit
from netkit.render.formats import to_jsonable

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_networks"
SHARED_DATA = ROOT.parent / "shared" / "data"


def missing(what: str, variable: str, reason: str):
    """Skip a test whose tool is missing, or fail it where ``variable=1`` says the tool must
    be there (``.ci/run`` sets NETKIT_REQUIRE_BROWSER and NETKIT_REQUIRE_SPARK)."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{what} tests required but {reason}")
    pytest.skip(reason)


_SAMPLES: dict = {}
_SHARED: dict = {}  # key -> (value, fingerprint when made)


def sample_system(name: str) -> netkit.System:
    """The bundled sample ``name``, loaded once per run and shared (a System is immutable)."""
    if name not in _SAMPLES:
        _SAMPLES[name] = netkit.load_system(netkit.sample_path(name))
    return _SAMPLES[name]


def shared(key, compute):
    """``compute()`` once per run for ``key`` (hashable; say what is computed, e.g.
    ``("find_partners", "riverside", "frailty-admissions")``), then the same value for every test
    asking for it. A test must not change the value: `no_shared_result_changed` checks at the
    end of the run."""
    if key not in _SHARED:
        value = compute()
        _SHARED[key] = (value, fingerprint(value))
    return _SHARED[key][0]


def riverside_partners(opportunity: str | None = None):
    """``netkit.find_all_partners`` of riverside (its 7 opportunities, default options) once per
    run; with ``opportunity``, that one's partner set (what ``find_partners(riverside,
    opportunity)`` gives: find_all_partners calls it for each)."""
    report = shared(("find_all_partners", "riverside"),
                    lambda: netkit.find_all_partners(sample_system("riverside")))
    if opportunity is None:
        return report
    (found,) = [ps for ps in report.partner_sets if ps.opportunity.id == opportunity]
    return found


def compared(source: str, target: str, opportunity: str):
    """``netkit.compare`` of two bundled samples, once per run (several tests read one)."""
    return shared(("compare", source, target, opportunity),
                  lambda: netkit.compare(sample_system(source), sample_system(target),
                                         opportunity))


def fingerprint(value) -> str:
    """SHA-256 of what a test could change in a result: its ``to_dict()`` and every DataFrame
    among its fields (or the value itself where it is a DataFrame or plain data)."""
    parts = []
    if isinstance(value, pd.DataFrame):
        parts.append(value.to_json(orient="split", default_handler=repr))
    elif dataclasses.is_dataclass(value):
        if hasattr(value, "to_dict"):
            parts.append(json.dumps(to_jsonable(value.to_dict()), sort_keys=True, default=repr))
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if isinstance(item, pd.DataFrame):
                parts.append(item.to_json(orient="split", default_handler=repr))
    elif isinstance(value, (list, tuple)):
        parts.extend(fingerprint(item) for item in value)
    elif isinstance(value, dict):
        parts.extend(f"{key!r}: {fingerprint(item)}" for key, item in value.items())
    elif isinstance(value, netkit.System):
        parts.append(repr((value.source, value.checksum, id(value))))  # immutable
    elif not hasattr(value, "to_dict") and hasattr(value, "__dict__"):
        parts.append(fingerprint(vars(value)))
    else:
        parts.append(json.dumps(to_jsonable(value.to_dict() if hasattr(value, "to_dict")
                                            else value), sort_keys=True, default=repr))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.fixture(scope="session", autouse=True)
def no_shared_result_changed():
    """At the end of the run: every shared result is as it was made (a test that changed one
    would make the tests after it pass or fail by order)."""
    yield
    changed = [key for key, (value, made) in _SHARED.items() if fingerprint(value) != made]
    assert not changed, f"a test changed shared results {changed}: work on a copy"


class _Unkeyable(Exception):
    pass


def _key(value):
    """A value as part of a memo key: systems read from files by where from and their checksum,
    changesets and opportunities by their full repr, plain data as itself."""
    if isinstance(value, netkit.System):
        if value.source is None or value.checksum is None:
            raise _Unkeyable  # made in memory: no name for its content
        return ("system", value.source, value.checksum)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (tuple, list)):
        return tuple(_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if type(value).__name__ in ("Changeset", "Opportunity"):
        return (type(value).__name__, repr(value))
    raise _Unkeyable


def _memoised(name, function):
    def call(*args, **kwargs):
        kwargs.pop("jobs", None)  # the result is the same whatever the number of processes
        top = kwargs.pop("top", 10) if name == "recompute" else None
        try:
            key = (name, _key(args), _key(kwargs))
        except _Unkeyable:
            return function(*args, **kwargs) if top is None else \
                function(*args, top=top, **kwargs)
        if name == "recompute":  # top only says how much the reports list (recompute's end)
            return dataclasses.replace(shared(key, lambda: function(*args, top=None, **kwargs)),
                                       top=top)
        return shared(key, lambda: function(*args, **kwargs))
    return call


@pytest.fixture
def reuse_results(monkeypatch):
    """For tests of the command line and of rendering: ``netkit.find_partners``,
    ``find_all_partners``, ``recompute`` and ``compare`` answer a call with the same arguments
    (systems read from the same files, unchanged) from the first such call of the run, so a
    test that renders one answer in several formats, or several tests of one command, compute
    it once. Every command still parses its options, loads its input and renders; only the
    repeated computation is skipped (its determinism is tested in the library's tests). Not for
    tests of progress output or of the computation itself."""
    for name in ("find_partners", "find_all_partners", "recompute", "compare"):
        monkeypatch.setattr(netkit, name, _memoised(name, getattr(netkit, name)))


@pytest.fixture(scope="session")
def riverside_later(tmp_path_factory) -> Path:
    """riverside after its changeset 2026-10-virtual-ward.yaml, as a second snapshot written
    once per run by ``netkit apply`` (``recompute --to`` derives 90 events from it). Shared: a
    test must not edit it."""
    from click.testing import CliRunner
    from netkit.cli import cli

    riverside = netkit.sample_path("riverside")
    out = tmp_path_factory.mktemp("snap") / "after"
    result = CliRunner().invoke(cli, ["apply", str(riverside),
                                      str(riverside / "changesets" / "2026-10-virtual-ward.yaml"),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def spark():
    """One Spark session (local mode, two cores) for every Spark test of the run: starting one
    takes seconds. Skips without pyspark or Java (fails under ``NETKIT_REQUIRE_SPARK=1``)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing("Spark", "NETKIT_REQUIRE_SPARK",
                "pyspark is not installed (pip install '.[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing("Spark", "NETKIT_REQUIRE_SPARK",
                "no Java runtime (apt-get install default-jre-headless)")
    from netkit.mining.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    """A private copy of sample_networks/tiny."""
    return Path(shutil.copytree(SAMPLES / "tiny", tmp_path / "tiny"))


@pytest.fixture
def riverside_dir(tmp_path) -> Path:
    """A private copy of sample_networks/riverside."""
    return Path(shutil.copytree(SAMPLES / "riverside", tmp_path / "riverside"))


def read_table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def set_cell(folder: Path, name: str, row: int, column: str, value: str) -> None:
    """Set a cell by its spreadsheet row number (header = row 1)."""
    frame = read_table(folder, name)
    if column not in frame:
        frame[column] = ""
    frame.loc[row - 2, column] = value
    write_table(folder, name, frame)


def append_row(folder: Path, table: str, **values) -> int:
    """Append a row; returns its spreadsheet row number."""
    frame = read_table(folder, table)
    frame = pd.concat([frame, pd.DataFrame([values])], ignore_index=True).fillna("")
    write_table(folder, table, frame)
    return len(frame) + 1
