"""Nothing lost: what netkit refuses to write over, what --force replaces, and that a write
killed at any moment leaves the old or the new system (issue 14, items 1, 2, 3, 5 and 19)."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from netkit.cli import cli

import netkit
from netkit._files import OutputError, write_atomic
from netkit.io.saving import NETKIT_FILES, recover

RIVERSIDE = netkit.sample_path("riverside")
CHANGESET = RIVERSIDE / "changesets" / "2026-10-virtual-ward.yaml"
TINY = netkit.sample_path("tiny")
ACTUALS = RIVERSIDE / "actuals" / "frailty-monthly.csv"
ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(folder: Path) -> dict:
    """Every file below ``folder`` with its bytes, to show that nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def same_system(a, b) -> bool:
    return a.name == b.name and all(a.tables()[n].equals(b.tables()[n]) for n in a.tables()) \
        and dict(a.opportunities) == dict(b.opportunities)


@pytest.fixture
def riverside_copy(tmp_path):
    """riverside as a person keeps it: README, changesets, a git folder, a comment."""
    folder = tmp_path / "riverside"
    shutil.copytree(RIVERSIDE, folder)
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "meeting.txt").write_text("ask the ICB\n")
    return folder


# -- item 1: never delete a path as given ----------------------------------------------------

def test_current_folder_is_refused_and_untouched(riverside_copy, monkeypatch):
    monkeypatch.chdir(riverside_copy)
    before = snapshot(riverside_copy)
    result = run("apply", ".", CHANGESET, "-o", ".", "--force")
    assert result.exit_code == 1
    assert result.stderr == ("Error: will not write a system to .: it is the current folder; "
                             "give a new folder, or a system folder to replace\n")
    assert snapshot(riverside_copy) == before


def test_parent_folder_is_refused_and_untouched(riverside_copy, monkeypatch):
    monkeypatch.chdir(riverside_copy / "notes")
    before = snapshot(riverside_copy.parent)
    result = run("apply", "..", CHANGESET, "-o", "..", "--force")
    assert result.exit_code == 1
    assert result.stderr == ("Error: will not write a system to ..: it contains the current "
                             "folder; give a new folder, or a system folder to replace\n")
    assert snapshot(riverside_copy.parent) == before


def test_empty_output_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in (["apply", TINY, CHANGESET], ["generate"]):
        result = run(*command, "-o", "", "--force")
        assert result.exit_code == 2
        assert "the path is empty (is a shell variable unset?)" in result.stderr
        assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_folder_holding_the_input_is_refused(riverside_copy):
    before = snapshot(riverside_copy.parent)
    result = run("apply", riverside_copy, CHANGESET, "-o", riverside_copy.parent, "--force")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: will not write a system to {riverside_copy.parent}: it "
                             f"contains an input of this command ({riverside_copy}); give a new "
                             "folder, or a system folder to replace\n")
    assert snapshot(riverside_copy.parent) == before


def test_root_and_home_are_refused(tmp_path, monkeypatch):
    # The root is checked with check_target only, never by writing: run against code without
    # the check, a save to "/" with overwrite would delete the machine's files.
    from netkit.io.saving import check_target

    with pytest.raises(OutputError, match="it is the root folder"):
        check_target("/", overwrite=True)
    home = tmp_path / "home"
    home.mkdir()
    (home / "keep.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    system = netkit.load_system(TINY)
    for target, reason in [(home, "it is your home folder"),
                           (tmp_path, "it contains your home folder")]:
        with pytest.raises(OutputError, match=reason):
            netkit.save_system(system, target, overwrite=True)
    assert [p.name for p in home.iterdir()] == ["keep.txt"]


# -- item 2: --force replaces netkit's files only --------------------------------------------

def test_apply_over_its_own_folder_keeps_everything_else(riverside_copy, tmp_path):
    changeset = riverside_copy / "changesets" / CHANGESET.name
    kept = {k: v for k, v in snapshot(riverside_copy).items()
            if k not in NETKIT_FILES}
    result = run("apply", riverside_copy, changeset, "-o", riverside_copy, "--force")
    assert result.exit_code == 0, result.output
    after = snapshot(riverside_copy)
    assert {k: v for k, v in after.items() if k not in NETKIT_FILES} == kept
    assert "README.md" in kept and ".git/HEAD" in kept
    assert f"changesets/{CHANGESET.name}" in kept
    # the folder reads back as the applied system, byte for byte as written to a new folder
    fresh = tmp_path / "fresh"
    assert run("apply", RIVERSIDE, CHANGESET, "-o", fresh).exit_code == 0
    assert {k: v for k, v in after.items() if k in NETKIT_FILES} == snapshot(fresh)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "riverside"]


def test_a_folder_that_is_not_a_system_is_refused_even_with_force(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"years of work")
    without = run("apply", TINY, CHANGESET, "-o", folder)  # says why at once, not "add --force"
    result = run("apply", TINY, CHANGESET, "-o", folder, "--force")
    assert without.stderr == result.stderr
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: will not write a system to {folder}: it is not empty and has no system.yaml, "
        "so it is not a system folder netkit wrote; netkit writes only into a new or empty "
        "folder or over a system folder, even with --force; choose another folder, or empty "
        "this one yourself\n")
    assert snapshot(folder) == {"thesis.docx": b"years of work"}


def test_generate_refuses_a_folder_that_is_not_a_system(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    result = run("generate", "-o", folder, "--force")
    assert result.exit_code == 1 and "it is not empty and has no system.yaml" in result.stderr
    assert snapshot(folder) == {"keep.txt": b"mine"}


def test_netkit_files_the_new_system_lacks_are_removed(tmp_path):
    tiny = netkit.load_system(TINY)
    target = netkit.save_system(tiny, tmp_path / "out")
    (target / "README.md").write_text("mine\n")
    assert (target / "opportunities.yaml").exists()
    tables = tiny.tables()
    tables["relationships"] = tables["relationships"].iloc[0:0]
    bare = netkit.System(tables, dict(tiny.meta), [])
    netkit.save_system(bare, target, overwrite=True)
    assert not (target / "opportunities.yaml").exists()
    again = netkit.load_system(target)
    assert dict(again.opportunities) == {} and len(again.relationships) == 0
    assert (target / "README.md").read_text() == "mine\n"


def test_a_symbolic_link_is_refused(tmp_path):
    real = netkit.save_system(netkit.load_system(TINY), tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    before = snapshot(real)
    result = run("apply", TINY, CHANGESET, "-o", link, "--force")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: will not write a system to {link}: it is a symbolic link "
                             f"(to {real}); give the real path, or a new name\n")
    assert snapshot(real) == before
    assert link.is_symlink()


def test_a_workbook_target_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "book.xlsx").mkdir()
    with pytest.raises(OutputError, match="it is a folder; give a file name ending .xlsx"):
        netkit.save_system(netkit.load_system(TINY), tmp_path / "book.xlsx", overwrite=True)


# -- item 3: a write killed at any stage ------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys, time
    import netkit, netkit.io.saving as saving

    stage, source, target = sys.argv[1:4]

    def pause(at):
        if at == stage:
            print(at, flush=True)
            time.sleep(120)

    saving._pause = pause
    netkit.save_system(netkit.load_system(source), target, overwrite=True)
    print("finished", flush=True)
""")


def kill_at(stage: str, source: Path, target: Path) -> None:
    """Run save_system in a child process, stop it at ``stage`` and SIGKILL it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen([sys.executable, "-c", CHILD, stage, str(source), str(target)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline()
        assert line == f"{stage}\n", child.stderr.read()
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("stage, survivor, loads_before_recovery", [
    ("writing", "old", True),  # while the new files are being written
    ("staged", "old", True),  # written, nothing in the target touched yet
    ("journal", "old", True),  # the swap is recorded, nothing moved yet
    ("set-aside", "old", False),  # one old file moved aside
    ("moved-in", "old", False),  # all old files aside, one new file in place
    ("swapped", "new", True),  # every new file in place, work folder not yet deleted
])
def test_a_killed_write_leaves_the_old_or_the_new_system(tmp_path, stage, survivor,
                                                         loads_before_recovery):
    old, new = netkit.load_system(TINY), netkit.load_system(RIVERSIDE)
    target = netkit.save_system(old, tmp_path / "system")
    (target / "README.md").write_text("kept\n")
    kill_at(stage, RIVERSIDE, target)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".netkit-")]
    assert len(leftovers) == 1 and leftovers[0].endswith(".write")
    if loads_before_recovery:
        expected = old if survivor == "old" else new
        assert same_system(netkit.load_system(target), expected)
    # the next write into the same folder (here another system beside it) finishes the job
    netkit.save_system(old, tmp_path / "other")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "system"]
    assert same_system(netkit.load_system(target), old if survivor == "old" else new)
    assert (target / "README.md").read_text() == "kept\n"


def test_a_killed_workbook_write_leaves_the_old_workbook(tmp_path):
    book = netkit.save_system(netkit.load_system(TINY), tmp_path / "system.xlsx")
    before = book.read_bytes()
    kill_at("staged", RIVERSIDE, book)
    assert book.read_bytes() == before
    assert recover(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["system.xlsx"]


def test_temporary_files_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".netkit-{dead.pid}-0a1b2c3d.tmp"
    stale.write_text("half a report")
    live = tmp_path / f".netkit-{os.getpid()}-0a1b2c3d.tmp"  # this process: still writing
    live.write_text("being written")
    write_atomic(tmp_path / "report.txt", "done\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "report.txt"]


def test_written_files_have_the_usual_mode(tmp_path):
    system = netkit.load_system(TINY)
    mask = os.umask(0o022)
    try:
        written = [netkit.export_network(system, tmp_path / "a.graphml"),
                   write_atomic(tmp_path / "b.txt", "x"),
                   netkit.save_system(system, tmp_path / "c.xlsx"),
                   netkit.save_system(system, tmp_path / "d") / "flows.csv",
                   tmp_path / "d"]
    finally:
        os.umask(mask)
    modes = [stat.S_IMODE(p.stat().st_mode) for p in written]
    assert modes == [0o644, 0o644, 0o644, 0o644, 0o755]  # export used to write 0600


# -- item 5: an output that is an input ------------------------------------------------------

def test_a_report_over_the_systems_own_file_is_refused(riverside_copy):
    before = snapshot(riverside_copy)
    flows = riverside_copy / "flows.csv"
    result = run("summary", riverside_copy, "-o", flows)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: cannot write {flows}: it is an input of this command; "
                             "choose another file\n")
    link = riverside_copy.parent / "link.csv"
    link.symlink_to(flows)
    result = run("partners", riverside_copy, "-O", "frailty-admissions", "--curve", link)
    assert result.exit_code == 1 and "it is an input of this command" in result.stderr
    assert snapshot(riverside_copy) == before


def test_mining_over_the_events_or_mapping_file_is_refused(tmp_path):
    folder = tmp_path / "events"
    shutil.copytree(netkit.sample_path("tiny_events"), folder)
    before = snapshot(folder)
    common = ["pathways", "mine", folder / "events.csv", "--case", "patient", "--time", "when",
              "--dayfirst", "--service", "code", "--map", folder / "codes.csv"]
    for output in ("events.csv", "codes.csv"):
        result = run(*common, "-o", folder / output)
        assert result.exit_code == 1
        assert result.stderr == (f"Error: cannot write {folder / output}: it is an input of "
                                 "this command; choose another file\n")
    assert snapshot(folder) == before


def test_apply_over_its_changeset_is_refused(tmp_path):
    changeset = tmp_path / "changes.yaml"
    shutil.copy(CHANGESET, changeset)
    result = run("apply", RIVERSIDE, changeset, "-o", changeset, "--force")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: will not write a system to {changeset}: it is an input "
                             "of this command ({changeset}); give a new folder, or a system "
                             "folder to replace\n".replace("{changeset}", str(changeset)))
    assert changeset.read_bytes() == CHANGESET.read_bytes()


# -- item 19: unwritable outputs -------------------------------------------------------------

def writing_commands(out: Path) -> dict:
    """Every command that writes a file, with ``out`` as what it writes."""
    events = netkit.sample_path("tiny_events")
    return {
        "validate": ["validate", TINY, "-o", out],
        "summary": ["summary", TINY, "-o", out],
        "export": ["export", TINY, "--to", "graphml", "-o", out],
        "opportunities": ["opportunities", TINY, "-o", out],
        "partners": ["partners", RIVERSIDE, "-O", "frailty-admissions", "-o", out],
        "explain": ["explain", TINY, "-O", "frailty", "-p", "ACUTE", "-o", out],
        "engage": ["engage", TINY, "-O", "frailty", "-o", out.with_suffix(".md")],  # no text
        "partners --curve": ["partners", RIVERSIDE, "-O", "frailty-admissions", "--curve", out],
        "apply": ["apply", RIVERSIDE, CHANGESET, "-o", out.with_suffix("")],  # a system folder
        "recompute": ["recompute", RIVERSIDE, CHANGESET, "-o", out],
        "timeline": ["timeline", RIVERSIDE, CHANGESET, "-o", out],
        "timeline --picture": ["timeline", RIVERSIDE, CHANGESET, "--picture", out],
        "visualise": ["visualise", TINY, "-o", out.with_suffix(".html")],  # maps are HTML
        "visualise --picture": ["visualise", TINY, "--picture", out],
        "pathways mine": ["pathways", "mine", events / "events.csv", "--case", "patient",
                          "--time", "when", "--dayfirst", "--service", "code", "-o", out],
        "pathways mine --system": ["pathways", "mine", events / "events.csv", "--case",
                                   "patient", "--time", "when", "--dayfirst", "--service",
                                   "code", "--system", out.with_suffix("")],
        "compare": ["compare", RIVERSIDE, TINY, "-O", "frailty-admissions", "-o", out],
        "roles": ["roles", RIVERSIDE, TINY, "-o", out],
        "generate": ["generate", "-o", out.with_suffix("")],
        "diagnose": ["diagnose", TINY, "-o", out],
        "diagnose --write-drafts": ["diagnose", TINY, "--write-drafts", out.with_suffix(".yaml")],
        "diagnose --plots": ["diagnose", TINY, "--plots", out.with_suffix("")],  # a folder
        "track": ["track", RIVERSIDE, "-O", "frailty-admissions", "-a", ACTUALS, "-o", out],
        "track --charts": ["track", RIVERSIDE, "-O", "frailty-admissions", "-a", ACTUALS,
                           "--charts", out.with_suffix("")],  # a folder
    }


def test_every_command_lists_its_outputs():
    """A new command that writes must be added to the list above (watch writes nothing).
    A command declares what it writes by its parameters' names, which `check_outputs` checks
    before anything is read."""
    from netkit.cli.options import OUTPUT_PARAMS, PICTURE_FOLDERS

    names = set()
    for name, command in cli.commands.items():
        subs = getattr(command, "commands", {name: command})
        for sub_name, sub in subs.items():
            full = name if sub is command else f"{name} {sub_name}"
            if any(p.name in OUTPUT_PARAMS + PICTURE_FOLDERS for p in sub.params):
                names.add(full)
    assert names == {key.split(" --")[0] for key in writing_commands(Path("x"))}


@pytest.mark.parametrize("command", list(writing_commands(Path("x"))))
def test_every_command_refuses_an_output_below_a_file(tmp_path, command):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    out = blocker / "out.txt"
    result = run(*writing_commands(out)[command])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: cannot write {blocker}{os.sep}out"), result.stderr
    assert result.stderr.endswith(f": {blocker} is a file, not a folder\n"), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.parametrize("out, reason", [
    ("/proc/netkit-report.txt", "no such file or directory"),
    ("/proc/self/netkit-report.txt", None),
])
def test_an_output_where_files_cannot_be_made(out, reason):
    result = run("summary", TINY, "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: cannot write {out}: ")
    if reason:
        assert result.stderr == f"Error: cannot write {out}: {reason}\n"


def test_an_output_that_is_a_folder(tmp_path):
    result = run("summary", TINY, "-o", tmp_path)  # click's own check: a usage error
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '--output' / '-o': File "
                                  f"'{tmp_path}' is a directory.\n")
    with pytest.raises(OutputError, match="it is a folder; give a file name"):
        netkit.io.outputs.check_output(tmp_path)


def test_missing_parent_folders_are_made_for_every_output(tmp_path):
    curve = tmp_path / "new" / "pictures" / "curve.svg"
    report = tmp_path / "new" / "reports" / "partners.md"
    result = run("partners", RIVERSIDE, "-O", "frailty-admissions", "--curve", curve, "-o",
                 report, "-f", "markdown")
    assert result.exit_code == 0, result.output
    assert curve.read_text().startswith("<?xml") and report.read_text().startswith("#")
    assert result.stderr == f"wrote {curve}\nwrote {report}\n"


def test_the_same_file_twice_is_refused(tmp_path):
    out = tmp_path / "x.png"
    result = run("timeline", RIVERSIDE, CHANGESET, "--picture", out, "-o", out)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {out}: it is given twice as an output\n"
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_needs_no_force(tmp_path):
    out = tmp_path / "after"
    out.mkdir()
    result = run("apply", RIVERSIDE, CHANGESET, "-o", out)
    assert result.exit_code == 0, result.output
    # every file netkit writes, but seats.csv: riverside names no seats
    assert sorted(p.name for p in out.iterdir()) == sorted(set(NETKIT_FILES) - {"seats.csv"})


def test_a_folder_on_another_file_system_is_swapped_from_inside(tmp_path, monkeypatch):
    """A mount point (a container volume, say) cannot take renames from its parent: the work
    folder goes inside it, and a swap stopped part way is still undone."""
    import netkit.io.saving as saving

    monkeypatch.setattr(saving, "_same_device", lambda a, b: False)
    old, new = netkit.load_system(TINY), netkit.load_system(RIVERSIDE)
    target = netkit.save_system(old, tmp_path / "volume")
    seen = []

    def stop(stage):
        seen.append(sorted(p.name for p in target.iterdir() if p.name.startswith(".netkit-")))
        if stage == "moved-in":
            raise KeyboardInterrupt  # Ctrl-C mid-swap: undone at once

    monkeypatch.setattr(saving, "_pause", stop)
    with pytest.raises(KeyboardInterrupt):
        netkit.save_system(new, target, overwrite=True)
    assert seen[-1] and seen[-1][0].endswith(".write")  # the work folder was inside
    assert sorted(p.name for p in target.iterdir()) == sorted(
        n for n in NETKIT_FILES if (TINY / n).exists())
    assert same_system(netkit.load_system(target), old)
    monkeypatch.setattr(saving, "_pause", lambda stage: None)
    netkit.save_system(new, target, overwrite=True)
    assert same_system(netkit.load_system(target), new)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["volume"]


def test_dev_null_is_written_as_it_is_never_replaced():
    """``-o /dev/null`` (to time a report, or to check it runs) writes to the device: it is not
    replaced by a file, which as root would break every program on the machine, nor refused
    for want of a temporary file in /dev."""
    before = os.stat("/dev/null")
    result = run("partners", TINY, "-O", "frailty", "-f", "json", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote /dev/null\n"
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert write_atomic("/dev/null", b"bytes too") == Path("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_named_pipe_is_written_to_its_reader(tmp_path):
    import threading

    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_text()), daemon=True)
    reader.start()
    write_atomic(pipe, "through the pipe\n")
    reader.join(timeout=30)
    assert got == ["through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]


def test_a_report_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "reports" / "2026-12-01.txt"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.txt"
    link.symlink_to(real)
    result = run("summary", TINY, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() != "old\n" and real.read_text() == link.read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["2026-12-01.txt"]
