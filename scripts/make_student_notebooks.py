"""Write the learners' copies of the course: every solution replaced by `raise NotImplementedError`.

    python scripts/make_student_notebooks.py [--source course] [--dest course-student]

In the course notebooks, exercise solutions sit between nbgrader-style markers inside code cells:

    def my_identity_block(x, filters, name):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

In the copy, the lines from `### BEGIN SOLUTION` to `### END SOLUTION` (markers included) become one
`raise NotImplementedError(...)` at the marker's indentation. Outputs and execution counts are cleared
everywhere, and so is the saved widget state (`metadata.widgets`: it holds what the solved notebook drew),
so a learner starts from a clean notebook and no output gives a solution away. Files other than notebooks
(images, data) are copied as they are.

The exercise checks (`resnet_widgets.checks`) take the learner's function, so in a copy "Run All" stops at
the first exercise's check with one friendly line ("Not written yet: ...") rather than a traceback.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*### END SOLUTION\s*$")
# The learner replaces this line; the cell that holds it must run again before the check sees the new code.
PLACEHOLDER = ('raise NotImplementedError("Exercise: replace this line with your code (the instructions are above), '
               'run this cell, then run the check below.")')


class SolutionMarkerError(ValueError):
    """A `### BEGIN SOLUTION` without its `### END SOLUTION`, or the other way round."""


def strip_solutions(source):
    """Replace each marked solution in one cell's source with `raise NotImplementedError(...)`.

    Args:
        source: the cell's code.

    Returns:
        (new source, number of solutions replaced).

    Raises:
        SolutionMarkerError: for a BEGIN without END, an END without BEGIN, or nested markers.
    """
    out, replaced, inside = [], 0, False
    for number, line in enumerate(source.splitlines(), 1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if inside:
                raise SolutionMarkerError(f"line {number}: '### BEGIN SOLUTION' inside another solution")
            inside = True
            out.append(f"{begin.group('indent')}{PLACEHOLDER}")
        elif end:
            if not inside:
                raise SolutionMarkerError(f"line {number}: '### END SOLUTION' without '### BEGIN SOLUTION'")
            inside, replaced = False, replaced + 1
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionMarkerError("'### BEGIN SOLUTION' without '### END SOLUTION'")
    return "\n".join(out), replaced


def student_notebook(notebook):
    """A student copy of a notebook (nbformat node): solutions stripped, outputs and widget state cleared.

    Returns:
        (the copy, number of solutions replaced). The input is left unchanged.

    Raises:
        SolutionMarkerError: naming the cell whose markers do not pair up.
    """
    copy = nbformat.from_dict(notebook)  # a deep copy
    copy.metadata.pop("widgets", None)
    replaced = 0
    for index, cell in enumerate(copy.cells):
        if cell.cell_type != "code":
            continue
        try:
            cell.source, count = strip_solutions(cell.source)
        except SolutionMarkerError as error:
            raise SolutionMarkerError(f"cell {index}: {error}") from None
        replaced += count
        cell.outputs = []
        cell.execution_count = None
    return copy, replaced


def make_student_copies(source, dest):
    """Write the student copy of every notebook under `source` into `dest`, copying other files as they are.

    Returns:
        {relative notebook path: number of solutions replaced}.

    Raises:
        FileNotFoundError: if `source` is not a folder.
        ValueError: if `dest` is `source` or inside it (the copies would be read back as sources).
        SolutionMarkerError: for unpaired markers (nothing half-written is left for that notebook).
    """
    source, dest = Path(source).resolve(), Path(dest).resolve()
    if not source.is_dir():
        raise FileNotFoundError(f"source must be a folder of notebooks; {source} is not one")
    if dest == source or source in dest.parents:
        raise ValueError(f"dest must be outside source ({source}); received {dest}")
    report = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue  # .ipynb_checkpoints and other hidden files stay behind
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            copy, replaced = student_notebook(nbformat.read(path, as_version=4))
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
    except (SolutionMarkerError, ValueError, FileNotFoundError) as error:
        print(f"make_student_notebooks: {error}", file=sys.stderr)
        return 1
    for name, replaced in report.items():
        print(f"{name}: {replaced} solution{'s' * (replaced != 1)} replaced")
    print(f"student copies written to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
