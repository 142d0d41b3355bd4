"""Benchmarks with a target: each is one small function, registered with `@target`, that
measures one thing an analyst waits for and says whether the target is met.

Adding a row::

    @target("diagnose on the national system", "under 30 s")
    def diagnose_national(ctx):
        national = ctx.system("national")
        seconds, memory = timed(lambda: netkit.diagnose(national), 3)
        return Row(f"diagnose, national system ({len(national.organisations):,} "
                   "organisations)", seconds, memory, met=seconds < 30,
                   figure=f"{seconds:.1f} s")

``ctx.system(scale)`` gives the generated ICS (``ics``, QKK), region (``region``, Y56) or
``national`` system (`netkit generate`, seed 0), made once per run; ``ctx.path(scale)`` its
folder; ``ctx.repeat`` the runs asked for. ``python benchmarks/run.py --only NAME,...`` runs
just the named rows (the function names), ``--write`` records them in the targets table of
benchmarks/README.md (rows not run keep their last result).
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import netkit

__all__ = ["Row", "Context", "target", "TARGETS", "run_targets", "targets_table"]


@dataclass
class Row:
    """One measured row: what, median seconds, peak traced memory (MiB), the peer or floor
    it is compared with, and whether its target is met, judged on ``figure``."""

    name: str
    seconds: float
    memory: float = float("nan")
    peer: str = ""
    met: bool | None = None
    figure: str = ""
    what: str = ""  # the target's subject (set by @target)
    goal: str = ""  # the target itself, e.g. "under 0.2 s" (set by @target)

    def line(self) -> str:
        memory = "" if self.memory != self.memory else f"{self.memory:.1f}"
        return f"| {self.name} | {self.seconds:.3f} | {memory} | {self.peer} |"

    def target_line(self) -> str:
        status = {True: "met", False: "missed", None: "not measured"}[self.met]
        return f"| {self.what} | {self.goal} | {status}: {self.figure} |"


#: name → (what, goal, function); filled by `target`, in the order the rows are defined.
TARGETS: dict[str, tuple[str, str, Callable]] = {}


def target(what: str, goal: str):
    """Register a benchmark row with its target (``what`` is measured, ``goal`` to meet)."""

    def register(func):
        TARGETS[func.__name__] = (what, goal, func)
        return func

    return register


class Context:
    """What the rows share in one run: the generated systems (made and loaded once)."""

    AREAS = {"ics": "QKK", "region": "Y56", "national": None}

    def __init__(self, repeat: int = 5, folder: Path | None = None):
        self.repeat = repeat
        self.folder = folder or Path(tempfile.mkdtemp(prefix="netkit-bench-"))
        self._systems: dict = {}

    def path(self, scale: str) -> Path:
        folder = self.folder / scale
        if not folder.exists():
            area = self.AREAS[scale]
            subprocess.run([sys.executable, "-m", "netkit", "generate", "--scale", scale,
                            "--seed", "0", "-o", str(folder)]
                           + (["--area", area] if area else []),
                           check=True, capture_output=True)
        return folder

    def system(self, scale: str):
        if scale not in self._systems:
            self._systems[scale] = netkit.load_system(self.path(scale))
        return self._systems[scale]


def timed(func, repeat: int = 5) -> tuple[float, float]:
    from run import timed as run_timed  # one definition of a timing (benchmarks/run.py)

    return run_timed(func, repeat)


def interleaved(funcs: list, repeat: int) -> list[float]:
    """Median seconds of each function, runs taken in turn (a, b, a, b, ...) after a warm-up,
    so that a busy moment of the machine weighs on all of them alike."""
    for func in funcs:
        func()
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, kept in zip(funcs, times):
            start = time.perf_counter()
            func()
            kept.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def run_targets(names: list[str] | None = None, repeat: int = 5,
                ctx: Context | None = None) -> list[Row]:
    """Run the registered rows (all, or those named), each row given its target."""
    ctx = ctx or Context(repeat)
    unknown = sorted(set(names or ()) - set(TARGETS))
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(unknown)} (known: "
                         f"{', '.join(TARGETS)})")
    rows = []
    for name, (what, goal, func) in TARGETS.items():
        if names and name not in names:
            continue
        for row in (lambda r: r if isinstance(r, list) else [r])(func(ctx)):
            row.what, row.goal = row.what or what, row.goal or goal
            rows.append(row)
            print(row.line(), file=sys.stderr, flush=True)
    return rows


def targets_table(rows: list[Row], previous: str = "") -> str:
    """The targets table: a line per row run, and the lines of ``previous`` (the table as
    last written) for targets not run this time."""
    header = "| what | target | status (measured figure) |\n|---|---|---|"
    done = {row.what for row in rows}
    kept = [line for line in previous.splitlines()
            if line.startswith("| ") and not line.startswith("| what |")
            and line.split(" | ")[0][2:] not in done]
    order = {what: i for i, (what, _, _) in enumerate(TARGETS.values())}
    lines = sorted(kept + [row.target_line() for row in rows],
                   key=lambda line: order.get(line.split(" | ")[0][2:], len(order)))
    return "\n".join([header] + lines) + "\n"


# -- issue 21 -------------------------------------------------------------------------------------
ONE_EVENT = [{"scale_flows": {"pathway": "QKK-frailty-urgent", "factor": 1.1}}]


@target("applying a one-event changeset to the generated region (168,000 flows)", "under 0.2 s")
def changeset_apply(ctx):
    from netkit.change.changeset import Changeset

    from netkit.change import apply as applying

    region = ctx.system("region")
    changeset = Changeset.of(ONE_EVENT)
    seconds, memory = timed(lambda: netkit.apply_changes(region, changeset), ctx.repeat)
    # the peer: the same change with the whole system revalidated (as before issue 21)
    rows_only = applying._changed_numbers
    applying._changed_numbers = lambda state, system: None
    try:
        t_whole = _seconds(lambda: netkit.apply_changes(region, changeset))
    finally:
        applying._changed_numbers = rows_only
    return Row(f"apply a one-event changeset (scale one ICS's frailty flows) to the generated "
               f"London region ({len(region.flows):,} flows)", seconds, memory,
               f"{t_whole / seconds:.0f}x faster than revalidating the whole system "
               f"({t_whole:.2f} s, one run)", met=seconds < 0.2, figure=f"{seconds:.3f} s")


@target("incremental recompute after one event, generated London region: the tracker's "
        "overhead beyond a fresh query of the touched opportunity", "at most 20%")
def tracker_overhead(ctx):
    from netkit.change.changeset import Changeset

    region = ctx.system("region")
    change = netkit.apply_changes(region, Changeset.of(ONE_EVENT))
    tracker = netkit.PartnerTracker(region)

    def incremental():  # a copy of the tracker, so that every run starts from the same state
        copy = netkit.PartnerTracker.__new__(netkit.PartnerTracker)
        copy.__dict__.update({**tracker.__dict__, "partner_sets": dict(tracker.partner_sets),
                              "dependencies": dict(tracker.dependencies)})
        return copy.apply(change)

    touched = incremental().recomputed
    t_inc, t_fresh = interleaved(
        [incremental, lambda: [netkit.find_partners(change.system, o) for o in touched]],
        max(ctx.repeat, 5))
    _, memory = timed(incremental, 1)
    t_all = statistics.median(_seconds(lambda: netkit.find_all_partners(change.system))
                              for _ in range(2))
    overhead = t_inc / t_fresh - 1
    return Row(f"incremental recompute after one event, generated London region "
               f"({len(region.opportunities)} opportunities; the event touches "
               f"{', '.join(touched)}; the change already applied)", t_inc, memory,
               f"a fresh query of the touched opportunit{'y' if len(touched) == 1 else 'ies'} "
               f"{t_fresh:.3f} s ({overhead:+.0%}); {t_all / t_inc:.0f}x faster than "
               f"recomputing all {len(region.opportunities)} ({t_all:.2f} s)",
               met=overhead <= 0.20,
               figure=f"{overhead:+.0%} ({t_inc:.2f} s against {t_fresh:.2f} s; "
                      f"{t_all / t_inc:.0f}x faster than recomputing all)")


def _seconds(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


@target("`netkit compare` of a generated ICS with a generated region", "under 3 s")
def compare_ics_region(ctx):
    ics, region = ctx.system("ics"), ctx.system("region")
    opportunity = "QKK-frailty-admissions"
    # the first run pays the first call's imports; the figure is the median of three (the
    # runner's rule); the partner sets' share of the median run is timed apart, since the
    # rest is the transfer layer's own work
    runs = []
    for _ in range(3):
        with _timing_partner_sets() as partner_sets:
            runs.append((_seconds(lambda: netkit.compare(ics, region, opportunity)),
                         sum(partner_sets), len(partner_sets)))
    first = runs[0][0]
    seconds, found, calls = sorted(runs)[1]
    split = (f"find_partners {found:.2f} s in {calls} calls ({found / seconds:.0%}), "
             f"the rest {seconds - found:.2f} s; the first run, with its imports, {first:.2f} s")
    return Row(f"compare the generated ICS with the generated London region "
               f"({opportunity}; systems already loaded; median of 3 runs)", seconds,
               met=seconds < 3, figure=f"{seconds:.2f} s ({split})")


@contextlib.contextmanager
def _timing_partner_sets():
    """The seconds of each `find_partners` call made while the block runs."""
    from netkit.partners import find

    real, spent = find.find_partners, []

    def timed_call(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    find.find_partners = timed_call
    try:
        yield spent
    finally:
        find.find_partners = real


@target("`netkit partners --all` on the generated region", "under 3 s")
def partners_all_region(ctx):
    from netkit._parallel import available_jobs

    region = ctx.system("region")
    seconds = _seconds(lambda: netkit.find_all_partners(region))  # one process: about 5 s
    command = [sys.executable, "-m", "netkit", "partners", str(ctx.path("region")), "--all",
               "-f", "json", "-q"]
    # the command as an analyst runs it (one process per processor) and with --jobs 1, in turn
    t_cli, t_one = interleaved([lambda: subprocess.run(command, check=True, capture_output=True),
                                lambda: subprocess.run(command + ["--jobs", "1"], check=True,
                                                       capture_output=True)], 2)
    jobs = min(available_jobs(), len(region.opportunities))
    return Row(f"all {len(region.opportunities)} opportunities of the generated London region "
               f"(find_all_partners, one process)", seconds, float("nan"),
               f"`netkit partners --all -f json` from the command line, loading included: "
               f"{t_cli:.2f} s with {jobs} processes, {t_one:.2f} s with `--jobs 1`",
               met=t_cli < 3,
               figure=f"{t_cli:.2f} s from the command line with {jobs} processes; "
                      f"{t_one:.2f} s with `--jobs 1` ({seconds:.2f} s the library call in "
                      "one process)")


#: The stages of one partner query, as `netkit.partners.find` calls them (name in that module →
#: what the stage is): the national row says where its time goes.
QUERY_STAGES = {"find_scope": "scope", "compute_incentives": "incentives (money)",
                "compute_criteria": "criteria", "select_partners": "selection",
                "_roles_and_routes": "brokerage roles", "_partner_table": "partner table and reasons",
                "design_share": "risk share (settlement)", "coverage_warnings": "warnings"}


def staged(func) -> tuple[float, dict, object]:
    """Seconds of ``func()``, the seconds spent in each of `QUERY_STAGES` (one run) and what
    ``func`` returned."""
    import netkit.partners.find as find

    spent = dict.fromkeys(QUERY_STAGES.values(), 0.0)
    saved = {name: getattr(find, name) for name in QUERY_STAGES}

    def timing(name, inner):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[QUERY_STAGES[name]] += time.perf_counter() - start
        return wrapper

    for name, inner in saved.items():
        setattr(find, name, timing(name, inner))
    try:
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
    finally:
        for name, inner in saved.items():
            setattr(find, name, inner)
    return seconds, spent, result


@target("one partner query, national scope", "under 1.5 s")
def partner_query_national(ctx):
    national = ctx.system("national")
    opportunity = "national-frailty-admissions"
    query = lambda: netkit.find_partners(national, opportunity)  # noqa: E731
    query()  # warm-up: imports and the system's lookups built once
    seconds, spent, result = staged(query)  # one run: 8 s to a minute before issue 21
    candidates = len(result.partners)
    split = ", ".join(f"{stage} {t:.2f} s" for stage, t in
                      sorted(spent.items(), key=lambda item: -item[1]) if t >= 0.005)
    return Row(f"one partner query, national scope ({opportunity}, {candidates:,} "
               f"candidates, {len(national.flows):,} flows; system loaded; one run)", seconds,
               peer=f"stages: {split}", met=seconds < 1.5,
               figure=f"{seconds:.2f} s ({split})")


@target("HTML map of the generated London region (2,000 of 9,144 drawn)", "under 0.3 s")
def map_region(ctx):
    from netkit.viz.maps import map_system

    region = ctx.system("region")
    drawn = map_system(region)
    seconds, memory = timed(lambda: map_system(region).to_html(), max(ctx.repeat, 5))
    t_page, _ = timed(drawn.to_html, 3)
    return Row(f"HTML map (generated London region: {len(region.organisations):,} "
               f"organisations, {len(drawn.nodes):,} drawn, {len(drawn.edges):,} edges)",
               seconds, memory, f"page alone {t_page:.2f} s", met=seconds < 0.3,
               figure=f"{seconds:.2f} s")


@target("`directly_follows`, 2M shuffled events with text ids, against pm4py in the same run",
        "at least 8x faster")
def dfg_against_pm4py(ctx):
    import contextlib
    import io

    from run import pm4py_dfg, synthetic_events

    from netkit.mining.directly_follows import directly_follows

    events = synthetic_events(2_000_000)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # pm4py prints a banner on import
            import pm4py
    except ImportError:
        seconds, memory = timed(lambda: directly_follows(events), 3)
        return Row("directly_follows, 2M shuffled events, text ids (pm4py not installed)",
                   seconds, memory, figure="pm4py not installed")
    with contextlib.redirect_stdout(io.StringIO()):
        t_ours, t_pm = interleaved([lambda: directly_follows(events),
                                    lambda: pm4py_dfg(events)], 3)
    _, memory = timed(lambda: directly_follows(events), 1)
    ratio = t_pm / t_ours
    return Row(f"directly_follows, 2M shuffled events, text ids "
               f"({2e6 / t_ours / 1e6:.2f}M events/s)", t_ours, memory,
               f"{ratio:.1f}x faster than pm4py {pm4py.__version__} ({t_pm:.2f} s; runs "
               "taken in turn)", met=ratio >= 8, figure=f"{ratio:.1f}x")


@target("`directly_follows` on input already sorted by case and time", "at least 60M events/s")
def dfg_sorted(ctx):
    import numpy as np
    import pandas as pd

    from netkit.mining.directly_follows import directly_follows

    n = 10_000_000
    rng = np.random.default_rng(1)
    ordered = pd.DataFrame({"case_id": np.sort(rng.integers(0, n // 10, n)),
                            "timestamp": pd.to_datetime(np.arange(n, dtype=np.int64)),
                            "activity": rng.integers(0, 50, n)})
    activity = ordered["activity"].to_numpy()

    def floor():  # the count at its core as one plain numpy expression: no starts, no ends
        return np.bincount(activity[:-1] * 50 + activity[1:], minlength=2500)

    seconds, t_floor = interleaved([lambda: directly_follows(ordered), floor],
                                   max(ctx.repeat, 5))
    _, memory = timed(lambda: directly_follows(ordered), 1)
    rate = n / seconds / 1e6
    return Row(f"directly_follows, 10M events already in order, integer ids "
               f"({rate:.1f}M events/s)", seconds, memory,
               f"{seconds / t_floor:.1f}x a bare numpy count of the pairs alone "
               f"({t_floor:.3f} s; runs taken in turn)", met=rate >= 60,
               figure=f"{rate:.1f}M events/s")


# -- issue 19: delivery ---------------------------------------------------------------------------
TRACK = "track one opportunity over 36 months of an ICS"


def monthly_actuals(system, opportunity, months: int = 36, start: int = 12, seed: int = 0):
    """Monthly actuals for an opportunity's pathways: its flows a month with 4% a year demand
    growth, the shift ramped over 6 months to 60% of plan from month ``start``, Poisson
    noise (seeded)."""
    import numpy as np
    import pandas as pd

    from netkit.model.selectors import select_services
    from netkit.partners.scope import find_scope

    scope = find_scope(system, opportunity)
    services = scope.services
    moving = set(services.loc[select_services(services, opportunity.shift.from_), "id"])
    flows = scope.flows[["pathway", "source", "target", "place", "patients"]].copy()
    flows["place"] = flows["place"].fillna("")
    rng = np.random.default_rng(seed)
    into = flows["target"].isin(moving).to_numpy()
    frames = []
    for k in range(months):
        done = 0.0 if k < start else 0.6 * opportunity.shift.fraction * min(1, (k - start + 1) / 6)
        mean = flows["patients"].to_numpy() / 12 * 1.04 ** (k / 12) * np.where(into, 1 - done, 1)
        frames.append(flows.assign(patients=rng.poisson(mean),
                                   period=f"{2023 + k // 12}-{k % 12 + 1:02d}"))
    return pd.concat(frames, ignore_index=True)


@target(TRACK, "under 1 s")
def track_ics(ctx):
    """`netkit.track` on the generated ICS (QKK-frailty-admissions, a 12-month baseline, then a
    shift ramped to 60% of plan): the measures alone, and with the gain-share settled and the
    partnership recomputed; runs taken in turn with one partner query, its floor."""
    import dataclasses
    import tempfile

    ics = ctx.system("ics")
    opp = ics.opportunity("QKK-frailty-admissions")
    plan = {"baseline": ["2023-01", "2023-12"], "start": "2024-01",
            "target": opp.shift.fraction, "months": 24}
    opp = (dataclasses.replace(opp, plan=plan) if hasattr(opp, "plan")
           else dataclasses.replace(opp, extra={**opp.extra, "plan": plan}))
    file = Path(tempfile.mkdtemp(prefix="netkit-bench-track-")) / "actuals.csv"
    monthly_actuals(ics, opp).to_csv(file, index=False)
    actuals = netkit.read_actuals(file, ics)
    t_read, t_alone, t_all, t_query = interleaved(
        [lambda: netkit.read_actuals(file, ics),
         lambda: netkit.track(ics, opp, actuals, partners=False),
         lambda: netkit.track(ics, opp, actuals),
         lambda: netkit.find_partners(ics, opp)], max(min(ctx.repeat, 3), 1))
    _, m_alone = timed(lambda: netkit.track(ics, opp, actuals, partners=False), 1)
    what = f"{len(actuals):,} rows of actuals, already read"
    return [Row(f"track one opportunity: the measures, SPC, by place and by partner ({what})",
                t_alone, m_alone, f"reading and checking the actuals file {t_read:.2f} s; runs "
                "taken in turn", met=t_alone < 1, figure=f"{t_alone:.2f} s",
                what=f"{TRACK}: the measures alone"),
            Row(f"track with the gain-share settled and the partnership recomputed ({what})",
                t_all, float("nan"), f"two partner queries (the plan's and the actuals'); "
                f"one takes {t_query:.2f} s; runs taken in turn", met=t_all < 1,
                figure=f"{t_all:.2f} s (one partner query {t_query:.2f} s)",
                what=f"{TRACK}: with the settlement and the partnership")]


# -- issue 17 -------------------------------------------------------------------------------------
@target("a partner query with a 1,000-draw Monte Carlo, ICS scope", "under 1 s")
def money_ics(ctx):
    from netkit.finance.incentives import incentives
    from netkit.partners.scope import find_scope

    ics = ctx.system("ics")
    opp = ics.opportunity("QKK-frailty-admissions")
    scope = find_scope(ics, opp)
    seconds, memory = timed(lambda: netkit.find_partners(ics, opp.id), ctx.repeat)
    t_draws, t_none = interleaved(
        [lambda: incentives(ics, opp.shift, scope.services, flows=scope.flows),
         lambda: incentives(ics, opp.shift, scope.services, flows=scope.flows, draws=0)],
        ctx.repeat)
    return Row(f"one partner query with the money's 1,000-draw Monte Carlo, ICS scope "
               f"({opp.id}: {len(scope.services):,} services, {len(scope.flows):,} flows)",
               seconds, memory, f"incentives alone {t_draws:.3f} s with the draws, "
               f"{t_none:.3f} s without (runs taken in turn)", met=seconds < 1,
               figure=f"{seconds:.2f} s (incentives {t_draws:.2f} s with the draws, "
                      f"{t_none:.2f} s without)")


@target("diagnose on the generated ICS (all pathways and places)", "under 1 s")
def diagnose_ics(ctx):
    system = ctx.system("ics")
    seconds, memory = timed(lambda: netkit.diagnose(system), ctx.repeat)
    found = netkit.diagnose(system)
    return Row(f"diagnose the generated ICS ({len(system.flows):,} flows, {len(found.rates):,} "
               f"rates, {len(found.candidates):,} "
               f"candidate{'' if len(found.candidates) == 1 else 's'})", seconds, memory,
               met=seconds < 1, figure=f"{seconds:.2f} s")


@target("diagnose on the national system (all pathways and places)", "under 30 s")
def diagnose_national(ctx):
    system = ctx.system("national")
    seconds = _seconds(lambda: netkit.diagnose(system))  # one run
    return Row(f"diagnose the generated national system ({len(system.flows):,} flows; system "
               "loaded; one run)", seconds, met=seconds < 30, figure=f"{seconds:.1f} s (one run)")
