"""GradientExplorer without a browser: controls, plot data, debouncing, errors, memory."""

import gc
import math

import keras
import numpy as np
import psutil
import pytest

from resnet_widgets import gradient_dispatch
from resnet_widgets.gradients import GradientExplorer, clear_bank_cache
from resnet_widgets.gradients.figure_data import figure_data

pytestmark = pytest.mark.backend_neutral


def _explorer(manual_scheduler, **kwargs):
    # The one-conv stack at depth 4 is the cheapest network; tests of the CIFAR nets say network="cifar".
    knobs = {"depth": 4, "width": 4, "batch_size": 8, "scheduler": manual_scheduler, "network": "one_conv"}
    return GradientExplorer(**{**knobs, **kwargs})


def test_the_first_picture_is_drawn_at_once(manual_scheduler):
    explorer = _explorer(manual_scheduler)
    assert explorer.recomputations == 1
    plain, residual = explorer.figure.data
    assert list(plain.x) == [1, 2, 3, 4] and len(residual.y) == 4
    assert explorer.figure.layout.yaxis.type == "log"
    assert plain.name.startswith("plain (first/last ×") and residual.name.startswith("residual (first/last ×")
    assert "done in" in explorer.status.value and "spread" in explorer.status.value
    assert set(explorer.controls) == {"network", "depth", "width", "batch_norm", "init", "activation", "mode"}
    assert (explorer.controls["depth"].min, explorer.controls["depth"].max) == (2, 100)


def test_the_paper_s_cifar_nets_are_the_default_with_depths_6n_plus_2(manual_scheduler):
    explorer = GradientExplorer(width=4, batch_size=8, scheduler=manual_scheduler)
    depth = explorer.controls["depth"]
    assert explorer.controls["network"].value == "cifar" and depth.value == 20
    assert (depth.min, depth.max, depth.step) == (8, 110, 6)
    assert len(explorer.figure.data[0].x) == 19  # the 19 convs of a 20-layer net (the 20th is the dense layer)
    assert explorer.result.layer_names[0] == "conv1_conv"
    labels = dict((value, label) for label, value in explorer.controls["network"].options)
    assert "not the paper's" in labels["one_conv"] and "CIFAR-10" in labels["cifar"]


def test_switching_the_network_moves_the_depth_to_one_the_network_has(manual_scheduler):
    explorer = _explorer(manual_scheduler, depth=49)
    explorer.controls["network"].value = "cifar"
    depth = explorer.controls["depth"]
    assert (depth.min, depth.max, depth.step, depth.value) == (8, 110, 6, 50)  # 6 x 8 + 2, the nearest to 49
    manual_scheduler.advance(1.0)
    assert explorer.error is None and explorer.result.settings["network"] == "cifar"
    assert explorer.result.settings["depth"] == 50 and len(explorer.result.plain) == 49
    explorer.controls["network"].value = "one_conv"
    assert (depth.min, depth.max, depth.step, depth.value) == (2, 100, 1, 50)


def test_100_rapid_changes_give_one_final_recomputation_without_error(manual_scheduler):
    explorer = _explorer(manual_scheduler)
    depth = explorer.controls["depth"]
    for i in range(100):
        depth.value = 2 + (i * 7) % 30  # a learner dragging back and forth
        manual_scheduler.advance(0.01)
    final = depth.value
    assert explorer.recomputations == 1  # nothing ran while the slider moved
    assert "recomputing when the controls rest" in explorer.status.value
    manual_scheduler.advance(1.0)
    assert explorer.recomputations == 2
    assert explorer.error is None
    assert len(explorer.result.plain) == final
    assert len(explorer.figure.data[0].x) == final


def test_every_control_triggers_a_recomputation_with_its_value(manual_scheduler):
    explorer = _explorer(manual_scheduler)
    explorer.controls["batch_norm"].value = False
    explorer.controls["activation"].value = "tanh"
    explorer.controls["width"].value = 8
    explorer.controls["init"].value = "glorot_uniform"
    manual_scheduler.advance(1.0)
    settings = explorer.result.settings
    assert settings["batch_norm"] is False and settings["activation"] == "tanh"
    assert settings["width"] == 8 and settings["init"] == "glorot_uniform"
    assert explorer.recomputations == 2


def test_during_training_mode_records_steps_and_the_step_slider_picks_one(manual_scheduler):
    explorer = _explorer(manual_scheduler, steps=4, every=2)
    explorer.controls["mode"].value = "during training"
    manual_scheduler.advance(1.0)
    assert list(explorer.step_slider.options) == [0, 2, 4]
    assert explorer.step_slider.layout.display is None  # shown
    explorer.step_slider.value = 0
    assert explorer.shown().step == 0
    assert list(explorer.figure.data[0].y) == pytest.approx(list(explorer.result.plain[0]))
    assert explorer.recomputations == 2  # scrubbing through steps recomputes nothing


def test_zero_gradients_are_left_out_of_the_log_plot_and_explained(manual_scheduler):
    explorer = _explorer(manual_scheduler, init="he_normal_zero_gamma")
    residual_y = list(explorer.figure.data[1].y)
    assert residual_y[0] > 0 and residual_y[1:] == [None, None, None]
    assert "exactly zero gradient" in explorer.status.value
    assert "undefined" in explorer.figure.data[1].name


def test_a_failing_recomputation_is_shown_not_raised(manual_scheduler):
    explorer = _explorer(manual_scheduler)
    explorer.controls["init"].value = "he_normal_zero_gamma"
    explorer.controls["batch_norm"].value = False  # an impossible combination
    manual_scheduler.advance(1.0)
    assert isinstance(explorer.error, ValueError)
    assert "error:" in explorer.status.value and "batch_norm=True" in explorer.status.value
    explorer.controls["batch_norm"].value = True
    manual_scheduler.advance(1.0)
    assert explorer.error is None


def test_bad_starting_knobs_are_refused():
    with pytest.raises(ValueError, match="depth must be between 2 and 100"):
        GradientExplorer(depth=101, network="one_conv")
    with pytest.raises(ValueError, match="depth must be between 8 and 110 in the explorer for network='cifar'"):
        GradientExplorer(depth=116)
    with pytest.raises(ValueError, match="depth must be 6n \\+ 2"):
        GradientExplorer(depth=21)
    with pytest.raises(ValueError, match="mode must be one of 'at init', 'during training'"):
        GradientExplorer(mode="later")


def test_the_figure_data_is_plain_data_with_the_ratio_in_each_name():
    from resnet_widgets.gradients import NetworkSettings, compare

    result = compare(NetworkSettings(depth=3, width=4, network="one_conv"), batch_size=8)
    data = figure_data(result)
    assert data["x"] == [1, 2, 3]
    ratio = result.plain[0] / result.plain[-1]
    assert data["traces"]["plain"]["name"] == f"plain (first/last ×{ratio:.3g})"
    assert data["traces"]["residual"]["y"] == pytest.approx(list(result.residual))
    assert data["notes"] == []


def _live_keras_layers():
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, keras.layers.Layer))


@pytest.mark.parametrize("network, start, depths", [("one_conv", 4, (6, 12, 20)), ("cifar", 26, (8, 14, 20))])
def test_memory_stays_flat_over_repeated_recomputations(manual_scheduler, network, start, depths):
    clear_bank_cache()
    explorer = _explorer(manual_scheduler, network=network, depth=start)
    settings = [{"depth": d, "batch_norm": bn} for d in depths for bn in (True, False)]

    def cycle():
        for change in settings:
            for name, value in change.items():
                explorer.controls[name].value = value
            manual_scheduler.advance(1.0)

    warm_up = gradient_dispatch.TRACE_AFTER + 1  # banks, caches, allocator pools and each network's traced step fill once
    for _ in range(warm_up):
        cycle()
    layers_before = _live_keras_layers()
    rss_before = psutil.Process().memory_info().rss
    for _ in range(5):
        cycle()
    layers_after = _live_keras_layers()
    rss_after = psutil.Process().memory_info().rss
    assert explorer.recomputations == 1 + 6 * (warm_up + 5) and explorer.error is None
    assert layers_after <= layers_before, (layers_before, layers_after)
    # Thirty recomputations; a leak of one network per recomputation would show as tens of MB.
    assert rss_after - rss_before < 40 * 2**20, (rss_before, rss_after)


def test_closing_cancels_a_pending_recomputation(manual_scheduler):
    explorer = _explorer(manual_scheduler)
    explorer.controls["depth"].value = 5
    explorer.close()
    manual_scheduler.advance(1.0)
    assert explorer.recomputations == 1
    assert math.isfinite(explorer.result.spreads["plain"])
    assert np.all(explorer.result.plain > 0)


def test_without_a_kernel_it_leaves_a_picture_and_one_stable_line(manual_scheduler):
    explorer = _explorer(manual_scheduler)
    data, _ = explorer._repr_mimebundle_()
    assert data["image/png"] and "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == (
        "GradientExplorer(one-conv stack (simplified, not the paper's), depth 4, width 4, batch norm on, He normal, "
        "relu, at init; a live kernel shows the controls)"
    )
    assert _explorer(manual_scheduler)._repr_mimebundle_()[0]["text/plain"] == data["text/plain"]


def test_it_hands_out_the_networks_it_measures_and_they_can_be_drawn(manual_scheduler):
    from resnet_widgets.diagram import model_graph

    from resnet_widgets.diagram import ArchitectureDiagram

    drawn = []

    def draw(model):
        drawn.append(model.name)
        return ArchitectureDiagram(model)

    explorer = GradientExplorer(depth=14, width=4, batch_size=8, scheduler=manual_scheduler, draw_network=draw)
    plain, residual = explorer.networks()
    graph = model_graph(residual)
    assert graph["depth"] == 14 and graph["block_count"] == 6
    assert model_graph(plain)["structure"] == "chain"
    kernel = residual.get_layer("conv2_block1_1_conv").kernel  # the very weights that were measured
    assert np.array_equal(np.asarray(kernel), np.asarray(explorer.networks()[1].get_layer("conv2_block1_1_conv").kernel))
    explorer.show_network.value = True  # draws the diagram below the plot; no error, no recomputation
    assert explorer.recomputations == 1 and explorer.error is None
    assert drawn == [residual.name]  # the residual network measured, handed to the drawing function once


def test_without_a_drawing_function_there_is_no_show_the_network_toggle(manual_scheduler):
    explorer = GradientExplorer(depth=8, width=4, batch_size=8, scheduler=manual_scheduler)
    assert explorer.show_network is None
    descriptions = [getattr(child, "description", None) for child in explorer.children[0].children]
    assert "show the network" not in descriptions and "network" in descriptions


def test_bad_data_is_refused_when_the_explorer_is_made():
    with pytest.raises(ValueError, match=r"data: labels must have shape \(3,\)"):
        GradientExplorer(data=(np.zeros((3, 28, 28)), np.zeros(2, int)))


def test_the_look_that_compiles_a_network_says_so_while_it_waits(manual_scheduler):
    # A network's third look traces its gradient step on TensorFlow (gradient_dispatch.TRACE_AFTER): seconds, once.
    # The status says so during that look only; JAX measures eagerly, so there it never does.
    clear_bank_cache()  # fresh networks: the count of looks starts here
    explorer = GradientExplorer(depth=8, width=4, batch_size=8, scheduler=manual_scheduler)  # depth 8: look 1
    shown = []
    set_status = explorer._set_status
    explorer._set_status = lambda text: (shown.append(text), set_status(text))
    compiling = []
    for depth in (14, 8, 14, 8, 14, 8):  # looks 1, 2, 2, 3, 3, 4 at depths 14, 8, 14, 8, 14, 8
        shown.clear()
        explorer.controls["depth"].value = depth
        manual_scheduler.advance(1.0)
        assert explorer.error is None and explorer.result.settings["depth"] == depth
        compiling.append(any("compiling this network's gradient step" in text for text in shown))
    on_tensorflow = keras.backend.backend() == "tensorflow"
    assert compiling == [False, False, False, on_tensorflow, on_tensorflow, False]
    assert "compiling" not in explorer.status.value  # the result replaces the note
