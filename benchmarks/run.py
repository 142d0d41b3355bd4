"""netkit's benchmark runner: medians of several runs, with the machine's facts.

Usage::

    python benchmarks/run.py            # print a markdown table
    python benchmarks/run.py --write    # also replace the results table in benchmarks/README.md

Each benchmark times one thing an analyst does, with its peer in the same run where one exists.
Nothing here is asserted in the test suite: speed is measured, not tested.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import netkit  # noqa: E402
from targets import TARGETS, run_targets, targets_table  # noqa: E402


def timed(func, repeat: int = 5) -> tuple[float, float]:
    """Median seconds over ``repeat`` runs, and peak traced memory (MiB) of one run."""
    func()  # warm up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def command_seconds(args: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def replicated_riverside(copies: int):
    """A larger system made of relabelled copies of riverside (ids suffixed ``~k``), each with
    its own 7 opportunities: a stand-in until a realistic generator exists."""
    import pandas as pd

    from netkit.model.opportunity import Shift
    from netkit.partners.scope import find_scope

    base = netkit.load_system(netkit.sample_path("riverside"))
    tables = {name: [] for name in base.tables()}
    opportunities = []
    id_columns = {"organisations": ["id", "parent"], "services": ["id", "provider"],
                  "pathways": ["id"], "flows": ["pathway", "source", "target"],
                  "relationships": ["source", "target"]}
    for k in range(copies):
        def tag(v, k=k):
            return v if (not isinstance(v, str) or v == "@home") else f"{v}~{k}"
        for name, frame in base.tables().items():
            frame = frame.copy()
            for column in id_columns[name]:
                frame[column] = frame[column].map(tag)
            tables[name].append(frame)
        for o in base.opportunities.values():
            shift = None if o.shift is None else Shift(
                tuple(s if s.startswith("category:") else tag(s) for s in o.shift.from_),
                tuple(s if s.startswith("category:") else tag(s) for s in o.shift.to),
                o.shift.fraction)
            # a tag would select the pathways of every copy: name this copy's pathways instead
            pathways = tuple(tag(p) for p in find_scope(base, o).pathways)
            opportunities.append(o.with_options(id=tag(o.id), pathways=pathways, shift=shift,
                                                include=tuple(tag(i) for i in o.include)))
    merged = {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}
    return netkit.System(merged, {"name": f"{copies} x Riverside"}, opportunities)


def graph_benchmarks(repeat: int) -> list[tuple]:
    """Weighted betweenness (netkit's brokerage) on random directed graphs: netkit with each
    engine against a bare igraph call on the same graph."""
    import networkx as nx
    import numpy as np

    from netkit.metrics.brokerage import brokerage

    rows = []
    for n in (300, 2000):
        rng = np.random.default_rng(n)
        G = nx.gnm_random_graph(n, 4 * n, seed=n, directed=True)
        for u, v in G.edges:
            G[u][v]["patients"] = float(rng.integers(1, 1000))
        try:
            import igraph
        except ImportError:
            break
        index = {node: i for i, node in enumerate(G.nodes)}
        g = igraph.Graph(n=n, edges=[(index[u], index[v]) for u, v in G.edges], directed=True)
        lengths = [1.0 / d["patients"] for _, _, d in G.edges(data=True)]
        t_bare, _ = timed(lambda: g.betweenness(directed=True, weights=lengths), repeat)
        t_fast, m_fast = timed(lambda: brokerage(G, engine="igraph"), repeat)
        t_nx, _ = timed(lambda: brokerage(G, engine="networkx"), 1 if n > 500 else repeat)
        rows.append((f"brokerage (weighted betweenness), {n:,} organisations, {4 * n:,} ties",
                     t_fast, m_fast,
                     f"{t_fast / t_bare:.1f}x a bare igraph call ({t_bare:.3f} s, igraph "
                     f"{igraph.__version__}); networkx engine {t_nx:.2f} s "
                     f"({t_nx / t_fast:.0f}x slower)"))
    return rows


def pyvis_page(system) -> str:
    """The peer: the usual pyvis route (``from_nx`` on the organisation network, then HTML)."""
    from pyvis.network import Network

    net = Network(directed=True)
    net.from_nx(system.org_network().copy())
    return net.generate_html()


def browser_seconds(path: Path, relax: bool = False) -> float | None:
    """Seconds from opening a map in headless Chromium until it has drawn (or, with ``relax``,
    until a click on "Relax layout" has settled and stopped); None without a browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_selector(".netkit-map[data-rendered=true]", state="attached",
                               timeout=120_000)
        drawn = time.perf_counter() - start
        if relax:
            start = time.perf_counter()
            page.click(".nk-relax")
            page.wait_for_selector(".netkit-map[data-physics=off]", state="attached",
                                   timeout=120_000)
            drawn = time.perf_counter() - start
        browser.close()
    return drawn


def map_benchmarks(repeat: int) -> list[tuple]:
    import tempfile

    from netkit.viz.maps import map_system

    rows = []
    riverside = netkit.load_system(netkit.sample_path("riverside"))
    big = replicated_riverside(44)
    for label, system in (("riverside, 46 organisations", riverside),
                          (f"{len(big.organisations):,} organisations", big)):
        t, m = timed(lambda: map_system(system).to_html(), repeat)
        t_peer, _ = timed(lambda: pyvis_page(system), max(repeat // 2, 1))
        rows.append((f"HTML map ({label})", t, m,
                     f"{t / t_peer:.1f}x pyvis from_nx + generate_html ({t_peer:.3f} s; "
                     "not self-contained, no layout)"))
    folder = Path(tempfile.mkdtemp())
    page = map_system(big).save(folder / "big.html")
    opened = [browser_seconds(page) for _ in range(3)]
    if opened[0] is not None:
        size = page.stat().st_size / 2**20
        rows.append((f"open the {len(big.organisations):,}-organisation map in headless "
                     f"Chromium until drawn ({size:.1f} MiB file)", statistics.median(opened),
                     float("nan"), ""))
        relaxed = [browser_seconds(page, relax=True) for _ in range(3)]
        rows.append(("... then \"Relax layout\" until the physics settles and stops",
                     statistics.median(relaxed), float("nan"), ""))
    return rows


def incremental_and_full(system, changeset, repeat: int) -> tuple[float, float, float]:
    """Seconds for a tracker to take a changeset (recomputing only what it touches), its peak
    memory, and seconds to recompute every opportunity on the changed system."""
    change = netkit.apply_changes(system, changeset)
    tracker = netkit.PartnerTracker(system)

    def incremental():  # a copy of the tracker, so that every run starts from the same state
        tracker_copy = netkit.PartnerTracker.__new__(netkit.PartnerTracker)
        tracker_copy.__dict__.update({**tracker.__dict__,
                                      "partner_sets": dict(tracker.partner_sets),
                                      "dependencies": dict(tracker.dependencies)})
        tracker_copy.apply(change)

    def full():
        for oid in system.opportunities:
            netkit.find_partners(change.system, oid)

    t_inc, m = timed(incremental, repeat)
    t_full, _ = timed(full, repeat)
    return t_inc, m, t_full


LOAD_SCRIPT = """
import resource, sys, time
import netkit
start = time.perf_counter()
netkit.load_system(sys.argv[1])
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
"""


def scale_benchmarks(repeat: int) -> list[tuple]:
    """Generated systems at ICS, region and national scale (`netkit generate`): generating,
    loading (time and the whole process's peak memory, in a fresh process), partner queries
    at each scope, all opportunities, incremental recompute, and maps."""
    import tempfile

    from netkit.change.changeset import Changeset
    from netkit.metrics.brokerage import weighted_betweenness
    from netkit.partners.criteria import compute_criteria
    from netkit.partners.scope import find_scope
    from netkit.viz.maps import map_system

    folder = Path(tempfile.mkdtemp(prefix="netkit-bench-"))
    rows = []
    start = time.perf_counter()
    netkit_cmd = [sys.executable, "-m", "netkit"]
    subprocess.run(netkit_cmd + ["generate", "--scale", "national", "--seed", "0", "-o",
                                 str(folder / "england")], check=True, capture_output=True)
    t_gen = time.perf_counter() - start
    for scale, area in (("ics", "QKK"), ("region", "Y56")):
        subprocess.run(netkit_cmd + ["generate", "--scale", scale, "--area", area, "--seed", "0",
                                     "-o", str(folder / scale)], check=True, capture_output=True)
    england = netkit.load_system(folder / "england")
    sizes = f"{len(england.organisations):,} organisations, {len(england.flows):,} flows"
    rows.append((f"generate the national system ({sizes}), `netkit generate`", t_gen,
                 float("nan"), "one run"))
    loads = [subprocess.run([sys.executable, "-c", LOAD_SCRIPT, str(folder / "england")],
                            check=True, capture_output=True, text=True).stdout.split()
             for _ in range(3)]
    t_load = statistics.median(float(x[0]) for x in loads)
    rss = max(float(x[1]) for x in loads)
    rows.append((f"load the national system ({sizes}); memory is the whole process's peak "
                 "resident size", t_load, rss * 1024, f"{rss:.2f} GiB peak (target: under 30 s "
                 "and 4 GB)"))
    ics = netkit.load_system(folder / "ics")
    region = netkit.load_system(folder / "region")
    queries = (("ICS", ics, "QKK-frailty-admissions", repeat),
               ("region", region, "Y56-stroke-network", repeat),
               ("national", england, "national-frailty-admissions", 3))
    for label, system, opp, runs in queries:
        t, m = timed(lambda: netkit.find_partners(system, opp), runs)
        scope = find_scope(system, system.opportunity(opp))
        target = {"ICS": "0.5 s", "region": "", "national": "10 s"}[label]
        rows.append((f"one partner query, {label} scope ({opp}: {len(scope.candidates):,} "
                     f"candidates, {len(scope.flows):,} flows)", t, m,
                     f"target under {target}" if target else ""))
    crit = compute_criteria(england, find_scope(england, england.opportunity(
        "national-frailty-admissions")))
    pairs = crit.pairs
    nodes = list(crit.network.nodes)
    try:
        import igraph
        import numpy as np

        index = {v: i for i, v in enumerate(nodes)}
        ends = (pairs["source"].tolist(), pairs["target"].tolist())

        def build():
            return igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in
                                                     zip(*ends)], directed=True)

        g = build()
        lengths = (1.0 / pairs["patients"].to_numpy()).tolist()
        sources = sorted(np.random.default_rng(0).choice(len(nodes), 256, replace=False).tolist())
        t_bare, _ = timed(lambda: g.betweenness(directed=True, weights=lengths, sources=sources),
                          3)
        t_built, _ = timed(lambda: build().betweenness(directed=True, weights=lengths,
                                                       sources=sources), 3)
        weights = pairs["patients"].tolist()
        t_ours, m = timed(lambda: weighted_betweenness(nodes, *ends, weights, sources=256), 3)
        rows.append((f"brokerage as a partner query computes it, national frailty scope "
                     f"({len(nodes):,} organisations, {len(pairs):,} ties; 256 sampled sources)",
                     t_ours, m,
                     f"{t_ours / t_bare:.1f}x a bare igraph call on a graph already built "
                     f"({t_bare:.2f} s); {t_ours / t_built:.1f}x igraph building the graph and "
                     f"calling ({t_built:.2f} s)"))
    except ImportError:
        pass
    t_all, m = timed(lambda: netkit.find_all_partners(region), 2)
    rows.append((f"all {len(region.opportunities)} opportunities (generated London region, "
                 f"{len(region.organisations):,} organisations)", t_all, m, ""))
    one_event = Changeset.of([{"scale_flows": {"pathway": "QKK-frailty-urgent",
                                                "factor": 1.1}}])
    t_inc, m, t_full = incremental_and_full(region, one_event, 2)
    rows.append((f"incremental recompute after one event (generated London region, "
                 f"{len(region.opportunities)} opportunities; the event scales one ICS's "
                 "frailty flows)", t_inc, m,
                 f"{t_full / t_inc:.0f}x faster than recomputing all ({t_full:.2f} s)"))
    for label, system, budget in (("generated London region", region, None),
                                  ("generated England", england, None),
                                  ("generated London region, budget raised to 10,000", region,
                                   10_000)):
        kwargs = {} if budget is None else {"max_nodes": budget}
        drawn = map_system(system, **kwargs)
        t, m = timed(lambda: map_system(system, **kwargs).to_html(), 3)
        t_page, _ = timed(drawn.to_html, 3)
        t_peer, _ = timed(lambda: pyvis_lists_page(drawn), 3)
        rows.append((f"HTML map ({label}: {len(system.organisations):,} organisations, "
                     f"{len(drawn.nodes):,} drawn, {len(drawn.edges):,} edges)", t, m,
                     f"page alone {t_page:.2f} s; pyvis given the same node and edge lists "
                     f"{t_peer:.2f} s (no layout, not self-contained)"))
    return rows


def pyvis_lists_page(drawn) -> str:
    """The peer for large maps: pyvis handed node and edge lists directly (no from_nx)."""
    from pyvis.network import Network

    net = Network(directed=True)
    nodes = drawn.nodes
    net.add_nodes(nodes["id"].tolist(), label=nodes["label"].tolist(),
                  title=nodes["tooltip"].tolist(), size=nodes["size"].tolist())
    for source, target, width in zip(drawn.edges["source"].tolist(),
                                     drawn.edges["target"].tolist(),
                                     drawn.edges["width"].tolist()):
        net.add_edge(source, target, width=width)
    return net.generate_html()


def synthetic_events(n: int, seed: int = 0):
    """``n`` shuffled events of ``n / 10`` patients with text ids (``P00012345``), 50 services
    and times over a year: the same data for every tool."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    case = rng.integers(0, max(n // 10, 1), n)
    ids = pd.Series(case).map("P{:08d}".format).to_numpy(dtype=object)
    seconds = rng.integers(0, 365 * 86_400, n).astype(np.int64)
    times = pd.to_datetime(pd.Timestamp("2024-01-01").value + seconds * 10**9)
    services = np.array([f"svc{i:02d}" for i in range(50)], dtype=object)[rng.integers(0, 50, n)]
    return pd.DataFrame({"case_id": ids, "timestamp": times, "activity": services})


def numpy_dfg(events):
    """The peer: a plain numpy directly-follows count (factorize, lexsort, neighbour compare,
    bincount), without start and end activities."""
    import numpy as np
    import pandas as pd

    case, _ = pd.factorize(events["case_id"])
    activity, labels = pd.factorize(events["activity"])
    order = np.lexsort((events["timestamp"].to_numpy().view(np.int64), case))
    case, activity = case[order], activity[order]
    same = case[1:] == case[:-1]
    k = len(labels)
    return np.bincount(activity[:-1][same] * k + activity[1:][same], minlength=k * k)


def pm4py_dfg(events):
    import pm4py

    return pm4py.discover_dfg(events, case_id_key="case_id", activity_key="activity",
                              timestamp_key="timestamp")


def mining_benchmarks(repeat: int) -> list[tuple]:
    """Directly-follows counts and full pathway mining on 1M, 2M and 10M synthetic events,
    against a plain numpy pipeline and pm4py's discover_dfg (where installed) on the same data.
    Memory is the peak traced during one run, per event (the input frame excluded)."""
    import contextlib
    import io

    import numpy as np
    import pandas as pd

    from netkit.mining.directly_follows import directly_follows
    from netkit.mining.pathways import mine_pathways

    try:
        with contextlib.redirect_stdout(io.StringIO()):  # pm4py prints a banner on import
            import pm4py
        have_pm4py = pm4py.__version__
    except ImportError:
        have_pm4py = None
    rows = []
    runs = max(repeat // 2, 3)
    for n in (1_000_000, 2_000_000, 10_000_000):
        events = synthetic_events(n)
        label = f"{n / 1e6:g}M shuffled events, text ids"
        t_np, m_np = timed(lambda: numpy_dfg(events), runs)
        t_dfg, m_dfg = timed(lambda: directly_follows(events), runs)
        peer = f"{t_dfg / t_np:.2f}x the numpy pipeline ({t_np:.2f} s, {m_np * 2**20 / n:.0f} " \
               "B/event)"
        if have_pm4py:
            pm_runs = runs if n <= 2_000_000 else 1
            with contextlib.redirect_stdout(io.StringIO()):
                t_pm, _ = timed(lambda: pm4py_dfg(events), pm_runs) if pm_runs > 1 else \
                    (_once(lambda: pm4py_dfg(events)), float("nan"))
            peer += f"; {t_pm / t_dfg:.1f}x faster than pm4py {have_pm4py} ({t_pm:.1f} s" + \
                (", one run" if pm_runs == 1 else "") + ")"
        rows.append((f"directly_follows, {label} ({n / t_dfg / 1e6:.2f}M events/s, "
                     f"{m_dfg * 2**20 / n:.0f} B/event)", t_dfg, m_dfg, peer))
        if n == 10_000_000:
            t_mine, m_mine = timed(lambda: mine_pathways(events, case="case_id",
                                                         service="activity"), 1)
            rows.append((f"mine_pathways (patients, transitions, medians), {label} "
                         f"({n / t_mine / 1e6:.2f}M events/s, {m_mine * 2**20 / n:.0f} B/event)",
                         t_mine, m_mine, f"{t_mine / t_dfg:.1f}x directly_follows"))
    # Already in (case, time) order, integer ids: no sort runs.
    n = 10_000_000
    rng = np.random.default_rng(1)
    ordered = pd.DataFrame({"case_id": np.sort(rng.integers(0, n // 10, n)),
                            "timestamp": pd.to_datetime(np.arange(n, dtype=np.int64)),
                            "activity": rng.integers(0, 50, n)})
    t_sorted, m_sorted = timed(lambda: directly_follows(ordered), runs)
    rows.append((f"directly_follows, 10M events already in order, integer ids "
                 f"({n / t_sorted / 1e6:.1f}M events/s)", t_sorted, m_sorted, ""))
    return rows


def _once(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def machine() -> dict:
    import networkx
    import numpy
    import pandas

    info = {"python": platform.python_version(), "machine": platform.machine(),
            "cores": os.cpu_count(), "netkit": netkit.__version__,
            "pandas": pandas.__version__, "networkx": networkx.__version__,
            "numpy": numpy.__version__}
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gib"] = round(int(meminfo) / 2**20, 1)
        model = [l for l in Path("/proc/cpuinfo").read_text().splitlines()
                 if l.startswith("model name")]
        info["cpu"] = model[0].split(":", 1)[1].strip() if model else platform.processor()
    except OSError:
        pass
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-events", action="store_true",
                        help="leave out pathway mining on 1M-10M synthetic events (minutes)")
    parser.add_argument("--skip-scale", action="store_true",
                        help="leave out the generated ICS, region and national systems (minutes)")
    parser.add_argument("--only-diagnose", action="store_true",
                        help="run only the diagnosis benchmarks (the target rows diagnose_ics "
                             "and diagnose_national)")
    parser.add_argument("--only-scale", action="store_true",
                        help="run only the generated-system benchmarks (prints; never writes)")
    parser.add_argument("--only", metavar="NAME,...",
                        help="run only these benchmarks with a target (benchmarks/targets.py: "
                             f"{', '.join(TARGETS)}); with --write, record them in the targets "
                             "table")
    parser.add_argument("--skip-targets", action="store_true",
                        help="leave out the benchmarks with a target (benchmarks/targets.py)")
    parser.add_argument("--only-money", action="store_true",
                        help="run only the ICS partner query with the money's Monte Carlo (the "
                             "target row money_ics; the same as --only money_ics)")
    args = parser.parse_args(argv)
    # the commands timed here run as installed: Python's compiled bytecode cached, as pip's
    # install and an editable install's first run leave it. Where PYTHONDONTWRITEBYTECODE is
    # set (this machine sets it), none is ever written for netkit's own modules, and every
    # command compiled some 200 of them again (0.1-0.15 s of `partners --all`)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.only_money:
        args.only = ",".join(filter(None, [args.only, "money_ics"]))
    if args.only_diagnose:
        args.only = ",".join(filter(None, [args.only, "diagnose_ics", "diagnose_national"]))
    if args.only:
        rows = run_targets(args.only.split(","), args.repeat)
        print("\n".join(row.line() for row in rows))
        if args.write:
            write_targets(rows)
        return 0
    if args.only_scale:
        for name, t, m, ratio in scale_benchmarks(args.repeat):
            print(f"| {name} | {t:.3f} | {'' if m != m else f'{m:.1f}'} | {ratio} |")
        return 0
    rows = []
    riverside = netkit.sample_path("riverside")
    t, m = timed(lambda: netkit.load_system(riverside), args.repeat)
    rows.append(("load riverside (46 organisations, 669 flows)", t, m, ""))
    system = netkit.load_system(riverside)
    t, m = timed(lambda: netkit.find_partners(system, "frailty-admissions"), args.repeat)
    rows.append(("one partner query (riverside, frailty-admissions)", t, m, ""))
    t_all, m = timed(lambda: netkit.find_all_partners(system), args.repeat)
    rows.append(("all 7 opportunities (riverside)", t_all, m, ""))
    t_stab, m = timed(lambda: netkit.find_partners(system, "frailty-admissions", stability=100),
                      args.repeat)
    rows.append(("partner query with --stability 100", t_stab, m,
                 f"{t_stab / rows[1][1]:.1f}x one query"))
    netkit_cmd = [sys.executable, "-m", "netkit"]
    t_help = command_seconds(netkit_cmd + ["--help"], args.repeat)
    t_python = command_seconds([sys.executable, "-c", "pass"], args.repeat)
    rows.append(("CLI start-up (`python -m netkit --help`)", t_help, float("nan"),
                 f"{t_help / t_python:.1f}x a bare `python -c pass` ({t_python:.3f} s)"))
    from netkit.change.changeset import Changeset

    big = replicated_riverside(15)
    one_event = Changeset.of([{"scale_flows": {"pathway": "stroke~3", "factor": 1.1}}])
    n_opps = len(big.opportunities)
    t_inc, m, t_full = incremental_and_full(big, one_event, max(args.repeat // 2, 2))
    rows.append((f"incremental recompute after one event ({n_opps} opportunities, "
                 f"{len(big.organisations):,} organisations)", t_inc, m,
                 f"{t_full / t_inc:.0f}x faster than recomputing all ({t_full:.2f} s)"))
    rows += graph_benchmarks(args.repeat)
    rows += map_benchmarks(args.repeat)
    if not args.skip_scale:
        rows += scale_benchmarks(args.repeat)
    if not args.skip_events:
        rows += mining_benchmarks(args.repeat)
    measured = [] if args.skip_targets else run_targets(None, args.repeat)
    rows += [(row.name, row.seconds, row.memory, row.peer) for row in measured]
    facts = machine()
    lines = ["| benchmark | median (s) | peak memory (MiB) | ratio to peer |",
             "|---|--:|--:|---|"]
    for name, t, m, ratio in rows:
        mem = "" if m != m else f"{m:.1f}"
        lines.append(f"| {name} | {t:.3f} | {mem} | {ratio} |")
    table = "\n".join(lines)
    text = (f"Machine: {json.dumps(facts)}\n\nMedians of {args.repeat} runs after one warm-up; "
            f"peak memory is Python allocations traced in one run.\n\n{table}\n")
    print(text)
    if args.write:
        readme = HERE / "README.md"
        body = readme.read_text()
        start, end = "<!-- results -->", "<!-- /results -->"
        before, _, rest = body.partition(start)
        _, _, after = rest.partition(end)
        readme.write_text(f"{before}{start}\n{text}{end}{after}")
        if measured:
            write_targets(measured)
    return 0


def write_targets(rows) -> None:
    """Record the rows' results in the targets table of benchmarks/README.md (targets not
    run keep their last result)."""
    readme = HERE / "README.md"
    body = readme.read_text()
    start, end = "<!-- targets -->", "<!-- /targets -->"
    before, _, rest = body.partition(start)
    previous, _, after = rest.partition(end)
    facts = json.dumps(machine())
    table = targets_table(rows, previous)
    readme.write_text(f"{before}{start}\nLast measured on: {facts}\n\n{table}{end}{after}")


if __name__ == "__main__":
    sys.exit(main())
