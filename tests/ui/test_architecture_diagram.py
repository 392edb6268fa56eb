"""ArchitectureDiagram in a real JupyterLab and Chromium, the way a learner uses it.

One notebook serves the module: ResNet50's diagram (the one the tests click) and ResNet152V2's (the one
the timing figures come from). The browser's performance marks are printed and saved to
test-artifacts/ui/diagram_timings.json for docs/BENCHMARKS.md; no test asserts a time.
"""

import json

import pytest

from .drawing import ELEMENTS_JS, first_difference, static_group
from .harness import (
    browser_measures,
    kernel_eval,
    kernel_run,
    assert_no_browser_errors,
    new_page,
    open_notebook,
    run_all_cells,
    save_artifact,
    save_screenshot,
    wait_for_kernel_value,
    write_notebook,
)

pytestmark = pytest.mark.ui

NOTEBOOK = "architecture_diagram.ipynb"
CELLS = [
    "from resnet_widgets.diagram import ArchitectureDiagram\n"
    "from resnet_widgets.models import ResNet50, ResNet152V2",
    "resnet50 = ResNet50(weights=None)\ndiagram = ArchitectureDiagram(resnet50)\ndiagram",
    "big = ArchitectureDiagram(ResNet152V2(weights=None))\nbig",
    "from resnet_widgets.diagram import explore\napp = explore('ResNet50', input_size=64)\napp",
]


@pytest.fixture(scope="module")
def lab(jupyterlab, browser):
    """The notebook, opened and run once; each test starts with every block closed."""
    write_notebook(jupyterlab.root_dir, NOTEBOOK, CELLS)
    page = new_page(browser)
    try:
        open_notebook(page, jupyterlab, NOTEBOOK)
        run_all_cells(page, timeout=180)
        page.wait_for_selector(".rnd-root >> nth=2", timeout=30_000)
        yield page
        assert_no_browser_errors(page)
    finally:
        page.context.close()


@pytest.fixture
def page(lab):
    kernel_run(lab, "diagram.expanded = []\ndiagram.selected = None")
    lab.wait_for_function("() => !document.querySelector('.rnd-root .rnd-open')", timeout=10_000)
    return lab


def small_diagram(page):
    return page.locator(".rnd-root").nth(0)


def test_resnet50_shows_its_16_residual_blocks(page):
    blocks = small_diagram(page).locator(".rnd-node[data-kind=block]")
    assert blocks.count() == 16
    page.mouse.move(0, 0)
    shown = sorted(blocks.evaluate_all("nodes => nodes.map(n => n.getAttribute('data-name'))"))
    expected = sorted(kernel_eval(page, "[b['name'] for s in diagram.graph['children'] for b in s['children'] "
                                        "if b['kind'] == 'block']"))  # fmt: skip
    assert shown == expected
    save_screenshot(small_diagram(page), "diagram_resnet50_closed")


def test_clicking_a_block_shows_its_layers_and_tells_the_kernel(page):
    layers = kernel_eval(
        page,
        "[layer['name'] for s in diagram.graph['children'] for b in s['children'] "
        "if b['name'] == 'conv3_block1' for layer in b['children']]",
    )
    small_diagram(page).locator(".rnd-node[data-name=conv3_block1]").click()
    opened = small_diagram(page).locator(".rnd-open[data-item=conv3_block1]")
    opened.wait_for(timeout=5_000)
    shown = opened.locator(".rnd-node[data-kind=layer]").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-name'))"
    )
    assert sorted(shown) == sorted(layers)
    assert "conv3_block1_0_conv" in shown  # the projection shortcut is drawn with the block
    assert opened.locator("path[stroke-dasharray]").count() >= 2  # the projection shortcut is dashed

    wait_for_kernel_value(page, "diagram.selected", "conv3_block1")
    wait_for_kernel_value(page, "diagram.expanded", ["conv3_block1"])
    small_diagram(page).locator(".rnd-node[data-name=conv3_block1_0_conv]").hover()  # its tooltip shows too
    save_screenshot(small_diagram(page), "diagram_resnet50_conv3_block1_open")

    opened.locator(".rnd-node[data-name=conv3_block1_2_conv]").click()
    wait_for_kernel_value(page, "diagram.selected", "conv3_block1_2_conv")


def test_the_live_widget_draws_what_its_to_svg_draws(page):
    diagram = small_diagram(page)
    diagram.locator(".rnd-node[data-name=conv4_block3]").click()  # opened in the browser, synced back
    diagram.locator(".rnd-open[data-item=conv4_block3]").wait_for(timeout=5_000)
    wait_for_kernel_value(page, "diagram.expanded", ["conv4_block3"])
    static = kernel_eval(page, "diagram.to_svg()")
    for css_class in ("rnd-header", "rnd-body"):
        drawn = page.evaluate(ELEMENTS_JS, diagram.locator(f"g.{css_class}").element_handle())
        assert first_difference(drawn, static_group(static, css_class)) is None, css_class


def test_opening_a_block_keeps_it_in_view_and_the_tooltip_off_it(page):
    diagram = small_diagram(page)
    diagram.locator(".rnd-node[data-name=conv5_block2]").click()
    opened = diagram.locator(".rnd-open[data-item=conv5_block2]")
    opened.wait_for(timeout=5_000)
    view, block = diagram.locator(".rnd-view").bounding_box(), opened.bounding_box()
    assert view["x"] - 1 <= block["x"] and block["x"] + block["width"] <= view["x"] + view["width"] + 1
    opened.locator(".rnd-node[data-name=conv5_block2_2_conv]").hover()
    tip = diagram.locator(".rnd-tip")
    tip.wait_for(state="visible", timeout=5_000)
    shown = tip.bounding_box()
    apart = shown["x"] >= block["x"] + block["width"] or shown["x"] + shown["width"] <= block["x"]
    assert apart, f"the tooltip {shown} covers the open block {block}"
    save_screenshot(diagram, "diagram_resnet50_conv5_block2_open_with_tip")
    page.mouse.move(0, 0)


def test_a_second_click_closes_the_block(page):
    diagram = small_diagram(page)
    diagram.locator(".rnd-node[data-name=conv4_block2]").click()
    opened = diagram.locator(".rnd-open[data-item=conv4_block2]")
    opened.wait_for(timeout=5_000)
    opened.locator(".rnd-node[data-name=conv4_block2]").click()  # its title
    opened.wait_for(state="detached", timeout=5_000)
    assert diagram.locator(".rnd-node[data-kind=block]").count() == 16
    wait_for_kernel_value(page, "diagram.expanded", [])


def test_opening_from_python_opens_in_the_browser(page):
    kernel_run(page, "diagram.expanded = ['conv5_block3', 'head']")
    small_diagram(page).locator(".rnd-open[data-item=conv5_block3]").wait_for(timeout=5_000)
    assert small_diagram(page).locator(".rnd-open[data-item=head] .rnd-node[data-name=predictions]").count() == 1


def test_hover_shows_shape_parameters_and_multiply_adds(page):
    small_diagram(page).locator(".rnd-node[data-name=conv2_block1] > rect").last.hover()
    tip = small_diagram(page).locator(".rnd-tip")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    graph_block = kernel_eval(page, "diagram.graph['children'][1]['children'][0]")
    assert "conv2_block1" in text and "56×56×256" in text
    assert f"{graph_block['params']:,}" in text and "multiply-adds" in text and "projection" in text


def test_assigning_a_new_model_redraws_the_learners_block(page):
    kernel_run(
        page,
        "import keras\n"
        "inputs = keras.Input((16, 16, 8))\n"
        "y = keras.layers.Conv2D(8, 3, padding='same', name='my_conv_a')(inputs)\n"
        "y = keras.layers.ReLU(name='my_relu')(y)\n"
        "y = keras.layers.Conv2D(8, 3, padding='same', name='my_conv_b')(y)\n"
        "out = keras.layers.Add(name='my_sum')([inputs, y])\n"
        "diagram.model = keras.Model(inputs, out, name='learner_block')",
    )
    diagram = small_diagram(page)
    diagram.locator(".rnd-node[data-kind=block]").first.wait_for(timeout=10_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.rnd-root')[0].querySelectorAll('.rnd-node[data-kind=block]').length === 1",
        timeout=10_000,
    )
    assert "learner_block" in diagram.locator(".rnd-header").text_content()
    kernel_run(page, "diagram.model = resnet50", timeout=60)
    page.wait_for_function(
        "() => document.querySelectorAll('.rnd-root')[0].querySelectorAll('.rnd-node[data-kind=block]').length === 16",
        timeout=20_000,
    )


def test_browser_timings_for_resnet152v2_are_recorded(page):
    big = page.locator(".rnd-root").nth(1)
    assert big.locator(".rnd-node[data-kind=block]").count() == 50
    big.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    save_screenshot(big, "diagram_resnet152v2_closed")
    opened = ("conv2_block1", "conv3_block2", "conv4_block18", "conv4_block36", "conv5_block3")
    for name in opened:
        big.locator(f".rnd-node[data-name={name}]").click()
        block = big.locator(f".rnd-open[data-item={name}]")
        block.wait_for(timeout=5_000)
        page.wait_for_timeout(50)  # let the measure land after the frame
        block.locator(f".rnd-node[data-name={name}]").click()  # its title closes it
        block.wait_for(state="detached", timeout=5_000)
        page.wait_for_timeout(50)
    page.wait_for_timeout(100)
    timings = browser_measures(page, "resnet-diagram:", detail={"model": "resnet152v2"})
    big.locator(".rnd-button", has_text="fit").click()
    page.mouse.move(0, 0)
    save_screenshot(big, "diagram_resnet152v2_whole")
    save_artifact("diagram_timings.json", {"model": "resnet152v2", "browser": "chromium (headless)", **timings})
    print("\nResNet152V2 diagram in Chromium (ms):", json.dumps(timings))
    assert timings.get("resnet-diagram:first-render"), "the ES module recorded no first-render measure"
    assert len(timings.get("resnet-diagram:expand", [])) == len(opened)
    assert len(timings.get("resnet-diagram:collapse", [])) == len(opened)
    assert_no_browser_errors(page)


def test_explore_switches_variant_from_its_menu(page):
    app = page.locator(".widget-vbox").filter(has=page.locator(".widget-dropdown")).last
    app.locator(".widget-dropdown select").first.select_option("ResNet101")
    page.wait_for_function(
        "() => document.querySelectorAll('.rnd-root')[2].querySelectorAll('.rnd-node[data-kind=block]').length === 33",
        timeout=30_000,
    )
    assert "resnet101" in app.locator(".rnd-header").text_content()
    # The summary's parameter count: its HTML is sent after the new diagram, so it may arrive a moment later.
    page.wait_for_function("() => document.body.innerText.includes('44,707,176')", timeout=30_000)
    assert "44,707,176" in app.inner_text()
    wait_for_kernel_value(page, "app.diagram.graph['block_count']", 33)
    page.mouse.move(0, 0)
    save_screenshot(app, "diagram_explore_resnet101")
