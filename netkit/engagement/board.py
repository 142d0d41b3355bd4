"""The one-page board summary: the verdict, the partners and the reasons their seats rest on,
the money with its range, and what the board is asked to agree, in NHS wording. The page cites
no input rows; one note says where they are (the RACI, the risk-and-gain-share, ``netkit
explain`` and the workbook's board sheet).
"""

from __future__ import annotations

from dataclasses import dataclass

from netkit.finance.investment import borne_words
from netkit.partners.frameworks import pays_words
from netkit.partners.reasons import type_name
from netkit.partners.sources import format_sources
from netkit.render.document import Heading, Lines, Note, Paragraph

__all__ = ["Asks", "money_words", "verdict_words", "partner_lines", "partner_sources",
           "seat_reasons", "asks", "board_blocks"]


#: The verdict's kinds as the asks say them.
_KINDS = {"internal": "an internal improvement", "bilateral": "a bilateral agreement",
          "partnership": "a partnership"}


@dataclass(frozen=True)
class Asks(Lines):
    """Numbered asks ("1. Agree ..."): a numbered list in Markdown and Word, lines in HTML."""

    numbered: bool = True


def _money(value: float) -> str:
    try:
        from netkit.render.formats import fmt_money_rounded as rounded
    except ImportError:  # older render helpers: exact pounds
        from netkit.render.formats import fmt_money as rounded
    return rounded(value)


def money_words(money: dict | None) -> str:
    """``The system gains £3.3m a year (range £2.1m to £4.0m).``

    Examples
    --------
    >>> money_words({"low": None, "central": -40000.0, "high": None})
    'The system loses £40,000 a year (range not computed).'
    >>> money_words({"low": None, "central": 9e5, "high": None,
    ...              "why": "no Monte Carlo draws were asked for"})
    'The system gains £900,000 a year (range not computed: no Monte Carlo draws were asked for).'
    >>> money_words({"low": 1.6e6, "central": 1.7e6, "high": 1.9e6,
    ...              "covers": "over unit costs only, not whether the shift happens"})
    'The system gains £1.7m a year (range £1.6m to £1.9m, over unit costs only, not whether the shift happens).'
    >>> money_words({"low": -5000.0, "central": -2800.0, "high": -600.0})
    'The system loses £2,800 a year (range £600 to £5,000).'
    >>> money_words({"low": -500.0, "central": -360.0, "high": 130000.0})
    'The system loses £360 a year (range from a loss of £500 to a gain of £130,000).'
    >>> money_words(None)
    'No money moves: the opportunity shifts no activity.'
    """
    if money is None:
        return "No money moves: the opportunity shifts no activity."
    central = money["central"]
    verb = "gains" if central >= 0 else "loses"
    if money.get("low") is None or money.get("high") is None:
        span = "range not computed" + (f": {money['why']}" if money.get("why") else "")
    else:
        span = _span(money["low"], money["high"], central)
        if money.get("covers"):
            span += f", {money['covers']}"
    return f"The system {verb} {_money(abs(central))} a year ({span})."


def _span(low: float, high: float, central: float) -> str:
    """The range in the headline's own terms: losses as amounts lost where the system loses,
    and a range that crosses zero as a loss to a gain (never "loses £2,800 (range -£5,000")."""
    if low < 0 < high:
        return f"range from a loss of {_money(-low)} to a gain of {_money(high)}"
    if central < 0:
        return f"range {_money(-high)} to {_money(-low)}"
    return f"range {_money(low)} to {_money(high)}"


def verdict_words(verdict: dict | None, core: int) -> str:
    """The verdict in a sentence (with the coordination burden where it carries one), or what
    stands in for it where it is not computed.

    Examples
    --------
    >>> print(verdict_words({"kind": "bilateral", "reason": "two trusts hold 90% of contacts",
    ...                      "burden": {"days": 40.0, "cost": 30000.0}}, 2))
    ... # doctest: +NORMALIZE_WHITESPACE
    Verdict: bilateral. Two trusts hold 90% of contacts. Running it takes about 40 staff days a
    year (£30,000).
    """
    if verdict is None:
        return (f"Verdict: not computed (this netkit gives no proportionality verdict). The "
                f"partner analysis puts {core:,} partner{'s' if core != 1 else ''} at the table.")
    reason = str(verdict.get("reason") or "").strip().rstrip(".")
    reason = reason[:1].upper() + reason[1:]
    line = f"Verdict: {verdict.get('kind', 'not stated')}." + (f" {reason}." if reason else "")
    burden = verdict.get("burden") or {}
    if isinstance(burden, dict) and burden.get("days") and burden.get("cost") is not None:
        line += (f" Running it takes about {burden['days']:,.0f} staff days a year "
                 f"({_money(burden['cost'])}).")
    return line


#: Reasons that say how a partner came to the table rather than what earns its seat.
_NOT_EVIDENCE = ("on the opportunity's must-include list", "included by the analyst",
                 "core in ")

#: Partner types that commission care: the board needs what each commissions.
_COMMISSIONERS = ("icb", "local_authority")


def seat_reasons(row: dict, pays: float = 0.0) -> list[str]:
    """The one or two reasons a board needs for a partner's seat, in the partner report's
    words: a council whose duties the scope touches, its duty; a commissioner, what it
    commissions; else its strongest evidence (the first reason, not the must-include list);
    then what it pays under the risk-and-gain share, or that its seat is a judgement call.

    Examples
    --------
    >>> row = {"type": "local_authority", "reasons": ["delivers 3% of the contacts in scope",
    ...        "commissions 4% of in-scope spend (£1.4m a year)",
    ...        "its Care Act duties (adult social care) are touched: it provides 9 contacts"]}
    >>> seat_reasons(row, 283000.0)  # doctest: +NORMALIZE_WHITESPACE
    ['its Care Act duties (adult social care) are touched: it provides 9 contacts',
     'pays £280,000 a year, net, under the risk-and-gain share (which needs its agreement)']
    >>> seat_reasons({"type": "icb", "reasons": ["on the opportunity's must-include list",
    ...               "commissions 93% of in-scope spend (£32m a year)"]})
    ['commissions 93% of in-scope spend (£32m a year)']
    >>> seat_reasons({"type": "acute_trust", "reasons": ["core in 46% of runs: a judgement "
    ...               "call", "delivers 36% of the contacts in scope"]})
    ['delivers 36% of the contacts in scope', 'core in 46% of runs: a judgement call']
    """
    reasons = [str(r) for r in row.get("reasons") or []]
    duty = [r for r in reasons if r.startswith(("its Care Act duties",
                                                "its Mental Health Act duties"))]
    commissions = ([r for r in reasons if r.startswith("commissions ")]
                   if row.get("type") in _COMMISSIONERS else [])
    evidence = [r for r in reasons if not r.startswith(_NOT_EVIDENCE)]
    first = (duty or commissions or evidence or reasons or ["at the table"])[0]
    call = [r for r in reasons if r.startswith("core in ") and r.endswith("a judgement call")]
    second = [pays_words(pays)] if pays > 0 else call[:1]
    return [first] + [r for r in second if r != first]


def partner_lines(partners, names: dict, payers: dict | None = None) -> list[str]:
    """One line per core partner: name, type and the reasons its seat rests on
    (`seat_reasons`; ``payers``: partner id to the £ a year it pays under the risk-and-gain
    share). No input rows: a board page does not cite them (`partner_sources` does, for the
    workbook)."""
    core = partners[partners["tier"] == "core"]
    payers = payers or {}
    return [f"{row['name']} ({type_name(row['type'])}): "
            + "; ".join(seat_reasons(row, payers.get(row["id"], 0.0)))
            for row in core.to_dict("records")]  # the core: a handful of partners


def partner_sources(partners) -> list[str]:
    """The input rows behind each core partner's figures, in `partner_lines`' order (the
    workbook's board sheet cites them; the board page does not)."""
    core = partners[partners["tier"] == "core"]
    if "sources" not in core:
        return [""] * len(core)
    return [format_sources(s) if isinstance(s, list) and s else "" for s in core["sources"]]


def asks(title: str, verdict: dict | None, lead: str | None, names: dict, core: list,
         seats, share, investment: dict | None, money: dict | None, cadence: dict,
         gain_share=None, lead_reason: str = "") -> list[str]:
    """Three to five numbered asks, derived from the verdict, the seats, the risk share (or,
    where the designer's proposal is not computed, the gain-share ``gain_share``: ``payer,
    payee, amount``) and the investment.

    Examples
    --------
    >>> import pandas as pd
    >>> share = pd.DataFrame({"payer": ["ICB"], "payee": ["COM"], "amount": [1000.0],
    ...                       "rule": ["keep whole"]})
    >>> lines = asks("Frailty", {"kind": "bilateral"}, "ICB", {"ICB": "Vale ICB"}, ["ICB", "COM"],
    ...              pd.DataFrame(columns=["name", "members"]), share, None, {"central": 5.0},
    ...              {"board": "monthly", "working_group": "fortnightly"})
    >>> print(*lines)  # doctest: +NORMALIZE_WHITESPACE
    1. Agree that 'Frailty' proceeds as a bilateral agreement, and appoint its senior responsible
       owner; the pack recommends Vale ICB.
    2. Agree the 2 core partners (Vale ICB; COM) and a monthly programme board with a
       fortnightly working group.
    3. Agree in principle the risk-and-gain-share: 1 payment between the partners (the
       largest: Vale ICB pays COM £1,000 a year), as set out in the risk-and-gain-share summary;
       they move money between organisations and do not add to the system's gain.
    4. Agree the engagement plan and the evaluation: measures reported to the programme board
       and the results published at each milestone.
    """
    kind = (verdict or {}).get("kind") or "partnership"
    kind = _KINDS.get(kind, f"a {kind}")
    sro = (f"; the pack recommends {names.get(lead, lead)}"
           + (f" ({lead_reason})" if lead_reason else "") if lead else "")
    out = [f"Agree that '{title}' proceeds as {kind}, and appoint its senior responsible owner"
           f"{sro}."]
    out.append(f"Agree the {len(core):,} core partner{'s' if len(core) != 1 else ''}"
               f"{core_words(core, names, seats)} and a {cadence['board']} "
               f"programme board with a {cadence['working_group']} working group.")
    if share is not None and len(share):
        # payments move money between organisations: their sum is not the gain, so the ask
        # names the largest rather than a total a board would set against the system's gain
        top = share.sort_values("amount", ascending=False, kind="mergesort").iloc[0]
        out.append(f"Agree in principle the risk-and-gain-share: {len(share):,} payment"
                   f"{'s' if len(share) != 1 else ''} between the partners (the largest: "
                   f"{largest_words(top, names)}), as set out in the risk-and-gain-share "
                   "summary; they move money between organisations and do not add to the "
                   "system's gain.")
    elif share is not None:
        out.append("Agree that no risk-and-gain-share payments are needed: no core partner is "
                   "worse off under the shift.")
    elif gain_share is not None and len(gain_share):
        out.append(f"Agree in principle a gain-share of {_money(float(gain_share['amount'].sum()))}"
                   f" a year in {len(gain_share):,} payment{'s' if len(gain_share) != 1 else ''}"
                   " that leaves every core partner no worse off, and ask the finance leads to "
                   "design the full risk-and-gain-share before contracts are varied.")
    elif money is not None:
        out.append("Ask the finance leads to design the risk-and-gain-share (not computed "
                   "here) before contracts are varied.")
    if investment:
        out.append(investment_ask(investment, names))
    out.append("Agree the engagement plan and the evaluation: measures reported to the "
               "programme board and the results published at each milestone.")
    return [f"{i}. {text}" for i, text in enumerate(out[:5], start=1)]


def largest_words(payment, names: dict) -> str:
    """The largest payment as the proposal words it: a contract reduction as the commissioner
    reducing the provider's contract, else who pays whom.

    Examples
    --------
    >>> largest_words({"payer": "MH", "payee": "ICB", "amount": 360000.0,
    ...                "rule": "block contract reduction"}, {"ICB": "Metro ICB"})
    "Metro ICB reduces MH's contract by £360,000 a year"
    >>> largest_words({"payer": "ICB", "payee": "ACU", "amount": 1.3e6, "rule": "keep whole"}, {})
    'ICB pays ACU £1.3m a year'
    """
    payer = names.get(payment["payer"], payment["payer"])
    payee = names.get(payment["payee"], payment["payee"])
    amount = _money(float(payment["amount"]))
    if str(payment.get("rule") or "").startswith(("block contract reduction",
                                                  "contract reduction")):
        return f"{payee} reduces {payer}'s contract by {amount} a year"
    return f"{payer} pays {payee} {amount} a year"


def investment_ask(investment: dict, names: dict) -> str:
    """The board's ask on an investment: agree what the named funders put in; a provider left
    with a loss it bears itself (under the collar, say) is noted, never asked as an investment.

    Examples
    --------
    >>> borne = [{"id": "ACU", "amount": 3300.0, "reason": "under the £10,000 collar"}]
    >>> investment_ask({"amount": 3300.0, "funded_by": [], "borne_by": borne},
    ...                {"ACU": "Acute Trust"})
    'Note that Acute Trust bears its own loss of £3,300 a year (under the £10,000 collar): no investment is asked of the commissioners.'
    >>> investment_ask({"amount": 75000.0, "funded_by": [{"id": "ICB", "amount": 70000.0}],
    ...                 "borne_by": [{"id": "ACU", "amount": 5000.0, "reason": "under the "
    ...                               "£10,000 collar"}]}, {"ICB": "The ICB"})
    'Agree the investment of £70,000 a year, funded by The ICB; ACU bears its own loss of £5,000 a year (under the £10,000 collar).'
    """
    funded = investment.get("funded_by") or []
    bearing = borne_words(investment.get("borne_by") or [], names)
    if not funded and bearing:
        return f"Note that {bearing}: no investment is asked of the commissioners."
    funders = ", ".join(names.get(f["id"], f["id"])
                        + (f" ({_money(f['amount'])})" if len(funded) > 1 else "")
                        for f in funded)
    amount = sum(f["amount"] for f in funded) if funded else investment["amount"]
    return (f"Agree the investment of {_money(amount)} a year"
            + (f", funded by {funders}" if funders else "")
            + (f"; {bearing}" if bearing else "") + ".")


def core_words(core: list, names: dict, seats) -> str:
    """`` (A; B; the C seat for 12 organisations)``: the core partners by name, in the partner
    set's order, a seat with its member count; a seat outside the core is not named.

    Examples
    --------
    >>> import pandas as pd
    >>> seats = pd.DataFrame({"id": ["pc:N", "ch:S"], "name": ["Primary care in N",
    ...     "Care homes in S"], "members": [["G1", "G2"], ["H1", "H2"]]})
    >>> core_words(["ICB", "pc:N"], {"ICB": "Vale ICB"}, seats)
    ' (Vale ICB; the Primary care in N seat for 2 organisations)'
    """
    members = {} if not len(seats) else dict(zip(seats["id"], seats["members"]))
    names = {**names, **({} if not len(seats) else dict(zip(seats["id"], seats["name"])))}
    words = [f"the {names.get(c, c)} seat for {len(members[c]):,} organisation"
             f"{'s' if len(members[c]) != 1 else ''}" if c in members else names.get(c, c)
             for c in core]
    return f" ({'; '.join(words)})" if words else ""


def sro_words(lead: str | None, reason: str, names: dict) -> str:
    """The line above the RACI: who is accountable and who appoints the senior responsible
    owner.

    Examples
    --------
    >>> print(sro_words("ICB", "the commissioner", {"ICB": "Vale ICB"}))  # doctest: +ELLIPSIS
    Accountable: as each row says... the pack recommends Vale ICB (ICB): the commissioner.
    """
    text = ("Accountable: as each row says (a service's provider; the council for social care, "
            "through the section 75 agreement or the Better Care Fund; the ICB for NHS "
            "contracts). The board appoints the senior responsible owner")
    if not lead:
        return text + "; the pack recommends none (the partner set has no core)."
    return text + f"; the pack recommends {names.get(lead, lead)} ({lead}): {reason}."


def where_words(opportunity: str) -> str:
    """Where the rows behind the board page's figures are (the page itself cites none).

    Examples
    --------
    >>> print(where_words("frailty"))  # doctest: +NORMALIZE_WHITESPACE
    the input rows behind each partner's reasons: netkit explain PATH --opportunity frailty
    --partner ID; behind the money and the workstreams: the sources in the RACI and the
    risk-and-gain-share below (the workbook's board sheet lists them all)
    """
    return (f"the input rows behind each partner's reasons: netkit explain PATH --opportunity "
            f"{opportunity} --partner ID; behind the money and the workstreams: the sources in "
            "the RACI and the risk-and-gain-share below (the workbook's board sheet lists them "
            "all)")


def board_blocks(pack) -> list:
    """The board summary as document blocks: figures without input rows, and one note saying
    where the rows are (`where_words`)."""
    warnings = pack.warnings
    if warnings is None:
        coverage = Note("not computed by this netkit", label="data coverage")
    elif warnings:
        coverage = Note("; ".join(warnings), label="data coverage")
    else:
        coverage = Note("no gaps found in the data", label="data coverage")
    return [
        Heading("Board summary", 2),
        Paragraph(f"{pack.title}: {pack.system_name}.", emphasis=True),
        Heading("The verdict", 3), Paragraph(verdict_words(pack.verdict, len(pack.core))),
        coverage,
        Heading("The partners and why", 3), Lines(tuple(pack.partner_lines)),
        Heading("The money", 3), Paragraph(money_words(pack.money)),
        Heading("What we are asking the board to agree", 3), Asks(tuple(pack.asks)),
        Note(where_words(pack.opportunity), label="sources"),
    ]
