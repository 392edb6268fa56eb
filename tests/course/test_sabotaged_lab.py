"""The labs' checked claims can fail: lab 08 run with a sabotaged setting fails them, as nbval would in CI.

A checked cell that printed "True" whatever the training did would prove nothing. Here lab 08 runs as committed
but for one injected cell after its parameters (as papermill injects parameters): a fine-tuning learning rate of
10, which wrecks every fine-tuned network. Its outputs are then compared with the committed notebook's by
nbval's own comparison (tests/checked_outputs.py), and the cells that state fine-tuning's gain must be among the
failures. The run stops after the gain's checked cell (the traps and the sections after it are not needed), and
EPOCHS = 2 keeps it short; cells that depend on the epoch count may fail too, which is fine: the test asks only
that the gain's cell fails.
"""

import copy
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ..checked_outputs import checked_output_problems

pytestmark = pytest.mark.slow  # runs a lab notebook on TensorFlow (its first sections: about a minute on two quiet cores)

COURSE = Path(__file__).resolve().parents[2] / "course"
SABOTAGE = "FINE_TUNE_LR = 10.0  # injected by tests/course/test_sabotaged_lab.py\nEPOCHS = 2"


def with_injected_parameters(notebook, source):
    """A copy of `notebook` with a code cell `source` right after its `parameters` cell; and that cell's index."""
    sabotaged = copy.deepcopy(notebook)
    position = next(i for i, cell in enumerate(sabotaged.cells) if "parameters" in cell.metadata.get("tags", []))
    sabotaged.cells.insert(position + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
    return sabotaged, position + 1


def test_lab_08_with_a_learning_rate_of_10_fails_the_cells_that_state_fine_tunings_gain(monkeypatch):
    monkeypatch.setenv("RESNET_COURSE_MODE", "fast")
    committed = nbformat.read(COURSE / "08_lab_fine_tuning.ipynb", as_version=4)
    last = next(i for i, cell in enumerate(committed.cells) if "scored higher than feature extraction" in cell.source)
    committed.cells = committed.cells[: last + 1]
    sabotaged, injected = with_injected_parameters(committed, SABOTAGE)
    NotebookClient(sabotaged, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(COURSE)}}).execute()
    del sabotaged.cells[injected]  # compare the committed cells only

    problems = checked_output_problems(committed, sabotaged)
    code_cells = [cell for cell in committed.cells if cell.cell_type == "code"]
    gain_cell = next(i for i, cell in enumerate(code_cells) if "scored higher than feature extraction" in cell.source)
    assert any(problem.startswith(f"Cell {gain_cell} ") for problem in problems), "\n".join(problems)
    # The comparison passes the committed notebook against itself: the failures come from the sabotage.
    assert checked_output_problems(committed, committed) == []
