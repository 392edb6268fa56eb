"""Write the learners' copies of the course with nbgrader: `nbgrader generate_assignment`, one assignment per notebook.

    python scripts/make_student_notebooks.py [--source course] [--dest course-student]

A thin front for nbgrader (scripts/nbgrader_course.py holds the course's nbgrader settings). Each notebook under
`source` becomes one assignment of a temporary nbgrader course; `generate_assignment` makes its release, which
is copied to `dest` under the notebook's own name. In the release, as nbgrader makes it:
- the lines from `### BEGIN SOLUTION` to `### END SOLUTION` (markers included) become one
  `raise NotImplementedError("Exercise: ...")` at the marker's indentation;
- the hidden tests (`### BEGIN HIDDEN TESTS` to `### END HIDDEN TESTS`) are gone from the check cells;
- outputs and execution counts are cleared, and the checks are locked cells with their checksums.
One more step of ours: the saved widget state (`metadata.widgets`, what the solved notebook drew) is dropped, so
no output gives a solution away. Files other than notebooks (images, data) are copied as they are.

The exercise checks (`resnet_widgets.checks`) take the learner's function, so in a copy "Run All" stops at
the first exercise's check with one friendly line ("Not written yet: ...") rather than a traceback.
"""

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_course import PLACEHOLDER, assignment_id, checked, course_api, stage_assignments  # noqa: E402

__all__ = ["PLACEHOLDER", "ReleaseError", "make_student_copies", "student_notebook"]

SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION\s*$", re.M)


class ReleaseError(ValueError):
    """nbgrader refused a notebook: unpaired solution markers, or a solution in a cell without nbgrader metadata."""


def _released(notebooks: dict) -> dict:
    """{name: notebook node} -> {name: (released node, solutions replaced)}, through one temporary nbgrader course.

    Raises:
        ReleaseError: naming the notebook nbgrader refused, with nbgrader's own message.
    """
    with tempfile.TemporaryDirectory(prefix="resnet-lab-release-") as folder:
        root, course = Path(folder) / "nbgrader", Path(folder) / "course"
        course.mkdir()
        for name, notebook in notebooks.items():
            nbformat.write(notebook, course / name)
        stage_assignments(course, root)
        api = course_api(root, gradebook=False)  # learners' copies: nothing to grade, no gradebook
        released = {}
        for name, notebook in notebooks.items():
            assignment = assignment_id(name)
            try:
                checked(api.generate_assignment(assignment), f"generate_assignment {assignment}")
            except RuntimeError as error:
                raise ReleaseError(f"{name}: {error}") from None
            copy = nbformat.read(root / "release" / assignment / name, as_version=4)
            copy.metadata.pop("widgets", None)  # the solved notebook's widget state
            solutions = sum(len(SOLUTION.findall(cell.source)) for cell in notebook.cells if cell.cell_type == "code")
            released[name] = (copy, solutions)
        return released


def student_notebook(notebook, name="notebook.ipynb"):
    """A student copy of one notebook (nbformat node), made by nbgrader's generate_assignment.

    Returns:
        (the copy, number of solutions replaced). The input is left unchanged.

    Raises:
        ReleaseError: nbgrader refused the notebook.
    """
    return _released({name: nbformat.from_dict(notebook)})[name]


def make_student_copies(source, dest):
    """Write the student copy of every notebook directly in `source` into `dest`, copying other files as they are.

    Returns:
        {notebook file name: number of solutions replaced}.

    Raises:
        FileNotFoundError: if `source` is not a folder.
        ValueError: if `dest` is `source` or inside it (the copies would be read back as sources).
        ReleaseError: nbgrader refused a notebook (nothing is written to `dest` then).
    """
    source, dest = Path(source).resolve(), Path(dest).resolve()
    if not source.is_dir():
        raise FileNotFoundError(f"source must be a folder of notebooks; {source} is not one")
    if dest == source or source in dest.parents:
        raise ValueError(f"dest must be outside source ({source}); received {dest}")
    notebooks = {path.name: nbformat.read(path, as_version=4) for path in sorted(source.glob("*.ipynb"))}
    released = _released(notebooks)
    report = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue  # .ipynb_checkpoints and other hidden files stay behind
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb" and path.parent == source:
            copy, replaced = released[path.name]
            nbformat.write(copy, target)
            report[str(relative)] = replaced
        else:
            shutil.copy2(path, target)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--source", default=root / "course", type=Path, help="folder of course notebooks")
    parser.add_argument("--dest", default=root / "course-student", type=Path, help="where the copies go")
    args = parser.parse_args(argv)
    try:
        report = make_student_copies(args.source, args.dest)
    except (ReleaseError, ValueError, FileNotFoundError) as error:
        print(f"make_student_notebooks: {error}", file=sys.stderr)
        return 1
    for name, replaced in report.items():
        print(f"{name}: {replaced} solution{'s' * (replaced != 1)} replaced")
    print(f"student copies written to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
