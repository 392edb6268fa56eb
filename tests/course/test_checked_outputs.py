"""The comparison that replaces CI's second run of each notebook (tests/checked_outputs.py) fails where nbval
--nbval-lax fails: a changed checked output fails, a changed unchecked one does not, and on a real notebook
nbval and the comparison give the same verdicts."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ..checked_outputs import checked_output_problems

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
MARKER = "# NBVAL_CHECK_OUTPUT"


def course_notebooks():
    return sorted(COURSE.glob("*.ipynb"))


def first_checked_cell(notebook, output_type):
    """(index, cell) of the first checked code cell whose first output is of `output_type`."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and MARKER in cell.source and cell.outputs:
            if cell.outputs[0].output_type == output_type:
                return index, cell
    pytest.fail(f"no checked cell with a {output_type} output")


@pytest.fixture(scope="module")
def committed():
    return nbformat.read(COURSE / "02_identity_block.ipynb", as_version=4)


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name)
def test_every_committed_notebook_matches_itself(path):
    """The control: a run that printed exactly what is committed passes, for every course notebook."""
    notebook = nbformat.read(path, as_version=4)
    assert checked_output_problems(notebook, copy.deepcopy(notebook)) == []


def test_a_changed_checked_output_fails_and_names_the_cell(committed):
    run = copy.deepcopy(committed)
    index, cell = first_checked_cell(run, "stream")
    cell.outputs[0].text = cell.outputs[0].text.replace("1", "7", 1)  # one digit differs

    problems = checked_output_problems(committed, run)

    code_number = sum(1 for c in committed.cells[:index] if c.cell_type == "code")
    assert len(problems) == 1 and problems[0].startswith(f"Cell {code_number} ")
    assert "Cell outputs differ" in problems[0] and "mismatch 'stdout'" in problems[0]


def test_a_checked_output_that_is_missing_or_extra_fails(committed):
    missing = copy.deepcopy(committed)
    first_checked_cell(missing, "stream")[1].outputs = []
    extra = copy.deepcopy(committed)
    cell = first_checked_cell(extra, "stream")[1]
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/plain": "something more"}))

    assert "Missing output fields" in checked_output_problems(committed, missing)[0]
    assert "Unexpected output fields" in checked_output_problems(committed, extra)[0]


def test_an_unchecked_output_and_a_checked_picture_may_change_as_under_nbval_lax(committed):
    run = copy.deepcopy(committed)
    for cell in run.cells:
        if cell.cell_type == "code" and MARKER not in cell.source:
            for output in cell.outputs:
                if output.output_type == "stream":
                    output.text = "anything else\n"
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                output.data["image/png"] = "iVBORw0KGgo="  # nbval compares no pictures without --nbdime
    assert checked_output_problems(committed, run) == []


def test_a_run_of_another_version_of_the_notebook_is_refused(committed):
    run = copy.deepcopy(committed)
    next(cell for cell in run.cells if cell.cell_type == "code").source += "\nprint('edited')"
    assert "another version" in checked_output_problems(committed, run)[0]


def test_a_cell_the_run_did_not_execute_fails(committed):
    run = copy.deepcopy(committed)
    index, cell = first_checked_cell(run, "stream")
    cell.execution_count, cell.outputs = None, []
    assert "did not execute" in checked_output_problems(committed, run)[0]


TINY = ["print('checked: 6 * 7 =', 6 * 7)", "print('not checked:', id(object()) % 7)"]


def tiny_notebook(tmp_path, checked_text):
    """A two-cell notebook whose checked cell's committed output is `checked_text`."""
    cells = [nbformat.v4.new_code_cell(MARKER + "\n" + TINY[0]), nbformat.v4.new_code_cell(TINY[1])]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                               "display_name": "Python 3",
                                                                               "language": "python"}})
    for count, cell in enumerate(cells, 1):
        cell.execution_count = count
    cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=checked_text)]
    cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="not checked: 3\n")]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


def nbval_passes(path):
    """Whether `pytest --nbval-lax` itself passes on the notebook at `path` (run in a subprocess)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                          "--nbval-lax", "-o", "addopts=", str(path)], cwd=path.parent, env=env,
                         capture_output=True, text=True, timeout=300)
    return run.returncode == 0


@pytest.mark.parametrize("committed_text, passes", [("checked: 6 * 7 = 42\n", True), ("checked: 6 * 7 = 43\n", False)])
def test_nbval_and_the_comparison_agree_on_a_real_run(tmp_path, committed_text, passes):
    path = tiny_notebook(tmp_path, committed_text)
    committed = nbformat.read(path, as_version=4)
    run = copy.deepcopy(committed)
    NotebookClient(run, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()

    assert (checked_output_problems(committed, run) == []) is passes
    assert nbval_passes(path) is passes


def test_every_course_notebook_runs_in_exactly_one_browser_group():
    """The browser run is the notebooks' only run in CI: every course/*.ipynb must land in a test module, and
    a group named for a notebook that is gone (renamed, split) must not hide a module that runs nothing."""
    from ..ui import course_notebooks

    modules = {path.stem.removeprefix("test_course_notebooks_") for path in (REPO / "tests" / "ui").glob(
        "test_course_notebooks_*.py")}
    stale = sorted(name for name in course_notebooks.GROUPS if not (COURSE / name).is_file())
    assert not stale, f"tests/ui/course_notebooks.py GROUPS names notebooks that are not in course/: {stale}"
    by_group = {group: course_notebooks.notebooks_of(group) for group in modules}
    assert set(course_notebooks.GROUPS.values()) | {"rest"} == modules, (
        f"one test_course_notebooks_<group>.py per group: groups {sorted(set(course_notebooks.GROUPS.values()))}"
        f" and 'rest', modules {sorted(modules)}")
    assert all(by_group.values()), f"a group runs no notebook: {by_group}"
    assert sorted(sum(by_group.values(), [])) == [path.name for path in sorted(COURSE.glob("*.ipynb"))]
