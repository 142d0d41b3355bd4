"""Profiles, comparison and structural roles: tiny's profile by hand, a system against itself,
a relabelled copy, determinism, and the compare and roles commands."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import compared, sample_system
from netkit.cli import cli

import netkit
from netkit.errors import OpportunityError
from netkit.transfer.mapping import transferred_opportunity
from netkit.transfer.profiles import FEATURES

TINY, RIVERSIDE, METRO, SHIRE = (sample_system(n)
                                 for n in ("tiny", "riverside", "metro", "shire"))


def relabelled(system, tag="~copy"):
    """The same system with every organisation and service id and name changed."""
    t = system.tables()
    org = lambda v: v + tag if isinstance(v, str) else v  # noqa: E731
    svc = lambda v: v + tag if isinstance(v, str) and v != "@home" else v  # noqa: E731
    t["organisations"] = t["organisations"].assign(
        id=t["organisations"]["id"].map(org), name=t["organisations"]["name"] + " (twin)",
        parent=t["organisations"]["parent"].map(org))
    t["services"] = t["services"].assign(id=t["services"]["id"].map(svc),
                                         provider=t["services"]["provider"].map(org))
    t["flows"] = t["flows"].assign(source=t["flows"]["source"].map(svc),
                                   target=t["flows"]["target"].map(svc))
    t["relationships"] = t["relationships"].assign(
        source=t["relationships"]["source"].map(org), target=t["relationships"]["target"].map(org))
    t["places"] = t["places"].assign(commissioner=t["places"]["commissioner"].map(org),
                                     council=t["places"]["council"].map(org))
    opportunities = [o.with_options(include=tuple(org(i) for i in o.include), shift=None)
                     for o in system.opportunities.values()]
    return netkit.System(t, {**system.meta, "name": system.name + " twin"}, opportunities)


def test_profile_of_tiny_by_hand():
    p = netkit.profile(TINY).features
    # Contacts a year: GP1 1,300, ACUTE 820, AMB 500, COMM 320, COUNCIL 150, CARE 50 (3,140).
    shares = np.array([1300, 820, 500, 320, 150, 50]) / 3140
    assert p["activity_concentration"] == pytest.approx((shares ** 2).sum())
    assert p["largest_provider_share"] == pytest.approx(1300 / 3140)
    assert p["providers_for_80pct"] == 3  # 41% + 26% + 16% = 83%
    # Moves between services: 1,340 a year, of which ED → WARD (300) stays inside ACUTE.
    assert p["cross_organisation_share"] == pytest.approx(1040 / 1340)
    assert p["handoffs_per_patient"] == pytest.approx(1040 / 1800)  # 1,500 + 300 enter
    # Population 100,000: six providers, one acute trust, one care home per 100,000.
    assert (p["providers_per_100k"], p["acute_trusts_per_100k"], p["care_homes_per_100k"]) \
        == (6.0, 1.0, 1.0)
    assert p["patients_entering_per_100k"] == 1800.0
    # Acute: ED 500 + WARD 320; social care: REABLE 150 + CH 50; community: GPS 1,300 + UCR 320.
    assert p["acute_share"] == pytest.approx(820 / 3140)
    assert p["social_care_share"] == pytest.approx(200 / 3140)
    assert p["community_share"] == pytest.approx(1620 / 3140)
    assert p["relationship_density"] == pytest.approx(7 / 28)  # 7 ties among 8 organisations
    assert p["paid_by_activity_share"] == pytest.approx(2.0 / 4.1)  # £2.0m of £4.1m
    assert p["vcse_share"] == 0.0
    assert set(p.index) == set(FEATURES)


def test_an_aligned_payment_contract_counts_at_its_variable_share():
    # review finding 20: ACUTE's £2.0m contract as api with 50% variable is £1.0m by activity
    # (before, only payment == "activity" counted, so an api contract counted as block: 0)
    t = TINY.tables()
    rels = t["relationships"].copy()
    rels["payment"] = rels["payment"].astype(object)
    rels.loc[rels["target"] == "ACUTE", "payment"] = "api"
    rels["variable_share"] = np.where(rels["target"] == "ACUTE", 0.5, np.nan)
    t["relationships"] = rels
    p = netkit.profile(netkit.System(t, TINY.meta, [])).features
    assert p["paid_by_activity_share"] == pytest.approx(1.0 / 4.1)  # £1.0m of £4.1m


def test_profile_of_an_opportunity_scope():
    p = netkit.profile(TINY, "frailty").features
    # Frailty only: contacts 2,720; PCN1 (through GP1) 1,000 of them.
    assert p["largest_provider_share"] == pytest.approx(1000 / 2720)
    assert p["patients_entering_per_100k"] == 1500.0


def test_a_system_compared_with_itself_differs_in_nothing():
    same = compared("riverside", "riverside", "frailty-admissions")
    assert (same.differences["z"].dropna() == 0).all()
    assert same.risks == []
    rows = same.counterparts
    assert (rows["source_id"] == rows["counterpart_id"]).all() and len(rows) == 8
    assert "none: the systems look alike" in same.to_text()


def test_role_map_onto_a_relabelled_copy_finds_every_twin():
    twin = relabelled(RIVERSIDE)
    comparison = netkit.compare(RIVERSIDE, twin, "frailty-admissions")
    rows = comparison.counterparts
    seats = rows["source_id"].str.contains(":")  # a place's seat keeps its id
    assert (rows.loc[~seats, "counterpart_id"] == rows.loc[~seats, "source_id"] + "~copy").all()
    assert (rows.loc[seats, "counterpart_id"] == rows.loc[seats, "source_id"]).all()
    assert comparison.risks == []


def test_roles_are_deterministic_with_a_seed():
    a = netkit.fit_roles([RIVERSIDE, METRO], "frailty-admissions", seed=3)
    b = netkit.fit_roles([RIVERSIDE, METRO], "frailty-admissions", seed=3)
    assert a.organisations_.equals(b.organisations_) and a.silhouette_ == b.silhouette_
    assert a.n_roles_ == max(a.silhouette_, key=a.silhouette_.get)
    assert "commissioner" in set(a.organisations_["role"])
    icbs = a.organisations_.loc[a.organisations_["type"] == "icb", "role"]
    assert set(icbs) == {"commissioner"}


def test_metro_differs_where_it_was_made_to():
    c = compared("riverside", "metro", "frailty-admissions")
    top = c.differences.head(6)["feature"].tolist()
    # against the generated ICSs, the shares that differ most; per-head counts of a few
    # organisations are read as counts
    assert {"acute_trusts_per_100k", "largest_provider_share"} <= set(top)
    assert "the target has more acute trusts (3 in scope against 1): the emergency work is " \
           "shared, so the hospital side needs several trusts at the table" in c.risks
    z = c.differences["z"].abs().dropna().tolist()
    assert z == sorted(z, reverse=True)


def test_similar_finds_the_twin_first():
    twin = relabelled(RIVERSIDE)
    nearest = netkit.similar(RIVERSIDE, [SHIRE, METRO, twin], k=2)
    assert nearest["system"].tolist()[0] == twin.name
    assert nearest["distance"].tolist()[0] == 0.0


def test_opportunity_needs_the_same_tags_in_the_target():
    assert transferred_opportunity(RIVERSIDE, METRO, "frailty-admissions").pathways == \
        ("tag:frailty",)
    untagged = netkit.System({**TINY.tables(), "pathways": TINY.pathways.drop(columns="tags")},
                             TINY.meta, list(TINY.opportunities.values()))
    with pytest.raises(OpportunityError, match=r"selects pathways tag:frailty, and Tiny Vale "
                                               r"has none of them"):
        netkit.compare(RIVERSIDE, untagged, "frailty-admissions")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_compare_command_json_and_html():
    result = run("compare", netkit.sample_path("riverside"), netkit.sample_path("metro"),
                 "-O", "frailty-admissions", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"differences", "risks", "counterparts"}
    assert set(data["differences"][0]) >= {"feature", "source", "target", "z"}
    html = run("compare", netkit.sample_path("riverside"), netkit.sample_path("shire"),
               "-O", "frailty-admissions", "-f", "html").stdout
    assert "<svg" in html and "Content-Security-Policy" in html
    assert not re.search(r"\bsrc\s*=", html)
    # The chart's SVG refers only to its own parts.
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))


def test_roles_command_and_bad_input():
    result = run("roles", netkit.sample_path("tiny"), "--roles", "2", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("system,id,name,type,activity_share")
    bad = run("compare", netkit.sample_path("riverside"), netkit.sample_path("metro"),
              "-O", "nope")
    assert bad.exit_code == 1
    assert "no opportunity 'nope'" in bad.stderr
