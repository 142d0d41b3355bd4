"""Text as Python strings while netkit computes (netkit._strings)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import sample_system

import netkit
from netkit._strings import _option, object_strings, plain_strings

needs_option = pytest.mark.skipif(_option() is None, reason="this pandas has no string inference")


@needs_option
def test_the_block_turns_inference_off_and_restores_it_even_on_error():
    before = _option()
    with pytest.raises(ValueError):
        with object_strings():
            assert str(pd.Series(["a"]).dtype) == "object"
            with object_strings():  # nested: still off, and on again only at the outer end
                pass
            assert _option() is False
            raise ValueError("inside")
    assert _option() is before


@needs_option
def test_no_pandas_warning_escapes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with object_strings():
            pass
        assert plain_strings(lambda: 1)() == 1


def test_a_system_keeps_its_text_as_python_strings():
    riverside = sample_system("riverside")
    for name in ("organisations", "services", "flows", "relationships"):
        table = getattr(riverside, name)
        text = [c for c in table.columns if isinstance(table[c].dtype, pd.StringDtype)]
        assert text == [], f"{name}: {text} are Arrow str"


def test_the_entry_points_leave_the_callers_pandas_as_it_was():
    before = _option()
    netkit.find_partners(sample_system("tiny"), "frailty")
    assert _option() is before


@needs_option
def test_the_answers_are_the_same_where_pandas_keeps_arrow_text(monkeypatch):
    """A pandas without the switch (it is to go in pandas 4) builds Arrow text inside the
    analysis: the partner set, its money and its report are the same."""
    import json

    import netkit._strings as strings

    riverside = sample_system("riverside")
    ours = netkit.find_partners(riverside, "frailty-admissions")
    monkeypatch.setattr(strings, "_option", lambda value=None: None)  # no switch to turn
    arrow = netkit.find_partners(riverside, "frailty-admissions")
    assert str(arrow.partners["id"].dtype) != "object"  # built as Arrow text this time
    assert (json.dumps(ours.to_dict(), sort_keys=True, default=str)
            == json.dumps(arrow.to_dict(), sort_keys=True, default=str))
    assert ours.to_text() == arrow.to_text()


def test_the_command_line_runs_on_python_strings_but_for_mining(monkeypatch):
    from contextlib import contextmanager

    from click.testing import CliRunner
    from netkit.cli import cli

    import netkit._strings as strings

    entered, real = [], strings.object_strings

    @contextmanager
    def counted():
        entered.append(True)
        with real():
            yield

    monkeypatch.setattr(strings, "object_strings", counted)
    assert CliRunner().invoke(cli, ["summary", str(netkit.sample_path("tiny"))]).exit_code == 0
    assert entered  # text as Python strings for the command
    entered.clear()
    assert CliRunner().invoke(cli, ["pathways", "mine", "--help"]).exit_code == 0
    assert entered == []  # the pathways group keeps pandas' own text
