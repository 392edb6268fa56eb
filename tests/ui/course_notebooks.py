"""Every course notebook, run in JupyterLab in Chromium as a learner runs it, in fast mode: the shared part.

This is the one run of each notebook in CI: nbval does not run them again. The run's outputs, read from
JupyterLab's notebook model, are compared with the committed ones by nbval's own comparison
(tests/checked_outputs.py: the cells marked # NBVAL_CHECK_OUTPUT, as `pytest --nbval-lax` compares them).

The tests are the test_course_notebooks_*.py modules, one per GROUP, so that pytest-xdist (which keeps a
module on one worker) can run the long notebooks side by side; a notebook that no group names joins "rest"
(new notebooks join by being in course/). Each runs all cells and then
checks what a learner would see:
    - no page error or console error (on opening, and while running);
    - no stored widget output without its saved state (trusted, it opens on "model not found");
    - no stderr output in any cell;
    - every widget rendered (no "Loading widget...", no "Error displaying widget");
    - every widget output carries a static picture (a PNG) and a text line without a memory address,
      for untrusted notebooks, GitHub and nbviewer;
    - nothing in an output area wider than the area itself (scrollWidth <= clientWidth);
    - every checked output equal to the committed one (nbval's comparison);
    - nothing left behind in the temporary folder once the kernel is shut down (a learner's disk, a Binder pod's);
and saves the executed notebook as test-artifacts/ui/executed/<notebook>, and a screenshot of the whole notebook as test-artifacts/ui/course_<notebook>.png.

The server is started the way `make lab` starts it (scripts/start_lab.py) on a copy of course/, with
RESNET_COURSE_MODE=fast and without the harness' TF_CPP_MIN_LOG_LEVEL, so kernels print what a
learner's kernel prints. Run times are printed and saved to test-artifacts/ui/course_times.json.
"""

import json
import time

import nbformat

from ..checked_outputs import checked_output_problems
from .course_lab import COURSE, OPENING_RACE, shut_down_kernels, start_course_lab
from .harness import artifact_path, new_page, open_notebook, run_all_cells, save_artifact, save_screenshot, unexpected_browser_errors

NOTEBOOKS = sorted(path.name for path in COURSE.glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDTH = 1280  # a laptop's browser window; the file browser is folded away, as open_notebook does
RUN_TIMEOUT = 900  # seconds per notebook: fast mode takes at most 2 minutes on 2 cores; CI may be slower
TIMES: dict[str, float] = {}
# Seconds in JupyterLab on a loaded 2-core CI machine (test-artifacts/ui/course_times.json, 2026-12-02): 01 122,
# 07 136, 08 222, 09 120, the other six 121 together. Each long one gets its own module.
# 01b and 06b train for minutes since issue 15 (the degradation experiment over three seeds; a ResNet on all of
# Fashion-MNIST): each gets its own module too.
GROUPS = {"01b_gradients_and_degradation.ipynb": "01b", "06b_train_your_resnet.ipynb": "06b",
          "07_lab_feature_extraction.ipynb": "07", "08_lab_fine_tuning.ipynb": "08", "09_inside_resnet.ipynb": "09"}


def notebooks_of(group: str) -> list[str]:
    return [name for name in NOTEBOOKS if GROUPS.get(name, "rest") == group]


def course_lab_server(tmp_path_factory):
    """The course's JupyterLab as `make lab` starts it, in fast mode, for one module (a generator fixture body)."""
    env = {"RESNET_COURSE_MODE": "fast", "TF_CPP_MIN_LOG_LEVEL": None}
    server = start_course_lab(tmp_path_factory.mktemp("course_lab"), env)
    try:
        yield server
    finally:
        server.stop()
        if TIMES:  # several modules (and workers) write it: merge with what is there
            path = artifact_path("course_times.json")
            known = json.loads(path.read_text()) if path.exists() else {}
            save_artifact("course_times.json", dict(sorted({**known, **TIMES}.items())))


# Per code cell: its index among all cells, first source line, and per output what the model holds and
# what the page shows.
READ_CELLS_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = [];
    panel.content.widgets.forEach((cell, index) => {
        if (cell.model.type !== 'code') return;
        const shown = Array.from(cell.node.querySelectorAll('.jp-OutputArea-output'));
        const outputs = [];
        for (let i = 0; i < cell.model.outputs.length; i++) {
            const out = cell.model.outputs.get(i).toJSON();
            const node = shown[i];
            const text = node ? node.innerText : '';
            outputs.push({
                type: out.output_type,
                name: out.name || null,
                stream: out.output_type === 'stream' ? String(out.text).slice(0, 300) : null,
                mimes: Object.keys(out.data || {}),
                plain: out.data && out.data['text/plain'] ? String(out.data['text/plain']).slice(0, 200) : null,
                height: node ? node.offsetHeight : 0,
                broken: /Error displaying widget|Loading widget/.test(text),
                fallback: !!(node && node.querySelector('.jp-RenderedImage')),
                scrollWidth: node ? node.scrollWidth : 0,
                clientWidth: node ? node.clientWidth : 0,
            });
        }
        const source = cell.model.sharedModel.getSource();
        const lines = source.split('\\n');
        cells.push({index, line: lines.find(l => l.trim() && !l.startsWith('#')) || lines[0], outputs});
    });
    return cells;
}"""

WIDGETS_SETTLED_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel.content.widgets.every(cell => {
        if (cell.model.type !== 'code') return true;
        const shown = Array.from(cell.node.querySelectorAll('.jp-OutputArea-output'));
        for (let i = 0; i < cell.model.outputs.length; i++) {
            const data = cell.model.outputs.get(i).toJSON().data || {};
            if (!data['""" + WIDGET_MIME + """']) continue;
            const node = shown[i];
            if (!node || node.offsetHeight < 10 || /Loading widget/.test(node.innerText)) return false;
        }
        return true;
    });
}"""


def problems_in(cells: list[dict]) -> list[str]:
    """What a learner should not see, one line each, naming the cell."""
    found = []
    for cell in cells:
        where = f"cell {cell['index']} ({cell['line'][:60]!r})"
        for out in cell["outputs"]:
            if out["type"] == "stream" and out["name"] == "stderr":
                found.append(f"{where} writes to stderr: {out['stream']!r}")
            if out["type"] == "error":
                found.append(f"{where} raised")
            if WIDGET_MIME in out["mimes"]:
                if out["broken"] or out["height"] < 10 or out["fallback"]:
                    found.append(f"{where}: a widget did not render (height {out['height']} px)")
                if "image/png" not in out["mimes"]:
                    found.append(f"{where}: a widget output has no static picture (image/png) for untrusted viewers")
                if out["plain"] is None or " object at 0x" in out["plain"] or "(children=" in out["plain"]:
                    found.append(f"{where}: a widget output's text is {out['plain']!r}, not one stable line")
            if out["scrollWidth"] > out["clientWidth"]:
                found.append(f"{where}: an output is {out['scrollWidth']} px wide in a {out['clientWidth']} px area")
    return found


def screenshot_whole_notebook(page, name: str) -> None:
    """A screenshot of the whole notebook: the window is made as tall as the notebook for it."""
    # The notebook scrolls inside its panel: back to the top, then as tall as its cells (not the empty room
    # JupyterLab leaves below the last cell).
    height = page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            panel.node.querySelector('.jp-WindowedPanel-outer').scrollTop = 0;
            const cells = panel.node.querySelectorAll('.jp-Cell');
            const last = cells[cells.length - 1].getBoundingClientRect();
            return last.bottom + 40;
        }"""
    )
    page.set_viewport_size({"width": WIDTH, "height": min(int(height), 16_000)})
    page.wait_for_timeout(800)
    save_screenshot(page, f"course_{name.removesuffix('.ipynb')}")


def stored_widgets_without_state(path) -> list[str]:
    """Stored widget outputs whose model the notebook does not save: opened trusted, each shows
    "Error displaying widget: model not found" until its cell runs again."""
    notebook = json.loads(path.read_text())
    saved = notebook["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = set(saved.get("state", {}))
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_MIME)
            if view and view.get("model_id") not in models:
                found.append(f"cell {index}: its stored widget output has no saved widget state, so the notebook "
                             "opens on 'Error displaying widget: model not found' (store the widget state when "
                             "executing it, e.g. nbclient store_widget_state=True)")  # fmt: skip
    return found


# OPENING_RACE (course_lab.py) is tolerated only before the run; stored outputs without any saved state,
# which always open on that error, are caught by stored_widgets_without_state.


def outputs_against_the_committed_notebook(page, course_lab, name) -> list[str]:
    """nbval's verdict on this run: the notebook as JupyterLab saves it after "Run All", against the committed file.

    JupyterLab saves it through the server (as a learner's Ctrl+S does) into the server's copy of course/; that
    file is also kept as test-artifacts/ui/executed/<name>, so a failure can be opened and diffed."""
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.context.save(); }")
    executed = nbformat.read(course_lab.root_dir / name, as_version=4)
    path = artifact_path(f"executed/{name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, path)
    committed = nbformat.read(COURSE / name, as_version=4)
    return [f"checked output (nbval): {problem}" for problem in checked_output_problems(committed, executed)]


def run_course_notebook(course_lab, browser, name):
    """Open `name` in the course's JupyterLab, run all its cells, and assert what a learner sees (module docstring)."""
    problems = stored_widgets_without_state(COURSE / name)
    temp_before = set(course_lab.temp_dir.iterdir())
    page = new_page(browser, width=WIDTH, height=1000)
    try:
        open_notebook(page, course_lab, name, timeout=180)
        page.wait_for_timeout(1000)  # let stored widgets try to render
        on_opening = unexpected_browser_errors(page, expected=(OPENING_RACE,))
        problems += [f"on opening: {error}" for error in on_opening]
        page.console_errors.clear()
        page.page_errors.clear()
        started = time.monotonic()
        try:
            run_all_cells(page, timeout=RUN_TIMEOUT)
        except AssertionError as error:  # a cell raised: report it with the rest, after the screenshot
            problems.append(str(error))
        TIMES[name] = round(time.monotonic() - started, 1)
        print(f"\n{name}: all cells ran in {TIMES[name]} s (fast mode, in JupyterLab)")
        try:
            page.wait_for_function(WIDGETS_SETTLED_JS, timeout=60_000, polling=500)
        except Exception:  # reported below, output by output
            pass
        problems += problems_in(page.evaluate(READ_CELLS_JS))
        problems += [f"while running: {error}" for error in unexpected_browser_errors(page)]
        problems += outputs_against_the_committed_notebook(page, course_lab, name)
        screenshot_whole_notebook(page, name)
    finally:
        page.context.close()
        shut_down_kernels(course_lab)
    problems += [f"left behind in the temporary folder: {path.name}"
                 for path in sorted(set(course_lab.temp_dir.iterdir()) - temp_before)]
    assert not problems, f"{name} in JupyterLab:\n" + "\n".join(problems)
