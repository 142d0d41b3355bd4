"""Work side by side in worker processes (netkit/_parallel.py) and `find_all_partners(jobs=N)`:
the same results, in the same order, the same errors and the same progress as one after
another."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from conftest import sample_system
from netkit.cli import cli

import netkit
from netkit import _progress
from netkit._parallel import available_jobs, can_fork, ordered_map
from netkit.errors import OptionError
from netkit.render.formats import to_jsonable

forking = pytest.mark.skipif(not can_fork(), reason="worker processes are forked; this "
                                                    "platform cannot fork")


def _square_or_fail(x):
    if x in (4, 6):
        raise ValueError(f"item {x} is bad")
    return x * x


def _late(x):
    """x * 10, the earlier items taking longer: a worker done early must still wait its turn."""
    import time

    time.sleep(0.05 * (5 - x))
    return x * 10


def test_results_come_back_in_order():
    assert ordered_map(_late, [0, 1, 2, 3, 4], "numbers", jobs=3) == [0, 10, 20, 30, 40]
    assert ordered_map(lambda x: x, [], "numbers", jobs=4) == []


@forking
def test_the_work_runs_in_other_processes():
    pids = ordered_map(lambda _: os.getpid(), range(4), "numbers", jobs=2)
    assert os.getpid() not in pids
    assert ordered_map(lambda _: os.getpid(), range(4), "numbers", jobs=1) == [os.getpid()] * 4


@forking
def test_workers_start_with_what_existed_frozen_and_the_caller_gets_it_back():
    """The collector in a worker leaves alone what it was forked with (no memory pages copied
    by walking it); the caller's objects are collected as before once the work is done, and a
    freeze the caller made itself is left in place."""
    import gc

    assert gc.get_freeze_count() == 0
    assert ordered_map(lambda _: gc.get_freeze_count() > 0, range(2), "numbers", jobs=2) == [
        True, True]
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        ordered_map(lambda x: x, range(2), "numbers", jobs=2)
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


@forking
def test_a_worker_runs_its_own_parallel_work_itself():
    """No workers of workers: inside a worker, ordered_map works one item after another."""
    inner = ordered_map(lambda _: ordered_map(lambda _: os.getpid(), range(3), "inner", jobs=2),
                        range(2), "outer", jobs=2)
    assert all(len(set(pids)) == 1 and os.getpid() not in pids for pids in inner)


def test_threads_each_get_their_own_results():
    from concurrent.futures import ThreadPoolExecutor

    def tagged(tag):
        return ordered_map(lambda x: (tag, x), range(6), "numbers", jobs=2)

    with ThreadPoolExecutor(2) as threads:
        got = list(threads.map(tagged, ["a", "b", "c", "d"]))
    assert got == [[(tag, x) for x in range(6)] for tag in "abcd"]


def test_warnings_raised_in_a_worker_are_raised_here():
    import warnings

    def odd(x):
        if x % 2:
            warnings.warn(f"item {x} is odd", UserWarning, stacklevel=1)
        return x

    with pytest.warns(UserWarning) as caught:
        assert ordered_map(odd, range(4), "numbers", jobs=2) == [0, 1, 2, 3]
    assert [str(w.message) for w in caught] == ["item 1 is odd", "item 3 is odd"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_warning_repeated_in_every_item_is_shown_once(jobs):
    """As Python's default filter shows a warning once per place in one process."""
    import warnings

    def same(x):
        warnings.warn("the same every time", UserWarning, stacklevel=1)
        return x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        ordered_map(same, range(4), "numbers", jobs=jobs)
    assert [str(w.message) for w in caught] == ["the same every time"]


@forking
def test_a_worker_that_dies_leaves_the_rest_to_the_caller(tmp_path):
    """A worker killed mid-work (out of memory, say) does not hang the command: the items
    not yet back are worked out in the calling process, and the answer is whole."""
    import subprocess
    import sys

    script = tmp_path / "dies.py"
    script.write_text(
        "import os\n"
        "from netkit._parallel import ordered_map\n"
        "caller = os.getpid()\n"
        "def work(x):\n"
        "    if x == 2 and os.getpid() != caller:\n"
        "        os._exit(9)  # the worker dies\n"
        "    return x * x\n"
        "print(ordered_map(work, range(6), 'numbers', jobs=2))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[0, 1, 4, 9, 16, 25]\n"
    assert "RuntimeWarning: a worker process stopped (out of memory?); the numbers from" in \
        done.stderr and "are analysed one after another in this process" in done.stderr


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_first_failure_in_order_is_raised_as_it_is(jobs):
    """Item 4 fails before item 6: the caller sees item 4's own exception, whatever ran first."""
    with pytest.raises(ValueError, match="^item 4 is bad$"):
        ordered_map(_square_or_fail, [1, 2, 3, 4, 5, 6], "numbers", jobs=jobs)


def test_a_result_that_cannot_be_sent_back_is_worked_out_here():
    made = ordered_map(lambda x: (lambda: x + 1), [1, 2], "numbers", jobs=2)  # not picklable
    assert [f() for f in made] == [2, 3]


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_the_items_done(jobs):
    seen = []
    with _progress.reporting(lambda what, done, total: seen.append((what, done, total))):
        ordered_map(lambda x: x, ["a", "b", "c"], "letters", jobs=jobs)
    assert seen == [("letters", 0, 3), ("letters", 1, 3), ("letters", 2, 3), ("letters", 3, 3)]


@pytest.mark.parametrize(("processors", "jobs"), [(1, 1), (2, 2), (4, 4), (64, 4)])
def test_the_default_is_one_process_per_processor_at_most_four(processors, jobs, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(processors)),
                        raising=False)
    assert available_jobs() == jobs


def test_every_partner_set_and_its_dependencies_can_be_sent_back():
    """A result that cannot be pickled is quietly worked out again in the caller, which would
    make the workers useless: a partner set must not reach the System (it cannot be pickled)."""
    import pickle

    from netkit.tracking.tracker import dependencies_of

    riverside = sample_system("riverside")
    for ps in netkit.find_all_partners(riverside).partner_sets:
        assert pickle.loads(pickle.dumps(ps)).opportunity.id == ps.opportunity.id
        pickle.dumps(dependencies_of(ps, riverside))


def _json(report) -> str:
    return json.dumps(to_jsonable(report.to_dict()), indent=2, ensure_ascii=False)


def test_all_partners_are_the_same_whatever_the_number_of_processes():
    riverside = sample_system("riverside")
    alone = netkit.find_all_partners(riverside)
    side_by_side = netkit.find_all_partners(riverside, jobs=3)
    assert [ps.opportunity.id for ps in side_by_side.partner_sets] == list(
        riverside.opportunities)
    assert _json(side_by_side) == _json(alone)
    assert side_by_side.to_text() == alone.to_text()


def test_a_scope_sent_back_leaves_what_it_kept_for_its_system():
    """What a scope keeps per system names the system itself: a partner set coming back from a
    worker would otherwise carry the whole system (and fail to pickle)."""
    import pickle

    tiny = sample_system("tiny")
    scope = netkit.find_partners(tiny, "frailty").scope
    assert "_kept" in scope.__dict__
    copy = pickle.loads(pickle.dumps(scope))
    assert "_kept" not in copy.__dict__
    assert copy.flows.equals(scope.flows) and copy.candidates == scope.candidates


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_must_be_a_whole_number_of_at_least_one(jobs):
    with pytest.raises(OptionError) as error:
        netkit.find_all_partners(sample_system("tiny"), jobs=jobs)
    assert str(error.value) == f"jobs={jobs!r}: give a whole number of processes, 1 or more"


def test_the_command_line_gives_the_same_report_with_any_number_of_jobs():
    tiny = str(netkit.sample_path("tiny"))
    outputs = {jobs: CliRunner().invoke(cli, ["partners", tiny, "--all", "-f", "json",
                                              "--jobs", jobs]) for jobs in ("1", "2")}
    assert all(result.exit_code == 0 for result in outputs.values())
    assert outputs["1"].stdout == outputs["2"].stdout


def test_jobs_needs_all():
    result = CliRunner().invoke(cli, ["partners", str(netkit.sample_path("tiny")), "-O",
                                      "frailty", "--jobs", "2"])
    assert result.exit_code == 2
    assert "Error: --jobs runs several opportunities at once; use it with --all" in result.output
    zero = CliRunner().invoke(cli, ["partners", str(netkit.sample_path("tiny")), "--all",
                                    "--jobs", "0"])
    assert zero.exit_code == 2 and "Invalid value for '--jobs' / '-j'" in zero.output


@pytest.mark.parametrize("jobs", [1, 2])
def test_all_partners_report_the_opportunities_done(jobs):
    """What `netkit partners --all` shows at a terminal: 'opportunities 1/2'."""
    seen = []
    with _progress.reporting(lambda what, done, total: seen.append((what, done, total))):
        netkit.find_all_partners(sample_system("tiny"), jobs=jobs)
    assert seen == [("opportunities", 0, 2), ("opportunities", 1, 2), ("opportunities", 2, 2)]


def test_a_tracker_finds_the_same_partner_sets_whatever_the_number_of_processes():
    from netkit.change.changeset import Changeset

    riverside = sample_system("riverside")
    trackers = [netkit.PartnerTracker(riverside, jobs=jobs) for jobs in (1, 2)]
    assert [list(t.partner_sets) for t in trackers] == [list(riverside.opportunities)] * 2
    for oid in riverside.opportunities:
        alone, side_by_side = (t.partner_sets[oid] for t in trackers)
        assert _json(side_by_side) == _json(alone)
        assert trackers[1].dependencies[oid] == trackers[0].dependencies[oid]
    close = Changeset.of([{"remove_organisation": {"id": "LA-NORTH", "services": "remove"}}])
    updates = [t.apply(close) for t in trackers]
    assert updates[1].to_text() == updates[0].to_text()


@pytest.mark.parametrize("command", ["partners", "recompute", "timeline", "watch"])
def test_every_command_that_analyses_every_opportunity_takes_jobs(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    words = " ".join(result.output.split())  # as wrapped for the terminal
    assert result.exit_code == 0
    assert "-j, --jobs N" in words and "The result is the same whatever the number" in words


def test_recompute_reports_the_same_with_any_number_of_jobs():
    riverside = netkit.sample_path("riverside")
    changeset = riverside / "changesets" / "2026-10-virtual-ward.yaml"
    outputs = [CliRunner().invoke(cli, ["recompute", str(riverside), str(changeset), "-f",
                                        "json", "-j", jobs]) for jobs in ("1", "2")]
    assert [r.exit_code for r in outputs] == [0, 0]
    assert outputs[1].stdout == outputs[0].stdout


@forking
def test_ctrl_c_stops_the_workers_and_is_reported_once(tmp_path):
    """Ctrl-C reaches every process of the terminal's group: the workers leave it to the caller,
    which stops them; one interruption is reported, no worker's traceback, no worker left."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "slow.py"
    script.write_text(
        "import pathlib, sys, time\n"
        "from netkit._parallel import ordered_map\n"
        "def nap(x):\n"
        "    (pathlib.Path(sys.argv[1]) / str(x)).touch()  # this worker is at work\n"
        "    time.sleep(60)\n"
        "ordered_map(nap, range(4), 'naps', jobs=2)\n")
    process = subprocess.Popen([sys.executable, str(script), str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT,  # noqa: PLW1509
                                                                signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while sum(1 for _ in tmp_path.glob("[0-9]")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # both workers started (and ignore Ctrl-C from then on)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=30)  # a worker left behind would hang here
    assert process.returncode == -signal.SIGINT  # interrupted, as Python ends then
    assert err.count("KeyboardInterrupt") == 1 and "ForkPoolWorker" not in err


@forking
def test_a_worker_works_its_threads_in_turn_where_its_siblings_have_the_processors():
    import threading

    from netkit._parallel import in_threads

    def thread_used(_):
        with in_threads(4) as submit:
            return submit(lambda: threading.current_thread().name).result()

    assert ordered_map(thread_used, range(2), "numbers", jobs=2) == ["MainThread"] * 2


def test_background_work_runs_beside_the_caller_where_there_is_a_processor_to_spare(
        monkeypatch):
    import threading

    from netkit import _parallel
    from netkit._parallel import in_background

    monkeypatch.setattr(_parallel, "available_jobs", lambda: 2)
    started, go_on = threading.Event(), threading.Event()

    def work():
        started.set()
        assert go_on.wait(10)  # the caller runs on meanwhile, or this would never end
        return threading.current_thread().name

    later = in_background(work)
    assert started.wait(10)
    go_on.set()
    assert later.result().startswith("netkit")
    monkeypatch.setattr(_parallel, "available_jobs", lambda: 1)  # one processor: done at once
    assert in_background(lambda: threading.current_thread().name).result() == "MainThread"


@forking
def test_a_worker_does_its_background_work_itself():
    import threading

    from netkit._parallel import in_background

    def thread_used(_):
        return in_background(lambda: threading.current_thread().name).result()

    assert ordered_map(thread_used, range(2), "numbers", jobs=2) == ["MainThread"] * 2


def test_a_partner_set_is_the_same_with_its_draws_made_in_the_background_or_at_once(
        monkeypatch):
    # the money's draws are made in a thread of their own while the criteria, selection and
    # reasons are worked out; with one processor they are made at once, in turn
    from netkit import _parallel

    system = sample_system("riverside")
    reports = {}
    for processors in (2, 1):
        monkeypatch.setattr(_parallel, "available_jobs", lambda processors=processors: processors)
        ps = netkit.find_partners(system, "frailty-admissions")
        assert ps.incentives.pending is None and "p_loss" in ps.incentives.organisations
        reports[processors] = json.dumps(to_jsonable(ps.to_dict()), sort_keys=True)
    assert reports[2] == reports[1]


@forking
def test_items_handed_out_largest_first_come_back_in_order_with_the_same_errors():
    sizes = [1, 50, 2, 40, 3, 30, 4]
    assert ordered_map(_late, range(5), "numbers", jobs=2, sizes=sizes[:5]) == [0, 10, 20, 30,
                                                                                 40]
    with pytest.raises(ValueError, match="item 4 is bad"):
        ordered_map(_square_or_fail, range(7), "numbers", jobs=2, sizes=sizes)
    with pytest.raises(ValueError, match="sizes: 2 given for 3 items"):
        ordered_map(_square_or_fail, range(3), "numbers", jobs=2, sizes=[1, 2])


def test_all_partners_hand_out_the_opportunities_with_most_flows_on_their_pathways_first():
    from netkit.partners.find_all import _flows_on_pathways

    tiny = sample_system("tiny")
    on_each = {o: _flows_on_pathways(tiny, o) for o in tiny.opportunities}
    # by hand: the flows whose pathway is one the opportunity selects
    for o, count in on_each.items():
        chosen = set(netkit.model.selectors.select_pathways(tiny.pathways,
                                                            tiny.opportunity(o).pathways))
        assert count == int(tiny.flows["pathway"].isin(chosen).sum()) > 0


def _pid_and_square_or_fail(x):
    return os.getpid(), _square_or_fail(x)


@forking
def test_a_warm_up_works_the_smallest_item_out_here_and_the_rest_in_workers():
    """With more items than workers, the smallest (by size) is worked out in the caller before
    the workers are forked; the results are the same, in the same order."""
    sizes = [5, 1, 4, 3, 2]
    got = ordered_map(_pid_and_square_or_fail, [1, 2, 3, 5, 7], "numbers", jobs=2, sizes=sizes,
                      warm_up=True)
    assert [square for _, square in got] == [1, 4, 9, 25, 49]
    here = [i for i, (pid, _) in enumerate(got) if pid == os.getpid()]
    assert here == [1]  # size 1: the smallest
    # no more items than workers: no warm-up, every item in a worker
    got = ordered_map(_pid_and_square_or_fail, [1, 2], "numbers", jobs=2, sizes=[2, 1],
                      warm_up=True)
    assert os.getpid() not in [pid for pid, _ in got]


_BUILT: list = []


def _built_before(x):
    """Whether a value built on first use existed when this item began (then builds it)."""
    existed = bool(_BUILT)
    _BUILT.append(x)
    return existed


@forking
def test_what_the_warm_up_builds_is_inherited_by_every_worker():
    _BUILT.clear()
    try:
        got = ordered_map(_built_before, range(5), "numbers", jobs=2, sizes=[5, 4, 3, 2, 1],
                          warm_up=True)
    finally:
        _BUILT.clear()
    assert got == [True, True, True, True, False]  # the last, smallest, built it here first


@forking
@pytest.mark.parametrize(("items", "message"), [
    ([1, 2, 3, 4, 5, 6], "^item 4 is bad$"),  # the warm-up (6, the smallest) fails after 4
    ([1, 6, 3, 4, 5, 2], "^item 6 is bad$"),  # the warm-up (2) is fine; 6 comes first
    ([1, 2, 3, 5, 7, 6], "^item 6 is bad$"),  # only the warm-up fails
])
def test_a_warm_up_raises_the_first_failure_in_order(items, message):
    sizes = [6, 5, 4, 3, 2, 1]
    with pytest.raises(ValueError, match=message):
        ordered_map(_square_or_fail, items, "numbers", jobs=2, sizes=sizes, warm_up=True)


@forking
def test_a_warm_up_raises_its_warnings_in_order_each_once():
    import warnings

    def noisy(x):
        warnings.warn(f"item {x}", UserWarning, stacklevel=1)
        warnings.warn("the same every time", UserWarning, stacklevel=1)
        return x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        assert ordered_map(noisy, range(4), "numbers", jobs=2, sizes=[1, 4, 3, 2],
                           warm_up=True) == [0, 1, 2, 3]
    assert [str(w.message) for w in caught] == [
        "item 0", "the same every time", "item 1", "item 2", "item 3"]


@forking
def test_a_warm_up_counts_in_the_progress():
    seen = []
    with _progress.reporting(lambda what, done, total: seen.append((what, done, total))):
        ordered_map(lambda x: x, ["a", "b", "c"], "letters", jobs=2, sizes=[3, 2, 1],
                    warm_up=True)
    assert seen == [("letters", 0, 3), ("letters", 1, 3), ("letters", 2, 3), ("letters", 3, 3)]


def _first_last(x):
    """The first item takes longest; each item warns; the later ones are back long before."""
    import time
    import warnings

    time.sleep(0.4 if x == 0 else 0.0)
    warnings.warn(f"item {x} done", UserWarning, stacklevel=1)
    return x * 10


@forking
def test_answers_back_early_are_unpickled_while_the_first_is_awaited(monkeypatch):
    # the answers of items 1-5 come back while item 0 is still being worked out: they are
    # unpickled then, not all after item 0; the results and warnings still come in order
    import pickle

    import netkit._parallel as parallel

    opened_while_waiting = []
    loads = pickle.loads

    def counting(data):
        opened_while_waiting.append(len(opened_while_waiting))
        return loads(data)

    monkeypatch.setattr(parallel.pickle, "loads", counting)
    waited = parallel._answer

    def answer(sent, index, opened):
        done = waited(sent, index, opened)
        if index == 0:
            assert sorted(opened) == [1, 2, 3, 4, 5]  # opened before item 0's turn
        return done

    monkeypatch.setattr(parallel, "_answer", answer)
    with pytest.warns(UserWarning) as caught:
        assert ordered_map(_first_last, range(6), "numbers", jobs=2) == [0, 10, 20, 30, 40, 50]
    assert [str(w.message) for w in caught] == [f"item {x} done" for x in range(6)]
    assert len(opened_while_waiting) == 6
