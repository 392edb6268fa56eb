"""Open the course in JupyterLab, on its first notebook: what `make lab` runs.

    python scripts/start_lab.py [more jupyter lab options]    trust the course, then start JupyterLab
    python scripts/start_lab.py --trust-only                  trust the course's notebooks, and stop

The course's own notebooks are signed as trusted first (what `jupyter trust` does), so JupyterLab shows
their saved widgets and SVG pictures instead of refusing them as untrusted output. Extra options are
passed to `jupyter lab` and replace ours of the same name (the browser tests give their own port, token
and root folder this way, and otherwise start JupyterLab exactly as `make lab` does).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1] / "course"
LANDING = "00_start_here.ipynb"


def lab_command(extra=(), course: Path = COURSE) -> list[str]:
    """The `jupyter lab` command line: the course folder as root, landing on LANDING, then ``extra``.

    JupyterLab replaces `--ServerApp.default_url` with its own, so the landing page is set on LabApp.
    As root (containers, CI) JupyterLab exits at once without `--allow-root`. An option in ``extra``
    replaces ours of the same name (JupyterLab refuses one given twice).
    """
    ours = [f"--ServerApp.root_dir={course}", f"--LabApp.default_url=/lab/tree/{LANDING}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        ours.append("--allow-root")
    given = {option.split("=")[0] for option in extra}
    return [sys.executable, "-m", "jupyter", "lab", *(o for o in ours if o.split("=")[0] not in given), *extra]


def trust_course(course: Path = COURSE) -> list[str]:
    """Sign every notebook in ``course`` that is not trusted yet; return the names of those signed.

    Signatures live in Jupyter's data folder (``JUPYTER_DATA_DIR``), not in the files, so this changes
    no notebook.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()
    signed = []
    for path in sorted(Path(course).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if not notary.check_signature(notebook):
            notary.sign(notebook)
            signed.append(path.name)
    return signed


def main(argv: list[str]) -> int:
    if argv == ["--trust-only"]:
        signed = trust_course()
        if signed:
            print(f"trusted {len(signed)} course notebook(s): {', '.join(signed)}")
        return 0
    trust_course()
    command = lab_command(argv)
    if os.name == "posix":  # become JupyterLab: Ctrl-C and the test's terminate() reach it directly
        os.execv(command[0], command)
    import subprocess

    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
