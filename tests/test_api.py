"""The public API: every exported name resolves, and importing netkit stays light."""

import subprocess
import sys

import netkit


def test_every_exported_name_resolves():
    for name in netkit.__all__:
        assert getattr(netkit, name) is not None, name


def test_unknown_name_is_an_attribute_error():
    try:
        netkit.no_such_thing
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_cli_import_does_not_load_heavy_libraries():
    code = ("import sys, netkit.cli; "
            "print(sorted(m for m in ('pandas', 'networkx', 'sklearn', 'pyvis', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_netkit_runs():
    out = subprocess.run([sys.executable, "-m", "netkit", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == f"netkit {netkit.__version__}"


def test_installed_netkit_finds_its_samples(tmp_path):
    code = "import netkit; print(netkit.load_system(netkit.sample_path('riverside')).name)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert out.stdout.strip() == "Riverside Integrated Care System"


def test_installed_command_runs_the_main_job(tmp_path):
    """The installed package (not this checkout: the command runs from elsewhere) has every
    module the main job needs."""
    import json
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-m", "netkit", "partners",
                          str(netkit.sample_path("riverside")), "-O", "frailty-admissions",
                          "-f", "json"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["opportunity"]["id"] == "frailty-admissions"


def test_every_module_declares_its_public_names():
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(netkit.__path__[:1], "netkit."):
        if info.name.startswith("netkit.cli") or info.name == "netkit.__main__":
            continue
        module = importlib.import_module(info.name)
        assert hasattr(module, "__all__"), info.name
        for name in module.__all__:
            assert hasattr(module, name), (info.name, name)


def test_every_package_is_installed():
    """setup.cfg lists packages by hand: a subpackage missing there works from the checkout and
    is absent from an installed netkit."""
    import configparser
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    config = configparser.ConfigParser()
    config.read(root / "setup.cfg")
    listed = {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}
    found = {".".join(init.parent.relative_to(root).parts)
             for init in (root / "netkit").rglob("__init__.py") if "__pycache__" not in init.parts}
    assert found - listed == set()
