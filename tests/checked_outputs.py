"""A run's outputs against the committed notebook's, judged by nbval's own code, as `pytest --nbval-lax` judges them.

CI runs each course notebook once, in JupyterLab in Chromium (tests/ui/course_notebooks.py); nbval no longer runs
them a second time. So the check that nbval made is made here, on what that run produced, with nbval's code:
- which cells are compared: nbval's markers (`find_comment_markers`, `find_metadata_tags`); in lax mode only the
  cells marked `# NBVAL_CHECK_OUTPUT` (or tagged `nbval-check-output`);
- how: `IPyNbCell.compare_outputs`, called with both sides' streams coalesced by nbval's `coalesce_streams`, as
  nbval's `runtest` does, and nbval's list of keys it leaves out (`skip_compare`, read from nbval's own
  `IPyNbFile.__init__`: metadata, execution counts, widget model ids, and PNG/JPEG pictures, since nbdime is off);
- a committed cell that was never run but has outputs is refused, as nbval refuses it.
What nbval also requires, that every cell runs without an error, the browser test asserts on the run itself.
NBVAL_SKIP and NBVAL_RAISES_EXCEPTION are refused here: JupyterLab's "Run All" cannot skip a cell, and stops at an
error. tests/course/test_checked_outputs.py proves the comparison fails on a changed checked output.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from unittest import mock

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams, find_comment_markers, find_metadata_tags, nocolors


def nbval_skip_compare(nbdime: bool = False) -> tuple[str, ...]:
    """The output keys nbval leaves out of its comparison, read from nbval itself (IPyNbFile.__init__ sets them
    from the command line's options; this runs that code with --nbval-lax and without --nbdime)."""
    collector = IPyNbFile.__new__(IPyNbFile)
    collector.parent = SimpleNamespace(
        config=SimpleNamespace(option=SimpleNamespace(nbval_lax=True, nbdime=nbdime)))
    with mock.patch.object(pytest.File, "__init__", lambda self, *args, **kwargs: None):
        IPyNbFile.__init__(collector)
    return collector.skip_compare


class _NbvalCell:
    """Just enough of nbval's IPyNbCell for its own compare_outputs (and its failure report) to run unchanged."""

    compare_outputs = IPyNbCell.compare_outputs
    format_output_compare = IPyNbCell.format_output_compare
    sanitize = IPyNbCell.sanitize
    colors = nocolors

    def __init__(self, skip_compare):
        self.parent = SimpleNamespace(skip_compare=skip_compare, sanitize_patterns={})  # no --nbval-sanitize-with
        self.config = None
        # nbval asks pytest for an assertion diff first; without one it prints both sides, which says as much.
        self.ihook = SimpleNamespace(pytest_assertrepr_compare=lambda **kwargs: [])


def nbval_options(cell) -> dict:
    """nbval's options for a code cell, in lax mode: 'check' only where a marker asks for it."""
    options = dict(find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))
    options.setdefault("check", False)  # --nbval-lax: unmarked cells are run, not compared
    return options


def _first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return (lines[0] if lines else "")[:60]


def checked_output_problems(committed, run) -> list[str]:
    """What nbval --nbval-lax would fail on, comparing `run` (the executed notebook) with `committed`.

    Args:
        committed, run: nbformat v4 notebooks (NotebookNode); the run must hold the same code cells.

    Returns:
        One message per failing cell (empty when the run matches), each naming nbval's cell number (the index
        among code cells), its first line, and nbval's report of the difference.
    """
    skip = nbval_skip_compare()
    expected = [cell for cell in committed.cells if cell.cell_type == "code"]
    produced = [cell for cell in run.cells if cell.cell_type == "code"]
    if [cell.source for cell in expected] != [cell.source for cell in produced]:
        return ["the run's code cells are not the committed notebook's: it ran another version of the notebook"]
    problems = []
    for number, (reference, executed) in enumerate(zip(expected, produced)):
        where = f"Cell {number} ({_first_line(reference.source)!r})"
        options = nbval_options(reference)
        for unsupported in ("skip", "check_exception"):
            if options.get(unsupported):
                problems.append(f"{where}: nbval's {unsupported} marker cannot be honoured by a run in JupyterLab")
        if reference.execution_count is None:
            if reference.outputs:
                problems.append(f"{where}: Unrun reference cell has outputs")
            continue
        if executed.get("execution_count") is None:
            problems.append(f"{where}: the run did not execute this cell")
            continue
        if options["check"]:
            cell = _NbvalCell(skip)
            test_outputs = coalesce_streams(copy.deepcopy(list(executed.outputs)))
            reference_outputs = coalesce_streams(copy.deepcopy(list(reference.outputs)))
            if not cell.compare_outputs(test_outputs, reference_outputs):
                problems.append(f"{where}: Cell outputs differ\n" + "\n".join(map(str, cell.comparison_traceback)))
    return problems
