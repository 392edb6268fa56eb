"""What binder/ sets for a 2 GB Binder session is read by the programs it is meant for: the kernel culling by
jupyter_server, the shut-down-on-close by JupyterLab's settings schema, and binder/start runs the server it wraps."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"


def test_the_server_config_culls_idle_kernels_but_never_a_running_one():
    config = Config(json.loads((BINDER / "jupyter_server_config.json").read_text()))
    manager = MappingKernelManager(config=config)  # traitlets refuses a value of the wrong type here
    assert set(config) == {"MappingKernelManager"}
    assert set(config.MappingKernelManager) <= set(manager.trait_names()), "a setting jupyter_server does not know"
    assert 0 < manager.cull_idle_timeout <= 30 * 60 and manager.cull_interval <= manager.cull_idle_timeout
    assert manager.cull_connected is True and manager.cull_busy is False


def test_the_lab_overrides_name_real_settings():
    overrides = json.loads((BINDER / "overrides.json").read_text())
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    for plugin, settings in overrides.items():
        package, name = plugin.rsplit(":", 1)
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        for key, value in settings.items():
            assert key in schema["properties"], f"{plugin} has no setting {key!r}"
            assert type(value).__name__ == {"boolean": "bool", "integer": "int", "string": "str"}[
                schema["properties"][key]["type"]]
    assert overrides["@jupyterlab/notebook-extension:tracker"]["kernelShutdown"] is True


def test_binder_start_sets_the_small_machine_settings_and_runs_its_command():
    probe = "import json, os; print(json.dumps({k: os.environ.get(k) for k in ('MALLOC_ARENA_MAX', 'TF_NUM_INTRAOP_THREADS')}))"
    run = subprocess.run([str(BINDER / "start"), sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, env={k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"MALLOC_ARENA_MAX": "2", "TF_NUM_INTRAOP_THREADS": "2"}


def test_post_build_puts_both_settings_where_jupyterlab_and_jupyter_server_read_them(tmp_path):
    """postBuild runs with a stand-in `python` (pip and the trust step do nothing; sys.prefix is a test folder),
    and the files land where this environment's JupyterLab and jupyter_server look, relative to sys.prefix."""
    from jupyter_core.paths import jupyter_config_path
    from jupyterlab.commands import get_app_dir

    prefix, shims = tmp_path / "prefix", tmp_path / "bin"
    shims.mkdir()
    (shims / "python").write_text(f'#!/bin/sh\n[ "$1" = "-c" ] && echo "{prefix}"\nexit 0\n')
    (shims / "python").chmod(0o755)
    run = subprocess.run(["bash", str(BINDER / "postBuild")], cwd=REPO, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PATH": f"{shims}:{os.environ['PATH']}"})
    assert run.returncode == 0, run.stderr

    lab_settings = (Path(get_app_dir()) / "settings").relative_to(sys.prefix)
    assert json.loads((prefix / lab_settings / "overrides.json").read_text()) == json.loads(
        (BINDER / "overrides.json").read_text())
    server_config = Path(sys.prefix, "etc", "jupyter")
    assert str(server_config) in jupyter_config_path()
    installed = list((prefix / "etc" / "jupyter" / "jupyter_server_config.d").glob("*.json"))
    assert [json.loads(p.read_text()) for p in installed] == [json.loads((BINDER / "jupyter_server_config.json").read_text())]


def test_the_lab_overrides_turn_off_the_news_toast_and_the_update_check():
    overrides = json.loads((BINDER / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}


def test_make_lab_installs_the_same_overrides_where_jupyterlab_reads_them():
    """`make lab` (its setup-lab step) copies binder/overrides.json into this environment's JupyterLab settings,
    the folder postBuild writes to on Binder."""
    from jupyterlab.commands import get_app_dir

    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "-W", "binder/requirements.txt", "setup-lab"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert recipe.returncode == 0, recipe.stderr
    copy = next(line for line in recipe.stdout.splitlines() if "overrides.json" in line)
    target = copy.split()[-1]
    assert copy.split()[-2] == "binder/overrides.json"
    assert (REPO / target).resolve() == (Path(get_app_dir()) / "settings" / "overrides.json").resolve()
