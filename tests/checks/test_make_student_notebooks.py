"""scripts/make_student_notebooks.py: learners get the exercises without the solutions, made by nbgrader."""

from pathlib import Path

import nbformat
import pytest

from ..scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
EXERCISE_NOTEBOOKS = ("01a_residual_learning.ipynb", "02_identity_block.ipynb", "03_convolutional_block.ipynb",
                      "04_assembling_resnet50.ipynb", "05_deeper_101_152.ipynb", "06_resnet_v2.ipynb",
                      "06b_train_your_resnet.ipynb", "09_inside_resnet.ipynb")


script = load_script("make_student_notebooks")

SOLVED = '''def my_block(x, filters, name):
    """Docstring stays."""
    ### BEGIN SOLUTION
    y = secret_layer(x)
    return y
    ### END SOLUTION'''
CHECK = '''verdict = check(my_block)
### BEGIN HIDDEN TESTS
verdict = verdict.including(check(my_block, filters=8))
### END HIDDEN TESTS
verdict'''


def answer_cell(source, grade_id="answer"):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    return cell


def notebook_with(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in cells:
        cell = answer_cell(cell) if isinstance(cell, str) else cell
        cell.outputs = [nbformat.v4.new_output("stream", text="solution output\n")]
        cell.execution_count = 3
        notebook.cells.append(cell)
    notebook.cells.append(nbformat.v4.new_markdown_cell("Prose stays."))
    return notebook


def test_solution_becomes_not_implemented_at_the_marker_indentation():
    copy, replaced = script.student_notebook(notebook_with(SOLVED))
    assert replaced == 1
    source = copy.cells[0].source
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
    copy, replaced = script.student_notebook(notebook_with(SOLVED + "\n\n" + SOLVED.replace("my_block", "other")))
    assert replaced == 2 and "secret_layer" not in copy.cells[0].source


def test_hidden_tests_leave_and_the_check_is_locked():
    check = nbformat.v4.new_code_cell(CHECK)
    check.metadata["nbgrader"] = {"grade": True, "grade_id": "check", "locked": True, "points": 2,
                                  "schema_version": 3, "solution": False, "task": False}
    copy, _ = script.student_notebook(notebook_with(SOLVED, check))
    assert copy.cells[1].source == "verdict = check(my_block)\nverdict"
    assert copy.cells[1].metadata["editable"] is False and copy.cells[1].metadata["nbgrader"]["checksum"]


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1", "no end solution statement found"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested begin solution"),
    (nbformat.v4.new_code_cell(SOLVED), "Solution region detected in a non-solution cell"),
])
def test_notebooks_nbgrader_refuses_are_refused_with_its_reason(source, message):
    with pytest.raises(script.ReleaseError, match=message):
        script.student_notebook(notebook_with(source))


def test_outputs_and_widget_state_are_cleared_and_prose_and_other_code_kept():
    original = notebook_with(SOLVED, nbformat.v4.new_code_cell("print('kept')"))
    original.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"id": {}}}}
    copy, replaced = script.student_notebook(original)
    assert "widgets" not in copy.metadata and "widgets" in original.metadata
    assert replaced == 1
    assert all(cell.outputs == [] and cell.execution_count is None for cell in copy.cells[:2])
    assert copy.cells[1].source == "print('kept')"
    assert copy.cells[2].source == "Prose stays."
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


def test_the_course_notebooks_with_solutions_are_exactly_those_with_exercises():
    solved = {path.name for path in (ROOT / "course").glob("*.ipynb")
              if "### BEGIN SOLUTION" in path.read_text()}
    assert solved == set(EXERCISE_NOTEBOOKS)


@pytest.fixture(scope="module")
def course_copies(tmp_path_factory):
    dest = tmp_path_factory.mktemp("course-student")
    return dest, script.make_student_copies(ROOT / "course", dest)


@pytest.mark.parametrize("name", EXERCISE_NOTEBOOKS)
def test_course_exercises_become_unsolved_functions(name, course_copies):
    """Each exercise notebook holds solutions; its student copy keeps only code that compiles and raises."""
    dest, report = course_copies
    copy = nbformat.read(dest / name, as_version=4)
    replaced = report[name]
    assert replaced >= 1
    exercise_cells = [cell.source for cell in copy.cells if script.PLACEHOLDER in cell.source]
    assert sum(source.count(script.PLACEHOLDER) for source in exercise_cells) == replaced
    assert "HIDDEN TESTS" not in nbformat.writes(copy) and "including(" not in nbformat.writes(copy)
    for source in exercise_cells:
        namespace = {}
        exec(compile(source, name, "exec"), namespace)  # exercise cells only define functions
        functions = [value for key, value in namespace.items() if key.startswith("my_") and callable(value)]
        assert len(functions) == source.count(script.PLACEHOLDER), f"{name}: one my_... function per exercise"
        for function in functions:
            with pytest.raises(NotImplementedError):
                function(*([None] * function.__code__.co_argcount))
