"""The engagement pack (issue 20 item 5): workstreams and the RACI worked out by hand on tiny, the
plan's cadences, the stakeholder map against the tiers, the board summary's asks from the
verdict, seats, risk share and investment where the partner result carries them and "not
computed" where it does not, every sample in every format, and a hostile name escaped."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from conftest import sample_system, set_cell
from hypothesis import given, settings
from hypothesis import strategies as st

import netkit
from netkit.errors import OptionError

TINY = sample_system("tiny")
ENGINE = netkit.find_partners(TINY, "frailty")

#: The fields a partner result gains as other work lands; `Landed` hides them unless a test
#: gives them, so these tests hold whichever of them this netkit has.
NEWER = {"verdict", "warnings", "risk_share"}


class Landed:
    """A partner result as a test sets it up: the real result's scope, opportunity and
    provenance, with the tables and the newer fields the test gives."""

    def __init__(self, ps, **extra):
        self._ps = ps
        self.__dict__.update(extra)

    def __getattr__(self, name):
        if name in NEWER:
            raise AttributeError(name)
        return getattr(self._ps, name)


class Money:
    """Incentives as version 1 of the method gives them (no ranges, no proposal)."""

    def __init__(self, system_net, organisations, transfers):
        self.system_net, self.organisations, self.transfers = system_net, organisations, transfers


# tiny's frailty, fixed by hand: the ICB pays for the shift from ED (Vale Hospital) to urgent
# community response (Vale Community Health); the care home is the only partner not at the table.
SCORES = {"ACUTE": 0.30, "ICB": 0.25, "COMM": 0.15, "PCN1": 0.12, "AMB": 0.10, "COUNCIL": 0.05,
          "CARE": 0.02}
_rows = ENGINE.partners[ENGINE.partners["id"].isin(list(SCORES))]
PARTNERS = _rows.assign(
    tier=["inform" if i == "CARE" else "core" for i in _rows["id"]],
    score=_rows["id"].map(SCORES),
    mendelow=[{"ACUTE": "manage closely", "ICB": "manage closely", "CARE": "monitor"}.get(
        i, "keep informed") for i in _rows["id"]],
    grid_note="").sort_values("score", ascending=False, kind="mergesort").reset_index(drop=True)
MONEY = Money(10000.0, pd.DataFrame({"id": ["ACUTE", "COMM", "ICB"],
                                     "spend_change": [0.0, 0.0, -30000.0],
                                     "net": [-3333.0, -16667.0, 30000.0]}),
              pd.DataFrame({"payer": ["ICB", "ACUTE"], "payee": ["COMM", "COMM"],
                            "amount": [16667.0, 3333.0]}))
TINY_PS = Landed(ENGINE, partners=PARTNERS, incentives=MONEY)


class Share:
    """A designer's proposal as `netkit.finance.risk_share.ShareDesign` gives it."""

    def __init__(self, rows, investment=None):
        self.rows, self.investment = rows, investment

    def records(self):
        return list(self.rows)


class Warning_:
    def __init__(self, message):
        self.message = message


def landed(**extra):
    return Landed(ENGINE, **{"partners": PARTNERS, "incentives": MONEY, **extra})


def pack_of(ps=TINY_PS, **options):
    return netkit.engagement_pack(TINY, "frailty", partner_set=ps, **options)


# -- the RACI ------------------------------------------------------------------------------------
def test_tiny_workstreams_follow_the_shift_from_ed_to_urgent_community_response():
    # tiny's frailty shifts 20% from ED (Vale Hospital, ACUTE) to UCR (Vale Community Health,
    # COMM); the ICB commissions both (relationships.csv rows 2 and 3).
    raci = pack_of().raci.set_index("workstream")
    assert raci.index.tolist() == ["Expand Urgent community response",
                                   "Reduce demand at Emergency department",
                                   "Contracts and money", "Data and evaluation"]
    assert raci["responsible_ids"].tolist() == [["COMM"], ["ACUTE"], ["ICB"], ["COMM", "ACUTE"]]
    assert raci.loc["Expand Urgent community response", "sources"] == "services.csv row 4"
    assert raci.loc["Reduce demand at Emergency department", "sources"] == "services.csv row 2"
    assert raci.loc["Contracts and money", "sources"] == "relationships.csv rows 2–3"


def test_each_workstream_has_its_own_accountable_body_and_the_board_appoints_the_sro():
    # review finding 5: the acute trust was "accountable for every workstream", contracts and
    # money included. Now: a service's provider; the ICB for contracts and money; the SRO (whom
    # the board appoints) for data and evaluation. The pack only recommends an SRO: the core ICB
    # (it holds the contracts), though Vale Hospital scores higher (0.30 against 0.25).
    pack = pack_of()
    assert pack.raci["accountable"].tolist() == [
        "Vale Community Health (COMM)", "Vale Hospital (ACUTE)", "Tiny Vale ICB (ICB)",
        "the senior responsible owner (the board appoints)"]
    assert pack.raci["accountable_ids"].tolist() == [["COMM"], ["ACUTE"], ["ICB"], []]
    # consulted: the core less the row's responsible and accountable bodies
    assert pack.raci["consulted_ids"].tolist() == [
        ["ACUTE", "ICB", "PCN1", "AMB", "COUNCIL"], ["ICB", "COMM", "PCN1", "AMB", "COUNCIL"],
        ["ACUTE", "COMM", "PCN1", "AMB", "COUNCIL"], ["ICB", "PCN1", "AMB", "COUNCIL"]]
    assert pack.lead == "ICB"
    assert pack.lead_reason == "the commissioner that holds the contracts the shift changes"
    assert pack.asks[0] == (
        "1. Agree that 'Fewer emergency admissions of frail older people' proceeds as a "
        "partnership, and appoint its senior responsible owner; the pack recommends Tiny Vale "
        "ICB (the commissioner that holds the contracts the shift changes).")
    markdown = pack.to_markdown()
    assert "accountable for every workstream" not in markdown
    assert ("The board appoints the senior responsible owner; the pack recommends Tiny Vale ICB "
            "(ICB): the commissioner that holds the contracts the shift changes.") in markdown
    partners = PARTNERS.assign(type=PARTNERS["type"].replace("icb", "other"))
    assert pack_of(landed(partners=partners)).lead == "ACUTE"  # no ICB: top statutory body
    partners = PARTNERS.assign(type=PARTNERS["type"].replace({"icb": "other",
                                                              "acute_trust": "care_home"}))
    assert pack_of(landed(partners=partners)).lead == "COMM"


def test_councils_answer_for_social_care_and_their_share_of_contracts_and_money():
    # a home care firm (HOME) commissioned by a council (LA); a council-run reablement service;
    # the ICB and the council both commission: contracts and money names both, the council's
    # part through the section 75 agreement or the Better Care Fund.
    from netkit.engagement.raci import raci, workstreams

    services = pd.DataFrame({"id": ["HC", "REA", "ED"], "name": ["Home care", "Reablement", "A&E"],
                             "partner": ["HOME", "LA", "ACUTE"], "side": ["to", "to", "from"],
                             "activity": [10.0, 0.0, 90.0],
                             "category": ["social_care", "social_care", "urgent_emergency"]})
    types = {"HOME": "social_care_provider", "LA": "local_authority", "ACUTE": "acute_trust",
             "ICB": "icb"}
    streams = workstreams(services, ["ICB", "LA"], "ICB", types,
                          {"HOME": ["LA"], "ACUTE": ["ICB"]})
    assert streams["accountable"].tolist() == [["LA"], ["LA"], ["ACUTE"], ["ICB", "LA"], []]
    partners = pd.DataFrame({"id": list(types),
                             "name": ["Home Ltd", "Vale Council", "Vale Hospital", "Vale ICB"],
                             "type": list(types.values()), "tier": "core", "score": 0.5})
    table = raci(streams, partners, "ICB", dict(zip(partners["id"], partners["name"])), {})
    assert table.loc[3, "accountable"] == (
        "Vale ICB (ICB) for NHS contracts; Vale Council (LA) for social care, through the "
        "section 75 agreement or the Better Care Fund")
    assert table.loc[0, "consulted_ids"] == ["ACUTE", "ICB"]  # not HOME (R) nor LA (A)


def test_a_bilateral_verdicts_lead_is_the_recommended_sro():
    verdict = {"kind": "bilateral", "lead": "COMM", "reason": "two organisations hold most of "
               "the contacts", "at_stake": {"low": 5000.0, "central": 10000.0, "high": 15000.0},
               "burden": {}}
    pack = pack_of(landed(verdict=verdict))
    assert pack.lead == "COMM" and pack.lead_reason.startswith("the lead the proportionality")
    assert pack.positions.empty is False
    # the recommendation changes no row's accountable body
    assert pack.raci["accountable_ids"].tolist() == [["COMM"], ["ACUTE"], ["ICB"], []]
    markdown = pack.to_markdown()
    assert "Verdict: bilateral. Two organisations hold most of the contacts." in markdown
    assert ("The system gains £10,000 a year (range £5,000 to £15,000, over unit costs only, not "
            "whether the shift happens).") in markdown
    assert pack.asks[0].startswith("1. Agree that 'Fewer emergency admissions of frail older "
                                   "people' proceeds as a bilateral agreement, and appoint its "
                                   "senior responsible owner; the pack recommends Vale "
                                   "Community Health")


def test_money_ranges_show_where_the_result_carries_them():
    # Finding 23: money for people is rounded to two significant figures (-£16,667 is
    # -£17,000; a range end of £25,480 is £25,000); the JSON keeps the exact figures
    money = Money(10000.0, MONEY.organisations.assign(net_low=[-5012.0, -20345.0, 25480.0],
                                                      net_high=[-1049.0, -12120.0, 36490.0]),
                  MONEY.transfers)
    money.system_net_low, money.system_net_high = 4000.0, 16000.0
    pack = pack_of(landed(incentives=money))
    assert board_money(pack) == ("The system gains £10,000 a year (range £4,000 to £16,000, "
                                 "over unit costs only, not whether the shift happens).")
    assert pack.positions.values.tolist() == [
        ["Vale Hospital (ACUTE)", "-£3,300", "-£5,000 to -£1,000"],
        ["Vale Community Health (COMM)", "-£17,000", "-£20,000 to -£12,000"],
        ["Tiny Vale ICB (ICB)", "£30,000", "£25,000 to £36,000"]]


def board_money(pack):
    from netkit.engagement.board import money_words

    return money_words(pack.money)


def test_informed_are_the_involve_and_inform_tiers_counted_and_the_top_named():
    pack = pack_of()
    assert pack.raci["informed"].iloc[0] == "1 (involve 0, inform 1; top: Smith & Sons <Care> " \
                                            "Ltd (CARE))"
    assert pack.informed == ("Informed in every workstream: 1 organisation (involve 0, inform "
                             "1); the top 1 by score: Smith & Sons <Care> Ltd (CARE).")


# -- the plan and the map ------------------------------------------------------------------------
def test_plan_states_default_cadences_and_takes_overrides():
    plan = pack_of().plan
    assert plan[["tier", "engagement", "cadence"]].values.tolist() == [
        ["core", "programme board", "monthly"], ["core", "working group", "fortnightly"],
        ["involve", "briefing and consultation", "quarterly"],
        ["inform", "updates", "at milestones"]]
    assert plan["who"].tolist()[2:] == ["none", "1: Smith & Sons <Care> Ltd"]
    changed = pack_of(cadence={"board": "six-weekly"})
    assert changed.plan["cadence"].iloc[0] == "six-weekly"
    assert "a six-weekly programme board" in changed.asks[1]
    with pytest.raises(OptionError, match="cadence: 'bored' is not an engagement"):
        pack_of(cadence={"bored": "weekly"})


def test_stakeholder_map_says_why_for_every_partner():
    # review finding 16: the map's why was empty wherever the grid agreed with the tier; it now
    # carries the partner result's grid_why (tiny's frailty: the community trust provides UCR,
    # the shift's 'to' service)
    table = pack_of(landed(partners=ENGINE.partners)).stakeholders.set_index("id")
    assert (table["why"] != "").all()
    assert table.loc["COMM", "why"] == "delivers the shift (provides a 'from' or 'to' service)"
    assert table.loc["COMM", "grid"] == "manage closely"


def test_stakeholder_map_carries_the_grid_note_and_explains_a_disagreement():
    # a result without grid_why: the grid note, or a fallback where grid and tier differ
    partners = PARTNERS.drop(columns="grid_why").copy()
    partners.loc[partners["id"] == "COMM", "grid_note"] = "low power, but it runs the service"
    partners.loc[partners["id"] == "AMB", "mendelow"] = "monitor"  # core but monitor: disagree
    table = pack_of(landed(partners=partners)).stakeholders.set_index("id")
    assert table.loc["COMM", "why"] == "low power, but it runs the service"
    assert table.loc["AMB", "why"].startswith("the tier weighs the whole evidence")
    assert table.loc["ICB", "why"] == ""  # core and manage closely: they agree


# -- the board summary ---------------------------------------------------------------------------
def test_without_the_newer_fields_the_pack_says_not_computed():
    pack = pack_of()
    markdown = pack.to_markdown()
    assert "Verdict: not computed" in markdown
    assert "range not computed" in markdown
    assert "*Data coverage: not computed by this netkit*" in markdown
    assert "The risk-and-gain-share proposal is not computed by this netkit." in markdown
    assert 3 <= len(pack.asks) <= 5


def test_asks_follow_the_seats_the_risk_share_and_the_investment():
    partners = PARTNERS.assign(kind="organisation", members=[[i] for i in PARTNERS["id"]])
    seats = partners["id"].isin(["PCN1", "CARE"])  # CARE: a seat in the inform tier
    partners.loc[seats, "kind"] = "seat"
    partners.loc[seats, "members"] = pd.Series([["GP1", "GP2"], ["H1", "H2", "H3"]],
                                               index=partners.index[seats])
    share = Share([{"payer": "ICB", "payee": "COMM", "amount": 16000.0, "rule": "keep whole"},
                   {"payer": "ACUTE", "payee": "COMM", "amount": 4000.0, "rule": "gain share"}],
                  investment={"amount": 20000.0, "funded_by": [{"id": "ICB", "amount": 20000.0}],
                              "buys": {"patients": 100}})
    pack = pack_of(landed(partners=partners, risk_share=share,
                          warnings=(Warning_("no GP practice data for South"),)))
    assert pack.asks == [
        "1. Agree that 'Fewer emergency admissions of frail older people' proceeds as a "
        "partnership, and appoint its senior responsible owner; the pack recommends Tiny Vale "
        "ICB (the commissioner that holds the contracts the shift changes).",
        # review finding 6: the core exactly, by name; the inform-tier seat (CARE) not named
        "2. Agree the 6 core partners (Vale Hospital; Tiny Vale ICB; Vale Community Health; the "
        "North Vale PCN seat for 2 organisations; Vale Ambulance Service; Vale Council) and a "
        "monthly programme board with a fortnightly working group.",
        # the largest payment named, not a total a board would set against the gain
        "3. Agree in principle the risk-and-gain-share: 2 payments between the partners (the "
        "largest: Tiny Vale ICB pays Vale Community Health £16,000 a year), as set out in the "
        "risk-and-gain-share summary; they move money between organisations and do not add to "
        "the system's gain.",
        "4. Agree the investment of £20,000 a year, funded by Tiny Vale ICB.",
        "5. Agree the engagement plan and the evaluation: measures reported to the programme "
        "board and the results published at each milestone."]
    markdown = pack.to_markdown()
    assert "Tiny Vale ICB pays Vale Community Health £16,000 a year (keep whole)" in markdown
    assert "| Vale Community Health (COMM) | -£17,000 | not computed |" in markdown
    assert "Data coverage: no GP practice data for South" in markdown


def test_a_loss_a_provider_bears_itself_is_noted_not_asked_as_an_investment():
    """Riverside diabetes: the system loses £3,300 a year, all of it the acute trust's loss
    under the £10,000 collar; nobody funds an investment, so the board is not asked to agree
    one (it was: "Agree the investment of £3,300 a year")."""
    share = Share([], investment={"amount": 3300.0, "funded_by": [], "buys": {"patients": 165},
                                  "borne_by": [{"id": "ACUTE", "amount": 3300.0,
                                                "reason": "under the £10,000 collar, so no "
                                                          "payment is made to it"}]})
    pack = pack_of(landed(risk_share=share))
    # the provider's loss, not "the system's cost": the system's net differs where others gain
    assert ("4. Note that Vale Hospital bears its own loss of £3,300 a year (under the £10,000 "
            "collar, so no payment is made to it): no investment is asked of the "
            "commissioners.") in pack.asks
    assert not any("Agree the investment" in ask for ask in pack.asks)


def test_the_board_page_cites_no_rows_and_the_workbook_cites_every_partners():
    # finding (round 5): a board summary does not carry file-row citations; the workbook's
    # board sheet keeps them, one per partner line
    pack = pack_of()
    lines = pack.partner_lines
    assert len(lines) == 6
    assert not any(re.search(r"\.csv rows? \d", line) for line in lines)
    assert all(re.search(r"^organisations\.csv rows? \d", rows) for rows in pack.partner_sources)
    board = pack.to_sheets()["board"]
    assert board.loc[board["item"] == "partner", "sources"].tolist() == pack.partner_sources
    assert board.loc[board["item"] == "money", "sources"].tolist() == [
        "services.csv rows 2, 4; relationships.csv rows 2–3"]
    assert pack.money_sources == [{"file": "services.csv", "rows": [2, 4]},
                                  {"file": "relationships.csv", "rows": [2, 3]}]


# -- every sample, every format ------------------------------------------------------------------
SAMPLES = [("tiny", "frailty"), ("riverside", "frailty-admissions"),
           ("shire", "crisis-alternatives"), ("metro", "stroke-early-discharge")]


@pytest.fixture(scope="module", params=SAMPLES, ids=[s for s, _ in SAMPLES])
def sample_pack(request):
    name, opportunity = request.param
    return netkit.engagement_pack(sample_system(name), opportunity)


def test_each_sample_renders_in_every_format(sample_pack):
    pytest.importorskip("docx")
    import docx

    from netkit.render.workbook import xlsx_report

    markdown = sample_pack.to_markdown()
    assert "## Board summary" in markdown and "### What we are asking the board to agree" in \
        markdown
    page = sample_pack.to_html()
    assert "<h2>Board summary</h2>" in page and "http://" not in page and "https://" not in page
    word = docx.Document(io.BytesIO(sample_pack.to_docx()))
    texts = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("Heading 1", "Board summary") in texts
    assert [t for s, t in texts if s == "List Number"] == [
        re.sub(r"^\d+\. ", "", a) for a in sample_pack.asks]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(sample_pack.to_sheets())))
    assert book.sheetnames == ["board", "raci", "plan", "stakeholders", "risk_share",
                               "positions", "settlement"]
    assert book["raci"].max_row == len(sample_pack.raci) + 1
    assert sample_pack.to_frame().columns.tolist() == ["workstream", "responsible",
                                                       "accountable", "consulted", "informed",
                                                       "sources"]


def test_the_same_pack_gives_the_same_bytes():
    pytest.importorskip("docx")
    assert pack_of().to_docx() == pack_of().to_docx()
    assert pack_of().to_html() == pack_of().to_html()


def test_a_hostile_organisation_name_is_text_in_every_format(tiny_dir):
    pytest.importorskip("docx")
    import docx

    from netkit.render.workbook import xlsx_report

    hostile = '=HYPERLINK("http://e.example")<script>alert(1)</script> & [x](http://e)'
    set_cell(tiny_dir, "organisations", 4, "name", hostile)  # COMM, the receiving provider
    pack = netkit.engagement_pack(netkit.load_system(tiny_dir), "frailty")
    page = pack.to_html()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = pack.to_markdown()
    assert "<script>" not in markdown and "\\[x\\](http://e)" in markdown
    word = docx.Document(io.BytesIO(pack.to_docx()))
    assert any(hostile in p.text for p in word.paragraphs)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report(pack.to_sheets())))
    cells = [c for row in book["raci"].iter_rows() for c in row if c.value]
    assert cells and all(c.data_type != "f" for c in cells)
    names = [c.value for c in book["stakeholders"]["B"]]
    assert "'" + hostile in names  # neutralised: a spreadsheet shows it as text


def test_pack_is_a_value_with_dict_and_notebook_views():
    pack = pack_of()
    data = pack.to_dict()
    assert data["opportunity"] == "frailty" and data["verdict"] is None
    assert data["raci"][0]["workstream"] == "Expand Urgent community response"
    assert "<h5>Board summary</h5>" in pack._repr_html_()
    assert repr(pack).startswith("<EngagementPack 'frailty' in 'Tiny Vale': 4 workstreams")


@settings(max_examples=25, deadline=None)
@given(tiers=st.lists(st.sampled_from(["core", "involve", "inform"]), min_size=len(SCORES),
                      max_size=len(SCORES)).filter(lambda t: "core" in t))
def test_raci_roles_hold_whatever_the_tiers(tiers):
    partners = PARTNERS.assign(tier=tiers)
    pack = pack_of(landed(partners=partners))
    core = set(partners.loc[partners["tier"] == "core", "id"])
    wider = len(partners) - len(core)
    assert pack.lead in core  # tiny's core always has a statutory body or falls back to the top
    for row in pack.raci.to_dict("records"):
        accountable = set(row["accountable_ids"])
        assert len(accountable) <= 1  # tiny: one commissioner, so at most one A per row
        assert set(row["consulted_ids"]) == core - accountable - set(row["responsible_ids"])
        assert len(row["informed_ids"]) == wider
    assert 3 <= len(pack.asks) <= 5
    assert [a.split(".")[0] for a in pack.asks] == [str(i) for i in range(1, len(pack.asks) + 1)]


def test_the_range_says_what_it_covers():
    """Without shift.range the range is over unit costs only, and says so; with one, it covers
    the stated range of the shift as well."""
    from types import SimpleNamespace

    from netkit.engagement.inputs import money_of

    def covers(ranged):
        inc = SimpleNamespace(system_net=10.0, system_net_low=5.0, system_net_high=15.0,
                              shift_ranged=ranged)
        return money_of(SimpleNamespace(incentives=inc), None)["covers"]

    assert covers(False) == "over unit costs only, not whether the shift happens"
    assert covers(True) == "over the shift's stated range and unit costs"
