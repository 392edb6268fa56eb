"""nbgrader's whole pipeline on the course, offline: release, three submissions per notebook, autograde, feedback.

As nbgrader's own tests do, the apps run in this process (NbGraderAPI, scripts/nbgrader_course.py) in a temporary
course folder with its own SQLite gradebook. For every course notebook with exercises, one assignment:

    generate_assignment -> submissions -> autograde (fast mode) -> generate_feedback

and four students submit it:
- `solution`: the course's own solutions, which must earn every point, hidden tests included;
- `mistake`: one mistake, which must earn some points but not all, and whose feedback names it in the check's
  words. For most exercises it is a width (or a class count) written as the number the visible check uses, the
  mistake the hidden tests exist for: the visible call passes, the hidden one fails. In 06b it is one of the three
  exercises; in 09 the score taken after the softmax, which the visible check finds and the hidden one (another
  input to the weighting) does not;
- `untouched`: the release as it is, which must earn nothing, with "Not written yet" and no traceback;
- `tampered` (02 only): the mistake, with the locked check cell replaced by a line that would earn every point;
  autograde must put the instructor's check back, and the score must stay the mistake's.

What is graded is not the whole notebook: whole notebooks in fast mode take minutes each (docs/BENCHMARKS.md), too
long for CI's two cores times four submissions. Each assignment is made of the notebook's exercise cells and their
checks, exactly as the course has them (nbgrader metadata, hidden tests), after the setup cells they need (imports,
the parameters cell): `SETUP` names them. No widget is drawn in these cells; widgets in the whole notebooks run
under nbclient, nbgrader's runner, in `make notebooks` already.
"""

import html
import re
import time
from pathlib import Path

import nbformat
import pytest

from resnet_widgets.checks import POINTS

from ..scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
course_tools = load_script("nbgrader_course")

# The setup cells each exercise needs, by index in the course notebook (imports; 06b's parameters and data).
SETUP = {"01a_residual_learning.ipynb": [2], "02_identity_block.ipynb": [2], "03_convolutional_block.ipynb": [2],
         "04_assembling_resnet50.ipynb": [2, 4, 10], "05_deeper_101_152.ipynb": [2], "06_resnet_v2.ipynb": [2],
         "06b_train_your_resnet.ipynb": [2, 3], "09_inside_resnet.ipynb": [2]}
# One mistake per notebook: (answer cell's grade_id, text of the solution, what the mistake writes instead,
# words of the check's feedback that name it).
MISTAKES = {
    "01a_residual_learning.ipynb": ("answer_basic_block", "x.shape[-1] != filters", "x.shape[-1] != 8", "shortcut"),
    "02_identity_block.ipynb": ("answer_identity_block", 'layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")',
                                'layers.Conv2D(16, 1, name=f"{name}_3_conv")', "filters"),
    "03_convolutional_block.ipynb": ("answer_conv_block", "layers.Conv2D(4 * filters, 1, strides=stride,",
                                     "layers.Conv2D(16, 1, strides=stride,", "filters"),
    "04_assembling_resnet50.ipynb": ("answer_resnet50", "layers.Dense(classes,", "layers.Dense(1000,", "classes"),
    "05_deeper_101_152.ipynb": ("answer_stage_multiply_adds", "s = (side + stride - 1) // stride",
                                "s = side // stride + side % 2", "225x225"),
    "06_resnet_v2.ipynb": ("answer_preact_block", 'layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")',
                           'layers.Conv2D(16, 1, name=f"{name}_3_conv")', "filters"),
    "06b_train_your_resnet.ipynb": ("answer_plain_block", 'layers.Conv2D(filters, 3, padding="same"',
                                    'layers.Conv2D(8, 3, padding="same"', "filters"),
    "09_inside_resnet.ipynb": ("answer_grad_cam", "scores = keras.ops.matmul(head.input, head.kernel) + head.bias",
                               "scores = head.output", "softmax"),
}
TAMPERED = "02_identity_block.ipynb"
STUDENTS = ("solution", "mistake", "untouched")
# Per cell. The slowest graded cell measured here is 04's ResNet50 check with its hidden call: 19 s on the two
# shared cores at load 4.4 (scripts/nbgrader_course.py); six times that leaves room for a busier CI machine.
CELL_TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def graded_cells(notebook):
    return [cell for cell in notebook.cells if "nbgrader" in cell.metadata]


def assignment_notebook(name):
    """The course notebook's setup cells, then its exercise and check cells as the course has them."""
    course = nbformat.read(COURSE / name, as_version=4)
    cells = []
    for index in SETUP[name]:
        cell = nbformat.from_dict(course.cells[index])
        assert "nbgrader" not in cell.metadata and "### BEGIN" not in cell.source
        cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    cells += [nbformat.from_dict(cell) for cell in graded_cells(course)]
    return nbformat.v4.new_notebook(cells=cells, metadata=course.metadata)


def answers(notebook):
    return {cell.metadata.nbgrader.grade_id: cell for cell in graded_cells(notebook)
            if cell.metadata.nbgrader.get("solution")}


def submission(release, source, mistake=None, tamper=False):
    """A learner's copy of `release`: its answers filled in from `source` (with `mistake` written in), or not."""
    copy = nbformat.from_dict(release)
    if source is not None:
        solved = answers(source)
        for grade_id, cell in answers(copy).items():
            cell.source = solved[grade_id].source
            if mistake and grade_id == mistake[0]:
                assert cell.source.count(mistake[1]) == 1, f"{grade_id}: the mistake's text is not in the solution"
                cell.source = cell.source.replace(mistake[1], mistake[2])
    if tamper:
        check = next(cell for cell in graded_cells(copy) if cell.metadata.nbgrader.get("grade"))
        check.source = f"{POINTS}  # every point, without running the check"
    return copy


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole pipeline, once: {(notebook, student): (score, max score)}, the course folder, and the wall time."""
    started = time.perf_counter()
    root = tmp_path_factory.mktemp("nbgrader-course")
    api = course_tools.course_api(root, cell_timeout=CELL_TIMEOUT)
    ids = {}
    for name in MISTAKES:
        ids[name] = course_tools.assignment_id(name)
        folder = root / "source" / ids[name]
        folder.mkdir(parents=True)
        nbformat.write(assignment_notebook(name), folder / name)
        course_tools.checked(api.generate_assignment(ids[name]), f"generate_assignment {ids[name]}")
    for name, assignment in ids.items():
        source = nbformat.read(root / "source" / assignment / name, as_version=4)
        release = nbformat.read(root / "release" / assignment / name, as_version=4)
        copies = {"solution": submission(release, source), "mistake": submission(release, source, MISTAKES[name]),
                  "untouched": submission(release, None)}
        if name == TAMPERED:
            copies["tampered"] = submission(release, source, MISTAKES[name], tamper=True)
        for student, copy in copies.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(copy, folder / name)
    scores, seconds = {}, {}
    with course_tools.grading_environment():
        for name, assignment in ids.items():
            for student in sorted(p.name for p in (root / "submitted").iterdir()):
                if (root / "submitted" / student / assignment).is_dir():
                    begun = time.perf_counter()
                    course_tools.checked(api.autograde(assignment, student), f"autograde {assignment} {student}")
                    seconds[assignment, student] = time.perf_counter() - begun
            course_tools.checked(api.generate_feedback(assignment), f"generate_feedback {assignment}")
    gradebook = api.gradebook
    try:
        for name, assignment in ids.items():
            for submitted in gradebook.assignment_submissions(assignment):
                scores[name, submitted.student.id] = (submitted.score, submitted.max_score)
    finally:
        gradebook.close()
    return {"scores": scores, "root": root, "ids": ids, "autograde_seconds": seconds,
            "seconds": time.perf_counter() - started}


def feedback(graded, name, student):
    path = graded["root"] / "feedback" / student / graded["ids"][name] / name.replace(".ipynb", ".html")
    return html.unescape(ANSI.sub("", path.read_text()))


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_solution_earns_every_point_hidden_tests_included(name, graded):
    score, maximum = graded["scores"][name, "solution"]
    checks = sum(1 for cell in graded_cells(nbformat.read(COURSE / name, as_version=4)) if cell.metadata.nbgrader.grade)
    assert maximum == POINTS * checks and score == maximum, f"{name}: {score} of {maximum}"


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_a_typical_mistake_earns_some_points_and_its_feedback_names_it(name, graded):
    score, maximum = graded["scores"][name, "mistake"]
    assert 0 < score < maximum, f"{name}: {score} of {maximum}"
    text = feedback(graded, name, "mistake")
    assert "problem to fix" in text and MISTAKES[name][3] in text, text[-3000:]


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_an_untouched_copy_earns_nothing_and_hears_not_written_yet(name, graded):
    score, maximum = graded["scores"][name, "untouched"]
    assert score == 0 and maximum > 0
    text = feedback(graded, name, "untouched")
    assert "Not written yet" in text
    assert "Traceback (most recent call last)" not in text and 'File "' not in text
    autograded = nbformat.read(graded["root"] / "autograded" / "untouched" / graded["ids"][name] / name, as_version=4)
    errors = [output for cell in graded_cells(autograded) for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert errors and all(error.ename == "ExerciseNotWritten" and len(error.traceback) == 1 for error in errors)


def test_an_edited_check_is_put_back_and_earns_nothing_more(graded):
    assert graded["scores"][TAMPERED, "tampered"] == graded["scores"][TAMPERED, "mistake"]
    assignment = graded["ids"][TAMPERED]
    source = nbformat.read(graded["root"] / "source" / assignment / TAMPERED, as_version=4)
    autograded = nbformat.read(graded["root"] / "autograded" / "tampered" / assignment / TAMPERED, as_version=4)
    restored = [cell.source for cell in graded_cells(autograded) if cell.metadata.nbgrader.grade]
    assert restored == [cell.source for cell in graded_cells(source) if cell.metadata.nbgrader.grade]
    assert "### BEGIN HIDDEN TESTS" in restored[0]


def test_validate_passes_on_the_source_and_fails_every_test_on_the_release(graded):
    """`nbgrader validate` and `validate --invert`, on 02 (the autograded solutions and untouched copies above show
    the same for every notebook: every point, hidden tests included, and none)."""
    from nbgrader.validator import Validator

    assignment, root = graded["ids"][TAMPERED], graded["root"]
    validator = Validator(config=course_tools.course_config(root, CELL_TIMEOUT))
    with course_tools.grading_environment():
        assert validator.validate(str(root / "source" / assignment / TAMPERED)) == {}
        validator.invert = True
        assert validator.validate(str(root / "release" / assignment / TAMPERED)) == {}  # no test passes
        solved = submission(nbformat.read(root / "release" / assignment / TAMPERED, as_version=4),
                            nbformat.read(root / "source" / assignment / TAMPERED, as_version=4))
        nbformat.write(solved, root / "solved.ipynb")
        assert "passed" in validator.validate(str(root / "solved.ipynb"))  # so --invert can find a passing test


def test_the_pipeline_reports_its_time(graded):
    runs = graded["autograde_seconds"]
    print(f"\nnbgrader pipeline: {len(graded['scores'])} submissions graded in {graded['seconds']:.0f} s; autograde "
          "per submission: " + ", ".join(f"{a} {s} {t:.0f} s" for (a, s), t in sorted(runs.items())))
    assert len(graded["scores"]) == len(runs) == 3 * len(MISTAKES) + 1
