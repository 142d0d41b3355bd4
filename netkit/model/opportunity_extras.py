"""The opportunity keys of format version 2: the shift's range and timing, the intervention's
reach, providers decommissioned, the evidence of effect, the delivery plan, seats and the
risk-and-gain-share rule.

Each reader takes the opportunity's mapping and the reader that notes problems with their lines
(`netkit.model.opportunity`), and returns the value, or ``None``/``()`` when the key is absent
or wrong (the problem noted). Every version 1 opportunity has none of these keys.
"""

from __future__ import annotations

import re
from typing import Any

from netkit.model.schema import EVIDENCE_QUALITY, MONEY_CEILING

__all__ = ["SHIFT_EXTRAS", "parse_shift_extras", "parse_reach", "parse_evidence", "parse_plan",
           "parse_seats_setting", "parse_risk_share", "PERIOD", "RISK_SHARE_KEYS", "KEEP_WHOLE"]

#: The keys a ``shift`` may have besides from, to and fraction (version 2).
SHIFT_EXTRAS = ("range", "ramp_months", "implementation_cost", "double_running_months",
                "contacts_per_patient")

#: A month as flows' ``period`` and a plan write it.
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_shift_extras(raw: dict, fraction: float | None, r) -> dict:
    """``range`` (low and high fractions around ``fraction``), ``ramp_months``,
    ``implementation_cost`` (£), ``double_running_months`` and ``contacts_per_patient``.

    Examples
    --------
    >>> from netkit.model.opportunity import _Reader
    >>> problems = []
    >>> r = _Reader("opportunities.yaml", {}, 0, problems)
    >>> parse_shift_extras({"range": [0.1, 0.3], "ramp_months": 6}, 0.2, r)["range"]
    (0.1, 0.3)
    >>> parse_shift_extras({"range": [0.3, 0.1]}, 0.2, r)["range"] is None, len(problems)
    (True, 1)
    """
    out: dict[str, Any] = {key: None for key in SHIFT_EXTRAS}
    if raw.get("range") is not None:
        out["range"] = _range(raw["range"], fraction, r)
    for key, high, what in (("ramp_months", 120.0, "a number of months"),
                            ("double_running_months", 120.0, "a number of months"),
                            ("implementation_cost", MONEY_CEILING, "an amount in pounds"),
                            ("contacts_per_patient", 1000.0, "contacts per patient")):
        if raw.get(key) is not None:
            out[key] = r.number(raw[key], ("shift", key), 0.0, high, what)
    if out["contacts_per_patient"] == 0:
        r.problem(("shift", "contacts_per_patient"), 0, "is 0; a patient who moves has at least "
                                                        "some contact with the new service")
        out["contacts_per_patient"] = None
    return out


def _range(raw: Any, fraction: float | None, r) -> tuple[float, float] | None:
    path = ("shift", "range")
    if not isinstance(raw, list) or len(raw) != 2:
        r.problem(path, raw, "should be [low, high], two fractions around the shift's fraction, "
                             "e.g. [0.1, 0.3]")
        return None
    low = r.number(raw[0], path, 0.0, 1.0, "a fraction")
    high = r.number(raw[1], path, 0.0, 1.0, "a fraction")
    if low is None or high is None:
        return None
    if fraction is not None and not low <= fraction <= high:
        r.problem(path, raw, f"should have the fraction ({fraction:g}) between its low and high "
                             "values, e.g. [low, high] with low ≤ fraction ≤ high")
        return None
    return (low, high)


def parse_reach(raw: Any, r) -> int | str | None:
    """``reach``: a whole number of steps (0 or more) or ``pathway``."""
    if raw is None:
        return None
    if raw == "pathway":
        return "pathway"
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        r.problem(("reach",), raw, "should be a whole number of steps along the pathway "
                                   "(0, 1, 2, ...) or 'pathway' for the whole pathway")
        return None
    return int(raw)


def parse_evidence(raw: Any, r) -> dict | None:
    """``evidence``: ``effect`` (the change the evaluation found, as a fraction), ``low`` and
    ``high`` around it, ``source`` (text) and ``quality`` (high, moderate or low)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.problem(("evidence",), raw, "should be a mapping such as {effect: 0.15, low: 0.05, "
                                      "high: 0.25, source: '...', quality: moderate}")
        return None
    out: dict[str, Any] = {}
    for key in raw:
        if key not in ("effect", "low", "high", "source", "quality"):
            r.problem(("evidence", key), None, "is not a key of evidence (keys: effect, low, "
                                               "high, source, quality)")
    for key in ("effect", "low", "high"):
        if raw.get(key) is not None:
            out[key] = r.number(raw[key], ("evidence", key), -1.0, 1.0, "a fraction")
    if "effect" not in out:
        r.problem(("evidence", "effect"), None, "is missing; give the effect the evaluation "
                                                "found, as a fraction (0.15 for 15%)")
    if raw.get("source") is not None:
        out["source"] = str(raw["source"])
    quality = raw.get("quality")
    if quality is not None and quality not in EVIDENCE_QUALITY:
        r.problem(("evidence", "quality"), quality,
                  f"should be one of {', '.join(EVIDENCE_QUALITY)}")
    elif quality is not None:
        out["quality"] = quality
    low, effect, high = out.get("low"), out.get("effect"), out.get("high")
    if None not in (low, effect, high) and not low <= effect <= high:
        r.problem(("evidence",), None, "should have low ≤ effect ≤ high")
    return out


def parse_plan(raw: Any, r) -> dict | None:
    """``plan``: ``baseline: [YYYY-MM, YYYY-MM]``, ``start: YYYY-MM``, ``target`` (the share
    of patients diverted the scheme aims for, 0–1) and ``months`` (how long it is tracked).

    Examples
    --------
    >>> from netkit.model.opportunity import _Reader
    >>> problems = []
    >>> plan = parse_plan({"baseline": ["2024-04", "2025-03"], "start": "2025-04",
    ...                    "target": 0.2, "months": 24}, _Reader("o.yaml", {}, 0, problems))
    >>> plan["baseline"], plan["start"], problems
    (('2024-04', '2025-03'), '2025-04', [])
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.problem(("plan",), raw, "should be a mapping such as {baseline: [2024-04, 2025-03], "
                                  "start: 2025-04, target: 0.2, months: 24}")
        return None
    for key in raw:
        if key not in ("baseline", "start", "target", "months"):
            r.problem(("plan", key), None, "is not a key of plan (keys: baseline, start, "
                                           "target, months)")
    out: dict[str, Any] = {}
    baseline = raw.get("baseline")
    if not isinstance(baseline, list) or len(baseline) != 2 \
            or not all(_period(v) for v in baseline):
        r.problem(("plan", "baseline"), baseline, "should be [first month, last month] of the "
                                                  "baseline, as YYYY-MM (quote them)")
    elif _period(baseline[0]) > _period(baseline[1]):
        r.problem(("plan", "baseline"), baseline, "ends before it starts")
    else:
        out["baseline"] = (_period(baseline[0]), _period(baseline[1]))
    start = _period(raw.get("start"))
    if start is None:
        r.problem(("plan", "start"), raw.get("start"), "should be the month the scheme starts, "
                                                       "as YYYY-MM (quote it)")
    elif "baseline" in out and start <= out["baseline"][1]:
        r.problem(("plan", "start"), start, "is inside the baseline; the scheme starts after it")
    else:
        out["start"] = start
    if raw.get("target") is not None:
        out["target"] = r.number(raw["target"], ("plan", "target"), 0.0, 1.0, "a fraction")
    if raw.get("months") is not None:
        months = r.number(raw["months"], ("plan", "months"), 1.0, 240.0, "a number of months")
        out["months"] = int(months) if months is not None else None
    return out


def _period(value: Any) -> str | None:
    """``YYYY-MM`` as text; YAML reads an unquoted 2024-04 as text, but a date as a date."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value) if value is not None else ""
    return text if PERIOD.match(text) else None


def parse_seats_setting(raw: Any, r) -> str | None:
    """``seats: none`` (every organisation on its own) or ``default``."""
    if raw is None:
        return None
    if raw in ("none", "default", False):
        return "none" if raw in ("none", False) else "default"
    r.problem(("seats",), raw, "should be 'default' (the seat rules) or 'none' (every "
                               "organisation takes part on its own)")
    return None


#: The settings of ``risk_share`` (`netkit.finance.share_rule` applies them) and what
#: ``keep_whole`` may be.
RISK_SHARE_KEYS = ("keep_whole", "commissioner_share", "cap", "collar", "funded_by",
                   "share_cap")
KEEP_WHOLE = ("marginal", "net", "none")


def parse_risk_share(raw: Any, r) -> dict | None:
    """``risk_share``: the risk-and-gain-share rule's settings, kept as given (a mapping), each
    key and value checked here so that ``netkit validate`` names the line;
    `netkit.finance.share_rule` reads them (and checks ``funded_by`` against the organisations).

    Examples
    --------
    >>> from netkit.model.opportunity import _Reader
    >>> problems = []
    >>> r = _Reader("opportunities.yaml", {}, 0, problems)
    >>> parse_risk_share({"comissioner_share": 2}, r) and problems[0].message
    "unknown setting (did you mean 'commissioner_share'?); expected one of keep_whole, commissioner_share, cap, collar, funded_by, share_cap"
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        r.problem(("risk_share",), raw, "should be a mapping of the rule's settings, e.g. "
                                        "{commissioner_share: 0.5}")
        return None
    for key, value in raw.items():
        path = ("risk_share", key)
        if key not in RISK_SHARE_KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), RISK_SHARE_KEYS, n=1)
            r.problem(path, None, "unknown setting" + (f" (did you mean {close[0]!r}?)"
                                                       if close else "")
                      + f"; expected one of {', '.join(RISK_SHARE_KEYS)}")
        elif key == "keep_whole" and value not in KEEP_WHOLE:
            r.problem(path, value, f"should be one of {', '.join(KEEP_WHOLE)}")
        elif key == "funded_by":
            r.text_list(raw, key, ("risk_share",))
        elif key in ("commissioner_share", "cap", "collar", "share_cap") and not (
                key in ("cap", "share_cap") and value is None):
            r.number(value, path, 0.0, 1.0 if key == "commissioner_share" else None,
                     "a share" if key == "commissioner_share" else "an amount in £")
    return dict(raw)
