"""Our four widgets, as they render in JupyterLab, audited by axe-core against WCAG 2.1 A and AA.

Each audit is scoped to the widget's own DOM (JupyterLab's shell has known gaps of its own, outside our reach).
The bar: no serious or critical violation; moderate and minor ones are printed, saved to
test-artifacts/ui/widget_axe.json, and listed in docs/ACCESSIBILITY.md. Also checked here, with the widgets on
screen: the diagram's text version and "copy as table", the plots' accessible names, the Grad-CAM picture's alt.
"""

import pytest

from .accessibility import axe_audit, blocking, describe
from .harness import (
    assert_no_browser_errors,
    kernel_eval,
    new_page,
    open_notebook,
    run_all_cells,
    save_artifact,
    save_screenshot,
    write_notebook,
)

pytestmark = pytest.mark.ui

NOTEBOOK = "widget_accessibility.ipynb"
CELLS = [
    "import keras, numpy as np\n"
    "from resnet_widgets.diagram import ArchitectureDiagram\n"
    "from resnet_widgets.models import ResNet50\n"
    "diagram = ArchitectureDiagram(ResNet50(weights=None), expanded=['conv2_block1'])\n"
    "diagram",
    "from resnet_widgets.gradients import GradientExplorer\n"
    "explorer = GradientExplorer(depth=8, width=4, batch_size=8)\n"
    "explorer",
    "from resnet_widgets.inside import GradCamExplorer\n"
    "keras.utils.set_random_seed(0)\n"
    "cam_model = ResNet50(weights=None, input_shape=(64, 64, 3), classes=3)\n"
    "images = np.random.default_rng(0).uniform(-1, 1, (2, 64, 64, 3)).astype('float32')\n"
    "cam = GradCamExplorer(cam_model, images, class_names=['cat', 'dog', 'fox'])\n"
    "cam",
    "from resnet_widgets.training import LiveDashboard\n"
    "x, y = np.random.default_rng(0).random((64, 8)).astype('float32'), np.arange(64) % 3\n"
    "tiny = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation='softmax')])\n"
    "tiny.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "dashboard = LiveDashboard('accessibility check')\n"
    "display(dashboard)\n"
    "tiny.fit(x, y, validation_split=0.25, batch_size=8, epochs=2, verbose=0,\n"
    "         callbacks=[dashboard.run('first run', batch_size=8)])\n"
    "tiny.fit(x, y, validation_split=0.25, batch_size=8, epochs=1, verbose=0,\n"
    "         callbacks=[dashboard.run('second run', batch_size=8)])",
]

# Each widget's root in the page: what the audit covers.
WIDGETS = {
    "architecture diagram": ".rnd-root",
    "gradient explorer": ".resnet-gradient-explorer",
    "Grad-CAM explorer": ".resnet-grad-cam-explorer",
    "live dashboard": ".resnet-live-dashboard",
}


@pytest.fixture(scope="module")
def lab(jupyterlab, browser):
    write_notebook(jupyterlab.root_dir, NOTEBOOK, CELLS)
    page = new_page(browser)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        open_notebook(page, jupyterlab, NOTEBOOK)
        run_all_cells(page, timeout=300)
        page.wait_for_selector(".resnet-gradient-explorer .js-plotly-plot path.point", timeout=180_000)
        page.wait_for_selector(".resnet-live-dashboard .js-plotly-plot path.point", timeout=60_000)
        page.wait_for_selector(".resnet-grad-cam-explorer img[src^='blob:'], .resnet-grad-cam-explorer img[src^='data:']",
                               timeout=60_000, state="attached")
        save_screenshot(page, "widget_accessibility_notebook")
        yield page
        assert_no_browser_errors(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("widget", WIDGETS)
def test_axe_finds_no_serious_or_critical_violation_in_the_widget(lab, widget):
    selector = WIDGETS[widget]
    lab.locator(selector).first.scroll_into_view_if_needed()
    violations = axe_audit(lab, selector)
    save_artifact(f"widget_axe_{selector.strip('.')}.json", {"widget": widget, "violations": violations})
    save_screenshot(lab.locator(selector).first, f"widget_axe_{selector.strip('.')}")
    print(f"\naxe WCAG 2.1 AA, {widget} ({selector}) in JupyterLab:\n{describe(violations)}")
    assert not blocking(violations), f"{widget}: serious or critical violations:\n{describe(blocking(violations))}"


def test_the_diagrams_blocks_take_focus_in_reading_order_from_the_keyboard(lab):
    # Keys only: start on the first node, then Tab. The order must be the graph's: stem, each stage's blocks top
    # to bottom, stages left to right, head (the open block's layers come right after its title).
    from .harness import kernel_run

    kernel_run(lab, "diagram.expanded = []")
    lab.wait_for_function("() => !document.querySelector('.rnd-root .rnd-open')")
    expected = kernel_eval(lab, "[n['name'] if n['kind'] != 'stage' else b['name'] for n in diagram.graph['children'] "
                                "for b in (n['children'] if n['kind'] == 'stage' else [n])]")
    lab.evaluate("() => document.querySelector('.rnd-root .rnd-node').focus()")
    order = [lab.evaluate("() => document.activeElement.getAttribute('data-name')")]
    for _ in expected[1:]:
        lab.keyboard.press("Tab")
        order.append(lab.evaluate("() => document.activeElement.getAttribute('data-name')"))
    assert order == expected


def test_the_diagram_has_a_text_version_and_copies_it_as_a_table(lab):
    root = lab.locator(".rnd-root").first
    table = kernel_eval(lab, "diagram.scene['text']['table']")
    root.locator("details.rnd-text > summary").click()
    rows = root.locator(".rnd-table tbody tr")
    assert rows.count() == len(table["rows"])
    assert rows.nth(1).inner_text().split("\t")[:2] == table["rows"][1][:2]
    root.locator(".rnd-button", has_text="copy as table").click()
    lab.wait_for_function("() => document.querySelector('.rnd-announce').textContent.startsWith('copied')")
    copied = lab.evaluate("() => navigator.clipboard.readText()")
    expected = "\n".join("\t".join(row) for row in [table["columns"], *table["rows"]]) + "\n"
    assert copied == expected
    save_screenshot(root, "widget_diagram_text_version")


def test_the_plots_are_named_and_described(lab):
    for scope in (".resnet-gradient-explorer", ".resnet-live-dashboard"):
        plot = lab.locator(f"{scope} .js-plotly-plot").first
        lab.wait_for_function(f"() => !!document.querySelector('{scope} .js-plotly-plot[aria-describedby]')")
        assert plot.get_attribute("role") == "figure" and plot.get_attribute("aria-label")
        summary = lab.locator(f"#{plot.get_attribute('aria-describedby')}").inner_text()
        assert summary and scope in (".resnet-gradient-explorer", ".resnet-live-dashboard")
    explorer_summary = kernel_eval(lab, "explorer.caption.summary")
    assert "Plain (dashed, circles)" in explorer_summary
    dashboard_rows = lab.locator(".resnet-live-dashboard .resnet-plot-table tbody tr").count()
    assert dashboard_rows == len(kernel_eval(lab, "dashboard.caption.table['rows']")) == 3


def test_the_grad_cam_picture_has_a_text_alternative(lab):
    lab.wait_for_function("() => !!document.querySelector('.resnet-grad-cam-explorer img[alt]')")
    alt = lab.locator(".resnet-grad-cam-explorer img").first.get_attribute("alt")
    assert alt == kernel_eval(lab, "cam.description.name") and alt.startswith("Image 0, predicted ")
