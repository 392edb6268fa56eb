"""Re-execute course notebooks in place, the way they are committed (a maintainer's tool, `make notebooks`).

    .venv/bin/python scripts/execute_course.py                      # every notebook in course/
    .venv/bin/python scripts/execute_course.py course/04_*.ipynb    # some of them

Each notebook runs top to bottom in a fresh "python3" kernel, in fast mode (RESNET_COURSE_MODE=fast, unless set),
with its working folder course/, and the widget state stored (nbclient's store_widget_state), so a trusted
JupyterLab, GitHub and nbviewer show the widgets as they were left rather than "model not found".

A widget whose saved state would be large (a plotly FigureWidget carries plotly.js, about 5 MB, in its state) is
not saved: its output keeps the static picture every widget of the package leaves beside its view, and loses the
view, so JupyterLab shows that picture instead of "model not found"; running the cell brings the live widget back.
Saved state not shown by any output is dropped.

A notebook is written only when its run is clean: no error, nothing on stderr, and no default object repr
("<... object at 0x...>") in any output, since a learner would see all three. Whole floats such as 10.0 are written
as 10, as the browser writes them back (JavaScript has no 10.0), so that opening and saving a notebook in
JupyterLab leaves the file unchanged (tests/ui/test_landing.py). The file is replaced atomically.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from resnet_widgets.diagram.layout import whole_numbers

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
DEFAULT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")


# The diagram's rule for its scene, applied to the whole notebook: 10.0 becomes 10, as a browser writes it back.
whole_floats_as_ints = whole_numbers


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MAX_SAVED_WIDGET_BYTES = 300_000  # per displayed widget, with its children, layouts and styles
MODEL_REFERENCE = re.compile(r"IPY_MODEL_(\w+)")


def widget_tree(model_id, models):
    """The ids of a widget model and of every model it refers to (children, layout, style), recursively."""
    seen, todo = set(), [model_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in models:
            todo.extend(MODEL_REFERENCE.findall(json.dumps(models[current])))
    return seen


def keep_small_widget_state(notebook):
    """Save the state of the displayed widgets that are small; a large one shows its static picture instead.

    Returns the (cell index, size in bytes) of each widget view removed.
    """
    saved = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    models = saved.get("state", {})
    kept, removed = set(), []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            tree = widget_tree(view["model_id"], models)
            size = sum(len(json.dumps(models[i])) for i in tree if i in models)
            if tree <= set(models) and size <= MAX_SAVED_WIDGET_BYTES:
                kept |= tree
                continue
            if not set(output["data"]) - {WIDGET_VIEW, "text/plain"}:
                raise SystemExit(f"cell {index}: a widget of {size:,} bytes of state and no static picture to show")
            del output["data"][WIDGET_VIEW]
            removed.append((index, size))
    if kept:
        saved["state"] = {i: models[i] for i in models if i in kept}
    else:
        notebook.metadata.pop("widgets", None)
    return removed


def problems(notebook):
    """What a learner would see that they should not: stderr output and default object reprs, by cell."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: stderr: {output['text'][:300]!r}")
            texts = [output.get("text", "")] + [v for v in output.get("data", {}).values() if isinstance(v, str)]
            for text in texts:
                if DEFAULT_REPR.search(text):
                    found.append(f"cell {index}: a default object repr: {DEFAULT_REPR.search(text).group(0)}")
    return found


def execute(path, timeout):
    notebook = nbformat.read(path, as_version=4)
    # record_timing=False: no per-cell timestamps, so a re-run changes only what the cells show.
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    found = problems(notebook)
    if found:
        raise SystemExit(f"{path.name} was not written, its run shows:\n  " + "\n  ".join(found))
    for index, size in keep_small_widget_state(notebook):
        print(f"{path.name}: cell {index} shows its static picture; its widget state ({size:,} bytes) is not saved")
    write(notebook, path)
    return seconds


def write(notebook, path):
    """Write atomically, with whole floats as a browser writes them back, keeping the file's permissions."""
    notebook = nbformat.from_dict(whole_floats_as_ints(notebook))
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".ipynb", delete=False, encoding="utf-8") as f:
        nbformat.write(notebook, f)
    os.chmod(f.name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    os.replace(f.name, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course/NN*_*.ipynb")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per cell (default 900)")
    args = parser.parse_args(argv)
    os.environ.setdefault("RESNET_COURSE_MODE", "fast")
    paths = [p.resolve() for p in args.notebooks] or sorted(COURSE.glob("[0-9][0-9]*_*.ipynb"))
    for path in paths:
        print(f"{path.name}: executing ...", flush=True)
        print(f"{path.name}: written, {execute(path, args.timeout):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
