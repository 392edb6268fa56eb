"""LiveDashboard in a real JupyterLab: the curves advance while a run trains (read from plotly's drawn data at
two moments), the rest of the cell's output stays, and the page reports no errors."""

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
    "import threading, time\n"
    "import keras, numpy as np\n"
    "from resnet_widgets.training import LiveDashboard\n"
    "keras.utils.set_random_seed(0)\n"
    "x, y = np.random.rand(512, 8).astype('float32'), np.arange(512) % 3\n"
    "model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation='relu'),\n"
    "                          keras.layers.Dense(3, activation='softmax')])\n"
    "model.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "class Slow(keras.callbacks.Callback):  # a few seconds of training, so the page can be read mid-run\n"
    "    def on_train_batch_end(self, batch, logs=None):\n"
    "        time.sleep(0.05)\n"
    "dashboard = LiveDashboard('ui test', redraws_per_second=4)\n"
    "print('before the dashboard')\n"
    "display(dashboard)\n"
    "print('after the dashboard')",
    # fit in a thread, so the cell returns and the test can watch the page while the run trains
    "def train():\n"
    "    model.fit(x, y, validation_split=0.25, batch_size=8, epochs=6, verbose=0,\n"
    "              callbacks=[Slow(), dashboard.run('ui run', batch_size=8)])\n"
    "worker = threading.Thread(target=train)\n"
    "worker.start()",
]

_PLOT = "document.querySelector('.resnet-live-dashboard .js-plotly-plot')"


def _drawn(page):
    """What plotly drew: points per trace and the length of the training-loss line's SVG path."""
    return page.evaluate(
        f"""() => {{
            const plot = {_PLOT};
            if (!plot || !plot.data) return null;
            const loss = plot.data.findIndex(t => t.name === 'ui run · train' && (t.xaxis || 'x') === 'x');
            const lines = plot.querySelectorAll('.scatterlayer .trace path.js-line');
            return {{
                names: plot.data.map(t => t.name),
                points: plot.data.map(t => (t.x || []).length),
                loss_points: loss < 0 ? 0 : (plot.data[loss].x || []).length,
                last_x: loss < 0 ? null : (plot.data[loss].x || []).slice(-1)[0],
                path_length: lines.length ? (lines[0].getAttribute('d') || '').length : 0,
                status: document.querySelector('.resnet-live-dashboard .resnet-dashboard-status').innerText,
            }};
        }}"""
    )


def _wait_for_loss_points(page, more_than, timeout=120):
    page.wait_for_function(
        f"""() => {{
            const plot = {_PLOT};
            if (!plot || !plot.data) return false;
            const t = plot.data.find(t => t.name === 'ui run · train' && (t.xaxis || 'x') === 'x');
            return !!t && (t.x || []).length > {more_than};
        }}""",
        timeout=timeout * 1000,
        polling=100,
    )


def test_the_curves_advance_while_a_run_trains(jupyterlab, browser_page):
    page = browser_page
    write_notebook(jupyterlab.root_dir, "dashboard.ipynb", CELLS)
    open_notebook(page, jupyterlab, "dashboard.ipynb")
    run_all_cells(page, timeout=180)
    page.wait_for_selector(".resnet-live-dashboard .js-plotly-plot", timeout=60_000)

    _wait_for_loss_points(page, 3)
    first = _drawn(page)
    save_screenshot(page.locator(".resnet-live-dashboard"), "dashboard_during_training")
    _wait_for_loss_points(page, first["loss_points"] + 5)
    second = _drawn(page)
    assert second["loss_points"] > first["loss_points"]
    assert second["last_x"] > first["last_x"]  # later in the run, further along the epoch axis
    assert second["path_length"] > first["path_length"]  # the drawn line itself grew
    assert "ui run" in second["status"] and "images/s" in second["status"]
    assert kernel_eval(page, "worker.is_alive()") is True  # both readings came while the run was training

    wait_for_kernel_value(page, "worker.is_alive()", False, timeout=240)
    page.wait_for_function(
        f"() => {_PLOT}.querySelector('.scatterlayer') && "
        f"document.querySelector('.resnet-live-dashboard .resnet-dashboard-status').innerText.includes('done')",
        timeout=90_000,
    )
    final = _drawn(page)
    validation = final["points"][final["names"].index("ui run · validation")]
    assert validation == 6  # one point per epoch
    outputs = page.locator(".jp-Cell").first.locator(".jp-OutputArea-output").all_inner_texts()
    text = "\n".join(outputs)
    assert "before the dashboard" in text and "after the dashboard" in text  # nothing else in the cell was cleared
    save_screenshot(page.locator(".resnet-live-dashboard"), "dashboard_after_training")
    save_artifact("dashboard.json", {"first": first, "second": second, "final": final})
    assert_no_browser_errors(page)
