"""The course as an nbgrader course: one assignment per notebook, and the settings every nbgrader step shares.

    from nbgrader_course import course_api, stage_assignments, grading_environment

nbgrader keeps a course in one folder: ``source/<assignment>/`` (the instructor's notebooks, solutions and hidden
tests in), ``release/`` (the learners' copies, made by ``generate_assignment``), ``submitted/<student>/``,
``autograded/``, ``feedback/``, and a SQLite gradebook (``gradebook.db``). The course's notebooks live in
``course/``; `stage_assignments` copies each notebook that is asked for into ``source/<its name>/``, so each
notebook is one assignment named after its file (``02_identity_block``).

The exercises carry nbgrader's cell metadata (schema 3): the learner's function is an autograded answer cell, the
check after it an autograder test cell worth `resnet_widgets.checks.POINTS`, with hidden calls between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``. While nbgrader grades, a check's verdict shows its points
as its plain text, nbgrader's partial credit (`resnet_widgets.checks.verdict`).

`course_config` holds what the course changes in nbgrader's defaults:
- the stub that replaces a solution: ``raise NotImplementedError("Exercise: ...")``, the line learners have
  always seen, which a check turns into its one-line "Not written yet" stop;
- the cell timeout. nbgrader's default is 30 s. Measured here (2 CPU cores shared with a test run, load 4.4,
  ``nice -n 19``): the slowest graded cell is notebook 04's ResNet50 check with its hidden call, 19 s; the other
  checks take 0.1 to 6 s. Whole notebooks in fast mode took at most 541 s each, loaded (docs/BENCHMARKS.md,
  "Notebook times, fast mode"), and no cell can take longer than its notebook, so `CELL_TIMEOUT` is 600 s;
- `grading_environment`: the kernels nbgrader starts run in fast mode (the labs' training sized for two CPU
  cores, behind each notebook's ``parameters`` cell), with TensorFlow's start-up notices off (nbgrader gives a
  test cell that writes to stderr no points) and matplotlib drawing off-screen. Widgets need nothing: nbgrader
  runs notebooks with nbclient, the runner `make notebooks` already uses headless on every notebook with widgets.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config

from resnet_lab.environment import environment_variables

# The line a learner replaces: it stands where the solution was, at the solution's indentation.
PLACEHOLDER = ('raise NotImplementedError("Exercise: replace this line with your code (the instructions are above), '
               'run this cell, then run the check below.")')
CELL_TIMEOUT = 600  # seconds per cell; see the module's docstring for the measurements
GRADING_ENVIRONMENT = {"RESNET_COURSE_MODE": "fast", "TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}


def assignment_id(notebook: Path | str) -> str:
    """The assignment a course notebook becomes: its file name without ``.ipynb`` (``02_identity_block``).

    Raises:
        ValueError: `notebook` does not name a ``.ipynb`` file.
    """
    path = Path(notebook)
    if path.suffix != ".ipynb":
        raise ValueError(f"notebook must be a .ipynb file; received {notebook}")
    return path.stem


def course_config(root: Path | str, cell_timeout: int = CELL_TIMEOUT, gradebook: bool = True) -> Config:
    """nbgrader's configuration for a course folder `root` (created if missing), its gradebook inside it.

    With gradebook=False, generate_assignment records nothing (no_database, and no SaveCells step): copies for
    learners who study alone need no gradebook, and creating one costs seconds (nbgrader runs `alembic`).

    Raises:
        TypeError: cell_timeout is not a whole number.
        ValueError: cell_timeout is below 1.
    """
    if isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int):
        raise TypeError(f"cell_timeout must be a whole number of seconds; received {cell_timeout!r}")
    if cell_timeout < 1:
        raise ValueError(f"cell_timeout must be at least 1 second; received {cell_timeout}")
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Exchange.root = str(root / "exchange")  # no exchange here: nothing is written outside `root`
    config.ClearSolutions.code_stub = {"python": PLACEHOLDER}
    config.Execute.timeout = cell_timeout
    if not gradebook:
        from nbgrader.converters import GenerateAssignment
        from nbgrader.preprocessors import SaveCells

        config.GenerateAssignment.no_database = True
        steps = GenerateAssignment.class_traits()["preprocessors"].default()
        config.GenerateAssignment.preprocessors = [step for step in steps if step is not SaveCells]
    return config


def course_api(root: Path | str, cell_timeout: int = CELL_TIMEOUT, gradebook: bool = True):
    """nbgrader's own API (``NbGraderAPI``) on the course folder `root`: generate_assignment, autograde, ...

    Each call runs nbgrader's app in this process, as nbgrader's own tests do, and returns its
    ``{"success": bool, "log": str, "error": str}``.
    """
    from nbgrader.apps import NbGraderAPI

    # nbgrader's gradebook runs the `alembic` command by name; `make` runs .venv/bin/python without activating
    # the environment, so its bin folder may be missing from PATH.
    scripts = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    return NbGraderAPI(config=course_config(root, cell_timeout, gradebook))


def stage_assignments(course: Path | str, root: Path | str, notebooks=None) -> list[str]:
    """Copy course notebooks into ``root/source/<assignment>/``, one assignment each; return the assignment ids.

    Args:
        course: the folder of course notebooks.
        root: the nbgrader course folder.
        notebooks: file names in `course` (default: every ``*.ipynb`` directly in it).

    Raises:
        FileNotFoundError: `course` is not a folder, or a named notebook is not in it.
    """
    course = Path(course)
    if not course.is_dir():
        raise FileNotFoundError(f"course must be a folder of notebooks; {course} is not one")
    names = sorted(p.name for p in course.glob("*.ipynb")) if notebooks is None else list(notebooks)
    ids = []
    for name in names:
        if not (course / name).is_file():
            raise FileNotFoundError(f"notebooks: {name} is not in {course}")
        target = Path(root) / "source" / assignment_id(name)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(course / name, target / name)
        ids.append(assignment_id(name))
    return ids


def grading_environment():
    """Set `GRADING_ENVIRONMENT` for the kernels nbgrader starts inside the block; restore it after."""
    return environment_variables(GRADING_ENVIRONMENT)


def checked(result: dict, step: str) -> dict:
    """`result` (what an NbGraderAPI call returns) when it succeeded.

    Raises:
        RuntimeError: naming the step, with nbgrader's log and error, when it did not.
    """
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {step} failed:\n{result.get('log', '')}\n{result.get('error', '')}".strip())
    return result
