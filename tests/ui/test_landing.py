"""`make lab` as a new learner meets it: JupyterLab lands on 00_start_here, the course's notebooks are
trusted, and opening and saving any of them changes nothing in the file (so git stays clean).

The server here is started the way `make lab` starts it: by scripts/start_lab.py (the Makefile's `lab`
recipe, checked below), with the harness' port, token and settings appended, on a copy of course/ and
with a fresh Jupyter data folder, so only what the script itself trusted counts as trusted.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from ..diagram.executed import executed_notebook
from .course_lab import COURSE, OPENING_RACE, START_LAB, shut_down_kernels, start_course_lab
from .harness import REPO_ROOT, assert_no_browser_errors, new_page, open_notebook, save_screenshot

pytestmark = pytest.mark.ui

NOTEBOOKS = sorted(path.name for path in COURSE.glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

sys.path.insert(0, str(START_LAB.parent))
from start_lab import LANDING  # noqa: E402


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    server = start_course_lab(tmp_path_factory.mktemp("make_lab"))
    try:
        yield server
    finally:
        server.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_makefile_starts_jupyterlab_through_the_script():
    # Under `make test` the outer make's MAKEFLAGS would add "Entering/Leaving directory" lines: run it as a user would.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "lab"], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert recipe.returncode == 0, recipe.stderr
    assert recipe.stdout.strip().splitlines()[-1].endswith("scripts/start_lab.py")


def test_the_root_url_redirects_to_00_start_here(make_lab):
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{make_lab.url}?token={make_lab.token}", timeout=30)
    assert redirect.value.code in (301, 302, 303, 307)
    location = redirect.value.headers["Location"]
    assert location.split("?")[0].endswith(f"/lab/tree/{LANDING}"), location
    assert (make_lab.root_dir / LANDING).is_file()


def test_a_learner_lands_on_00_start_here(make_lab, browser):
    page = new_page(browser)
    try:
        page.goto(f"{make_lab.url}?token={make_lab.token}", wait_until="domcontentloaded", timeout=120_000)
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        page.wait_for_function("() => !!window.jupyterapp && !!window.jupyterapp.shell.currentWidget", timeout=60_000)
        page.wait_for_function("() => !!window.jupyterapp.shell.currentWidget.context", timeout=60_000)
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path") == LANDING
        save_screenshot(page, "make_lab_landing")
        assert_no_browser_errors(page)
    finally:
        page.context.close()


def contents(server, name):
    url = f"{server.url}api/contents/{name}?token={server.token}&content=1"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_course_notebooks_are_served_trusted(make_lab, name):
    notebook = contents(make_lab, name)["content"]
    untrusted = [i for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"
                 and not cell["metadata"].get("trusted")]  # fmt: skip
    assert not untrusted, f"{name}: cells {untrusted} are not trusted, so JupyterLab hides their SVG and widgets"


def test_a_trusted_notebook_shows_its_pictures_before_any_run(make_lab, browser):
    # JupyterLab refuses SVG output from a notebook it does not trust ("Cannot display an untrusted SVG").
    with_svg = [name for name in NOTEBOOKS if '"image/svg+xml"' in (COURSE / name).read_text()]
    if not with_svg:
        pytest.skip("no course notebook stores an SVG output")
    page = new_page(browser)
    try:
        open_notebook(page, make_lab, with_svg[0], timeout=120)
        page.wait_for_selector(".jp-RenderedSVG img", state="attached", timeout=60_000)
        assert "Cannot display an untrusted" not in page.locator(".jp-Notebook").inner_text()
        assert_no_browser_errors(page, expected=(OPENING_RACE,))
    finally:
        page.context.close()


SAVE_JS = """async (timeoutMs) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const timer = new Promise((resolve) => setTimeout(() => resolve('timed out'), timeoutMs));
    const saved = panel.context.save().then(() => 'saved', (error) => String(error));
    return await Promise.race([saved, timer]);
}"""


def first_changed_line(before: bytes, after: bytes) -> str:
    for number, (old, new) in enumerate(zip(before.splitlines(), after.splitlines()), 1):
        if old != new:
            return f"line {number}: {old.strip()[:80]!r} became {new.strip()[:80]!r}"
    return "its length"


def changed_parts(before: dict, after: dict, where="") -> list[str]:
    """Paths of what differs between two notebooks' JSON (for a readable failure)."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        return [p for k in keys for p in changed_parts(before.get(k), after.get(k), f"{where}/{k}")]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (b, a) in enumerate(zip(before, after)) for p in changed_parts(b, a, f"{where}/{i}")]
    return [] if before == after else [where or "/"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_opening_and_saving_a_notebook_leaves_it_unchanged(make_lab, browser, name):
    path = make_lab.root_dir / name
    original = (COURSE / name).read_bytes()
    written_before = path.stat().st_mtime_ns
    page = new_page(browser)
    try:
        open_notebook(page, make_lab, name, timeout=120)
        assert page.evaluate(SAVE_JS, 60_000) == "saved"
        assert_no_browser_errors(page, expected=(OPENING_RACE,))
    finally:
        page.context.close()
        shut_down_kernels(make_lab)
    assert path.stat().st_mtime_ns != written_before, "JupyterLab did not write the file"
    saved = path.read_bytes()
    if saved != original:
        parts = changed_parts(json.loads(original), json.loads(saved))
        # Equal JSON written differently: a number such as 10.0 comes back from the browser as 10.
        shown = ", ".join(parts[:8]) or f"the same JSON, written differently ({first_changed_line(original, saved)})"
        pytest.fail(f"{name} changed when opened and saved in JupyterLab: {shown}")


def test_a_freshly_executed_diagram_notebook_is_unchanged_by_open_and_save(make_lab, browser):
    # What 02, 03, 04 and 06 store once they are executed again with today's widget: the scene is synced
    # as one JSON string, so no number in the saved state can come back from the browser written otherwise.
    notebook = executed_notebook([
        "from resnet_widgets.diagram import ArchitectureDiagram, explore\nfrom resnet_widgets.models import ResNet50",
        "ArchitectureDiagram(ResNet50(weights=None), expanded=['conv3_block1'])",
        "explore('ResNet50V2', input_size=32)",
    ])  # fmt: skip
    name = "zz_executed_diagram.ipynb"
    nbformat.write(notebook, make_lab.root_dir / name)
    original = (make_lab.root_dir / name).read_bytes()
    page = new_page(browser)
    try:
        open_notebook(page, make_lab, name, timeout=120)
        assert page.evaluate(SAVE_JS, 60_000) == "saved"
    finally:
        page.context.close()
        shut_down_kernels(make_lab)
    saved = (make_lab.root_dir / name).read_bytes()
    assert saved == original, first_changed_line(original, saved)


DEBUGGER_CANCELLED = "Could not restore the debugger state: Canceled future for debug_request"


def _kernel_ids(server):
    with urllib.request.urlopen(f"{server.url}api/kernels?token={server.token}", timeout=30) as response:
        return {kernel["id"] for kernel in json.load(response)}


def test_closing_a_notebooks_tab_shuts_its_kernel_down(make_lab, browser):
    # Binder gives a learner 2 GB for everything; a kernel left running by the notebook before would take most
    # of it (docs/BENCHMARKS.md, memory per notebook). binder/overrides.json sets kernelShutdown, and the
    # harness starts JupyterLab with the learner's overrides, so this is the JupyterLab a learner gets.
    page = new_page(browser)
    try:
        open_notebook(page, make_lab, "01a_residual_learning.ipynb", timeout=120)
        kernel = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id")
        assert kernel in _kernel_ids(make_lab)
        page.evaluate("() => window.jupyterapp.shell.currentWidget.close()")
        deadline = time.monotonic() + 60
        while kernel in _kernel_ids(make_lab) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert kernel not in _kernel_ids(make_lab), "the kernel kept running after its notebook's tab was closed"
        # JupyterLab's debugger asks the kernel for its state when a notebook opens; a kernel shut down before
        # the reply cancels that request, and the debugger logs it (nothing a learner sees).
        assert_no_browser_errors(page, expected=(OPENING_RACE, DEBUGGER_CANCELLED))
    finally:
        page.context.close()
        shut_down_kernels(make_lab)
