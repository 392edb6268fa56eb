"""Build the course's website: the committed notebooks as a book, offline, nothing re-executed.

    python scripts/build_site.py [--course course] [--out build/site]

Steps (each one a function that tests call):
1. stage the sources in ``<out>/source``: docs/site (conf.py, index.md, the theme's additions), every
   ``<course>/*.ipynb`` (found by name, so renamed and new notebooks need no edit here; the book's order is
   the file names' order), and docs/ACCESSIBILITY.md as the "Accessibility" page;
2. give every image output a text alternative (``alt``) from the output's own text, where it says something;
   turn every widget output whose state the notebook stores into the live widget, with its static picture kept for
   when scripts are off; copy the widget JavaScript (html-manager, require.js, anywidget, packed from npm by
   `make site-setup`) into ``_static/widgets``, so no page loads anything from a CDN;
3. write the student copies (scripts/make_student_notebooks.py: solutions out, outputs cleared), one per page
   and all of them as one zip;
4. run Sphinx (myst-nb, sphinx-book-theme) into ``<out>/html``. Warnings fail the build.

Returns exit code 0 on success; 1 with a message when a step fails.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import tarfile
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
SITE_JS_CACHE = ROOT / ".venv" / "share" / "resnet-lab-site-js"  # `make site-setup` packs docs/site/widgets-js.txt
IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
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


def live_widget_outputs(notebook) -> int:
    """Turn each widget output whose state ``notebook`` stores into HTML that shows the live widget on the site.

    The HTML holds the widget's view (which the page's html-manager renders from the stored state) and, after it,
    the output's static picture with its text alternative; CSS hides the picture once the view has rendered, so it
    stays where scripts are off or the view cannot render. Widget outputs without stored state (the plotly
    widgets' state is left out of the notebooks: it is large) keep their static picture alone. Returns how many
    outputs were turned.
    """
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    turned = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            view = data.get(WIDGET_VIEW)
            if not isinstance(view, dict) or view.get("model_id") not in state:
                continue
            picture = ""
            for mime in ("image/svg+xml", "image/png"):
                if mime in data:
                    raw = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    payload = base64.b64encode(raw.encode()).decode() if mime == "image/svg+xml" else "".join(raw.split())
                    picture = (f'<img class="resnet-widget-fallback" alt="{html.escape(alt_text(output))}" '
                               f'src="data:{mime};base64,{payload}">')
                    break
            script = json.dumps(view).replace("</", "<\\/")
            output["data"] = {
                "text/html": f'<div class="resnet-live-widget"><script type="{WIDGET_VIEW}">{script}</script>'
                             f"{picture}</div>",
                "text/plain": data.get("text/plain", ""),
            }
            output["metadata"] = {}
            turned += 1
    return turned


def vendor_widget_js(cache: Path, static: Path) -> None:
    """Copy what the pages load to show live widgets into ``static/widgets``: html-manager's embed-amd.js (with its
    fonts), require.js and anywidget's front end, from the npm packages in ``cache``.

    Raises:
        FileNotFoundError: a package is not in ``cache`` (run `make site-setup`, which packs them from npm).
    """
    target = static / "widgets"
    wanted = {
        "jupyter-widgets-html-manager-*.tgz": ("package/dist/", target / "html-manager"),
        "requirejs-*.tgz": ("package/require.js", target),
        "anywidget-*.tgz": ("package/dist/index.js", target),
    }
    for pattern, (member_prefix, folder) in wanted.items():
        found = sorted(Path(cache).glob(pattern))
        if not found:
            raise FileNotFoundError(f"{cache} holds no {pattern}: run `make site-setup` (it packs the widget "
                                    f"JavaScript named in docs/site/widgets-js.txt from npm)")
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(found[-1]) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.startswith(member_prefix) and not member.name.endswith(".map"):
                    name = "anywidget.js" if pattern.startswith("anywidget") else Path(member.name).name
                    (folder / name).write_bytes(archive.extractfile(member).read())


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
        live_widget_outputs(notebook)
        nbformat.write(notebook, source / "course" / path.name)
        pages.append(f"course/{path.stem}")
    shutil.copy2(ACCESSIBILITY, source / "accessibility.md")
    vendor_widget_js(SITE_JS_CACHE, source / "_static")
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
