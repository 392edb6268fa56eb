"""LiveDashboard as a callback: throttled redraws inside batch_update, runs overlaid, bounded figure state,
plain lines outside a notebook, and in a real kernel: the rest of the cell kept, a final static picture,
the final state when displayed again."""

import base64
import json

import keras
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from resnet_widgets.training.dashboard import LiveDashboard

pytestmark = pytest.mark.backend_neutral


class Clock:
    """A clock that moves `step` seconds per training batch (simulate() moves it)."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        return self.now


def simulate(dashboard, name, epochs, steps, batch_size=32, after=None):
    """Drive the callback exactly as fit does, without a model."""
    clock = dashboard.history.clock
    dashboard.set_params({"epochs": epochs, "steps": steps, "verbose": 0})
    dashboard.run(name, batch_size=batch_size, after=after).on_train_begin()
    for epoch in range(epochs):
        dashboard.on_epoch_begin(epoch)
        for batch in range(steps):
            clock.now += clock.step
            dashboard.on_train_batch_end(batch, {"loss": 1.0 / (1 + batch), "accuracy": batch / steps})
        dashboard.on_epoch_end(epoch, {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.7})
    dashboard.on_train_end()


def test_redraws_are_throttled_to_a_few_a_second_and_use_batch_update(monkeypatch):
    clock = Clock(step=0.01)  # 100 batches a second
    dashboard = LiveDashboard(redraws_per_second=4, text=False, clock=clock)
    updates = []
    original = dashboard.figure.batch_update
    monkeypatch.setattr(dashboard.figure, "batch_update", lambda: updates.append(1) or original())
    simulate(dashboard, "frozen", epochs=2, steps=500)
    # 1,000 batches over about 10 s at 4 redraws/s: about 40, plus one per epoch, start and end.
    assert 35 <= dashboard.redraws <= 55
    assert len(updates) == dashboard.redraws


def test_by_default_the_chart_is_redrawn_at_most_once_a_second():
    # The browser draws every redraw again, on the cores the training uses: the default keeps it to one a second.
    dashboard = LiveDashboard(text=False, clock=Clock(step=0.01))  # 100 batches a second
    simulate(dashboard, "frozen", epochs=2, steps=500)
    # 1,000 batches over about 10 s: about 10 redraws, plus one per epoch, at the start and at the end.
    assert 8 <= dashboard.redraws <= 16


def test_several_runs_are_overlaid_on_one_chart():
    dashboard = LiveDashboard(text=False, clock=Clock(0.01))
    for name in ("frozen", "fine-tuned", "from scratch"):
        simulate(dashboard, name, epochs=2, steps=20)
    names = [trace.name for trace in dashboard.figure.data]
    assert {n.split(" · ")[0] for n in names} == {"frozen", "fine-tuned", "from scratch"}
    assert len(names) == 3 * 2 * 2  # runs x (loss, accuracy) x (train, validation)
    colors = {trace.line.color for trace in dashboard.figure.data}
    assert len(colors) == 3
    validation = [t for t in dashboard.figure.data if t.name == "fine-tuned · validation" and t.yaxis == "y2"]
    assert list(validation[0].y) == pytest.approx([0.7, 0.7]) and list(validation[0].x) == [1.0, 2.0]


def test_a_fit_per_epoch_loop_draws_one_curve_for_its_named_run():
    # Lab 08 trains one epoch per fit (its own shuffling order each epoch). Each fit used to open a new run,
    # "run 2" ... "run 40" in the legend and 160 traces redrawn four times a second in the browser.
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.random.default_rng(0).normal(size=(64, 4)), np.arange(64) % 3
    dashboard = LiveDashboard(text=False)
    dashboard.run("fine-tuned", batch_size=16)
    for epoch in range(3):
        model.fit(x, y, batch_size=16, epochs=epoch + 1, initial_epoch=epoch, validation_data=(x, y), verbose=0,
                  callbacks=[dashboard])
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[dashboard.run("second")])
    assert list(dashboard.history.runs) == ["fine-tuned", "second"]
    assert len(dashboard.figure.data) == 2 * 2 * 2
    validation = [t for t in dashboard.figure.data if t.name == "fine-tuned · validation" and t.yaxis == "y2"]
    assert list(validation[0].x) == [1.0, 2.0, 3.0]


def test_a_fit_before_any_named_run_is_its_own_run():
    dashboard = LiveDashboard(text=False, clock=Clock(0.01))
    dashboard.set_params({"epochs": 1, "steps": 2, "verbose": 0})
    dashboard.on_train_begin()
    dashboard.on_train_end()
    simulate(dashboard, "named", epochs=1, steps=2)
    assert list(dashboard.history.runs) == ["run 1", "named"]


def test_the_figure_state_stays_bounded_over_long_runs():
    dashboard = LiveDashboard(text=False, clock=Clock(0.01))
    simulate(dashboard, "a", epochs=5, steps=200)
    short = dashboard.state_bytes()
    for name in ("a", "b", "c"):
        simulate(dashboard, name, epochs=10, steps=600)
    long = dashboard.state_bytes()
    assert long < 150_000
    assert max(len(t.x) for t in dashboard.figure.data) <= dashboard.history.max_points + 1
    assert long < 4 * short + 20_000  # grows with runs, not with batches


def test_outside_a_notebook_it_prints_plain_lines(capsys):
    dashboard = LiveDashboard(clock=Clock(0.01))  # pytest is not a Jupyter kernel
    assert dashboard.text
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.zeros((16, 3)), np.zeros(16), validation_split=0.25, batch_size=4, epochs=2, verbose=0,
              callbacks=[dashboard.run("plain", batch_size=4)])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("plain: epoch")]
    assert [line.split(" · ")[0] for line in lines] == ["plain: epoch 1/2", "plain: epoch 2/2"]
    assert "val_loss" in lines[-1]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="redraws_per_second"):
        LiveDashboard(redraws_per_second=0)
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        LiveDashboard(text=False).run("")


TRAINING = """
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras, numpy as np
from resnet_widgets.training import LiveDashboard
keras.utils.set_random_seed(0)
x, y = np.random.rand(64, 3).astype("float32"), np.arange(64) % 2
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
"""


@pytest.fixture(scope="module")
def executed():
    cells = [
        TRAINING,
        "print('before')\ndashboard = LiveDashboard('test')\ndisplay(dashboard)\n"
        "model.fit(x, y, validation_split=0.25, batch_size=8, epochs=3, verbose=0, callbacks=[dashboard.run('first', batch_size=8)])\n"
        "print('after')",
        "model.fit(x, y, validation_split=0.25, batch_size=8, epochs=2, verbose=0, callbacks=[dashboard.run('second')]);",
        "dashboard",
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    return notebook


def test_training_keeps_the_rest_of_the_cells_output(executed):
    outputs = executed.cells[1].outputs
    assert "".join(o.get("text", "") for o in outputs if o.output_type == "stream") == "before\nafter\n"
    assert [o.output_type for o in outputs if o.output_type != "stream"] == ["display_data"]


def test_the_static_picture_is_replaced_at_the_end_of_each_fit(executed):
    (shown,) = [o for o in executed.cells[1].outputs if o.output_type == "display_data"]
    # refreshed after the second fit too: the first display now shows both runs
    assert shown.data["text/plain"] == "LiveDashboard('test': first (3 epochs), second (2 epochs))"
    assert base64.b64decode(shown.data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "application/vnd.jupyter.widget-view+json" in shown.data


def test_displaying_it_again_after_training_shows_the_final_state(executed):
    (again,) = executed.cells[3].outputs
    assert again.data["text/plain"] == "LiveDashboard('test': first (3 epochs), second (2 epochs))"
    assert "image/png" in again.data


def test_the_saved_widget_state_of_a_dashboard_apart_from_plotlys_library_is_small(executed):
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    library = sum(len(model["state"].get("_esm", "")) for model in state.values())
    total = len(json.dumps(state))
    assert library > 1_000_000  # plotly.js itself travels with every FigureWidget (see docs/BENCHMARKS.md)
    assert total - library < 150_000


def test_the_wait_for_the_first_step_is_announced_not_shown_as_zero_percent():
    clock = Clock(step=0.5)
    dashboard = LiveDashboard(text=False, clock=clock)
    dashboard.set_params({"epochs": 1, "steps": 4, "verbose": 0})
    dashboard.run("frozen", batch_size=8).on_train_begin()
    waiting = dashboard.status.value
    assert "preparing the first step" in waiting and "0%" not in waiting and "ETA" not in waiting
    dashboard.on_epoch_begin(0)
    clock.now += clock.step
    dashboard.on_train_batch_end(0, {"loss": 1.0})
    assert "preparing" not in dashboard.status.value and "batch 1/4" in dashboard.status.value
