"""The learner's loop in a student copy, in JupyterLab: Run All stops at the check; a typical mistake written into
the exercise cell through the editor is named by the check; the solution then passes.

Notebook 02 (the identity block), made by scripts/make_student_notebooks.py as `make student` makes it.
"""

import json

import nbformat
import pytest

from ..scripts import load_script
from .course_lab import COURSE
from .harness import notebook_errors, open_notebook, run_all_cells, save_screenshot

pytestmark = pytest.mark.ui

(NOTEBOOK_02,) = sorted(COURSE.glob("02_*.ipynb"))
RELU_LINE = '    x = layers.BatchNormalization(epsilon=1.001e-5, name=f"{name}_3_bn")(x)\n'
NOTEBOOK_JS = "window.jupyterapp.shell.currentWidget.content"
# Whether cell i's output area is inside the visible part of the notebook's scrolling area.
_IN_VIEW_JS = (f"((i) => {{ const nb = {NOTEBOOK_JS}; const cell = nb.widgets[i].node; const out = cell.querySelector('.jp-OutputArea') ?? cell;"
               " const view = nb.node.getBoundingClientRect(); const box = out.getBoundingClientRect();"
               " return box.height > 0 && box.bottom > view.top && box.top < view.bottom; })")


def _cells(course):
    """(index of the exercise cell, index of its check cell, the course's solution source)."""
    exercise = next(i for i, c in enumerate(course.cells) if "### BEGIN SOLUTION" in c.source)
    check = next(i for i, c in enumerate(course.cells) if i > exercise and "check_identity_block(" in c.source)
    return exercise, check, course.cells[exercise].source


def _write_cell(page, index, source):
    """Select cell `index`, focus its editor, replace its text as typed input, and wait until the model holds it."""
    page.evaluate(f"() => {{ const nb = {NOTEBOOK_JS}; nb.activeCellIndex = {index}; nb.mode = 'edit';"
                  " nb.activeCell.editor.focus(); }")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(source)
    page.wait_for_function(f"() => {NOTEBOOK_JS}.widgets[{index}].model.sharedModel.getSource() === {json.dumps(source)}",
                           timeout=10_000)


def _run_cell(page, index, timeout=60):
    """Run cell `index` as Shift+Enter's sibling 'Run Selected Cell and Do not Advance' does; return its output text."""
    before = page.evaluate(f"() => {NOTEBOOK_JS}.widgets[{index}].model.executionCount")
    page.evaluate(f"() => {{ const nb = {NOTEBOOK_JS}; nb.activeCellIndex = {index}; nb.mode = 'command';"
                  " window.jupyterapp.commands.execute('notebook:run-cell'); }")
    page.wait_for_function(
        f"""() => {{ const panel = window.jupyterapp.shell.currentWidget;
                     const count = panel.content.widgets[{index}].model.executionCount;
                     return count !== null && count !== {json.dumps(before)}
                            && panel.sessionContext.session.kernel.status === 'idle'; }}""",
        timeout=timeout * 1000, polling=200)
    return page.evaluate(f"() => {NOTEBOOK_JS}.widgets[{index}].node.querySelector('.jp-OutputArea').innerText")


def test_a_mistake_written_in_the_student_copy_is_named_and_the_solution_passes(jupyterlab, browser_page):
    page = browser_page
    course = nbformat.read(NOTEBOOK_02, as_version=4)
    exercise, check, solution = _cells(course)
    assert RELU_LINE in solution
    mistake = solution.replace(RELU_LINE, RELU_LINE + '    x = layers.Activation("relu", name=f"{name}_3_relu")(x)\n')
    copy, replaced = load_script("make_student_notebooks").student_notebook(course)
    assert replaced == 1
    nbformat.write(copy, jupyterlab.root_dir / "learner_02.ipynb")

    open_notebook(page, jupyterlab, "learner_02.ipynb", timeout=120)
    with pytest.raises(AssertionError, match="Not written yet"):  # Run All stops at the check, in one line
        run_all_cells(page, timeout=300)
    (stopped,) = notebook_errors(page)
    assert "run the exercise cell" in stopped.lower() or "exercise cell" in stopped, stopped
    # The view lands on the check that stopped (Run All left it on the last cell before: the learner saw the
    # Summary, not the message).
    page.wait_for_function(f"() => {_IN_VIEW_JS}({check}) && !{_IN_VIEW_JS}({NOTEBOOK_JS}.widgets.length - 1)",
                           timeout=15_000, polling=200)
    save_screenshot(page, "learner_loop_02_run_all_stopped")

    _write_cell(page, exercise, mistake)
    assert _run_cell(page, exercise).strip() == ""
    feedback = _run_cell(page, check)
    save_screenshot(page, "learner_loop_02_mistake")
    assert "on the residual branch before the addition" in feedback and "Remove it from the branch" in feedback, \
        feedback
    assert "passed" not in feedback

    _write_cell(page, exercise, solution)
    _run_cell(page, exercise)
    feedback = _run_cell(page, check)
    assert "Identity block: passed" in feedback, feedback
