"""The system's money year by year (years 1 to 3) and the payback point.

Month by month from the start (month 1 = the first month of the shift):

* the shift ramps up in a straight line over ``ramp_months`` (the share achieved in month *t* is
  ``min((t − ½) / ramp_months, 1)``; all at once when no ramp is given);
* during the first ``double_running_months`` the old services keep running beside the new ones,
  so the cash they would release is not yet released (the new costs are already paid);
* ``implementation_cost`` is paid before month 1 (it counts in year 1).

So month *t* gives ``achieved(t) × (net − released × [t ≤ double running]) / 12``, where ``net`` is
the system's net a year at full effect and ``released`` the cash released a year at full effect.
Payback is the first month in which the running total (starting at minus the implementation
cost) reaches zero, looked for over ten years.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["bridge_figures", "payback_month", "profile", "summary_lines", "year_weights"]

YEARS = 3
HORIZON_MONTHS = 120


def _achieved(months: np.ndarray, ramp: float | None) -> np.ndarray:
    if not ramp or ramp <= 0:
        return np.ones(len(months))
    return np.minimum((months - 0.5) / float(ramp), 1.0)


def year_weights(ramp: float | None, double_running: float | None,
                 years: int = YEARS) -> tuple[np.ndarray, np.ndarray]:
    """Per year, the multiples of the yearly net and of the yearly cash released it gets.

    Examples
    --------
    A 12-month ramp reaches half the yearly effect in year 1; three months of double running
    hold back (0.5 + 1.5 + 2.5) / 12 of a month's release, that is 4.5 / 144 of a year's:

    >>> net, held = year_weights(12, 3)
    >>> net.tolist(), held.tolist() == [4.5 / 144, 0.0, 0.0]
    ([0.5, 1.0, 1.0], True)
    """
    months = np.arange(1, 12 * years + 1, dtype=float)
    achieved = _achieved(months, ramp) / 12
    running = months <= float(double_running or 0)
    net = achieved.reshape(years, 12).sum(axis=1)
    held = (achieved * running).reshape(years, 12).sum(axis=1)
    return net, held


def profile(net: np.ndarray, released: np.ndarray, implementation: float | None,
            ramp: float | None, double_running: float | None) -> np.ndarray:
    """Year-by-year net (draws × years) from yearly nets and cash released at full effect.

    Examples
    --------
    >>> profile(np.array([120_000.0]), np.array([200_000.0]), 50_000, 12, 3).round().tolist()
    [[3750.0, 120000.0, 120000.0]]
    """
    weights, held = year_weights(ramp, double_running)
    years = np.outer(net, weights) - np.outer(released, held)
    years[:, 0] -= float(implementation or 0.0)
    return years


def payback_month(net: float, released: float, implementation: float | None,
                  ramp: float | None, double_running: float | None) -> int | None:
    """The first month whose running total is at least zero (None: not within ten years).

    Examples
    --------
    >>> payback_month(120_000, 200_000, 50_000, 12, 3)
    12
    >>> payback_month(-10_000, 0, 0, None, None) is None
    True
    """
    months = np.arange(1, HORIZON_MONTHS + 1, dtype=float)
    monthly = _achieved(months, ramp) * (net - released * (months <= float(double_running or 0)))
    running = np.cumsum(monthly / 12) - float(implementation or 0.0)
    reached = np.nonzero(running >= -1e-9)[0]
    return int(reached[0] + 1) if len(reached) else None


def profile_frame(central: np.ndarray, draws: np.ndarray | None = None) -> pd.DataFrame:
    """``year, net, net_low, net_high``: the central profile and the 5th and 95th percentiles
    of the draws' profiles (equal to the central one without draws)."""
    low = np.percentile(draws, 5, axis=0) if draws is not None and len(draws) else central
    high = np.percentile(draws, 95, axis=0) if draws is not None and len(draws) else central
    return pd.DataFrame({"year": np.arange(1, len(central) + 1), "net": central,
                         "net_low": low, "net_high": high})


def _money_step(value: float) -> float | None:
    """The step `netkit.render.formats.fmt_money_rounded` shows ``value`` to (two significant
    figures, £1m from £10m, £1 below £10); None where it shows £0."""
    size = abs(float(value))
    if math.isnan(size) or size < 0.5:
        return None
    if size < 10:
        return 1.0
    step = 10.0 ** (math.floor(math.log10(size)) - 1)
    rounded = math.floor(size / step + 0.5) * step  # 9,960 is £10,000: to the thousand
    if rounded >= 10_000_000:
        return 1_000_000.0
    return 10.0 ** (math.floor(math.log10(rounded)) - 1)


def _money_at(units: int, step: float) -> str:
    """``units`` steps of ``step`` pounds as money: in £m to the step from £1m where the step is
    at least £10,000 (``£2.16m``), else in whole pounds (``£430,000``, ``£2,164,000``)."""
    size = abs(units) * step
    sign = "-" if units < 0 else ""
    if size >= 1_000_000 and step >= 10_000:
        decimals = round(6 - math.log10(step))
        return f"{sign}£{size / 1_000_000:,.{decimals}f}m"
    return f"{sign}£{round(size):,}"


def bridge_figures(released: float, new_cash: float, net: float) -> tuple[str, str, str]:
    """The cash bridge's three figures as shown, so that it adds up as read: cash released −
    new cash costs = system net.

    All three are shown to one step, the finest of the steps `fmt_money_rounded` gives each
    alone, so that none has fewer than its two significant figures. Cash released and the net
    are rounded to that step (halves up, as `fmt_money_rounded`), each within half a step of
    its exact figure; new cash costs are shown as released minus net as shown, within one step
    of theirs. The net is rounded as itself because the report states it elsewhere (the
    headline, the years), and new cash costs appear nowhere else: taking the net as the
    difference of the rounded parts can put it a step from the headline's figure (shire's
    frailty shift would read £1.52m − £590,000 = £930,000 beside "the system gains £920,000").
    Where the step is finer than the net's own, the headline is the bridge's net rounded again,
    which agrees but at a half: a net of £304,760 reads £305,000 beside £300,000. New cash
    costs that are £0 alone (under 50p) are shown as £0, and cash released as the net (within
    half a step and those pence), so that no cost appears from a half. From £1m, figures are
    in £m where the step is at least £10,000, else in whole pounds. Only what is shown is
    rounded: JSON keeps the exact figures.

    Examples
    --------
    Riverside's crisis alternatives, once "£470,000 − £35,000 = £440,000", and its diabetes
    shift, once "£9,900 − £13,000 = -£2,800":

    >>> bridge_figures(470_033.9, 34_541.3, 435_492.6)
    ('£470,000', '£35,000', '£435,000')
    >>> bridge_figures(9_900.0, 12_705.0, -2_805.0)
    ('£9,900', '£12,700', '-£2,800')

    £m beside £ thousands, to the new cash costs' £10,000 (riverside's frailty shift, once
    "£2.2m − £430,000 = £1.7m", which is £1.77m as read); in shire's, new cash costs of
    £593,350 are shown as £600,000 (a step from their nearest £590,000) so that the net is
    the headline's £920,000:

    >>> bridge_figures(2_164_087.1, 434_160.0, 1_729_927.1)
    ('£2.16m', '£430,000', '£1.73m')
    >>> bridge_figures(1_515_711.5, 593_349.9, 922_361.6)
    ('£1.52m', '£600,000', '£920,000')

    Losses, and a bridge whose figures share a step (shown as `fmt_money_rounded` would):

    >>> bridge_figures(0.0, 12_705.0, -12_705.0)
    ('£0', '£13,000', '-£13,000')
    >>> bridge_figures(480_000.0, 1_250_000.0, -770_000.0)
    ('£480,000', '£1.25m', '-£770,000')
    >>> bridge_figures(4_333_472.6, 1_025_052.0, 3_308_420.6)
    ('£4.3m', '£1.0m', '£3.3m')
    >>> bridge_figures(113_149_000.0, 40_200_000.0, 72_949_000.0)
    ('£113m', '£40m', '£73m')

    A small net between large parts is shown to its own step (£1,000), the parts with it, in
    whole pounds:

    >>> bridge_figures(2_164_087.0, 2_152_000.0, 12_087.0)
    ('£2,164,000', '£2,152,000', '£12,000')

    No new cash costs: released and net alike, even across a half (not £410,000 − £10,000):

    >>> bridge_figures(405_000.0, 0.2, 404_999.8), bridge_figures(4_712.0, 0.0, 4_712.0)
    (('£400,000', '£0', '£400,000'), ('£4,700', '£0', '£4,700'))
    """
    if any(math.isnan(float(v)) for v in (released, new_cash, net)):  # as fmt_money_rounded
        from netkit.render.formats import fmt_money_rounded

        return tuple(fmt_money_rounded(v) for v in (released, new_cash, net))
    steps = [s for s in map(_money_step, (released, new_cash, net)) if s is not None]
    step = min(steps, default=1.0)

    def units(value: float) -> int:  # halves away from zero, as fmt_money_rounded
        return int(math.copysign(math.floor(abs(float(value)) / step + 0.5), value))

    net_units = units(net)
    released_units = units(released) if _money_step(new_cash) is not None else net_units
    return (_money_at(released_units, step), _money_at(released_units - net_units, step),
            _money_at(net_units, step))


def _diverted(settings: dict, disclosure=None) -> str:
    """Patients diverted a year at the precision an estimate bears (`fmt_estimate`: whole from
    10 up, one decimal below), with its range where the draws give one; a bound is never finer
    than the central figure (``12 (7 to 18)``, not ``12 (6.5 to 18)``).

    Examples
    --------
    >>> _diverted({"patients_diverted": 12.34, "patients_diverted_low": 6.5,
    ...            "patients_diverted_high": 18.2})
    '12 (7 to 18)'
    >>> _diverted({"patients_diverted": 4.56, "patients_diverted_low": 2.04,
    ...            "patients_diverted_high": 7.3})
    '4.6 (2 to 7.3)'

    Halves up and whole from 10 (``fmt_number`` gave 40.9 and 112), and no range where the
    bounds show alike:

    >>> [_diverted({"patients_diverted": v, "patients_diverted_low": v,
    ...             "patients_diverted_high": v}) for v in (40.9, 112.5, 1591.2)]
    ['41', '113', '1,591']

    Under disclosure rules (`netkit.model.disclosure`), each as the rules show a count:

    >>> from netkit.model.disclosure import disclosure_rules
    >>> _diverted({"patients_diverted": 1591.2, "patients_diverted_low": 1488.0,
    ...            "patients_diverted_high": 1702.6}, disclosure_rules("nhs"))
    '1,590 (1,490 to 1,705)'
    """
    from netkit.render.formats import fmt_estimate

    if disclosure is not None:
        shown, low, high = (disclosure.count(settings.get(k, 0.0)) for k in (
            "patients_diverted", "patients_diverted_low", "patients_diverted_high"))
        return shown + (f" ({low} to {high})" if low != high else "")
    central = settings.get("patients_diverted", 0.0)
    shown = fmt_estimate(central)
    whole = math.floor(abs(central) * 10 + 0.5) >= 100
    low, high = (fmt_estimate(settings.get(k, 0.0), whole)
                 for k in ("patients_diverted_low", "patients_diverted_high"))
    return shown + (f" ({low} to {high})" if low != high else "")  # no "2,570 (2,570 to 2,570)"


def summary_lines(inc, disclosure=None) -> list[str]:
    """`netkit.finance.incentives.Incentives.summary_lines`: patients diverted (`_diverted`)
    with the cash and capacity released; the cash bridge, adding up as read (`bridge_figures`);
    what the range covers; the years and the payback (assessed only where an implementation
    cost is entered). Patients and bed days as active ``disclosure`` rules show counts."""
    from netkit.render.formats import fmt_money_rounded, fmt_number

    orgs, s = inc.organisations, inc.settings
    bed_days = -orgs["bed_days_change"].clip(upper=0).sum() if "bed_days_change" in orgs \
        else 0.0
    if not s.get("implementation_cost"):
        payback = "no implementation cost entered — payback not assessed"
    else:
        payback = (f"pays back in month {inc.payback_month}" if inc.payback_month
                   else "does not pay back within ten years")
    released = float(orgs["cash_releasing"].sum())
    new_cash = (float(inc.services["cash_cost"].sum()) if "cash_cost" in inc.services
                else released - inc.system_net)
    released_shown, new_cash_shown, net_shown = bridge_figures(released, new_cash,
                                                               inc.system_net)
    ruled = disclosure is not None and disclosure.active
    count = disclosure.count if ruled else fmt_number
    lines = [f"{_diverted(s, disclosure if ruled else None)} patients a year diverted; "
             f"cash released {released_shown}, capacity released "  # as the bridge says it
             f"{fmt_money_rounded(orgs['capacity_releasing'].sum())} a year"
             + (f", {count(bed_days)} bed days" if bed_days else ""),
             _contact_line(inc.services["activity_change"], count),
             (f"cash bridge: cash released {released_shown} − new cash costs "
              f"{new_cash_shown} = system net {net_shown} a year")]
    if not inc.shift_ranged and inc.range_words():
        lines.append("the range varies unit costs only: no range is given for the shift itself "
                     "(shift.range)")
    return lines + ["years 1-3: " + ", ".join(fmt_money_rounded(v) for v in inc.profile["net"])
                    + f"; {payback}"]


def _contact_line(change, count) -> str:
    """How the patients diverted show in contacts: fewer where they no longer go (the services
    they leave and those they would have reached next), more where they go instead (the money
    table below adds these up by organisation). ``count`` shows a count.

    Examples
    --------
    >>> import pandas as pd
    >>> print(_contact_line(pd.Series([-575.0, -575, -184, 278, 75]), lambda v: f"{v:,.0f}"))
    contacts a year: 1,334 fewer where the diverted patients no longer go, 353 more where they go instead
    """
    fewer, more = -float(change.clip(upper=0).sum()), float(change.clip(lower=0).sum())
    return (f"contacts a year: {count(fewer)} fewer where the diverted patients no longer go, "
            f"{count(more)} more where they go instead")
