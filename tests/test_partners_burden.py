"""The coordination burden in staff days and pounds, and the rule that a missing relationship
never decides a seat."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_partners_verdict import build, through

import netkit
from netkit.errors import OptionError
from netkit.partners.burden import (
    DEFAULT_DAY_COST,
    DEFAULT_SEAT_DAYS,
    DEFAULT_TIE_DAYS,
    Burden,
    burden_settings,
    coordination_burden,
)
from netkit.partners.selection import select_partners
from netkit.render.formats import fmt_money_rounded


def test_defaults_are_stated():
    assert (DEFAULT_SEAT_DAYS, DEFAULT_TIE_DAYS, DEFAULT_DAY_COST) == (12.0, 3.0, 750.0)


def test_burden_arithmetic_by_hand():
    # core A, B, C, D; A-B and C-D hand patients over, A-B already work together,
    # B-C exchange none: one new relationship (C, D)
    pairs = pd.DataFrame({"source": ["A", "C", "D"], "target": ["B", "D", "E"],
                          "patients": [40.0, 10.0, 5.0]})
    b = coordination_burden(["A", "B", "C", "D"], pairs, [("B", "A")],
                            {"seat_days": 10, "tie_days": 4, "day_cost": 500})
    assert b.new_relationships == [("C", "D")]
    assert b.days == 4 * 10 + 1 * 4
    assert b.cost == 44 * 500
    assert b.line(6_600) == ("4 seats and 1 new working relationship cost about £22,000 a year "
                             "of staff time to run (44 days at £500 a day); the opportunity is "
                             "worth £6,600 a year")


def test_eight_seats_against_a_small_saving():
    b = Burden(8, [], 12, 3, 1000)
    assert b.line(6_612.4) == ("8 seats cost about £96,000 a year of staff time to run (96 days "
                               "at £1,000 a day); the opportunity is worth £6,600 a year")
    assert Burden(1, []).line(None).startswith("1 seat costs about £9,000 a year")
    assert Burden(2, []).line(-148_659).endswith("; the opportunity loses the system £150,000 "
                                                 "a year")


def test_settings_come_from_defaults_then_system_yaml_then_options(tmp_path):
    assert burden_settings()[0] == {"seat_days": 12.0, "tie_days": 3.0, "day_cost": 750.0}
    system = build(tmp_path / "s", through("ED", "DN", "HOSP"),
                   finance={"seat_days": 6, "day_cost": 500})
    ps = netkit.find_partners(system, "o")
    burden = ps.verdict.burden
    assert (burden.seat_days, burden.tie_days, burden.day_cost) == (6.0, 3.0, 500.0)
    assert burden.sources == {"seat_days": "system.yaml", "tie_days": "default",
                              "day_cost": "system.yaml"}
    ps = netkit.find_partners(system, "o", coordination_cost="seat_days=2,partner=0.02")
    assert ps.verdict.burden.seat_days == 2.0
    assert ps.verdict.burden.sources["seat_days"] == "option"
    assert ps.options["burden"] == {"seat_days": 2.0, "tie_days": 3.0, "day_cost": 500.0}
    assert "seat_days" not in ps.opportunity.coordination_cost
    with pytest.raises(OptionError, match=r"coordination_cost: day_cost='lots' is not a number"):
        netkit.find_partners(system, "o", coordination_cost="day_cost=lots")


def test_the_stop_is_reported_against_the_money(tmp_path):
    system = build(tmp_path / "s", through("ED", "DN", "HOSP"),
                   {"shift": {"from": ["ED"], "to": ["DN"], "fraction": 0.5}})
    ps = netkit.find_partners(system, "o")
    stop = " ".join(ps.to_text().split("Where one more stops paying", 1)[1].split())
    burden = ps.verdict.burden  # the ICB and three providers, two new relationships
    assert (burden.seats, len(burden.new_relationships)) == (4, 2)
    worth = ps.incentives.system_net
    assert f"In staff time: 4 seats and 2 new working relationships cost about £41,000 a year " \
           f"of staff time to run (54 days at £750 a day); the opportunity is worth " \
           f"{fmt_money_rounded(worth)} a year." in stop


def test_cli_coordination_cost_takes_seat_days(tmp_path):
    from click.testing import CliRunner
    from netkit.cli import cli

    build(tmp_path / "s", through("ED", "DN", "HOSP"))
    runner = CliRunner()
    result = runner.invoke(cli, ["partners", str(tmp_path / "s"), "-O", "o",
                                 "--coordination-cost", "seat_days=1,tie_days=0,day_cost=100"])
    assert result.exit_code == 0, result.output
    assert "4 seats and 2 new working relationships cost about £400 a year of staff time to " \
           "run (4 days at £100 a day)" in " ".join(result.output.split())
    bad = runner.invoke(cli, ["partners", str(tmp_path / "s"), "-O", "o",
                              "--coordination-cost", "seat_day=1"])
    assert bad.exit_code == 2
    assert "Error: coordination_cost: 'seat_day' is not a known name" in bad.output


# -- property: relationship rows never flip a core seat ------------------------------------------

@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 6), base=st.floats(0.0, 0.3), seat=st.floats(0.005, 0.2),
       tie=st.floats(0.0, 0.2), others=st.lists(st.floats(0.0, 0.3), max_size=4),
       rows=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=12),
       handoff=st.floats(0.0, 100.0))
def test_relationship_rows_never_flip_a_core_seat(n, base, seat, tie, others, rows, handoff):
    """``n`` equal candidates (same activity share, the same handoffs with the hub) and some
    others: whatever relationship rows are added among them, the equal candidates are all core
    or all not, and the core is the same set as with no rows at all."""
    equal = [f"E{i}" for i in range(n)]
    rest = [f"O{i}" for i in range(len(others))]
    ids = sorted(["HUB", *equal, *rest])
    activity = pd.Series({"HUB": 0.3, **{e: base for e in equal},
                          **{o: v for o, v in zip(rest, others)}}).reindex(ids)
    shares = pd.DataFrame({"activity": activity, "handoffs": 0.0, "brokerage": 0.0,
                           "commissioning": 0.0, "incentives": 0.0})
    pairs = pd.DataFrame({"source": ["HUB"] * n, "target": equal, "patients": [handoff] * n})
    weights = {"activity": 1, "handoffs": 1}
    cost = {"partner": seat, "new_tie": tie}
    related = [(ids[a % len(ids)], ids[b % len(ids)]) for a, b in rows]
    bare = set(select_partners(shares, pairs, [], weights, cost).core)
    with_rows = set(select_partners(shares, pairs, related, weights, cost).core)
    assert with_rows == bare
    assert len(set(equal) & with_rows) in (0, n)
