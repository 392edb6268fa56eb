"""GradCamExplorer in a real JupyterLab: choosing a class or an image redraws the overlay, with no page errors."""

import pytest

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

# A classifier whose class 0 is "bright patch", class 1 "dark patch", each scored where its patch is.
CELLS = [
    "import keras, numpy as np\n"
    "from keras import layers\n"
    "from resnet_widgets.inside import GradCamExplorer\n"
    "inputs = keras.Input((32, 32, 1))\n"
    "conv = layers.Conv2D(2, 5, padding='same', activation='relu')\n"
    "x = layers.AveragePooling2D(4, name='features')(conv(inputs))\n"
    "dense = layers.Dense(2, activation='softmax')\n"
    "model = keras.Model(inputs, dense(layers.GlobalAveragePooling2D()(x)))\n"
    "kernel = np.zeros((5, 5, 1, 2), 'float32'); kernel[..., 0, 0], kernel[..., 0, 1] = 0.04, -0.04\n"
    "conv.set_weights([kernel, np.zeros(2, 'float32')])\n"
    "dense.set_weights([np.eye(2, dtype='float32') * 10, np.zeros(2, 'float32')])\n"
    "images = np.zeros((2, 32, 32, 1), 'float32')\n"
    "images[:, 4:12, 20:28] = 1.0; images[0, 22:30, 2:10] = -1.0",
    "explorer = GradCamExplorer(model, images, ['bright', 'dark'], labels=[0, 0])\n"
    "explorer",
]

_ROOT = ".resnet-grad-cam-explorer"


def _picture_source(page):
    return page.evaluate(f"() => document.querySelector('{_ROOT} img').src")


def test_choosing_a_class_and_an_image_redraws_the_overlay(jupyterlab, browser_page):
    page = browser_page
    write_notebook(jupyterlab.root_dir, "grad_cam_explorer.ipynb", CELLS)
    open_notebook(page, jupyterlab, "grad_cam_explorer.ipynb")
    run_all_cells(page, timeout=180)
    page.wait_for_selector(f"{_ROOT} img[src^='blob:'], {_ROOT} img[src^='data:']", timeout=60_000)
    first = _picture_source(page)
    assert "explaining" in page.locator(f"{_ROOT} .resnet-grad-cam-caption").inner_text()
    save_screenshot(page.locator(_ROOT), "grad_cam_explorer_predicted")

    # The class selector is the second <select>: ask for the evidence of "dark", as a learner would.
    selects = page.locator(f"{_ROOT} select")
    selects.nth(1).select_option(label="dark")
    wait_for_kernel_value(page, "explorer.redraws", 2, timeout=60)
    assert kernel_eval(page, "explorer.explanation.class_index") == 1
    page.wait_for_function(
        f"(before) => document.querySelector('{_ROOT} img').src !== before", arg=first, timeout=30_000
    )
    page.wait_for_function(
        f"() => document.querySelector('{_ROOT} .resnet-grad-cam-caption').innerText.includes('explaining dark')",
        timeout=30_000,
    )
    save_screenshot(page.locator(_ROOT), "grad_cam_explorer_dark")
    # The dark patch is in the bottom-left corner: the heatmap's peak is there (8x8 map, rows 5-7, columns 0-2).
    peak = kernel_eval(page, "[int(v) for v in np.unravel_index(explorer.explanation.heatmap.argmax(), (8, 8))]")
    assert 5 <= peak[0] <= 7 and 0 <= peak[1] <= 2, peak

    # Image 1 has no dark patch: nothing speaks for "dark", and the map is empty.
    second = _picture_source(page)
    selects.nth(0).select_option(label="image 1 (bright)")
    wait_for_kernel_value(page, "explorer.redraws", 3, timeout=60)
    assert kernel_eval(page, "float(explorer.explanation.heatmap.max())") == 0.0
    page.wait_for_function(
        f"(before) => document.querySelector('{_ROOT} img').src !== before", arg=second, timeout=30_000
    )
    save_screenshot(page.locator(_ROOT), "grad_cam_explorer_image1")
    assert_no_browser_errors(page)
