"""Put course notebooks into an nbgrader course folder as assignments, one per notebook, ready for generate_assignment.

    python deploy/nbgrader/stage_course.py COURSE_FOLDER [02_identity_block.ipynb ...]   (default: every notebook)

Each notebook becomes ``COURSE_FOLDER/source/<its name>/<its file>`` (scripts/nbgrader_course.stage_assignments),
without its saved widget state: nbgrader's release keeps notebook metadata, and the solved notebook's drawings
must not reach learners (`make student` drops them the same way). Prints the assignment ids.
"""

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from nbgrader_course import stage_assignments  # noqa: E402


def stage_course(root, notebooks=None, course=ROOT / "course"):
    """Stage `notebooks` (file names in `course`; default all) under ``root/source``; return the assignment ids."""
    ids = stage_assignments(course, root, notebooks)
    for assignment in ids:
        for path in (Path(root) / "source" / assignment).glob("*.ipynb"):
            notebook = nbformat.read(path, as_version=4)
            if notebook.metadata.pop("widgets", None) is not None:
                nbformat.write(notebook, path)
    return ids


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the nbgrader course folder")
    parser.add_argument("notebooks", nargs="*", help="notebook file names in course/ (default: all)")
    args = parser.parse_args(argv)
    try:
        ids = stage_course(args.root, args.notebooks or None)
    except FileNotFoundError as error:
        print(f"stage_course: {error}", file=sys.stderr)
        return 1
    print("\n".join(ids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
