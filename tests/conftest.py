"""Shared fixtures: copies of the sample systems that a test may edit, small editing helpers, the
one Spark session of a test run, and the hypothesis profiles.

Hypothesis runs the ``default`` profile (few examples, quick) unless ``HYPOTHESIS_PROFILE`` names
another: ``.ci/run`` sets ``ci`` (many examples). A test's own ``@settings(max_examples=...)``
overrides either.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

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
