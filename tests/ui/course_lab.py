"""JupyterLab started the way `make lab` starts it, on a copy of the course, for the tests that look at
the course as a learner gets it (test_landing.py, course_notebooks.py)."""

import json
import shutil
import sys
import urllib.request
from pathlib import Path

from .harness import REPO_ROOT, JupyterLabServer, start_jupyterlab

COURSE = REPO_ROOT / "course"

# Opening a trusted notebook, JupyterLab's widget manager sometimes loses a race between restoring the saved
# widget state and connecting the kernel, and logs this for a model the notebook does save
# (jupyter-widgets/ipywidgets#3823). It is JupyterLab's, and running the cell draws the widget; tests that
# only open notebooks accept it, by this name.
OPENING_RACE = "widget model not found"
START_LAB = REPO_ROOT / "scripts" / "start_lab.py"


def start_course_lab(base: Path, env: dict | None = None) -> JupyterLabServer:
    """Copy course/ to ``base/notebooks`` and serve it through scripts/start_lab.py (what `make lab` runs).

    Jupyter's data folder is a fresh one under ``base``: only what the script itself trusts is trusted. So is
    the temporary folder (TMPDIR, ``server.temp_dir``): what a notebook leaves there can be seen.
    The harness' port, token and settings are appended to the script's command line and win.
    """
    shutil.copytree(COURSE, Path(base) / "notebooks")
    temp_dir = Path(base) / "tmp"
    temp_dir.mkdir()
    env = {"JUPYTER_DATA_DIR": str(Path(base) / "jupyter-data"), "TMPDIR": str(temp_dir), **(env or {})}
    server = start_jupyterlab(base, timeout=180, env=env, launcher=[sys.executable, str(START_LAB)])
    server.temp_dir = temp_dir
    return server


def shut_down_kernels(server: JupyterLabServer) -> None:
    """Stop every kernel the server runs (each notebook opened started one)."""
    with urllib.request.urlopen(f"{server.url}api/sessions?token={server.token}", timeout=30) as response:
        sessions = json.load(response)
    for session in sessions:
        url = f"{server.url}api/sessions/{session['id']}?token={server.token}"
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=30).close()
