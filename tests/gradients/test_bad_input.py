"""Bad input gets a ValueError (or TypeError) naming the argument and the allowed values, before any model is built.

The seven knobs are checked where a NetworkSettings is made; compare(), track(), matched_pair() and build_network()
check that they were given one (or a whole number, the shorthand for NetworkSettings(depth=it)).
"""

from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest

from resnet_widgets.gradients import (
    INITS, NetworkSettings, build_network, compare, degradation_experiment, gradient_norms, matched_pair, track,
)


@pytest.mark.parametrize("depth", [0, -3])
def test_depth_below_one_is_refused(depth):
    with pytest.raises(ValueError, match=r"depth must be an integer >= 1.*received"):
        NetworkSettings(depth=depth, network="one_conv")


@pytest.mark.parametrize("depth", [0, 2, -3])
def test_a_cifar_depth_below_8_is_refused(depth):
    with pytest.raises(ValueError, match=r"depth must be an integer >= 8 \(weighted layers of the paper's CIFAR nets"):
        NetworkSettings(depth=depth)
    with pytest.raises(ValueError, match=r"depth must be an integer >= 8"):
        compare(depth)  # the shorthand: a plain number is NetworkSettings(depth=it)


@pytest.mark.parametrize("depth, nearest", [(10, "8 and 14"), (50.0, None), (57, "56 and 62")])
def test_a_cifar_depth_that_is_not_6n_plus_2_names_the_nearest(depth, nearest):
    if nearest is None:
        with pytest.raises(TypeError, match="depth must be an integer"):
            NetworkSettings(depth=depth)
        return
    with pytest.raises(ValueError) as caught:
        NetworkSettings(depth=depth)
    message = str(caught.value)
    assert message.startswith("depth must be 6n + 2 for the paper's CIFAR nets (8, 14, 20, 26, 32")
    assert f"received depth={depth}" in message and f"the nearest are {nearest}" in message


def test_an_unknown_network_lists_the_networks():
    with pytest.raises(ValueError, match=r"network must be one of 'cifar', 'one_conv'; received network='resnet'"):
        NetworkSettings(depth=8, network="resnet")


@pytest.mark.parametrize("width", [0, -1])
def test_width_below_one_is_refused(width):
    with pytest.raises(ValueError, match=r"width must be an integer >= 1"):
        NetworkSettings(depth=8, width=width)


def test_non_integer_depth_is_a_type_error():
    with pytest.raises(TypeError, match="depth"):
        NetworkSettings(depth=2.5)
    with pytest.raises(TypeError, match="depth"):
        NetworkSettings(depth=True, network="one_conv")
    with pytest.raises(TypeError, match="depth must be an integer"):
        compare(2.5)  # a number is taken for the depth, and checked as one


def test_whole_numbers_are_stored_as_ints_and_the_defaults_live_in_one_place():
    settings = NetworkSettings(depth=np.int64(20), width=np.int32(8), seed=np.uint8(3), batch_norm=np.bool_(True))
    assert settings == NetworkSettings(20, 8, True, "he_normal", "relu", 3, "cifar")
    assert type(settings.depth) is type(settings.width) is type(settings.seed) is int
    assert type(settings.batch_norm) is bool
    assert NetworkSettings(depth=20).as_dict() == {
        "depth": 20, "width": 16, "batch_norm": True, "init": "he_normal", "activation": "relu", "seed": 0,
        "network": "cifar",
    }
    assert NetworkSettings(depth=56).blocks_per_stage == 9
    assert NetworkSettings(5, network="one_conv").blocks_per_stage is None
    assert NetworkSettings(depth=8, init="he_normal_zero_gamma").zero_gamma


def test_settings_are_frozen_and_a_replaced_copy_is_checked_again():
    settings = NetworkSettings(depth=20)
    with pytest.raises(FrozenInstanceError):
        settings.depth = 56
    assert replace(settings, depth=56).depth == 56
    with pytest.raises(ValueError, match="depth must be 6n \\+ 2"):
        replace(settings, depth=21)


@pytest.mark.parametrize("settings", ["20", {"depth": 20}, None, [20], (20, 16)])
def test_settings_of_the_wrong_kind_are_a_type_error_naming_settings(settings):
    calls = (lambda: compare(settings), lambda: track(settings), lambda: matched_pair(settings),
             lambda: build_network("plain", settings))
    for call in calls:
        with pytest.raises(TypeError, match=r"^settings must be a NetworkSettings, e\.g\. NetworkSettings\(depth=20"):
            call()


def test_a_dict_of_knobs_is_refused_with_the_way_to_make_settings_from_it():
    with pytest.raises(TypeError, match=r"NetworkSettings\(\*\*knobs\) makes one from a dict"):
        compare({"depth": 20, "batch_norm": False})


def test_the_old_separate_knobs_are_no_longer_arguments():
    with pytest.raises(TypeError, match="width"):
        compare(8, width=4)


def test_unknown_init_lists_the_schemes():
    with pytest.raises(ValueError) as info:
        NetworkSettings(depth=8, init="lecun")
    message = str(info.value)
    assert message.startswith("init must be one of")
    assert all(repr(name) in message for name in INITS)
    assert "'lecun'" in message


def test_unknown_activation_lists_the_activations():
    with pytest.raises(ValueError, match=r"activation must be one of 'relu', 'elu', 'gelu', 'tanh', 'sigmoid'"):
        NetworkSettings(depth=8, activation="swishy")


def test_zero_gamma_without_batch_norm_is_refused():
    with pytest.raises(ValueError, match=r"he_normal_zero_gamma.*batch_norm=True"):
        NetworkSettings(depth=8, batch_norm=False, init="he_normal_zero_gamma")


@pytest.mark.parametrize(
    "data, error, fragment",
    [
        ((np.zeros((4, 28)), np.zeros(4, int)), ValueError, r"data: images must have shape \(N, height, width\)"),
        ((np.zeros((4, 28, 28, 1, 1)), np.zeros(4, int)), ValueError, r"data: images must have shape"),
        ((np.zeros((4, 28, 28)), np.zeros(5, int)), ValueError, r"data: labels must have shape \(4,\)"),
        ((np.zeros((4, 28, 28)), np.zeros(4)), TypeError, r"data: labels must be integers"),  # the wrong kind
        ((np.full((4, 28, 28), "a"), np.zeros(4, int)), TypeError, r"data: images must be real numbers"),
        ((np.zeros((4, 28, 28)), np.full(4, 10)), ValueError,
         r"data: labels must be class indices from 0 to 9 .*outside that range: 10"),
        ("mnist", ValueError, r"data must be one of 'synthetic', 'fashion_mnist' \(or None, or a pair"),
    ],
)
def test_data_of_the_wrong_shape_is_refused(data, error, fragment):
    with pytest.raises(error, match=fragment):
        compare(8, data=data)


def test_gradient_norms_refuses_a_batch_that_does_not_fit_the_model():
    import keras

    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(keras.layers.Conv2D(2, 3)(inputs))))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 8, 8, 3\)"):
        gradient_norms(model, np.zeros((2, 8, 8, 1)), np.zeros(2, int))
    with pytest.raises(ValueError, match=r"y must hold one integer label per image"):
        gradient_norms(model, np.zeros((2, 8, 8, 3)), np.zeros(3, int))
    with pytest.raises(ValueError, match="group_by must be one of 'auto', 'block', 'layer'"):
        gradient_norms(model, np.zeros((2, 8, 8, 3)), np.zeros(2, int), group_by="stage")


@pytest.mark.parametrize("labels, shown", [([0, 2], "2"), ([-1, 0], "-1")])
def test_gradient_norms_refuses_labels_outside_the_class_range_on_every_backend(labels, shown):
    # JAX's cross-entropy scores such a label as zero loss and zero gradient, silently; TensorFlow fails deep inside.
    import keras

    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(keras.layers.Conv2D(2, 3)(inputs))))
    with pytest.raises(ValueError, match=rf"y must be class indices from 0 to 1 \(num_classes=2\).*: {shown}$"):
        gradient_norms(model, np.zeros((2, 8, 8, 3)), np.array(labels))


def test_track_refuses_bad_run_lengths_and_optimizers():
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        track(8, steps=0)
    with pytest.raises(ValueError, match="every must be an integer >= 1"):
        track(8, every=0)
    with pytest.raises(ValueError, match="optimizer must be one of 'sgd', 'adam'"):
        track(8, optimizer="rmsprop")
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        track(8, learning_rate=0)
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        track(8, learning_rate=float("inf"))
    with pytest.raises(TypeError, match="learning_rate must be a number > 0"):
        track(8, learning_rate="0.1")


def test_degradation_refuses_unknown_modes_and_depth_pairs():
    with pytest.raises(ValueError, match="mode must be one of 'fast', 'recorded', 'full'"):
        degradation_experiment("quick")
    with pytest.raises(ValueError, match=r"depths must be two depths \(shallow, deep\)"):
        degradation_experiment("fast", depths=(8,))
    with pytest.raises(ValueError, match="depth must be an integer >= 8"):
        degradation_experiment("fast", depths=(0, 8))
    with pytest.raises(ValueError, match=r"depth must be 6n \+ 2 .*received depth=30"):
        degradation_experiment("fast", depths=(8, 30))
    with pytest.raises(ValueError, match="shallow < deep"):
        degradation_experiment("fast", depths=(32, 8))
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        degradation_experiment("fast", learning_rate=-0.1)
    with pytest.raises(TypeError, match="seeds must be an integer >= 0"):
        degradation_experiment("fast", seeds=(0.5,))
    with pytest.raises(TypeError, match=r"seeds must be a tuple of whole numbers"):
        degradation_experiment("fast", seeds="0")
    with pytest.raises(TypeError, match="unknown setting 'seed'"):
        degradation_experiment("fast", seed=1)
    with pytest.raises(ValueError, match="schedule must be one of 'constant', 'steps', 'cosine'"):
        degradation_experiment("fast", schedule="linear")
    with pytest.raises(ValueError, match="weight_decay must be a number >= 0"):
        degradation_experiment("fast", weight_decay=-1e-4)
    with pytest.raises(ValueError, match="data must be 'fashion_mnist' or a dataset"):
        degradation_experiment("fast", data=[1, 2, 3])


def test_build_network_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="kind must be one of 'plain', 'residual'"):
        build_network("dense", NetworkSettings(depth=3, network="one_conv"))


def test_network_builders_refuse_bad_shapes_and_strides():
    with pytest.raises(ValueError, match=r"input_shape must be \(height, width, channels\)"):
        build_network("plain", NetworkSettings(depth=8), input_shape=(28, 28))
    with pytest.raises(ValueError, match=r"input_shape must be \(height, width, channels\)"):
        build_network("plain", NetworkSettings(depth=8), input_shape=(28, 0, 1))
    with pytest.raises(ValueError, match="classes must be an integer >= 1"):
        matched_pair(NetworkSettings(depth=8), classes=0)
    with pytest.raises(ValueError, match="stem_stride must be 1 for network='cifar'"):
        matched_pair(NetworkSettings(depth=8), stem_stride=2)
