"""GradientExplorer in a real JupyterLab: dragging the depth slider redraws the plot, after one recomputation."""

import pytest

from .harness import (
    assert_no_browser_errors,
    kernel_eval,
    open_notebook,
    run_all_cells,
    save_artifact,
    save_screenshot,
    wait_for_kernel_value,
    write_notebook,
)

pytestmark = pytest.mark.ui

CELLS = [
    "from resnet_widgets.gradients import GradientExplorer\n"
    "# wait=1.0: the whole drag lands inside one debounce window even on a busy CI machine\n"
    "from resnet_widgets.diagram import ArchitectureDiagram\n"
    "explorer = GradientExplorer(depth=14, width=8, batch_size=16, wait=1.0, draw_network=ArchitectureDiagram)\n"
    "depth_changes = []\n"
    "explorer.controls['depth'].observe(lambda change: depth_changes.append(change['new']), 'value')\n"
    "explorer",
]

# The plotly graph div inside the explorer; plotly keeps the drawn data and layout on it.
_PLOT = "document.querySelector('.resnet-gradient-explorer .js-plotly-plot')"


def _drawn(page):
    """What the browser shows: markers per trace, trace names and the x-axis range."""
    return page.evaluate(
        f"""() => {{
            const plot = {_PLOT};
            const traces = Array.from(plot.querySelectorAll('.scatterlayer .trace'));
            return {{
                points: traces.map(t => t.querySelectorAll('path.point').length),
                names: plot.data.map(t => t.name),
                xrange: plot._fullLayout.xaxis.range,
            }};
        }}"""
    )


def _wait_for_points(page, count, timeout=30):
    """Wait until the plain trace shows `count` markers."""
    page.wait_for_function(
        f"() => {_PLOT}.querySelectorAll('.scatterlayer .trace')[0].querySelectorAll('path.point').length === {count}",
        timeout=timeout * 1000,
    )


def test_dragging_the_depth_slider_redraws_the_plot_once(jupyterlab, browser_page):
    page = browser_page
    write_notebook(jupyterlab.root_dir, "gradient_explorer.ipynb", CELLS)
    open_notebook(page, jupyterlab, "gradient_explorer.ipynb")
    run_all_cells(page, timeout=180)
    # The first recomputation runs in the kernel before the plot has points: minutes on a loaded CI machine.
    page.wait_for_selector(".resnet-gradient-explorer .js-plotly-plot path.point", timeout=180_000)
    # The paper's CIFAR nets: a 14-layer net has 13 convolutions (and the dense layer), one point each.
    _wait_for_points(page, 13)
    before = _drawn(page)
    assert before["points"] == [13, 13]
    assert before["xrange"] == pytest.approx([0.5, 13.5])
    assert kernel_eval(page, "explorer.recomputations") == 1
    save_screenshot(page.locator(".resnet-gradient-explorer"), "gradient_explorer_depth10")

    # Drag the handle most of the way to the right, in many small moves, as a learner would.
    handle = page.locator(".resnet-gradient-explorer .widget-slider .noUi-handle").first
    track = page.locator(".resnet-gradient-explorer .widget-slider .noUi-base").first
    handle_box, track_box = handle.bounding_box(), track.bounding_box()
    y = handle_box["y"] + handle_box["height"] / 2
    page.mouse.move(handle_box["x"] + handle_box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track_box["x"] + 0.6 * track_box["width"], y, steps=25)
    page.mouse.up()

    wait_for_kernel_value(page, "explorer.recomputations", 2, timeout=90)
    final_depth = kernel_eval(page, "explorer.controls['depth'].value")
    changes = kernel_eval(page, "len(depth_changes)")
    assert final_depth > 40 and (final_depth - 2) % 6 == 0, final_depth  # the slider moves in steps of 6
    assert changes > 3, "the drag should have sent many intermediate values"
    _wait_for_points(page, final_depth - 1)
    after = _drawn(page)
    assert after["points"] == [final_depth - 1, final_depth - 1]
    assert after["xrange"] == pytest.approx([0.5, final_depth - 0.5])
    assert after["names"] != before["names"]  # the first/last ratios in the legend changed with depth
    assert "done in" in page.locator(".resnet-gradient-explorer .resnet-gradient-status").inner_text()
    # Many slider values arrived; one recomputation ran, for the final one.
    assert kernel_eval(page, "explorer.recomputations") == 2
    assert kernel_eval(page, "len(explorer.result.plain)") == final_depth - 1
    save_screenshot(page.locator(".resnet-gradient-explorer"), "gradient_explorer_dragged")
    save_artifact("gradient_explorer.json", {"before": before, "after": after, "slider_changes": changes})

    # "show the network" draws the residual net just measured, below the plot, without recomputing.
    page.locator(".resnet-gradient-explorer button", has_text="show the network").click()
    page.wait_for_selector(".resnet-gradient-explorer .rnd-root", timeout=60_000)
    assert kernel_eval(page, "explorer.recomputations") == 2
    assert kernel_eval(page, "explorer.networks()[1].name") == f"residual_{final_depth}"
    save_screenshot(page.locator(".resnet-gradient-explorer"), "gradient_explorer_network")
    assert_no_browser_errors(page)
