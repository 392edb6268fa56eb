"""Build the course's website: the committed notebooks as a book, offline, nothing re-executed.

    python scripts/build_site.py [--course course] [--out build/site]

Steps (each one a function that tests call):
1. stage the sources in ``<out>/source``: docs/site (conf.py, index.md, the theme's additions), every
   ``<course>/*.ipynb`` (found by name, so renamed and new notebooks need no edit here; the book's order is
   the file names' order), and docs/ACCESSIBILITY.md as the "Accessibility" page;
2. give every image output a text alternative (``alt``) from the output's own text, where it says something;
3. write the student copies (scripts/make_student_notebooks.py: solutions out, outputs cleared), one per page
   and all of them as one zip;
4. run Sphinx (myst-nb, sphinx-book-theme) into ``<out>/html``. Warnings fail the build.

Returns exit code 0 on success; 1 with a message when a step fails.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_student_notebooks import make_student_copies  # noqa: E402

SITE_TEMPLATE = ROOT / "docs" / "site"
ACCESSIBILITY = ROOT / "docs" / "ACCESSIBILITY.md"
IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
# The output's text/plain is a useful description unless it is a default repr like "<Figure size 700x360 ...>".
# The root's own title: the first <title> right after the <svg ...> start tag (nodes' tooltips come later).
SVG_TITLE = re.compile(r"^\s*<svg\b[^>]*>\s*<title\b[^>]*>(.*?)</title>", re.S)
GENERIC_ALT = "Figure drawn by the code cell above; the text around it says what it shows."


def course_notebooks(course: Path) -> list[Path]:
    """The course's notebooks in the book's order: every ``*.ipynb`` directly in ``course``, sorted by file name.

    Raises:
        FileNotFoundError: ``course`` holds no notebook.
    """
    notebooks = sorted(Path(course).glob("*.ipynb"), key=lambda path: path.name)
    if not notebooks:
        raise FileNotFoundError(f"course must be a folder of .ipynb notebooks; {course} holds none")
    return notebooks


def _joined(value) -> str:
    return " ".join(("".join(value) if isinstance(value, list) else value or "").split())


def alt_text(output: dict) -> str:
    """The text alternative of one image output.

    An SVG's own <title> first (resnet_widgets' SVGs carry one), then the output's text/plain where that describes
    it (a widget's StaticPicture line), else GENERIC_ALT (a default repr such as "<Figure size ...>" says nothing).
    """
    data = output.get("data", {})
    title = SVG_TITLE.search(_joined(data.get("image/svg+xml", "")))
    if title:
        return html.unescape(title.group(1)).strip()
    text = _joined(data.get("text/plain", ""))
    return text if text and not text.startswith("<") else GENERIC_ALT


def add_alt_texts(notebook) -> int:
    """Write ``alt`` into the metadata of every image output of ``notebook`` (an nbformat node) that has none.

    The site's Sphinx extension (docs/site/course_pages.py) puts it on the <img>. Returns how many were set.
    """
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in IMAGE_TYPES:
                if mime in data:
                    entry = output.setdefault("metadata", {}).setdefault(mime, {})
                    if "alt" not in entry:
                        entry["alt"] = alt_text(output)
                        count += 1
    return count


def stage(course: Path, source: Path) -> list[str]:
    """Lay out the Sphinx sources in ``source`` (emptied first); return the staged notebooks' page names."""
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(SITE_TEMPLATE, source, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "course").mkdir()
    pages = []
    for path in course_notebooks(course):
        notebook = nbformat.read(path, as_version=4)
        add_alt_texts(notebook)
        nbformat.write(notebook, source / "course" / path.name)
        pages.append(f"course/{path.stem}")
    shutil.copy2(ACCESSIBILITY, source / "accessibility.md")
    return pages


def student_copies(course: Path, source: Path) -> Path:
    """Student copies of the staged notebooks: one per page under extra/student/course, and a zip of them all.

    Returns:
        The zip's path (``<source>/downloads/resnet-lab-student.zip``).
    """
    copies = source / "extra" / "student" / "course"
    # From a folder of the notebooks alone: other files of course/ are not pages.
    only = source / "notebooks-for-student-copies"
    only.mkdir()
    for path in course_notebooks(course):
        shutil.copy2(path, only / path.name)
    make_student_copies(only, copies)
    shutil.rmtree(only)
    archive = source / "downloads" / "resnet-lab-student.zip"
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(copies.glob("*.ipynb")):
            zipped.write(path, f"resnet-lab-student/{path.name}")
    return archive


def sphinx_build(source: Path, html: Path) -> None:
    """Run Sphinx on the staged sources; warnings are errors.

    Raises:
        RuntimeError: Sphinx failed (the message holds its output's end).
    """
    if html.exists():
        shutil.rmtree(html)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-j", "1",
               "-d", str(source.parent / "doctrees"), str(source), str(html)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"sphinx-build failed ({result.returncode}):\n{(result.stdout + result.stderr)[-6000:]}")


def build_site(course: Path = ROOT / "course", out: Path = ROOT / "build" / "site") -> Path:
    """Stage, add text alternatives, write the student copies and build; return the HTML folder."""
    out = Path(out).resolve()
    source = out / "source"
    stage(Path(course), source)
    student_copies(Path(course), source)
    html = out / "html"
    sphinx_build(source, html)
    return html


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", default=ROOT / "course", type=Path, help="folder of the course's notebooks")
    parser.add_argument("--out", default=ROOT / "build" / "site", type=Path, help="build folder (html/ inside)")
    args = parser.parse_args(argv)
    try:
        html = build_site(args.course, args.out)
    except (FileNotFoundError, RuntimeError, ValueError) as error:
        print(f"build_site: {error}", file=sys.stderr)
        return 1
    print(f"site written to {html} (open {html / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
