"""The proportionality verdict: internal, bilateral, partnership, a contract variation, worked
by hand on tiny systems built here, with its thresholds tested at their edges."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

import netkit
from netkit.errors import OptionError
from netkit.partners.burden import Burden
from netkit.partners.criteria import compute_criteria
from netkit.partners.scope import find_scope
from netkit.partners.verdict import THRESHOLDS, parse_thresholds, proportionality

ORGS = [("ICB", "Vale ICB", "icb", ""), ("TRUST", "Vale Hospital", "acute_trust", "A"),
        ("COMM", "Vale Community", "community_trust", "A"),
        ("THIRD", "Vale Hospice", "hospice", "A"), ("LA", "Vale Council", "local_authority", "A"),
        ("PCN", "Vale PCN", "pcn", "A")]
SERVICES = [("ED", "TRUST", "urgent_emergency", 100, 100), ("WARD", "TRUST", "acute_inpatient",
                                                            1000, 1000),
            ("DN", "COMM", "community", 75, 75), ("HOSP", "THIRD", "other", 50, 50),
            ("GPS", "PCN", "primary_care", 30, 30), ("CARE", "LA", "social_care", 60, 60)]


def build(folder: Path, flows, opportunity: dict | None = None, relationships=(),
          services=SERVICES, orgs=ORGS, finance: dict | None = None, capacity=None,
          places=None):
    """A system in ``folder``: the organisations and services above, the flows given as
    ``(source, target, patients)`` on pathway ``p``, the ICB commissioning every provider
    by activity, and one opportunity ``o`` on ``p`` (with the fields given); ``places`` as
    ``(place, name, council)``."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"id": i, "name": n, "type": t, "sector": "nhs", "place": p, "parent": "",
                   "budget": ""} for i, n, t, p in orgs]).to_csv(folder / "organisations.csv",
                                                                  index=False)
    capacity = capacity or {}
    pd.DataFrame([{"id": s, "name": s, "provider": o, "category": c, "place": "",
                   "capacity": capacity.get(s, ""), "unit_cost": u, "price": p}
                  for s, o, c, u, p in services]).to_csv(folder / "services.csv", index=False)
    pd.DataFrame([{"id": "p", "name": "Pathway", "cohort": "", "tags": ""}]).to_csv(
        folder / "pathways.csv", index=False)
    pd.DataFrame([{"pathway": "p", "source": a, "target": b, "patients": n}
                  for a, b, n in flows]).to_csv(folder / "flows.csv", index=False)
    providers = sorted({o for _, o, *_ in services})
    rels = [{"source": "ICB", "target": o, "type": "commissions", "value": 100000,
             "payment": "activity", "strength": 0.5} for o in providers]
    rels += [{"source": a, "target": b, "type": "partnership", "value": "", "payment": "",
              "strength": 0.5} for a, b in relationships]
    pd.DataFrame(rels).to_csv(folder / "relationships.csv", index=False)
    if places:
        pd.DataFrame([{"place": p, "name": n, "council": c} for p, n, c in places]).to_csv(
            folder / "places.csv", index=False)
    meta = {"name": "Vale", "snapshot": "2026-04-01"}
    if finance:
        meta["finance"] = finance
    (folder / "system.yaml").write_text(yaml.safe_dump(meta))
    opp = {"id": "o", "title": "An opportunity", "pathways": ["p"], **(opportunity or {})}
    (folder / "opportunities.yaml").write_text(yaml.safe_dump([opp]))
    return netkit.load_system(folder)


def through(*services, patients=100):
    """Flows taking ``patients`` from home through the services in turn and home again."""
    ends = ["@home", *services, "@home"]
    return [(a, b, patients) for a, b in zip(ends, ends[1:])]


# -- the three kinds, by hand ------------------------------------------------------------------

def test_a_pathway_wholly_inside_one_trust_is_internal_with_the_trust_first(tmp_path):
    system = build(tmp_path / "s", through("ED", "WARD"))
    v = netkit.find_partners(system, "o").verdict
    assert v.kind == "internal"
    assert v.lead == "TRUST" and v.parties == ["TRUST"]
    assert v.contained["internal"] == {"activity": 1.0, "transfers": 1.0}
    assert v.reason == ("an internal improvement for Vale Hospital (TRUST): it delivers 100% of "
                        "the contacts and 100% of the patients' moves between services stay inside "
                        "it; no contract changes, so Vale ICB (ICB) needs only to be kept informed")
    assert v.at_stake is None


def test_an_internal_shift_needs_the_commissioner_only_to_vary_the_contract(tmp_path):
    system = build(tmp_path / "s", through("ED", "WARD"),
                   {"shift": {"from": ["WARD"], "to": ["ED"], "fraction": 0.5}})
    ps = netkit.find_partners(system, "o")
    assert ps.verdict.kind == "internal"
    assert ps.verdict.parties == ["TRUST", "ICB"]
    assert ps.verdict.reason.endswith("; Vale ICB (ICB) is needed only to vary the contract")
    central = ps.incentives.system_net
    assert ps.verdict.at_stake["central"] == central


def test_two_providers_at_one_boundary_are_bilateral(tmp_path):
    # ED 100 contacts and DN 100: half each; the one transfer of care (ED -> DN) is between them
    system = build(tmp_path / "s", through("ED", "DN"))
    v = netkit.find_partners(system, "o").verdict
    assert v.kind == "bilateral"
    assert v.parties == ["COMM", "TRUST"]  # equal contacts: by id
    assert v.contained["internal"] == {"activity": 0.5, "transfers": 0.0}
    assert v.contained["bilateral"] == {"activity": 1.0, "transfers": 1.0}
    assert v.reason.startswith("a bilateral improvement between Vale Community (COMM) and Vale "
                               "Hospital (TRUST): together they deliver 100% of the contacts and "
                               "100% of the patients' moves between services stay between them")


def test_work_spread_over_three_is_a_partnership(tmp_path):
    system = build(tmp_path / "s", through("ED", "DN", "HOSP"))
    ps = netkit.find_partners(system, "o")
    v = ps.verdict
    assert v.kind == "partnership"
    assert v.parties == ps.core
    # each delivers a third; the two transfers of care are ED -> DN and DN -> HOSP: the largest
    # two by id (COMM, THIRD) hold one of them
    assert v.contained["bilateral"]["activity"] == pytest.approx(2 / 3)
    assert v.contained["bilateral"]["transfers"] == pytest.approx(0.5)
    # the bar a pair would have to reach is said, so that a large share read beside "no pair"
    # (the largest two's contacts) is not taken for a contradiction
    assert v.reason.startswith(f"a partnership of {len(ps.core)} seats: no one organisation or "
                               "pair holds 90% of both the contacts and the patients' moves "
                               "between services (the largest, Vale Community (COMM), "
                               "delivers 33% of the contacts; the largest two deliver 67% of "
                               "the contacts, and 50% of the patients' moves between services "
                               "stay within those two)")


def test_a_partnership_names_each_bar_where_they_differ(tmp_path):
    system = build(tmp_path / "s", through("ED", "DN", "HOSP"))
    v = netkit.find_partners(system, "o", verdict={"internal": 0.95, "bilateral": 0.8}).verdict
    assert v.kind == "partnership"
    assert ("no one organisation holds 95% and no pair 80% of both the contacts and the "
            "patients' moves between services (the largest") in v.reason


# -- thresholds at their edges -----------------------------------------------------------------

def _ninety_ten(tmp_path):
    # ED 900 contacts, DN 100 (no transfers between services): TRUST holds exactly 90%
    return build(tmp_path / "s", through("ED", patients=900) + through("DN", patients=100))


def test_exactly_at_the_internal_threshold_is_internal(tmp_path):
    system = _ninety_ten(tmp_path)
    assert netkit.find_partners(system, "o").verdict.kind == "internal"
    above = netkit.find_partners(system, "o", verdict="internal=0.9001").verdict
    assert above.kind == "bilateral"
    assert above.thresholds == {"internal": 0.9001, "bilateral": 0.9, "money": 1.0}


def test_exactly_at_the_bilateral_threshold_is_bilateral(tmp_path):
    system = build(tmp_path / "s", through("ED", patients=600) + through("DN", patients=300)
                   + through("HOSP", patients=100))
    assert netkit.find_partners(system, "o").verdict.kind == "bilateral"
    assert netkit.find_partners(system, "o", verdict={"bilateral": 0.9001}).verdict.kind == \
        "partnership"
    assert netkit.find_partners(system, "o", verdict="internal=0.6").verdict.kind == "internal"


def test_thresholds_are_checked():
    assert parse_thresholds(None) == THRESHOLDS == {"internal": 0.9, "bilateral": 0.9,
                                                    "money": 1.0}
    with pytest.raises(OptionError, match=r"verdict: 'interal' is not a known name.*internal"):
        parse_thresholds("interal=0.9")
    with pytest.raises(OptionError, match=r"verdict: bilateral=x is not a number"):
        parse_thresholds("bilateral=x")
    assert parse_thresholds("money=3")["money"] == 3.0


# -- money and benefits (issue 17 item 10) -------------------------------------------------------

@pytest.fixture()
def spread(tmp_path):
    system = build(tmp_path / "s", through("ED", "DN", "HOSP"))
    scope = find_scope(system, system.opportunity("o"))
    return system, scope, compute_criteria(system, scope)


def _judge(spread, benefits, net, money=1.0, low=None, high=None):
    system, scope, crit = spread
    opp = system.opportunity("o").__class__("o", pathways=("p",), benefits=benefits)
    inc = SimpleNamespace(system_net=net, organisations=pd.DataFrame(
        {"id": ["ICB"], "spend_change": [-net]}))
    if low is not None:
        inc.system_net_low, inc.system_net_high = low, high
    burden = Burden(3, [])  # 3 seats × 12 days × £750 = £27,000 a year
    return proportionality(scope, crit, inc, opp, ["COMM", "THIRD", "TRUST"], burden,
                           system.organisation_names(), {"money": money})


def test_small_technical_efficiency_money_is_a_contract_variation(spread):
    v = _judge(spread, ("technical_efficiency",), 6_600)
    assert (v.kind, v.contract_variation, v.lead) == ("bilateral", True, "COMM")
    assert v.parties == ["COMM", "ICB"]
    assert v.reason == ("a contract variation, not a partnership: a technical-efficiency "
                        "opportunity worth £6,600 a year against about £27,000 a year to run 3 "
                        "seats; Vale Community (COMM) and Vale ICB (ICB) can agree it")


def test_money_threshold_edge(spread):
    assert _judge(spread, ("technical_efficiency",), 26_999.99).kind == "bilateral"
    assert _judge(spread, ("technical_efficiency",), 27_000).kind == "partnership"
    assert _judge(spread, ("technical_efficiency",), 50_000, money=2).kind == "bilateral"
    assert _judge(spread, ("technical_efficiency",), 6_600, money=0).kind == "partnership"


def test_quality_or_outcomes_keep_a_partnership_and_say_the_case_rests_on_them(spread):
    v = _judge(spread, ("technical_efficiency", "quality"), 6_600)
    assert v.kind == "partnership" and not v.contract_variation
    assert v.reason.endswith("; the money (£6,600 a year) does not cover the coordination "
                             "(about £27,000 a year), so the case rests on quality")
    loses = _judge(spread, ("outcomes",), -148_659)
    assert loses.reason.endswith("; the system loses £150,000 a year under the shift, besides "
                                 "the coordination (about £27,000 a year), so the case rests "
                                 "on outcomes")
    assert _judge(spread, ("outcomes",), 1e6).reason.endswith(", for outcomes")


def test_money_at_stake_has_its_range_where_the_money_side_gives_one(spread):
    v = _judge(spread, ("quality",), 10_000, low=2_000, high=15_000)
    assert v.at_stake == {"low": 2_000.0, "central": 10_000.0, "high": 15_000.0}
    assert _judge(spread, ("quality",), 10_000).at_stake == {"low": 10_000.0,
                                                             "central": 10_000.0,
                                                             "high": 10_000.0}


# -- in the reports ------------------------------------------------------------------------------

def test_the_verdict_is_the_first_thing_every_report_says(tmp_path):
    system = build(tmp_path / "s", through("ED", "WARD"))
    ps = netkit.find_partners(system, "o")
    text = ps.to_text().splitlines()
    assert text[2].startswith("Verdict: internal. An internal improvement for Vale Hospital")
    assert max(len(line) for line in text) <= 110
    markdown = ps.to_markdown().splitlines()
    assert markdown[2] == "## Verdict: internal"
    assert markdown[4].startswith("An internal improvement for Vale Hospital (TRUST)")
    assert "<h2>Verdict: internal</h2>" in ps.to_html()
    data = ps.to_dict()["verdict"]
    assert (data["kind"], data["lead"]) == ("internal", "TRUST")
    assert set(data) >= {"kind", "lead", "reason", "at_stake", "burden"}
    assert data["burden"]["seats"] == len(ps.core)


def test_cli_verdict_option(tmp_path):
    from click.testing import CliRunner
    from netkit.cli import cli

    build(tmp_path / "s", through("ED", patients=900) + through("DN", patients=100))
    runner = CliRunner()
    result = runner.invoke(cli, ["partners", str(tmp_path / "s"), "-O", "o", "--verdict",
                                 "internal=0.95"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].startswith("Verdict: bilateral.")
    bad = runner.invoke(cli, ["partners", str(tmp_path / "s"), "-O", "o", "--verdict",
                              "internal=1.5"])
    assert bad.exit_code == 2
    assert "Error: verdict: internal=1.5 is out of range (expected a share from 0 to 1)" in \
        bad.output
    assert "Traceback" not in bad.output


def test_the_money_at_stake_says_what_its_range_is_over():
    # a reviewer: the headline's range read as the range of outcomes, while the money section
    # says it varies unit costs only. Riverside's frailty shift gives no shift.range; with one
    # (0.15 to 0.25 around its 0.2), the range is over both
    import dataclasses

    system = netkit.load_system(netkit.sample_path("riverside"))
    words = " ".join(netkit.find_partners(system, "frailty-admissions").to_text().split())
    assert ("Money at stake: the system gains £1.6m to £1.9m a year (central £1.7m; 90% range "
            "over unit costs only, not whether the shift happens).") in words
    opp = system.opportunity("frailty-admissions")
    ranged = dataclasses.replace(opp, shift=dataclasses.replace(opp.shift, range=(0.15, 0.25)))
    words = " ".join(netkit.find_partners(system, ranged).to_text().split())
    assert "90% range over the shift's stated range and unit costs)." in words


def test_a_seat_of_many_is_named_in_the_verdict_not_by_its_id():
    # a reviewer: shire's diabetes verdict read "the largest, primary_care:North, delivers 53%"
    v = netkit.find_partners(netkit.load_system(netkit.sample_path("shire")),
                             "diabetes-community").verdict
    assert v.lead == "primary_care:North"  # the JSON keeps the id
    assert "(the largest, primary care in Castleford, delivers 53% of the contacts;" in v.reason
    assert "primary_care:" not in v.reason
