"""The course from the keyboard alone: notebook 02's diagram, then the gradient explorer's depth control.

No mouse event anywhere in this module: cells run through JupyterLab's command API, focus moves with Tab, and
every action is a key press. Focus starts on the widget's own first control (as a screen-reader user lands on it
from the notebook); from there the test only presses keys.
"""

import nbformat
import pytest

from .course_lab import COURSE
from .harness import (
    assert_no_browser_errors,
    kernel_eval,
    open_notebook,
    run_all_cells,
    save_screenshot,
    wait_for_kernel_value,
    write_notebook,
)

pytestmark = pytest.mark.ui

(NOTEBOOK_02,) = sorted(COURSE.glob("02_*.ipynb"))  # the lead may rename others; 02 is the identity block

FOCUSED = """() => { const f = document.activeElement;
  return f ? {name: f.getAttribute('data-name'), kind: f.getAttribute('data-kind'),
              expanded: f.getAttribute('aria-expanded'), label: f.getAttribute('aria-label'),
              role: f.getAttribute('role')} : null; }"""
RING = """() => { const f = document.activeElement; const r = f && f.querySelector(':scope > rect');
  if (!r) return {focused: f && f.tagName, hasFocus: document.hasFocus()};
  const s = getComputedStyle(r); return {name: f.getAttribute('data-name'), stroke: s.stroke,
                                         width: parseFloat(s.strokeWidth), hasFocus: document.hasFocus()}; }"""
FOCUS_RING_RGB = "rgb(29, 78, 216)"  # palette.FOCUS_RING, #1d4ed8


def _assert_focus_ring(page):
    """The focused node's box is stroked in the focus colour, 3 px or more (a visible focus ring)."""
    try:
        page.wait_for_function(f"() => {{ const r = ({RING})(); return r.stroke === '{FOCUS_RING_RGB}' && r.width >= 3; }}",
                               timeout=5_000)
    except Exception:
        raise AssertionError(f"no visible focus ring on the focused node: {page.evaluate(RING)}") from None


def _press_until(page, key, name, limit=40):
    """Press ``key`` until the focused element is the node ``name``; return the names passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        passed.append(focused and focused["name"])
        if focused and focused["name"] == name:
            return passed
    raise AssertionError(f"{key} never reached {name}; focus went through {passed}")


def test_notebook_02s_diagram_opens_reads_and_closes_a_block_from_the_keyboard(jupyterlab, browser_page):
    page = browser_page
    # Without its saved widget state: that holds the widget's code as of the last `make notebooks`, and anywidget
    # may keep that copy's CSS over the one the kernel sends; this test is about the widget as the code draws it.
    notebook = nbformat.read(NOTEBOOK_02, as_version=4)
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, jupyterlab.root_dir / NOTEBOOK_02.name)
    open_notebook(page, jupyterlab, NOTEBOOK_02.name, timeout=120)
    run_all_cells(page, timeout=300)
    root = page.locator(".rnd-root").first  # 02's live diagram: the learner's block, drawn open
    root.locator(".rnd-node").first.wait_for(timeout=60_000)
    page.evaluate("() => document.querySelector('.rnd-root .rnd-node').focus()")  # where Tab into it lands
    first = page.evaluate(FOCUSED)
    assert first["role"] == "button" and first["label"].startswith(first["name"])
    block = "conv2_block2"
    if first["name"] != block:
        _press_until(page, "Tab", block)
    focused = page.evaluate(FOCUSED)
    assert focused["kind"] == "block" and focused["expanded"] == "true", focused  # 02 draws it open
    open_block = root.locator(f".rnd-open[data-item={block}]")

    page.keyboard.press("Enter")  # close it
    open_block.wait_for(state="detached", timeout=5_000)
    closed = page.evaluate(FOCUSED)
    assert closed["name"] == block and closed["expanded"] == "false", closed  # the focus stayed on it
    _assert_focus_ring(page)

    page.keyboard.press(" ")  # Space opens it again
    open_block.wait_for(timeout=5_000)
    assert page.evaluate(FOCUSED)["expanded"] == "true"
    page.keyboard.press("Tab")  # into the open block: its first layer
    layer = page.evaluate(FOCUSED)
    assert layer["kind"] == "layer" and layer["name"].startswith(block + "_"), layer
    tip = root.locator(".rnd-tip")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    assert layer["name"] in text and "output" in text and "parameters" in text, text
    described = page.evaluate(
        "() => document.getElementById(document.activeElement.getAttribute('aria-describedby')).innerText"
    )
    assert described == text  # a screen reader reads the same tooltip
    save_screenshot(root, "keyboard_02_block_open_with_tip")

    page.keyboard.press("Escape")  # closes the block around the focus; the focus goes back to the block
    open_block.wait_for(state="detached", timeout=5_000)
    back = page.evaluate(FOCUSED)
    assert back["name"] == block and back["expanded"] == "false", back
    assert root.locator(".rnd-tip .rnd-tip-title").inner_text().startswith(block)  # the tooltip follows the focus
    assert_no_browser_errors(page)


def test_the_gradient_explorers_depth_slider_moves_with_arrow_keys(jupyterlab, browser_page):
    page = browser_page
    write_notebook(jupyterlab.root_dir, "keyboard_explorer.ipynb", [
        "from resnet_widgets.gradients import GradientExplorer\n"
        "explorer = GradientExplorer(depth=8, width=4, batch_size=8, wait=0.5)\n"
        "explorer",
    ])
    open_notebook(page, jupyterlab, "keyboard_explorer.ipynb")
    run_all_cells(page, timeout=180)
    page.wait_for_selector(".resnet-gradient-explorer .js-plotly-plot path.point", timeout=180_000)
    assert kernel_eval(page, "explorer.recomputations") == 1
    # Focus the first control of the explorer, then Tab to the depth slider's handle.
    page.evaluate("() => document.querySelector('.resnet-gradient-explorer select').focus()")
    for _ in range(10):
        if page.evaluate("() => document.activeElement.classList.contains('noUi-handle')"):
            break
        page.keyboard.press("Tab")
    handle = page.evaluate("() => ({cls: document.activeElement.className, role: "
                           "document.activeElement.getAttribute('role'), now: document.activeElement"
                           ".getAttribute('aria-valuenow')})")
    assert "noUi-handle" in handle["cls"] and handle["role"] == "slider", handle
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_for_kernel_value(page, "explorer.controls['depth'].value", 20, timeout=30)
    wait_for_kernel_value(page, "explorer.recomputations", 2, timeout=120)
    page.wait_for_function("() => document.querySelector('.resnet-gradient-explorer .js-plotly-plot')"
                           ".querySelectorAll('.scatterlayer .trace')[0].querySelectorAll('path.point').length === 19",
                           timeout=60_000)
    assert "depth 20" in kernel_eval(page, "explorer.caption.table['caption']")
    save_screenshot(page.locator(".resnet-gradient-explorer"), "keyboard_explorer_depth20")
    assert_no_browser_errors(page)
