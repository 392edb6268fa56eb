"""Run All that stops at an unwritten exercise lands the view on that cell (resnet_widgets/checks/landing.py).

In a real Jupyter kernel (nbclient), the stopped cell shows the landing widget beside the one-line message and
still ends in the error that stops Run All; another exception is shown as IPython always shows it. The scroll
itself is seen in JupyterLab, in tests/ui/test_learner_loop.py.
"""

import nbclient
import nbformat
import pytest

from resnet_widgets.checks import ExerciseNotWritten, landing

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run_until_stopped(*sources):
    """Execute the cells in a fresh kernel as Run All does; return the notebook and the error that stopped it."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    with pytest.raises(nbclient.exceptions.CellExecutionError) as stopped:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    return notebook, stopped.value


def test_the_stopped_exercise_shows_the_landing_widget_and_still_stops_run_all():
    notebook, stopped = run_until_stopped(
        "from resnet_widgets.checks import ExerciseNotWritten",
        "raise ExerciseNotWritten('my_identity_block')",
        "print('after the stop')",
    )
    assert stopped.ename == "ExerciseNotWritten"
    landing_output, error = notebook.cells[1].outputs
    assert landing_output.output_type == "display_data" and WIDGET_VIEW in landing_output.data
    assert landing_output.data["text/plain"] == ""  # nothing to read where the widget cannot be shown
    assert error.output_type == "error" and len(error.traceback) == 1  # the one friendly line, not a traceback
    assert "Not written yet: my_identity_block" in error.traceback[0]
    assert notebook.cells[2].outputs == [] and notebook.cells[2].execution_count is None


def test_any_other_exception_is_shown_as_ipython_shows_it():
    notebook, stopped = run_until_stopped("import resnet_widgets.checks", "raise ValueError('not an exercise')")
    assert stopped.ename == "ValueError"
    outputs = notebook.cells[1].outputs
    assert [output.output_type for output in outputs] == ["error"]
    assert len(outputs[0].traceback) > 1  # IPython's own traceback


class FakeShell:
    def __init__(self, kernel=True, custom_exceptions=()):
        self.kernel = object() if kernel else None
        self.custom_exceptions = custom_exceptions

    def set_custom_exc(self, exceptions, handler):
        self.custom_exceptions, self.handler = exceptions, handler


def test_install_adds_the_hook_to_a_kernel_shell_only():
    shell = FakeShell()
    assert landing.install(shell) is True and shell.custom_exceptions == (ExerciseNotWritten,)
    assert landing.install(shell) is True  # installing again keeps the one hook
    terminal = FakeShell(kernel=False)
    assert landing.install(terminal) is False and terminal.custom_exceptions == ()


def test_install_leaves_another_handler_in_place():
    theirs = FakeShell(custom_exceptions=(KeyError,))
    assert landing.install(theirs) is False and theirs.custom_exceptions == (KeyError,)

