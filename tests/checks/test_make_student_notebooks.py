"""scripts/make_student_notebooks.py: learners get the exercises without the solutions."""

from pathlib import Path

import nbformat
import pytest

from ..scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
EXERCISE_NOTEBOOKS = ("01a_residual_learning.ipynb", "02_identity_block.ipynb", "03_convolutional_block.ipynb", "04_assembling_resnet50.ipynb")


script = load_script("make_student_notebooks")

SOLVED = '''def my_block(x, filters, name):
    """Docstring stays."""
    ### BEGIN SOLUTION
    y = secret_layer(x)
    return y
    ### END SOLUTION'''


def notebook_with(*sources):
    notebook = nbformat.v4.new_notebook()
    for source in sources:
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = [nbformat.v4.new_output("stream", text="solution output\n")]
        cell.execution_count = 3
        notebook.cells.append(cell)
    notebook.cells.append(nbformat.v4.new_markdown_cell("### BEGIN SOLUTION in prose stays"))
    return notebook


def test_solution_becomes_not_implemented_at_the_marker_indentation():
    source, replaced = script.strip_solutions(SOLVED)
    assert replaced == 1
    assert source.splitlines() == [
        "def my_block(x, filters, name):",
        '    """Docstring stays."""',
        f"    {script.PLACEHOLDER}",
    ]
    namespace = {}
    exec(source, namespace)
    with pytest.raises(NotImplementedError, match="Exercise"):
        namespace["my_block"](None, 4, "b")


def test_several_solutions_in_one_cell_are_all_replaced():
    source, replaced = script.strip_solutions(SOLVED + "\n\n" + SOLVED.replace("my_block", "other"))
    assert replaced == 2 and "secret_layer" not in source


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "without '### END SOLUTION'"),
    ("x = 1\n### END SOLUTION", "without '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another solution"),
])
def test_unpaired_markers_are_refused(source, message):
    with pytest.raises(script.SolutionMarkerError, match=message):
        script.strip_solutions(source)


def test_outputs_are_cleared_and_prose_and_other_code_kept():
    original = notebook_with(SOLVED, "print('kept')")
    original.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"id": {}}}}
    copy, replaced = script.student_notebook(original)
    assert "widgets" not in copy.metadata and "widgets" in original.metadata
    assert replaced == 1
    assert all(cell.outputs == [] and cell.execution_count is None for cell in copy.cells[:2])
    assert copy.cells[1].source == "print('kept')"
    assert copy.cells[2].source == "### BEGIN SOLUTION in prose stays"
    assert "secret_layer" in original.cells[0].source and original.cells[0].outputs  # the source is untouched


def test_copies_are_written_beside_other_files_and_hidden_folders_skipped(tmp_path):
    source = tmp_path / "course"
    (source / ".ipynb_checkpoints").mkdir(parents=True)
    nbformat.write(notebook_with(SOLVED), source / "02_x.ipynb")
    nbformat.write(notebook_with(SOLVED), source / ".ipynb_checkpoints" / "02_x-checkpoint.ipynb")
    (source / "figure.svg").write_text("<svg/>")
    dest = tmp_path / "course-student"
    assert script.main(["--source", str(source), "--dest", str(dest)]) == 0
    assert sorted(p.name for p in dest.iterdir()) == ["02_x.ipynb", "figure.svg"]
    assert "secret_layer" not in (dest / "02_x.ipynb").read_text()


def test_destination_inside_the_source_is_refused(tmp_path):
    (tmp_path / "course").mkdir()
    with pytest.raises(ValueError, match="dest must be outside source"):
        script.make_student_copies(tmp_path / "course", tmp_path / "course" / "student")


@pytest.mark.parametrize("name", EXERCISE_NOTEBOOKS)
def test_course_exercises_become_unsolved_functions(name):
    """Each exercise notebook holds solutions; its student copy keeps only code that compiles and raises."""
    notebook = nbformat.read(ROOT / "course" / name, as_version=4)
    copy, replaced = script.student_notebook(notebook)
    assert replaced >= 1
    exercise_cells = [cell.source for cell in copy.cells if script.PLACEHOLDER in cell.source]
    assert sum(source.count(script.PLACEHOLDER) for source in exercise_cells) == replaced
    for source in exercise_cells:
        namespace = {}
        exec(compile(source, name, "exec"), namespace)  # exercise cells only define functions
        functions = [value for key, value in namespace.items() if key.startswith("my_") and callable(value)]
        assert len(functions) == source.count(script.PLACEHOLDER), f"{name}: one my_... function per exercise"
        for function in functions:
            with pytest.raises(NotImplementedError):
                function(*([None] * function.__code__.co_argcount))
