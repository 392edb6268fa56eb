"""Student copies guide, they don't crash: "Run All" stops at the first exercise's check, with one friendly line.

Every notebook of the course is released by scripts/make_student_notebooks.py (what `make student` runs: nbgrader's
generate_assignment, one assignment per notebook). Each copy
is then run the way JupyterLab's "Run All" runs it (nbclient: cell after cell, stopping at the first error):
- a copy with exercises must run every cell before its first exercise's check, and stop *at* that check with
  `ExerciseNotWritten`, shown as one line (IPython's `_render_traceback_`), no traceback, no stderr;
- a copy without exercises (00, 07, 08) must be the course notebook's code unchanged.
Then the solutions are filled back into each copy, which must give back the course notebook's code exactly, cell
by cell, but for the hidden tests, which nbgrader leaves out of the checks. Such a copy, and a copy without exercises, differ from the course notebook only in having no outputs,
so the run that proves they run to the end is `make test`'s one run of each course notebook, in JupyterLab
(tests/ui/course_notebooks.py), which also compares the checked outputs. (Executing them a second time here
doubled those notebooks' share of CI's time and could find nothing more: a run of a notebook without outputs only
checks that no cell raises.)
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
NOTEBOOKS = sorted(p.name for p in COURSE.glob("[0-9][0-9]*_*.ipynb"))  # 01a, 01b and 06b too
CHECK_CALL = re.compile(r"^\s*(print\(|verdict = )?check_\w+\(", re.M)
HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS\n.*?^[ \t]*### END HIDDEN TESTS\n", re.M | re.S)


script = load_script("make_student_notebooks")


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """The student copies of the whole course, written as `make student` writes them."""
    dest = tmp_path_factory.mktemp("course-student")
    script.make_student_copies(COURSE, dest)
    return dest


@pytest.fixture(autouse=True)
def fast_mode(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "fast")  # the kernels started below inherit it


def first_check_cell(notebook):
    """Index of the first code cell after the first exercise that calls a check, or None without exercises."""
    solution = next((i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
                     and "### BEGIN SOLUTION" in c.source), None)
    if solution is None:
        return None
    check = next((i for i, c in enumerate(notebook.cells) if i > solution and c.cell_type == "code"
                  and CHECK_CALL.search(c.source)), None)
    assert check is not None, "an exercise with no check after it: Run All would stop at whatever uses it first"
    return check


def run_all(notebook, folder):
    """Run the cells in order as "Run All" does; return the index of the cell that raised, or None."""
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except CellExecutionError:
        return next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
                    and any(o.output_type == "error" for o in c.get("outputs", [])))
    return None


def restore_solutions(student_source, course_source):
    """Put the course notebook's solutions back where the copy has its placeholders."""
    solutions, current = [], None
    for line in course_source.splitlines():
        if line.strip() == "### BEGIN SOLUTION":
            current = [line]
        elif current is not None:
            current.append(line)
            if line.strip() == "### END SOLUTION":
                solutions.append(current)
                current = None
    out, found = [], iter(solutions)
    for line in student_source.splitlines():
        out.extend(next(found) if line.strip() == script.PLACEHOLDER else [line])
    return "\n".join(out)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_run_all_stops_at_the_first_check_with_one_friendly_line(name, copies):
    course = nbformat.read(COURSE / name, as_version=4)
    expected_stop = first_check_cell(course)
    copy = nbformat.read(copies / name, as_version=4)
    if expected_stop is None:  # nothing to stop at: the copy is the course's code, which nbval runs to the end
        assert [c.source for c in copy.cells] == [c.source for c in course.cells], f"{name}: the copy's code changed"
        assert script.PLACEHOLDER not in "".join(c.source for c in copy.cells)
        return
    stopped = run_all(copy, copies)
    ran = copy.cells[: stopped if stopped is not None else len(copy.cells)]
    stderr = [i for i, c in enumerate(ran) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"{name}: cells {stderr} wrote to stderr before the stop"
    assert stopped == expected_stop, f"{name}: Run All stopped at cell {stopped}, not at the first check ({expected_stop})"
    (error,) = [o for o in copy.cells[stopped].outputs if o.output_type == "error"]
    assert error.ename == "ExerciseNotWritten", error.ename
    assert len(error.traceback) == 1, error.traceback  # one line, no traceback
    line = re.sub(r"\x1b\[[0-9;]*m", "", error.traceback[0])
    assert "Not written yet" in line and "NotImplementedError" in line
    assert "Traceback" not in line and "File " not in line


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_filling_the_solutions_back_gives_the_course_notebook(name, copies):
    course = nbformat.read(COURSE / name, as_version=4)
    copy = nbformat.read(copies / name, as_version=4)
    assert [c.cell_type for c in copy.cells] == [c.cell_type for c in course.cells]
    for mine, theirs in zip(copy.cells, course.cells):
        if mine.cell_type == "code":
            assert restore_solutions(mine.source, theirs.source) == HIDDEN_TESTS.sub("", theirs.source)
            assert mine.outputs == [] and mine.execution_count is None
        else:
            assert mine.source == theirs.source  # answers and hints stay in the copy
    assert "widgets" not in copy.metadata
